"""Reads for Identify, visibility applied here (the twins of policies.py). A read of imported records, which
name people, is recorded as an AccessEvent."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from casework.accounts.models import User
from casework.audit.services import access_record
from casework.cases.models import RiskCategory
from casework.cases.selectors import risk_categories_for
from casework.core.export import Section, model_rows
from casework.risk.choices import Resolution
from casework.risk.cohort_models import CohortRow
from casework.risk.models import (
    RiskFactor,
    RiskImport,
    RiskImportProblem,
    RiskModel,
    RiskModelCategory,
    RiskModelVersion,
    RiskRule,
    RiskSource,
    SourceRecord,
)
from casework.risk.policies import identify_initiative_ids


def identify_initiative_for(*, user: User) -> int | None:
    """The initiative the user works on Identify for (the first, where they lead several), or None."""
    ids = identify_initiative_ids(user)
    return min(ids) if ids else None


def source_list_for_user(*, user: User) -> QuerySet[RiskSource]:
    return RiskSource.objects.filter(initiative_id__in=identify_initiative_ids(user)).order_by("name", "id")


def source_get_for_user(*, user: User, source_id: int) -> RiskSource:
    """The source, or Http404 whether it does not exist or the user may not see it."""
    source = source_list_for_user(user=user).filter(pk=source_id).first()
    if source is None:
        raise Http404("No source found")
    return source


def import_list_for_user(*, user: User) -> QuerySet[RiskImport]:
    return (
        RiskImport.objects.filter(source__initiative_id__in=identify_initiative_ids(user))
        .select_related("source", "created_by")
        .order_by("-created_at", "-id")
    )


def import_get_for_user(*, user: User, import_id: int) -> RiskImport:
    risk_import = import_list_for_user(user=user).filter(pk=import_id).first()
    if risk_import is None:
        raise Http404("No import found")
    return risk_import


def import_problems(*, risk_import: RiskImport) -> QuerySet[RiskImportProblem]:
    """The rows not imported, by line (what the report lists: line, field and reason, no values)."""
    return RiskImportProblem.objects.filter(risk_import=risk_import).order_by("line", "id")


def source_record_list_for_user(*, user: User) -> QuerySet[SourceRecord]:
    return SourceRecord.objects.filter(initiative_id__in=identify_initiative_ids(user))


def source_records_for_import(
    *, user: User, risk_import: RiskImport, resolution: str = ""
) -> QuerySet[SourceRecord]:
    """The import's records with their factors (for a page of them: the caller slices, then
    source_records_viewed records who saw which)."""
    records = source_record_list_for_user(user=user).filter(risk_import=risk_import)
    if resolution:
        records = records.filter(resolution=resolution)
    return records.prefetch_related("factors").order_by("line", "id")


def source_records_viewed(*, user: User, risk_import: RiskImport, records: list[SourceRecord]) -> None:
    """Record that the user saw the names of these imported records (one AccessEvent for the page)."""
    if records:
        access_record(
            user=user,
            verb="risk.source_records_viewed",
            obj=risk_import,
            details={"records": [record.pk for record in records]},
        )


def resolution_counts(*, risk_import: RiskImport) -> dict[str, int]:
    """{resolution: records} for the import, every resolution present (0 where none)."""
    counts = dict(
        SourceRecord.objects.filter(risk_import=risk_import)
        .values_list("resolution")
        .annotate(n=Count("id"))
        .values_list("resolution", "n")
    )
    return {value: counts.get(value, 0) for value in Resolution.values}


def risk_model_version_list_for_user(*, user: User) -> QuerySet[RiskModelVersion]:
    return (
        RiskModelVersion.objects.filter(model__initiative_id__in=identify_initiative_ids(user))
        .select_related("model")
        .order_by("model__name", "-number")
    )


def risk_model_version_list_changeable(*, user: User) -> QuerySet[RiskModelVersion]:
    return risk_model_version_list_for_user(user=user).filter(first_run_at__isnull=True)


def risk_model_version_get_for_user(*, user: User, version_id: int) -> RiskModelVersion:
    """The version with its categories, factors and rules (one query each), or Http404."""
    version = (
        risk_model_version_list_for_user(user=user)
        .prefetch_related(
            Prefetch("categories", queryset=RiskModelCategory.objects.select_related("category")),
            "factor_definitions",
            Prefetch("rules", queryset=RiskRule.objects.select_related("category")),
        )
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise Http404("No risk model found")
    return version


def risk_rule_get_for_user(*, user: User, version_id: int, risk_rule_id: int) -> RiskRule:
    """A rule of the version (with its version and category), or Http404 (another initiative's, or no such
    rule in the version)."""
    rule = (
        RiskRule.objects.filter(
            model_version__in=risk_model_version_list_for_user(user=user),
            model_version_id=version_id,
            pk=risk_rule_id,
        )
        .select_related("model_version__model", "category")
        .first()
    )
    if rule is None:
        raise Http404("No such rule in the risk model")
    return rule


def risk_models_for_user(*, user: User) -> QuerySet[RiskModel]:
    """The models of the user's initiatives, each with its versions newest first."""
    return (
        RiskModel.objects.filter(initiative_id__in=identify_initiative_ids(user))
        .prefetch_related(Prefetch("versions", queryset=RiskModelVersion.objects.order_by("-number")))
        .order_by("name", "id")
    )


def risk_categories_available(*, model_version: RiskModelVersion) -> QuerySet[RiskCategory]:
    """The initiative's active risk categories that the version does not rank yet."""
    return risk_categories_for(initiative_id=model_version.model.initiative_id).exclude(
        pk__in=model_version.categories.values("category_id")
    )


def import_summary_for_user(*, user: User) -> list[RiskImport]:
    """The latest imports, for the Identify home page."""
    return list(import_list_for_user(user=user)[:10])


def risk_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    return [
        ("source_records", model_rows(SourceRecord.objects.filter(person_id=person_id))),
        ("risk_factors", model_rows(RiskFactor.objects.filter(record__person_id=person_id))),
        # The cohort rows say which categories the person was in, by which rules and facts (issue 15).
        ("cohort_rows", model_rows(CohortRow.objects.filter(person_id=person_id))),
    ]
