"""Forms for the Care Act pages. They collect and shape input; the rules are in services and eligibility."""

from __future__ import annotations

from django import forms

from casework.careact import eligibility as rules
from casework.careact.choices import FinancialInformationMethod
from casework.core.forms import GovukDateField, IdField, VersionField

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no(
    label: str, *, required_message: str, help_text: str = "", required: bool = True
) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=help_text,
        required=required,
        error_messages={"required": required_message},
    )


class ReplacesForm(forms.Form):
    """The record the user read (none for a first record), so that replacing it is version-checked."""

    replaces_id = IdField(widget=forms.HiddenInput, required=False)
    version = VersionField(required=False)


class AdvocacyDecisionForm(ReplacesForm):
    difficulty_understanding = yes_no(
        "Understanding relevant information",
        required_message=(
            "Select whether they would have substantial difficulty understanding relevant information"
        ),
    )
    difficulty_retaining = yes_no(
        "Retaining that information",
        required_message=("Select whether they would have substantial difficulty retaining that information"),
    )
    difficulty_using_or_weighing = yes_no(
        "Using or weighing that information",
        required_message=(
            "Select whether they would have substantial difficulty using or weighing that information"
        ),
    )
    difficulty_communicating = yes_no(
        "Communicating their views, wishes or feelings",
        required_message=(
            "Select whether they would have substantial difficulty communicating their views, wishes or "
            "feelings"
        ),
    )
    appropriate_person = yes_no(
        "Is there an appropriate person to support and represent them?",
        help_text="A family member or friend who can support them to be involved, and whom they agree to. "
        "Not "
        "someone paid to care for them or a professional.",
        required_message="Select whether there is an appropriate person to support them",
    )
    appropriate_person_name = forms.CharField(label="If yes: their name", required=False, max_length=200)
    appropriate_person_relationship = forms.CharField(
        label="If yes: their relationship to the person",
        required=False,
        max_length=100,
        help_text="For example, daughter or neighbour",
    )
    referral_to = forms.CharField(
        label="If an advocate is needed: the advocacy service referred to", required=False, max_length=200
    )
    referral_on = GovukDateField(
        label="Date of the referral", required=False, allow_future=False, help_text="For example, 27 3 2026"
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    DIFFICULTIES = (
        "difficulty_understanding",
        "difficulty_retaining",
        "difficulty_using_or_weighing",
        "difficulty_communicating",
    )

    def difficulty_fields(self):
        return [self[name] for name in self.DIFFICULTIES]


class AdvocateForm(forms.Form):
    advocate_name = forms.CharField(
        label="Name of the advocate",
        max_length=200,
        error_messages={"required": "Enter the name of the advocate"},
    )
    advocate_organisation = forms.CharField(
        label="Their organisation (optional)", required=False, max_length=200
    )
    advocate_from = GovukDateField(
        label="Date the advocate started", allow_future=False, help_text="For example, 27 3 2026"
    )
    version = VersionField()


class AdvocacyExceptionForm(forms.Form):
    reason = forms.CharField(
        label="Why may the activity start before an advocate is in place?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example, the assessment is urgent and the advocate will be involved as soon as they "
        "are appointed. The worker and the person's record will show this reason.",
        error_messages={"required": "Enter why the activity may start before an advocate is in place"},
    )
    version = VersionField()


class PreventionForm(ReplacesForm):
    services_considered = forms.CharField(
        label="Prevention and community services considered",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line, for example: reablement, a lunch club, equipment, a befriending scheme",
    )
    signpost_search = forms.CharField(
        label="Find a service in the directory (optional)",
        required=False,
        max_length=100,
        help_text="A need or a name, for example lunch club",
    )
    directory_service_ids = forms.MultipleChoiceField(
        label="Directory services considered",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "A service you chose is no longer in the directory: search again"},
    )
    why_not_enough = forms.CharField(
        label="Why were they not enough?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Long-term support can start only once prevention has been explored and is not enough",
        error_messages={"required": "Enter why the prevention and community services were not enough"},
    )

    def __init__(self, *args, service_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directory_service_ids"].choices = list(service_choices)

    def without_errors(self) -> PreventionForm:
        """Keep what was typed but show no errors: the worker is still searching the directory."""
        self.is_valid()
        self.errors.clear()
        return self


class FinancialInformationForm(ReplacesForm):
    method = forms.ChoiceField(
        label="How was the information given?",
        choices=FinancialInformationMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the information was given"},
    )
    given_on = GovukDateField(
        label="Date the information was given", allow_future=False, help_text="For example, 27 3 2026"
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, which leaflet, or who else was there",
    )


class EligibilityForm(ReplacesForm):
    """Findings against the criteria, then the worker's decision. The decision and reason are asked for once
    the findings have been checked (action "check"), and required when recording."""

    confirmed_eligible = forms.TypedChoiceField(
        label="Are the needs eligible?",
        required=False,
        coerce=lambda value: value == "eligible",
        empty_value=None,
        widget=forms.RadioSelect,
        choices=[("eligible", "The needs are eligible"), ("not_eligible", "The needs are not eligible")],
    )
    reason = forms.CharField(
        label="Reason for the determination",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="If your decision differs from what the criteria give, say why",
    )

    def __init__(self, *args, kind: str, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        carer = kind == rules.CARER
        fields: dict[str, forms.Field] = {}
        if carer:
            fields["cared_for"] = forms.CharField(
                label="Who do they care for? (optional)", required=False, max_length=200
            )
        fields["condition_1"] = yes_no(
            "Do the needs arise as a consequence of providing necessary care for an adult?"
            if carer
            else "Do the needs arise from or relate to a physical or mental impairment or illness?",
            required_message="Select whether condition 1 is met",
        )
        if carer:
            fields["health_deteriorating"] = yes_no(
                f"Is {name}'s physical or mental health deteriorating, or at risk of deteriorating?",
                required_message="Select whether their health is, or is at risk of, deteriorating",
            )
        ways = rules.ways_for(kind)
        for code, (_paragraph, outcome) in rules.outcomes_for(kind).items():
            fields[f"unable_{code}"] = forms.BooleanField(
                label=f"Unable to achieve: {outcome}", required=False
            )
            fields[f"ways_{code}"] = forms.MultipleChoiceField(
                label=f"How are they unable to achieve {outcome}?",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=list(ways.items()),
            )
        fields["significant_impact_on_wellbeing"] = yes_no(
            "As a consequence, is there, or is there likely to be, a significant impact on "
            + ("the carer's wellbeing?" if carer else "their wellbeing?"),
            required_message="Select whether there is, or is likely to be, a significant impact on wellbeing",
        )
        for field_name, field in fields.items():
            self.fields[field_name] = field
        self.order_fields([*fields, "confirmed_eligible", "reason"])

    def outcome_rows(self):
        """(paragraph, outcome, unable field, ways field) for the template, in the regulation's order."""
        return [
            (paragraph, outcome, self[f"unable_{code}"], self[f"ways_{code}"])
            for code, (paragraph, outcome) in rules.outcomes_for(self.kind).items()
        ]

    def findings(self) -> list[rules.OutcomeFinding]:
        data = self.cleaned_data
        return [
            rules.OutcomeFinding(
                code=code,
                unable=bool(data.get(f"unable_{code}")),
                ways=frozenset(data.get(f"ways_{code}") or ()),
            )
            for code in rules.outcomes_for(self.kind)
        ]

    def check_args(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": self.kind,
            "condition_1": data["condition_1"],
            "outcomes": self.findings(),
            "significant_impact_on_wellbeing": data["significant_impact_on_wellbeing"],
            "health_deteriorating": bool(data.get("health_deteriorating")),
        }
