"""Forms of crisis and enablement episodes (episode_views.py). The services check the rules; the forms check
the shape of what was typed."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.utils import timezone

from casework.core import limits
from casework.core.forms import GovukDateField, VersionField
from casework.plans.episode_choices import CrisisOutcome, EnablementOutcome, EndedEarlyReason, ReferralSource

TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def _time_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=5,
        help_text="24-hour clock, for example 14:30",
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )


def _note(label: str, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


class CrisisEpisodeForm(forms.Form):
    requested_on = GovukDateField(label="Date the response was asked for", allow_future=False)
    requested_time = _time_field("Time the response was asked for")
    started_on = GovukDateField(label="Date the response started", allow_future=False)
    started_time = _time_field("Time the response started")
    responded_by = forms.CharField(
        label="Who responded",
        max_length=limits.NAME_LENGTH,
        help_text="The team or the people, for example Rapid response team (Amir Khan)",
        error_messages={"required": "Enter who responded"},
    )
    summary = _note("What happened (optional)")

    def _at(self, cleaned: dict[str, Any], day: str, time: str) -> datetime.datetime | None:
        found = TIME.match((cleaned.get(time) or "").strip())
        if cleaned.get(time) and not found:
            self.add_error(time, "Enter a time on the 24-hour clock, like 14:30")
        if not found or not cleaned.get(day):
            return None
        at = datetime.datetime.combine(cleaned[day], datetime.time(int(found[1]), int(found[2])))
        return timezone.make_aware(at)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["requested_at"] = self._at(cleaned, "requested_on", "requested_time")
        cleaned["response_started_at"] = self._at(cleaned, "started_on", "started_time")
        return cleaned


class CrisisCloseForm(forms.Form):
    version = VersionField()
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=CrisisOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    outcome_notes = _note("Notes (optional)")


class EnablementStartForm(forms.Form):
    referral_source = forms.ChoiceField(
        label="Where the referral came from",
        choices=ReferralSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the referral came from"},
    )
    started_on = GovukDateField(label="Start date", help_text="For example, 27 3 2026")
    planned_end_on = GovukDateField(
        label="Planned end date", help_text="Enablement is free for up to 6 weeks from the start"
    )
    goals = forms.CharField(
        label="Goals",
        help_text="One a line, in the person's words, for example “Make my own breakfast”",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter at least one goal, in the person's words"},
    )
    over_six_weeks_reason = _note("If the planned end is more than 6 weeks on: why it needs longer")

    def goal_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["goals"].splitlines() if line.strip()]


class EnablementNoteForm(forms.Form):
    week_starting = GovukDateField(
        label="Week starting", allow_future=False, help_text="For example, 27 3 2026"
    )
    progress = _note("Progress this week", required=True, rows=5)


class EnablementEndForm(forms.Form):
    version = VersionField()
    ended_on = GovukDateField(label="End date", allow_future=False, help_text="For example, 27 3 2026")
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=EnablementOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    ended_early_reason = forms.ChoiceField(
        label="If it ended early: why",
        required=False,
        choices=[("", "Not ended early"), *EndedEarlyReason.choices],
    )
    outcome_notes = _note("Notes (optional)")
