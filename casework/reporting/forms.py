"""Filters for the reports."""

from __future__ import annotations

from django import forms

from casework.core.forms import GovukDateField
from casework.reporting.dashboard import Filters as DashboardFilters
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


class DashboardFilterForm(forms.Form):
    """The dashboard's filters: which dashboard (of those the user may open), the period, a team, an area."""

    dashboard = forms.ChoiceField(label="Dashboard", required=False)
    period_from = GovukDateField(label="From", required=False)
    period_to = GovukDateField(label="To", required=False)
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    area = forms.CharField(label="Area (postcode district)", required=False, max_length=8)

    def __init__(self, *args, scopes=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = list(scopes)
        self.fields["dashboard"].choices = [(f"{s.kind}:{s.id}", _scope_label(s)) for s in self.scopes]
        self.fields["team"].choices = [("", "All teams")] + [(t.pk, t.name) for t in teams]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", "The end date must be the same as or after the start date")
        return data

    def scope(self):
        """The dashboard chosen, or the first the user may open."""
        chosen = self.cleaned_data.get("dashboard") if self.is_bound and self.is_valid() else ""
        return next((s for s in self.scopes if f"{s.kind}:{s.id}" == chosen), self.scopes[0])

    def filters(self) -> DashboardFilters:
        if not self.is_valid():
            return DashboardFilters()
        data = self.cleaned_data
        return DashboardFilters(
            period_from=data.get("period_from"),
            period_to=data.get("period_to"),
            team_id=data.get("team"),
            area=(data.get("area") or "").strip().upper(),
        )


class PopulationUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the ONS population (CSV)",
        help_text="Columns: year, age_band (18_64 or 65_plus), population; optionally area_code and source. "
        "A year and band loaded before is replaced.",
        error_messages={"required": "Choose a CSV file to load", "empty": "The file is empty"},
    )


def _scope_label(scope) -> str:
    kind = {"team": "Team", "organisation": "Organisation", "initiative": "Whole initiative"}[scope.kind]
    return f"{kind}: {scope.name}"
