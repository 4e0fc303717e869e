"""Contact events and the scheduling log: rules, permissions, audit, pages and API."""

import datetime

import pytest
from django.urls import reverse

from casework.allocation.services import case_accept
from casework.audit.models import AuditEvent
from casework.contacts import selectors, services
from casework.contacts.models import ContactEvent, ContactStrategy
from casework.core import clock
from casework.core.errors import PermissionRefused, ValidationFailed
from tests.factories import CaseFactory, RiskCategoryFactory, found_in_search


@pytest.fixture
def case(world):
    return CaseFactory(person=world.person)


def _attempt(user, case, minutes_ago=60, outcome="no_answer", next_in_days=2, **kwargs):
    at = clock.now() - datetime.timedelta(minutes=minutes_ago)
    return services.contact_record(
        user=user,
        case=case,
        occurred_at=at,
        direction="outbound",
        method="phone",
        contact_role="worker",
        outcome=outcome,
        is_scheduling_attempt=True,
        next_attempt_at=at + datetime.timedelta(days=next_in_days) if next_in_days else None,
        **kwargs,
    )


def test_attempts_before_accepting_make_the_scheduling_log(world, case):
    _attempt(world.practitioner, case, minutes_ago=300)
    second = _attempt(world.practitioner2, case, minutes_ago=60, outcome="message_left")
    log = selectors.scheduling_log(case=case)
    assert log.count == 2 and not log.reached
    assert [a.created_by for a in log.attempts] == [world.practitioner, world.practitioner2]
    assert log.next_attempt_at == second.next_attempt_at
    event = AuditEvent.objects.filter(verb="contacts.contact_recorded").last()
    assert (event.case_id, event.person_id) == (case.pk, world.person.pk)


def test_contact_on_a_case_is_about_its_person_and_its_organisation(world, case):
    event = services.contact_record(
        user=world.duty_officer,
        case=case,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        contact_role="relative",
        contact_name="Carol Thornton",
        outcome="reached",
        summary="Daughter called",
    )
    assert event.person == world.person
    assert event.organisation == world.county


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occurred_at": "future"}, "occurred_at"),
        ({"direction": "inbound", "is_scheduling_attempt": True}, "direction"),
        ({"next_attempt_at": "before"}, "next_attempt_at"),
        ({"method": "carrier pigeon"}, "method"),
        ({"contact_role": "relative"}, "contact_name"),
    ],
)
def test_impossible_contacts_are_refused_with_the_field(world, case, changes, field):
    now = clock.now()
    data = {
        "occurred_at": now - datetime.timedelta(hours=1),
        "direction": "outbound",
        "method": "phone",
        "contact_role": "worker",
        "outcome": "no_answer",
        "is_scheduling_attempt": False,
    }
    data.update(changes)
    if data["occurred_at"] == "future":
        data["occurred_at"] = now + datetime.timedelta(days=1)
    if data.get("next_attempt_at") == "before":
        data["is_scheduling_attempt"] = True
        data["next_attempt_at"] = data["occurred_at"] - datetime.timedelta(hours=1)
    with pytest.raises(ValidationFailed) as error:
        services.contact_record(user=world.practitioner, case=case, **data)
    assert error.value.field == field
    assert not ContactEvent.objects.exists()


def test_only_the_holding_organisations_caseworkers_record_on_a_case(world, case):
    for user in (world.district_worker, world.case_manager, world.auditor, world.outsider):
        with pytest.raises(PermissionRefused):
            _attempt(user, case)


def test_no_contacts_on_a_closed_case(world, case):
    case.status = "cancelled"
    case.save()
    with pytest.raises(PermissionRefused):
        _attempt(world.practitioner, case)


def test_contact_strategy_suggests_the_first_contact(world, case):
    high = RiskCategoryFactory(initiative=world.initiative, code="high", label="High")
    case.risk_category = high
    case.save()
    assert selectors.contact_strategy_for(case=case) is None
    ContactStrategy.objects.create(
        initiative=world.initiative,
        risk_category=high,
        method="home_visit",
        guidance="Visit within two working days",
    )
    assert selectors.contact_strategy_for(case=case).method == "home_visit"


def test_case_page_shows_the_log_and_the_record_page_works(login, world, case):
    client = login(world.practitioner)
    _attempt(world.practitioner, case)
    page = client.get(reverse("cases:case_contacts", args=[case.pk])).content.decode()
    assert "Scheduling log: 1 attempt" in page
    url = reverse("contacts:contact_record") + f"?case={case.pk}&attempt=1"
    assert client.get(url).status_code == 200
    today = clock.today()
    response = client.post(
        url,
        {
            "date_0": today.day,
            "date_1": today.month,
            "date_2": today.year,
            "time": "00:01",
            "direction": "outbound",
            "method": "home_visit",
            "contact_role": "worker",
            "outcome": "visit_no_reply",
            "is_scheduling_attempt": "on",
        },
    )
    assert response.status_code == 302
    assert selectors.scheduling_log(case=case).count == 2


