"""Forms of reviews (views.py). The services check the rules; the forms check the shape of what was typed."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from casework.cases.choices import Priority
from casework.core import limits
from casework.core.forms import VersionField
from casework.reviews.choices import (
    OutcomeMet,
    PersonSigner,
    RequestedBy,
    ReviewDecision,
    ReviewKind,
    ReviewReason,
)
from casework.reviews.schedule import (
    MAX_DIRECT_PAYMENT_FIRST_MONTHS,
    MAX_EVERY_MONTHS,
    MAX_FIRST_WEEKS,
    MIN_FIRST_WEEKS,
)
from casework.reviews.selectors import BUCKETS
from casework.reviews.services import OutcomeIn
from casework.waiting_list.choices import Rag

UNPLANNED_REASONS = [(value, label) for value, label in ReviewReason.choices if value != ReviewReason.PLANNED]


def _text(label: str, *, required: bool = False, rows: int = 3, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limits.TEXT_LENGTH,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


class ReviewRequestForm(forms.Form):
    requested_by = forms.ChoiceField(
        label="Who asked for the review",
        choices=RequestedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who asked for the review"},
    )
    requester_name = forms.CharField(
        label="Their name",
        required=False,
        max_length=limits.NAME_LENGTH,
        help_text="For a carer or a provider",
    )
    reason = forms.ChoiceField(
        label="Why",
        choices=UNPLANNED_REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason for the review"},
    )
    details = _text("What they said (optional)")
    priority = forms.ChoiceField(
        label="Priority if it waits for a review",
        choices=Priority.choices,
        initial=Priority.NORMAL,
        help_text="Used when nobody is allocated to the case: it waits on the list for a review",
    )
    rag = forms.ChoiceField(label="Risk rating if it waits", choices=Rag.choices, initial=Rag.GREEN)
    rag_reason = forms.CharField(
        label="Reason for the rating (optional)", required=False, max_length=limits.NOTE_LENGTH
    )


class ReviewActionForm(forms.Form):
    version = VersionField()


class ReviewRecordForm(forms.Form):
    """What the review found: each outcome of the plan (met, partly, not met; the person's and the worker's
    words), what is working and not, changes, safeguarding, a provider's help, and the decision."""

    version = VersionField()
    involved = _text("Who the person wanted involved", hint="Family, friends, carers, an advocate")
    working = _text("What is working")
    not_working = _text("What is not working")
    changes_in_need = _text("Changes in need")
    safeguarding = _text("Safeguarding considerations")
    provider_helped = forms.BooleanField(
        label="A provider helped with the review (trusted assessor)", required=False
    )
    provider_name = forms.CharField(label="The provider", required=False, max_length=limits.NAME_LENGTH)
    decision = forms.ChoiceField(
        label="Decision", required=False, choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    decision_reason = _text("Why (optional)")

    def __init__(self, *args: Any, outcomes: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome_rows: list[list[str]] = []
        for index, row in enumerate(outcomes):
            names = [f"outcome_{index}", f"met_{index}", f"person_words_{index}", f"worker_words_{index}"]
            self.fields[names[0]] = forms.CharField(
                label=f"Outcome {index + 1}", initial=row.get("outcome", ""), max_length=1000, required=False
            )
            self.fields[names[1]] = forms.ChoiceField(
                label=f"Is outcome {index + 1} being met?",
                choices=OutcomeMet.choices,
                required=False,
                initial=row.get("met", ""),
                widget=forms.RadioSelect,
            )
            self.fields[names[2]] = _text("In the person's words", rows=2)
            self.fields[names[2]].initial = row.get("person_words", "")
            self.fields[names[3]] = _text("In the worker's words", rows=2)
            self.fields[names[3]].initial = row.get("worker_words", "")
            self.outcome_rows.append(names)

    def outcome_list(self) -> list[OutcomeIn]:
        data = self.cleaned_data
        return [
            OutcomeIn(
                outcome=data.get(names[0], ""),
                met=data.get(names[1], ""),
                person_words=data.get(names[2], ""),
                worker_words=data.get(names[3], ""),
            )
            for names in self.outcome_rows
            if (data.get(names[0]) or "").strip()
        ]

    def bound_rows(self) -> list[list[forms.BoundField]]:
        return [[self[name] for name in names] for names in self.outcome_rows]


class PersonSignForm(forms.Form):
    version = VersionField()
    signer = forms.ChoiceField(
        label="Who signed the review",
        choices=PersonSigner.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who signed, or that nobody could"},
    )
    name = forms.CharField(label="Name of who signed", required=False, max_length=limits.NAME_LENGTH)
    reason = _text("Why they could not sign")


class WorklistFilterForm(forms.Form):
    bucket = forms.ChoiceField(
        label="Show", required=False, choices=[("", "All open reviews"), *BUCKETS.items()]
    )
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any"), *ReviewKind.choices])
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, teams: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = cast(forms.TypedChoiceField, self.fields["team"])
        team.choices = [("", "All teams")] + [(t.pk, t.name) for t in teams]


def _whole(label: str, low: int, high: int, unit: str, hint: str) -> forms.IntegerField:
    message = f"Enter a number of {unit} from {low} to {high}"
    return forms.IntegerField(
        label=label,
        help_text=hint,
        min_value=low,
        max_value=high,
        error_messages={
            "required": message,
            "invalid": f"Enter the number of {unit} as a whole number, like {high}",
            "min_value": message,
            "max_value": message,
        },
    )


class ReviewSettingsForm(forms.Form):
    """The organisation's review intervals (the service checks the limits too)."""

    version = VersionField()
    first_weeks = _whole(
        "First review (weeks after a plan starts or changes)",
        MIN_FIRST_WEEKS,
        MAX_FIRST_WEEKS,
        "weeks",
        f"From {MIN_FIRST_WEEKS} to {MAX_FIRST_WEEKS} weeks.",
    )
    every_months = _whole(
        "Then every (months)",
        1,
        MAX_EVERY_MONTHS,
        "months",
        f"At least every {MAX_EVERY_MONTHS} months: from 1 to {MAX_EVERY_MONTHS}.",
    )
    direct_payment_first_months = _whole(
        "Direct payments: first review (months after the first payment)",
        1,
        MAX_DIRECT_PAYMENT_FIRST_MONTHS,
        "months",
        f"Within {MAX_DIRECT_PAYMENT_FIRST_MONTHS} months: from 1 to {MAX_DIRECT_PAYMENT_FIRST_MONTHS}.",
    )

    @staticmethod
    def initial_from(settings: Any) -> dict[str, Any]:
        return {
            "version": settings.version,
            "first_weeks": settings.first_weeks,
            "every_months": settings.every_months,
            "direct_payment_first_months": settings.direct_payment_first_months,
        }
