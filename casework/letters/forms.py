from django import forms

from casework.core import limits
from casework.core.forms import VersionField
from casework.letters.choices import LetterKind


class TemplateForm(forms.Form):
    subject = forms.CharField(
        label="Subject", max_length=200, error_messages={"required": "Enter the subject"}
    )
    body = forms.CharField(
        label="Words of the letter (HTML)",
        max_length=limits.DOCUMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        error_messages={"required": "Enter the words of the letter"},
    )
    based_on = VersionField()


class SendForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which letter?",
        widget=forms.RadioSelect,
        choices=[
            (LetterKind.INVITE_CONTACT, LetterKind.INVITE_CONTACT.label),
            (LetterKind.APPOINTMENT, LetterKind.APPOINTMENT.label),
            (LetterKind.ACKNOWLEDGEMENT, LetterKind.ACKNOWLEDGEMENT.label),
        ],
        error_messages={"required": "Select the letter to send"},
    )
    appointment_at = forms.CharField(
        label="Appointment (for an appointment letter)",
        required=False,
        max_length=80,
        help_text="For example, Tuesday 8 December at 10:30am",
    )
