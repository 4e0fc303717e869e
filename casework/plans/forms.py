"""The "What might I pay?" form: what the financial assessment needs to know, in plain words."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from casework.accounts.models import Organisation
from casework.core.forms import IdField, VersionField
from casework.plans.charging.calculator import (
    AssessmentInput,
    CapitalItem,
    CapitalKind,
    Household,
    IncomeItem,
    IncomeKind,
    Path,
)
from casework.plans.figures_selectors import organisation_list_publishing_figures

MAX_MONEY = Decimal("99999999")


def _money(label: str, hint: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=hint,
        required=False,
        min_value=Decimal("0"),
        max_value=MAX_MONEY,
        decimal_places=2,
        max_digits=10,
        error_messages={
            "invalid": f"{label} must be an amount of money, like 150 or 150.50",
            "min_value": f"{label} cannot be negative",
            "max_value": f"{label} must be less than £100,000,000",
            "max_decimal_places": f"{label} must be in pounds and pence, like 150.50",
            "max_digits": f"{label} must be less than £100,000,000",
        },
    )


CAPITAL_FIELDS = {
    "savings": CapitalKind.SAVINGS,
    "investments": CapitalKind.INVESTMENTS,
    "main_home": CapitalKind.MAIN_HOME,
    "other_property": CapitalKind.OTHER_PROPERTY,
}
INCOME_FIELDS = {
    "state_pension": IncomeKind.STATE_PENSION,
    "pension_credit": IncomeKind.PENSION_CREDIT,
    "occupational_pension": IncomeKind.OCCUPATIONAL_PENSION,
    "attendance_allowance_higher": IncomeKind.ATTENDANCE_ALLOWANCE_HIGHER,
    "attendance_allowance_lower": IncomeKind.ATTENDANCE_ALLOWANCE_LOWER,
    "mobility": IncomeKind.MOBILITY,
    "employment_support": IncomeKind.EMPLOYMENT_SUPPORT,
    "universal_credit": IncomeKind.UNIVERSAL_CREDIT,
    "earnings": IncomeKind.EARNINGS,
    "other_income": IncomeKind.OTHER,
}


class WhatMightIPayForm(forms.Form):
    path = forms.ChoiceField(
        label="Where would you get care?",
        widget=forms.RadioSelect,
        choices=[
            (Path.NON_RESIDENTIAL.value, "At home, or in the community"),
            (Path.RESIDENTIAL.value, "Living in a care home"),
        ],
        error_messages={"required": "Select where you would get care"},
    )
    age = forms.IntegerField(
        label="How old are you?",
        min_value=18,
        max_value=130,
        error_messages={
            "required": "Enter your age",
            "invalid": "Your age must be a whole number, like 72",
            "min_value": "This calculator is for adults: your age must be 18 or over",
            "max_value": "Your age must be 130 or less",
        },
    )
    couple = forms.BooleanField(label="I live with a partner", required=False)
    disability_premium = forms.BooleanField(
        label="I get a disability benefit (Attendance Allowance, PIP or DLA) or am registered blind",
        required=False,
    )
    enhanced_disability_premium = forms.BooleanField(
        label="I get the enhanced rate of PIP daily living, or the highest rate of DLA care", required=False
    )
    carer_premium = forms.BooleanField(label="I get Carer's Allowance", required=False)
    night_care = forms.BooleanField(label="I would get care at night", required=False)
    savings = _money("Savings and cash (£)")
    investments = _money("Shares, bonds and other investments (£)")
    main_home = _money("The value of your home, if you own it (£)", "Not counted if you get care at home")
    other_property = _money("Other property or land you own (£)")
    state_pension = _money("State Pension (£ a week)")
    pension_credit = _money("Pension Credit (£ a week)")
    occupational_pension = _money("Work or private pensions (£ a week)")
    attendance_allowance_higher = _money(
        "Attendance Allowance, DLA care or PIP daily living at the higher rate (£ a week)"
    )
    attendance_allowance_lower = _money(
        "Attendance Allowance, DLA care or PIP daily living at the lower rate (£ a week)"
    )
    mobility = _money("DLA or PIP mobility (£ a week)", "Not counted")
    employment_support = _money("Employment and Support Allowance (£ a week)")
    universal_credit = _money("Universal Credit (£ a week)")
    earnings = _money("Earnings from work (£ a week)", "Not counted")
    other_income = _money("Any other income (£ a week)")
    housing_costs = _money(
        "Rent, mortgage and council tax you pay (£ a week)",
        "After any Housing Benefit or Council Tax Reduction",
    )
    weekly_cost_of_care = _money("The weekly cost of your care, if you know it (£ a week)")

    def assessment_input(self) -> AssessmentInput:
        """The calculator's inputs from the valid form (amounts left empty are nothing)."""
        data = self.cleaned_data
        return AssessmentInput(
            path=Path(data["path"]),
            household=Household(
                age=data["age"],
                couple=data["couple"],
                disability_premium=data["disability_premium"],
                enhanced_disability_premium=data["enhanced_disability_premium"],
                carer_premium=data["carer_premium"],
                receives_night_care=data["night_care"],
            ),
            capital=tuple(
                CapitalItem(kind, data[name]) for name, kind in CAPITAL_FIELDS.items() if data[name]
            ),
            income=tuple(IncomeItem(kind, data[name]) for name, kind in INCOME_FIELDS.items() if data[name]),
            housing_costs=data["housing_costs"] or Decimal("0"),
            weekly_cost_of_care=data["weekly_cost_of_care"],
        )


