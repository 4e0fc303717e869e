"""When a review is due: 6 to 8 weeks after a plan starts or changes, then 12 months; a direct payment at 6
months after the first payment, then 12; across leap years and month ends."""

import datetime

import pytest

from casework.reviews.schedule import (
    ReviewIntervals,
    add_months,
    direct_payment_review_due,
    first_review_due,
    next_review_due,
    review_due,
)

D = datetime.date


def test_the_first_review_is_eight_weeks_after_the_plan_starts_by_default():
    assert first_review_due(D(2026, 3, 2)) == D(2026, 4, 27)


def test_an_organisation_may_review_first_at_six_weeks():
    assert first_review_due(D(2026, 3, 2), ReviewIntervals(first_weeks=6)) == D(2026, 4, 13)


def test_eight_weeks_cross_a_leap_day():
    assert first_review_due(D(2028, 2, 1)) == D(2028, 3, 28)  # 2028 has 29 February
    assert first_review_due(D(2027, 2, 1)) == D(2027, 3, 29)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2027, 8, 31), 6, D(2028, 2, 29)),
        (D(2026, 3, 31), 6, D(2026, 9, 30)),
        (D(2026, 12, 15), 12, D(2027, 12, 15)),
        (D(2026, 7, 15), 6, D(2027, 1, 15)),
    ],
)
def test_months_are_added_to_the_same_day_or_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_then_every_twelve_months_after_the_last_review():
    assert next_review_due(D(2026, 5, 10)) == D(2027, 5, 10)
    assert next_review_due(D(2028, 2, 29)) == D(2029, 2, 28)


def test_the_next_due_date_follows_the_last_review_unless_the_plan_changed_since():
    started = D(2026, 1, 5)
    assert review_due(plan_started_on=started) == D(2026, 3, 2)
    assert review_due(plan_started_on=started, last_reviewed_on=D(2026, 3, 1)) == D(2027, 3, 1)
    # The plan changed after the last review: its first review again, 8 weeks on.
    assert review_due(plan_started_on=D(2026, 6, 1), last_reviewed_on=D(2026, 3, 1)) == D(2026, 7, 27)


def test_a_direct_payment_is_reviewed_six_months_after_the_first_payment_then_every_twelve():
    assert direct_payment_review_due(D(2026, 8, 31)) == D(2027, 2, 28)
    assert direct_payment_review_due(D(2027, 8, 31)) == D(2028, 2, 29)
    assert direct_payment_review_due(D(2026, 8, 31), last_reviewed_on=D(2027, 2, 20)) == D(2028, 2, 20)


def test_a_direct_payment_review_sooner_than_the_plans_aligns_them():
    # Reviewed at 8 weeks; the first payment came later, so its 6-month review is sooner than 12 months on.
    due = review_due(
        plan_started_on=D(2026, 1, 5), last_reviewed_on=D(2026, 3, 2), first_payment_on=D(2026, 4, 1)
    )
    assert due == D(2026, 10, 1)


def test_intervals_outside_the_guidance_are_refused():
    with pytest.raises(ValueError):
        ReviewIntervals(first_weeks=9)
    with pytest.raises(ValueError):
        ReviewIntervals(every_months=13)
    with pytest.raises(ValueError):
        ReviewIntervals(direct_payment_first_months=7)


def test_a_plan_changed_after_a_review_on_the_same_day_is_first_reviewed_in_weeks():
    day = D(2026, 12, 6)
    assert review_due(plan_started_on=day, last_reviewed_on=day) == D(2027, 12, 6)
    assert review_due(plan_started_on=day, last_reviewed_on=day, changed_since_review=True) == D(2027, 1, 31)
