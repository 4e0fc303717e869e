"""Reads of people and households, scoped to what the user may see (the queryset twins of policies.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from casework.accounts.choices import Role
from casework.accounts.models import Organisation, User
from casework.accounts.selectors import actor_for
from casework.audit.models import AccessEvent, AuditEvent
from casework.audit.services import access_record, chain_pending_access_events
from casework.core import clock
from casework.core.errors import PermissionRefused, ValidationFailed
from casework.core.export import Section, model_rows
from casework.core.permissions import require_perm
from casework.people import policies
from casework.people.identifiers import name_key, name_similarity, normalise_nhs_number, normalise_postcode
from casework.people.models import (
    BreakGlassGrant,
    Household,
    HouseholdMembership,
    IndexSearchResult,
    Person,
    PersonRelationship,
    PersonRestrictedAccess,
)
from casework.people.search_limit import index_search_count


def _named_on(user: User) -> Exists:
    return Exists(PersonRestrictedAccess.objects.filter(person=OuterRef("pk"), user_id=user.pk))


def person_list_visible(*, user: User) -> QuerySet[Person]:
    """Every person whose full record the user may open (twin of policies.can_view_person)."""
    actor = actor_for(user)
    readers = policies.reading_organisation_ids(user)
    if not actor.initiative_ids or not readers:
        return Person.objects.none()
    unrestricted = policies.relationship_q(readers)
    if policies.break_glass_organisation_ids(user):
        unrestricted = cast(
            Q,
            unrestricted
            | Exists(
                BreakGlassGrant.objects.filter(
                    person=OuterRef("pk"), user_id=user.pk, expires_at__gt=clock.now()
                )
            ),
        )
    return Person.objects.filter(
        Q(initiative_id__in=actor.initiative_ids)
        & ((Q(is_restricted=False) & unrestricted) | (Q(is_restricted=True) & _named_on(user)))
    )


def person_list_audit_visible(*, user: User) -> QuerySet[Person]:
    """People whose audit trail the user may read (twin of policies.can_view_person_audit)."""
    actor = actor_for(user)
    auditing = actor.auditing_organisation_ids
    if not auditing or not actor.initiative_ids:
        return Person.objects.none()
    return Person.objects.filter(
        Q(initiative_id__in=actor.initiative_ids)
        & (
            (Q(is_restricted=False) & policies.relationship_q(auditing))
            | (Q(is_restricted=True) & _named_on(user))
        )
    )


def person_list_changeable(*, user: User) -> QuerySet[Person]:
    """Every person whose record the user may change (twin of policies.can_change_person)."""
    actor = actor_for(user)
    editing = actor.editing_organisation_ids
    if not editing or not actor.initiative_ids:
        return Person.objects.none()
    return Person.objects.filter(
        Q(initiative_id__in=actor.initiative_ids)
        & (
            (Q(is_restricted=False) & policies.relationship_q(editing))
            | (Q(is_restricted=True) & _named_on(user))
        )
    )


def person_get_for_user(*, user: User, person_id: int, purpose: str = "viewed") -> Person:
    """The person if the user may open the full record, else Http404 (the same as for no such person).

    Writes an AccessEvent "people.record_<purpose>".
    """
    person = (
        person_list_visible(user=user).select_related("created_by_organisation").filter(pk=person_id).first()
    )
    if person is None:
        raise Http404("No person found")
    grant = None
    if not policies.organisations_hold_relationship(person, policies.reading_organisation_ids(user)):
        grant = BreakGlassGrant.objects.filter(
            person=person, user_id=user.pk, expires_at__gt=clock.now()
        ).first()
    access_record(
        user=user,
        verb=f"people.record_{purpose}",
        obj=person,
        person_id=person.pk,
        details={"break_glass_grant": grant.pk} if grant else {},
        reason=f"Break-glass: {grant.reason}" if grant else "",
    )
    person.break_glass_grant = grant
    person.name_revealed = True  # the full record is open to the user (named, when restricted)
    return person


def person_names_reveal(*, user: User, people: Iterable[Person | None]) -> None:
    """Show the names of the restricted people among `people` to whom the user is named on (one query, and
    none when nobody is restricted). Everyone else's restricted name stays withheld (Person.shown_name)."""
    restricted = {p.pk: p for p in people if p is not None and p.is_restricted}
    if not restricted:
        return
    named = set(
        PersonRestrictedAccess.objects.filter(user_id=user.pk, person_id__in=restricted).values_list(
            "person_id", flat=True
        )
    )
    for pk, person in restricted.items():
        person.name_revealed = pk in named


