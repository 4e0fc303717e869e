"""Forms for the case pages. They collect and shape input; the rules are in services and lifecycle."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms

from casework.allocation.selectors import WorklistFilters
from casework.cases.choices import AssignmentRole, CaseOrigin, CaseStatus, Priority
from casework.core.forms import GovukDateField, VersionField

SORT_CHOICES = [
    ("priority", "Priority, most urgent first"),
    ("oldest", "Oldest first"),
    ("newest", "Newest first"),
    ("risk", "Risk category, highest first"),
    ("area", "Area"),
]  # the keys of allocation.selectors.SORTS


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects a selector has already loaded; cleans to the object (or None)."""

    def __init__(self, *args, blank_label: str = "", **kwargs):
        self.blank_label = blank_label
        self._objects: dict[str, Any] = {}
        super().__init__(*args, **kwargs)

    def set_objects(self, objects: Iterable[Any], label: Callable[[Any], str] = str) -> None:
        self._objects = {str(obj.pk): obj for obj in objects}
        blank = [("", self.blank_label)] if self.blank_label else []
        self.choices = blank + [(key, label(obj)) for key, obj in self._objects.items()]

    def clean(self, value):
        value = super().clean(value)
        return self._objects.get(value) if value else None

    def prepare_value(self, value):
        return str(value.pk) if hasattr(value, "pk") else value


class VersionForm(forms.Form):
    """The version of the case the user read: sent back so a stale write is refused."""

    version = VersionField(
        error_messages={
            "required": "The page was out of date. Go back to the case and try again.",
            "invalid": "The page was out of date. Go back to the case and try again.",
            "min_value": "The page was out of date. Go back to the case and try again.",
        },
    )


# Lists.


class WorklistFilterForm(forms.Form):
    """The team worklist's filters. Teams are offered to team managers only."""

    priority = forms.ChoiceField(
        label="Priority", required=False, choices=[("", "Any priority"), *Priority.choices]
    )
    risk_category = forms.TypedChoiceField(
        label="Risk category", required=False, coerce=int, empty_value=None
    )
    area = forms.CharField(
        label="Area",
        required=False,
        max_length=8,
        help_text="Postcode district, for example RG40",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
    )
    raised_from = GovukDateField(
        label="Raised on or after", required=False, help_text="For example, 1 4 2026"
    )
    raised_to = GovukDateField(
        label="Raised on or before", required=False, help_text="For example, 30 4 2026"
    )
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)

    def __init__(self, *args, risk_categories: Iterable = (), teams: Iterable | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_category"].choices = [("", "Any risk category")] + [
            (category.pk, category.label) for category in risk_categories
        ]
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].choices = [("", "Every team")] + [(team.pk, team.name) for team in teams]

    def clean_area(self) -> str:
        return self.cleaned_data.get("area", "").strip().upper()

    def clean(self):
        data = super().clean()
        start, end = data.get("raised_from"), data.get("raised_to")
        if start and end and end < start:
            self.add_error("raised_to", "Raised on or before must be the same as or after raised on or after")
        return data

    def filters(self, *, default_sort: str = "priority") -> WorklistFilters:
        """The filters from whatever input was valid: a bad date is reported and left out, not guessed."""
        data = getattr(self, "cleaned_data", {})
        return WorklistFilters(
            priority=data.get("priority") or "",
            risk_category_id=data.get("risk_category"),
            area=data.get("area") or "",
            raised_from=data.get("raised_from"),
            raised_to=data.get("raised_to"),
            team_id=data.get("team"),
            sort=data.get("sort") or default_sort,
        )


class CaseIndexFilterForm(WorklistFilterForm):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *CaseStatus.choices]
    )
    unallocated_only = forms.BooleanField(
        label="Unallocated only",
        required=False,
        help_text="Open cases that no organisation is responsible for yet",
    )

    def __init__(self, *args, **kwargs):
        kwargs["teams"] = None
        super().__init__(*args, **kwargs)


# Raising a case.


