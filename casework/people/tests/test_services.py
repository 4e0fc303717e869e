"""Creating and changing people and households: validation, duplicates, conflicts, and an audit event for
each."""

import datetime

import pytest

from casework.audit.models import AccessEvent, AuditEvent
from casework.core.errors import ConflictError, PermissionRefused, ValidationFailed
from casework.people import services
from casework.people.errors import NhsNumberTaken, PossibleDuplicates
from casework.people.models import HouseholdMembership, Person
from tests.factories import HouseholdFactory, PersonFactory


def _data(**overrides):
    data = {
        "given_name": "Joan",
        "family_name": "Whitfield",
        "date_of_birth": datetime.date(1941, 6, 3),
        "postcode": "rg41 2bd",
        "nhs_number": "401 023 2137",
    }
    data.update(overrides)
    return data


def test_create_normalises_identifiers_and_records_who_and_where(world):
    person = services.person_create(user=world.practitioner, data=_data())
    assert person.nhs_number == "4010232137"
    assert person.postcode == "RG41 2BD"
    assert person.created_by_organisation == world.county
    assert person.initiative == world.initiative
    assert person.family_name_key == "WTFLT"  # the metaphone key, which Whitfeild shares
    event = AuditEvent.objects.get(verb="people.person_created")
    assert event.actor == world.practitioner
    assert event.organisation == world.county
    assert event.person_id == person.pk
    assert event.changes["nhs_number"] == {"before": None, "after": "4010232137"}


def test_create_offers_likely_matches_before_creating(world):
    existing = PersonFactory(
        created_by_organisation=world.district,
        given_name="Joan",
        family_name="Whitfeld",
        date_of_birth=datetime.date(1941, 6, 3),
        postcode="RG41 2BD",
    )
    with pytest.raises(PossibleDuplicates) as error:
        services.person_create(user=world.practitioner, data=_data(nhs_number=""))
    assert [card.person_id for card in error.value.candidates] == [existing.pk]
    # The worker sees an index card only: they have no relationship with the district's person.
    assert error.value.candidates[0].can_open is False
    assert not Person.objects.filter(given_name="Joan", created_by_organisation=world.county).exists()
    assert AccessEvent.objects.filter(verb="people.duplicates_checked").exists()


def test_similar_sounding_name_with_close_birth_date_is_a_likely_match(world):
    existing = PersonFactory(
        created_by_organisation=world.county,
        given_name="Katherine",
        family_name="Smyth",
        date_of_birth=datetime.date(1950, 3, 1),
        postcode="SN1 1AA",
    )
    with pytest.raises(PossibleDuplicates) as error:
        services.person_create(
            user=world.practitioner,
            data=_data(
                given_name="Catherine",
                family_name="Smith",
                date_of_birth=datetime.date(1950, 3, 2),
                nhs_number="",
                postcode="",
            ),
        )
    assert existing.pk in [card.person_id for card in error.value.candidates]


def test_unrelated_person_is_not_offered(world):
    PersonFactory(
        created_by_organisation=world.county,
        given_name="Peter",
        family_name="Jones",
        date_of_birth=datetime.date(1980, 1, 1),
        postcode="SN1 1AA",
    )
    person = services.person_create(user=world.practitioner, data=_data(nhs_number=""))
    assert person.pk


def test_confirmed_new_person_is_created_despite_matches(world):
    PersonFactory(
        created_by_organisation=world.county,
        given_name="Joan",
        family_name="Whitfield",
        date_of_birth=datetime.date(1941, 6, 3),
        postcode="RG41 2BD",
    )
    person = services.person_create(user=world.practitioner, data=_data(nhs_number=""), confirmed_new=True)
    assert "Confirmed not a duplicate" in AuditEvent.objects.get(verb="people.person_created").reason
    assert person.pk


