"""Working days for England and Wales: weekends and bank holidays (bundled data, no network) are skipped."""

import datetime

import pytest

from casework.core.working_days import add_working_days, is_working_day, working_days_between

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 12, 2), 2, D(2026, 12, 4)),  # Wednesday + 2: Friday
        (D(2026, 12, 4), 1, D(2026, 12, 7)),  # Friday + 1: over the weekend to Monday
        (D(2026, 12, 5), 1, D(2026, 12, 7)),  # received on a Saturday
        (D(2026, 12, 23), 2, D(2026, 12, 29)),  # Christmas Day and the substitute Boxing Day (Monday 28th)
        (D(2026, 12, 24), 3, D(2026, 12, 31)),
        (D(2026, 12, 31), 1, D(2027, 1, 4)),  # New Year's Day 2027 is a Friday
        (D(2027, 3, 25), 1, D(2027, 3, 30)),  # Good Friday and Easter Monday 2027
        (D(2026, 12, 2), 20, D(2027, 1, 4)),  # the normal timescale across the Christmas period
        (D(2026, 12, 2), 0, D(2026, 12, 2)),
    ],
)
def test_due_dates_skip_weekends_and_bank_holidays(start, days, due):
    assert add_working_days(start, days) == due


def test_what_a_working_day_is():
    assert is_working_day(D(2026, 12, 24))
    assert not is_working_day(D(2026, 12, 25)) and not is_working_day(D(2026, 12, 28))
    assert not is_working_day(D(2026, 12, 26))


def test_working_days_between_counts_both_ways():
    assert working_days_between(D(2026, 12, 23), D(2026, 12, 29)) == 2
    assert working_days_between(D(2026, 12, 29), D(2026, 12, 23)) == -2
    assert working_days_between(D(2026, 12, 2), D(2026, 12, 2)) == 0


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 12, 2), -1)
