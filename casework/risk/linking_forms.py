"""Forms for the record linkage pages. What thresholds and decisions must be is in risk.linking."""

from __future__ import annotations

from django import forms

from casework.core import limits
from casework.core.forms import VersionField
from casework.risk.linking_models import ReviewDecision


class MatchingSettingsForm(forms.Form):
    version = VersionField(required=False)
    link_threshold = forms.FloatField(
        label="Link at or above",
        min_value=0.000001,
        max_value=1,
        help_text="A match probability from 0 to 1: at or above it, a record is linked to the person. "
        "For example 0.99",
        error_messages={
            "required": "Enter the link threshold",
            "invalid": "Enter the link threshold as a number from 0 to 1, like 0.99",
            "min_value": "The link threshold must be more than 0",
            "max_value": "The link threshold must be at most 1",
        },
    )
    review_threshold = forms.FloatField(
        label="Clerical review at or above",
        min_value=0.000001,
        max_value=1,
        help_text="Below the link threshold and at or above this, a person decides. Below it, a new person "
        "is made. For example 0.80",
        error_messages={
            "required": "Enter the review threshold",
            "invalid": "Enter the review threshold as a number from 0 to 1, like 0.8",
            "min_value": "The review threshold must be more than 0",
            "max_value": "The review threshold must be at most 1",
        },
    )
    max_cluster = forms.IntegerField(
        label="Largest group of records that links by itself",
        min_value=2,
        max_value=1000,
        help_text="A larger group of records all matching each other goes to clerical review. For example 10",
        error_messages={
            "required": "Enter the largest group that links by itself",
            "invalid": "Enter a whole number from 2 to 1000",
            "min_value": "Enter a whole number from 2 to 1000",
            "max_value": "Enter a whole number from 2 to 1000",
        },
    )


class ReviewDecisionForm(forms.Form):
    version = VersionField()
    decision = forms.ChoiceField(
        label="Are they the same person?",
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose link, keep apart or skip", "invalid_choice": "Choose link, keep "
                        "apart or skip"},
    )  # fmt: skip


class UndoLinkForm(forms.Form):
    reason = forms.CharField(
        label="Why is the link wrong?",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why the link is wrong",
            "max_length": f"The reason must be {limits.NOTE_LENGTH} characters or fewer",
        },
    )