def test_an_nhs_number_belongs_to_only_one_person_even_when_confirmed(world):
    with pytest.raises(NhsNumberTaken):
        services.person_create(
            user=world.district_worker, data=_data(nhs_number="9434765919"), confirmed_new=True
        )
    assert Person.objects.filter(nhs_number="9434765919").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nhs_number", "1234567890", "check digit"),
        ("postcode", "NOWHERE", "real postcode"),
        ("date_of_birth", datetime.date.today() + datetime.timedelta(days=1), "in the past"),
        ("date_of_death", datetime.date(1930, 1, 1), "after the date of birth"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_changes_nothing(world, field, value, message):
    before = Person.objects.count()
    with pytest.raises(ValidationFailed) as error:
        services.person_create(user=world.practitioner, data=_data(**{field: value}), confirmed_new=True)
    assert error.value.field == field
    assert message in error.value.message
    assert Person.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_people_without_a_casework_role_cannot_create(world):
    for user in (world.org_admin, world.auditor, world.case_manager, world.no_roles):
        with pytest.raises(PermissionRefused):
            services.person_create(user=user, data=_data(), confirmed_new=True)


def test_update_records_before_and_after(world):
    person = world.person
    services.person_update(
        user=world.practitioner,
        person=person,
        version=person.version,
        data={"postcode": "rg40 9zz", "phone": "0118 496 0000"},
        reason="Moved",
    )
    person.refresh_from_db()
    assert person.postcode == "RG40 9ZZ"
    assert person.version == 2
    event = AuditEvent.objects.get(verb="people.person_changed")
    assert event.changes["postcode"] == {"before": "RG40 1AA", "after": "RG40 9ZZ"}
    assert event.changes["phone"] == {"before": "", "after": "0118 496 0000"}
    assert event.reason == "Moved"


def test_a_stale_edit_is_refused_and_the_other_edit_survives(world):
    person = world.person
    stale_version = person.version
    services.person_update(
        user=world.practitioner, person=person, version=stale_version, data={"phone": "01"}
    )
    with pytest.raises(ConflictError):
        services.person_update(
            user=world.practitioner2,
            person=Person.objects.get(pk=person.pk),
            version=stale_version,
            data={"email": "late@example.com"},
        )
    person.refresh_from_db()
    assert person.phone == "01"
    assert person.email == ""
    assert AuditEvent.objects.filter(verb="people.person_changed").count() == 1


def test_a_rejected_update_leaves_the_record_as_it_was(world):
    person = world.person
    with pytest.raises(ValidationFailed):
        services.person_update(
            user=world.practitioner,
            person=person,
            version=person.version,
            data={"postcode": "BAD", "phone": "0999"},
        )
    person.refresh_from_db()
    assert person.postcode == "RG40 1AA"
    assert person.phone == ""
    assert person.version == 1


def test_read_only_users_cannot_update(world):
    with pytest.raises(PermissionRefused):
        services.person_update(user=world.case_manager, person=world.person, version=1, data={"phone": "1"})


def test_moving_household_keeps_history(world):
    first = HouseholdFactory(created_by_organisation=world.county)
    second = HouseholdFactory(created_by_organisation=world.county)
    services.household_move_person(
        user=world.practitioner,
        person=world.person,
        household=first,
        role="householder",
        start_date=datetime.date(2020, 1, 1),
    )
    services.household_move_person(
        user=world.practitioner,
        person=world.person,
        household=second,
        role="other_relative",
        start_date=datetime.date(2025, 5, 1),
    )
    memberships = list(HouseholdMembership.objects.filter(person=world.person).order_by("start_date"))
    assert [(m.household_id, m.end_date) for m in memberships] == [
        (first.pk, datetime.date(2025, 4, 30)),
        (second.pk, None),
    ]
    assert AuditEvent.objects.filter(verb="people.household_joined", person_id=world.person.pk).count() == 2


def test_relationships_cannot_point_at_oneself(world):
    with pytest.raises(ValidationFailed):
        services.relationship_create(
            user=world.practitioner, person=world.person, related_person=world.person, kind="carer"
        )


def test_relationship_is_recorded_and_ended(world):
    carer = PersonFactory(created_by_organisation=world.county)
    rel = services.relationship_create(
        user=world.practitioner,
        person=world.person,
        related_person=carer,
        kind="carer",
        description="daughter",
    )
    services.relationship_end(user=world.practitioner, relationship=rel)
    rel.refresh_from_db()
    assert rel.end_date is not None
    verbs = list(AuditEvent.objects.values_list("verb", flat=True))
    assert verbs == ["people.relationship_added", "people.relationship_ended"]


def test_break_glass_needs_a_reason_and_is_flagged(world):
    with pytest.raises(ValidationFailed):
        services.break_glass_open(user=world.district_worker, person=world.person, reason="short")
    grant = services.break_glass_open(
        user=world.district_worker,
        person=world.person,
        reason="Person rang the district about an eviction today",
    )
    assert grant.organisation == world.district
    assert (grant.expires_at - grant.opened_at) == datetime.timedelta(hours=4)
    event = AuditEvent.objects.get(verb="people.break_glass_opened")
    assert event.reason == grant.reason


def test_break_glass_is_refused_for_a_restricted_person(world):
    with pytest.raises(PermissionRefused):
        services.break_glass_open(
            user=world.district_worker,
            person=world.restricted_person,
            reason="I would like to see this record please",
        )


def test_break_glass_is_reviewed_by_the_auditor_of_the_users_organisation(world):
    grant = services.break_glass_open(
        user=world.district_worker,
        person=world.person,
        reason="Person rang the district about an eviction today",
    )
    with pytest.raises(PermissionRefused):
        services.break_glass_review(user=world.auditor, grant=grant, note="Looks fine")
    services.break_glass_review(user=world.district_auditor, grant=grant, note="Justified: urgent call")
    grant.refresh_from_db()
    assert grant.reviewed_by == world.district_auditor


def test_restricting_names_the_user_and_hides_the_record_from_colleagues(world):
    from casework.people import policies

    services.person_set_restricted(
        user=world.team_manager, person=world.person, restricted=True, reason="Fleeing domestic abuse"
    )
    world.person.refresh_from_db()
    assert world.person.is_restricted
    assert policies.can_view_person(world.team_manager, world.person)
    assert not policies.can_view_person(world.practitioner2, world.person)
    services.restricted_access_grant(
        user=world.team_manager, person=world.person, grantee=world.practitioner2
    )
    assert policies.can_view_person(world.practitioner2, world.person)
    assert AuditEvent.objects.filter(verb="people.restriction_set").exists()
    assert AuditEvent.objects.filter(verb="people.restricted_access_granted").exists()
