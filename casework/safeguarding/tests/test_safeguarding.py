"""Safeguarding concerns: 999 first, routed to the safeguarding team as a task due today, strictest access."""

import pytest
from django.urls import reverse

from casework.allocation.services import case_accept
from casework.contacts.models import ContactEvent
from casework.core import clock
from casework.core.errors import ValidationFailed
from casework.safeguarding import policies, selectors, services
from casework.safeguarding.models import SafeguardingConcern
from casework.tasks.models import Task
from tests.factories import CaseFactory, PersonFactory, found_in_search


@pytest.fixture
def case(world):
    return case_accept(user=world.practitioner, case=CaseFactory(person=world.person))


def _raise(world, case, **extra):
    data = {
        "at_risk": "adult",
        "what_happened": "Bruises on her arms; said her son pushed her",
        "immediate_danger": False,
        "abuse_types": ["physical", "domestic"],
    }
    data.update(extra)
    return services.concern_raise(user=world.duty_officer, person=world.person, case=case, **data)


def test_immediate_danger_needs_999_first(world, case):
    with pytest.raises(ValidationFailed) as error:
        _raise(world, case, immediate_danger=True)
    assert error.value.field == "called_999"
    concern = _raise(world, case, immediate_danger=True, called_999=True)
    assert concern.called_999


def test_routed_to_the_safeguarding_team_as_a_task_due_today(world, case):
    concern = _raise(world, case)
    task = Task.objects.get(kind="safeguarding")
    assert task.assigned_to_team == world.safeguarding_team
    assert task.due_date == clock.today()
    assert concern.routed_to_team == world.safeguarding_team


def test_only_safeguarding_team_allocated_worker_and_managers_see_it(world, case):
    concern = _raise(world, case)
    allowed = {
        "safeguarder": world.safeguarder,
        "practitioner": world.practitioner,
        "team_manager": world.team_manager,
        "case_manager": world.case_manager,
    }
    refused = {
        "practitioner2": world.practitioner2,
        "duty_officer": world.duty_officer,
        "auditor": world.auditor,
        "district_worker": world.district_worker,
        "org_admin": world.org_admin,
    }
    for name, user in {**allowed, **refused}.items():
        visible = selectors.concern_list_visible(user=user).filter(pk=concern.pk).exists()
        assert policies.can_view_concern(user, concern) is visible is (name in allowed), name


def test_detail_page_refusal_is_404(login, world, case):
    concern = _raise(world, case)
    url = reverse("safeguarding:concern_detail", args=[concern.pk])
    assert login(world.practitioner2).get(url).status_code == 404
    assert "Bruises" in login(world.practitioner).get(url).content.decode()


def test_raise_page(login, world, case):
    client = login(world.practitioner)
    url = reverse("safeguarding:concern_raise") + f"?case={case.pk}"
    assert "call 999 now" in client.get(url).content.decode()
    response = client.post(
        url,
        {"at_risk": "adult", "what_happened": "Said she is frightened to go home", "immediate_danger": "yes"},
    )
    assert "call 999 now, then confirm" in response.content.decode()
    response = client.post(
        url,
        {
            "at_risk": "adult",
            "what_happened": "Said she is frightened to go home",
            "immediate_danger": "yes",
            "called_999": "on",
            "abuse_types": ["domestic"],
        },
    )
    assert response.status_code == 302
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Safeguarding concern" in page


def test_the_case_flag_shows_to_colleagues_without_the_detail(login, world, case):
    _raise(world, case)
    assert selectors.case_has_concern(case=case)
    page = login(world.practitioner2).get(reverse("cases:case_overview", args=[case.pk])).content.decode()
    assert "Safeguarding concern raised" in page
    assert "Bruises" not in page


@pytest.mark.parametrize("who", ["restricted_person", "district_person"])
def test_a_concern_is_never_blocked_by_who_can_open_the_record(world, who):
    person = getattr(world, who)
    user = world.practitioner if who == "restricted_person" else world.district_worker
    if who == "district_person":
        from tests.factories import TeamFactory

        TeamFactory(organisation=world.district, name="District safeguarding", is_safeguarding=True)
    concern = services.concern_raise(
        user=user, person=person, at_risk="adult", what_happened="Seen with bruises", immediate_danger=False
    )
    assert Task.objects.filter(kind="safeguarding", source=f"safeguarding:{concern.pk}").exists()


def _phone_call(world, case):
    from casework.contacts.services import contact_record

    return contact_record(
        user=world.duty_officer,
        case=case,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        contact_role="relative",
        contact_name="Her son",
        outcome="reached",
        summary="Said his brother shouts at her and takes her pension",
    )


