"""Golden financial assessments (2025/26 figures): each case worked out by hand from the regulations'
formula, with the boundaries at £14,250 / £14,251 / £23,250 / £23,251 and 18-24 / 25+, a couple, premiums,
DRE, the minimum charge, light-touch and residential. No database."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest

from casework.plans.charging.calculator import (
    AssessmentInput,
    CapitalItem,
    CapitalKind,
    DreItem,
    Household,
    IncomeItem,
    IncomeKind,
    InputError,
    Path,
    assess,
    tariff_income,
)
from casework.plans.charging.rates import RATES_2025_26, RATES_2026_27, table_for

NR, RES, LIGHT = Path.NON_RESIDENTIAL, Path.RESIDENTIAL, Path.LIGHT_TOUCH
ESA = IncomeKind.EMPLOYMENT_SUPPORT
COST = D("300")


def savings(amount) -> CapitalItem:
    return CapitalItem(CapitalKind.SAVINGS, D(amount))


def income(kind: IncomeKind, weekly) -> IncomeItem:
    return IncomeItem(kind, D(weekly))


def case(*, age=30, path=NR, capital=(), incomes=((ESA, "150"),), cost=COST, **kw):
    household_keys = {
        "couple",
        "lone_parent",
        "children",
        "disability_premium",
        "enhanced_disability_premium",
        "carer_premium",
        "receives_night_care",
        "receives_savings_credit",
    }
    household = Household(age=age, **{k: v for k, v in kw.items() if k in household_keys})
    rest = {k: v for k, v in kw.items() if k not in household_keys}
    return AssessmentInput(
        path=path,
        household=household,
        capital=tuple(capital),
        income=tuple(income(k, w) for k, w in incomes),
        weekly_cost_of_care=None if cost is None else D(cost),
        **rest,
    )


PENSION = ((IncomeKind.STATE_PENSION, "230.25"),)

GOLDEN = {
    # name: (input, weekly charge, pays full cost)
    "single 30, ESA only": (case(), "26.65", False),
    "single 24: the 18-24 guarantee": (case(age=24), "50.00", False),
    "single 25: the 25-or-over guarantee": (case(age=25), "26.65", False),
    "capital £14,250: no tariff income": (case(capital=[savings("14250")]), "26.65", False),
    "capital £14,251: £1 tariff income": (case(capital=[savings("14251")]), "27.65", False),
    "capital £15,000: £3 tariff income": (case(capital=[savings("15000")]), "29.65", False),
    "capital £23,250: £36 tariff income, not over the limit": (
        case(capital=[savings("23250")]),
        "62.65",
        False,
    ),
    "capital £23,251: over the limit, the full cost": (case(capital=[savings("23251")]), "300.00", True),
    "main home disregarded for care at home": (
        case(capital=[CapitalItem(CapitalKind.MAIN_HOME, D("250000")), savings("1000")]),
        "26.65",
        False,
    ),
    "disability premium": (case(age=40, incomes=((ESA, "200"),), disability_premium=True), "27.00", False),
    "disability and enhanced disability premiums": (
        case(age=40, incomes=((ESA, "200"),), disability_premium=True, enhanced_disability_premium=True),
        "2.75",
        False,
    ),
    "below the minimum charge: nothing": (case(incomes=((ESA, "124.35"),)), "0.00", False),
    "at the minimum charge: charged": (case(incomes=((ESA, "124.60"),)), "1.25", False),
    "income below the allowances: nothing": (case(incomes=((ESA, "100"),)), "0.00", False),
    "capped at the cost of the care": (case(incomes=((ESA, "500"),), cost="100"), "100.00", False),
    "earnings disregarded": (case(incomes=((IncomeKind.EARNINGS, "200"), (ESA, "150"))), "26.65", False),
    "mobility component disregarded": (
        case(incomes=((IncomeKind.MOBILITY, "75.75"), (ESA, "150"))),
        "26.65",
        False,
    ),
    "war pension disregarded": (case(incomes=((IncomeKind.WAR_PENSION, "60"), (ESA, "150"))), "26.65", False),
    "pension age, AA higher rate, no night care": (
        case(age=70, incomes=(*PENSION, (IncomeKind.ATTENDANCE_ALLOWANCE_HIGHER, "110.40"))),
        "60.65",
        False,
    ),
    "pension age, AA higher rate, night care provided": (
        case(
            age=70,
            incomes=(*PENSION, (IncomeKind.ATTENDANCE_ALLOWANCE_HIGHER, "110.40")),
            receives_night_care=True,
        ),
        "97.15",
        False,
    ),
    "pension age, AA lower rate": (
        case(age=70, incomes=(*PENSION, (IncomeKind.ATTENDANCE_ALLOWANCE_LOWER, "73.90"))),
        "60.65",
        False,
    ),
    "pension age: premiums are in the guarantee already": (
        case(
            age=70,
            incomes=(*PENSION, (IncomeKind.ATTENDANCE_ALLOWANCE_LOWER, "73.90")),
            disability_premium=True,
        ),
        "60.65",
        False,
    ),
    "itemised disability-related expenditure": (
        case(dre_itemised=(DreItem("Community alarm", D("5")), DreItem("Extra laundry", D("20")))),
        "12.50",
        False,
    ),
    "housing costs": (case(housing_costs=D("20")), "6.65", False),
    "member of a couple": (case(couple=True), "50.85", False),
    "member of a couple, pension age": (
        case(age=70, couple=True, incomes=((IncomeKind.STATE_PENSION, "250"),)),
        "61.55",
        False,
    ),
    "lone parent with a child": (case(lone_parent=True, children=1, incomes=((ESA, "300"),)), "44.70", False),
    "carer premium": (case(carer_premium=True, incomes=((ESA, "200"),)), "27.15", False),
    "notional capital counts": (case(capital=[savings("5000")], notional_capital=D("10000")), "29.65", False),
    "light-touch: the full cost": (case(path=LIGHT), "300.00", True),
    "light-touch, cost not known": (case(path=LIGHT, cost=None), None, True),
    "over the limit, cost not known": (case(capital=[savings("30000")], cost=None), None, True),
    "residential: income less the personal expenses allowance": (
        case(
            age=80,
            path=RES,
            capital=[savings("10000")],
            incomes=(*PENSION, (IncomeKind.OCCUPATIONAL_PENSION, "50")),
            cost="900",
        ),
        "249.60",
        False,
    ),
    "residential: the home counts, over the limit": (
        case(
            age=80,
            path=RES,
            capital=[CapitalItem(CapitalKind.MAIN_HOME, D("200000"))],
            incomes=PENSION,
            cost="900",
        ),
        "900.00",
        True,
    ),
    "residential: the home disregarded, tariff on savings": (
        case(
            age=80,
            path=RES,
            capital=[CapitalItem(CapitalKind.MAIN_HOME, D("200000")), savings("20000")],
            incomes=(*PENSION, (IncomeKind.OCCUPATIONAL_PENSION, "50")),
            main_home_disregarded=True,
            cost="900",
        ),
        "272.60",
        False,
    ),
    "residential: Savings Credit disregard": (
        case(
            age=80,
            path=RES,
            incomes=(*PENSION, (IncomeKind.OCCUPATIONAL_PENSION, "50")),
            receives_savings_credit=True,
            cost="900",
        ),
        "242.65",
        False,
    ),
    "residential: AA night element is not taken off": (
        case(
            age=80,
            path=RES,
            incomes=(*PENSION, (IncomeKind.ATTENDANCE_ALLOWANCE_HIGHER, "110.40")),
            cost="900",
        ),
        "310.00",
        False,
    ),
}


@pytest.mark.parametrize("name", list(GOLDEN))
def test_golden_assessments(name):
    data, charge, full_cost = GOLDEN[name]
    result = assess(data, RATES_2025_26)
    assert result.weekly_charge == (None if charge is None else D(charge))
    assert result.pays_full_cost is full_cost
    assert result.tax_year == "2025/26"
    # Every line says where it comes from; the last says what the person pays.
    assert all(line.citation for line in result.lines)
    assert result.lines[-1].section == "charge"


def test_there_are_at_least_thirty_golden_cases():
    assert len(GOLDEN) >= 30


def test_lines_add_up_to_the_result():
    result = assess(case(capital=[savings("15000")], housing_costs=D("20")), RATES_2025_26)
    counted_income = sum(line.amount for line in result.lines if line.section == "income" and line.counted)
    allowances = sum(line.amount for line in result.lines if line.section == "allowances")
    assert counted_income == result.assessable_income == D("153.00")
    assert allowances == result.allowances == D("143.35")
    assert result.weekly_charge == D("9.65")
    assert [line.citation for line in result.lines if line.label == "Tariff income from capital"] == [
        "SI 2014/2672 reg 25 (tariff income: £1 a week for every £250 or part)"
    ]


def test_disregarded_items_are_shown_but_not_counted():
    result = assess(case(incomes=((IncomeKind.EARNINGS, "200"), (ESA, "150"))), RATES_2025_26)
    earnings = next(line for line in result.lines if line.label == "Earnings")
    assert earnings.counted is False and earnings.amount == D("200.00")
    assert "reg 14" in earnings.citation


def test_the_councils_uplift_and_taper_round_half_up_to_the_penny():
    uplifted = RATES_2025_26.with_figures(local_mig_uplift_percent=D("25"))
    assert assess(case(incomes=((ESA, "200"),)), uplifted).weekly_charge == D("48.52")
    tapered = RATES_2025_26.with_figures(taper_percent=D("50"))
    assert assess(case(), tapered).weekly_charge == D("13.33")


def test_a_higher_local_limit_applies_to_care_at_home_only():
    table = RATES_2025_26.with_figures(local_upper_capital_limit_at_home=D("30000"))
    at_home = assess(case(capital=[savings("25000")]), table)
    assert at_home.pays_full_cost is False
    assert at_home.tariff_income == D("43")
    assert at_home.weekly_charge == D("69.65")
    residential = assess(case(age=80, path=RES, capital=[savings("25000")], incomes=PENSION), table)
    assert residential.pays_full_cost is True


def test_tariff_income_counts_any_part_of_250_as_a_pound():
    assert tariff_income(D("14250"), RATES_2025_26) == 0
    assert tariff_income(D("14250.01"), RATES_2025_26) == 1
    assert tariff_income(D("14500"), RATES_2025_26) == 1
    assert tariff_income(D("14500.01"), RATES_2025_26) == 2


def test_figures_to_confirm_are_flagged_on_the_result():
    verified = assess(case(dre_itemised=()), RATES_2025_26)
    assert verified.to_confirm is False
    couple = assess(case(couple=True, dre_itemised=()), RATES_2025_26)
    assert couple.to_confirm is True
    assert "mig_couple_member" in RATES_2025_26.to_confirm()
    assert "mig_single_25_plus" not in RATES_2025_26.to_confirm()
    confirmed = RATES_2025_26.with_figures(mig_couple_member=D("88.30"))
    assert assess(case(couple=True, dre_itemised=()), confirmed).to_confirm is False


def test_next_years_table_is_carried_forward_to_confirm():
    assert set(RATES_2026_27.to_confirm()) == set(RATES_2026_27.figures())
    assert assess(case(dre_itemised=()), RATES_2026_27).to_confirm is True
    assert assess(case(), RATES_2026_27).weekly_charge == assess(case(), RATES_2025_26).weekly_charge


def test_the_table_in_force_on_a_day():
    assert table_for(datetime.date(2025, 4, 6)) is RATES_2025_26
    assert table_for(datetime.date(2026, 4, 5)) is RATES_2025_26
    assert table_for(datetime.date(2026, 12, 5)) is RATES_2026_27
    with pytest.raises(LookupError):
        table_for(datetime.date(2030, 1, 1))


def test_unknown_figures_are_refused():
    with pytest.raises(ValueError, match="not figures of the table"):
        RATES_2025_26.with_figures(no_such_figure=D("1"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (case(age=17), "18 or over"),
        (case(incomes=((ESA, "-1"),)), "cannot be negative"),
        (case(capital=[savings("-5")]), "cannot be negative"),
        (case(children=-1), "cannot be negative"),
    ],
)
def test_inputs_that_cannot_be_assessed(data, message):
    with pytest.raises(InputError, match=message):
        assess(data, RATES_2025_26)
