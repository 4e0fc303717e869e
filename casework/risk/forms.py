"""Forms for the Identify pages. What a source, an import or a model must be is in risk.services."""

from __future__ import annotations

import json

from django import forms

from casework.cases.forms import ObjectChoiceField
from casework.core import limits
from casework.core.forms import GovukDateField, VersionField
from casework.risk.choices import SourceFormat
from casework.risk.importing import FIELD_LABELS, FIELDS

FIXABLE = ("attribute_type", "attribute_scheme", "attribute")


class RiskSourceForm(forms.Form):
    """A source: who owns it, the lawful basis, the format, and for a council extract its columns."""

    version = VersionField(required=False)
    name = forms.CharField(
        label="Name",
        max_length=limits.NAME_LENGTH,
        help_text="For example ‘Council tax reduction’ or ‘Frailty list, Kingsbere surgery’",
        error_messages={"required": "Enter the source’s name"},
    )
    owner = forms.CharField(
        label="Owner",
        max_length=limits.NAME_LENGTH,
        help_text="The source organisation and team that sends the data",
        error_messages={"required": "Enter the source’s owner"},
    )
    lawful_basis = forms.CharField(
        label="Lawful basis",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the lead may receive and use the data, for example the UK GDPR article and the duty",
        error_messages={"required": "Enter the source’s lawful basis"},
    )
    file_format = forms.ChoiceField(
        label="Format of its files",
        choices=SourceFormat.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the format of the source’s files"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FIELDS:
            self.fields[f"column_{name}"] = forms.CharField(
                label=FIELD_LABELS[name], required=False, max_length=limits.NAME_LENGTH
            )
        for name in FIXABLE:
            self.fields[f"fixed_{name}"] = forms.CharField(
                label=f"{FIELD_LABELS[name]} for every row", required=False, max_length=limits.NAME_LENGTH
            )

    @property
    def column_fields(self):
        return [self[f"column_{name}"] for name in FIELDS]

    @property
    def fixed_fields(self):
        return [self[f"fixed_{name}"] for name in FIXABLE]

    @staticmethod
    def initial_for(source) -> dict:
        return {
            "version": source.version,
            "name": source.name,
            "owner": source.owner,
            "lawful_basis": source.lawful_basis,
            "file_format": source.file_format,
            **{f"column_{name}": column for name, column in source.column_mapping.items()},
            **{f"fixed_{name}": value for name, value in source.fixed_values.items()},
        }

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "owner": data["owner"],
            "lawful_basis": data["lawful_basis"],
            "file_format": data["file_format"],
            "column_mapping": {name: data[f"column_{name}"] for name in FIELDS},
            "fixed_values": {name: data[f"fixed_{name}"] for name in FIXABLE},
        }

    # The service names a mapping's field "column_mapping.<field>": the form's field for it.
    @staticmethod
    def field_names() -> dict[str, str]:
        return {
            **{f"column_mapping.{name}": f"column_{name}" for name in FIELDS},
            **{f"column_mapping.{name}": f"fixed_{name}" for name in FIXABLE},
        }


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="The source’s CSV or JSON Lines file. Importing the same file again changes nothing.",
        error_messages={"required": "Choose a file to import", "empty": "The file is empty"},
    )
    extracted_on = GovukDateField(
        label="When the source extracted the data (optional)",
        required=False,
        allow_future=False,
        help_text="For rows that do not say. For example, 27 3 2025",
    )


class RiskModelTextForm(forms.Form):
    version = VersionField(required=False)
    purpose = forms.CharField(
        label="Purpose",
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who the initiative sets out to find, and why",
        error_messages={"required": "Enter the model’s purpose"},
    )
    legal_basis = forms.CharField(
        label="Legal basis",
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the model’s legal basis"},
    )
    area = forms.CharField(
        label="Area",
        max_length=limits.NAME_LENGTH,
        help_text="Where the initiative looks, for example ‘Wessex County’",
        error_messages={"required": "Enter the model’s area"},
    )


class RiskModelCreateForm(RiskModelTextForm):
    name = forms.CharField(
        label="Name",
        max_length=limits.NAME_LENGTH,
        help_text="For example ‘Winter pressures’",
        error_messages={"required": "Enter the model’s name"},
    )
    field_order = ["name", "purpose", "legal_basis", "area"]


class ModelCategoryForm(forms.Form):
    category = ObjectChoiceField(
        label="Risk category", blank_label="Select", error_messages={"required": "Choose a risk category"}
    )
    rank = forms.IntegerField(
        label="Rank",
        min_value=1,
        max_value=100,
        help_text="1 is the highest: a person whom rules put in two categories is in the higher",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the category’s rank",
            "invalid": "The rank must be a whole number, like 1",
            "min_value": "The rank must be 1 or more",
            "max_value": "The rank must be 100 or less",
        },
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].set_objects(categories)


class FactorDefinitionForm(forms.Form):
    scheme = forms.CharField(
        label="Scheme",
        max_length=100,
        help_text="The code list, for example council_tax_reduction or nhs",
        error_messages={"required": "Enter the factor’s scheme"},
    )
    term = forms.CharField(
        label="Term",
        max_length=100,
        help_text="For example arrears or shielded",
        error_messages={"required": "Enter the factor’s term"},
    )
    label = forms.CharField(
        label="What it means",
        max_length=limits.NAME_LENGTH,
        help_text="In plain English, for explanations: ‘council tax arrears’",
        error_messages={"required": "Say what the factor means, in plain English"},
    )