def restricted_person_ids_named(*, user: User, person_ids: Iterable[int]) -> set[int]:
    """Of these restricted people, those the user is named on."""
    return set(
        PersonRestrictedAccess.objects.filter(user_id=user.pk, person_id__in=list(person_ids)).values_list(
            "person_id", flat=True
        )
    )


def person_get_for_change(*, user: User, person_id: int) -> Person:
    """The person if the user may change it, else 404 if they may not see it and PermissionRefused if read
    only."""
    person = person_get_for_user(user=user, person_id=person_id, purpose="opened_for_change")

    require_perm(user, "people.change_person", person, "You can read this record but not change it.")
    return person


# Index cards: the minimum needed to route a contact.


@dataclass(frozen=True)
class IndexCard:
    person_id: int
    name: str
    birth_year: int | None
    postcode_district: str
    is_restricted: bool
    known_to: str
    can_open: bool
    can_break_glass: bool = False
    score: int = 0
    # Who is responsible now, one line per open case: "CW-2026-000001: County Council, Team North, Jo Bloggs".
    responsible: tuple[str, ...] = ()


# Other apps add who is responsible for a person (cases: responsible organisation, team and worker).
ROUTING_SOURCES: list[Callable[[list[int]], dict[int, list[str]]]] = []


def register_routing_source(source: Callable[[list[int]], dict[int, list[str]]]) -> None:
    if source not in ROUTING_SOURCES:
        ROUTING_SOURCES.append(source)


def _cards(user: User, people: list[Person], scores: dict[int, int] | None = None) -> list[IndexCard]:
    ids = [p.pk for p in people]
    visible = set(person_list_visible(user=user).filter(pk__in=ids).values_list("pk", flat=True))
    may_break_glass = bool(policies.break_glass_organisation_ids(user))
    routing: dict[int, list[str]] = {}
    for source in ROUTING_SOURCES:
        for person_id, lines in source(ids).items():
            routing.setdefault(person_id, []).extend(lines)
    cards = []
    for person in people:
        cards.append(
            IndexCard(
                person_id=person.pk,
                name=person.full_name,
                birth_year=person.birth_year,
                # A restricted person's whereabouts are not given away on the index.
                postcode_district="" if person.is_restricted else person.postcode_district,
                is_restricted=person.is_restricted,
                known_to=person.created_by_organisation.name,
                can_open=person.pk in visible,
                can_break_glass=may_break_glass and not person.is_restricted and person.pk not in visible,
                score=(scores or {}).get(person.pk, 0),
                responsible=tuple(routing.get(person.pk, ())),
            )
        )
    return cards


def _require_index(user: User) -> None:
    if not policies.can_search_index(user):
        raise PermissionRefused("Only people doing casework in the initiative can search the index.")


def person_index_search(
    *,
    user: User,
    nhs_number: str = "",
    family_name: str = "",
    given_name: str = "",
    date_of_birth: datetime.date | None = None,
    limit: int = 20,
) -> list[IndexCard]:
    """Find whether a person is known, by NHS number or by family name plus date of birth. Audited.

    Raises ValidationFailed when neither full criterion is given (no browsing the index).
    """
    _require_index(user)
    index_search_count(user=user)  # RateLimited beyond the user's searches in a while (ADR 13)
    actor = actor_for(user)
    base = Person.objects.filter(initiative_id__in=actor.initiative_ids).select_related(
        "created_by_organisation"
    )
    if nhs_number:
        try:
            nhs = normalise_nhs_number(nhs_number)
        except Exception as error:  # noqa: BLE001 - ValidationError carries the message
            raise ValidationFailed(error.messages[0], field="nhs_number") from None  # type: ignore[attr-defined]  # see above
        people = list(base.filter(nhs_number=nhs)[:limit])
        criteria = {"nhs_number": nhs}
        scores = {p.pk: 100 for p in people}
    else:
        if not family_name.strip():
            raise ValidationFailed("Enter a family name, or search by NHS number", field="family_name")
        if date_of_birth is None:
            raise ValidationFailed("Enter a date of birth, or search by NHS number", field="date_of_birth")
        key = name_key(family_name)
        people = list(
            base.filter(date_of_birth=date_of_birth).filter(
                Q(family_name_key=key) | Q(family_name__iexact=family_name.strip())
            )[: limit * 2]
        )
        scores = {
            p.pk: int(
                60 * name_similarity(p.family_name, family_name)
                + (40 * name_similarity(p.given_name, given_name) if given_name else 20)
            )
            for p in people
        }
        people = sorted(people, key=lambda p: -scores[p.pk])[:limit]
        criteria = {
            "family_name": family_name.strip(),
            "given_name": given_name.strip(),
            "date_of_birth": date_of_birth.isoformat(),
        }
    access_record(
        user=user,
        verb="people.index_searched",
        details={"criteria": criteria, "results": [p.pk for p in people]},
    )
    _remember_results(user=user, person_ids=[p.pk for p in people])
    return _cards(user, people, scores)


