"""Contacts on a person's record, the inbox and the home page, absences in the API, and who reading them is
recorded for (every view of someone's data is an AccessEvent)."""

import datetime

import pytest
from django.urls import reverse

from casework.allocation.services import case_accept
from casework.audit.models import AccessEvent
from casework.contacts import services
from casework.contacts.models import ContactStrategy, Message, WorkerAbsence
from casework.core import clock
from tests.factories import CaseFactory, MembershipFactory, PersonFactory, RiskCategoryFactory, UserFactory


def _concern(world, person, summary):
    """A neighbour's call recorded on the person alone (no case raised for it)."""
    return services.contact_record(
        user=world.duty_officer,
        person=person,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        outcome="reached",
        summary=summary,
        contact_role="public",
        contact_name="Pat Lowe",
    )


@pytest.fixture
def district_case(world):
    """A case about Margaret held by the district: its workers may open her record, not the county's notes."""
    return CaseFactory(
        person=world.person, raised_by_organisation=world.district, responsible_organisation=world.district
    )


def test_the_person_page_shows_contacts_on_the_person_and_on_cases_the_viewer_may_open(
    login, world, district_case
):
    _concern(world, world.person, "Neighbour worried: no lights for two days")
    services.contact_record(
        user=world.district_worker,
        case=district_case,
        occurred_at=clock.now(),
        direction="outbound",
        method="phone",
        contact_role="worker",
        outcome="no_answer",
        summary="District rang to arrange a visit",
    )
    county = login(world.practitioner).get(world.person.get_absolute_url()).content.decode()
    assert "Neighbour worried: no lights for two days" in county and "The person" in county
    assert "District rang to arrange a visit" not in county  # the district's case is not the county's to open
    district = login(world.district_worker).get(world.person.get_absolute_url()).content.decode()
    assert "District rang to arrange a visit" in district and district_case.reference in district
    assert "Neighbour worried" not in district  # the county's contact on the person is the county's record


def test_the_api_lists_a_persons_contacts_under_the_same_rules(api, world, district_case):
    _concern(world, world.person, "Neighbour worried")
    response = api(world.practitioner).get(f"/contacts/people/{world.person.pk}")
    assert response.status_code == 200
    assert [c["summary"] for c in response.json()["items"]] == ["Neighbour worried"]
    assert AccessEvent.objects.filter(
        verb="people.record_contacts_read_by_api", person_id=world.person.pk
    ).exists()
    assert api(world.district_worker).get(f"/contacts/people/{world.person.pk}").json()["items"] == []
    assert api(world.outsider).get(f"/contacts/people/{world.person.pk}").status_code == 404


def test_reading_messages_is_recorded_as_a_view_of_the_people_they_are_about(login, api, world):
    case = case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    message = services.message_send(
        user=world.duty_officer,
        to_user=world.practitioner,
        case=case,
        body="Margaret rang",
        told_person="A call back tomorrow",
    )
    login(world.practitioner).get(reverse("contacts:inbox"))
    event = AccessEvent.objects.get(verb="contacts.messages_viewed")
    assert event.actor == world.practitioner
    assert event.details == {"messages": [message.pk], "people": [world.person.pk], "cases": [case.pk]}
    api(world.practitioner).get("/contacts/messages")
    assert AccessEvent.objects.get(verb="contacts.messages_read_by_api").details["messages"] == [message.pk]


def test_nobody_marks_someone_elses_message_read(login, api, world):
    case = case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    message = services.message_send(user=world.duty_officer, to_user=world.practitioner, case=case, body="Hi")
    assert (
        login(world.practitioner2).post(reverse("contacts:inbox"), {"message": message.pk}).status_code == 404
    )
    assert api(world.practitioner2).post(f"/contacts/messages/{message.pk}/read").status_code == 404
    assert Message.objects.get().read_at is None


