from django.db import models


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class TaskKind(models.TextChoices):
    FOLLOW_UP = "follow_up", "Follow-up"
    REVIEW_REQUEST = "review_request", "Review requested"
    ADVICE_CHECK = "advice_check", "Check the advice worked"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    ESCALATION = "escalation", "Escalation"
    RECONTACT = "recontact", "Re-contact the person"
    OTHER = "other", "Other"


# Kinds that are about something that has already gone wrong: they may be due on a day already past
# (a concern raised late on a Friday is still due "today" when the safeguarding team reads it on Monday).
URGENT_KINDS = frozenset({TaskKind.SAFEGUARDING, TaskKind.ESCALATION})

# The kinds a person picks when adding a task by hand; the others are made by their own flows.
MANUAL_KINDS = (
    TaskKind.FOLLOW_UP,
    TaskKind.RECONTACT,
    TaskKind.REVIEW_REQUEST,
    TaskKind.ADVICE_CHECK,
    TaskKind.OTHER,
)
