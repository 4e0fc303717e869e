"""Filters for the reports."""

from __future__ import annotations

from django import forms

from casework.core.forms import GovukDateField
from casework.reporting.hit_rate import Filters


class HitRateFilterForm(forms.Form):
    category = forms.TypedChoiceField(label="Risk category", required=False, coerce=int, empty_value=None)
    area = forms.CharField(label="Area (postcode district)", required=False, max_length=8)
    raised_from = GovukDateField(label="Raised on or after", required=False)
    raised_to = GovukDateField(label="Raised on or before", required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories")] + [(c.pk, c.label) for c in categories]

    def clean(self):
        data = super().clean()
        start, end = data.get("raised_from"), data.get("raised_to")
        if start and end and end < start:
            self.add_error("raised_to", "The end date must be the same as or after the start date")
        return data

    def filters(self) -> Filters:
        """The filters given (none where the form is not valid: the page shows its errors)."""
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            category_id=data.get("category"),
            area=(data.get("area") or "").strip().upper(),
            raised_from=data.get("raised_from"),
            raised_to=data.get("raised_to"),
        )
