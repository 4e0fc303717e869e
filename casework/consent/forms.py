"""Forms for recording and withdrawing a basis for sharing. They shape input; the rules are in services.py."""

from __future__ import annotations

from django import forms

from casework.consent.choices import DataCategory, LawfulBasis
from casework.core.forms import GovukDateField, VersionField

STALE_PAGE = "The page was out of date. Go back to the record and try again."

# The first question: one radio for each way there can be a basis (kind and, for consent, who gave it).
BASIS_CHOICES = [
    ("person", "The person gave consent"),
    ("representative", "A representative gave consent for them"),
    ("lawful_basis", "There is a lawful basis to share without consent"),
]


class ConsentRecordForm(forms.Form):
    basis = forms.ChoiceField(
        label="What is the basis for sharing?",
        choices=BASIS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the person consented or there is a lawful basis without consent"
        },
    )
    representative_name = forms.CharField(label="Representative’s name", required=False, max_length=200)
    representative_authority = forms.CharField(
        label="Their relationship to the person and authority to consent",
        required=False,
        max_length=300,
        help_text="For example, daughter with lasting power of attorney for health and welfare",
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis", required=False, choices=[("", "Select the lawful basis"), *LawfulBasis.choices]
    )
    decided_by_name = forms.CharField(label="Name of the person who decided", required=False, max_length=200)
    decided_by_role = forms.CharField(
        label="Their role", required=False, max_length=200, help_text="For example, Caldicott guardian"
    )
    decision_reason = forms.CharField(
        label="Why the data may be shared without consent",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    purpose = forms.CharField(
        label="What is it shared for?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, to share with the foodbank to arrange food deliveries",
        error_messages={"required": "Enter what the data is shared for"},
    )
    organisations = forms.TypedMultipleChoiceField(
        label="Which organisations does it cover?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the organisations it covers"},
    )
    data_categories = forms.MultipleChoiceField(
        label="Which data does it cover?",
        widget=forms.CheckboxSelectMultiple,
        choices=[(c.value, c.label) for c in DataCategory],
        help_text="Select all that apply. Share the minimum the organisations need.",
        error_messages={"required": "Select the data it covers"},
    )
    given_on = GovukDateField(
        label="Date consent was given or the decision made",
        allow_future=False,
        help_text="For example, 27 3 2026",
    )
    expires_on = GovukDateField(
        label="Expiry date (optional)",
        required=False,
        allow_past=False,
        help_text="Nothing is shared on or after this date. Leave it blank if it does not expire.",
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [
            (
                org.pk,
                f"{org.name} ({', '.join(label.lower() for label in org.kind_labels)})"
                if org.kind_labels
                else org.name,
            )
            for org in organisations
        ]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        basis = data.pop("basis")
        data["kind"] = "lawful_basis" if basis == "lawful_basis" else "consent"
        data["given_by"] = "" if basis == "lawful_basis" else basis
        data["organisation_ids"] = data.pop("organisations")
        return data


# Errors from the service are about these fields of the form.
SERVICE_FIELDS = {"kind": "basis", "given_by": "basis"}


class ConsentWithdrawForm(forms.Form):
    version = VersionField(
        error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE, "min_value": STALE_PAGE},
    )
    withdrawn_on = GovukDateField(
        label="Date it was withdrawn",
        allow_future=False,
        help_text="For example, 27 3 2026. Sharing stops at once.",
    )
    withdrawn_by_name = forms.CharField(
        label="Who withdrew it?",
        max_length=200,
        help_text="For example, the person, or their representative by name",
        error_messages={"required": "Enter who withdrew it"},
    )
    reason = forms.CharField(
        label="Reason", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, lawful_basis: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if lawful_basis:
            self.fields["reason"].label = "Why does the lawful basis no longer apply?"
        else:
            self.fields["reason"].label = "Reason (optional)"
            self.fields["reason"].help_text = "The person does not have to give a reason."
