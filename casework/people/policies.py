"""Who may see and change people's records. The predicates here and the querysets in selectors.py are twins.

A user sees a person's full record when one of their organisations in which they do casework (or audit)
has a legitimate relationship with the person, or they hold an unexpired break-glass grant. Restricted
people are visible in full only to the users named on them. Index cards (enough to route a contact) are
open to anyone doing casework in the initiative, one audited search at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.core import clock
from casework.core.permissions import register
from casework.people.models import BreakGlassGrant, Household, Person, PersonRestrictedAccess


class RelationshipSource:
    """One way an organisation comes to have a legitimate relationship with a person.

    `person_q(org_ids)` filters Person rows; `holds(person, org_ids)` answers for one person. Other apps
    (cases, referrals) register their own so that the rule stays in this one module.
    """

    def __init__(
        self,
        name: str,
        person_q: Callable[[frozenset[int]], Q],
        holds: Callable[[Person, frozenset[int]], bool],
    ):
        self.name = name
        self.person_q = person_q
        self.holds = holds


RELATIONSHIP_SOURCES: list[RelationshipSource] = [
    RelationshipSource(
        "created the record",
        person_q=lambda org_ids: Q(created_by_organisation_id__in=org_ids),
        holds=lambda person, org_ids: person.created_by_organisation_id in org_ids,
    ),
]


def register_relationship_source(source: RelationshipSource) -> None:
    if all(existing.name != source.name for existing in RELATIONSHIP_SOURCES):
        RELATIONSHIP_SOURCES.append(source)


def relationship_q(org_ids: Iterable[int]) -> Q:
    org_ids = frozenset(org_ids)
    q = Q(pk__in=[])
    for source in RELATIONSHIP_SOURCES:
        q |= source.person_q(org_ids)
    return q


def organisations_hold_relationship(person: Person, org_ids: Iterable[int]) -> bool:
    org_ids = frozenset(org_ids)
    return bool(org_ids) and any(source.holds(person, org_ids) for source in RELATIONSHIP_SOURCES)


def reading_organisation_ids(user: AnyUser) -> frozenset[int]:
    actor = actor_for(user)
    return actor.casework_organisation_ids | actor.auditing_organisation_ids


def break_glass_organisation_ids(user: AnyUser) -> frozenset[int]:
    """The organisations in which the user may use (and so holds any) break-glass access: those who may come
    to hold a person's case, casework in a lead or responsible organisation. A delivery organisation sees only
    what a referral's consent covers, always."""
    return actor_for(user).case_holding_organisation_ids


def _is_named_on(person: Person, user: AnyUser) -> bool:
    return PersonRestrictedAccess.objects.filter(  # type: ignore[misc]  # anonymous: pk None, no row
        person=person, user_id=user.pk
    ).exists()


def _has_break_glass(person: Person, user: AnyUser) -> bool:
    return BreakGlassGrant.objects.filter(  # type: ignore[misc]  # anonymous: pk None, no row
        person=person, user_id=user.pk, expires_at__gt=clock.now()
    ).exists()


@register("people.search_index")
def can_search_index(user: AnyUser) -> bool:
    actor = actor_for(user)
    return bool(actor.casework_organisation_ids) and bool(actor.initiative_ids)


@register("people.view_index_card")
def can_view_index_card(user: AnyUser, person: Person) -> bool:
    return can_search_index(user) and person.initiative_id in actor_for(user).initiative_ids


@register("people.view_person")
def can_view_person(user: AnyUser, person: Person) -> bool:
    actor = actor_for(user)
    if person.initiative_id not in actor.initiative_ids:
        return False
    if person.is_restricted:
        return bool(reading_organisation_ids(user)) and _is_named_on(person, user)
    if organisations_hold_relationship(person, reading_organisation_ids(user)):
        return True
    return bool(break_glass_organisation_ids(user)) and _has_break_glass(person, user)


@register("people.change_person")
def can_change_person(user: AnyUser, person: Person) -> bool:
    actor = actor_for(user)
    editing = actor.editing_organisation_ids
    if not editing or person.initiative_id not in actor.initiative_ids:
        return False
    if person.is_restricted:
        return _is_named_on(person, user)
    return organisations_hold_relationship(person, editing)


@register("people.create_person")
def can_create_person(user: AnyUser) -> bool:
    actor = actor_for(user)
    return bool(actor.editing_organisation_ids) and bool(actor.initiative_ids)


@register("people.break_glass_person")
def can_break_glass(user: AnyUser, person: Person) -> bool:
    """A caseworker of a lead or responsible organisation without a relationship may open an unrestricted
    record on a stated reason."""
    return (
        bool(break_glass_organisation_ids(user))
        and can_view_index_card(user, person)
        and not person.is_restricted
        and not can_view_person(user, person)
    )


@register("people.manage_restriction_person")
def can_manage_restriction(user: AnyUser, person: Person) -> bool:
    """Named users, and managers and admins of an organisation related to the person, keep the named list."""
    actor = actor_for(user)
    if person.initiative_id not in actor.initiative_ids:
        return False
    if person.is_restricted and _is_named_on(person, user) and actor.editing_organisation_ids:
        return True
    managing = actor.organisations_with_role(Role.TEAM_MANAGER, Role.ORG_ADMIN)
    return organisations_hold_relationship(person, managing)


@register("people.view_audit_person")
def can_view_person_audit(user: AnyUser, person: Person) -> bool:
    actor = actor_for(user)
    auditing = actor.auditing_organisation_ids
    if not auditing or person.initiative_id not in actor.initiative_ids:
        return False
    if person.is_restricted:
        return _is_named_on(person, user)
    return organisations_hold_relationship(person, auditing)


@register("people.review_break_glass")
def can_review_break_glass(user: AnyUser, grant: BreakGlassGrant) -> bool:
    return grant.organisation_id in actor_for(user).auditing_organisation_ids


@register("people.view_household")
def can_view_household(user: AnyUser, household: Household) -> bool:
    actor = actor_for(user)
    if household.initiative_id not in actor.initiative_ids:
        return False
    readers = reading_organisation_ids(user)
    if household.created_by_organisation_id in readers:
        return True
    members = Person.objects.filter(
        household_memberships__household=household, household_memberships__end_date__isnull=True
    )
    return any(can_view_person(user, member) for member in members)


@register("people.change_household")
def can_change_household(user: AnyUser, household: Household) -> bool:
    actor = actor_for(user)
    if not actor.editing_organisation_ids or household.initiative_id not in actor.initiative_ids:
        return False
    if household.created_by_organisation_id in actor.editing_organisation_ids:
        return True
    members = Person.objects.filter(
        household_memberships__household=household, household_memberships__end_date__isnull=True
    )
    return any(can_change_person(user, member) for member in members)
