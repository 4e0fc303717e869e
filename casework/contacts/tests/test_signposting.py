"""Signposting directory services on a contact: the search on the contact page, snapshots, and the API."""

import datetime

import pytest
from django.urls import reverse

from casework.contacts import services
from casework.contacts.models import ContactEvent
from casework.core import clock
from casework.core.errors import ValidationFailed
from casework.demo.directory import build_directory_demo
from casework.directory.models import Service
from tests.factories import CaseFactory


@pytest.fixture
def case(world):
    return CaseFactory(person=world.person)


@pytest.fixture
def directory(db, settings):
    settings.DEBUG = True  # the demo directory refuses production mode
    build_directory_demo()
    settings.DEBUG = False
    return {s.name: s for s in Service.objects.all()}


def _form(**extra):
    today = clock.today()
    return {
        "date_0": today.day,
        "date_1": today.month,
        "date_2": today.year,
        "time": "00:01",
        "direction": "inbound",
        "method": "phone",
        "contact_role": "person",
        "outcome": "reached",
        "summary": "Asked about help with food",
        **extra,
    }


def test_a_signposted_directory_service_is_kept_as_it_was_that_day(world, case, directory):
    foodbank = directory["Food bank"]
    event = services.contact_record(
        user=world.duty_officer,
        case=case,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        contact_role="person",
        outcome="reached",
        signposted_service_ids=[str(foodbank.pk), str(foodbank.pk)],
        resolved_at_first_contact=True,
    )
    [snapshot] = event.signposted
    assert (snapshot["service_id"], snapshot["name"]) == (str(foodbank.pk), "Food bank")
    assert snapshot["organisation"] and snapshot["contact"]
    Service.objects.filter(pk=foodbank.pk).update(name="Renamed since")
    assert ContactEvent.objects.get(pk=event.pk).signposted[0]["name"] == "Food bank"


def test_an_unknown_service_is_refused_and_nothing_is_recorded(world, case, directory):
    with pytest.raises(ValidationFailed) as error:
        services.contact_record(
            user=world.duty_officer,
            case=case,
            occurred_at=clock.now(),
            direction="inbound",
            method="phone",
            contact_role="person",
            outcome="reached",
            signposted_service_ids=["00000000-0000-0000-0000-000000000000"],
        )
    assert error.value.field == "signposted_service_ids"
    assert not ContactEvent.objects.exists()


def test_the_contact_page_finds_services_without_losing_what_was_typed(login, world, case, directory):
    client = login(world.duty_officer)
    url = reverse("contacts:contact_record") + f"?case={case.pk}"
    page = client.post(url, _form(summary="", signpost_search="food", find_services="1")).content.decode()
    assert "There is a problem" not in page
    assert "Food bank (Sandbourne Food Bank)" in page and 'name="signposted_service_ids"' in page
    assert not ContactEvent.objects.exists()
    foodbank = directory["Food bank"]
    response = client.post(
        url, _form(signposted_service_ids=[str(foodbank.pk)], resolved_at_first_contact="on")
    )
    assert response.status_code == 302
    event = ContactEvent.objects.get()
    assert [s["name"] for s in event.signposted] == ["Food bank"] and event.resolved_at_first_contact
    # Signposting makes the check-it-helped task, like advice.
    assert case.tasks.filter(kind="advice_check").exists()


def test_the_search_updates_in_place_for_htmx(login, world, case, directory):
    client = login(world.duty_officer)
    url = reverse("contacts:contact_record") + f"?case={case.pk}"
    page = client.post(
        url, _form(signpost_search="debt"), HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME="find_services"
    ).content.decode()
    assert "Debt advice appointments (Casterbridge Money Advice)" in page
    assert not ContactEvent.objects.exists()


def test_a_search_that_finds_nothing_says_so(login, world, case, directory):
    page = (
        login(world.duty_officer)
        .post(
            reverse("contacts:contact_record") + f"?case={case.pk}",
            _form(signpost_search="zzzz", find_services="1"),
        )
        .content.decode()
    )
    assert "No open services match" in page


def test_a_chosen_service_that_vanished_is_an_error_on_the_page(login, world, case, directory):
    response = login(world.duty_officer).post(
        reverse("contacts:contact_record") + f"?case={case.pk}",
        _form(signposted_service_ids=["00000000-0000-0000-0000-000000000000"]),
    )
    assert "no longer in the directory" in response.content.decode()
    assert not ContactEvent.objects.exists()


def test_the_api_signposts_by_directory_id(api, world, case, directory):
    foodbank = directory["Food bank"]
    at = (clock.now() - datetime.timedelta(hours=1)).isoformat()
    body = {
        "case_id": case.pk,
        "occurred_at": at,
        "direction": "inbound",
        "method": "phone",
        "contact_role": "person",
        "outcome": "reached",
        "signposted_service_ids": [str(foodbank.pk)],
        "signposted": [{"name": "Church lunch club", "contact": "Ask at St Peter's"}],
    }
    response = api(world.duty_officer).post("/contacts", body)
    assert response.status_code == 201
    assert [s["name"] for s in response.json()["signposted"]] == ["Food bank", "Church lunch club"]
    body["signposted_service_ids"] = ["not-a-service"]
    response = api(world.duty_officer).post("/contacts", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "signposted_service_ids"


def test_services_near_the_person_come_first_and_others_fill_the_list(directory):
    from casework.directory.selectors import service_choices_for_signposting

    near = service_choices_for_signposting(chosen_ids=[], text="food", area="RG4")
    names = [label for _id, label in near]
    assert names[:2] == ["Food bank (Sandbourne Food Bank)", "Food parcel delivery (Sandbourne Food Bank)"]
    assert "Community larder (Kingsbere Community Larder)" in names[2:]
    chosen = directory["Community larder"]
    again = service_choices_for_signposting(chosen_ids=[str(chosen.pk), "junk"], text="food", area="RG4")
    assert again[0] == (str(chosen.pk), "Community larder (Kingsbere Community Larder)")
    assert [i for i, _label in again].count(str(chosen.pk)) == 1 and len(again) == len(near)
