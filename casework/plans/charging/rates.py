"""The figures a financial assessment uses, one table per tax year, each figure with where it comes from.

A figure not yet checked against its source (the DHSC local authority circular for the year, or the
amending regulations) is marked `to_confirm`: the assessment still uses it, and says so on every line that
does, until the organisation admin confirms it. The council's own choices (a local MIG uplift, a taper, a
minimum charge, a standard disability-related expenditure allowance, higher capital limits for care at home)
are figures of the table too, so a council sets them once per year and every assessment names the table it
used.

No Django here: the calculator and the public "What might I pay?" page use the same table.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal

REGS = "SI 2014/2672"  # The Care and Support (Charging and Assessment of Resources) Regulations 2014
GUIDANCE = "Care and Support Statutory Guidance, Annex C"
POLICY = "the council's charging policy (Care Act 2014 s14 and s17)"


@dataclass(frozen=True)
class Figure:
    amount: Decimal
    citation: str
    to_confirm: bool = False
    note: str = ""


def _f(amount: str, citation: str, *, to_confirm: bool = False, note: str = "") -> Figure:
    return Figure(Decimal(amount), citation, to_confirm, note)


@dataclass(frozen=True)
class RateTable:
    """Weekly amounts in pounds, capital in pounds, percentages as numbers (25 is 25%)."""

    tax_year: str
    starts: datetime.date
    ends: datetime.date
    upper_capital_limit: Figure
    lower_capital_limit: Figure
    tariff_step: Figure  # £250: each £250 (or part) of capital between the limits ...
    tariff_per_step: Figure  # ... counts as £1 a week of income
    personal_expenses_allowance: Figure
    pension_credit_age: Figure  # the age from which the pension-age MIG applies
    mig_single_18_24: Figure
    mig_single_25_plus: Figure
    mig_single_pension_age: Figure
    mig_couple_member: Figure  # each member of a couple, at least one 18 or over, below pension age
    mig_couple_member_pension_age: Figure
    mig_lone_parent: Figure
    mig_child: Figure  # each dependent child
    disability_premium_single: Figure
    disability_premium_couple_member: Figure
    enhanced_disability_premium_single: Figure
    enhanced_disability_premium_couple_member: Figure
    carer_premium: Figure
    savings_credit_disregard_single: Figure
    savings_credit_disregard_couple: Figure
    disability_benefit_night_element: Figure  # higher rate less lower rate of AA, DLA care, PIP daily living
    standard_dre: Figure
    minimum_charge: Figure
    local_mig_uplift_percent: Figure
    taper_percent: Figure
    local_upper_capital_limit_at_home: Figure  # a council may set a higher limit for care at home

    def figures(self) -> dict[str, Figure]:
        """Every figure by name, in the table's order."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if isinstance(getattr(self, f.name), Figure)
        }

    def to_confirm(self) -> list[str]:
        return [name for name, figure in self.figures().items() if figure.to_confirm]

    def with_figures(self, **amounts: Decimal) -> RateTable:
        """A copy with some figures changed (an organisation's own choices, or a figure confirmed): a changed
        figure is no longer "to confirm"."""
        unknown = set(amounts) - set(self.figures())
        if unknown:
            raise ValueError(f"not figures of the table: {', '.join(sorted(unknown))}")
        changed = {
            name: dataclasses.replace(getattr(self, name), amount=Decimal(amount), to_confirm=False)
            for name, amount in amounts.items()
        }
        return dataclasses.replace(self, **changed)


_UPRATED = "the 2023/24 figure (SI 2023/277) uprated by the rise in the 25-or-over figure; to confirm"

