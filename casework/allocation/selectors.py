"""Team worklists and the case index: filtered, sorted and scoped to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, cast

from django.db.models import Q, QuerySet

from casework.accounts.choices import Role
from casework.accounts.models import Initiative, User
from casework.accounts.selectors import actor_for
from casework.allocation.models import AllocationPolicy, AllocationRule, NamedArea
from casework.allocation.policies import allocation_admin_initiative_ids
from casework.audit.services import access_record
from casework.cases.choices import OPEN_STATUSES, CaseStage, CaseStatus
from casework.cases.models import Case
from casework.cases.selectors import (
    case_list_index,
    case_list_visible,
    case_row_values,
    case_rows,
    case_rows_finish,
    my_cases,
)
from casework.core.compiled_queries import CompiledRows
from casework.core.querysets import Pager, Shown
from casework.people.selectors import person_names_reveal

if TYPE_CHECKING:
    from casework.core.querysets import PagesByKeyQuerySet

SORTS = {
    "priority": ("-priority", "raised_at", "id"),  # urgent > normal > low, oldest first
    "oldest": ("raised_at", "id"),
    "newest": ("-raised_at", "-id"),
    "risk": ("risk_category__rank", "-priority", "raised_at", "id"),
    "area": ("area", "-priority", "raised_at", "id"),
}


@dataclass(frozen=True)
class WorklistFilters:
    priority: str = ""
    risk_category_id: int | None = None
    area: str = ""
    raised_from: datetime.date | None = None
    raised_to: datetime.date | None = None
    team_id: int | None = None
    sort: str = "priority"


def apply_filters(qs: QuerySet[Case], filters: WorklistFilters) -> QuerySet[Case]:
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.risk_category_id:
        qs = qs.filter(risk_category_id=filters.risk_category_id)
    if filters.area:
        qs = qs.filter(area=filters.area.strip().upper())
    if filters.raised_from:
        qs = qs.filter(raised_at__date__gte=filters.raised_from)
    if filters.raised_to:
        qs = qs.filter(raised_at__date__lte=filters.raised_to)
    qs = qs.order_by(*SORTS.get(filters.sort, SORTS["priority"]))
    # By risk, the order comes from another table: a page's cases are chosen by key before anything is joined
    # to them (see PagesByKeyQuerySet; on the worklist the choice reads case_worklist_idx alone).
    # (Case.objects is a PagesByKeyQuerySet's manager: every case queryset has pages_by_key.)
    return cast("PagesByKeyQuerySet[Case]", qs).pages_by_key() if filters.sort == "risk" else qs


def worklist_organisation_ids(*, user: User) -> frozenset[int]:
    """Organisations whose team worklists the user works from: as practitioner or team manager."""
    return actor_for(user).organisations_with_role(Role.PRACTITIONER, Role.TEAM_MANAGER)


@dataclass(frozen=True)
class WorklistScope:
    """Everything about a user that decides which cases are on their team worklist, resolved per request."""

    organisation_ids: frozenset[int]
    team_ids: frozenset[int]
    managing_organisation_ids: frozenset[int]


def worklist_scope(*, user: User) -> WorklistScope:
    actor = actor_for(user)
    return WorklistScope(
        organisation_ids=worklist_organisation_ids(user=user),
        team_ids=actor.team_ids,
        managing_organisation_ids=actor.organisations_with_role(Role.TEAM_MANAGER),
    )


def team_worklist(*, user: User, filters: WorklistFilters = WorklistFilters()) -> QuerySet[Case]:
    """Unallocated cases that have cleared intake and belong to the user's organisation, for accepting.

    A case allocated to a team shows only on that team's list; one with no team shows to the whole
    organisation. Team managers see every team's cases; filtering by team narrows that.
    """
    return team_worklist_for_scope(worklist_scope(user=user), filters)


def team_worklist_for_scope(
    scope: WorklistScope, filters: WorklistFilters = WorklistFilters()
) -> QuerySet[Case]:
    """The team worklist from its scope and filters alone: nothing else may decide it (its SQL is cached)."""
    if not scope.organisation_ids:
        return Case.objects.none()
    team_scope = (
        Q(allocated_team__isnull=True)
        | Q(allocated_team_id__in=scope.team_ids)
        | Q(responsible_organisation_id__in=scope.managing_organisation_ids)
    )
    qs = Case.objects.filter(
        responsible_organisation_id__in=scope.organisation_ids,
        stage=CaseStage.AWAITING_ALLOCATION,
        primary_worker__isnull=True,
        status=CaseStatus.PLANNED,
    ).filter(team_scope)
    if filters.team_id:
        qs = qs.filter(allocated_team_id=filters.team_id)
    return apply_filters(qs, filters).select_related("person", "household", "risk_category", "allocated_team")


def case_index(
    *,
    user: User,
    filters: WorklistFilters = WorklistFilters(),
    status: str = "",
    unallocated_only: bool = False,
) -> QuerySet[Case]:
    """The case index: who is responsible, status, stage, risk category and dates, for each case."""
    qs = case_list_index(user=user)
    if status:
        qs = qs.filter(status=status)
    if unallocated_only:
        qs = qs.filter(responsible_organisation__isnull=True, status__in=OPEN_STATUSES)
    return apply_filters(qs, filters).select_related(
        "risk_category", "responsible_organisation", "allocated_team", "primary_worker"
    )


# The case lists, as pages and the API read them: one selector cuts the page and records it.

CaseListScope = Literal["worklist", "mine", "visible", "index"]


def _narrowed(qs: QuerySet[Case], status: str, stage: str) -> QuerySet[Case]:
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage=stage)
    return qs


@lru_cache(maxsize=128)
def _worklist_page(
    scope: WorklistScope, filters: WorklistFilters, status: str, stage: str, start: int, stop: int
) -> CompiledRows:
    """The SQL of one page of a team worklist's API rows, compiled once per worklist shape (ADR 8).

    Its arguments are all that decides the query: the scope is resolved from the user's memberships on every
    request, so a membership removed is a different key at once.
    """
    qs = _narrowed(team_worklist_for_scope(scope, filters), status, stage)
    return CompiledRows(case_row_values(qs[start:stop]))


def case_list_queryset(
    *,
    user: User,
    scope: CaseListScope,
    filters: WorklistFilters | None = None,
    status: str = "",
    stage: str = "",
    unallocated_only: bool = False,
) -> QuerySet[Case]:
    """One of the user's case lists, unread: the team worklist, their own cases ("mine", in its own order
    unless `filters` sort it), every case they may open ("visible") or the case index, narrowed by the
    filters, status and stage."""
    if scope == "worklist":
        return _narrowed(team_worklist(user=user, filters=filters or WorklistFilters()), status, stage)
    if scope == "index":
        qs = case_index(
            user=user,
            filters=filters or WorklistFilters(sort="newest"),
            status=status,
            unallocated_only=unallocated_only,
        )
        return _narrowed(qs, "", stage)
    base = my_cases(user=user) if scope == "mine" else case_list_visible(user=user)
    return _narrowed(apply_filters(base, filters) if filters is not None else base, status, stage)


def case_list_for_user(
    *,
    user: User,
    pager: Pager,
    scope: CaseListScope,
    filters: WorklistFilters | None = None,
    status: str = "",
    stage: str = "",
    unallocated_only: bool = False,
    purpose: str = "viewed",
    as_rows: bool = False,
) -> Shown[Any]:
    """The page that `pager` asks for of one of the user's case lists (see case_list_queryset), recorded:
    one AccessEvent "cases.list_<purpose>" names the cases on the page, whoever asked.

    A page's rows are cases, with the person and household its list reads (restricted names revealed to those
    named on them); the API's (`as_rows`) are the API's dicts (cases.selectors.case_rows), the team
    worklist's from SQL compiled once per worklist shape (ADR 8).
    """
    if as_rows and scope == "worklist":
        worklist = worklist_scope(user=user)
        chosen = filters or WorklistFilters()
        shown: Shown[Any] = pager.cut_rows(
            lambda start, stop: case_rows_finish(
                _worklist_page(worklist, chosen, status, stage, start, stop).rows(), user=user
            ),
            lambda: _narrowed(team_worklist_for_scope(worklist, chosen), status, stage).count(),
        )
    else:
        qs = case_list_queryset(
            user=user,
            scope=scope,
            filters=filters,
            status=status,
            stage=stage,
            unallocated_only=unallocated_only,
        )
        if as_rows:
            shown = pager.cut_rows(lambda start, stop: case_rows(qs[start:stop], user=user), qs.count)
        else:
            shown = pager.cut(qs)
            if scope in ("mine", "worklist"):  # the lists that name their people
                person_names_reveal(user=user, people=[case.person for case in shown.rows if case.person_id])
    access_record(
        user=user,
        verb=f"cases.list_{purpose}",
        details={"scope": scope, "cases": shown.ids, "page": shown.number},
    )
    return shown


# Queryset twins of policies.py: each is the set of cases (or initiatives) its predicate allows.


def case_list_acceptable(*, user: User) -> QuerySet[Case]:
    """Cases the user may accept from a team worklist (twin of allocation.accept_case)."""
    return Case.objects.filter(
        status=CaseStatus.PLANNED,
        stage=CaseStage.AWAITING_ALLOCATION,
        primary_worker__isnull=True,
        responsible_organisation_id__in=worklist_organisation_ids(user=user),
    )


def case_list_assignable(*, user: User) -> QuerySet[Case]:
    """Open cases whose primary worker the user may assign or reassign (twin of allocation.assign_case)."""
    return Case.objects.filter(
        status__in=OPEN_STATUSES,
        responsible_organisation_id__in=actor_for(user).organisations_with_role(Role.TEAM_MANAGER),
    )


def case_list_allocatable(*, user: User) -> QuerySet[Case]:
    """Open cases with no worker that the user may apply the rules to (twin of allocation.allocate_case)."""
    return Case.objects.filter(
        initiative_id__in=allocation_admin_initiative_ids(user),
        primary_worker__isnull=True,
        status__in=OPEN_STATUSES,
    )


def case_list_transferable(*, user: User) -> QuerySet[Case]:
    """Open cases the user may hand to another responsible organisation (twin of allocation.transfer_case)."""
    managing = actor_for(user).organisations_with_role(Role.TEAM_MANAGER)
    return Case.objects.filter(status__in=OPEN_STATUSES, responsible_organisation__isnull=False).filter(
        Q(initiative_id__in=allocation_admin_initiative_ids(user))
        | Q(responsible_organisation_id__in=managing)
    )


def allocation_rule_initiatives_for_user(*, user: User) -> QuerySet[Initiative]:
    """The initiatives whose allocation rules the user keeps (twin of allocation.manage_allocation_rules)."""
    return Initiative.objects.filter(pk__in=allocation_admin_initiative_ids(user))


def allocation_rules_for(*, initiative_id: int) -> QuerySet[AllocationRule]:
    return (
        AllocationRule.objects.filter(initiative_id=initiative_id)
        .select_related("organisation")
        .prefetch_related("risk_categories")
        .order_by("position", "id")
    )


def allocation_policy_for(*, initiative_id: int) -> AllocationPolicy | None:
    return (
        AllocationPolicy.objects.filter(initiative_id=initiative_id)
        .select_related("fallback_organisation")
        .first()
    )


def named_areas_for(*, initiative_id: int) -> QuerySet[NamedArea]:
    return NamedArea.objects.filter(initiative_id=initiative_id).order_by("name")
