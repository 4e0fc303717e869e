import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.contacts.choices import (
    AdviceOutcome,
    ContactMethod,
    ContactOutcome,
    ContactRole,
    Direction,
    FollowUpBy,
    OnBehalfKind,
)
from casework.core import limits
from casework.core.forms import GovukDateField, IdField, VersionField
from casework.tasks.forms import AssigneeField

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def _time(value: str, label: str) -> datetime.time:
    match = _TIME.match(value or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValidationError(f"{label} must be a real time, like 14:30")
    return datetime.time(int(match.group(1)), int(match.group(2)))


class ContactForm(forms.Form):
    """A contact event. service_choices: the directory services it may signpost (chosen, then found)."""

    date = GovukDateField(label="Date of the contact", help_text="For example, 23 11 2026")
    time = forms.CharField(
        label="Time",
        max_length=5,
        help_text="For example, 14:30",
        error_messages={"required": "Enter the time of the contact"},
    )
    direction = forms.ChoiceField(
        label="Who started the contact?",
        widget=forms.RadioSelect,
        choices=[
            (Direction.OUTBOUND, "We contacted them (outbound)"),
            (Direction.INBOUND, "They contacted us (inbound)"),
        ],
        error_messages={"required": "Select who started the contact"},
    )
    method = forms.ChoiceField(
        label="How",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the contact was made"},
    )
    contact_role = forms.ChoiceField(
        label="Who was it with or from?",
        choices=ContactRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who it was"},
    )
    contact_name = forms.CharField(
        label="Their name (if not the person or our worker)", required=False, max_length=200
    )
    contact_details = forms.CharField(
        label="Their contact details (optional)", required=False, max_length=300
    )
    original_held_at = forms.CharField(
        label="If it was a letter or email to us: where the original is held",
        required=False,
        max_length=300,
        help_text="For example, scanned to the case file, or the team mailbox",
    )
    outcome = forms.ChoiceField(
        label="Did it reach the person?",
        choices=ContactOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    advice_given = forms.CharField(
        label="Information and advice given (optional)",
        required=False,
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    signpost_search = forms.CharField(
        label="Find a service to signpost them to",
        required=False,
        max_length=100,
        help_text="A need or a name, for example foodbank, debt or lunch club",
    )
    signposted_service_ids = forms.MultipleChoiceField(
        label="Services signposted",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select each service you told them about",
        error_messages={"invalid_choice": "A service you chose is no longer in the directory: search again"},
    )
    resolved_at_first_contact = forms.BooleanField(
        label="This resolved what they contacted us about", required=False
    )
    financial_information_given = forms.BooleanField(
        label="Information about charging for care was given", required=False
    )
    follow_up = forms.CharField(
        label="Follow-up agreed with them (optional)",
        required=False,
        max_length=200,
        help_text="It becomes a task for the allocated worker, due on the day agreed",
    )
    follow_up_due = GovukDateField(label="Follow-up due", required=False)
    is_scheduling_attempt = forms.BooleanField(
        label="This was an attempt to reach them to arrange a visit", required=False
    )
    next_attempt_date = GovukDateField(label="Next attempt planned for (optional)", required=False)
    next_attempt_time = forms.CharField(
        label="Next attempt time (optional)", required=False, max_length=5, help_text="For example, 10:00"
    )
    safeguarding_next = forms.BooleanField(
        label="I am worried they are being abused or neglected: raise a safeguarding concern next",
        required=False,
    )

    def __init__(self, *args, service_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signposted_service_ids"].choices = list(service_choices)

    def without_errors(self) -> "ContactForm":
        """Keep what was typed but show no errors: the officer is still filling it in (a service search)."""
        self.is_valid()
        self.errors.clear()
        return self

    def clean_time(self):
        return _time(self.cleaned_data["time"], "Time")

    def clean_next_attempt_time(self):
        value = self.cleaned_data.get("next_attempt_time")
        return _time(value, "Next attempt time") if value else None

    def clean(self):
        data = super().clean()
        tz = timezone.get_current_timezone()
        if data.get("date") and data.get("time"):
            data["occurred_at"] = datetime.datetime.combine(data["date"], data["time"], tzinfo=tz)
        data["next_attempt_at"] = None
        if data.get("next_attempt_date"):
            data["next_attempt_at"] = datetime.datetime.combine(
                data["next_attempt_date"], data.get("next_attempt_time") or datetime.time(9, 0), tzinfo=tz
            )
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "occurred_at",
                "direction",
                "method",
                "contact_role",
                "contact_name",
                "contact_details",
                "outcome",
                "summary",
                "is_scheduling_attempt",
                "next_attempt_at",
                "advice_given",
                "resolved_at_first_contact",
                "financial_information_given",
                "follow_up",
                "follow_up_due",
                "signposted_service_ids",
                "original_held_at",
            )
        }


class DutyCallForm(forms.Form):
    """A call or written contact taken at the duty desk about a person."""

    who = forms.ChoiceField(
        label="Who is contacting us?",
        widget=forms.RadioSelect,
        choices=[
            ("person", "The person themselves"),
            ("other", "Someone else, with a concern about the person"),
        ],
        error_messages={"required": "Select who is contacting us"},
    )
    contact_role = forms.ChoiceField(
        label="If someone else, who are they?",
        required=False,
        choices=[("", "Select")] + [c for c in ContactRole.choices if c[0] not in ("person", "worker")],
    )
    contact_name = forms.CharField(label="Their name", required=False, max_length=200)
    contact_details = forms.CharField(
        label="Their phone number or email (optional)", required=False, max_length=300
    )
    method = forms.ChoiceField(
        label="How did they contact us?", choices=ContactMethod.choices, initial=ContactMethod.PHONE
    )
    original_held_at = forms.CharField(
        label="If they wrote to us: where the original letter or email is held",
        required=False,
        max_length=300,
        help_text="For example, scanned to the case file, or the team mailbox",
    )
    addressed_to = AssigneeField(
        label="If they wrote to a named worker or team: who it is addressed to",
        required=False,
        help_text="It is passed on only if that worker is allocated to "
        "the person, or that team is responsible",
    )
    summary = forms.CharField(
        label="What they said and what was done",
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what they said and what was done"},
    )
    decision = forms.ChoiceField(
        label="If the person has a case: does this change its priority?",
        required=False,
        widget=forms.RadioSelect,
        choices=[("raise", "Raise the priority"), ("leave", "Leave the priority as it is")],
    )
    reason = forms.CharField(label="Reason for the priority decision", required=False, max_length=500)
    review_requested = forms.BooleanField(
        label="They asked for a review of their support",
        required=False,
        help_text="A task goes to the allocated worker or responsible team",
    )
    raise_case = forms.BooleanField(
        label="If the person has no case: raise one for this concern", required=False
    )
    priority = forms.ChoiceField(
        label="Priority of a new case",
        required=False,
        widget=forms.RadioSelect,
        choices=[("urgent", "Urgent"), ("normal", "Normal"), ("low", "Low")],
        initial="normal",
    )
    follow_up = forms.CharField(
        label="What was agreed if the worker does not call back in time (optional)",
        required=False,
        max_length=200,
        help_text="It becomes a task, due on the day agreed, for whoever follows it up",
    )
    follow_up_due = GovukDateField(label="Agreed for", required=False)
    follow_up_by = forms.ChoiceField(
        label="Who follows it up?",
        required=False,
        widget=forms.RadioSelect,
        choices=FollowUpBy.choices,
        initial=FollowUpBy.WORKER,
        help_text="The allocated worker may be away: say who will do it",
    )
    safeguarding_next = forms.BooleanField(
        label="I am worried they are being abused or neglected: raise a safeguarding concern next",
        required=False,
    )

    def __init__(self, *args, addressees=None, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self.fields["addressed_to"], addressees, empty="Nobody in particular")

    def clean(self):
        data = super().clean()
        if data.get("who") == "other":
            if not data.get("contact_role"):
                self.add_error("contact_role", "Select who raised the concern")
            if not data.get("contact_name"):
                self.add_error("contact_name", "Enter the name of the person raising the concern")
        return data

    def contact(self) -> dict:
        data = self.cleaned_data
        return {
            "occurred_at": timezone.now(),
            "method": data["method"],
            "outcome": "reached",
            "summary": data["summary"],
            "contact_name": data.get("contact_name", ""),
            "contact_details": data.get("contact_details", ""),
            "original_held_at": data.get("original_held_at", ""),
            "contact_role": data.get("contact_role") if data["who"] == "other" else "person",
            "follow_up": data.get("follow_up", ""),
            "follow_up_due": data.get("follow_up_due"),
            "follow_up_by": data.get("follow_up_by", "") if data.get("follow_up") else "",
        }

    def addressee(self) -> tuple:
        """(worker, team) the letter or email is addressed to; (None, None) for nobody in particular."""
        return self.cleaned_data.get("addressed_to") or (None, None)


class NamedRequestForm(forms.Form):
    """Someone asks for a named worker or team: may the contact be passed to them?"""

    named_person = IdField(widget=forms.HiddenInput)
    named = AssigneeField(
        label="Who did they ask for?", error_messages={"required": "Select the worker or team they asked for"}
    )

    def __init__(self, *args, addressees=None, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self.fields["named"], addressees, empty="Select the worker or team")


def _offer(field, addressees, *, empty: str) -> None:
    """Offer the workers and teams (users, teams) in the select, after an empty choice."""
    users, teams = addressees or ((), ())
    field.set_assignees(users=users, teams=teams)
    field.choices = [("", empty), *list(field.choices)[1:]]


class AdviceCheckForm(forms.Form):
    version = VersionField(
        error_messages={
            "required": "This page is out of date: open the task again",
            "invalid": "This page is out of date",
        }
    )
    outcome = forms.ChoiceField(
        label="Did the information and advice help?",
        widget=forms.RadioSelect,
        choices=AdviceOutcome.choices,
        error_messages={"required": "Select whether the advice helped"},
    )
    note = forms.CharField(
        label="What they said, and what happens next",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed if it did not simply help",
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The contact, and anything you did about it",
        error_messages={"required": "Enter the message"},
    )
    told_person = forms.CharField(
        label="What the person was told about when to expect a call back",
        max_length=300,
        error_messages={"required": "Enter what the person was told"},
    )


FREE_TEXT_ON_BEHALF = (OnBehalfKind.MAKE_REFERRAL,)


class OnBehalfForm(forms.Form):
    kind = forms.ChoiceField(
        label="What did you do?",
        widget=forms.RadioSelect,
        # A service is suspended, restarted or given respite through the support plan (services_on_behalf).
        choices=[(k, label) for k, label in OnBehalfKind.choices if k in FREE_TEXT_ON_BEHALF],
        error_messages={"required": "Select what you did"},
    )
    details = forms.CharField(
        label="Details",
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What, with whom, from when, and why it could not wait",
        error_messages={"required": "Enter what you did and why"},
    )
    effective_on = GovukDateField(label="From (optional)", required=False, help_text="Leave blank for today")


class AbsenceForm(forms.Form):
    worker = forms.ModelChoiceField(label="Who is away", queryset=None, empty_label=None)
    kind = forms.ChoiceField(
        label="Why",
        widget=forms.RadioSelect,
        choices=[
            ("leave", "Annual leave"),
            ("training", "Training"),
            ("sick", "Off sick"),
            ("other", "Other"),
        ],
        error_messages={"required": "Select why they are away"},
    )
    start_date = GovukDateField(label="First day away")
    end_date = GovukDateField(label="Last day away")
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["worker"].label_from_instance = lambda u: u.display_name