class PublicCalculatorForm(WhatMightIPayForm):
    """The public calculator: the questions, and the council whose figures to use (optional: the national
    figures as published). `council` in the address (?council=ID) chooses it up front, so a council can link
    to its own calculator."""

    council = forms.ModelChoiceField(
        label="Your council",
        help_text="The council that would arrange your care. It sets some of the figures used.",
        queryset=organisation_list_publishing_figures(),
        required=False,
        empty_label="I’m not sure (use the national figures)",
        error_messages={"invalid_choice": "Select your council from the list"},
    )
    field_order = ["council"]

    def chosen_council(self, requested: str | None) -> Organisation | None:
        """The council whose figures apply: the valid form's choice, else the one in the address (an unknown
        or malformed one is ignored)."""
        if self.is_bound and self.is_valid():
            council: Organisation | None = self.cleaned_data["council"]
            return council
        if requested and requested.isdigit():
            return organisation_list_publishing_figures().filter(pk=int(requested)).first()
        return None


class FinancialAssessmentForm(WhatMightIPayForm):
    """A worker's financial assessment: the public calculator's questions, light-touch, notional capital and
    the main home's disregard in a care home, and the version the worker read."""

    path = forms.ChoiceField(
        label="Which assessment?",
        widget=forms.RadioSelect,
        choices=[
            (Path.NON_RESIDENTIAL.value, "Care at home or in the community"),
            (Path.RESIDENTIAL.value, "Permanent residential care"),
            (
                Path.LIGHT_TOUCH.value,
                "Light-touch: capital over the limit, or the person chooses not to disclose",
            ),
        ],
        error_messages={"required": "Select which assessment"},
    )
    notional_capital = _money("Notional capital: capital deprived of (£)")
    main_home_disregarded = forms.BooleanField(
        label="In a care home: the home is disregarded",
        help_text="A partner or a relative over 60 lives there, or it is the first 12 weeks",
        required=False,
    )
    version = VersionField(widget=forms.HiddenInput)

    def assessment_input(self) -> AssessmentInput:
        data = self.cleaned_data
        base = super().assessment_input()
        return AssessmentInput(
            path=base.path,
            household=base.household,
            capital=base.capital,
            notional_capital=data["notional_capital"] or Decimal("0"),
            income=base.income,
            housing_costs=base.housing_costs,
            weekly_cost_of_care=base.weekly_cost_of_care,
            main_home_disregarded=data["main_home_disregarded"],
        )

    @classmethod
    def initial_from(cls, inputs: AssessmentInput) -> dict:
        """The form's answers from an earlier assessment's inputs."""
        household = inputs.household
        initial: dict = {
            "path": inputs.path.value,
            "age": household.age,
            "couple": household.couple,
            "disability_premium": household.disability_premium,
            "enhanced_disability_premium": household.enhanced_disability_premium,
            "carer_premium": household.carer_premium,
            "night_care": household.receives_night_care,
            "housing_costs": inputs.housing_costs or None,
            "weekly_cost_of_care": inputs.weekly_cost_of_care,
            "notional_capital": inputs.notional_capital or None,
            "main_home_disregarded": inputs.main_home_disregarded,
        }
        by_capital = {kind: name for name, kind in CAPITAL_FIELDS.items()}
        by_income = {kind: name for name, kind in INCOME_FIELDS.items()}
        for item in inputs.capital:
            if item.kind in by_capital:
                initial[by_capital[item.kind]] = item.amount
        for income_item in inputs.income:
            if income_item.kind in by_income:
                initial[by_income[income_item.kind]] = income_item.weekly
        return initial


class FinancialAssessmentStartForm(forms.Form):
    # The assessment the worker saw as current (empty: none), so two people starting at once are told.
    replaces_id = IdField(required=False, widget=forms.HiddenInput)
