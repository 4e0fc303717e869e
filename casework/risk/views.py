"""Identify's pages for the lead's initiative admins and risk analysts: sources, imports and the risk model.

Thin: reads through risk.selectors (a record another initiative's, or not the user's to see, is a 404), writes
through risk.services. A page with no record to find refuses with a 403.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.core.errors import DomainError, PermissionRefused
from casework.core.pages import paginate, run_form_service
from casework.risk import selectors, services
from casework.risk.choices import Resolution
from casework.risk.forms import (
    FactorDefinitionForm,
    ImportUploadForm,
    ModelCategoryForm,
    RiskModelCreateForm,
    RiskModelTextForm,
    RiskRuleForm,
    RiskSourceForm,
    rule_form_initial,
)
from casework.risk.importing import FIELD_LABELS
from casework.risk.services import REFUSED

PROBLEMS_SHOWN = 50


def _initiative_id(user) -> int:
    initiative_id = selectors.identify_initiative_for(user=user)
    if initiative_id is None:
        raise PermissionDenied(REFUSED)
    return initiative_id


def home(request):
    _initiative_id(request.user)
    return render(
        request,
        "risk/home.html",
        {
            "sources": selectors.source_list_for_user(user=request.user),
            "imports": selectors.import_summary_for_user(user=request.user),
            "models": selectors.risk_models_for_user(user=request.user),
        },
    )


# --- Sources ---------------------------------------------------------------------------------------------


def _source_page(request, source=None):
    initial = RiskSourceForm.initial_for(source) if source else {}
    form = RiskSourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = {}

        def call(data):
            if source is None:
                saved["source"] = services.risk_source_create(
                    user=request.user, initiative_id=_initiative_id(request.user), data=form.service_data()
                )
            else:
                saved["source"] = services.risk_source_change(
                    user=request.user, source=source, version=data["version"] or 0, data=form.service_data()
                )

        if run_form_service(request, form, call, "The source has been saved.", RiskSourceForm.field_names()):
            return redirect(saved["source"])
    return render(request, "risk/source_form.html", {"form": form, "source": source})


def source_add(request):
    _initiative_id(request.user)
    return _source_page(request)


def source_edit(request, source_id: int):
    return _source_page(request, selectors.source_get_for_user(user=request.user, source_id=source_id))


def source_detail(request, source_id: int):
    source = selectors.source_get_for_user(user=request.user, source_id=source_id)
    mapping = [(FIELD_LABELS[name], column) for name, column in source.column_mapping.items()]
    fixed = [(FIELD_LABELS[name], value) for name, value in source.fixed_values.items()]
    imports = selectors.import_list_for_user(user=request.user).filter(source=source)
    page, page_range = paginate(request, imports)
    return render(
        request,
        "risk/source_detail.html",
        {"source": source, "mapping": mapping, "fixed": fixed, "page": page, "page_range": page_range},
    )


def import_upload(request, source_id: int):
    source = selectors.source_get_for_user(user=request.user, source_id=source_id)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = {}

        def call(data):
            done["import"], done["created"] = services.risk_import_upload(
                user=request.user,
                source=source,
                upload=data["file"],
                file_name=data["file"].name,
                extracted_on=data["extracted_on"],
            )

        if run_form_service(request, form, call, "The file has been uploaded."):
            if not done["created"]:
                messages.info(request, "This file was imported for the source already: nothing has changed.")
            return redirect(done["import"])
    return render(request, "risk/import_upload.html", {"form": form, "source": source})


# --- Imports ---------------------------------------------------------------------------------------------


def import_detail(request, import_id: int):
    risk_import = selectors.import_get_for_user(user=request.user, import_id=import_id)
    problems = list(selectors.import_problems(risk_import=risk_import)[:PROBLEMS_SHOWN])
    return render(
        request,
        "risk/import_detail.html",
        {
            "import": risk_import,
            "problems": problems,
            "more_problems": len(problems) == PROBLEMS_SHOWN,
            "resolutions": [
                (Resolution(value).label, count)
                for value, count in selectors.resolution_counts(risk_import=risk_import).items()
            ],
        },
    )


class _Echo:
    def write(self, value):
        return value


def import_report(request, import_id: int):
    """The rows not imported, as CSV (line, field, reason), streamed."""
    risk_import = selectors.import_get_for_user(user=request.user, import_id=import_id)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["line", "field", "reason"])
        for line, field, reason in (
            selectors.import_problems(risk_import=risk_import)
            .values_list("line", "field", "reason")
            .iterator(chunk_size=2000)
        ):
            yield writer.writerow([line, field, reason])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{risk_import.pk}-problems.csv"'
    response["Cache-Control"] = "no-store"
    return response


def import_records(request, import_id: int):
    """The import's records, names and all, with whom each resolved to (recorded: who saw which)."""
    risk_import = selectors.import_get_for_user(user=request.user, import_id=import_id)
    resolution = request.GET.get("resolution", "")
    if resolution not in Resolution.values:
        resolution = ""
    records = selectors.source_records_for_import(
        user=request.user, risk_import=risk_import, resolution=resolution
    )
    page, page_range = paginate(request, records)
    selectors.source_records_viewed(user=request.user, risk_import=risk_import, records=list(page))
    return render(
        request,
        "risk/import_records.html",
        {
            "import": risk_import,
            "page": page,
            "page_range": page_range,
            "resolution": resolution,
            "resolutions": Resolution.choices,
        },
    )


