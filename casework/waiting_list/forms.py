from django import forms

from casework.cases.choices import Priority
from casework.core import limits
from casework.core.forms import GovukDateField, VersionField
from casework.waiting_list.choices import ListKind, Rag, Trigger


class TriageForm(forms.Form):
    list_kind = forms.ChoiceField(
        label="Which list?",
        choices=ListKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the waiting list"},
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=Priority.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the priority: urgent, normal or low"},
    )
    rag = forms.ChoiceField(
        label="Risk rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        help_text="Red: urgent risks nobody is managing. Amber: risks being managed for now. "
        "Green: no immediate risk.",
        error_messages={"required": "Select the risk rating: red, amber or green"},
    )
    rag_reason = forms.CharField(
        label="Why this rating?",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the rating"},
    )
    crisis = forms.BooleanField(
        label="The person is in crisis: respond within 24 to 48 hours", required=False
    )
    can_report_changes = forms.TypedChoiceField(
        label="Can the person, or someone for them, tell us if things change?",
        coerce=lambda v: v == "yes",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        initial="yes",
        help_text="If not, the person is reviewed regularly while they wait.",
    )
    received_on = GovukDateField(
        label="Date the request was received",
        allow_future=False,
        required=False,
        help_text="Leave blank for today. For example, 27 3 2026",
    )


class ReprioritiseForm(forms.Form):
    trigger = forms.ChoiceField(
        label="What prompted this?",
        choices=Trigger.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what prompted the change"},
    )
    priority = forms.ChoiceField(label="Priority", choices=Priority.choices, widget=forms.RadioSelect)
    rag = forms.ChoiceField(label="Risk rating", choices=Rag.choices, widget=forms.RadioSelect)
    crisis = forms.BooleanField(
        label="The person is in crisis: respond within 24 to 48 hours", required=False
    )
    reason = forms.CharField(
        label="What has changed?",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what has changed"},
    )
    version = VersionField()


class WaitingFilterForm(forms.Form):
    list_kind = forms.ChoiceField(
        label="List", required=False, choices=[("", "All lists"), *ListKind.choices]
    )
    priority = forms.ChoiceField(label="Priority", required=False, choices=[("", "Any"), *Priority.choices])
    rag = forms.ChoiceField(label="Risk rating", required=False, choices=[("", "Any"), *Rag.choices])
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    area = forms.CharField(label="Area (postcode district)", required=False, max_length=8)
    due = forms.ChoiceField(
        label="Due",
        required=False,
        choices=[("", "Any time"), ("overdue", "Overdue"), ("due_soon", "Due in the next 3 working days")],
    )

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All teams")] + [(t.pk, t.name) for t in teams]


class TimescaleForm(forms.Form):
    """One number per list and priority, named <list>__<priority>."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind, kind_label in ListKind.choices:
            names = []
            for priority, priority_label in Priority.choices:
                name = f"{kind}__{priority}"
                self.fields[name] = forms.IntegerField(
                    label=f"{kind_label}: {priority_label.lower()}",
                    min_value=1,
                    max_value=365,
                    initial=current[(kind, priority)],
                    widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
                    error_messages={
                        "required": "Enter a number of working days from 1 to 365",
                        "min_value": "Enter a number of working days from 1 to 365",
                        "max_value": "Enter a number of working days from 1 to 365",
                        "invalid": "Enter a number of working days from 1 to 365",
                    },
                )
                names.append(name)
            self.rows.append((kind_label, names))

    def bound_rows(self):
        return [(label, [self[name] for name in names]) for label, names in self.rows]


class WaitingSettingsForm(forms.Form):
    escalation_contact = forms.TypedChoiceField(
        label="Escalation contact",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Alerted, with a task, when a case is still waiting after the further period",
    )
    second_level_working_days = forms.IntegerField(
        label="Further period before the escalation contact is alerted (working days)",
        min_value=1,
        max_value=60,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    still_waiting_letter_days = forms.IntegerField(
        label="Send a 'still waiting' letter every (days)",
        min_value=7,
        max_value=365,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    active_review_days = forms.IntegerField(
        label="Review people with a red rating, or who cannot tell us of changes, every (days)",
        min_value=1,
        max_value=90,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escalation_contact"].choices = [("", "Nobody yet")] + [
            (u.pk, u.display_name + (f" – {u.job_title}" if u.job_title else "")) for u in contacts
        ]
