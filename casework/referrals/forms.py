"""Forms for the referral pages. They shape input; the rules are in services.py."""

from __future__ import annotations

from django import forms

from casework.assessments.choices import NeedStatus
from casework.core import limits
from casework.core.forms import GovukDateField, VersionField
from casework.referrals.choices import DELIVERY_NEED_STATUSES, WORKLIST_FILTERS

STALE_PAGE = "The page was out of date. Go back to the referral and try again."


class VersionForm(forms.Form):
    version = VersionField(
        error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE, "min_value": STALE_PAGE},
    )


class WorklistFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=WORKLIST_FILTERS)

    def chosen_status(self) -> str:
        return getattr(self, "cleaned_data", {}).get("status") or "open"


class ReferralMakeForm(forms.Form):
    delivery_organisation = forms.TypedChoiceField(
        label="Which organisation are you referring to?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the organisation to refer to"},
    )
    needs = forms.TypedMultipleChoiceField(
        label="Which needs are you referring?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the needs to refer"},
    )
    basis = forms.TypedChoiceField(
        label="Which consent or lawful basis covers it?",
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        help_text="It must be live today and cover the organisation and the person’s needs.",
    )
    service = forms.ChoiceField(
        label="Service (optional)",
        required=False,
        help_text="One of the organisation’s services in the directory, if you know it",
    )
    circumstances = forms.CharField(
        label="Relevant circumstances (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the organisation needs to know to help. Write only what the consent covers and "
        "they need.",
    )
    instructions = forms.CharField(
        label="Special instructions (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, phone before visiting; the doorbell does not work",
    )

    def __init__(self, *args, organisations=(), needs=(), bases=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_organisation"].choices = [(org.pk, org.name) for org in organisations]
        self.fields["needs"].choices = [(need.pk, need.definition.name) for need in needs]
        self.fields["basis"].choices = [(pk, label) for pk, label in bases]
        self.fields["service"].choices = [("", "No particular service"), *services]


class AcceptForm(VersionForm):
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(VersionForm):
    reason = forms.CharField(
        label="Why are you declining the referral?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The organisation that referred the person sees this.",
        error_messages={"required": "Enter why the referral is declined"},
    )


class PlanForm(VersionForm):
    plan = forms.CharField(
        label="The plan",
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you will do and when. It can simply say that there is a plan.",
        error_messages={"required": "Enter the plan"},
    )


class ActionForm(forms.Form):
    occurred_on = GovukDateField(
        label="When was it done?", allow_future=False, help_text="For example, 27 3 2026"
    )
    description = forms.CharField(
        label="What was done?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, first food parcel delivered",
        error_messages={"required": "Enter what was done"},
    )


class NeedStatusForm(VersionForm):
    status = forms.ChoiceField(
        label="Status",
        widget=forms.RadioSelect,
        choices=[(s.value, NeedStatus(s).label) for s in DELIVERY_NEED_STATUSES],
        error_messages={"required": "Select the status of the need"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The organisation that referred the person sees this.",
    )


class CloseForm(VersionForm):
    note = forms.CharField(
        label="How did the referral end?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter how the referral ended"},
    )