RATES_2025_26 = RateTable(
    tax_year="2025/26",
    starts=datetime.date(2025, 4, 6),
    ends=datetime.date(2026, 4, 5),
    upper_capital_limit=_f("23250", f"{REGS} reg 12 (upper capital limit)"),
    lower_capital_limit=_f("14250", f"{REGS} reg 25 (lower capital limit)"),
    tariff_step=_f("250", f"{REGS} reg 25 (tariff income: £1 a week for every £250 or part)"),
    tariff_per_step=_f("1", f"{REGS} reg 25 (tariff income: £1 a week for every £250 or part)"),
    personal_expenses_allowance=_f("30.65", f"{REGS} reg 6 (personal expenses allowance)"),
    pension_credit_age=_f("66", "Pension Credit qualifying age (State Pension age)"),
    mig_single_18_24=_f("89.15", f"{REGS} reg 7(2)(a) (single, 18 to 24)"),
    mig_single_25_plus=_f("112.50", f"{REGS} reg 7(2)(b) (single, 25 to Pension Credit age)"),
    mig_single_pension_age=_f(
        "232.65", f"{REGS} reg 7(2)(c) (single, Pension Credit age)", to_confirm=True, note=_UPRATED
    ),
    mig_couple_member=_f("88.30", f"{REGS} reg 7 (each member of a couple)", to_confirm=True, note=_UPRATED),
    mig_couple_member_pension_age=_f(
        "177.60",
        f"{REGS} reg 7 (each member of a couple, Pension Credit age)",
        to_confirm=True,
        note=_UPRATED,
    ),
    mig_lone_parent=_f("141.45", f"{REGS} reg 7 (lone parent)", to_confirm=True, note=_UPRATED),
    mig_child=_f("103.00", f"{REGS} reg 7(1)(b) (each dependent child)", to_confirm=True, note=_UPRATED),
    disability_premium_single=_f("49.65", f"{REGS} reg 7 (disability premium)"),
    disability_premium_couple_member=_f(
        "35.65", f"{REGS} reg 7 (disability premium, each member of a couple)", to_confirm=True, note=_UPRATED
    ),
    enhanced_disability_premium_single=_f("24.25", f"{REGS} reg 7 (enhanced disability premium)"),
    enhanced_disability_premium_couple_member=_f(
        "17.45",
        f"{REGS} reg 7 (enhanced disability premium, each member of a couple)",
        to_confirm=True,
        note=_UPRATED,
    ),
    carer_premium=_f("49.50", f"{REGS} reg 7 (carer premium)", to_confirm=True, note=_UPRATED),
    savings_credit_disregard_single=_f(
        "6.95", f"{REGS} Sch 1 (savings credit disregard, single)", to_confirm=True, note="the 2024/25 figure"
    ),
    savings_credit_disregard_couple=_f(
        "10.40",
        f"{REGS} Sch 1 (savings credit disregard, couple)",
        to_confirm=True,
        note="the 2024/25 figure",
    ),
    disability_benefit_night_element=_f(
        "36.50",
        f"{GUIDANCE} (night care: the higher rate less the lower rate of Attendance Allowance)",
        to_confirm=True,
        note="£110.40 less £73.90",
    ),
    standard_dre=_f(
        "10.85",
        f"{REGS} Sch 1 para 4 and {GUIDANCE} para 40 (disability-related expenditure, standard allowance)",
        to_confirm=True,
        note="a council's own figure; Reading's 2024/25 allowance until the council sets its own",
    ),
    minimum_charge=_f(
        "1.25", f"{POLICY}: no charge below this", to_confirm=True, note="a council's own figure (Reading's)"
    ),
    local_mig_uplift_percent=_f("0", f"{POLICY}: the council's uplift on the Minimum Income Guarantee"),
    taper_percent=_f("100", f"{POLICY}: the share of income above the allowances taken as a charge"),
    local_upper_capital_limit_at_home=_f(
        "23250", f"{POLICY}: the upper capital limit for care at home (at least {REGS} reg 12's)"
    ),
)


def _carried_forward(
    table: RateTable, tax_year: str, starts: datetime.date, ends: datetime.date
) -> RateTable:
    """Next year's table before its figures are published: this year's, every figure to confirm."""
    carried = {
        name: dataclasses.replace(figure, to_confirm=True, note=f"carried forward from {table.tax_year}")
        for name, figure in table.figures().items()
    }
    return dataclasses.replace(table, tax_year=tax_year, starts=starts, ends=ends, **carried)


RATES_2026_27 = _carried_forward(
    RATES_2025_26, "2026/27", datetime.date(2026, 4, 6), datetime.date(2027, 4, 5)
)

TABLES = {table.tax_year: table for table in (RATES_2025_26, RATES_2026_27)}


def table_for(day: datetime.date) -> RateTable:
    """The table in force on the day. Raises LookupError when none is."""
    for table in TABLES.values():
        if table.starts <= day <= table.ends:
            return table
    raise LookupError(f"no rate table covers {day:%-d %B %Y}")
