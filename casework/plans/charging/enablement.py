"""Enablement (reablement) is free: the Care and Support (Charging and Assessment of Resources) Regulations
2014 (SI 2014/2672) reg 3(3)(a)-(b) and the Care and Support Statutory Guidance 8.14 forbid charging for
intermediate care and reablement for up to 6 weeks. A council may go on providing it free after 6 weeks; it
may never charge within them.

Pure functions, no Django: the charging code asks `is_free_enablement_day` of every day it would charge for,
and `weekly_charge_for_week` charges a week's share for its chargeable days only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FREE_WEEKS = 6
FREE_DAYS = FREE_WEEKS * 7
CITATION = "SI 2014/2672 reg 3(3)(b); Care and Support Statutory Guidance 8.14"


@dataclass(frozen=True)
class EnablementPeriod:
    """An enablement episode's dates: it started on `starts` and ended on `ends` (None: still going)."""

    starts: datetime.date
    ends: datetime.date | None = None


def free_until(starts: datetime.date) -> datetime.date:
    """The last day of the free 6 weeks of enablement started on `starts` (day 42, `starts` being day 1)."""
    return starts + datetime.timedelta(days=FREE_DAYS - 1)


def within_free_weeks(day: datetime.date, starts: datetime.date) -> bool:
    """True when `day` is within the free 6 weeks of enablement started on `starts`."""
    return starts <= day <= free_until(starts)


def is_free_enablement_day(day: datetime.date, periods: Iterable[EnablementPeriod]) -> bool:
    """True when `day` falls within the first 6 weeks of one of the enablement periods (and before it ended):
    nothing may be charged for it."""
    return any(
        within_free_weeks(day, period.starts) and (period.ends is None or day <= period.ends)
        for period in periods
    )


def weekly_charge_for_week(
    weekly_charge: Decimal, week_starts: datetime.date, periods: Iterable[EnablementPeriod]
) -> Decimal:
    """The charge for the week starting `week_starts`: the weekly charge less a seventh for each day of
    free enablement in it (a whole free week charges nothing), to the penny."""
    periods = tuple(periods)
    days = [week_starts + datetime.timedelta(days=n) for n in range(7)]
    chargeable = sum(1 for day in days if not is_free_enablement_day(day, periods))
    if chargeable == 7:
        return weekly_charge
    return (weekly_charge * chargeable / 7).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
