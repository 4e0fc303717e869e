"""Forms for the task pages. They collect and shape input; the rules are in services.py."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from casework.core.forms import GovukDateField, VersionField
from casework.tasks.choices import MANUAL_KINDS, TaskKind

STALE_PAGE = "The page was out of date. Go back to the task and try again."

STATUS_CHOICES = [("open", "Open"), ("done", "Done"), ("cancelled", "Cancelled"), ("all", "All")]


class VersionForm(forms.Form):
    """The version of the task the user read: sent back so that a stale write is refused."""

    version = VersionField(
        error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE, "min_value": STALE_PAGE},
    )


class AssigneeField(forms.ChoiceField):
    """One worker or one team, offered as a select with a group of each; cleans to (user, team)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", {"required": "Select who should do the task"})
        super().__init__(*args, **kwargs)
        self._objects: dict[str, tuple] = {}

    def set_assignees(self, *, users: Iterable, teams: Iterable) -> None:
        users, teams = list(users), list(teams)
        self._objects = {f"user:{user.pk}": (user, None) for user in users}
        self._objects.update({f"team:{team.pk}": (None, team) for team in teams})
        choices: list = [("", "Select who should do it")]
        if users:
            choices.append(("Workers", [(f"user:{user.pk}", _worker_label(user)) for user in users]))
        if teams:
            choices.append(("Teams", [(f"team:{team.pk}", team.name) for team in teams]))
        self.choices = choices

    def clean(self, value):
        value = super().clean(value)
        return self._objects.get(value, (None, None)) if value else (None, None)


def _worker_label(user) -> str:
    return user.display_name + (f" – {user.job_title}" if user.job_title else "")


class TaskListFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_CHOICES)
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, teams: Iterable | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].choices = [("", "All your teams")] + [(team.pk, team.name) for team in teams]

    def chosen_status(self) -> str:
        """The status to list, from whatever input was valid (open when none was)."""
        return getattr(self, "cleaned_data", {}).get("status") or "open"

    def chosen_team_id(self) -> int | None:
        return getattr(self, "cleaned_data", {}).get("team")


class TaskAddForm(forms.Form):
    title = forms.CharField(
        label="What needs to be done?",
        max_length=200,
        help_text="For example, phone Mrs Smith to check the grab rails were fitted",
        error_messages={"required": "Enter what needs to be done"},
    )
    details = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything the person doing it needs to know. Do not include details that are not needed.",
    )
    kind = forms.ChoiceField(
        label="What kind of task is it?",
        widget=forms.RadioSelect,
        choices=[(kind.value, kind.label) for kind in MANUAL_KINDS],
        initial=TaskKind.FOLLOW_UP,
        error_messages={"required": "Select the kind of task"},
    )
    due_date = GovukDateField(label="Due date", help_text="For example, 27 3 2026")
    assigned_to = AssigneeField(label="Who should do it?")

    def __init__(self, *args, users: Iterable = (), teams: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].set_assignees(users=users, teams=teams)


class TaskCompleteForm(VersionForm):
    note = forms.CharField(
        label="What was done? (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TaskReassignForm(VersionForm):
    assigned_to = AssigneeField(label="Who should do it now?")
    reason = forms.CharField(
        label="Why is the task being reassigned?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the task is being reassigned"},
    )

    def __init__(self, *args, users: Iterable = (), teams: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].set_assignees(users=users, teams=teams)


class TaskDueForm(VersionForm):
    # Whether a date in the past is allowed depends on the kind of task: the service decides.
    due_date = GovukDateField(label="New due date", help_text="For example, 27 3 2026")
    reason = forms.CharField(
        label="Why is the due date changing?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the due date is changing"},
    )


class TaskCancelForm(VersionForm):
    reason = forms.CharField(
        label="Why does the task no longer need doing?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the task no longer needs doing"},
    )
