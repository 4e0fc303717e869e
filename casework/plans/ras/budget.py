"""The personal budget's figures (Care Act 2014 s26) and its approval route, as pure Python.

The three figures: the cost to the council of meeting the needs, what the person pays (their assessed
contribution, never more than the cost), and what the council pays (the rest). The final budget's
difference from the indicative one needs a reason when it is more than the organisation's threshold. An
approver approves up to their role's annual limit; above it, the budget goes up to the next level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
WEEKS_A_YEAR = 52


def pounds(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    weekly_cost: Decimal  # the cost to the council
    person_pays: Decimal | None  # None: no completed financial assessment yet
    council_pays: Decimal
    annual_cost: Decimal
    pays_full_cost: bool


def budget_figures(
    *, weekly_cost: Decimal, weekly_charge: Decimal | None, pays_full_cost: bool = False
) -> Figures:
    """The three figures from the weekly cost and the person's assessed weekly charge (None: not assessed).

    A person assessed to pay the full cost (capital over the upper limit, or light-touch) pays the cost; the
    charge is never more than the cost of the care (SI 2014/2672 reg 7)."""
    cost = pounds(weekly_cost)
    if weekly_charge is None and not pays_full_cost:
        person: Decimal | None = None
    elif pays_full_cost:
        person = cost
    else:
        assert weekly_charge is not None
        person = min(pounds(weekly_charge), cost)
    council = cost - (person or Decimal("0"))
    return Figures(
        weekly_cost=cost,
        person_pays=person,
        council_pays=pounds(council),
        annual_cost=pounds(cost * WEEKS_A_YEAR),
        pays_full_cost=pays_full_cost,
    )


@dataclass(frozen=True)
class Difference:
    weekly: Decimal  # final minus indicative (negative: less than the indicative budget)
    percent: Decimal | None  # of the indicative amount; None when that is £0
    needs_reason: bool


def difference(*, indicative: Decimal, final: Decimal, threshold_percent: Decimal) -> Difference:
    """The final weekly budget's difference from the indicative one, and whether it is over the threshold
    (either way: more than `threshold_percent` % of the indicative amount; any difference from £0)."""
    weekly = pounds(final - indicative)
    if indicative == 0:
        return Difference(weekly=weekly, percent=None, needs_reason=weekly != 0)
    percent = (abs(weekly) * 100 / indicative).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Difference(
        weekly=weekly, percent=percent, needs_reason=abs(weekly) * 100 > threshold_percent * indicative
    )


@dataclass(frozen=True)
class Level:
    """A role that approves budgets up to `annual_limit` pounds a year (None: no limit)."""

    role: str
    annual_limit: Decimal | None

    def covers(self, annual_cost: Decimal) -> bool:
        return self.annual_limit is None or annual_cost <= self.annual_limit


def ordered(levels: Sequence[Level]) -> list[Level]:
    """The levels lowest limit first; no limit last."""
    return sorted(levels, key=lambda level: (level.annual_limit is None, level.annual_limit or Decimal("0")))


def first_level(levels: Sequence[Level]) -> Level | None:
    """Where a submitted budget goes first: the lowest level."""
    chain = ordered(levels)
    return chain[0] if chain else None


def next_level(levels: Sequence[Level], after: str) -> Level | None:
    """The level above `after` (None: there is none)."""
    chain = ordered(levels)
    roles = [level.role for level in chain]
    if after not in roles:
        return None
    index = roles.index(after)
    return chain[index + 1] if index + 1 < len(chain) else None


def level_covering(levels: Sequence[Level], annual_cost: Decimal) -> Level | None:
    """The lowest level whose limit covers the annual cost (None: nobody may approve it)."""
    for level in ordered(levels):
        if level.covers(annual_cost):
            return level
    return None
