from __future__ import annotations

from typing import Any

from django import forms

from casework.core import limits
from casework.core.forms import GovukDateField, VersionField
from casework.retention.choices import Action, Decision, HoldReason, PeriodUnit, RecordKind


class RecordClassForm(forms.Form):
    version = VersionField()
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter the class's name"}
    )
    period = forms.IntegerField(
        label="Period",
        min_value=1,
        max_value=1800,
        error_messages={
            "required": "Enter the period",
            "invalid": "Enter the period as a whole number",
            "min_value": "Enter a period of at least 1",
            "max_value": "Enter a shorter period",
        },
    )
    period_unit = forms.ChoiceField(
        label="Counted in",
        choices=PeriodUnit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select years or months"},
    )
    action = forms.ChoiceField(
        label="When the period has run",
        choices=Action.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happens when the period has run"},
    )
    reason = forms.CharField(
        label="Why the schedule changes",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the schedule changes"},
    )


class HoldPlaceForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is held",
        choices=[(RecordKind.CASE, "A case"), (RecordKind.PERSON, "A person (and all their cases)")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a case or a person"},
    )
    identifier = forms.CharField(
        label="Case reference or person number",
        max_length=20,
        error_messages={"required": "Enter the case reference or the person number"},
    )
    reason = forms.ChoiceField(
        label="Why",
        choices=HoldReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the records are held"},
    )
    reference = forms.CharField(
        label="Reference of the inquiry, claim or complaint",
        max_length=100,
        error_messages={"required": "Enter the inquiry's, claim's or complaint's reference"},
    )


class HoldLiftForm(forms.Form):
    reason = forms.CharField(
        label="Why the hold is lifted",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter why the hold is lifted"},
    )


class CandidateIdsField(forms.TypedMultipleChoiceField):
    """The ids of a dry run's records: which exist is the selector's to say (a run may list a million, so they
    are not offered as choices)."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and 0 < len(str(value)) <= 18


class AppraisalForm(forms.Form):
    candidates = CandidateIdsField(
        label="Records",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one record to appraise"},
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select destroy, keep or extend"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the reason for the decision"},
    )
    review_on = GovukDateField(label="Review again on (for an extension)", required=False, allow_past=False)
