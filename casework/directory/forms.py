"""The Find a service search form."""

from django import forms

from casework.directory.choices import Need


class ServiceSearchForm(forms.Form):
    q = forms.CharField(
        label="What are you looking for?",
        required=False,
        max_length=200,
        help_text="Words about the service, for example lunch club, debt or wheelchair",
    )
    need = forms.ChoiceField(label="Need", required=False, choices=[("", "Any need"), *Need.choices])
    area = forms.CharField(
        label="Postcode or area",
        required=False,
        max_length=60,
        help_text="For example RG40 1AA, RG40 or Casterbridge",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )
    age = forms.IntegerField(
        label="Age of the person (optional)",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Age must be a whole number of years, like 67",
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 120 or less",
        },
    )

    def clean_q(self):
        return " ".join(self.cleaned_data.get("q", "").split())

    def clean_area(self):
        return " ".join(self.cleaned_data.get("area", "").split())