def test_a_concern_raised_from_a_contact_keeps_the_contact(login, world, case):
    contact = _phone_call(world, case)
    client = login(world.duty_officer)
    url = reverse("safeguarding:concern_raise") + f"?contact={contact.pk}"
    page = client.get(url).content.decode()
    assert "From the contact on" in page and "relative (Her son)" in page
    response = client.post(
        url,
        {
            "at_risk": "adult",
            "what_happened": "Son says his brother takes her pension",
            "immediate_danger": "no",
            "abuse_types": ["financial", "psychological"],
        },
    )
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    concern = SafeguardingConcern.objects.get()
    assert (concern.contact, concern.case, concern.person) == (contact, case, world.person)
    assert Task.objects.filter(kind="safeguarding", due_date=clock.today()).exists()
    detail = login(world.practitioner).get(reverse("safeguarding:concern_detail", args=[concern.pk]))
    assert "Raised from" in detail.content.decode()


def test_recording_a_contact_can_go_straight_on_to_a_concern(login, world, case):
    client = login(world.duty_officer)
    today = clock.today()
    response = client.post(
        reverse("contacts:contact_record") + f"?case={case.pk}",
        {
            "date_0": today.day,
            "date_1": today.month,
            "date_2": today.year,
            "time": "00:01",
            "direction": "inbound",
            "method": "phone",
            "contact_role": "person",
            "outcome": "reached",
            "summary": "Frightened of her son",
            "safeguarding_next": "on",
        },
    )
    contact = ContactEvent.objects.get()
    assert response.url == reverse("safeguarding:concern_raise") + f"?contact={contact.pk}"
    found_in_search(world.duty_officer, world.person)
    response = client.post(
        reverse("contacts:duty_call", args=[world.person.pk]),
        {
            "who": "other",
            "contact_role": "professional",
            "contact_name": "District nurse",
            "method": "phone",
            "summary": "Unexplained bruising",
            "decision": "leave",
            "reason": "Safeguarding will decide",
            "safeguarding_next": "on",
        },
    )
    contact = ContactEvent.objects.latest("id")
    assert response.url == reverse("safeguarding:concern_raise") + f"?contact={contact.pk}"


def test_a_contact_the_user_may_not_see_is_not_found(login, world, case):
    contact = _phone_call(world, case)
    url = reverse("safeguarding:concern_raise") + f"?contact={contact.pk}"
    assert login(world.district_worker).get(url).status_code == 404


def test_the_api_raises_from_a_contact(api, world, case):
    contact = _phone_call(world, case)
    client = api(world.duty_officer)
    response = client.post(
        "/safeguarding",
        {
            "contact_id": contact.pk,
            "at_risk": "adult",
            "what_happened": "Takes her pension",
            "immediate_danger": False,
            "abuse_types": ["financial"],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["contact_id"], body["case_id"], body["person_id"]) == (contact.pk, case.pk, world.person.pk)
    other = PersonFactory(created_by_organisation=world.county)
    response = client.post(
        "/safeguarding",
        {
            "contact_id": contact.pk,
            "person_id": other.pk,
            "at_risk": "adult",
            "what_happened": "x",
            "immediate_danger": False,
        },
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "case"
    response = client.post(
        "/safeguarding", {"at_risk": "adult", "what_happened": "x", "immediate_danger": False}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "person_id"
    response = client.post(
        "/safeguarding",
        {
            "person_id": world.person.pk,
            "at_risk": "adult",
            "what_happened": "x",
            "immediate_danger": False,
            "abuse_types": ["gossip"],
        },
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "abuse_types"
    assert SafeguardingConcern.objects.count() == 1
    assert (
        api(world.district_worker)
        .post(
            "/safeguarding",
            {"contact_id": contact.pk, "at_risk": "adult", "what_happened": "x", "immediate_danger": False},
        )
        .status_code
        == 404
    )


def test_a_contact_on_the_person_alone_is_raised_from_only_by_the_organisation_that_recorded_it(
    login, api, world
):
    # The district may open Margaret's record (it holds a case about her), but a call the county took about
    # her, recorded on her alone, is the county's: the district cannot raise a concern from it or read it.
    from casework.contacts.services import contact_record

    CaseFactory(
        person=world.person, raised_by_organisation=world.district, responsible_organisation=world.district
    )
    contact = contact_record(
        user=world.duty_officer,
        person=world.person,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        contact_role="public",
        contact_name="Pat Lowe",
        outcome="reached",
        summary="Neighbour: no lights for two days",
    )
    assert login(world.district_worker).get(world.person.get_absolute_url()).status_code == 200
    url = reverse("safeguarding:concern_raise") + f"?contact={contact.pk}"
    assert login(world.district_worker).get(url).status_code == 404
    body = {"contact_id": contact.pk, "at_risk": "adult", "what_happened": "x", "immediate_danger": False}
    assert api(world.district_worker).post("/safeguarding", body).status_code == 404
    assert (
        api(world.district_worker).post("/safeguarding", {**body, "person_id": world.person.pk}).status_code
        == 404
    )
    assert not SafeguardingConcern.objects.exists()
    assert api(world.practitioner).post("/safeguarding", body).status_code == 201
