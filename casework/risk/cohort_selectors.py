"""Reads of the cohort, visibility applied here (the twin of policies.can_view_cohort). A page of rows, which
names people, is recorded as an AccessEvent."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from casework.accounts.models import Initiative, User
from casework.accounts.selectors import actor_for
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.people.models import Person
from casework.risk.cohort_models import Cohort, CohortRow, CohortStatus
from casework.risk.models import RiskFactorDefinition, RiskModelCategory, RiskModelVersion, RiskSource
from casework.risk.pipeline.rules import describe
from casework.risk.policies import identify_initiative_ids


def cohort_list_for_user(*, user: User) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(initiative_id__in=identify_initiative_ids(user))
        .select_related("model_version__model", "initiative")
        .order_by("-created_at", "-id")
    )


def cohort_list_raisable(*, user: User) -> QuerySet[Cohort]:
    return cohort_list_for_user(user=user).filter(status=CohortStatus.DONE)


def cohort_get_for_user(*, user: User, cohort_id: int) -> Cohort:
    """The cohort, or Http404 whether it does not exist or the user may not see it."""
    cohort = cohort_list_for_user(user=user).filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404("No cohort found")
    return cohort


def cohort_rows_for_user(
    *, user: User, cohort: Cohort, category: str = "", area: str = ""
) -> QuerySet[CohortRow]:
    """The cohort's rows (people and category), highest category first; the caller slices a page and then
    calls cohort_rows_viewed."""
    rows = CohortRow.objects.filter(cohort__in=cohort_list_for_user(user=user), cohort=cohort)
    if category:
        rows = rows.filter(category__code=category)
    if area:
        rows = rows.filter(area=area)
    return rows.select_related("person", "category").order_by("category__rank", "area", "person_id")


def cohort_rows_viewed(*, user: User, cohort: Cohort, rows: list[CohortRow]) -> None:
    """Record that the user saw these people in the cohort (one AccessEvent for the page)."""
    if rows:
        access_record(
            user=user,
            verb="risk.cohort_rows_viewed",
            obj=cohort,
            details={"people": [row.person_id for row in rows]},
        )


def cohort_latest(*, initiative_id: int) -> Cohort | None:
    """The initiative's latest generated cohort (the risk index as it stands), or None."""
    return (
        Cohort.objects.filter(initiative_id=initiative_id, status=CohortStatus.DONE)
        .order_by("-generated_at", "-id")
        .first()
    )


def cohort_table(*, cohort: Cohort) -> list[tuple[str, list[tuple[str, int]], int]]:
    """[(category code, [(area, people)], total)] in the order the cohort counted them."""
    return [
        (category, list(by_area.items()), sum(by_area.values()))
        for category, by_area in (cohort.counts or {}).items()
    ]


def on_risk_index(
    *,
    initiative_id: int,
    person_id: int | None,
    household_id: int | None,
    at: datetime.datetime | None = None,
) -> bool:
    """Whether the person (or a member of the household) is in the initiative's latest cohort: the one
    generated last before `at` (when someone came forward), or the latest of all without it."""
    cohorts = Cohort.objects.filter(initiative_id=initiative_id, status=CohortStatus.DONE)
    if at is not None:
        cohorts = cohorts.filter(generated_at__lte=at)
    latest = cohorts.order_by("-generated_at", "-id").values_list("pk", flat=True).first()
    if latest is None:
        return False
    rows = CohortRow.objects.filter(cohort_id=latest)
    if person_id is not None:
        return rows.filter(person_id=person_id).exists()
    if household_id is not None:
        return rows.filter(person__household_memberships__household_id=household_id).exists()
    return False


@dataclass(frozen=True)
class PublicRule:
    rule_id: str
    category: str
    reason: str


@dataclass(frozen=True)
class PublicExplanation:
    """What the public page of an initiative says: no personal data."""

    initiative_name: str
    model_version: RiskModelVersion | None
    sources: list[RiskSource]
    categories: list[RiskModelCategory]
    factors: list[RiskFactorDefinition]
    rules: list[PublicRule]