class RiskRuleForm(forms.Form):
    """A rule built from parts: the factors (all or any of them), factors the person must not have, an age
    band and an area, all of which must hold; or, for any other shape, the expression written as JSON.

    The form only assembles the expression: whether it is a valid rule is risk.services' (and the pipeline's
    rule_errors') to say."""

    version = VersionField(required=False)
    category = ObjectChoiceField(
        label="Risk category it gives",
        blank_label="Select",
        error_messages={"required": "Choose the risk category the rule gives"},
    )
    match = forms.ChoiceField(
        label="Which of the factors must the person have?",
        choices=[("all", "All of them"), ("any", "Any one of them")],
        initial="all",
        widget=forms.RadioSelect,
        required=False,
    )
    factors = forms.MultipleChoiceField(
        label="Risk factors the person has",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose factors of the model"},
    )
    not_factors = forms.MultipleChoiceField(
        label="Risk factors the person must not have",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose factors of the model"},
    )
    age_at_least = forms.IntegerField(
        label="Aged at least (years)",
        required=False,
        min_value=0,
        max_value=150,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "The age must be a whole number of years, like 75",
            "min_value": "The age must be 0 or more",
            "max_value": "The age must be 150 or less",
        },
    )
    age_under = forms.IntegerField(
        label="Aged under (years)",
        required=False,
        min_value=1,
        max_value=150,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "The age must be a whole number of years, like 18",
            "min_value": "The age must be 1 or more",
            "max_value": "The age must be 150 or less",
        },
    )
    areas = forms.CharField(
        label="Lives in (areas)",
        required=False,
        max_length=limits.NAME_LENGTH,
        help_text="Postcode districts, separated by commas, for example RG40, RG41. Leave empty for anywhere",
    )
    expression = forms.CharField(
        label="Or write the condition as JSON",
        required=False,
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text='For example {"all": [{"factor": "frailty/severe"}, {"not": {"factor": "nhs/shielded"}}]}. '
        "When this is filled in, it is the rule’s condition and the parts above are not used",
    )
    description = forms.CharField(
        label="What the rule means, in plain English (optional)",
        required=False,
        max_length=200,
        help_text="Shown to the person and the public: ‘council tax arrears and aged 75 or over’. "
        "Left empty, it is written from the condition",
    )

    def __init__(self, *args, categories, factors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].set_objects(categories, label=lambda row: row.label)
        choices = [(factor.code, f"{factor.label} ({factor.code})") for factor in factors]
        self.fields["factors"].choices = choices
        self.fields["not_factors"].choices = choices

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if (data.get("expression") or "").strip():
            try:
                data["when"] = json.loads(data["expression"])
            except ValueError:
                self.add_error("expression", "The condition is not valid JSON: check its brackets and quotes")
            return data
        parts: list[dict] = []
        factors = data.get("factors") or []
        if len(factors) == 1:
            parts.append({"factor": factors[0]})
        elif factors:
            parts.append({data.get("match") or "all": [{"factor": code} for code in factors]})
        parts.extend({"not": {"factor": code}} for code in data.get("not_factors") or [])
        if data.get("age_at_least") is not None:
            parts.append({"age_at_least": data["age_at_least"]})
        if data.get("age_under") is not None:
            parts.append({"age_under": data["age_under"]})
        areas = [area.strip() for area in (data.get("areas") or "").split(",") if area.strip()]
        if areas:
            parts.append({"area_in": areas})
        if not parts:
            self.add_error("factors", "Choose at least one risk factor, or give an age or an area")
            return data
        data["when"] = parts[0] if len(parts) == 1 else {"all": parts}
        return data


def rule_form_initial(rule) -> dict:
    """The form's fields for a rule's expression: its parts when the form can build it again, else the
    expression as JSON."""
    initial = {"version": rule.version, "category": rule.category, "description": rule.description}
    parts = rule.when.get("all", [rule.when]) if isinstance(rule.when, dict) else []
    found: dict = {"factors": [], "not_factors": [], "match": "all"}
    shaped = True
    for part in parts:
        op, arg = next(iter(part.items())) if isinstance(part, dict) and len(part) == 1 else (None, None)
        if op == "factor":
            found["factors"].append(arg)
        elif (
            op in ("all", "any")
            and not found["factors"]
            and isinstance(arg, list)
            and all(isinstance(p, dict) and set(p) == {"factor"} for p in arg)
        ):
            found["factors"] = [p["factor"] for p in arg]
            found["match"] = op
        elif op == "not" and isinstance(arg, dict) and set(arg) == {"factor"}:
            found["not_factors"].append(arg["factor"])
        elif op in ("age_at_least", "age_under") and op not in found:
            found[op] = arg
        elif op == "area_in" and isinstance(arg, list) and "areas" not in found:
            found["areas"] = ", ".join(arg)
        else:
            shaped = False
    if shaped and parts:
        return initial | found
    return initial | {"expression": json.dumps(rule.when)}
