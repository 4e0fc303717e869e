from django.db import models

from casework.assessments.choices import NeedStatus


class ReferralStatus(models.TextChoices):
    SENT = "sent", "New"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CLOSED = "closed", "Closed"


# Referrals a need is still out on: it cannot be referred again until they are declined or closed.
OPEN_REFERRAL_STATUSES = frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED})

# The statuses a delivery organisation sends back about a need it was referred (SAVVI need status updates).
DELIVERY_NEED_STATUSES = (
    NeedStatus.PLANNED,
    NeedStatus.BEING_MANAGED,
    NeedStatus.RESOLVED,
    NeedStatus.NO_LONGER_RELEVANT,
    NeedStatus.REJECTED,
)
# A referral can be closed once none of its needs is still in one of these.
NEEDS_IN_HAND = frozenset({NeedStatus.PLANNED, NeedStatus.BEING_MANAGED})

# The worklist's status filter: open (new and accepted) unless another is chosen.
WORKLIST_FILTERS = [
    ("open", "New and accepted"),
    ("sent", "New"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("closed", "Closed"),
    ("all", "All"),
]
