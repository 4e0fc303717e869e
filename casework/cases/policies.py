"""Who may see and work on cases. Predicates here; their queryset twins are in selectors.py.

The organisation holding a case is its responsible organisation, or the organisation that raised it
until one is allocated. Users doing casework there see the full case and person. The lead organisation of
the initiative sees the case index (who is responsible, status, stage, risk category, dates) for all its
cases. Assigned primary and secondary workers and the holding organisation's team managers act on an open
case; case managers read it. Nobody else sees anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.cases.choices import OPEN_STATUSES, AssignmentRole
from casework.cases.models import Case, CaseAssignment
from casework.core.permissions import register
from casework.people.models import HouseholdMembership, Person
from casework.people.policies import RelationshipSource


def holding_organisation_id(case: Case) -> int:
    return case.responsible_organisation_id or case.raised_by_organisation_id


def holder_q(org_ids: Iterable[int], prefix: str = "") -> Q:
    """Cases held by one of the organisations (responsible, or raised by them while unallocated)."""
    return Q(**{f"{prefix}responsible_organisation_id__in": org_ids}) | Q(
        **{
            f"{prefix}responsible_organisation__isnull": True,
            f"{prefix}raised_by_organisation_id__in": org_ids,
        }
    )


def _person_q(org_ids: Iterable[int]) -> Q:
    held = Case.objects.filter(holder_q(org_ids))
    # Driven from the person's own current household membership, so each check is two index lookups.
    household_held = HouseholdMembership.objects.filter(
        person_id=OuterRef("pk"),
        end_date__isnull=True,
    ).filter(Exists(held.filter(household_id=OuterRef("household_id"))))
    return Q(Exists(held.filter(person_id=OuterRef("pk")))) | Q(Exists(household_held))


def _person_holds(person: Person, org_ids: Iterable[int]) -> bool:
    held = Case.objects.filter(holder_q(org_ids))
    if held.filter(person_id=person.pk).exists():
        return True
    households = HouseholdMembership.objects.filter(person_id=person.pk, end_date__isnull=True).values(
        "household_id"
    )
    return held.filter(household_id__in=households).exists()


CASE_RELATIONSHIP = RelationshipSource("holds a case", person_q=_person_q, holds=_person_holds)


def remember_assignment_roles(case: Case, roles: dict[int, str]) -> None:
    """Give the case its current {user id: role} as read by the caller, for current_assignment_role. The
    services that change assignments forget it (they pop `_assignment_roles`)."""
    case._assignment_roles = roles


def current_assignment_role(user: AnyUser, case: Case) -> str | None:
    cache: dict[int, str] | None = getattr(case, "_assignment_roles", None)
    if cache is None:
        cache = dict(
            CaseAssignment.objects.filter(case=case, ended_at__isnull=True).values_list("user_id", "role")
        )
        case._assignment_roles = cache
    return None if user.pk is None else cache.get(user.pk)


@register("cases.view_case")
def can_view_case(user: AnyUser, case: Case) -> bool:
    actor = actor_for(user)
    return case.initiative_id in actor.initiative_ids and holding_organisation_id(case) in (
        actor.casework_organisation_ids | actor.auditing_organisation_ids
    )


@register("cases.view_case_index")
def can_view_case_index(user: AnyUser, case: Case) -> bool:
    actor = actor_for(user)
    return case.initiative_id in actor.lead_of_initiative_ids or can_view_case(user, case)


@register("cases.work_case")
def can_work_case(user: AnyUser, case: Case) -> bool:
    """Change the case: move stages, record notes. Assigned workers and the holder's team managers."""
    if case.status not in OPEN_STATUSES or not can_view_case(user, case):
        return False
    actor = actor_for(user)
    if actor.has_role(Role.TEAM_MANAGER, holding_organisation_id(case)):
        return True
    if not actor.editing_organisation_ids:
        return False
    return current_assignment_role(user, case) in (AssignmentRole.PRIMARY, AssignmentRole.SECONDARY)


@register("cases.list_my_cases")
def can_list_my_cases(user: AnyUser) -> bool:
    """My cases: for those who work on cases, and case managers overseeing them."""
    actor = actor_for(user)
    return bool(actor.editing_organisation_ids) or bool(actor.organisations_with_role(Role.CASE_MANAGER))


@register("cases.raise_index_case")
def can_raise_index_case(user: AnyUser, initiative_id: int | None = None) -> bool:
    """Raise cases from the initiative's risk index (the cohort): its lead's initiative admins and risk
    analysts. Twin: index_case_initiative_ids."""
    ids = index_case_initiative_ids(user)
    return bool(ids) if initiative_id is None else initiative_id in ids


def index_case_initiative_ids(user: AnyUser) -> frozenset[int]:
    actor = actor_for(user)
    return frozenset(
        initiative_id
        for initiative_id in actor.lead_of_initiative_ids
        if actor.has_lead_role(Role.INITIATIVE_ADMIN, initiative_id)
        or actor.has_lead_role(Role.RISK_ANALYST, initiative_id)
    )


@register("cases.raise_case")
def can_raise_case(user: AnyUser) -> bool:
    return bool(actor_for(user).editing_organisation_ids)


def manages_responsible_organisation(user: AnyUser, case: Case) -> bool:
    """A team manager of the open case's responsible organisation: assigns its workers (allocation) and
    manages them (cases.manage_workers_case)."""
    return (
        case.status in OPEN_STATUSES
        and case.responsible_organisation_id is not None
        and actor_for(user).has_role(Role.TEAM_MANAGER, case.responsible_organisation_id)
    )


@register("cases.manage_workers_case")
def can_manage_workers(user: AnyUser, case: Case) -> bool:
    """Add or remove secondary workers and case managers: the primary worker and team managers."""
    return manages_responsible_organisation(user, case) or (
        case.status in OPEN_STATUSES
        and can_view_case(user, case)
        and current_assignment_role(user, case) == AssignmentRole.PRIMARY
    )


@register("cases.manage_outcomes")
def can_manage_outcomes(user: AnyUser, initiative_id: int | None = None) -> bool:
    """The list of closing outcomes is the initiative's: its lead organisation's initiative admins keep it."""
    actor = actor_for(user)
    initiatives = actor.lead_of_initiative_ids if initiative_id is None else {initiative_id}
    return any(actor.has_lead_role(Role.INITIATIVE_ADMIN, i) for i in initiatives)
