"""Direct payments' arithmetic, pure (no Django): the dates payments fall due, what each pays, the
contingency a person may keep and the surplus above it, and when reviews fall due (docs/adr/0025).

- Every 4 weeks: the start date and each 28 days on. Monthly: the start's day of the month, each month (the
  last day of a shorter month: a start on 31 January pays on 28 or 29 February, then 31 March).
- A payment covers the days from its due date to the day before the next; it is the weekly amount for every
  full week of that period (4 weeks; monthly: 52 / 12 weeks), and pro rata by the day for a period cut short
  by the end of the agreement.
- Net: the council pays the budget less the person's assessed contribution. Gross: the council pays the whole
  budget and invoices the person for their contribution.
- Contingency: the person may hold up to 8 weeks of the council's payments (the organisation's policy); a
  balance above it is a surplus to recover, or keep with a reason.
- Reviews: within 6 months of the first payment, then at least every 12 months (SI 2014/2871 reg 7).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
WEEKS_A_YEAR = Decimal(52)
MONTHS_A_YEAR = Decimal(12)
CONTINGENCY_WEEKS = 8
FIRST_REVIEW_MONTHS = 6
REVIEW_INTERVAL_MONTHS = 12
FOUR_WEEKLY = "four_weekly"
MONTHLY = "monthly"
NET = "net"
GROSS = "gross"


def pennies(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def add_months(day: datetime.date, months: int, *, anchor_day: int | None = None) -> datetime.date:
    """`day` moved on `months` months, on `anchor_day` (default: day's own) or the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(anchor_day or day.day, last))


def next_due(starts_on: datetime.date, frequency: str, number: int) -> datetime.date:
    """The due date of payment `number` (0: the first, on the start date)."""
    if frequency == FOUR_WEEKLY:
        return starts_on + datetime.timedelta(days=28 * number)
    if frequency == MONTHLY:
        return add_months(starts_on, number, anchor_day=starts_on.day)
    raise ValueError(f"Unknown payment frequency {frequency!r}")


def weekly_paid(weekly_amount: Decimal, weekly_contribution: Decimal, basis: str) -> Decimal:
    """What the council pays a week: the budget less the contribution (net), or the whole budget (gross)."""
    if basis == NET:
        return max(Decimal(0), weekly_amount - weekly_contribution)
    if basis == GROSS:
        return weekly_amount
    raise ValueError(f"Unknown contribution basis {basis!r}")


def weekly_invoiced(weekly_amount: Decimal, weekly_contribution: Decimal, basis: str) -> Decimal:
    """What the person is invoiced a week: their contribution (gross, up to the budget), nothing (net)."""
    return min(weekly_contribution, weekly_amount) if basis == GROSS else Decimal(0)


def full_period_weeks(frequency: str) -> Decimal:
    return Decimal(4) if frequency == FOUR_WEEKLY else WEEKS_A_YEAR / MONTHS_A_YEAR


@dataclass(frozen=True)
class ScheduledPayment:
    due_on: datetime.date
    period_starts: datetime.date
    period_ends: datetime.date
    amount: Decimal  # what the council pays
    invoiced: Decimal  # what the person is invoiced for the period (gross only)


def _for_period(weekly: Decimal, frequency: str, days: int, full_days: int) -> Decimal:
    if days >= full_days:
        return pennies(weekly * full_period_weeks(frequency))
    return pennies(weekly * days / 7)


def schedule(
    *,
    starts_on: datetime.date,
    frequency: str,
    weekly_amount: Decimal,
    weekly_contribution: Decimal,
    basis: str,
    until: datetime.date,
    ends_on: datetime.date | None = None,
) -> list[ScheduledPayment]:
    """Every payment due from the start up to `until` (inclusive), none after the end of the agreement."""
    paid = weekly_paid(weekly_amount, weekly_contribution, basis)
    invoiced = weekly_invoiced(weekly_amount, weekly_contribution, basis)
    last_day = min(until, ends_on) if ends_on is not None else until
    payments = []
    number = 0
    while (due := next_due(starts_on, frequency, number)) <= last_day:
        following = next_due(starts_on, frequency, number + 1)
        full_days = (following - due).days
        period_ends = following - datetime.timedelta(days=1)
        if ends_on is not None and ends_on < period_ends:
            period_ends = ends_on
        days = (period_ends - due).days + 1
        payments.append(
            ScheduledPayment(
                due_on=due,
                period_starts=due,
                period_ends=period_ends,
                amount=_for_period(paid, frequency, days, full_days),
                invoiced=_for_period(invoiced, frequency, days, full_days),
            )
        )
        number += 1
    return payments


def contingency_allowed(weekly_council_pays: Decimal, weeks: int = CONTINGENCY_WEEKS) -> Decimal:
    """The balance a person may hold: `weeks` weeks of the council's payments."""
    return pennies(weekly_council_pays * weeks)


def surplus(balance_held: Decimal, allowed: Decimal) -> Decimal:
    """The balance above the contingency allowed (0 when within it)."""
    return max(Decimal(0), pennies(balance_held - allowed))


def first_review_due(first_payment_on: datetime.date) -> datetime.date:
    """The first review: within 6 months of the first payment."""
    return add_months(first_payment_on, FIRST_REVIEW_MONTHS)


def next_review_due(last_review_on: datetime.date) -> datetime.date:
    """A later review: at most 12 months after the last."""
    return add_months(last_review_on, REVIEW_INTERVAL_MONTHS)
