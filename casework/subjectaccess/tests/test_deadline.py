"""The subject access due-date rules, without a database."""

import datetime

import pytest

from casework.subjectaccess.deadline import (
    Pause,
    add_months,
    due_date,
    extension_allowed,
    next_working_day,
)

D = datetime.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 3, 3), 1, D(2025, 4, 3)),  # the corresponding day
        (D(2025, 1, 31), 1, D(2025, 2, 28)),  # none: the month's last day
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 11, 15), 3, D(2026, 2, 15)),  # across the year end
        (D(2025, 12, 31), 2, D(2026, 2, 28)),
    ],
)
def test_one_calendar_month_to_the_corresponding_day(start, months, expected):
    assert add_months(start, months) == expected


def test_received_31_january_is_due_on_the_last_day_of_february():
    # 28 February 2025 is a Friday.
    assert due_date(received_on=D(2025, 1, 31)) == D(2025, 2, 28)


def test_a_due_date_on_a_weekend_rolls_to_monday():
    # 22 November 2025 is a Saturday: Monday 24 November.
    assert due_date(received_on=D(2025, 10, 22)) == D(2025, 11, 24)
    # A weekday due date stays put: Tuesday 17 June 2025 (received on a Saturday counts from that day).
    assert due_date(received_on=D(2025, 5, 17)) == D(2025, 6, 17)
    # 5 May 2025 is the early May bank holiday: Tuesday 6 May.
    assert due_date(received_on=D(2025, 4, 5)) == D(2025, 5, 6)


def test_a_due_date_on_a_bank_holiday_rolls_past_it():
    # 25 November 2025 + 1 month = Thursday 25 December: Christmas and Boxing Day roll to Monday 29 December.
    assert due_date(received_on=D(2025, 11, 25)) == D(2025, 12, 29)
    # Good Friday 18 April 2025 and Easter Monday 21 April.
    assert due_date(received_on=D(2025, 3, 18)) == D(2025, 4, 22)


def test_next_working_day_is_the_day_itself_when_working():
    assert next_working_day(D(2025, 6, 11)) == D(2025, 6, 11)


def test_identity_verified_later_starts_the_clock_then():
    assert due_date(received_on=D(2025, 6, 2), identity_verified_on=D(2025, 6, 10)) == D(2025, 7, 10)
    # Verified the day it came (or earlier): receipt starts the clock.
    assert due_date(received_on=D(2025, 6, 10), identity_verified_on=D(2025, 6, 10)) == D(2025, 7, 10)


def test_the_clock_stops_while_clarification_is_awaited_and_restarts():
    pauses = [Pause(D(2025, 6, 5), None)]
    assert due_date(received_on=D(2025, 6, 2), pauses=pauses) is None
    # Ten days stopped: 2 July + 10 days = Saturday 12 July -> Monday 14 July.
    pauses = [Pause(D(2025, 6, 5), D(2025, 6, 15))]
    assert due_date(received_on=D(2025, 6, 2), pauses=pauses) == D(2025, 7, 14)
    # Two stops add up.
    pauses = [Pause(D(2025, 6, 5), D(2025, 6, 8)), Pause(D(2025, 6, 10), D(2025, 6, 12))]
    assert due_date(received_on=D(2025, 6, 2), pauses=pauses) == D(2025, 7, 7)


def test_a_pause_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        due_date(received_on=D(2025, 6, 2), pauses=[Pause(D(2025, 6, 5), D(2025, 6, 4))])


def test_extension_by_up_to_two_months():
    # Three months from the start: 2 September 2025, a Tuesday.
    assert due_date(received_on=D(2025, 6, 2), extension_months=2) == D(2025, 9, 2)
    assert due_date(received_on=D(2025, 6, 2), extension_months=1) == D(2025, 8, 4)  # 2 Aug is a Saturday
    with pytest.raises(ValueError):
        due_date(received_on=D(2025, 6, 2), extension_months=3)


def test_the_extension_letter_must_go_within_the_first_month():
    assert extension_allowed(letter_sent_on=D(2025, 7, 2), received_on=D(2025, 6, 2))
    assert not extension_allowed(letter_sent_on=D(2025, 7, 3), received_on=D(2025, 6, 2))
    # Stopped clock pushes the first month out.
    pauses = [Pause(D(2025, 6, 5), D(2025, 6, 10))]
    assert extension_allowed(letter_sent_on=D(2025, 7, 7), received_on=D(2025, 6, 2), pauses=pauses)
    # While the clock is stopped there is no first month to speak of yet.
    assert not extension_allowed(
        letter_sent_on=D(2025, 6, 6), received_on=D(2025, 6, 2), pauses=[Pause(D(2025, 6, 5))]
    )