def _remember_results(*, user: User, person_ids: list[int]) -> None:
    """Let the user open the cards of these people, and only these, for INDEX_CARD_MINUTES (ADR 3)."""
    now = clock.now()
    IndexSearchResult.objects.filter(user_id=user.pk, expires_at__lte=now).delete()
    if person_ids:
        expires_at = now + datetime.timedelta(minutes=settings.INDEX_CARD_MINUTES)
        IndexSearchResult.objects.bulk_create(
            [IndexSearchResult(user_id=user.pk, person_id=pk, expires_at=expires_at) for pk in person_ids],
            update_conflicts=True,
            unique_fields=["user", "person"],
            update_fields=["expires_at"],
        )


def person_index_card_get(*, user: User, person_id: int) -> IndexCard:
    """One person's index card: only for a person in a recent search result of the same user (no walking ids).

    Audited. Raises Http404 otherwise, and PermissionRefused when the user may not search the index at all.
    """
    return person_index_card_get_with_subject(user=user, person_id=person_id)[0]


def person_index_card_get_with_subject(*, user: User, person_id: int) -> tuple[IndexCard, Person]:
    """The index card, and the person it is about for the services that route a contact (the duty desk,
    break-glass): read once, by the same rule and the same audited read as the card. The person is for routing
    and permission checks; what is shown of them is the card."""
    _require_index(user)
    found = IndexSearchResult.objects.filter(
        user_id=user.pk, person_id=OuterRef("pk"), expires_at__gt=clock.now()
    )
    person = (
        Person.objects.filter(Exists(found), pk=person_id, initiative_id__in=actor_for(user).initiative_ids)
        .select_related("created_by_organisation")
        .first()
    )
    if person is None:
        raise Http404("No person found")
    access_record(user=user, verb="people.index_card_viewed", obj=person, person_id=person.pk)
    return _cards(user, [person])[0], person


def person_index_subjects(*, cards: list[IndexCard]) -> dict[int, Person]:
    """The people behind a search's cards (person_index_search scoped and recorded the search), by id, for
    routing each result; one query."""
    return Person.objects.in_bulk([card.person_id for card in cards])


def person_related_get(*, person: Person, related_person_id: int) -> Person | None:
    """The person a relationship of `person` would be with: anyone on the same initiative's index, else None.
    No access event: naming a relationship does not open the related person's record (the relationship's
    creation is audited)."""
    return Person.objects.filter(pk=related_person_id, initiative_id=person.initiative_id).first()


def person_get_for_restriction(*, user: User, person_id: int) -> Person:
    """The person whose restriction and named users the user keeps (people.manage_restriction_person), else
    Http404 as for no such person. Writes an AccessEvent "people.restriction_opened"."""
    person = (
        Person.objects.filter(pk=person_id, initiative_id__in=actor_for(user).initiative_ids)
        .select_related("created_by_organisation")
        .first()
    )
    if person is None or not policies.can_manage_restriction(user, person):
        raise Http404("No person found")
    access_record(user=user, verb="people.restriction_opened", obj=person, person_id=person.pk)
    return person


@dataclass(frozen=True)
class MatchCriteria:
    given_name: str = ""
    family_name: str = ""
    date_of_birth: datetime.date | None = None
    postcode: str = ""
    nhs_number: str = ""


def _match_score(
    person: Person,
    criteria: MatchCriteria,
    postcode: str,
    family_key: str,
    given_key: str,
    tolerance: datetime.timedelta,
) -> int:
    """How alike two descriptions of a person are; 60 or more is a likely match."""
    score = 0
    if criteria.nhs_number and person.nhs_number == criteria.nhs_number:
        score += 100
    if criteria.date_of_birth and person.date_of_birth:
        dob, theirs = criteria.date_of_birth, person.date_of_birth
        if theirs == dob:
            score += 40
        elif abs((theirs - dob).days) <= 7 or (
            theirs.year == dob.year and (theirs.day, theirs.month) == (dob.month, dob.day)
        ):
            score += 25  # a slip of the keyboard or day and month swapped
        elif abs((theirs - dob).days) <= tolerance.days:
            score += 10
    if family_key and person.family_name_key == family_key:
        score += 20
    score += int(15 * name_similarity(person.family_name, criteria.family_name))
    if given_key and person.given_name_key == given_key:
        score += 15
    else:
        score += int(10 * name_similarity(person.given_name, criteria.given_name))
    if postcode and person.postcode == postcode:
        score += 15
    return score


