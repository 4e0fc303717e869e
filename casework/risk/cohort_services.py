"""Generating the cohort (SAVVI's risk index): a risk model version run over the matched factors.

The rules are applied by the pure pipeline (`risk.pipeline.cohort.generate`); this module only reads the
factors and people, and writes what comes back: a Cohort, a CohortRow for each person in a category (with the
rules that fired and the factors, sources and dates that made them fire), and — minimisation — the deletion of
the factors of every matched person who got no category (audited as counts, never names). The version is
frozen by its first run.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

from casework.accounts.models import User
from casework.allocation import services as allocation_services
from casework.audit.services import audit_record
from casework.cases import services as cases_services
from casework.core import clock
from casework.core.errors import DomainError
from casework.core.jobs import enqueue
from casework.core.permissions import require_perm
from casework.people.identifiers import postcode_district
from casework.people.models import Person
from casework.risk.choices import Resolution
from casework.risk.cohort_models import Cohort, CohortRow, CohortStatus
from casework.risk.models import RiskFactor, RiskModelVersion
from casework.risk.pipeline import cohort as pipeline
from casework.risk.pipeline.rules import Rule, Subject

logger = logging.getLogger("casework.risk")
REFUSED = "Only the lead organisation's initiative admins and risk analysts generate the cohort."
REFUSED_RAISE = "Only the lead organisation's initiative admins and risk analysts raise cases from a cohort."
RESOLVED = (Resolution.LINKED, Resolution.NEW_PERSON)
BATCH = 1000


def _age(born: datetime.date | None, on: datetime.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _model_rules(
    model_version: RiskModelVersion,
) -> tuple[list[Rule], dict[str, int], dict[str, str], dict[str, int]]:
    """The version's rules in order, {category code: rank}, {code: label} and {code: category id}."""
    ranked = list(model_version.categories.select_related("category").order_by("rank"))
    rank = {row.category.code: row.rank for row in ranked}
    labels = {row.category.code: row.category.label for row in ranked}
    ids = {row.category.code: row.category_id for row in ranked}
    rules = [
        Rule(rule.rule_id, rule.category.code, rule.when, rule.description)
        for rule in model_version.rules.select_related("category").order_by("position", "id")
    ]
    return rules, rank, labels, ids


def cohort_start(*, user: User, model_version: RiskModelVersion, queue: bool = True) -> Cohort:
    """A cohort of the version, waiting for its job (or for the caller: queue=False). Refused (nothing made)
    for a version without rules, or when the user may not see the version."""
    require_perm(user, "risk.view_risk_model", model_version, REFUSED)
    if not model_version.rules.exists():
        raise DomainError("Add at least one rule to the risk model before generating a cohort.")
    with transaction.atomic():
        cohort = Cohort.objects.create(
            initiative_id=model_version.model.initiative_id,
            model_version=model_version,
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="risk.cohort_requested",
            obj=cohort,
            changes={"model_version": {"before": None, "after": model_version.pk}},
        )
        if queue:
            enqueue("risk.cohort_generate", cohort_id=cohort.pk)
    return cohort


def cohort_generate(
    *, cohort_id: int, progress: Callable[[int], None] | None = None, today: datetime.date | None = None
) -> Cohort:
    """Run the cohort's version over the initiative's matched factors. Idempotent: a cohort already generated
    is returned as it is. On failure the cohort is marked failed and nothing else changes."""
    cohort = Cohort.objects.select_related("model_version__model", "initiative").get(pk=cohort_id)
    if cohort.status == CohortStatus.DONE:
        return cohort
    reference = today or clock.today()
    Cohort.objects.filter(pk=cohort.pk).update(status=CohortStatus.RUNNING)
    try:
        with transaction.atomic():
            _generate(cohort, reference, progress)
    except Exception as error:
        logger.exception("Cohort %s failed", cohort.pk)
        Cohort.objects.filter(pk=cohort.pk).update(status=CohortStatus.FAILED, failure=str(error)[:2000])
        raise
    cohort.refresh_from_db()
    return cohort


def cohort_people_count(*, initiative_id: int) -> int:
    """How many matched people have factors (what a progress bar counts to)."""
    return (
        RiskFactor.objects.filter(record__initiative_id=initiative_id, record__resolution__in=RESOLVED)
        .values("record__person_id")
        .distinct()
        .count()
    )


