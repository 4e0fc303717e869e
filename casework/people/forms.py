from django import forms
from django.core.validators import MaxLengthValidator

from casework.core import limits
from casework.core.forms import GovukDateField, IdField, UprnField, VersionField
from casework.people.choices import HouseholdRole, RelationshipKind
from casework.people.identifiers import normalise_nhs_number, normalise_postcode
from casework.people.models import Household, Person
from casework.people.services import HOUSEHOLD_FIELDS, PERSON_FIELDS


class PostcodeCleanMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # GOV.UK: no maxlength on text inputs (it cuts what people type without telling them); the service
        # rejects a postcode that is too long with a message instead.
        if "postcode" in self.fields:
            field = self.fields["postcode"]
            field.widget.attrs.pop("maxlength", None)
            field.max_length = None
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        return normalise_postcode(value) if value else ""


class PersonSearchForm(forms.Form):
    nhs_number = forms.CharField(
        label="NHS number",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    given_name = forms.CharField(label="Given name (optional)", required=False, max_length=100)
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 1951")

    def clean_nhs_number(self):
        value = self.cleaned_data.get("nhs_number", "")
        return normalise_nhs_number(value) if value else ""

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("nhs_number"):
            if not data.get("family_name"):
                self.add_error("family_name", "Enter a family name, or search by NHS number")
            if not data.get("date_of_birth"):
                self.add_error("date_of_birth", "Enter a date of birth, or search by NHS number")
        return data


class PersonForm(PostcodeCleanMixin, forms.ModelForm):
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 1951")
    date_of_death = GovukDateField(label="Date of death", required=False)
    communication_needs = forms.CharField(
        required=False, max_length=limits.TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    uprn = UprnField()

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)
        labels = {"nhs_number": "NHS number", "interpreter_needed": "Needs an interpreter"}
        help_texts = {"nhs_number": "A 10 digit number, like 943 476 5919"}
        widgets = {
            "nhs_number": forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
            "given_name": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "family_name": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
        }
        error_messages = {
            "given_name": {"required": "Enter the person's given name"},
            "family_name": {"required": "Enter the person's family name"},
            "email": {"invalid": "Enter an email address in the correct format, like name@example.com"},
        }

    def clean_nhs_number(self):
        value = self.cleaned_data.get("nhs_number") or ""
        return normalise_nhs_number(value) if value else None

    def _post_clean(self):
        # Model validation (unique NHS number, dates) belongs to the service, which reports it field by field.
        pass


class PersonEditForm(PersonForm):
    version = VersionField()
    reason = forms.CharField(label="Reason for the change (optional)", required=False, max_length=500)


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to open this record?",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Your reason is recorded and reviewed by your organisation's information governance auditor."
        ),
        error_messages={
            "required": "Explain why you need to open this record",
            "min_length": "Explain why you need to open this record (at least 10 characters)",
        },
    )


class RestrictionForm(forms.Form):
    restricted = forms.TypedChoiceField(
        label="Does this person need extra protection?",
        coerce=lambda v: v == "yes",
        choices=[("yes", "Yes: only named users may open the full record"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if this person needs extra protection"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for changing the restriction"},
    )


class NamedUserForm(forms.Form):
    user = forms.ModelChoiceField(
        label="User to name on this record", queryset=None, error_messages={"required": "Select a user"}
    )

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda u: u.display_name


class HouseholdForm(PostcodeCleanMixin, forms.ModelForm):
    uprn = UprnField()

    class Meta:
        model = Household
        fields = list(HOUSEHOLD_FIELDS)
        labels = {"name": "Household name (optional)"}

    def _post_clean(self):
        pass


class HouseholdEditForm(HouseholdForm):
    version = VersionField()


class HouseholdMoveForm(forms.Form):
    household = forms.ChoiceField(
        label="Which household does the person live in now?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a household"},
    )
    role = forms.ChoiceField(
        label="Their role in the household", choices=HouseholdRole.choices, initial=HouseholdRole.OTHER
    )
    start_date = GovukDateField(
        label="Date they moved in", required=False, help_text="Leave blank for today. For example, 1 9 2026"
    )

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [(str(h.pk), str(h)) for h in households] + [
            ("new", "A new household at the person's address")
        ]


NOT_AN_ID = "Casework ID must be a number"


class RelationshipForm(forms.Form):
    related_person = IdField(
        label="Casework ID of the related person",
        help_text=(
            "Shown as 'Casework ID' on each person's record. Add the person first if they are not known."
        ),
        error_messages={
            "required": "Enter the Casework ID of the related person",
            "invalid": NOT_AN_ID,
            "min_value": NOT_AN_ID,
            "max_value": NOT_AN_ID,
        },
    )
    kind = forms.ChoiceField(
        label="They are this person's",
        choices=RelationshipKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the relationship"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=200,
        help_text="For example, 'daughter' or 'neighbour'",
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="Review note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what you found when reviewing this access"},
    )
