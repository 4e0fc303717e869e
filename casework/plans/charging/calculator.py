"""The financial assessment: what a person pays a week towards their care and support, line by line.

Pure: the same inputs and rate table always give the same result, for the worker's assessment and the
public "What might I pay?" calculator alike. Every line says where its figure comes from (the regulation,
the statutory guidance paragraph or the council's policy) and whether the figure is still to confirm.

Three paths (SI 2014/2672):
- non-residential (care at home): the main home is disregarded; capital over the upper limit means the full
  cost; otherwise income (less disregards, plus tariff income) above the Minimum Income Guarantee, housing
  costs and disability-related expenditure, times the council's taper, capped at the cost of the care, and
  nothing below the minimum charge;
- permanent residential: income (plus tariff income) less the personal expenses allowance and, for someone
  with Savings Credit, its disregard; the main home counts as capital unless disregarded (a partner or a
  relative over 60 lives there, or the first 12 weeks);
- light-touch (reg 10): the person has capital over the limit, or chooses not to disclose it: the full cost.

Money is Decimal, rounded to the penny half up, as reg 11 requires of fractions of a penny.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from casework.plans.charging.rates import GUIDANCE, POLICY, REGS, Figure, RateTable

PENNY = Decimal("0.01")
ZERO = Decimal("0")


class Path(StrEnum):
    NON_RESIDENTIAL = "non_residential"
    RESIDENTIAL = "residential"
    LIGHT_TOUCH = "light_touch"


class CapitalKind(StrEnum):
    SAVINGS = "savings"  # bank and building society accounts, cash
    INVESTMENTS = "investments"  # shares, bonds, ISAs
    MAIN_HOME = "main_home"
    OTHER_PROPERTY = "other_property"
    OTHER = "other"


class IncomeKind(StrEnum):
    STATE_PENSION = "state_pension"
    PENSION_CREDIT = "pension_credit"
    OCCUPATIONAL_PENSION = "occupational_pension"
    ATTENDANCE_ALLOWANCE_HIGHER = (
        "attendance_allowance_higher"  # also DLA care highest, PIP daily living enhanced
    )
    ATTENDANCE_ALLOWANCE_LOWER = "attendance_allowance_lower"
    MOBILITY = "mobility"  # DLA or PIP mobility component
    EARNINGS = "earnings"
    WAR_PENSION = "war_pension"  # War Pensions Scheme, not its Constant Attendance Allowance
    UNIVERSAL_CREDIT = "universal_credit"
    EMPLOYMENT_SUPPORT = "employment_support"
    OTHER = "other"


# Income left out of the assessment, and why.
DISREGARDED_INCOME = {
    IncomeKind.MOBILITY: f"{REGS} Sch 1 (the mobility component of DLA or PIP)",
    IncomeKind.EARNINGS: f"{REGS} reg 14 (earnings)",
    IncomeKind.WAR_PENSION: f"{REGS} Sch 1 (War Pensions Scheme payments)",
}
INCOME_LABELS = {
    IncomeKind.STATE_PENSION: "State Pension",
    IncomeKind.PENSION_CREDIT: "Pension Credit",
    IncomeKind.OCCUPATIONAL_PENSION: "Occupational or private pension",
    IncomeKind.ATTENDANCE_ALLOWANCE_HIGHER: "Attendance Allowance, DLA care or PIP daily living, higher rate",
    IncomeKind.ATTENDANCE_ALLOWANCE_LOWER: "Attendance Allowance, DLA care or PIP daily living, lower rate",
    IncomeKind.MOBILITY: "DLA or PIP mobility",
    IncomeKind.EARNINGS: "Earnings",
    IncomeKind.WAR_PENSION: "War Pensions Scheme payment",
    IncomeKind.UNIVERSAL_CREDIT: "Universal Credit",
    IncomeKind.EMPLOYMENT_SUPPORT: "Employment and Support Allowance",
    IncomeKind.OTHER: "Other income",
}
CAPITAL_LABELS = {
    CapitalKind.SAVINGS: "Savings",
    CapitalKind.INVESTMENTS: "Investments",
    CapitalKind.MAIN_HOME: "Main home",
    CapitalKind.OTHER_PROPERTY: "Other property",
    CapitalKind.OTHER: "Other capital",
}


@dataclass(frozen=True)
class CapitalItem:
    kind: CapitalKind
    amount: Decimal


@dataclass(frozen=True)
class IncomeItem:
    kind: IncomeKind
    weekly: Decimal


@dataclass(frozen=True)
class DreItem:
    label: str
    weekly: Decimal


@dataclass(frozen=True)
class Household:
    age: int
    couple: bool = False
    lone_parent: bool = False
    children: int = 0
    disability_premium: bool = False
    enhanced_disability_premium: bool = False
    carer_premium: bool = False
    receives_night_care: bool = False
    receives_savings_credit: bool = False


@dataclass(frozen=True)
class AssessmentInput:
    path: Path
    household: Household
    capital: Sequence[CapitalItem] = ()
    notional_capital: Decimal = ZERO
    income: Sequence[IncomeItem] = ()
    housing_costs: Decimal = ZERO  # rent, mortgage and council tax a week, net of Housing Benefit and CTR
    dre_itemised: Sequence[DreItem] | None = None  # None: the standard allowance
    weekly_cost_of_care: Decimal | None = None
    main_home_disregarded: bool = False  # residential: a partner or relative over 60 lives there, 12 weeks


@dataclass(frozen=True)
class Line:
    section: str  # capital, income, allowances, charge
    label: str
    amount: Decimal
    citation: str
    to_confirm: bool = False
    counted: bool = True  # False: shown but left out (a disregard)


@dataclass(frozen=True)
class Assessment:
    path: Path
    tax_year: str
    weekly_charge: Decimal | None  # None: the full cost, when the cost of the care is not known
    pays_full_cost: bool
    capital: Decimal
    tariff_income: Decimal
    assessable_income: Decimal
    allowances: Decimal
    lines: tuple[Line, ...] = field(default=())

    @property
    def to_confirm(self) -> bool:
        return any(line.to_confirm for line in self.lines)


class InputError(ValueError):
    """Inputs an assessment cannot be made from (a negative amount, an age under 18)."""


def money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def _line(section: str, label: str, amount: Decimal, figure: Figure | str, *, counted: bool = True) -> Line:
    if isinstance(figure, Figure):
        return Line(section, label, money(amount), figure.citation, figure.to_confirm, counted)
    return Line(section, label, money(amount), figure, False, counted)


def _check(data: AssessmentInput) -> None:
    if data.household.age < 18:
        raise InputError("Financial assessments are for adults: the age must be 18 or over")
    if data.household.children < 0:
        raise InputError("The number of children cannot be negative")
    amounts = [item.amount for item in data.capital] + [item.weekly for item in data.income]
    amounts += [data.notional_capital, data.housing_costs]
    amounts += [item.weekly for item in data.dre_itemised or ()]
    if data.weekly_cost_of_care is not None:
        amounts.append(data.weekly_cost_of_care)
    if any(amount < 0 for amount in amounts):
        raise InputError("Amounts cannot be negative")


def tariff_income(capital: Decimal, table: RateTable) -> Decimal:
    """£1 a week for every £250, or part of £250, of capital above the lower limit (reg 25)."""
    above = capital - table.lower_capital_limit.amount
    if above <= 0:
        return ZERO
    steps = (above / table.tariff_step.amount).to_integral_value(rounding=ROUND_CEILING)
    return steps * table.tariff_per_step.amount


def _capital(data: AssessmentInput, lines: list[Line]) -> Decimal:
    total = ZERO
    for item in data.capital:
        label = CAPITAL_LABELS[item.kind]
        home = item.kind == CapitalKind.MAIN_HOME
        if home and data.path == Path.NON_RESIDENTIAL:
            lines.append(
                _line(
                    "capital",
                    label,
                    item.amount,
                    f"{REGS} Sch 2 (the main home, care at home)",
                    counted=False,
                )
            )
        elif home and data.main_home_disregarded:
            lines.append(
                _line(
                    "capital",
                    label,
                    item.amount,
                    f"{REGS} Sch 2 (the main home: a partner or relative lives there, or the first 12 weeks)",
                    counted=False,
                )
            )
        else:
            lines.append(_line("capital", label, item.amount, f"{REGS} reg 12 and Part 4 (capital)"))
            total += item.amount
    if data.notional_capital:
        lines.append(
            _line(
                "capital", "Notional capital (deprived of)", data.notional_capital, f"{REGS} regs 22 and 23"
            )
        )
        total += data.notional_capital
    return total


def _mig(household: Household, table: RateTable, lines: list[Line]) -> Decimal:
    """The Minimum Income Guarantee for the person (reg 7), with the council's uplift."""
    pension_age = household.age >= table.pension_credit_age.amount
    parts: list[tuple[str, Figure]] = []
    if household.couple:
        basic = table.mig_couple_member_pension_age if pension_age else table.mig_couple_member
        parts.append(("Minimum Income Guarantee, member of a couple", basic))
    elif pension_age:
        parts.append(("Minimum Income Guarantee, Pension Credit age", table.mig_single_pension_age))
    elif household.lone_parent:
        parts.append(("Minimum Income Guarantee, lone parent", table.mig_lone_parent))
    elif household.age < 25:
        parts.append(("Minimum Income Guarantee, single, 18 to 24", table.mig_single_18_24))
    else:
        parts.append(("Minimum Income Guarantee, single, 25 or over", table.mig_single_25_plus))
    if not pension_age:
        # The premiums are part of the guarantee below Pension Credit age; at it, the higher basic amount
        # already allows for them (reg 7).
        if household.disability_premium:
            premium = (
                table.disability_premium_couple_member
                if household.couple
                else table.disability_premium_single
            )
            parts.append(("Disability premium", premium))
        if household.enhanced_disability_premium:
            premium = (
                table.enhanced_disability_premium_couple_member
                if household.couple
                else table.enhanced_disability_premium_single
            )
            parts.append(("Enhanced disability premium", premium))
    if household.carer_premium:
        parts.append(("Carer premium", table.carer_premium))
    total = ZERO
    for label, figure in parts:
        lines.append(_line("allowances", label, figure.amount, figure))
        total += figure.amount
    for _ in range(household.children):
        lines.append(_line("allowances", "Dependent child", table.mig_child.amount, table.mig_child))
        total += table.mig_child.amount
    uplift = table.local_mig_uplift_percent.amount
    if uplift:
        extra = money(total * uplift / 100)
        lines.append(
            _line(
                "allowances",
                f"The council's uplift on the guarantee ({uplift}%)",
                extra,
                table.local_mig_uplift_percent,
            )
        )
        total += extra
    return total


