"""Background work for reviews: the daily sweep that makes the planned reviews that are due."""

import datetime

from casework.core.jobs import job
from casework.reviews import escalation, services


@job("reviews.make_due_reviews", every=datetime.timedelta(days=1))
def make_due_reviews() -> int:
    return services.make_due_reviews()


@job("reviews.escalate_overdue", every=datetime.timedelta(hours=6))
def escalate_overdue() -> int:
    return escalation.overdue_reviews_escalate()
