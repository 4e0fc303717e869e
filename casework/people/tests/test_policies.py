"""Who may see and change people's records: a persona × record matrix, and the predicates agree with their
twins."""

import datetime

import pytest

from casework.core import clock
from casework.people import policies, selectors
from casework.people.models import BreakGlassGrant

COUNTY_READERS = {"practitioner", "practitioner2", "team_manager", "duty_officer", "case_manager", "auditor"}
COUNTY_EDITORS = {"practitioner", "practitioner2", "team_manager", "duty_officer"}

EXPECTED_VIEW = {
    "person": COUNTY_READERS,
    "restricted_person": {"practitioner"},
    "district_person": {"district_worker", "district_auditor"},
    "elsewhere_person": {"outsider"},
}
EXPECTED_CHANGE = {
    "person": COUNTY_EDITORS,
    "restricted_person": {"practitioner"},
    "district_person": {"district_worker"},
    "elsewhere_person": {"outsider"},
}


@pytest.mark.parametrize("record", sorted(EXPECTED_VIEW))
def test_full_record_visibility_matrix(persona, world, record):
    name, user = persona
    person = getattr(world, record)
    assert policies.can_view_person(user, person) is (name in EXPECTED_VIEW[record])


@pytest.mark.parametrize("record", sorted(EXPECTED_CHANGE))
def test_change_matrix(persona, world, record):
    name, user = persona
    person = getattr(world, record)
    assert policies.can_change_person(user, person) is (name in EXPECTED_CHANGE[record])


def test_predicates_agree_with_their_queryset_twins_for_every_persona(persona, world):
    _name, user = persona
    everyone = [world.person, world.restricted_person, world.district_person, world.elsewhere_person]
    visible = set(selectors.person_list_visible(user=user).values_list("pk", flat=True))
    changeable = set(selectors.person_list_changeable(user=user).values_list("pk", flat=True))
    for person in everyone:
        assert (person.pk in visible) is policies.can_view_person(user, person), person
        assert (person.pk in changeable) is policies.can_change_person(user, person), person


def test_twins_agree_under_break_glass(world):
    now = clock.now()
    BreakGlassGrant.objects.create(
        person=world.person,
        user=world.district_worker,
        organisation=world.district,
        reason="Urgent call from the person",
        opened_at=now,
        expires_at=now + datetime.timedelta(hours=4),
    )
    assert policies.can_view_person(world.district_worker, world.person)
    assert selectors.person_list_visible(user=world.district_worker).filter(pk=world.person.pk).exists()
    # Break-glass opens the record for reading only.
    assert not policies.can_change_person(world.district_worker, world.person)


def test_expired_break_glass_gives_nothing(world):
    past = clock.now() - datetime.timedelta(hours=5)
    BreakGlassGrant.objects.create(
        person=world.person,
        user=world.district_worker,
        organisation=world.district,
        reason="Old access reason",
        opened_at=past,
        expires_at=past + datetime.timedelta(hours=4),
    )
    assert not policies.can_view_person(world.district_worker, world.person)
    assert not selectors.person_list_visible(user=world.district_worker).filter(pk=world.person.pk).exists()


INDEX_SEARCHERS = COUNTY_READERS | {"district_worker", "delivery_worker", "outsider"}


def test_index_search_is_for_people_doing_casework(persona):
    name, user = persona
    expected = name in (INDEX_SEARCHERS - {"auditor"})
    assert policies.can_search_index(user) is expected


def test_index_card_only_within_the_initiative(world):
    assert policies.can_view_index_card(world.district_worker, world.person)
    assert not policies.can_view_index_card(world.outsider, world.person)


def test_break_glass_is_refused_for_restricted_people_and_for_those_with_access(world):
    assert policies.can_break_glass(world.district_worker, world.person)
    assert not policies.can_break_glass(world.district_worker, world.restricted_person)
    assert not policies.can_break_glass(world.practitioner, world.person)  # already has access
    assert not policies.can_break_glass(world.outsider, world.person)  # another initiative
    assert not policies.can_break_glass(world.org_admin, world.person)  # no casework role


def test_restriction_is_managed_by_named_users_and_managers(world):
    assert policies.can_manage_restriction(world.practitioner, world.restricted_person)
    assert policies.can_manage_restriction(world.team_manager, world.restricted_person)
    assert policies.can_manage_restriction(world.org_admin, world.restricted_person)
    assert not policies.can_manage_restriction(world.practitioner2, world.restricted_person)
    assert not policies.can_manage_restriction(world.district_worker, world.restricted_person)


def test_only_auditors_of_a_related_organisation_see_the_audit_trail(world):
    assert policies.can_view_person_audit(world.auditor, world.person)
    assert not policies.can_view_person_audit(world.practitioner, world.person)
    assert not policies.can_view_person_audit(world.district_auditor, world.person)
    assert not policies.can_view_person_audit(world.auditor, world.restricted_person)
