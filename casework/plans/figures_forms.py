"""The organisation admin's form of charging figures: for each figure of the table, its amount and whether
it is still to confirm."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from casework.core import limits
from casework.plans.charging.rates import RateTable

LABELS = {
    "upper_capital_limit": "Upper capital limit (£)",
    "lower_capital_limit": "Lower capital limit (£)",
    "tariff_step": "Tariff income: each step of capital (£)",
    "tariff_per_step": "Tariff income: a week for each step (£)",
    "personal_expenses_allowance": "Personal expenses allowance (£ a week)",
    "pension_credit_age": "Pension Credit age (years)",
    "mig_single_18_24": "Minimum Income Guarantee: single, 18 to 24 (£ a week)",
    "mig_single_25_plus": "Minimum Income Guarantee: single, 25 or over (£ a week)",
    "mig_single_pension_age": "Minimum Income Guarantee: single, Pension Credit age (£ a week)",
    "mig_couple_member": "Minimum Income Guarantee: each member of a couple (£ a week)",
    "mig_couple_member_pension_age": "Minimum Income Guarantee: couple member, pension age (£ a week)",
    "mig_lone_parent": "Minimum Income Guarantee: lone parent (£ a week)",
    "mig_child": "Minimum Income Guarantee: each dependent child (£ a week)",
    "minimum_charge": "Minimum charge (£ a week)",
    "local_mig_uplift_percent": "Local uplift on the Minimum Income Guarantee (%)",
    "taper_percent": "Taper (% of assessable income charged)",
    "standard_dre": "Standard disability-related expenditure (£ a week)",
}


def label_for(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


class ChargingFiguresForm(forms.Form):
    """A field `<name>` (amount) and `<name>__to_confirm` (checkbox) for each figure of the table."""

    number = forms.IntegerField(min_value=0, max_value=limits.MAX_VERSION, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why the figures change (optional)",
        required=False,
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, table: RateTable, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.names = list(table.figures())
        for name, figure in table.figures().items():
            label = label_for(name)
            self.fields[name] = forms.DecimalField(
                label=label,
                help_text=figure.citation + (f" ({figure.note})" if figure.note else ""),
                min_value=Decimal("0"),
                max_value=Decimal("10000000"),
                decimal_places=2,
                max_digits=10,
                initial=figure.amount,
                error_messages={
                    "required": f"Enter {label[0].lower()}{label[1:]}",
                    "invalid": f"{label} must be a number, like 150 or 150.50",
                    "min_value": f"{label} cannot be negative",
                    "max_value": f"{label} must be at most 10,000,000",
                    "max_decimal_places": f"{label} must have at most 2 decimal places",
                    "max_digits": f"{label} must be at most 10,000,000",
                    "max_whole_digits": f"{label} must be at most 10,000,000",
                },
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
            )
            self.fields[f"{name}__to_confirm"] = forms.BooleanField(
                label=f"{label}: still to confirm", required=False, initial=figure.to_confirm
            )

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[name], self[f"{name}__to_confirm"]) for name in self.names]

    def figures(self) -> dict[str, tuple[Decimal, bool]]:
        data = self.cleaned_data
        return {name: (data[name], bool(data[f"{name}__to_confirm"])) for name in self.names}
