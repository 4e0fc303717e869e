"""Forms of the support plan's pages (support_views.py). The services check the rules; the forms check the
shape of what was typed."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms

from casework.accounts.models import Organisation
from casework.core import clock, limits
from casework.core.forms import GovukDateField, VersionField
from casework.plans.support_choices import BudgetManagement, PersonSigner, ServiceFrequency, SuspensionReason
from casework.plans.support_models import SupportPlan, SupportService
from casework.plans.support_services import MAX_UNIT_COST, MAX_UNITS, ServiceIn

# Blank rows offered for new services below the plan's services.
NEW_SERVICE_ROWS = 2
ORGANISATION = "organisation"
DIRECTORY = "service"


def _text(label: str, *, required: bool = False, rows: int = 4, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limits.TEXT_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


def _note(label: str, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


class SupportPlanForm(forms.Form):
    based_on = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        max_value=limits.MAX_VERSION,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"), "The page was out of date. Go back and try again."
        ),
    )
    outcomes = _text(
        "The outcomes the person wants",
        required=True,
        help_text="In their words, for example “I want to stay in my own home and see my friends”",
    )
    needs = _text("The needs met, and how", required=True)
    informal_support = _text("Informal support (optional)", rows=3, help_text="Family, friends, neighbours")
    community_assets = _text(
        "Community support (optional)", rows=3, help_text="Groups, clubs and places the person uses"
    )
    contingency = _text("If something goes wrong (optional)", rows=3, help_text="The contingency plan")
    budget_management = forms.ChoiceField(
        label="How the budget is managed",
        choices=BudgetManagement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the budget is managed"},
    )


def provider_choices(plans: Iterable[SupportPlan | None]) -> list[tuple[str, str]]:
    """The organisations, and any directory service the plan's services already use."""
    choices = [("", "Choose a provider")]
    seen: set[str] = set()
    for plan in plans:
        for service in plan.services.all() if plan is not None else []:
            if service.provider_service_id and service.provider_service is not None:
                key = f"{DIRECTORY}:{service.provider_service_id}"
                if key not in seen:
                    seen.add(key)
                    choices.append((key, f"{service.provider_service.name} (directory)"))
    choices += [
        (f"{ORGANISATION}:{pk}", name)
        for pk, name in Organisation.objects.order_by("name").values_list("pk", "name")
    ]
    return choices


class SupportServiceForm(forms.Form):
    """A row of the plan's services: left empty, a new row is ignored; `remove` drops a listed service."""

    reference = forms.CharField(widget=forms.HiddenInput, required=False, max_length=12)
    remove = forms.BooleanField(label="Remove this service from the plan", required=False)
    service_type = forms.CharField(
        label="Type of service",
        required=False,
        max_length=limits.NAME_LENGTH,
        help_text="For example, Home care",
    )
    provider = forms.ChoiceField(label="Provider", required=False)
    frequency = forms.ChoiceField(
        label="How often",
        required=False,
        choices=[("", "Choose how often"), *ServiceFrequency.choices],
    )
    units = forms.DecimalField(
        label="Units each time",
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_UNITS,
        decimal_places=2,
        help_text="Hours, visits or days",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
    )
    unit_cost = forms.DecimalField(
        label="Cost of a unit, in pounds",
        required=False,
        min_value=Decimal("0"),
        max_value=MAX_UNIT_COST,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
    )
    starts_on = GovukDateField(label="First day", required=False)
    ends_on = GovukDateField(label="Last day (optional)", required=False)

    def __init__(self, *args: Any, providers: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ChoiceField)
        provider.choices = providers or [("", "Choose a provider")]

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not data.get("reference") and not any(
            data.get(name)
            for name in ("service_type", "provider", "frequency", "units", "unit_cost", "starts_on")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("remove") or self.is_blank:
            return cleaned
        required = {
            "service_type": "Enter the type of service",
            "provider": "Choose the provider",
            "frequency": "Choose how often the service is given",
            "units": "Enter the units each time",
            "unit_cost": "Enter the cost of a unit",
            "starts_on": "Enter the first day of the service",
        }
        for name, message in required.items():
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The last day must be the same as or after the first day")
        return cleaned

    def service_in(self) -> ServiceIn | None:
        data = self.cleaned_data
        if data.get("remove") or self.is_blank:
            return None
        kind, _, key = str(data["provider"]).partition(":")
        return ServiceIn(
            service_type=data["service_type"],
            frequency=data["frequency"],
            units=data["units"],
            unit_cost=data["unit_cost"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            provider_service_id=key if kind == DIRECTORY else None,
            provider_organisation_id=int(key) if kind == ORGANISATION and key.isdigit() else None,
            reference=data.get("reference") or "",
        )


ServiceFormSet = forms.formset_factory(SupportServiceForm, extra=0, max_num=30, absolute_max=30)


def service_initial(service: SupportService) -> dict[str, Any]:
    provider = (
        f"{DIRECTORY}:{service.provider_service_id}"
        if service.provider_service_id
        else f"{ORGANISATION}:{service.provider_organisation_id}"
    )
    return {
        "reference": service.reference,
        "service_type": service.service_type,
        "provider": provider,
        "frequency": service.frequency,
        "units": service.units,
        "unit_cost": service.unit_cost,
        "starts_on": service.starts_on,
        "ends_on": service.ends_on,
    }


def plan_initial(plan: SupportPlan | None, based_on: int | None) -> dict[str, Any]:
    if plan is None:
        return {"based_on": based_on}
    return {
        "based_on": based_on,
        "outcomes": plan.outcomes,
        "needs": plan.needs,
        "informal_support": plan.informal_support,
        "community_assets": plan.community_assets,
        "contingency": plan.contingency,
        "budget_management": plan.budget_management,
    }


class VersionForm(forms.Form):
    version = VersionField()


class PersonSignForm(forms.Form):
    version = VersionField()
    signer = forms.ChoiceField(
        label="Who signed the plan?",
        choices=PersonSigner.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who signed, or that nobody could"},
    )
    name = forms.CharField(
        label="Name of who signed",
        required=False,
        max_length=limits.NAME_LENGTH,
        help_text="The person, or their representative",
    )
    reason = _note("If nobody signed: why")


class SuspendForm(forms.Form):
    version = VersionField()
    reason = forms.ChoiceField(
        label="Why is it suspended?",
        choices=SuspensionReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the service is suspended"},
    )
    starts_on = GovukDateField(label="First day suspended")
    ends_on = GovukDateField(
        label="Last day suspended (optional)",
        required=False,
        help_text=(
            "For respite, its last day. Leave it blank for a hospital admission: restart the service "
            "on discharge"
        ),
    )
    note = _note("Note (optional)")

    @staticmethod
    def today() -> dict[str, Any]:
        return {"starts_on": clock.today()}


class RestartForm(forms.Form):
    version = VersionField()
    restarts_on = GovukDateField(
        label="Day the service restarts", help_text="For example, the day of discharge"
    )
    note = _note("Note (optional)")

    @staticmethod
    def today() -> dict[str, Any]:
        return {"restarts_on": clock.today()}