# --- The risk model --------------------------------------------------------------------------------------


def model_add(request):
    initiative_id = _initiative_id(request.user)
    form = RiskModelCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = {}

        def call(data):
            made["version"] = services.risk_model_create(
                user=request.user, initiative_id=initiative_id, name=data["name"], data=data
            )

        if run_form_service(request, form, call, "The risk model has been made."):
            return redirect(made["version"])
    return render(request, "risk/model_form.html", {"form": form, "model_version": None})


def version_detail(request, version_id: int):
    model_version = selectors.risk_model_version_get_for_user(user=request.user, version_id=version_id)
    return render(request, "risk/version_detail.html", {"model_version": model_version})


def _changeable(request, version_id: int):
    model_version = selectors.risk_model_version_get_for_user(user=request.user, version_id=version_id)
    if model_version.has_run:
        raise PermissionDenied(
            f"Version {model_version.number} has run, so it cannot change: make a new version (a copy)."
        )
    return model_version


def version_edit(request, version_id: int):
    model_version = _changeable(request, version_id)
    form = RiskModelTextForm(
        request.POST or None,
        initial={
            "version": model_version.version,
            "purpose": model_version.purpose,
            "legal_basis": model_version.legal_basis,
            "area": model_version.area,
        },
    )
    if request.method == "POST" and form.is_valid():

        def call(data):
            services.risk_model_version_change(
                user=request.user, model_version=model_version, version=data["version"] or 0, data=data
            )

        if run_form_service(request, form, call, "The risk model has been saved."):
            return redirect(model_version)
    return render(request, "risk/model_form.html", {"form": form, "model_version": model_version})


@require_POST
def version_copy(request, version_id: int):
    model_version = selectors.risk_model_version_get_for_user(user=request.user, version_id=version_id)
    copy = _act(
        request,
        lambda: services.risk_model_version_copy(user=request.user, model_version=model_version),
        f"The new version is a copy of version {model_version.number}: change it here.",
    )
    return redirect(copy or model_version)


def version_category_add(request, version_id: int):
    model_version = _changeable(request, version_id)
    form = ModelCategoryForm(
        request.POST or None, categories=selectors.risk_categories_available(model_version=model_version)
    )
    if request.method == "POST" and form.is_valid():

        def call(data):
            services.risk_model_category_add(
                user=request.user,
                model_version=model_version,
                category_id=data["category"].pk,
                rank=data["rank"],
            )

        if run_form_service(request, form, call, "The category has been added."):
            return redirect(model_version)
    return render(request, "risk/version_part_form.html", {"form": form, "model_version": model_version,
                                                           "title": "Add a risk category"})  # fmt: skip


@require_POST
def version_category_remove(request, version_id: int, model_category_id: int):
    model_version = _changeable(request, version_id)
    row = next((c for c in model_version.categories.all() if c.pk == model_category_id), None)
    if row is None:
        raise Http404("No such category in the model")
    _act(
        request,
        lambda: services.risk_model_category_remove(user=request.user, model_category=row),
        f"{row.category.label} is no longer in the model.",
    )
    return redirect(model_version)