def _income(data: AssessmentInput, table: RateTable, lines: list[Line]) -> Decimal:
    total = ZERO
    for item in data.income:
        label = INCOME_LABELS[item.kind]
        if item.kind in DISREGARDED_INCOME:
            lines.append(_line("income", label, item.weekly, DISREGARDED_INCOME[item.kind], counted=False))
            continue
        lines.append(_line("income", label, item.weekly, f"{REGS} Part 3 (income)"))
        total += item.weekly
        night = item.kind == IncomeKind.ATTENDANCE_ALLOWANCE_HIGHER
        if night and data.path == Path.NON_RESIDENTIAL and not data.household.receives_night_care:
            element = min(item.weekly, table.disability_benefit_night_element.amount)
            lines.append(
                _line(
                    "income",
                    "Less the night-care part of that benefit (no night care is provided)",
                    -element,
                    table.disability_benefit_night_element,
                )
            )
            total -= element
    return total


def _dre(data: AssessmentInput, table: RateTable, lines: list[Line]) -> Decimal:
    if data.dre_itemised is None:
        lines.append(
            _line(
                "allowances",
                "Disability-related expenditure (standard allowance)",
                table.standard_dre.amount,
                table.standard_dre,
            )
        )
        return table.standard_dre.amount
    total = ZERO
    for item in data.dre_itemised:
        lines.append(
            _line(
                "allowances",
                f"Disability-related expenditure: {item.label}",
                item.weekly,
                f"{REGS} Sch 1 para 4 and {GUIDANCE} para 40",
            )
        )
        total += item.weekly
    return total


