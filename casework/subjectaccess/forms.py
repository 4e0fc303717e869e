from __future__ import annotations

from typing import Any

from django import forms

from casework.core import limits
from casework.core.forms import GovukDateField, VersionField
from casework.subjectaccess.choices import RedactionReason


class ReceiveForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label="Organisation the request was made to", coerce=int, widget=forms.RadioSelect
    )
    requester_name = forms.CharField(
        label="Who made the request",
        max_length=200,
        error_messages={"required": "Enter who made the request"},
    )
    requested = forms.CharField(
        label="What they asked for",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what they asked for"},
    )
    received_on = GovukDateField(label="Date received", allow_future=False)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0][0]


class VerifyIdentityForm(forms.Form):
    version = VersionField()
    verified_on = GovukDateField(label="Date identity was verified", allow_future=False)
    evidence = forms.CharField(
        label="Evidence seen", max_length=200, error_messages={"required": "Enter the evidence seen"}
    )


class AskClarificationForm(forms.Form):
    version = VersionField()
    asked_on = GovukDateField(label="Date asked", allow_future=False)
    question = forms.CharField(
        label="What you asked the requester",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what you asked the requester"},
    )


class ReceiveClarificationForm(forms.Form):
    version = VersionField()
    answered_on = GovukDateField(label="Date the clarification arrived", allow_future=False)


class ExtendForm(forms.Form):
    version = VersionField()
    months = forms.TypedChoiceField(
        label="Extend by",
        coerce=int,
        choices=[(1, "1 month"), (2, "2 months")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how long to extend by"},
    )
    reason = forms.CharField(
        label="Why the request is complex or numerous",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the request is complex or numerous"},
    )
    letter_sent_on = GovukDateField(
        label="Date the letter telling the requester was sent", allow_future=False
    )


class VersionForm(forms.Form):
    version = VersionField()


class RedactForm(forms.Form):
    section = forms.CharField(
        label="Section", max_length=64, error_messages={"required": "Enter the section"}
    )
    record_id = forms.CharField(
        label="Record id", max_length=64, error_messages={"required": "Enter the record's id"}
    )
    field = forms.CharField(
        label="Field (leave empty to withhold the whole record)", max_length=64, required=False
    )
    reason = forms.ChoiceField(
        label="Reason",
        choices=RedactionReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason for the redaction"},
    )
    explanation = forms.CharField(
        label="Explanation",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter why this is withheld"},
    )