def version_factor_add(request, version_id: int):
    model_version = _changeable(request, version_id)
    form = FactorDefinitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def call(data):
            services.risk_factor_definition_add(user=request.user, model_version=model_version, **data)

        if run_form_service(request, form, call, "The risk factor has been added."):
            return redirect(model_version)
    return render(request, "risk/version_part_form.html", {"form": form, "model_version": model_version,
                                                           "title": "Add a risk factor"})  # fmt: skip


@require_POST
def version_factor_remove(request, version_id: int, factor_definition_id: int):
    model_version = _changeable(request, version_id)
    factor = next((f for f in model_version.factor_definitions.all() if f.pk == factor_definition_id), None)
    if factor is None:
        raise Http404("No such factor in the model")
    _act(
        request,
        lambda: services.risk_factor_definition_remove(user=request.user, factor=factor),
        f"{factor.code} is no longer in the model.",
    )
    return redirect(model_version)


def _rule_form(request, model_version, initial=None):
    return RiskRuleForm(
        request.POST or None,
        initial=initial,
        categories=[row.category for row in model_version.categories.all()],
        factors=list(model_version.factor_definitions.all()),
    )


def _rule_page(request, model_version, form, rule=None):
    return render(
        request, "risk/rule_form.html", {"form": form, "model_version": model_version, "rule": rule}
    )


def version_rule_add(request, version_id: int):
    model_version = _changeable(request, version_id)
    form = _rule_form(request, model_version)
    if request.method == "POST" and form.is_valid():
        made = []

        def call(data):
            made.append(
                services.risk_rule_add(
                    user=request.user,
                    model_version=model_version,
                    category_id=data["category"].pk,
                    when=data["when"],
                    description=data["description"],
                )
            )

        fields = {"when": "expression"} if form.cleaned_data.get("expression") else RULE_FIELDS
        if run_form_service(request, form, call, lambda: f"Rule {made[0].rule_id} has been added.", fields):
            return redirect(model_version)
    return _rule_page(request, model_version, form)


# The service's names for the parts of a rule, and the form's: a fault in the condition shows on the factors
# (or on the JSON, when the rule was written as JSON).
RULE_FIELDS = {"when": "factors"}


def version_rule_edit(request, version_id: int, risk_rule_id: int):
    model_version = _changeable(request, version_id)
    rule = selectors.risk_rule_get_for_user(
        user=request.user, version_id=version_id, risk_rule_id=risk_rule_id
    )
    form = _rule_form(request, model_version, initial=rule_form_initial(rule))
    if request.method == "POST" and form.is_valid():

        def call(data):
            services.risk_rule_update(
                user=request.user,
                rule=rule,
                version=data["version"] or 0,
                category_id=data["category"].pk,
                when=data["when"],
                description=data["description"],
            )

        fields = {"when": "expression"} if form.cleaned_data.get("expression") else RULE_FIELDS
        if run_form_service(request, form, call, f"Rule {rule.rule_id} has been saved.", fields=fields):
            return redirect(model_version)
    return _rule_page(request, model_version, form, rule)


@require_POST
def version_rule_remove(request, version_id: int, risk_rule_id: int):
    model_version = _changeable(request, version_id)
    rule = selectors.risk_rule_get_for_user(
        user=request.user, version_id=version_id, risk_rule_id=risk_rule_id
    )
    try:
        version = int(request.POST.get("version") or 0)
    except ValueError:
        version = 0
    _act(
        request,
        lambda: services.risk_rule_remove(user=request.user, rule=rule, version=version),
        f"Rule {rule.rule_id} is no longer in the model.",
    )
    return redirect(model_version)


@require_POST
def version_rule_move(request, version_id: int, risk_rule_id: int):
    """Move a rule one place up or down in a version that has not run."""
    model_version = _changeable(request, version_id)
    rule = selectors.risk_rule_get_for_user(
        user=request.user, version_id=version_id, risk_rule_id=risk_rule_id
    )
    try:
        version = int(request.POST.get("version") or 0)
    except ValueError:
        version = 0
    direction = request.POST.get("direction", "")
    _act(
        request,
        lambda: services.risk_rule_move(user=request.user, rule=rule, version=version, direction=direction),
        f"Rule {rule.rule_id} moved {direction}.",
    )
    return redirect(model_version)


def _act(request, call, success: str):
    """Run a one-button action: a refusal of the user is a 403, a refusal of the action a message."""
    try:
        result = call()
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success)
    return result
