"""When a subject access request must be answered (UK GDPR Art 12(3), the ICO's guidance, and the Data (Use
and Access) Act 2025's stop-the-clock). Pure Python, no ORM.

The rules, as the ICO states them:
- The clock starts on the day the request is received, or the day identity is verified when it had to be.
- One calendar month to the corresponding day; when that month has no such day, its last day
  (31 January -> 28 or 29 February).
- While clarification is awaited the clock stops; the days it stood still are added back when it restarts.
- An extension adds up to two further months (three months from the start), and the requester must be told,
  with reasons, within the first month.
- A due date on a weekend or bank holiday (England and Wales) rolls to the next working day.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from casework.core.working_days import is_working_day

MAX_EXTENSION_MONTHS = 2


@dataclass(frozen=True)
class Pause:
    """A stretch when the clock stood still: from the day clarification was asked to the day it arrived
    (None while still awaited)."""

    started_on: datetime.date
    ended_on: datetime.date | None = None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The corresponding day `months` later, or that month's last day when it has none."""
    if months < 0:
        raise ValueError("months must not be negative")
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: datetime.date) -> datetime.date:
    """The day itself when it is a working day, else the next one."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def clock_start(
    *, received_on: datetime.date, identity_verified_on: datetime.date | None = None
) -> datetime.date:
    """The day the clock starts: receipt, or identity verified when that came later."""
    if identity_verified_on is not None and identity_verified_on > received_on:
        return identity_verified_on
    return received_on


def days_stopped(pauses: Iterable[Pause]) -> int:
    """Whole days the clock stood still (the day clarification arrives counts again)."""
    total = 0
    for pause in pauses:
        if pause.ended_on is None:
            raise ValueError("the clock is stopped: clarification is still awaited")
        if pause.ended_on < pause.started_on:
            raise ValueError("a pause cannot end before it starts")
        total += (pause.ended_on - pause.started_on).days
    return total


def is_clock_stopped(pauses: Iterable[Pause]) -> bool:
    return any(pause.ended_on is None for pause in pauses)


def due_date(
    *,
    received_on: datetime.date,
    identity_verified_on: datetime.date | None = None,
    pauses: Iterable[Pause] = (),
    extension_months: int = 0,
) -> datetime.date | None:
    """The day the response is due, or None while the clock is stopped.

    Raises ValueError for an extension beyond two months.
    """
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"an extension is of up to {MAX_EXTENSION_MONTHS} months")
    pauses = list(pauses)
    if is_clock_stopped(pauses):
        return None
    start = clock_start(received_on=received_on, identity_verified_on=identity_verified_on)
    end = add_months(start, 1 + extension_months) + datetime.timedelta(days=days_stopped(pauses))
    return next_working_day(end)


def extension_letter_deadline(
    *,
    received_on: datetime.date,
    identity_verified_on: datetime.date | None = None,
    pauses: Iterable[Pause] = (),
) -> datetime.date | None:
    """The last day to tell the requester of an extension: the end of the first month (the original due
    date), or None while the clock is stopped."""
    return due_date(received_on=received_on, identity_verified_on=identity_verified_on, pauses=pauses)


def extension_allowed(
    *,
    letter_sent_on: datetime.date,
    received_on: datetime.date,
    identity_verified_on: datetime.date | None = None,
    pauses: Iterable[Pause] = (),
) -> bool:
    """Whether an extension letter sent on `letter_sent_on` is within the first month."""
    deadline = extension_letter_deadline(
        received_on=received_on, identity_verified_on=identity_verified_on, pauses=pauses
    )
    return deadline is not None and letter_sent_on <= deadline
