import datetime
import json

from django import forms

from casework.assessments.choices import AssessmentMethod, NeedCategory, NeedStatus
from casework.assessments.schema import MAX_TEXT
from casework.core import limits
from casework.core.forms import GovukDateField, VersionField


class NeedDefinitionForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=50,
        help_text="Lower-case letters, numbers and underscores, like debt_advice. It cannot be "
        "changed later: exports and counts use it",
        error_messages={"required": "Enter a code for the need"},
    )
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter the name of the need"}
    )
    category = forms.ChoiceField(
        label="Category",
        choices=NeedCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the category of the need"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What counts as this need, so that every partner records it the same way",
    )
    version = VersionField(required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


class AssessmentFormEditForm(forms.Form):
    """An organisation admin writes a form's questions as a schema (JSON); each save is a new version."""

    code = forms.CharField(
        label="Code",
        max_length=50,
        help_text="Lower-case letters, numbers and underscores, like carers. It cannot be changed later",
        error_messages={"required": "Enter a code for the form"},
    )
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter the name of the form"}
    )
    description = forms.CharField(
        label="When to use it (optional)",
        required=False,
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    schema = forms.CharField(
        label="Sections and questions",
        max_length=limits.DOCUMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        help_text="Written as JSON: sections, each with an id, a title and questions; each question with an "
        "id, a label, a type (text, long_text, choice, date, yes_no), and optionally required, hint, options "
        "(for a choice) and show_if (asked only when an earlier question has a given answer).",
        error_messages={"required": "Enter the sections and questions"},
    )
    change_note = forms.CharField(label="What changed (optional)", required=False, max_length=500)
    based_on = VersionField(required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

    def clean_schema(self):
        try:
            return json.loads(self.cleaned_data["schema"])
        except ValueError as error:
            raise forms.ValidationError(f"The sections and questions are not valid JSON: {error}") from None


class AssessmentStartForm(forms.Form):
    form = forms.TypedChoiceField(
        label="Which form?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a form"},
    )
    method = forms.ChoiceField(
        label="How is the assessment being carried out?",
        widget=forms.RadioSelect,
        choices=AssessmentMethod.choices,
        error_messages={"required": "Select how the assessment is being carried out"},
    )

    def __init__(self, *args, form_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = form_choices


YES_NO = [("yes", "Yes"), ("no", "No")]
ANSWER_PREFIX = "a_"


def _answer_field(question: dict, asked_if: str) -> forms.Field:
    hint = " ".join(part for part in (question.get("hint", ""), asked_if) if part)
    label = question["label"] + ("" if question.get("required") else " (optional)")
    common = {"label": label, "required": False, "help_text": hint}
    kind = question["type"]
    if kind == "long_text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT, **common)
    if kind == "choice":
        return forms.ChoiceField(
            choices=[(o["value"], o["label"]) for o in question["options"]],
            widget=forms.RadioSelect,
            **common,
        )
    if kind == "yes_no":
        return forms.ChoiceField(
            choices=YES_NO, widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}), **common
        )
    if kind == "date":
        return GovukDateField(**common)
    return forms.CharField(max_length=MAX_TEXT, **common)


class AssessmentAnswersForm(forms.Form):
    """The questions of one form version, plus the SAVVI synopses and the privacy notice.

    Django checks only the shape of each answer; which answers are required (and when) is the service's rule.
    """

    method = forms.ChoiceField(
        label="How was the assessment carried out?",
        choices=AssessmentMethod.choices,
        widget=forms.RadioSelect,
    )
    situation = forms.CharField(
        label="Summary of the person's situation",
        required=False,
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A consent can allow this summary to be shared with a partner: write it "
        "so that it makes sense on its own.",
    )
    response = forms.CharField(
        label="What response is needed (optional)",
        required=False,
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    risk_category = forms.TypedChoiceField(
        label="Assessed risk category (optional)", required=False, coerce=int, empty_value=None
    )
    privacy_notice_given = forms.BooleanField(
        label="The person has been given the privacy notice and asked for consent to share", required=False
    )
    version = VersionField()

    def __init__(self, *args, schema: dict, risk_categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema
        self.fields["risk_category"].choices = [("", "Not assessed")] + [
            (r.pk, r.label) for r in risk_categories
        ]
        labels = {q["id"]: q["label"] for s in schema["sections"] for q in s["questions"]}
        self.sections = []
        for section in schema["sections"]:
            names = []
            for question in section["questions"]:
                condition = question.get("show_if")
                asked_if = ""
                if condition:
                    value = condition["equals"]
                    shown = (
                        {True: "Yes", False: "No"}.get(value, value)
                        if isinstance(value, bool)
                        else next(
                            (
                                o["label"]
                                for s in schema["sections"]
                                for q in s["questions"]
                                if q["id"] == condition["question"]
                                for o in q.get("options", [])
                                if o["value"] == value
                            ),
                            value,
                        )
                    )
                    asked_if = f"Answer only if the answer to ‘{labels[condition['question']]}’ is {shown}."
                name = ANSWER_PREFIX + question["id"]
                self.fields[name] = _answer_field(question, asked_if)
                names.append(name)
            self.sections.append(
                {
                    "id": section["id"],
                    "title": section["title"],
                    "description": section.get("description", ""),
                    "names": names,
                }
            )

    @staticmethod
    def initial_for(assessment) -> dict:
        initial = {
            "method": assessment.method,
            "situation": assessment.situation,
            "response": assessment.response,
            "risk_category": assessment.risk_category_id,
            "privacy_notice_given": assessment.privacy_notice_given,
            "version": assessment.version,
        }
        questions = {q["id"]: q for s in assessment.form_version.schema["sections"] for q in s["questions"]}
        for qid, value in assessment.answers.items():
            kind = questions.get(qid, {}).get("type")
            if kind == "yes_no":
                value = "yes" if value else "no"
            elif kind == "date":
                value = datetime.date.fromisoformat(value)
            initial[ANSWER_PREFIX + qid] = value
        return initial

    def bound_sections(self):
        return [{**section, "fields": [self[name] for name in section["names"]]} for section in self.sections]

    def answers(self) -> dict:
        """The cleaned answers keyed by question id, as the service takes them (yes/no as booleans)."""
        kinds = {q["id"]: q["type"] for s in self.schema["sections"] for q in s["questions"]}
        answers = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith(ANSWER_PREFIX) or value in (None, ""):
                continue
            qid = name.removeprefix(ANSWER_PREFIX)
            if kinds[qid] == "yes_no":
                value = value == "yes"
            elif kinds[qid] == "date":
                value = value.isoformat()
            answers[qid] = value
        return answers


class NeedRecordForm(forms.Form):
    definition = forms.TypedChoiceField(
        label="Need", coerce=int, error_messages={"required": "Select the need"}
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the need is for this person, in a sentence or two",
    )
    status = forms.ChoiceField(
        label="Status", choices=NeedStatus.choices, initial=NeedStatus.IDENTIFIED, widget=forms.RadioSelect
    )

    def __init__(self, *args, definitions, **kwargs):
        super().__init__(*args, **kwargs)
        ordered = sorted(definitions, key=lambda d: (d.get_category_display(), d.name))
        self.fields["definition"].choices = [("", "Select a need")] + [
            (d.pk, f"{d.name} ({d.get_category_display()})") for d in ordered
        ]


class NeedUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=NeedStatus.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = VersionField()
