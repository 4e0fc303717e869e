"""Background work for reviews: the daily sweep that makes the planned reviews that are due."""

import datetime

from casework.core.jobs import job
from casework.reviews import services


@job("reviews.make_due_reviews", every=datetime.timedelta(days=1))
def make_due_reviews() -> int:
    return services.make_due_reviews()