def test_the_home_page_shows_unread_messages(login, world):
    case = case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    client = login(world.practitioner)
    assert "unread message" not in client.get("/").content.decode()
    for body in ("Margaret rang", "Her son rang"):
        services.message_send(user=world.duty_officer, to_user=world.practitioner, case=case, body=body)
    page = client.get("/").content.decode()
    assert "You have 2 unread messages." in page and reverse("contacts:inbox") in page
    services.message_mark_read(user=world.practitioner, message=Message.objects.first())
    assert "You have 1 unread message." in client.get("/").content.decode()


def test_absences_in_the_api(api, world):
    today = clock.today()
    services.absence_record(
        user=world.team_manager,
        worker=world.practitioner,
        kind="training",
        start_date=today,
        end_date=today + datetime.timedelta(days=1),
    )
    services.absence_record(
        user=world.practitioner,
        worker=world.practitioner,
        kind="leave",
        start_date=today + datetime.timedelta(days=90),
        end_date=today + datetime.timedelta(days=95),
    )
    [absence] = api(world.duty_officer).get("/contacts/absences").json()
    assert (absence["user_id"], absence["kind"], absence["end_date"]) == (
        world.practitioner.pk,
        "training",
        (today + datetime.timedelta(days=1)).isoformat(),
    )
    assert api(world.outsider).get("/contacts/absences").json() == []
    response = api(world.practitioner).post(
        "/contacts/absences", {"kind": "leave", "start_date": today.isoformat(), "end_date": "2000-01-01"}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "end_date"


def test_the_case_page_suggests_the_first_contact_for_its_risk_category(login, world):
    high = RiskCategoryFactory(initiative=world.initiative, code="high", label="High")
    case = CaseFactory(person=world.person, risk_category=high)
    client = login(world.practitioner)
    contacts = reverse("cases:case_contacts", args=[case.pk])
    assert "Suggested first contact" not in client.get(contacts).content.decode()
    ContactStrategy.objects.create(
        initiative=world.initiative,
        risk_category=high,
        method="home_visit",
        guidance="Visit within two working days",
    )
    page = client.get(contacts).content.decode()
    assert "Suggested first contact for high risk: <strong>home visit</strong>" in page
    assert "Visit within two working days" in page


def test_task_lists_are_recorded_as_views(login, world):
    from casework.tasks.services import task_create

    case = case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    task = task_create(
        user=world.practitioner,
        title="Ring Margaret",
        due_date=clock.today(),
        case=case,
        assigned_to_user=world.practitioner,
    )
    client = login(world.practitioner)
    client.get(reverse("tasks:my_tasks"))
    assert AccessEvent.objects.get(verb="tasks.my_tasks_viewed").details["tasks"] == [task.pk]
    client.get(reverse("tasks:team_tasks"))
    assert AccessEvent.objects.filter(verb="tasks.team_tasks_viewed", actor=world.practitioner).exists()


@pytest.mark.parametrize("who", ["auditor", "case_manager", "no_roles"])
def test_absences_are_for_the_duty_desk_in_the_api_as_on_the_page(api, login, world, who):
    today = clock.today()
    services.absence_record(
        user=world.practitioner,
        worker=world.practitioner,
        kind="sick",
        start_date=today,
        end_date=today,
        note="Migraine",
    )
    user = getattr(world, who)
    assert login(user).get(reverse("contacts:absences")).status_code == 403
    client = api(user)
    response = client.get("/contacts/absences")
    assert response.status_code == 403 and "Migraine" not in response.content.decode()
    response = client.post(
        "/contacts/absences",
        {"kind": "leave", "start_date": today.isoformat(), "end_date": today.isoformat()},
    )
    assert response.status_code == 403
    assert WorkerAbsence.objects.count() == 1


def _queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert call().status_code == 200
    return len(queries)


def _letter_on(world, case, n):
    """A letter to the allocated worker, passed on (an addressee and a case to load per row, if N+1)."""
    from casework.contacts.duty import duty_self_contact

    duty_self_contact(
        user=world.duty_officer,
        person=world.person,
        addressed_to_user=world.practitioner,
        contact={
            "occurred_at": clock.now(),
            "method": "letter",
            "outcome": "reached",
            "summary": f"Letter {n}",
            "original_held_at": "Case file",
        },
    )
    _concern(world, PersonFactory(created_by_organisation=world.county), "elsewhere")  # someone else's
    services.contact_record(
        user=world.duty_officer,
        person=world.person,
        occurred_at=clock.now(),
        direction="inbound",
        method="email",
        outcome="reached",
        summary=f"Email {n}",
        contact_role="public",
        contact_name=f"Neighbour {n}",
        original_held_at="Mailbox",
    )


def test_a_persons_contacts_take_the_same_queries_for_two_rows_or_twenty(login, api, world):
    case = case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    page, client = login(world.practitioner), api(world.practitioner)
    url, api_url = world.person.get_absolute_url(), f"/contacts/people/{world.person.pk}"
    _letter_on(world, case, 0)
    page.get(url), client.get(api_url)  # warm up: sessions, token, audit chain head
    few = (_queries(lambda: page.get(url)), _queries(lambda: client.get(api_url)))
    for n in range(1, 10):
        _letter_on(world, case, n)
    assert len(client.get(api_url + "?page_size=50").json()["items"]) == 20
    assert (_queries(lambda: page.get(url)), _queries(lambda: client.get(api_url))) == few


def test_the_inbox_and_absences_take_the_same_queries_for_two_rows_or_twenty(login, api, world):
    import datetime as dt

    page, client = login(world.practitioner), api(world.practitioner)

    def add(n):
        case = case_accept(
            user=world.practitioner,
            case=CaseFactory(person=PersonFactory(created_by_organisation=world.county)),
        )
        services.message_send(
            user=world.duty_officer, to_user=world.practitioner, case=case, body=f"Rang {n}"
        )
        services.message_alert(to_user=world.practitioner, body=f"Reminder {n}")
        worker = world.practitioner if n == 0 else UserFactory()
        if worker is not world.practitioner:
            MembershipFactory(user=worker, organisation=world.county, role="practitioner")
        services.absence_record(
            user=worker,
            worker=worker,
            kind="leave",
            start_date=clock.today(),
            end_date=clock.today() + dt.timedelta(days=n),
        )

    urls = [
        lambda: page.get(reverse("contacts:inbox")),
        lambda: client.get("/contacts/messages"),
        lambda: page.get(reverse("contacts:absences")),
        lambda: client.get("/contacts/absences"),
    ]
    add(0)
    for call in urls:
        call()  # warm up
    few = [_queries(call) for call in urls]
    for n in range(1, 10):
        add(n)
    assert (
        len(client.get("/contacts/messages").json()) == 20
        and len(client.get("/contacts/absences").json()) == 10
    )
    assert [_queries(call) for call in urls] == few


def test_the_person_page_shows_the_newest_contacts_and_the_rest_a_page_at_a_time(login, api, world):
    from casework.contacts.selectors import PERSON_PAGE_CONTACTS

    for n in range(PERSON_PAGE_CONTACTS + 35):
        _concern(world, world.person, f"Concern number {n:03d}")
    page = login(world.practitioner).get(world.person.get_absolute_url()).content.decode()
    assert "Concern number 054" in page and "Concern number 034" not in page
    all_url = reverse("contacts:person_contacts", args=[world.person.pk])
    assert all_url in page
    client = login(world.practitioner)
    first, second = client.get(all_url).content.decode(), client.get(all_url + "?page=2").content.decode()
    assert (
        "Concern number 054" in first and "Concern number 005" in first and "Concern number 004" not in first
    )
    assert "Concern number 004" in second and "Concern number 000" in second
    assert AccessEvent.objects.filter(
        verb="people.record_contacts_viewed", person_id=world.person.pk
    ).exists()
    assert login(world.outsider).get(all_url).status_code == 404
    # The API a page at a time too.
    body = api(world.practitioner).get(f"/contacts/people/{world.person.pk}?page=3&page_size=25").json()
    assert ([c["summary"] for c in body["items"]], body["has_next"]) == (
        [f"Concern number {n:03d}" for n in range(4, -1, -1)],
        False,
    )
