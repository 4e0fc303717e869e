"""Forms of direct payments (dp_views.py). The services check the rules; the forms check the shape of what was
typed."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from casework.core import limits
from casework.core.forms import GovukDateField, VersionField
from casework.plans.dp_choices import (
    AccountType,
    ContributionBasis,
    DirectPaymentRecipient,
    PaymentFrequency,
    PaymentStatus,
    SurplusDecision,
)
from casework.plans.dp_services import MAX_AMOUNT, MAX_WEEKLY


def _pounds(label: str, *, maximum: Decimal, hint: str = "", required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=hint,
        required=required,
        min_value=Decimal("0"),
        max_value=maximum,
        decimal_places=2,
        max_digits=len(str(int(maximum))) + 2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
        error_messages={
            "required": f"Enter {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be an amount of money, like 150 or 150.50",
            "min_value": f"{label} cannot be negative",
            "max_value": f"{label} must be at most £{maximum:,}",
            "max_decimal_places": f"{label} must be in pounds and pence, like 150.50",
            "max_digits": f"{label} must be at most £{maximum:,}",
            "max_whole_digits": f"{label} must be at most £{maximum:,}",
        },
    )


def _choice(label: str, choices: list[tuple[str, str]], missing: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect, error_messages={"required": missing}
    )


def _note(label: str, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


class DirectPaymentAgreementForm(forms.Form):
    recipient = _choice(
        "Who receives the direct payment", DirectPaymentRecipient.choices, "Choose who receives it"
    )
    recipient_name = forms.CharField(
        label="Name of the nominated or authorised person",
        required=False,
        max_length=limits.NAME_LENGTH,
        help_text="Leave blank when the person receives it",
    )
    weekly_amount = _pounds("Weekly amount", maximum=MAX_WEEKLY, hint="The personal budget a week, in pounds")
    weekly_contribution = _pounds(
        "Weekly contribution",
        maximum=MAX_WEEKLY,
        hint="What the person pays a week, from their financial assessment (0 if nothing)",
    )
    contribution_basis = _choice("Net or gross", ContributionBasis.choices, "Choose net or gross")
    frequency = _choice("How often it is paid", PaymentFrequency.choices, "Choose how often it is paid")
    account_type = _choice("Paid into", AccountType.choices, "Choose the account it is paid into")
    starts_on = GovukDateField(label="Start date", help_text="The first payment is due on this day")
    ends_on = GovukDateField(label="End date (optional)", required=False, help_text="Its last day, if known")


class DirectPaymentSignForm(forms.Form):
    version = VersionField()
    signed_on = GovukDateField(
        label="Date the recipient signed the agreement",
        allow_future=False,
        help_text="For example, 27 3 2026",
    )


class DirectPaymentStartForm(forms.Form):
    version = VersionField()


class DirectPaymentEndForm(forms.Form):
    version = VersionField()
    ends_on = GovukDateField(label="Last day of the direct payment", help_text="For example, 27 3 2026")
    reason = _note("Why it is ending", required=True)


class DirectPaymentMarkForm(forms.Form):
    version = VersionField()
    due_on = forms.DateField(widget=forms.HiddenInput)
    status = _choice("The payment is", PaymentStatus.choices, "Choose whether it is paid or held")
    note = _note("If it is held: why")


class DirectPaymentAuditReturnForm(forms.Form):
    period_starts = GovukDateField(label="Start of the period", allow_future=False)
    period_ends = GovukDateField(label="End of the period", allow_future=False)
    spent = _pounds("Spent in the period", maximum=MAX_AMOUNT)
    balance_held = _pounds("Balance held at the end of the period", maximum=MAX_AMOUNT)
    receipts_checked = forms.BooleanField(label="The receipts have been checked", required=False)
    notes = _note("Notes (optional)")


class SurplusDecisionForm(forms.Form):
    version = VersionField()
    decision = _choice(
        "Decision", SurplusDecision.choices, "Choose whether to recover the surplus or let them keep it"
    )
    reason = _note("Reason for the decision", required=True)
