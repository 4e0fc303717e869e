from django import forms

from casework.assessments.choices import NeedCategory


class NeedDefinitionForm(forms.Form):
    code = forms.CharField(label="Code", max_length=50,
                           help_text="Lower-case letters, numbers and underscores, like debt_advice. It cannot be "
                                     "changed later: exports and counts use it",
                           error_messages={"required": "Enter a code for the need"})
    name = forms.CharField(label="Name", max_length=120, error_messages={"required": "Enter the name of the need"})
    category = forms.ChoiceField(label="Category", choices=NeedCategory.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Select the category of the need"})
    description = forms.CharField(label="Description (optional)", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="What counts as this need, so that every partner records it the same way")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