def person_find_matches(*, user: User, criteria: MatchCriteria, limit: int = 10) -> list[IndexCard]:
    """People in the user's initiatives who are likely the same as the one described, best first. Audited.

    Likely: same NHS number; or a similar-sounding family name with a date of birth within the tolerance;
    or the same postcode with a similar-sounding family name, or with the same date of birth.
    """
    actor = actor_for(user)
    tolerance = datetime.timedelta(days=settings.DUPLICATE_DOB_TOLERANCE_DAYS)
    family_key, given_key = name_key(criteria.family_name), name_key(criteria.given_name)
    postcode = ""
    if criteria.postcode:
        try:
            postcode = normalise_postcode(criteria.postcode)
        except Exception:  # noqa: BLE001 - a bad postcode just does not help matching
            postcode = ""
    q = Q(pk__in=[])
    if criteria.nhs_number:
        q |= Q(nhs_number=criteria.nhs_number)
    if family_key and criteria.date_of_birth:
        dob = criteria.date_of_birth
        q |= Q(family_name_key=family_key, date_of_birth__range=(dob - tolerance, dob + tolerance))
    if postcode and family_key:
        q |= Q(postcode=postcode, family_name_key=family_key)
    if postcode and criteria.date_of_birth:
        q |= Q(postcode=postcode, date_of_birth=criteria.date_of_birth)
    if given_key and family_key and not criteria.date_of_birth:
        q |= Q(given_name_key=given_key, family_name_key=family_key)
    candidates = list(
        Person.objects.filter(initiative_id__in=actor.initiative_ids)
        .filter(q)
        .select_related("created_by_organisation")[:200]
    )
    scores = {
        person.pk: _match_score(person, criteria, postcode, family_key, given_key, tolerance)
        for person in candidates
    }
    matches = sorted((p for p in candidates if scores[p.pk] >= 60), key=lambda p: -scores[p.pk])[:limit]
    if matches:
        access_record(
            user=user, verb="people.duplicates_checked", details={"results": [p.pk for p in matches]}
        )
    return _cards(user, matches, scores)


# Households.


def household_list_visible(*, user: User) -> QuerySet[Household]:
    """Households the user may open: created by a reading organisation, or with a current member they may
    see."""
    actor = actor_for(user)
    readers = policies.reading_organisation_ids(user)
    if not actor.initiative_ids or not readers:
        return Household.objects.none()
    visible_members = HouseholdMembership.objects.filter(
        household=OuterRef("pk"),
        end_date__isnull=True,
        person__in=person_list_visible(user=user).values("pk"),
    )
    return Household.objects.filter(initiative_id__in=actor.initiative_ids).filter(
        Q(created_by_organisation_id__in=readers) | Exists(visible_members)
    )


def household_get_for_user(*, user: User, household_id: int) -> Household:
    household = household_list_visible(user=user).filter(pk=household_id).first()
    if household is None:
        raise Http404("No household found")
    access_record(user=user, verb="people.household_viewed", obj=household)
    return household


def household_members(*, user: User, household: Household, current: bool = True) -> list[HouseholdMembership]:
    """Memberships with the person, and whether the user may open each person's record."""
    memberships = list(
        HouseholdMembership.objects.filter(household=household, end_date__isnull=current)
        .select_related("person")
        .order_by("start_date", "id")
    )
    visible = set(
        person_list_visible(user=user)
        .filter(pk__in=[m.person_id for m in memberships])
        .values_list("pk", flat=True)
    )
    for membership in memberships:
        membership.can_open = membership.person_id in visible
    return memberships


def household_memberships_for_person(*, person: Person) -> list[HouseholdMembership]:
    return list(person.household_memberships.select_related("household").order_by("-start_date", "-id"))


class RelationshipRow(TypedDict):
    relationship: PersonRelationship
    other: Person
    incoming: bool
    can_open: bool