def _generate(cohort: Cohort, reference: datetime.date, progress: Callable[[int], None] | None) -> None:
    model_version = RiskModelVersion.objects.select_for_update().get(pk=cohort.model_version_id)
    rules, rank, labels, category_ids = _model_rules(model_version)
    factors: dict[int, set[str]] = {}
    provenance: dict[tuple[int, str], list[dict[str, Any]]] = {}
    rows_read = RiskFactor.objects.filter(
        record__initiative_id=cohort.initiative_id, record__resolution__in=RESOLVED
    ).values_list("record__person_id", "scheme", "term", "source__name", "extracted_on", "factor_date")
    for person_id, scheme, term, source_name, extracted_on, factor_date in rows_read.iterator(
        chunk_size=BATCH
    ):
        code = f"{scheme}/{term}"
        factors.setdefault(person_id, set()).add(code)
        provenance.setdefault((person_id, code), []).append(
            {
                "code": code,
                "source": source_name,
                "extracted_on": extracted_on.isoformat() if extracted_on else None,
                "factor_date": factor_date.isoformat() if factor_date else None,
            }
        )
    people = dict(
        (pk, (born, postcode))
        for pk, born, postcode in Person.objects.filter(pk__in=list(factors)).values_list(
            "pk", "date_of_birth", "postcode"
        )
    )
    subjects: list[Subject] = []
    areas: dict[str, str] = {}
    for person_id, codes in factors.items():
        born, postcode = people.get(person_id, (None, ""))
        area = postcode_district(postcode) if postcode else ""
        key = f"p:{person_id}"
        areas[key] = area
        subjects.append(Subject(key, frozenset(codes), _age(born, reference), area))
        if progress is not None:
            progress(1)
    rows = pipeline.generate(subjects, rules, rank)
    by_key = {subject.key: subject for subject in subjects}
    descriptions = {rule.id: rule.description for rule in rules}
    rule_category = {rule.id: rule.category for rule in rules}
    made = []
    for row in rows:
        person_id = int(row.subject_key[2:])
        found = pipeline.evidence(row, by_key[row.subject_key], rules)
        reasons = [
            {
                "rule_id": rule_id,
                "description": descriptions[rule_id],
                "category": rule_category[rule_id],
                "factors": [item for code in codes for item in provenance[(person_id, code)]],
            }
            for rule_id, codes in found.items()
        ]
        made.append(
            CohortRow(
                cohort=cohort,
                person_id=person_id,
                category_id=category_ids[row.category],
                area=areas[row.subject_key],
                rule_ids=list(row.rule_ids),
                reasons=reasons,
                explanation=pipeline.explain_row(row, rules, rank, labels)[:500],
            )
        )
    CohortRow.objects.bulk_create(made, batch_size=BATCH)
    # Minimisation: the factors of matched people who got no category go now.
    dropped = sorted(int(key[2:]) for key in pipeline.not_in_cohort(by_key, rows))
    deleted = 0
    for start in range(0, len(dropped), BATCH):
        deleted += RiskFactor.objects.filter(
            record__initiative_id=cohort.initiative_id,
            record__resolution__in=RESOLVED,
            record__person_id__in=dropped[start : start + BATCH],
        ).delete()[0]
    now = clock.now()
    if model_version.first_run_at is None:
        RiskModelVersion.objects.filter(pk=model_version.pk).update(first_run_at=now)
    Cohort.objects.filter(pk=cohort.pk).update(
        status=CohortStatus.DONE,
        generated_at=now,
        reference_date=reference,
        people_considered=len(subjects),
        people_in_cohort=len(rows),
        factors_deleted=deleted,
        counts=pipeline.counts(rows, areas),
        fingerprint=pipeline.fingerprint(rows),
    )
    audit_record(
        user=cohort.created_by,
        verb="risk.cohort_generated",
        obj=cohort,
        changes={
            "people_considered": {"before": None, "after": len(subjects)},
            "people_in_cohort": {"before": None, "after": len(rows)},
            "people_without_category": {"before": None, "after": len(dropped)},
            "factors_deleted": {"before": None, "after": deleted},
        },
    )


# --- Raising cases from a cohort -------------------------------------------------------------------------


def cohort_raise_cases(*, user: User, cohort: Cohort, category: str = "", area: str = "") -> dict[str, int]:
    """Raise cases from the cohort (all of it, or one category and/or area): origin risk index, the row's
    category, routed by the initiative's allocation rules. A person with an open case is not given a second
    one, and a row that has raised its case is skipped: raising again changes nothing. Audited (counts)."""
    require_perm(user, "risk.raise_cases", cohort, REFUSED_RAISE)
    rows = CohortRow.objects.filter(cohort=cohort, case__isnull=True).select_related("person", "category")
    if category:
        rows = rows.filter(category__code=category)
    if area:
        rows = rows.filter(area=area)
    with transaction.atomic():
        chosen = list(rows.select_for_update(of=("self",)).order_by("category__rank", "area", "person_id"))
        made = cases_services.cases_raise_from_index(
            user=user,
            initiative_id=cohort.initiative_id,
            raised_by_organisation_id=cohort.initiative.lead_organisation_id,
            entries=[cases_services.IndexEntry(row.person, row.category) for row in chosen],
        )
        raised = [case for case in made.values() if case is not None]
        routed = allocation_services.cases_allocate_new(
            user=user, initiative_id=cohort.initiative_id, cases=raised
        )
        for row in chosen:
            case = made.get(row.person_id)
            if case is not None:
                CohortRow.objects.filter(pk=row.pk).update(case=case)
        counts = {
            "raised": len(raised),
            "already_open": sum(1 for case in made.values() if case is None),
            "allocated": routed["allocated"],
            "not_allocated": routed["skipped"],
        }
        audit_record(
            user=user,
            verb="risk.cohort_cases_raised",
            obj=cohort,
            changes={name: {"before": None, "after": value} for name, value in counts.items()}
            | {"category": {"before": None, "after": category}, "area": {"before": None, "after": area}},
        )
    return counts
