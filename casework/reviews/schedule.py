"""When a review is due: pure date arithmetic, no ORM.

Care Act guidance (s27, as councils' procedures restate it): the first review within 6 to 8 weeks of a plan
starting or changing, then at least every 12 months. Direct payments (Care and Support (Direct Payments)
Regulations 2014 reg 7): within 6 months of the first payment, then at least every 12 months. The intervals
are the organisation's to set (within those limits); the defaults are the longest the guidance allows."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

MIN_FIRST_WEEKS = 6
MAX_FIRST_WEEKS = 8
MAX_EVERY_MONTHS = 12
MAX_DIRECT_PAYMENT_FIRST_MONTHS = 6


@dataclass(frozen=True)
class ReviewIntervals:
    first_weeks: int = MAX_FIRST_WEEKS
    every_months: int = MAX_EVERY_MONTHS
    direct_payment_first_months: int = MAX_DIRECT_PAYMENT_FIRST_MONTHS

    def __post_init__(self) -> None:
        if not MIN_FIRST_WEEKS <= self.first_weeks <= MAX_FIRST_WEEKS:
            raise ValueError("The first review is due 6 to 8 weeks after a plan starts or changes")
        if not 1 <= self.every_months <= MAX_EVERY_MONTHS:
            raise ValueError("A plan is reviewed at least every 12 months")
        if not 1 <= self.direct_payment_first_months <= MAX_DIRECT_PAYMENT_FIRST_MONTHS:
            raise ValueError("A direct payment is first reviewed within 6 months of the first payment")


DEFAULT = ReviewIntervals()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when that month is shorter (31 Jan + 1 = 28/29 Feb,
    29 Feb + 12 = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_review_due(plan_started_on: datetime.date, intervals: ReviewIntervals = DEFAULT) -> datetime.date:
    """The first review of a plan that started (or changed) on `plan_started_on`."""
    return plan_started_on + datetime.timedelta(weeks=intervals.first_weeks)


def next_review_due(last_reviewed_on: datetime.date, intervals: ReviewIntervals = DEFAULT) -> datetime.date:
    """The review after one completed on `last_reviewed_on`."""
    return add_months(last_reviewed_on, intervals.every_months)


def direct_payment_review_due(
    first_payment_on: datetime.date,
    last_reviewed_on: datetime.date | None = None,
    intervals: ReviewIntervals = DEFAULT,
) -> datetime.date:
    """A direct payment's review: within 6 months of the first payment, then every 12 months
    after the last."""
    first = add_months(first_payment_on, intervals.direct_payment_first_months)
    if last_reviewed_on is None or last_reviewed_on < first_payment_on:
        return first
    return next_review_due(last_reviewed_on, intervals)


def review_due(
    *,
    plan_started_on: datetime.date,
    last_reviewed_on: datetime.date | None = None,
    first_payment_on: datetime.date | None = None,
    intervals: ReviewIntervals = DEFAULT,
    changed_since_review: bool = False,
) -> datetime.date:
    """When a plan's next planned review is due: the first after it started or changed (no review since),
    else 12 months after the last; a direct payment's own review, when sooner, aligns the two.
    `changed_since_review` says the plan started after the last review on the same day (a review's revision
    approved that day): dates alone cannot tell."""
    if last_reviewed_on is None or last_reviewed_on < plan_started_on or changed_since_review:
        due = first_review_due(plan_started_on, intervals)
    else:
        due = next_review_due(last_reviewed_on, intervals)
    if first_payment_on is not None:
        due = min(due, direct_payment_review_due(first_payment_on, last_reviewed_on, intervals))
    return due
