"""Writes to people, households, relationships, restrictions and break-glass grants: atomic, audited."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from casework.accounts.models import Organisation, User
from casework.accounts.selectors import actor_for
from casework.audit.services import (
    audit_record,
    audit_record_many,
    audited_write_if_version,
    field_changes,
    snapshot,
)
from casework.core import clock
from casework.core.errors import (
    DomainError,
    PermissionRefused,
    ValidationFailed,
    stale_message,
)
from casework.core.permissions import require_perm
from casework.people.errors import NhsNumberTaken, PossibleDuplicates
from casework.people.identifiers import name_key, normalise_nhs_number, normalise_postcode
from casework.people.models import (
    BreakGlassGrant,
    Household,
    HouseholdMembership,
    Person,
    PersonRelationship,
    PersonRestrictedAccess,
)
from casework.people.policies import break_glass_organisation_ids
from casework.people.selectors import MatchCriteria, person_find_matches

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "date_of_death",
    "nhs_number",
    "local_identifier",
    "sex",
    "gender",
    "ethnicity",
    "preferred_language",
    "interpreter_needed",
    "communication_needs",
    "accessible_format",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "uprn",
    "phone",
    "email",
    "preferred_contact_method",
)
HOUSEHOLD_FIELDS = ("name", "address_line_1", "address_line_2", "town", "postcode", "uprn")


def _validation_failed(error: ValidationError) -> ValidationFailed:
    """The first problem of a Django ValidationError as a ValidationFailed naming its field."""
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        return ValidationFailed(errors[0].messages[0], field=None if field == "__all__" else field)
    return ValidationFailed(error.messages[0])


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    for text_field in (
        "given_name",
        "family_name",
        "other_names",
        "local_identifier",
        "phone",
        "email",
        "address_line_1",
        "address_line_2",
        "town",
        "preferred_language",
        "name",
    ):
        if isinstance(data.get(text_field), str):
            data[text_field] = data[text_field].strip()
    if "nhs_number" in data:
        try:
            data["nhs_number"] = normalise_nhs_number(data["nhs_number"]) if data["nhs_number"] else None
        except ValidationError as error:
            raise ValidationFailed(error.messages[0], field="nhs_number") from None
    if data.get("postcode"):
        try:
            data["postcode"] = normalise_postcode(data["postcode"])
        except ValidationError as error:
            raise ValidationFailed(error.messages[0], field="postcode") from None
    return data


def _full_clean(instance: models.Model, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise _validation_failed(error) from None


def _check_nhs_number_free(nhs_number: str | None, *, except_person_id: int | None = None) -> None:
    people = Person.objects.filter(nhs_number=nhs_number)
    # exclude(pk=None) excludes nobody.
    if nhs_number and people.exclude(pk=except_person_id).exists():  # type: ignore[misc]
        raise NhsNumberTaken()


def _acting_organisation_id(user: User) -> int:
    actor = actor_for(user)
    editing = [org for org in actor.roles_by_organisation if org in actor.editing_organisation_ids]
    if actor.primary_organisation_id in actor.editing_organisation_ids:
        return actor.primary_organisation_id
    if editing:
        return editing[0]
    raise PermissionRefused("You need a casework role to create records.")


def _initiative_for(user: User, organisation_id: int) -> int:
    initiative_id = (
        Organisation.objects.filter(pk=organisation_id).values_list("initiative_id", flat=True).first()
    )
    if initiative_id is None:
        raise DomainError("Your organisation is not part of a vulnerability initiative.")
    return initiative_id


def person_create(*, user: User, data: dict[str, Any], confirmed_new: bool = False) -> Person:
    """Create a person for the user's organisation after checking for likely matches.

    Raises PossibleDuplicates (with index-card candidates) unless `confirmed_new`; NhsNumberTaken whatever
    is confirmed; ValidationFailed for bad input. Audited as "people.person_created".
    """
    require_perm(user, "people.create_person")
    data = _normalise({k: v for k, v in data.items() if k in PERSON_FIELDS})
    organisation_id = _acting_organisation_id(user)
    person = Person(
        **data,
        initiative_id=_initiative_for(user, organisation_id),
        created_by_organisation_id=organisation_id,
        created_by=user,
        modified_by=user,
    )
    _full_clean(person, exclude=["initiative", "created_by_organisation"])
    _check_nhs_number_free(person.nhs_number)
    if not confirmed_new:
        candidates = person_find_matches(
            user=user,
            criteria=MatchCriteria(
                given_name=person.given_name,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
                postcode=person.postcode,
                nhs_number=person.nhs_number or "",
            ),
        )
        if candidates:
            raise PossibleDuplicates(candidates)
    person.given_name_key = name_key(person.given_name)
    person.family_name_key = name_key(person.family_name)
    try:
        with transaction.atomic():
            person.save(force_insert=True)
            audit_record(
                user=user,
                verb="people.person_created",
                obj=person,
                person_id=person.pk,
                changes=field_changes({}, snapshot(person, PERSON_FIELDS)),
                reason="Confirmed not a duplicate of the likely matches shown" if confirmed_new else "",
            )
    except IntegrityError:
        _check_nhs_number_free(person.nhs_number)
        raise
    return person


def person_update(
    *, user: User, person: Person, version: int, data: dict[str, Any], reason: str = ""
) -> Person:
    """Change a person's details if nobody else has since the given version.

    Raises ConflictError for a stale version, NhsNumberTaken, ValidationFailed. Audited with before and after.
    """
    require_perm(user, "people.change_person", person, "You can read this record but not change it.")
    data = _normalise({k: v for k, v in data.items() if k in PERSON_FIELDS})
    before = snapshot(person, PERSON_FIELDS)
    candidate = Person.objects.get(pk=person.pk)
    for name, value in data.items():
        setattr(candidate, name, value)
    _full_clean(candidate, exclude=["initiative", "created_by_organisation"])
    _check_nhs_number_free(candidate.nhs_number, except_person_id=person.pk)
    changes = field_changes(before, snapshot(candidate, PERSON_FIELDS))
    if not changes:
        return person
    audited_write_if_version(
        user=user,
        obj=person,
        version=version,
        fields={
            **{name: getattr(candidate, name) for name in changes},
            "given_name_key": name_key(candidate.given_name),
            "family_name_key": name_key(candidate.family_name),
        },
        stale_message=stale_message("this record", then="check the record and make your changes again"),
        verb="people.person_changed",
        person_id=person.pk,
        changes=changes,  # what the user changed, not the search keys that follow from it
        reason=reason,
    )
    person.refresh_from_db()
    return person


def person_set_restricted(*, user: User, person: Person, restricted: bool, reason: str) -> Person:
    """Mark or unmark a person as needing extra protection; marking names the user so they keep access."""
    require_perm(user, "people.manage_restriction_person", person)
    if not reason.strip():
        raise ValidationFailed("Enter the reason for changing the restriction", field="reason")
    if person.is_restricted == restricted:
        return person
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(
            is_restricted=restricted, version=person.version + 1, modified_by=user, modified_at=clock.now()
        )
        if restricted:
            PersonRestrictedAccess.objects.get_or_create(
                person=person, user=user, defaults={"granted_by": user}
            )
        audit_record(
            user=user,
            verb="people.restriction_set" if restricted else "people.restriction_lifted",
            obj=person,
            person_id=person.pk,
            changes={"is_restricted": {"before": not restricted, "after": restricted}},
            reason=reason,
        )
    person.refresh_from_db()
    return person


def restricted_access_grant(
    *, user: User, person: Person, grantee: User, reason: str = ""
) -> PersonRestrictedAccess:
    require_perm(user, "people.manage_restriction_person", person)
    grantee_orgs = actor_for(grantee).organisation_ids
    if person.initiative_id not in actor_for(grantee).initiative_ids or not grantee_orgs:
        raise ValidationFailed("That user is not part of this initiative", field="user")
    with transaction.atomic():
        access, created = PersonRestrictedAccess.objects.get_or_create(
            person=person, user=grantee, defaults={"granted_by": user}
        )
        if created:
            audit_record(
                user=user,
                verb="people.restricted_access_granted",
                obj=person,
                person_id=person.pk,
                changes={"named_user": {"before": None, "after": grantee.pk}},
                reason=reason,
            )
    return access


def restricted_access_revoke(*, user: User, person: Person, grantee: User, reason: str = "") -> None:
    require_perm(user, "people.manage_restriction_person", person)
    with transaction.atomic():
        deleted, _ = PersonRestrictedAccess.objects.filter(person=person, user=grantee).delete()
        if deleted:
            audit_record(
                user=user,
                verb="people.restricted_access_revoked",
                obj=person,
                person_id=person.pk,
                changes={"named_user": {"before": grantee.pk, "after": None}},
                reason=reason,
            )


def break_glass_open(*, user: User, person: Person, reason: str) -> BreakGlassGrant:
    """Give the user time-limited access to a record they have no relationship with, on a stated reason.

    Refused for restricted people and for users who already have access. Flagged for the auditor's review.
    """
    if not reason or len(reason.strip()) < 10:
        raise ValidationFailed(
            "Explain why you need to open this record (at least 10 characters)", field="reason"
        )
    require_perm(
        user,
        "people.break_glass_person",
        person,
        "Break-glass access is not available for this record."
        if person.is_restricted
        else "You cannot use break-glass access for this record.",
    )
    actor = actor_for(user)
    allowed = break_glass_organisation_ids(user)
    organisation_id = (
        actor.primary_organisation_id if actor.primary_organisation_id in allowed else min(allowed)
    )
    opened = clock.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            person=person,
            user=user,
            organisation_id=organisation_id,
            reason=reason.strip(),
            opened_at=opened,
            expires_at=opened + datetime.timedelta(hours=settings.BREAK_GLASS_HOURS),
        )
        audit_record(
            user=user,
            verb="people.break_glass_opened",
            obj=grant,
            person_id=person.pk,
            changes={"expires_at": {"before": None, "after": grant.expires_at}},
            reason=grant.reason,
            organisation_id=organisation_id,
        )
    return grant


def break_glass_review(*, user: User, grant: BreakGlassGrant, note: str) -> BreakGlassGrant:
    require_perm(user, "people.review_break_glass", grant)
    if grant.reviewed_at:
        raise DomainError("This break-glass access has already been reviewed.")
    if not note.strip():
        raise ValidationFailed("Enter what you found when reviewing this access", field="note")
    with transaction.atomic():
        grant.reviewed_by, grant.reviewed_at, grant.review_note = user, clock.now(), note.strip()
        grant.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
        audit_record(
            user=user,
            verb="people.break_glass_reviewed",
            obj=grant,
            person_id=grant.person_id,
            changes={"review_note": {"before": "", "after": grant.review_note}},
        )
    return grant


# Households.


def household_name_for(person: Person) -> str:
    """The name of a household made for the person: never a restricted person's name, which every colleague
    who may see the household would read."""
    if person.is_restricted:
        return f"Household in {person.postcode_district}" if person.postcode_district else "Household"
    return f"{person.family_name} household"


def household_create(*, user: User, data: dict[str, Any]) -> Household:
    require_perm(user, "people.create_person")
    data = _normalise({k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS})
    organisation_id = _acting_organisation_id(user)
    household = Household(
        **data,
        initiative_id=_initiative_for(user, organisation_id),
        created_by_organisation_id=organisation_id,
        created_by=user,
        modified_by=user,
    )
    _full_clean(household, exclude=["initiative", "created_by_organisation"])
    with transaction.atomic():
        household.save(force_insert=True)
        audit_record(
            user=user,
            verb="people.household_created",
            obj=household,
            changes=field_changes({}, snapshot(household, HOUSEHOLD_FIELDS)),
        )
    return household


def household_update(*, user: User, household: Household, version: int, data: dict[str, Any]) -> Household:
    require_perm(user, "people.change_household", household)
    data = _normalise({k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS})
    before = snapshot(household, HOUSEHOLD_FIELDS)
    candidate = Household.objects.get(pk=household.pk)
    for name, value in data.items():
        setattr(candidate, name, value)
    _full_clean(candidate, exclude=["initiative", "created_by_organisation"])
    changes = field_changes(before, snapshot(candidate, HOUSEHOLD_FIELDS))
    if not changes:
        return household
    audited_write_if_version(
        user=user,
        obj=household,
        version=version,
        fields={name: getattr(candidate, name) for name in changes},
        stale_message=stale_message("this household", then="check it and make your changes again"),
        verb="people.household_changed",
    )
    household.refresh_from_db()
    return household


def household_move_person(
    *, user: User, person: Person, household: Household, role: str, start_date: datetime.date | None = None
) -> HouseholdMembership:
    """Move a person into a household from a date, ending their current household membership the day before.

    The earlier membership is kept as history. Audited against the person.
    """
    require_perm(user, "people.change_person", person, "You can read this record but not change it.")
    if household.initiative_id != person.initiative_id:
        raise ValidationFailed("That household belongs to another initiative", field="household")
    start = start_date or clock.today()
    with transaction.atomic():
        current = (
            HouseholdMembership.objects.select_for_update()
            .filter(person=person, end_date__isnull=True)
            .first()
        )
        if current is not None:
            if current.household_id == household.pk:
                raise DomainError(f"{person.full_name} already lives in this household.")
            if start <= current.start_date:
                raise ValidationFailed(
                    "The move must be after they joined their current household", field="start_date"
                )
            current.end_date = start - datetime.timedelta(days=1)
            current.modified_by = user
            current.save(update_fields=["end_date", "modified_by", "modified_at"])
        membership = HouseholdMembership.objects.create(
            household=household, person=person, role=role, start_date=start, created_by=user, modified_by=user
        )
        audit_record(
            user=user,
            verb="people.household_joined",
            obj=membership,
            person_id=person.pk,
            changes={
                "household": {"before": current.household_id if current else None, "after": household.pk},
                "role": {"before": current.role if current else None, "after": role},
                "start_date": {"before": None, "after": start.isoformat()},
            },
        )
    return membership


def household_leave(
    *, user: User, person: Person, end_date: datetime.date | None = None
) -> HouseholdMembership:
    require_perm(user, "people.change_person", person, "You can read this record but not change it.")
    end = end_date or clock.today()
    with transaction.atomic():
        current = (
            HouseholdMembership.objects.select_for_update()
            .filter(person=person, end_date__isnull=True)
            .first()
        )
        if current is None:
            raise DomainError(f"{person.full_name} is not living in a household on the record.")
        if end < current.start_date:
            raise ValidationFailed("The date they left must be after they joined", field="end_date")
        current.end_date = end
        current.modified_by = user
        current.save(update_fields=["end_date", "modified_by", "modified_at"])
        audit_record(
            user=user,
            verb="people.household_left",
            obj=current,
            person_id=person.pk,
            changes={"end_date": {"before": None, "after": end.isoformat()}},
        )
    return current


# Relationships between people.


def relationship_create(
    *,
    user: User,
    person: Person,
    related_person: Person,
    kind: str,
    description: str = "",
    start_date: datetime.date | None = None,
) -> PersonRelationship:
    require_perm(user, "people.change_person", person, "You can read this record but not change it.")
    if related_person.pk == person.pk:
        raise ValidationFailed("A person cannot be related to themselves", field="related_person")
    if related_person.initiative_id != person.initiative_id:
        raise ValidationFailed("That person is not in this initiative", field="related_person")
    if PersonRelationship.objects.filter(
        person=person, related_person=related_person, kind=kind, end_date__isnull=True
    ).exists():
        raise DomainError("This relationship is already recorded.")
    with transaction.atomic():
        rel = PersonRelationship.objects.create(
            person=person,
            related_person=related_person,
            kind=kind,
            description=description.strip(),
            start_date=start_date,
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="people.relationship_added",
            obj=rel,
            person_id=person.pk,
            changes={
                "related_person": {"before": None, "after": related_person.pk},
                "kind": {"before": None, "after": kind},
            },
        )
    return rel


def relationship_end(
    *, user: User, relationship: PersonRelationship, end_date: datetime.date | None = None
) -> None:
    require_perm(
        user, "people.change_person", relationship.person, "You can read this record but not change it."
    )
    if relationship.end_date:
        raise DomainError("This relationship has already ended.")
    with transaction.atomic():
        relationship.end_date = end_date or clock.today()
        relationship.modified_by = user
        relationship.save(update_fields=["end_date", "modified_by", "modified_at"])
        audit_record(
            user=user,
            verb="people.relationship_ended",
            obj=relationship,
            person_id=relationship.person_id,
            changes={"end_date": {"before": None, "after": relationship.end_date.isoformat()}},
        )


# People and households found by Identify's record matching (risk.linking): written in bulk by a matching run.


def people_create_from_matching(
    *, initiative_id: int, organisation_id: int, created_by: User | None, rows: list[dict[str, Any]]
) -> list[Person]:
    """Create the people that record matching found to be new, in one statement, each audited as
    "people.person_created" (reason: record matching). Each row has given_name, family_name, date_of_birth
    (a date or None), nhs_number (a valid number or None), postcode, uprn and address_line_1; an NHS number
    that another person has already is left off (the person is created without it)."""
    if not rows:
        return []
    numbers = {row["nhs_number"] for row in rows if row.get("nhs_number")}
    taken = set(Person.objects.filter(nhs_number__in=numbers).values_list("nhs_number", flat=True))
    people = []
    for row in rows:
        nhs_number = row.get("nhs_number") or None
        if nhs_number in taken:
            nhs_number = None
        if nhs_number:
            taken.add(nhs_number)
        given_name = (row.get("given_name") or "")[:100]
        family_name = (row.get("family_name") or "")[:100]
        people.append(
            Person(
                initiative_id=initiative_id,
                created_by_organisation_id=organisation_id,
                given_name=given_name,
                family_name=family_name,
                given_name_key=name_key(given_name),
                family_name_key=name_key(family_name),
                date_of_birth=row.get("date_of_birth"),
                nhs_number=nhs_number,
                postcode=(row.get("postcode") or "")[:8],
                uprn=row.get("uprn"),
                address_line_1=(row.get("address_line_1") or "")[:200],
                created_by=created_by,
                modified_by=created_by,
            )
        )
    with transaction.atomic():
        created = Person.objects.bulk_create(people)
        audit_record_many(
            [
                {
                    "user": created_by,
                    "verb": "people.person_created",
                    "obj": person,
                    "person_id": person.pk,
                    "changes": field_changes({}, snapshot(person, PERSON_FIELDS)),
                    "reason": "Found to be a new person by record matching (Identify)",
                    "organisation_id": organisation_id,
                }
                for person in created
            ]
        )
    return created


def _address_key(uprn: int | None, postcode: str, address_line_1: str) -> str:
    if uprn:
        return f"uprn:{uprn}"
    line = re.sub(r"[^A-Z0-9]", "", (address_line_1 or "").upper())
    compact = re.sub(r"\s+", "", (postcode or "").upper())
    return f"address:{compact}:{line}" if line and compact else ""


def households_place_from_matching(
    *,
    initiative_id: int,
    organisation_id: int,
    created_by: User | None,
    placements: list[dict[str, Any]],
    start_date: datetime.date,
) -> int:
    """Put people matched to the same address in the same household: by UPRN, or where there is none by the
    normalised postcode and first address line. Each placement has person_id, uprn, postcode and
    address_line_1. A household with the address is reused, else one is made. A person already living
    there is left alone; a person living elsewhere since before start_date moves (the earlier membership ends
    the day before); otherwise they are left where they are. Audited as the people services do. Returns how
    many people joined a household."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for placement in placements:
        key = _address_key(
            placement.get("uprn"), placement.get("postcode", ""), placement.get("address_line_1", "")
        )
        if key:
            by_key.setdefault(key, []).append(placement)
    if not by_key:
        return 0
    joined = 0
    events: list[dict[str, Any]] = []
    with transaction.atomic():
        uprns = [int(key[5:]) for key in by_key if key.startswith("uprn:")]
        households: dict[str, Household] = {}
        for found in Household.objects.filter(initiative_id=initiative_id, uprn__in=uprns).order_by("pk"):
            households.setdefault(f"uprn:{found.uprn}", found)
        postcodes = {
            p["postcode"] for key, rows in by_key.items() if key.startswith("address:") for p in rows
        }
        for found in Household.objects.filter(
            initiative_id=initiative_id, uprn__isnull=True, postcode__in=postcodes
        ).order_by("pk"):
            households.setdefault(_address_key(None, found.postcode, found.address_line_1), found)
        person_ids = [p["person_id"] for rows in by_key.values() for p in rows]
        current = {
            m.person_id: m
            for m in HouseholdMembership.objects.select_for_update().filter(
                person_id__in=person_ids, end_date__isnull=True
            )
        }
        people = {p.pk: p for p in Person.objects.filter(pk__in=person_ids)}
        for key, rows in by_key.items():
            household = households.get(key)
            if household is None:
                first = rows[0]
                person = people[first["person_id"]]
                household = Household.objects.create(
                    initiative_id=initiative_id,
                    created_by_organisation_id=organisation_id,
                    name=household_name_for(person),
                    postcode=(first.get("postcode") or "")[:8],
                    uprn=first.get("uprn"),
                    address_line_1=(first.get("address_line_1") or "")[:200],
                    created_by=created_by,
                    modified_by=created_by,
                )
                households[key] = household
                events.append(
                    {
                        "user": created_by,
                        "verb": "people.household_created",
                        "obj": household,
                        "changes": field_changes({}, snapshot(household, HOUSEHOLD_FIELDS)),
                        "organisation_id": organisation_id,
                    }
                )
            for placement in rows:
                person_id = placement["person_id"]
                membership = current.get(person_id)
                if membership is not None:
                    if membership.household_id == household.pk or membership.start_date >= start_date:
                        continue
                    membership.end_date = start_date - datetime.timedelta(days=1)
                    membership.modified_by = created_by
                    membership.save(update_fields=["end_date", "modified_by", "modified_at"])
                new = HouseholdMembership.objects.create(
                    household=household,
                    person_id=person_id,
                    start_date=start_date,
                    created_by=created_by,
                    modified_by=created_by,
                )
                current[person_id] = new
                joined += 1
                events.append(
                    {
                        "user": created_by,
                        "verb": "people.household_joined",
                        "obj": new,
                        "person_id": person_id,
                        "changes": {
                            "household": {
                                "before": membership.household_id if membership else None,
                                "after": household.pk,
                            },
                            "start_date": {"before": None, "after": start_date.isoformat()},
                        },
                        "reason": "Matched to the household's address by record matching (Identify)",
                        "organisation_id": organisation_id,
                    }
                )
        audit_record_many(events)
    return joined


def person_dispose(*, person_id: int) -> int:
    """Delete a person's record with their household memberships, relationships and break-glass grants, once
    every other app has deleted what it holds about them (retention). The caller has checked
    retention.govern_records and the appraisal, and audits the disposal; returns rows deleted. Raises
    django's ProtectedError while records elsewhere still refer to the person."""
    deleted = HouseholdMembership.objects.filter(person_id=person_id).delete()[0]
    deleted += BreakGlassGrant.objects.filter(person_id=person_id).delete()[0]
    return deleted + Person.objects.filter(pk=person_id).delete()[0]
