"""Which Client Level Data return to prepare: the organisation and the quarter it ends with."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms

from casework.reporting.cld import cld_period, latest_quarter_end, quarter_end_of


def recent_quarter_ends(today: datetime.date, count: int = 8) -> list[datetime.date]:
    """The quarter in progress (to check the return before the quarter closes) and the `count` - 1 before it,
    newest first."""
    ends = [quarter_end_of(today)]
    while len(ends) < count:
        ends.append(latest_quarter_end(ends[-1] - datetime.timedelta(days=1)))
    return ends


class CldForm(forms.Form):
    organisation = forms.TypedChoiceField(label="Organisation", coerce=int)
    quarter_end = forms.TypedChoiceField(
        label="Quarter ending",
        coerce=datetime.date.fromisoformat,
        help_text="The return covers the 12 months up to the end of the quarter.",
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], today: datetime.date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["organisation"]).choices = organisations
        cast(forms.ChoiceField, self.fields["quarter_end"]).choices = [
            (day.isoformat(), f"{day:%-d %B %Y} (from {cld_period(day)[0]:%-d %B %Y})")
            for day in recent_quarter_ends(today)
        ]