def public_explanation(*, initiative_id: int) -> PublicExplanation:
    """How the initiative identifies people who may need support: the version of its latest cohort (or,
    before any, its newest version), its categories, factors and rules, and the sources. Http404 for no
    initiative."""
    initiative = Initiative.objects.filter(pk=initiative_id).first()
    if initiative is None:
        raise Http404("No initiative found")
    latest = cohort_latest(initiative_id=initiative_id)
    version = (
        latest.model_version
        if latest is not None
        else RiskModelVersion.objects.filter(model__initiative_id=initiative_id)
        .order_by("-created_at")
        .first()
    )
    categories: list[RiskModelCategory] = []
    factors: list[RiskFactorDefinition] = []
    rules: list[PublicRule] = []
    if version is not None:
        categories = list(version.categories.select_related("category").order_by("rank"))
        factors = list(version.factor_definitions.order_by("scheme", "term"))
        rules = [
            PublicRule(rule.rule_id, rule.category.label, rule.description or describe(rule.when))
            for rule in version.rules.select_related("category").order_by("position", "id")
        ]
    return PublicExplanation(
        initiative_name=initiative.name,
        model_version=version,
        sources=list(RiskSource.objects.filter(initiative_id=initiative_id).order_by("name")),
        categories=categories,
        factors=factors,
        rules=rules,
    )


def case_index_explanation(*, case: Case) -> CohortRow | None:
    """Why the case's person is on the risk index: the cohort row that raised the case, or else their row in
    the initiative's latest cohort (None when they are in neither). The caller has read the case through
    cases.selectors (which records the access) and may see it."""
    raised = CohortRow.objects.filter(case_id=case.pk).select_related("category", "cohort").first()
    if raised is not None or case.person_id is None:
        return raised
    latest = cohort_latest(initiative_id=case.initiative_id)
    if latest is None:
        return None
    return (
        CohortRow.objects.filter(cohort=latest, person_id=case.person_id)
        .select_related("category", "cohort")
        .first()
    )


def person_index_rows_for_user(*, user: User, person: Person, cases: Sequence[Case]) -> list[CohortRow]:
    """Which risk categories the person is in and why, as far as the user may see it (the person page), in a
    fixed number of queries. The caller has read the person (and `cases`, the cases about them the user may
    open) through their apps' selectors.

    - The lead's initiative admins and risk analysts: the person's row in the initiative's latest cohort,
      and the rows that raised their cases.
    - Anyone else: on the cases about the person that the user's organisation holds, what the case's "Risk
      index" section says (case_index_explanation): the row that raised it, or else the person's row in the
      latest cohort. Nothing for a case another organisation holds.

    Newest cohort first. Recorded as an AccessEvent when anything is shown."""
    actor = actor_for(user)
    full = person.initiative_id in identify_initiative_ids(user)
    held = [
        case
        for case in cases
        if case.person_id == person.pk
        and (full or case.responsible_organisation_id in actor.organisation_ids)
    ]
    rows: dict[int, CohortRow] = {}
    if held:
        for row in CohortRow.objects.filter(case_id__in=[case.pk for case in held]).select_related(
            "category", "cohort__model_version__model"
        ):
            rows[row.pk] = row
    raised_by = {row.case_id for row in rows.values()}
    if full or any(case.pk not in raised_by for case in held):
        latest = cohort_latest(initiative_id=person.initiative_id)
        if latest is not None:
            for row in CohortRow.objects.filter(cohort=latest, person_id=person.pk).select_related(
                "category", "cohort__model_version__model"
            ):
                rows[row.pk] = row
    shown = sorted(rows.values(), key=lambda row: (row.cohort.generated_at or row.cohort.created_at, row.pk))
    shown.reverse()
    if shown:
        access_record(
            user=user,
            verb="risk.person_index_viewed",
            obj=person,
            person_id=person.pk,
            details={"cohort_rows": [row.pk for row in shown], "as_lead": full},
        )
    return shown
