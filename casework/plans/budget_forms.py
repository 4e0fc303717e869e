"""Forms of resource allocation and budgets: the organisation admin's draft questionnaire and settings, the
worker's answers, the personal budget, and the approver's decision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from casework.core import limits
from casework.core.forms import IdField, VersionField
from casework.plans.budget_choices import APPROVING_ROLES, FA_WORKING_DAYS_MAX, FA_WORKING_DAYS_MIN
from casework.plans.ras import questionnaire as ras

ROLE_LABELS = {"team_manager": "Team managers", "case_manager": "Case managers (head of service)"}


def _pounds(label: str, *, required: bool, maximum: Decimal, hint: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=hint,
        required=required,
        min_value=Decimal("0"),
        max_value=maximum,
        decimal_places=2,
        max_digits=len(str(int(maximum))) + 2,
        error_messages={
            "required": f"Enter {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be an amount of money, like 150 or 150.50",
            "min_value": f"{label} cannot be negative",
            "max_value": f"{label} must be at most £{maximum:,}",
            "max_decimal_places": f"{label} must be in pounds and pence, like 150.50",
            "max_digits": f"{label} must be at most £{maximum:,}",
            "max_whole_digits": f"{label} must be at most £{maximum:,}",
        },
    )


class RasQuestionForm(forms.Form):
    version = VersionField()
    text = forms.CharField(
        label="Question",
        max_length=ras.TEXT_LENGTH,
        error_messages={"required": "Enter the question"},
    )
    answers = forms.CharField(
        label="Answers and their points",
        help_text="One a line: the points, a bar and the answer, like “4 | Needs some help”.",
        max_length=ras.MAX_ANSWERS * (ras.TEXT_LENGTH + 10),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter at least two answers"},
    )


class RasQuestionRemoveForm(forms.Form):
    version = VersionField()
    question = forms.CharField(max_length=limits.CODE_LENGTH, widget=forms.HiddenInput)


class RasBandsForm(forms.Form):
    version = VersionField()
    bands = forms.CharField(
        label="Points to pounds a week",
        help_text=(
            "One band a line: from how many points, a bar, the pounds a week and, if it grows with each "
            "point above, a bar and the pounds for each point. “0 | 0 | 9.50” is £9.50 a point; “0 | 0” then "
            "“10 | 120” is a ready reckoner."
        ),
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the table, starting at 0 points"},
    )


class VersionForm(forms.Form):
    version = VersionField()


WORKING_DAYS_RANGE = f"Enter a number of working days from {FA_WORKING_DAYS_MIN} to {FA_WORKING_DAYS_MAX}"


class BudgetSettingsForm(forms.Form):
    version = VersionField()
    difference_threshold_percent = forms.DecimalField(
        label="Difference from the indicative budget that needs a reason (%)",
        help_text="A final budget that differs from the indicative one by more than this needs a reason.",
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        max_digits=5,
        error_messages={
            "required": "Enter the percentage",
            "invalid": "Enter the percentage as a number, like 10",
            "min_value": "Enter a percentage from 0 to 100",
            "max_value": "Enter a percentage from 0 to 100",
            "max_decimal_places": "Enter the percentage with at most 2 decimal places",
            "max_digits": "Enter a percentage from 0 to 100",
            "max_whole_digits": "Enter a percentage from 0 to 100",
        },
    )
    financial_assessment_working_days = forms.IntegerField(
        label="Working days to complete a financial assessment",
        help_text=(
            "A financial assessment is due this many working days after it starts. Planning a chargeable "
            "service starts one, with a task for the case's worker."
        ),
        min_value=FA_WORKING_DAYS_MIN,
        max_value=FA_WORKING_DAYS_MAX,
        error_messages={
            "required": "Enter the number of working days",
            "invalid": "Enter the number of working days as a whole number, like 20",
            "min_value": WORKING_DAYS_RANGE,
            "max_value": WORKING_DAYS_RANGE,
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for role in APPROVING_ROLES:
            label = ROLE_LABELS[role]
            self.fields[f"limit_{role}"] = _pounds(
                f"{label}: annual limit (£)",
                required=False,
                maximum=Decimal("9999999999.99"),
                hint="Leave empty if they do not approve budgets.",
            )
            self.fields[f"unlimited_{role}"] = forms.BooleanField(
                label=f"{label} approve budgets of any amount", required=False
            )

    def approval_limits(self) -> dict[str, Decimal | None]:
        found: dict[str, Decimal | None] = {}
        for role in APPROVING_ROLES:
            if self.cleaned_data.get(f"unlimited_{role}"):
                found[role] = None
            elif self.cleaned_data.get(f"limit_{role}") is not None:
                found[role] = self.cleaned_data[f"limit_{role}"]
        return found

    @staticmethod
    def initial_from(settings: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": settings.version,
            "difference_threshold_percent": settings.difference_threshold_percent,
            "financial_assessment_working_days": settings.financial_assessment_working_days,
        }
        for role, limit in (settings.approval_limits or {}).items():
            if limit is None:
                initial[f"unlimited_{role}"] = True
            else:
                initial[f"limit_{role}"] = Decimal(limit)
        return initial


class IndicativeBudgetForm(forms.Form):
    """One set of radios a question of the published questionnaire."""

    questionnaire_id = IdField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, questionnaire: ras.Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questionnaire.questions:
            self.fields[f"answer_{question.key}"] = forms.ChoiceField(
                label=question.text,
                choices=[(answer.key, answer.text) for answer in question.answers],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select an answer to “{question.text}”",
                    "invalid_choice": f"Select one of the answers to “{question.text}”",
                },
            )

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("answer_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("answer_")
        }


class PersonalBudgetForm(forms.Form):
    # The version of the current personal budget the worker read (empty: there is none yet).
    version = VersionField(required=False)
    weekly_cost = _pounds(
        "Weekly cost to the council (£)",
        required=True,
        maximum=Decimal("99999.99"),
        hint="What meeting the person's eligible needs costs the council each week, as planned.",
    )
    difference_reason = forms.CharField(
        label="Why it differs from the indicative budget",
        help_text="Needed when it differs by more than your organisation's threshold.",
        required=False,
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ApprovalForm(forms.Form):
    version = VersionField()
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("refer_up", "Agree and refer up")],
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose to approve or to refer up",
            "invalid_choice": "Choose to approve or to refer up",
        },
    )
