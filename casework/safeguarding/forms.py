from django import forms

from casework.core import limits
from casework.safeguarding.choices import AbuseType, AtRisk


class ConcernForm(forms.Form):
    at_risk = forms.ChoiceField(
        label="Who is at risk?",
        choices=AtRisk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether an adult or a child is at risk"},
    )
    at_risk_name = forms.CharField(
        label="Their name, if not the person on this record", required=False, max_length=200
    )
    what_happened = forms.CharField(
        label="What was seen or said",
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Use the words that were used. Say who, when and where.",
        error_messages={"required": "Enter what was seen or said"},
    )
    immediate_danger = forms.TypedChoiceField(
        label="Is anyone in immediate danger?",
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={"required": "Select yes if anyone is in immediate danger"},
    )
    called_999 = forms.BooleanField(label="I have called 999", required=False)
    abuse_types = forms.MultipleChoiceField(
        label="Type of abuse or neglect (select all that apply)",
        choices=AbuseType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
