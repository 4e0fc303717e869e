"""Forms for the allocation rules pages. The rules about rules are in allocation.services."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from casework.accounts.choices import Capability
from casework.cases.forms import ObjectChoiceField
from casework.core.forms import BoundedModelMultipleChoiceField, VersionField


class AllocationRuleForm(forms.Form):
    version = VersionField(required=False)
    name = forms.CharField(
        label="Rule name",
        max_length=200,
        help_text="Say what the rule does, for example ‘High risk in the north to the district’",
        error_messages={"required": "Enter a name for the rule"},
    )
    risk_categories = BoundedModelMultipleChoiceField(
        label="Risk categories",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The rule applies to cases in any of these. Select none for any risk category.",
    )
    areas = forms.CharField(
        label="Areas (optional)",
        required=False,
        max_length=1000,
        help_text="Postcode districts or named areas, separated by commas, for example RG40, RG41, "
        "Wokingham town. Leave empty for any area.",
    )
    required_capabilities = forms.MultipleChoiceField(
        label="What the organisation must offer",
        choices=Capability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select none if any organisation will do.",
    )
    use_existing_relationship = forms.BooleanField(
        label="Send the case to an organisation that already has a case with the person", required=False
    )
    recent_days = forms.IntegerField(
        label="How many days a closed case still counts",
        required=False,
        min_value=1,
        max_value=3650,
        initial=365,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Days must be a whole number, like 365",
            "min_value": "Days must be 1 or more",
            "max_value": "Days must be 3650 or fewer",
        },
    )
    organisation = ObjectChoiceField(
        label="Send the case to",
        required=False,
        blank_label="The organisation covering the area with what the rule needs",
    )
    is_active = forms.BooleanField(label="The rule is in use", required=False, initial=True)

    def __init__(self, *args, risk_categories=None, organisations: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_categories"].queryset = risk_categories
        self.fields["organisation"].set_objects(organisations, label=lambda org: org.name)

    def clean_areas(self) -> list[str]:
        return [area.strip() for area in self.cleaned_data.get("areas", "").split(",") if area.strip()]

    def service_data(self) -> dict:
        """The rule as allocation_rule_save takes it."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "risk_categories": list(data["risk_categories"]),
            "areas": data["areas"],
            "required_capabilities": list(data["required_capabilities"]),
            "use_existing_relationship": data["use_existing_relationship"],
            "recent_days": data["recent_days"],
            "organisation": data["organisation"],
            "is_active": data["is_active"],
        }


class FallbackForm(forms.Form):
    organisation = ObjectChoiceField(
        label="When no rule matches, send the case to",
        blank_label="Select an organisation",
        error_messages={"required": "Select the fallback organisation"},
    )

    def __init__(self, *args, organisations: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].set_objects(organisations, label=lambda org: org.name)
