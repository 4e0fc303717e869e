"""What a support plan's services cost, as pure Python (no Django): a service's weekly cost, a plan's weekly
and annual cost, and what a service costs over a period, where a suspended day costs nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from casework.plans.charging.enablement import EnablementPeriod, is_free_enablement_day

PENNY = Decimal("0.01")
WEEKS_A_YEAR = 52
WEEKLY = "weekly"
FOUR_WEEKLY = "four_weekly"
ONE_OFF = "one_off"


def pounds(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ServiceCost:
    frequency: str  # weekly, four_weekly or one_off
    units: Decimal
    unit_cost: Decimal
    starts_on: datetime.date
    ends_on: datetime.date | None = None  # the last day (None: open-ended)


@dataclass(frozen=True)
class Period:
    starts_on: datetime.date
    ends_on: datetime.date | None  # the last day (None: still going)


def weekly_cost(service: ServiceCost) -> Decimal:
    """What the service costs a week, unrounded (a one-off service costs nothing a week)."""
    each = service.units * service.unit_cost
    if service.frequency == WEEKLY:
        return each
    if service.frequency == FOUR_WEEKLY:
        return each / 4
    return Decimal("0")


def plan_costs(services: Iterable[ServiceCost]) -> tuple[Decimal, Decimal]:
    """The plan's weekly cost (its recurring services) and annual cost (52 weeks of them and the one-offs)."""
    listed = list(services)
    weekly = sum((weekly_cost(s) for s in listed), Decimal("0"))
    once = sum((s.units * s.unit_cost for s in listed if s.frequency == ONE_OFF), Decimal("0"))
    return pounds(weekly), pounds(weekly * WEEKS_A_YEAR + once)


def _days(start: datetime.date, end: datetime.date) -> int:
    return max((end - start).days + 1, 0)


def suspended_days(
    suspensions: Sequence[Period], *, starts_on: datetime.date, ends_on: datetime.date
) -> set[datetime.date]:
    """The days from `starts_on` to `ends_on` (inclusive) on which the service was suspended."""
    days: set[datetime.date] = set()
    for period in suspensions:
        first = max(period.starts_on, starts_on)
        last = min(period.ends_on or ends_on, ends_on)
        days.update(first + datetime.timedelta(days=n) for n in range(_days(first, last)))
    return days


def service_charge(
    service: ServiceCost,
    suspensions: Sequence[Period],
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Decimal:
    """What the service costs from `starts_on` to `ends_on` (inclusive): a seventh of its weekly cost for each
    day it runs, nothing on a day it is suspended (or before it starts, or after it ends). A one-off service
    costs its whole cost if its start day falls in the period and it was not suspended that day."""
    first = max(starts_on, service.starts_on)
    last = min(ends_on, service.ends_on) if service.ends_on else ends_on
    if last < first:
        return Decimal("0.00")
    off = suspended_days(suspensions, starts_on=first, ends_on=last)
    if service.frequency == ONE_OFF:
        due = first == service.starts_on and service.starts_on not in off
        return pounds(service.units * service.unit_cost) if due else Decimal("0.00")
    charged = _days(first, last) - len(off)
    return pounds(weekly_cost(service) * charged / 7)


def is_chargeable(service: ServiceCost, enablement: Sequence[EnablementPeriod] = ()) -> bool:
    """No surprise bills: a service the person may be charged for. That is one that costs something (units
    and unit cost above nothing) and has at least one day outside free enablement (the first 6 weeks of an
    enablement episode, SI 2014/2672 reg 3(3)(b)). An open-ended service always has such a day; one lying
    wholly within free enablement never charges, so it needs no financial assessment or estimate letter."""
    if service.units <= 0 or service.unit_cost <= 0:
        return False
    if not enablement:
        return True
    if service.ends_on is None:
        return True
    day = service.starts_on
    while day <= service.ends_on:
        if not is_free_enablement_day(day, enablement):
            return True
        day += datetime.timedelta(days=1)
    return False
