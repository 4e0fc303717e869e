"""Reads of cases, scoped to what the user may see (the queryset twins of policies.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Case as DbCase
from django.db.models import (
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404

from casework.accounts.choices import Role
from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.audit.models import AuditEvent
from casework.audit.services import access_record
from casework.cases import lifecycle
from casework.cases.choices import OPEN_STATUSES, AssignmentRole, CaseStatus
from casework.cases.models import Case, CaseAssignment, CaseNote, RiskCategory, StageProgress
from casework.cases.policies import holder_q, remember_assignment_roles
from casework.core.export import Section, model_rows
from casework.core.expressions import ForeignColumn
from casework.people.models import RESTRICTED_NAME
from casework.people.selectors import person_names_reveal, restricted_person_ids_named


def case_list_visible(*, user: User) -> QuerySet[Case]:
    """Cases whose full record the user may open (twin of policies.can_view_case)."""
    actor = actor_for(user)
    readers = actor.casework_organisation_ids | actor.auditing_organisation_ids
    if not readers:
        return Case.objects.none()
    return Case.objects.filter(Q(initiative_id__in=actor.initiative_ids) & holder_q(readers))


def case_list_index(*, user: User) -> QuerySet[Case]:
    """Cases the user may see on the case index (twin of policies.can_view_case_index)."""
    actor = actor_for(user)
    if not actor.lead_of_initiative_ids:
        return case_list_visible(user=user)
    # Every case of the initiatives the user leads, and the cases they may open in the others: the same
    # cases as the lead's OR case_list_visible, without the subquery over every case (PostgreSQL planned a
    # sequential scan of a million cases for each page of the index).
    q = Q(initiative_id__in=actor.lead_of_initiative_ids)
    readers = actor.casework_organisation_ids | actor.auditing_organisation_ids
    others = actor.initiative_ids - actor.lead_of_initiative_ids
    if readers and others:
        q |= Q(initiative_id__in=others) & holder_q(readers)
    return Case.objects.filter(q)


def case_list_workable(*, user: User) -> QuerySet[Case]:
    """Open cases the user may change (twin of policies.can_work_case)."""
    actor = actor_for(user)
    managing = actor.organisations_with_role(Role.TEAM_MANAGER)
    assigned = CaseAssignment.objects.filter(
        case=OuterRef("pk"),
        user_id=user.pk,
        ended_at__isnull=True,
        role__in=[AssignmentRole.PRIMARY, AssignmentRole.SECONDARY],
    )
    q = Q(pk__in=[])
    if managing:
        q |= holder_q(managing)
    if actor.editing_organisation_ids:
        q |= Q(Exists(assigned))
    return case_list_visible(user=user).filter(status__in=OPEN_STATUSES).filter(q)


def _with_people(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related(
        "person", "household", "risk_category", "responsible_organisation", "allocated_team", "primary_worker"
    )


def case_get_for_user(*, user: User, case_id: int, purpose: str = "viewed") -> Case:
    """The case if the user may open it, else Http404. Writes an AccessEvent."""
    return _get_recorded(
        user,
        case_id,
        purpose,
        _with_people(case_list_visible(user=user)).select_related(
            "raised_by_organisation", "allocation_rule"
        ),
    )


# The names the case page shows from small tables, each by scalar subquery (ADR 8): joined, with the person
# and household, PostgreSQL spent 3 ms of every request planning a nine-table join.
CASE_PAGE_NAMES = {
    "responsible_organisation_name": ForeignColumn("responsible_organisation", "name"),
    "raised_by_organisation_name": ForeignColumn("raised_by_organisation", "name"),
    "allocated_team_name": ForeignColumn("allocated_team", "name"),
    "primary_worker_name": ForeignColumn("primary_worker", "first_name", "last_name", fallback="username"),
    "risk_category_label": ForeignColumn("risk_category", "label"),
    "allocation_rule_name": ForeignColumn("allocation_rule", "name"),
    "allocation_rule_position": ForeignColumn("allocation_rule", "position"),
}


def case_get_for_page(*, user: User, case_id: int, also: dict[str, Expression] | None = None) -> Case:
    """The case for its own page, as case_get_for_user ("cases.case_viewed"), with the person and household
    and the names in CASE_PAGE_NAMES (`case.risk_category_label`, ...) instead of the rows they come from.

    `also`: more values about the case (expressions on its row, such as another app's EXISTS), read in the
    same query and set on the case by name.
    """
    return _get_recorded(
        user,
        case_id,
        "viewed",
        case_list_visible(user=user)
        .select_related("person", "household")
        .annotate(**CASE_PAGE_NAMES, **(also or {})),
    )


def case_get_for_section(
    *,
    user: User,
    case_id: int,
    section: str | Callable[[Case], str],
    also: dict[str, Expression] | None = None,
) -> Case:
    """The case for one section of its workspace (cases/workspace.py), read as case_get_for_page reads it
    and recorded once, "cases.case_viewed" naming the section shown (`section`, or what it says for the case
    read when the case decides it): the section's own reads record nothing more."""
    case = (
        case_list_visible(user=user)
        .select_related("person", "household")
        .annotate(**CASE_PAGE_NAMES, **(also or {}))
        .filter(pk=case_id)
        .order_by("pk")
        .first()
    )
    if case is None:
        raise Http404("No case found")
    access_record(
        user=user,
        verb="cases.case_viewed",
        obj=case,
        case_id=case.pk,
        person_id=case.person_id,
        details={"section": section(case) if callable(section) else section},
    )
    if case.person_id:
        person_names_reveal(user=user, people=[case.person])
    return case


def case_stage_reached_expression() -> Subquery:
    """The furthest stage the case's live progress has been at, as its place in lifecycle.STAGE_ORDER (None
    without progress): an expression on the case's row, for case_get_for_section's `also`."""
    rank = DbCase(
        *(When(stage=stage, then=Value(index)) for index, stage in enumerate(lifecycle.STAGE_ORDER)),
        output_field=IntegerField(),
    )
    return Subquery(
        StageProgress.objects.filter(case=OuterRef("pk"), reset_at__isnull=True)
        .annotate(rank=rank)
        .order_by("-rank")
        .values("rank")[:1],
        output_field=IntegerField(),
    )


def _get_recorded(user: User, case_id: int, purpose: str, qs: QuerySet[Case]) -> Case:
    # Ordered by the key it is filtered on, which costs nothing (the cases' default order is a sort).
    case = qs.filter(pk=case_id).order_by("pk").first()
    if case is None:
        raise Http404("No case found")
    access_record(
        user=user, verb=f"cases.case_{purpose}", obj=case, case_id=case.pk, person_id=case.person_id
    )
    if case.person_id:
        person_names_reveal(user=user, people=[case.person])
    return case


def case_index_get_for_user(*, user: User, case_id: int) -> Case:
    """A case as the case index shows it (no personal detail beyond the reference), else Http404."""
    case = (
        case_list_index(user=user)
        .select_related("risk_category", "responsible_organisation", "allocated_team", "primary_worker")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404("No case found")
    return case


def case_get_for_action(*, user: User, case_id: int) -> Case:
    """The case an action is asked on, read scoped: one the user may open, else one on their case index (to
    allocate or accept it); Http404 otherwise, as for no such case. The action records itself, and the
    answer's read is recorded by case_get_for_user or case_index_get_for_user."""
    case = (
        _with_people(case_list_visible(user=user)).select_related("risk_category").filter(pk=case_id).first()
    )
    if case is None:
        case = (
            case_list_index(user=user)
            .select_related("person", "household", "risk_category")
            .filter(pk=case_id)
            .first()
        )
    if case is None:
        raise Http404("No case found")
    return case


def risk_categories_for(*, initiative_id: int) -> QuerySet[RiskCategory]:
    return RiskCategory.objects.filter(initiative_id=initiative_id, is_active=True).order_by("rank", "label")


def risk_categories_for_user(*, user: User) -> list[RiskCategory]:
    """The active risk categories of every initiative the user works in or leads, for a list's filter."""
    actor = actor_for(user)
    return [
        category
        for initiative_id in sorted(actor.initiative_ids | actor.lead_of_initiative_ids)
        for category in risk_categories_for(initiative_id=initiative_id)
    ]


@dataclass(frozen=True)
class StageStep:
    stage: str
    label: str
    state: str  # completed, current, in_progress, not_started
    next_step: str


def case_stage_progress(*, case: Case) -> list[StageProgress]:
    """Every progress row of the case, live and reset, with who reset it: what the case page's stages, moves
    and reset history are all worked out from (one query)."""
    return list(StageProgress.objects.filter(case=case).select_related("reset_by"))


def case_stage_steps(*, case: Case, progress: list[StageProgress] | None = None) -> list[StageStep]:
    """The stages as a task list: completed, current, or not started, from the live progress rows (read
    unless given, as from case_stage_progress)."""
    live = {p.stage: p for p in _live(case, progress)}
    steps = []
    for stage in lifecycle.STAGE_ORDER:
        progress_row = live.get(stage)
        if stage == case.stage and case.status != CaseStatus.FINISHED:
            state = "current"
        elif progress_row and progress_row.completed_at:
            state = "completed"
        elif progress_row:
            state = "in_progress"
        else:
            state = "not_started"
        steps.append(StageStep(stage, lifecycle.label(stage), state, lifecycle.NEXT_STEP[stage]))
    return steps


def _live(case: Case, progress: list[StageProgress] | None) -> list[StageProgress]:
    if progress is None:
        return list(StageProgress.objects.filter(case=case, reset_at__isnull=True))
    return [p for p in progress if p.reset_at is None]


def case_progress(*, case: Case, progress: list[StageProgress] | None = None) -> tuple[set[str], set[str]]:
    """The stages the case has completed and the stages it has been at (live progress, not reset)."""
    if progress is None:
        live = dict(
            StageProgress.objects.filter(case=case, reset_at__isnull=True).values_list(
                "stage", "completed_at"
            )
        )
    else:
        live = {p.stage: p.completed_at for p in _live(case, progress)}
    return {stage for stage, done in live.items() if done is not None}, set(live)


def case_stage_moves(*, case: Case, progress: list[StageProgress] | None = None) -> list[tuple[str, bool]]:
    """The stages the case may move to now as (stage, going back), in stage order."""
    completed, visited = case_progress(case=case, progress=progress)
    return [
        (stage, lifecycle.stage_index(stage) < lifecycle.stage_index(case.stage))
        for stage in lifecycle.STAGE_ORDER
        if lifecycle.stage_move_problem(
            case.stage, stage, status=case.status, completed=completed, visited=visited
        )
        is None
    ]


def case_reset_history(*, case: Case, progress: list[StageProgress] | None = None) -> list[StageProgress]:
    """The progress rows reset when the work restarted, newest first (read unless given)."""
    if progress is None:
        progress = list(
            StageProgress.objects.filter(case=case, reset_at__isnull=False).select_related("reset_by")
        )
    return sorted(
        (p for p in progress if p.reset_at is not None),
        key=lambda p: (-cast(datetime.datetime, p.reset_at).timestamp(), p.stage),
    )


def case_assignments(*, case: Case, current: bool = True) -> list[CaseAssignment]:
    qs = CaseAssignment.objects.filter(case=case).select_related("user")
    qs = qs.filter(ended_at__isnull=True) if current else qs.filter(ended_at__isnull=False)
    return list(qs.order_by("role", "started_at"))


def case_workers(*, case: Case) -> tuple[list[CaseAssignment], list[CaseAssignment]]:
    """Who works on the case now and who did before, each by role then start (one query). Also tells the
    policies the current roles, so that asking who may work the case reads nothing more."""
    assignments = list(
        CaseAssignment.objects.filter(case=case).select_related("user").order_by("role", "started_at")
    )
    current = [a for a in assignments if a.ended_at is None]
    remember_assignment_roles(case, {a.user_id: a.role for a in current})
    return current, [a for a in assignments if a.ended_at is not None]


def case_timeline(*, case: Case, limit: int = 200) -> list[AuditEvent]:
    """Every recorded change to the case, newest first, built from the audit trail, with who made it and for
    which organisation (`actor_name`, `organisation_name`, by scalar subquery)."""
    return list(
        AuditEvent.objects.filter(case_id=case.pk)
        .annotate(
            actor_name=ForeignColumn("actor", "first_name", "last_name", fallback="username"),
            organisation_name=ForeignColumn("organisation", "name"),
        )
        .order_by("-sequence")[:limit]
    )


def case_history_for_subject(*, user: User, case: Case) -> list[Case]:
    """The subject's other cases that the user may see (assistance history), newest first, with the names of
    their responsible organisation and primary worker (as in CASE_PAGE_NAMES)."""
    qs = case_list_visible(user=user).exclude(pk=case.pk)
    # A case is about a person or else a household.
    if case.person_id:
        qs = qs.filter(person_id=case.person_id)
    else:
        qs = qs.filter(household_id=cast(int, case.household_id))
    return list(
        qs.annotate(
            responsible_organisation_name=CASE_PAGE_NAMES["responsible_organisation_name"],
            primary_worker_name=CASE_PAGE_NAMES["primary_worker_name"],
        ).order_by("-raised_at")[:50]
    )


def my_cases(*, user: User) -> QuerySet[Case]:
    """Open cases the user is primary or secondary worker on, or case manager of (oversight), dormant (on
    hold) ones included."""
    mine = CaseAssignment.objects.filter(
        case=OuterRef("pk"),
        user_id=user.pk,
        ended_at__isnull=True,
        role__in=[AssignmentRole.PRIMARY, AssignmentRole.SECONDARY, AssignmentRole.CASE_MANAGER],
    )
    # The list shows the subject and the risk category only. The person and household come by prefetch, for
    # the rows shown: joined, PostgreSQL planned a seven-table join (16 ms) and joined every open case before
    # sorting (10 ms at 700 cases); this way both take 3 ms.
    return (
        case_list_visible(user=user)
        .filter(status__in=OPEN_STATUSES)
        .filter(Exists(mine))
        .select_related("risk_category")
        .prefetch_related("person", "household")
        .order_by("status", "-raised_at")
    )


def cases_for_routing(*, person_ids: list[int]) -> dict[int, list[Case]]:
    """Open cases about each person, with who is responsible: for index cards and the duty desk."""
    cases = (
        Case.objects.filter(person_id__in=person_ids, status__in=OPEN_STATUSES)
        .select_related(
            "responsible_organisation", "allocated_team", "primary_worker", "raised_by_organisation"
        )
        .order_by("-raised_at")
    )
    found: dict[int, list[Case]] = {}
    for case in cases:
        found.setdefault(cast(int, case.person_id), []).append(case)  # filtered on person_id
    return found


def routing_lines(person_ids: list[int]) -> dict[int, list[str]]:
    """For index cards: one line per open case saying who is responsible and who the worker is."""
    lines: dict[int, list[str]] = {}
    for person_id, cases in cases_for_routing(person_ids=person_ids).items():
        for case in cases:
            # Each was read with the case (select_related): None where its id is.
            parts = [
                case.responsible_organisation.name
                if case.responsible_organisation is not None
                else f"Not yet allocated (raised by {case.raised_by_organisation.name})"
            ]
            if case.allocated_team is not None:
                parts.append(case.allocated_team.name)
            if case.primary_worker is not None:
                parts.append(case.primary_worker.get_full_name() or case.primary_worker.username)
            lines.setdefault(person_id, []).append(f"{case.reference}: " + ", ".join(parts))
    return lines


def cases_for_person(*, user: User, person_id: int) -> list[Case]:
    """The cases about a person (or their current household) that the user may open, newest first."""
    return list(
        case_list_visible(user=user)
        .filter(
            Q(person_id=person_id)
            | Q(household__memberships__person_id=person_id, household__memberships__end_date__isnull=True)
        )
        .select_related("responsible_organisation", "primary_worker", "risk_category")
        .order_by("-raised_at")
        .distinct()[:50]
    )


# A case as the API gives it (cases/api.py's CaseOut): one shape, plain dicts, for every case it returns.
ROW_VALUES = (
    "id",
    "reference",
    "status",
    "stage",
    "priority",
    "origin",
    "area",
    "raised_at",
    "allocated_at",
    "closed_at",
    "responsible_organisation_id",
    "allocated_team_id",
    "primary_worker_id",
    "version",
    "person_id",
    "household_id",
    "summary",
    "raised_by_organisation_id",
    "allocation_rule_id",
    "allocation_explanation",
    "outcome",
    "closure_note",
    "recontact_on",
    "found_outside_risk_index",
)


def case_row_values(qs: QuerySet[Case]) -> QuerySet[Case, dict[str, Any]]:
    """The values() queryset behind every case row (see case_rows).

    The person and household come by join; names from the small tables (organisation, team, worker, risk
    category) come as scalar subqueries, which PostgreSQL plans in a fraction of the time of more joins.
    """
    rows = qs.values(
        *ROW_VALUES,
        risk_category_label=ForeignColumn("risk_category", "label"),
        organisation_name=ForeignColumn("responsible_organisation", "name"),
        team_name=ForeignColumn("allocated_team", "name"),
        worker_name=ForeignColumn("primary_worker", "first_name", "last_name", fallback="username"),
        given=F("person__given_name"),
        family=F("person__family_name"),
        restricted=F("person__is_restricted"),
        household_name=F("household__name"),
        household_line=F("household__address_line_1"),
    )
    return cast("QuerySet[Case, dict[str, Any]]", rows)  # values() with expressions: Any to django-stubs


def case_rows_finish(rows: list[dict[str, Any]], *, user: User) -> list[dict[str, Any]]:
    """Rename the looked-up names to the API's fields and name the subject, withholding a restricted person's
    name from a user not named on the restriction (one query, only when a row is restricted); in place."""
    restricted = {row["person_id"] for row in rows if row["restricted"]}
    named = restricted_person_ids_named(user=user, person_ids=restricted) if restricted else set()
    for row in rows:
        if row.pop("restricted") and row["person_id"] not in named:
            row["given"], row["family"] = RESTRICTED_NAME, ""
        row["risk_category"] = row.pop("risk_category_label")
        row["responsible_organisation"] = row.pop("organisation_name")
        row["allocated_team"] = row.pop("team_name")
        row["primary_worker"] = row.pop("worker_name")
        given, family = row.pop("given"), row.pop("family")
        household_name, household_line = row.pop("household_name"), row.pop("household_line")
        row["subject_name"] = (
            f"{given} {family}".strip()
            if row["person_id"]
            else household_name or household_line or f"Household {row['household_id']}"
        )
    return rows


def case_rows(qs: QuerySet[Case], *, user: User) -> list[dict[str, Any]]:
    """List rows as plain dicts: one query, no model instances (the API's hot path). `qs` is a scoped list's
    (case_list_for_user's) page: this reads, it decides nothing about who may see what."""
    return case_rows_finish(list(case_row_values(qs)), user=user)


def case_row_of(*, user: User, case: Case) -> dict[str, Any]:
    """The API's row of a case the caller has already got through case_get_for_user or
    case_index_get_for_user (which decided the user may see it and recorded the read): read again in the
    row's shape, as it stands after any change the caller made to it."""
    [row] = case_rows(Case.objects.filter(pk=case.pk), user=user)
    return row


def cases_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    cases = Case.objects.filter(person_id=person_id)
    return [
        ("cases", model_rows(cases)),
        ("case_assignments", model_rows(CaseAssignment.objects.filter(case__person_id=person_id))),
        ("case_stages", model_rows(StageProgress.objects.filter(case__person_id=person_id))),
        ("case_notes", model_rows(CaseNote.objects.filter(case__person_id=person_id))),
    ]
