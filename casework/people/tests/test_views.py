"""People pages: the happy path and the refusal for each, and bad input changing nothing."""

import datetime

import pytest
from django.urls import reverse

from casework.audit.models import AccessEvent, AuditEvent
from casework.people.models import BreakGlassGrant, Person
from tests.factories import PersonFactory, found_in_search


def test_signed_out_users_are_sent_to_sign_in(client, world):
    response = client.get(reverse("people:person_detail", args=[world.person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_full_record_is_shown_and_the_view_audited(login, world):
    response = login(world.practitioner).get(reverse("people:person_detail", args=[world.person.pk]))
    assert response.status_code == 200
    assert b"Margaret Thornton" in response.content
    assert b"943 476 5919" in response.content
    event = AccessEvent.objects.get(verb="people.record_viewed")
    assert (event.actor, event.person_id) == (world.practitioner, world.person.pk)


@pytest.mark.parametrize("who", ["district_worker", "outsider", "org_admin", "delivery_worker", "no_roles"])
def test_no_relationship_gets_the_same_404_as_no_such_record(login, world, who):
    client = login(getattr(world, who))
    refused = client.get(reverse("people:person_detail", args=[world.person.pk]))
    missing = client.get(reverse("people:person_detail", args=[999999]))
    assert refused.status_code == missing.status_code == 404
    assert b"943 476 5919" not in refused.content and b"Casework ID" not in refused.content


def test_restricted_record_is_hidden_from_colleagues_not_named(login, world):
    url = reverse("people:person_detail", args=[world.restricted_person.pk])
    assert login(world.practitioner2).get(url).status_code == 404
    assert login(world.team_manager).get(url).status_code == 404
    assert login(world.practitioner).get(url).status_code == 200


def test_index_search_by_name_and_date_of_birth_shows_cards_only(login, world):
    client = login(world.district_worker)
    dob = world.person.date_of_birth
    response = client.get(
        reverse("people:person_search"),
        {
            "family_name": "thornton",
            "date_of_birth_0": dob.day,
            "date_of_birth_1": dob.month,
            "date_of_birth_2": dob.year,
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Margaret Thornton" in content
    assert str(dob.year) in content
    assert "RG40" in content
    assert "943 476 5919" not in content  # the index card does not show the NHS number
    assert "Break-glass access" in content
    event = AccessEvent.objects.get(verb="people.index_searched")
    assert event.details["results"] == [world.person.pk]


def test_index_search_by_nhs_number(login, world):
    response = login(world.duty_officer).get(reverse("people:person_search"), {"nhs_number": "943 476 5919"})
    assert b"Margaret Thornton" in response.content


def test_no_browsing_the_index(login, world):
    response = login(world.duty_officer).get(reverse("people:person_search"), {"family_name": "Thornton"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter a date of birth" in response.content
    assert not AccessEvent.objects.filter(verb="people.index_searched").exists()


def test_index_search_refused_without_a_casework_role(login, world):
    assert login(world.org_admin).get(reverse("people:person_search")).status_code == 403


def test_index_search_does_not_reach_another_initiative(login, world):
    response = login(world.outsider).get(reverse("people:person_search"), {"nhs_number": "9434765919"})
    assert b"Margaret" not in response.content
    assert b"No one found" in response.content


def _person_post(**overrides):
    data = {
        "given_name": "Joan",
        "family_name": "Whitfield",
        "date_of_birth_0": "3",
        "date_of_birth_1": "6",
        "date_of_birth_2": "1941",
        "postcode": "rg41 2bd",
        "nhs_number": "",
        "preferred_language": "English",
    }
    data.update(overrides)
    return data


def test_create_person_then_view(login, world):
    client = login(world.practitioner)
    response = client.post(reverse("people:person_create"), _person_post())
    person = Person.objects.get(given_name="Joan")
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert person.postcode == "RG41 2BD"


def test_create_offers_the_duplicate_and_creates_only_when_confirmed(login, world):
    PersonFactory(
        created_by_organisation=world.county,
        given_name="Joan",
        family_name="Whitfield",
        date_of_birth=datetime.date(1941, 6, 3),
        postcode="RG41 2BD",
    )
    client = login(world.practitioner)
    response = client.post(reverse("people:person_create"), _person_post())
    assert response.status_code == 200
    assert b"Check the likely matches" in response.content
    assert Person.objects.filter(given_name="Joan").count() == 1
    response = client.post(reverse("people:person_create"), _person_post(confirmed_new="yes"))
    assert response.status_code == 302
    assert Person.objects.filter(given_name="Joan").count() == 2


def test_create_with_bad_input_shows_the_error_summary_and_creates_nothing(login, world):
    response = login(world.practitioner).post(
        reverse("people:person_create"),
        _person_post(nhs_number="1234567890", postcode="nowhere", date_of_birth_1="13"),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "check digit" in content
    assert "real postcode" in content
    assert not Person.objects.filter(given_name="Joan").exists()


def test_create_refused_for_read_only_roles(login, world):
    assert login(world.case_manager).get(reverse("people:person_create")).status_code == 403


def test_edit_with_a_bad_postcode_shows_the_error_and_keeps_the_record(login, world):
    client = login(world.practitioner)
    url = reverse("people:person_edit", args=[world.person.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _person_post(
            given_name="Margaret",
            family_name="Thornton",
            postcode="XX",
            version=world.person.version,
            nhs_number="9434765919",
        ),
    )
    assert b"There is a problem" in response.content
    world.person.refresh_from_db()
    assert world.person.postcode == "RG40 1AA"
    assert world.person.given_name == "Margaret"
    assert not AuditEvent.objects.filter(verb="people.person_changed").exists()


def test_edit_with_a_stale_version_is_refused_with_a_message(login, world):
    client = login(world.practitioner)
    url = reverse("people:person_edit", args=[world.person.pk])
    Person.objects.filter(pk=world.person.pk).update(version=5, phone="0118 000")
    response = client.post(
        url,
        _person_post(
            given_name="Margaret", family_name="Thornton", version=1, nhs_number="9434765919", phone="0999"
        ),
    )
    assert b"Somebody else changed this record" in response.content
    world.person.refresh_from_db()
    assert world.person.phone == "0118 000"


def test_edit_refused_for_read_only_and_unrelated_users(login, world):
    url = reverse("people:person_edit", args=[world.person.pk])
    assert login(world.case_manager).get(url).status_code == 403
    assert login(world.district_worker).get(url).status_code == 404


def test_break_glass_opens_the_record_for_a_while_and_is_listed_for_review(login, world, client):
    client = login(world.district_worker)
    url = reverse("people:person_break_glass", args=[world.person.pk])
    assert client.get(url).status_code == 404  # not without a search that found the person
    found_in_search(world.district_worker, world.person)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Urgent call about an eviction notice today"})
    assert response.status_code == 302
    assert client.get(reverse("people:person_detail", args=[world.person.pk])).status_code == 200
    viewed = AccessEvent.objects.filter(verb="people.record_viewed").last()
    assert viewed.reason.startswith("Break-glass")
    grant = BreakGlassGrant.objects.get()
    client.force_login(world.district_auditor)
    response = client.get(reverse("people:break_glass_review_list"))
    assert b"Urgent call about an eviction" in response.content
    response = client.post(reverse("people:break_glass_review", args=[grant.pk]), {"note": "Justified"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_at is not None


def test_break_glass_review_is_only_for_auditors_of_that_organisation(login, world):
    from casework.people import services

    grant = services.break_glass_open(
        user=world.district_worker, person=world.person, reason="Urgent call about an eviction notice today"
    )
    assert login(world.practitioner).get(reverse("people:break_glass_review_list")).status_code == 403
    assert login(world.auditor).get(reverse("people:break_glass_review", args=[grant.pk])).status_code == 404


def test_break_glass_refused_for_restricted_people(login, world):
    url = reverse("people:person_break_glass", args=[world.restricted_person.pk])
    found_in_search(world.district_worker, world.restricted_person)
    assert login(world.district_worker).get(url).status_code == 403


def test_auditor_sees_who_viewed_and_changed(login, world):
    login(world.practitioner).get(reverse("people:person_detail", args=[world.person.pk]))
    response = login(world.auditor).get(reverse("people:person_audit", args=[world.person.pk]))
    assert response.status_code == 200
    assert world.practitioner.display_name.encode() in response.content


def test_audit_page_refused_to_non_auditors(login, world):
    assert (
        login(world.practitioner).get(reverse("people:person_audit", args=[world.person.pk])).status_code
        == 403
    )


def test_household_pages(login, world):
    client = login(world.practitioner)
    response = client.post(
        reverse("people:household_create"), {"name": "Thornton household", "postcode": "rg40 1aa"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("people:person_move_household", args=[world.person.pk]),
        {"household": response["Location"].rstrip("/").split("/")[-1], "role": "householder"},
    )
    assert response.status_code == 302
    detail = client.get(reverse("people:person_detail", args=[world.person.pk]))
    assert b"Thornton household" in detail.content
    household = world.person.household_memberships.get().household
    page = client.get(household.get_absolute_url())
    assert b"Margaret Thornton" in page.content
    assert login(world.district_worker).get(household.get_absolute_url()).status_code == 404


def test_relationship_added_from_the_person_page(login, world):
    carer = PersonFactory(created_by_organisation=world.county, given_name="Carol", family_name="Thornton")
    client = login(world.practitioner)
    response = client.post(
        reverse("people:person_relationship_add", args=[world.person.pk]),
        {"related_person": carer.pk, "kind": "carer", "description": "daughter"},
    )
    assert response.status_code == 302
    assert b"Carol Thornton" in client.get(world.person.get_absolute_url()).content


def test_restriction_page(login, world):
    client = login(world.team_manager)
    url = reverse("people:person_restriction", args=[world.person.pk])
    response = client.post(url, {"action": "restriction", "restricted": "yes", "reason": "Protection order"})
    assert response.status_code == 302
    world.person.refresh_from_db()
    assert world.person.is_restricted
    assert login(world.practitioner2).get(url).status_code == 404


def test_opening_the_restriction_page_is_recorded_and_refused_ones_are_not(login, world):
    from casework.audit.models import AccessEvent

    url = reverse("people:person_restriction", args=[world.person.pk])
    assert login(world.district_worker).get(url).status_code == 404
    assert not AccessEvent.objects.filter(verb="people.restriction_opened").exists()
    assert login(world.team_manager).get(url).status_code == 200
    event = AccessEvent.objects.get(verb="people.restriction_opened")
    assert (event.actor_id, event.person_id) == (world.team_manager.pk, world.person.pk)


def test_index_card_shows_who_is_responsible_for_open_cases(login, world):
    from casework.allocation.services import case_accept
    from tests.factories import CaseFactory

    case = case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    response = login(world.district_worker).get(reverse("people:person_search"), {"nhs_number": "9434765919"})
    content = response.content.decode()
    assert (
        f"{case.reference}: Test County Council, Locality Team North, {world.practitioner.get_full_name()}"
        in content
    )


def test_person_page_lists_cases_and_offers_to_raise_one(login, world):
    from tests.factories import CaseFactory

    case = CaseFactory(person=world.person)
    response = login(world.practitioner).get(world.person.get_absolute_url())
    assert case.reference.encode() in response.content
    assert b"Raise a case" in response.content


def test_a_long_bad_postcode_gets_the_postcode_message_not_a_length_one(login, world):
    response = login(world.practitioner).post(
        reverse("people:person_create"), _person_post(postcode="NOT A POSTCODE AT ALL")
    )
    content = response.content.decode()
    assert "Enter a real postcode" in content
    assert "at most 8 characters" not in content
    assert 'maxlength="8"' not in content