def relationships_for_person(*, user: User, person: Person) -> list[RelationshipRow]:
    rows = list(person.relationships.select_related("related_person").order_by("end_date", "kind"))
    rows += list(person.relationships_as_related.select_related("person").order_by("end_date", "kind"))
    visible = set(
        person_list_visible(user=user)
        .filter(pk__in=[r.related_person_id for r in rows] + [r.person_id for r in rows])
        .values_list("pk", flat=True)
    )
    result: list[RelationshipRow] = []
    for rel in rows:
        incoming = rel.related_person_id == person.pk
        other = rel.person if incoming else rel.related_person
        other.name_revealed = other.pk in visible
        result.append(
            {"relationship": rel, "other": other, "incoming": incoming, "can_open": other.pk in visible}
        )
    return result


# Audit views for information governance.


def person_audit_trail(
    *, user: User, person: Person, limit: int = 200
) -> tuple[list[AuditEvent], list[AccessEvent]]:
    """Who has changed and who has viewed the person's record, newest first."""

    require_perm(user, "people.view_audit_person", person)
    chain_pending_access_events()  # the trail shown is the chained one, up to now
    changes = list(
        AuditEvent.objects.filter(person_id=person.pk)
        .select_related("actor", "organisation")
        .order_by("-sequence")[:limit]
    )
    views = list(
        AccessEvent.objects.filter(person_id=person.pk)
        .select_related("actor", "organisation")
        .order_by("-id")[:limit]
    )
    return changes, views


def break_glass_list_for_review(*, user: User, include_reviewed: bool = False) -> QuerySet[BreakGlassGrant]:
    actor = actor_for(user)
    qs = BreakGlassGrant.objects.filter(organisation_id__in=actor.organisations_with_role(Role.AUDITOR))
    if not include_reviewed:
        qs = qs.filter(reviewed_at__isnull=True)
    return qs.select_related("person", "user", "organisation").order_by("-opened_at")


def restricted_access_list(*, person: Person) -> QuerySet[PersonRestrictedAccess]:
    return person.restricted_access.select_related("user", "granted_by").order_by("user__first_name")


def user_list_nameable_for_person(*, person: Person) -> QuerySet[User]:
    """Active users of organisations related to the person: those who may be named on a restricted record."""

    related = [
        org.pk
        for org in Organisation.objects.filter(initiative_id=person.initiative_id).only("pk")
        if policies.organisations_hold_relationship(person, {org.pk})
    ]
    return (
        User.objects.filter(
            memberships__organisation_id__in=related, memberships__is_active=True, is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def break_glass_active_expression(*, user: User) -> Exists:
    """Whether the user holds break-glass access to the case's person now, as an expression on a case's row
    (read with the case by its header: the header flags it)."""
    return Exists(
        BreakGlassGrant.objects.filter(
            person=OuterRef("person_id"), user_id=user.pk, expires_at__gt=clock.now()
        )
    )


def person_ids_by_nhs_number(*, initiative_id: int, nhs_numbers: Iterable[str | None]) -> dict[str, int]:
    """{NHS number: person id} for the initiative's people with one of the numbers (valid, normalised numbers:
    an NHS number belongs to one person only). A system read for matching imported records: it shows no
    user anything, so it records no access; whoever later opens a person goes through person_get_for_user."""
    numbers = sorted({number for number in nhs_numbers if number})
    found: dict[str, int] = {}
    for start in range(0, len(numbers), 500):
        rows = Person.objects.filter(
            initiative_id=initiative_id, nhs_number__in=numbers[start : start + 500]
        ).values_list("nhs_number", "pk")
        found.update((number, pk) for number, pk in rows.iterator() if number)
    return found


def person_rows_for_matching(
    *, initiative_id: int, person_ids: Iterable[int] | None = None
) -> Iterator[dict[str, Any]]:
    """The initiative's people as record matching compares them (id, NHS number, names, date of birth,
    postcode, UPRN), a chunk at a time; only those of person_ids when given. A system read for Identify's
    matching run: it shows no user anything, so it records no access; a reviewer who later sees a candidate
    goes through Identify's selectors, which record it."""
    fields = ("pk", "nhs_number", "given_name", "family_name", "date_of_birth", "postcode", "uprn")
    people = Person.objects.filter(initiative_id=initiative_id)
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
    rows = people.values(*fields).order_by("pk")
    yield from rows.iterator(chunk_size=2000)


def people_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    households = HouseholdMembership.objects.filter(person_id=person_id).values("household_id")
    return [
        ("person", model_rows(Person.objects.filter(pk=person_id))),
        ("household_memberships", model_rows(HouseholdMembership.objects.filter(person_id=person_id))),
        ("households", model_rows(Household.objects.filter(pk__in=households))),
        (
            "relationships",
            model_rows(
                PersonRelationship.objects.filter(Q(person_id=person_id) | Q(related_person_id=person_id))
            ),
        ),
    ]
