"""Direct payments' arithmetic (dp_schedule.py), pure: due dates every 4 weeks and monthly across month ends
and leap years, net and gross amounts, part periods at the end, the contingency and the surplus above it,
and when reviews fall due."""

from __future__ import annotations

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from casework.plans import dp_schedule as dp

D = Decimal
day = datetime.date


def _dates(payments):
    return [p.due_on for p in payments]


def test_every_four_weeks_is_each_28_days_across_a_leap_february():
    payments = dp.schedule(
        starts_on=day(2028, 1, 20),
        frequency="four_weekly",
        weekly_amount=D("300"),
        weekly_contribution=D("0"),
        basis="net",
        until=day(2028, 5, 1),
    )
    assert _dates(payments) == [day(2028, 1, 20), day(2028, 2, 17), day(2028, 3, 16), day(2028, 4, 13)]
    assert {p.amount for p in payments} == {D("1200.00")}
    assert payments[1].period_ends == day(2028, 3, 15)  # 29 February is in the period


def test_monthly_keeps_the_day_and_falls_back_to_the_last_day_of_a_shorter_month():
    payments = dp.schedule(
        starts_on=day(2028, 1, 31),
        frequency="monthly",
        weekly_amount=D("120"),
        weekly_contribution=D("0"),
        basis="net",
        until=day(2028, 5, 31),
    )
    assert _dates(payments) == [
        day(2028, 1, 31),
        day(2028, 2, 29),  # a leap year
        day(2028, 3, 31),
        day(2028, 4, 30),
        day(2028, 5, 31),
    ]
    assert payments[0].period_ends == day(2028, 2, 28)
    # 52 weeks / 12 months of £120: £520.00 a month, whatever the month's length.
    assert {p.amount for p in payments} == {D("520.00")}


def test_monthly_in_a_common_year_pays_on_28_february():
    dates = _dates(
        dp.schedule(
            starts_on=day(2027, 1, 30),
            frequency="monthly",
            weekly_amount=D("100"),
            weekly_contribution=D("0"),
            basis="net",
            until=day(2027, 3, 31),
        )
    )
    assert dates == [day(2027, 1, 30), day(2027, 2, 28), day(2027, 3, 30)]


def test_monthly_rounds_to_the_penny():
    [payment] = dp.schedule(
        starts_on=day(2026, 4, 1),
        frequency="monthly",
        weekly_amount=D("100.01"),
        weekly_contribution=D("0"),
        basis="net",
        until=day(2026, 4, 1),
    )
    assert payment.amount == D("433.38")  # 100.01 × 52 / 12 = 433.3766…


def test_net_pays_the_budget_less_the_contribution_and_invoices_nothing():
    [payment] = dp.schedule(
        starts_on=day(2026, 4, 6),
        frequency="four_weekly",
        weekly_amount=D("250"),
        weekly_contribution=D("40.50"),
        basis="net",
        until=day(2026, 4, 6),
    )
    assert (payment.amount, payment.invoiced) == (D("838.00"), D("0.00"))


def test_gross_pays_the_whole_budget_and_invoices_the_contribution():
    [payment] = dp.schedule(
        starts_on=day(2026, 4, 6),
        frequency="four_weekly",
        weekly_amount=D("250"),
        weekly_contribution=D("40.50"),
        basis="gross",
        until=day(2026, 4, 6),
    )
    assert (payment.amount, payment.invoiced) == (D("1000.00"), D("162.00"))


def test_a_contribution_above_the_budget_pays_nothing_net_and_invoices_the_budget_gross():
    assert dp.weekly_paid(D("100"), D("120"), "net") == D("0")
    assert dp.weekly_invoiced(D("100"), D("120"), "gross") == D("100")


def test_the_last_period_cut_short_by_the_end_is_paid_by_the_day():
    payments = dp.schedule(
        starts_on=day(2026, 4, 6),
        frequency="four_weekly",
        weekly_amount=D("70"),
        weekly_contribution=D("0"),
        basis="net",
        until=day(2027, 1, 1),
        ends_on=day(2026, 5, 13),  # 10 days into the second period
    )
    assert _dates(payments) == [day(2026, 4, 6), day(2026, 5, 4)]
    assert payments[1].period_ends == day(2026, 5, 13)
    assert [p.amount for p in payments] == [D("280.00"), D("100.00")]


def test_nothing_is_due_after_the_end_or_the_horizon():
    assert (
        dp.schedule(
            starts_on=day(2026, 4, 6),
            frequency="monthly",
            weekly_amount=D("70"),
            weekly_contribution=D("0"),
            basis="net",
            until=day(2026, 4, 5),
        )
        == []
    )


def test_an_unknown_frequency_or_basis_is_refused():
    with pytest.raises(ValueError):
        dp.next_due(day(2026, 1, 1), "fortnightly", 1)
    with pytest.raises(ValueError):
        dp.weekly_paid(D("1"), D("0"), "half")


@pytest.mark.parametrize(
    ("weekly", "balance", "allowed", "surplus"),
    [
        (D("200"), D("1600"), D("1600.00"), D("0")),  # exactly 8 weeks: none
        (D("200"), D("1600.01"), D("1600.00"), D("0.01")),
        (D("200"), D("2500"), D("1600.00"), D("900.00")),
        (D("200"), D("0"), D("1600.00"), D("0")),
        (D("12.345"), D("200"), D("98.76"), D("101.24")),
    ],
)
def test_the_surplus_is_the_balance_over_eight_weeks_of_payments(weekly, balance, allowed, surplus):
    assert dp.contingency_allowed(weekly) == allowed
    assert dp.surplus(balance, allowed) == surplus


@pytest.mark.parametrize(
    ("first", "review"),
    [
        (day(2026, 1, 15), day(2026, 7, 15)),
        (day(2026, 8, 31), day(2027, 2, 28)),
        (day(2027, 8, 31), day(2028, 2, 29)),  # a leap year
    ],
)
def test_the_first_review_is_six_months_after_the_first_payment(first, review):
    assert dp.first_review_due(first) == review


def test_later_reviews_are_at_most_twelve_months_apart():
    assert dp.next_review_due(day(2028, 2, 29)) == day(2029, 2, 28)
    assert dp.next_review_due(day(2026, 7, 15)) == day(2027, 7, 15)


def test_the_arithmetic_imports_no_django():
    root = Path(__file__).resolve().parents[3]
    code = (
        "import sys, casework.plans.dp_schedule\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