def test_record_page_bad_input_shows_errors_and_saves_nothing(login, world, case):
    client = login(world.practitioner)
    response = client.post(reverse("contacts:contact_record") + f"?case={case.pk}", {"time": "25:99"})
    content = response.content.decode()
    assert "There is a problem" in content and "must be a real time" in content
    assert not ContactEvent.objects.exists()


def test_record_page_refusals(login, world, case):
    assert (
        login(world.district_worker).get(reverse("contacts:contact_record") + f"?case={case.pk}").status_code
        == 404
    )


def test_contacts_api(api, world, case):
    client = api(world.practitioner)
    at = (clock.now() - datetime.timedelta(hours=2)).isoformat()
    response = client.post(
        "/contacts",
        {
            "case_id": case.pk,
            "occurred_at": at,
            "direction": "outbound",
            "method": "phone",
            "contact_role": "worker",
            "outcome": "no_answer",
            "is_scheduling_attempt": True,
        },
    )
    assert response.status_code == 201
    log = client.get(f"/contacts/cases/{case.pk}/scheduling-log").json()
    assert log["count"] == 1
    assert len(client.get(f"/contacts/cases/{case.pk}").json()["items"]) == 1
    assert api(world.district_worker).get(f"/contacts/cases/{case.pk}").status_code == 404
    response = client.post(
        "/contacts",
        {
            "case_id": case.pk,
            "occurred_at": at,
            "direction": "sideways",
            "method": "phone",
            "contact_role": "worker",
            "outcome": "no_answer",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "direction"


def test_after_acceptance_the_worker_keeps_recording(world, case):
    case_accept(user=world.practitioner, case=case)
    _attempt(world.practitioner, case, outcome="reached", next_in_days=0)
    assert selectors.scheduling_log(case=case).reached


def test_information_and_advice_resolving_a_contact(world, case):
    with pytest.raises(ValidationFailed) as error:
        services.contact_record(
            user=world.duty_officer,
            case=case,
            occurred_at=clock.now(),
            direction="inbound",
            method="phone",
            contact_role="person",
            outcome="reached",
            resolved_at_first_contact=True,
        )
    assert error.value.field == "advice_given"
    event = services.contact_record(
        user=world.duty_officer,
        case=case,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        contact_role="person",
        outcome="reached",
        advice_given="Explained the warm home discount",
        signposted=[
            {
                "service_id": "a1",
                "name": "Casterbridge Foodbank",
                "contact": "0118 496 0000",
                "extra": "dropped",
            }
        ],
        resolved_at_first_contact=True,
        financial_information_given=True,
    )
    assert event.signposted == [
        {"service_id": "a1", "name": "Casterbridge Foodbank", "contact": "0118 496 0000"}
    ]
    assert event.resolved_at_first_contact and event.financial_information_given


@pytest.mark.parametrize("method", ["letter", "email"])
def test_a_letter_or_email_received_says_where_the_original_is_held(world, case, method):
    fields = {
        "user": world.duty_officer,
        "case": case,
        "occurred_at": clock.now(),
        "direction": "inbound",
        "method": method,
        "contact_role": "relative",
        "contact_name": "Ann Thornton",
        "outcome": "reached",
        "summary": "Wrote to ask for a review",
    }
    with pytest.raises(ValidationFailed) as error:
        services.contact_record(**fields)
    assert error.value.field == "original_held_at"
    assert not ContactEvent.objects.exists()
    event = services.contact_record(**fields, original_held_at="  Scanned to the case file  ")
    assert event.original_held_at == "Scanned to the case file"
    # An outbound letter is ours: nothing to file.
    services.contact_record(**{**fields, "direction": "outbound", "contact_role": "worker"})


def test_the_duty_call_page_asks_where_a_written_contact_is_held(login, world, case):
    url = reverse("contacts:duty_call", args=[world.person.pk])
    client = login(world.duty_officer)
    found_in_search(world.duty_officer, world.person)
    body = {"who": "person", "method": "letter", "summary": "Her letter asks for a call about her care"}
    page = client.post(url, body).content.decode()
    assert "Say where the original letter or email is held" in page
    assert not ContactEvent.objects.exists()
    assert (
        client.post(url, {**body, "original_held_at": "Team post tray, then the case file"}).status_code
        == 302
    )
    assert ContactEvent.objects.get().original_held_at == "Team post tray, then the case file"