class CaseRaiseForm(forms.Form):
    origin = forms.ChoiceField(
        label="Where did the case come from?",
        choices=CaseOrigin.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the case came from"},
    )
    risk_category = forms.ModelChoiceField(
        label="Risk category (optional)", queryset=None, required=False, empty_label="Not known yet"
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=Priority.choices,
        widget=forms.RadioSelect,
        initial=Priority.NORMAL,
        error_messages={"required": "Select a priority"},
    )
    summary = forms.CharField(
        label="Why is the case being raised?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what has happened and what the person needs. Do not include "
        "details that are not needed.",
        error_messages={"required": "Enter why the case is being raised"},
    )
    responsible_now = forms.BooleanField(
        label="This organisation takes responsibility now",
        required=False,
        help_text="For example, the person contacted you or you are taking on a concern. The case goes "
        "straight to your team worklist instead of waiting for allocation.",
    )

    def __init__(self, *args, risk_categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_category"].queryset = risk_categories


# Actions on one case. Each carries the version the user read.


class StageMoveForm(VersionForm):
    stage = forms.ChoiceField(
        label="Move the case to",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a stage", "invalid_choice": "Select one of the stages shown"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, what needs amending and why",
    )

    def __init__(self, *args, stages: Iterable[tuple[str, str]] = (), warnings: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = list(stages)
        warnings = list(warnings)
        if warnings:
            # The stage gates' warnings (cases/gates.py): the worker ticks each to move on despite it.
            self.fields["acknowledge"] = forms.MultipleChoiceField(
                label="Move on despite these warnings",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(warning.code, warning.message) for warning in warnings],
                help_text="Tick each warning you have considered",
                error_messages={"invalid_choice": "Tick only the warnings shown"},
            )
            self.order_fields(["version", "stage", "acknowledge", "note"])


class RestartForm(VersionForm):
    stage = forms.ChoiceField(
        label="Which stage should the work restart from?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the stage to restart from",
            "invalid_choice": "Select one of the stages shown",
        },
    )
    reason = forms.CharField(
        label="Why must the work restart?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the case must restart from this stage"},
    )

    def __init__(self, *args, stages: Iterable[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = list(stages)


class StatusChangeForm(VersionForm):
    # Whether a reason is needed is the service's rule (on hold and cancelled need one).
    reason = forms.CharField(
        label="Reason", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, reason_label: str = "Reason", reason_hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = reason_label
        self.fields["reason"].help_text = reason_hint


def _worker_label(user) -> str:
    return user.display_name + (f" – {user.job_title}" if user.job_title else "")


class _ChoicesReadOnce(forms.models.ModelChoiceIterator):
    """The choices from one plain read of the queryset: ModelChoiceIterator reads with .iterator(), which on
    PostgreSQL is a server-side cursor, three round trips (declare, fetch, close) for a team's names."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class WorkerAddForm(VersionForm):
    user = forms.ModelChoiceField(
        label="Worker",
        queryset=None,
        empty_label="Select a worker",
        error_messages={"required": "Select a worker to add"},
    )
    role = forms.ChoiceField(
        label="Their role on the case",
        widget=forms.RadioSelect,
        initial=AssignmentRole.SECONDARY,
        choices=[
            (AssignmentRole.SECONDARY, "Secondary worker: sees and works on the case"),
            (AssignmentRole.CASE_MANAGER, "Case manager: reads the case for oversight"),
        ],
        error_messages={"required": "Select the worker's role on the case"},
    )

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "user"
        ].iterator = _ChoicesReadOnce  # before the queryset, which makes the widget's choices
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = _worker_label


class WorkerRemoveForm(VersionForm):
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=1000)


class AssignForm(VersionForm):
    worker = forms.ModelChoiceField(
        label="Who should be the case's worker?",
        queryset=None,
        empty_label="Select a worker",
        error_messages={"required": "Select the worker to assign"},
    )

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = users
        self.fields["worker"].label_from_instance = _worker_label


class ReassignForm(AssignForm):
    reason = forms.CharField(
        label="Why is the case being reassigned?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The previous worker and the new one can both see this reason.",
        error_messages={"required": "Enter the reason for reassigning the case"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].label = "Who should be the new worker?"


class TransferForm(VersionForm):
    organisation = ObjectChoiceField(
        label="Which organisation should be responsible?",
        blank_label="Select an organisation",
        error_messages={"required": "Select the organisation to transfer the case to"},
    )
    reason = forms.CharField(
        label="Why is the case being transferred?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for the change"},
    )

    def __init__(self, *args, organisations: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].set_objects(organisations, label=lambda org: org.name)


class CaseCloseForm(VersionForm):
    outcome = forms.ChoiceField(
        label="Outcome", widget=forms.RadioSelect, error_messages={"required": "Select the outcome"}
    )
    note = forms.CharField(
        label="Closing note (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recontact_on = GovukDateField(
        label="Date to contact the person again (optional)",
        required=False,
        allow_past=False,
        help_text="A task is raised for your organisation on that day. For example, 27 3 2027",
    )

    def __init__(self, *args, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o.code, o.label) for o in outcomes]


class OutcomeAddForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="Lower-case letters, numbers and underscores, like in_prison. Reports use it",
        error_messages={"required": "Enter a code for the outcome"},
    )
    label = forms.CharField(label="Outcome", max_length=100, error_messages={"required": "Enter the outcome"})
    description = forms.CharField(label="When to use it (optional)", required=False, max_length=500)
