"""Issue 12: index cards only from the user's own search; break-glass only for lead and responsible
organisations."""

import datetime

import pytest
from django.urls import reverse

from casework.core import clock
from casework.people import selectors, services
from casework.people.models import BreakGlassGrant
from tests.factories import found_in_search

CARD = "people:person_index_card"


def test_a_card_by_id_alone_is_not_found_and_shows_nothing(login, world):
    client = login(world.district_worker)
    response = client.get(reverse(CARD, args=[world.person.pk]))
    assert response.status_code == 404
    assert world.person.family_name not in response.content.decode()


def test_a_card_opens_once_the_same_user_has_found_the_person(login, world):
    found_in_search(world.district_worker, world.person)
    response = login(world.district_worker).get(reverse(CARD, args=[world.person.pk]))
    assert response.status_code == 200
    assert "Margaret Thornton" in response.content.decode()
    # Only the people the search found: walking to the next id finds nothing.
    assert (
        login(world.district_worker).get(reverse(CARD, args=[world.restricted_person.pk])).status_code == 404
    )


def test_another_users_search_opens_nothing_for_me(login, world):
    found_in_search(world.duty_officer, world.person)
    assert login(world.district_worker).get(reverse(CARD, args=[world.person.pk])).status_code == 404


def test_a_found_card_closes_after_index_card_minutes(login, world, settings):
    settings.INDEX_CARD_MINUTES = 30
    found_in_search(world.district_worker, world.person)
    later = clock.now() + datetime.timedelta(minutes=31)
    with clock.frozen_at(later):
        assert login(world.district_worker).get(reverse(CARD, args=[world.person.pk])).status_code == 404
        # Searching again opens it again, and clears what had expired.
        found_in_search(world.district_worker, world.person)
        assert login(world.district_worker).get(reverse(CARD, args=[world.person.pk])).status_code == 200


@pytest.mark.parametrize("who", ["duty_officer", "practitioner"])
def test_the_duty_call_page_needs_the_person_found_first(login, world, who):
    user = getattr(world, who)
    url = reverse("contacts:duty_call", args=[world.district_person.pk])
    response = login(user).get(url)
    assert response.status_code == 404 and "Marsh" not in response.content.decode()
    found_in_search(user, world.district_person)
    assert login(user).get(url).status_code == 200


def test_a_delivery_organisation_cannot_break_glass(login, world):
    found_in_search(world.delivery_worker, world.person)
    client = login(world.delivery_worker)
    url = reverse("people:person_break_glass", args=[world.person.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"reason": "Urgent call about a food parcel today"})
    assert response.status_code == 403
    assert not BreakGlassGrant.objects.exists()
    assert client.get(reverse("people:person_detail", args=[world.person.pk])).status_code == 404
    # The card it found offers no break-glass either.
    [card] = selectors.person_index_search(user=world.delivery_worker, nhs_number=world.person.nhs_number)
    assert (card.can_open, card.can_break_glass) == (False, False)


def test_a_grant_held_by_a_delivery_worker_opens_nothing(api, world):
    # However it came to exist (an old grant, a membership that changed), it gives a delivery worker nothing.
    now = clock.now()
    BreakGlassGrant.objects.create(
        person=world.person,
        user=world.delivery_worker,
        organisation=world.foodbank,
        reason="An old grant",
        opened_at=now,
        expires_at=now + datetime.timedelta(hours=4),
    )
    assert not selectors.person_list_visible(user=world.delivery_worker).filter(pk=world.person.pk).exists()
    response = api(world.delivery_worker).get(f"/people/{world.person.pk}")
    assert response.status_code == 404 and "Thornton" not in response.content.decode()


def test_a_responsible_organisation_may_still_break_glass(world):
    [card] = selectors.person_index_search(user=world.district_worker, nhs_number=world.person.nhs_number)
    assert (card.can_open, card.can_break_glass) == (False, True)
    grant = services.break_glass_open(
        user=world.district_worker, person=world.person, reason="Urgent call about an eviction notice today"
    )
    assert grant.organisation == world.district


@pytest.mark.parametrize("who", ["org_admin", "initiative_admin", "auditor", "no_roles"])
def test_the_break_glass_page_refuses_roles_without_casework(login, world, who):
    url = reverse("people:person_break_glass", args=[world.person.pk])
    assert login(getattr(world, who)).get(url).status_code == 403


def test_the_api_flags_a_record_read_under_break_glass(api, world):
    assert api(world.practitioner).get(f"/people/{world.person.pk}").json()["break_glass_until"] is None
    grant = services.break_glass_open(
        user=world.district_worker, person=world.person, reason="Urgent call about an eviction notice today"
    )
    body = api(world.district_worker).get(f"/people/{world.person.pk}").json()
    assert datetime.datetime.fromisoformat(body["break_glass_until"]) == grant.expires_at