def _full_cost(
    data: AssessmentInput,
    table: RateTable,
    lines: list[Line],
    *,
    capital: Decimal,
    reason: str,
    citation: Figure | str,
) -> Assessment:
    cost = data.weekly_cost_of_care
    label = f"You pay the full cost of your care: {reason}"
    lines.append(_line("charge", label, cost if cost is not None else ZERO, citation))
    return Assessment(
        path=data.path,
        tax_year=table.tax_year,
        weekly_charge=money(cost) if cost is not None else None,
        pays_full_cost=True,
        capital=money(capital),
        tariff_income=ZERO,
        assessable_income=ZERO,
        allowances=ZERO,
        lines=tuple(lines),
    )


def assess(data: AssessmentInput, table: RateTable) -> Assessment:
    """The assessment of `data` with `table`. Raises InputError for inputs it cannot assess."""
    _check(data)
    lines: list[Line] = []
    if data.path == Path.LIGHT_TOUCH:
        return _full_cost(
            data,
            table,
            lines,
            capital=ZERO,
            reason="a light-touch assessment (capital over the limit, or not disclosed)",
            citation=f"{REGS} reg 10 (light-touch financial assessment)",
        )
    capital = _capital(data, lines)
    limit = (
        table.local_upper_capital_limit_at_home
        if data.path == Path.NON_RESIDENTIAL
        and table.local_upper_capital_limit_at_home.amount > table.upper_capital_limit.amount
        else table.upper_capital_limit
    )
    if capital > limit.amount:
        return _full_cost(
            data,
            table,
            lines,
            capital=capital,
            reason=f"capital of £{money(capital):,} is over the upper limit of £{limit.amount:,}",
            citation=limit,
        )
    tariff = tariff_income(capital, table)
    if tariff:
        lines.append(_line("income", "Tariff income from capital", tariff, table.tariff_step))
    income = _income(data, table, lines) + tariff
    if data.path == Path.RESIDENTIAL:
        allowances = table.personal_expenses_allowance.amount
        lines.append(
            _line("allowances", "Personal expenses allowance", allowances, table.personal_expenses_allowance)
        )
        if data.household.receives_savings_credit:
            figure = (
                table.savings_credit_disregard_couple
                if data.household.couple
                else table.savings_credit_disregard_single
            )
            lines.append(_line("allowances", "Savings Credit disregard", figure.amount, figure))
            allowances += figure.amount
        charge = max(ZERO, income - allowances)
        taper_text = ""
    else:
        allowances = _mig(data.household, table, lines)
        if data.housing_costs:
            lines.append(
                _line(
                    "allowances",
                    "Housing costs (net of Housing Benefit and Council Tax Reduction)",
                    data.housing_costs,
                    f"{GUIDANCE} (housing costs)",
                )
            )
            allowances += data.housing_costs
        allowances += _dre(data, table, lines)
        taper = table.taper_percent.amount
        charge = max(ZERO, income - allowances) * taper / 100
        taper_text = f" at the council's taper of {taper}%" if taper != 100 else ""
    charge = money(charge)
    if data.weekly_cost_of_care is not None and charge > data.weekly_cost_of_care:
        lines.append(
            _line(
                "charge",
                "Capped at the weekly cost of your care",
                data.weekly_cost_of_care,
                "Care Act 2014 s14(7) (never more than the cost of meeting the needs)",
            )
        )
        charge = money(data.weekly_cost_of_care)
    if data.path == Path.NON_RESIDENTIAL and ZERO < charge < table.minimum_charge.amount:
        lines.append(
            _line(
                "charge", "Below the council's minimum charge: nothing to pay", charge, table.minimum_charge
            )
        )
        charge = ZERO
    citation = (
        f"{REGS} reg 6 (residential)" if data.path == Path.RESIDENTIAL else f"{REGS} reg 7 and {POLICY}"
    )
    lines.append(_line("charge", f"You pay each week{taper_text}", charge, citation))
    return Assessment(
        path=data.path,
        tax_year=table.tax_year,
        weekly_charge=charge,
        pays_full_cost=False,
        capital=money(capital),
        tariff_income=money(tariff),
        assessable_income=money(income),
        allowances=money(allowances),
        lines=tuple(lines),
    )
