"""The duty desk: routing to the allocated worker, absences, self-referrals, concerns, messages."""

import datetime

import pytest

from casework.allocation.services import case_accept
from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.contacts import duty, services
from casework.contacts.models import Message
from casework.core import clock
from casework.core.errors import PermissionRefused, ValidationFailed
from casework.core.working_days import add_working_days
from tests.factories import CaseFactory, PersonFactory


def _contact(**extra):
    return {
        "occurred_at": clock.now(),
        "method": "phone",
        "outcome": "reached",
        "summary": "Called in",
        "contact_role": "person",
        **extra,
    }


@pytest.fixture
def allocated(world):
    return case_accept(user=world.practitioner, case=CaseFactory(person=world.person))


def test_route_shows_the_allocated_worker_and_whether_they_are_in(world, allocated):
    today = clock.today()
    services.absence_record(
        user=world.practitioner,
        worker=world.practitioner,
        kind="leave",
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=2),
    )
    [route] = duty.duty_route(person=world.person)
    [(worker, role, availability)] = route.workers
    assert worker == world.practitioner and role == "Primary worker"
    assert not availability.available
    assert availability.back_on == add_working_days(today + datetime.timedelta(days=2), 1)


@pytest.mark.parametrize(
    ("last_day_away", "back"),
    [
        (datetime.date(2026, 12, 2), datetime.date(2026, 12, 3)),  # a Wednesday: back on Thursday
        (datetime.date(2026, 12, 4), datetime.date(2026, 12, 7)),  # a Friday: back on Monday, not Saturday
        (datetime.date(2026, 12, 24), datetime.date(2026, 12, 29)),  # Christmas and the Boxing Day substitute
    ],
)
def test_an_absent_worker_is_back_on_the_next_working_day(last_day_away, back):
    assert duty.Availability(False, last_day_away).back_on == back


def test_only_managers_record_absences_for_others(world):
    today = clock.today()
    with pytest.raises(PermissionRefused):
        services.absence_record(
            user=world.practitioner2, worker=world.practitioner, kind="sick", start_date=today, end_date=today
        )
    services.absence_record(
        user=world.team_manager, worker=world.practitioner, kind="sick", start_date=today, end_date=today
    )
    with pytest.raises(ValidationFailed):
        services.absence_record(
            user=world.practitioner,
            worker=world.practitioner,
            kind="leave",
            start_date=today,
            end_date=today - datetime.timedelta(days=1),
        )


def test_a_named_worker_request_passes_only_to_the_allocated_worker(world, allocated):
    assert duty.named_request_check(person=world.person, worker=world.practitioner).allowed
    refused = duty.named_request_check(person=world.person, worker=world.practitioner2)
    assert not refused.allowed
    assert "not allocated" in refused.message
    assert any(world.practitioner.display_name in offer for offer in refused.offer)
    assert duty.named_request_check(person=world.person, team=world.team).allowed
    assert not duty.named_request_check(person=world.person, team=world.safeguarding_team).allowed


def test_self_contact_goes_on_the_open_case(world, allocated):
    outcome = duty.duty_self_contact(user=world.duty_officer, person=world.person, contact=_contact())
    assert outcome.case == allocated and not outcome.raised_new_case
    assert outcome.contact.direction == "inbound"


def test_self_contact_without_a_case_raises_a_self_referral_held_by_the_receiving_organisation(world):
    person = PersonFactory(created_by_organisation=world.county)
    outcome = duty.duty_self_contact(user=world.duty_officer, person=person, contact=_contact())
    assert outcome.raised_new_case
    assert outcome.case.origin == "self_referral"
    assert outcome.case.responsible_organisation == world.county
    assert outcome.case.stage == "awaiting_allocation"


def test_a_concern_on_a_case_is_recorded_with_the_priority_decision(world, allocated):
    with pytest.raises(ValidationFailed):
        duty.duty_concern(
            user=world.duty_officer,
            person=world.person,
            contact=_contact(contact_role="public", contact_name="A neighbour"),
        )
    outcome = duty.duty_concern(
        user=world.duty_officer,
        person=world.person,
        contact=_contact(contact_role="public", contact_name="A neighbour"),
        decision="raise",
        reason="No heating and she sounded confused",
    )
    assert outcome.priority_changed
    assert Case.objects.get(pk=allocated.pk).priority == "urgent"
    duty.duty_concern(
        user=world.duty_officer,
        person=world.person,
        contact=_contact(contact_role="relative", contact_name="Her son"),
        decision="leave",
        reason="Son is staying with her this week",
    )
    assert AuditEvent.objects.filter(verb="cases.priority_reviewed", case_id=allocated.pk).exists()


def test_a_concern_that_raises_the_priority_of_a_waiting_case_asks_for_it_to_be_reprioritised(world, api):
    # West Sussex: "reprioritised if their circumstances change" (issue 13: nobody was asked).
    from casework.tasks.models import Task
    from casework.waiting_list import services as waiting
    from tests.factories import found_in_search

    case = CaseFactory(person=world.person, allocated_team=world.team)
    entry = waiting.waiting_list_add(
        user=world.duty_officer,
        case=case,
        list_kind="assessment",
        priority="normal",
        rag="amber",
        rag_reason="Managing",
    )
    found_in_search(world.duty_officer, world.person)
    response = api(world.duty_officer).post(
        f"/contacts/duty/people/{world.person.pk}/calls",
        {
            "who": "other",
            "contact_role": "public",
            "contact_name": "A neighbour",
            "method": "phone",
            "summary": "No lights on for two days",
            "decision": "raise",
            "reason": "Not seen for two days",
        },
    )
    assert response.status_code == 201
    [task_id] = response.json()["reprioritise_task_ids"]
    task = Task.objects.get(pk=task_id)
    assert task.assigned_to_team == world.team and task.case == case
    assert "Reprioritise" in task.title and "raised the case's priority to urgent" in task.details
    entry.refresh_from_db()
    assert entry.priority == "normal"  # asked, not changed behind anyone's back
    # Leaving the priority as it is asks nobody.
    found_in_search(world.duty_officer, world.person)
    response = api(world.duty_officer).post(
        f"/contacts/duty/people/{world.person.pk}/calls",
        {
            "who": "other",
            "contact_role": "public",
            "contact_name": "A neighbour",
            "method": "phone",
            "summary": "Lights back on",
            "decision": "leave",
            "reason": "Seen today",
        },
    )
    assert response.json()["reprioritise_task_ids"] == []


def test_a_concern_about_someone_without_a_case(world):
    person = PersonFactory(created_by_organisation=world.county)
    contact = _contact(contact_role="elected_representative", contact_name="Cllr Jones")
    outcome = duty.duty_concern(user=world.duty_officer, person=person, contact=contact)
    assert outcome.case is None and outcome.contact.case is None and outcome.contact.person == person
    assert not Case.objects.filter(person=person).exists()
    outcome = duty.duty_concern(
        user=world.duty_officer, person=person, contact=contact, raise_case=True, priority="urgent"
    )
    assert outcome.case.origin == "third_party_concern" and outcome.case.priority == "urgent"


def test_a_concern_must_come_from_someone_else(world, allocated):
    with pytest.raises(ValidationFailed):
        duty.duty_concern(
            user=world.duty_officer, person=world.person, contact=_contact(), decision="leave", reason="x"
        )


def test_messages_to_the_allocated_worker(world, allocated):
    message = services.message_send(
        user=world.duty_officer,
        to_user=world.practitioner,
        case=allocated,
        body="Margaret rang about her heating",
        told_person="A call back tomorrow",
    )
    assert message.person == world.person
    with pytest.raises(PermissionRefused):
        services.message_mark_read(user=world.duty_officer, message=message)
    services.message_mark_read(user=world.practitioner, message=message)
    assert Message.objects.get().read_at is not None


def test_duty_desk_page_routes_and_records(login, world, allocated):
    from django.urls import reverse

    client = login(world.duty_officer)
    today = clock.today()
    services.absence_record(
        user=world.team_manager, worker=world.practitioner, kind="training", start_date=today, end_date=today
    )
    page = client.get(reverse("contacts:duty_desk"), {"nhs_number": "9434765919"}).content.decode()
    assert "Away: training" in page and allocated.reference in page
    page = client.get(
        reverse("contacts:duty_desk"),
        {"nhs_number": "9434765919", "named_person": world.person.pk, "named_worker": world.practitioner2.pk},
    ).content.decode()
    assert "is not allocated to this person" in page
    url = reverse("contacts:duty_call", args=[world.person.pk])
    response = client.post(url, {"who": "other", "method": "phone", "summary": "Neighbour worried"})
    assert "Select who raised the concern" in response.content.decode()
    response = client.post(
        url,
        {
            "who": "other",
            "contact_role": "public",
            "contact_name": "Mr Next Door",
            "method": "phone",
            "summary": "No lights on for two days",
            "decision": "raise",
            "reason": "Not seen for two days",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=allocated.pk).priority == "urgent"
    response = client.post(
        reverse("contacts:message_leave", args=[allocated.pk, world.practitioner.pk]),
        {"body": "Neighbour concerned, priority raised", "told_person": "Worker back tomorrow"},
    )
    assert response.status_code == 302
    inbox = login(world.practitioner).get(reverse("contacts:inbox")).content.decode()
    assert "Neighbour concerned" in inbox and "Unread" in inbox
    assert "Messages (1 unread)" in inbox


def test_duty_desk_refused_to_read_only_roles(login, world):
    from django.urls import reverse

    assert login(world.case_manager).get(reverse("contacts:duty_desk")).status_code == 403
    assert login(world.org_admin).get(reverse("contacts:duty_desk")).status_code == 403


def test_message_only_to_a_worker_on_the_case(login, world, allocated):
    from django.urls import reverse

    client = login(world.duty_officer)
    url = reverse("contacts:message_leave", args=[allocated.pk, world.practitioner2.pk])
    assert client.get(url).status_code == 404


def test_acting_on_behalf_is_recorded_and_alerts_the_worker(world, allocated):
    from casework.contacts.models import OnBehalfAction

    with pytest.raises(ValidationFailed):
        duty.action_on_behalf(user=world.duty_officer, case=allocated, kind="suspend_service", details="")
    action = duty.action_on_behalf(
        user=world.duty_officer,
        case=allocated,
        kind="suspend_service",
        details="Admitted to hospital today: home care suspended from tomorrow",
    )
    assert action.for_worker == world.practitioner
    message = Message.objects.get(to_user=world.practitioner)
    assert "Suspend a service" in message.body and message.case == allocated
    assert AuditEvent.objects.filter(verb="contacts.acted_on_behalf", case_id=allocated.pk).exists()
    for kind in ("restart_service", "arrange_respite", "make_referral"):
        duty.action_on_behalf(user=world.duty_officer, case=allocated, kind=kind, details="Done as agreed")
    assert OnBehalfAction.objects.count() == 4
    assert Message.objects.filter(to_user=world.practitioner).count() == 4


def test_acting_on_behalf_refused_outside_the_holding_organisation(world, allocated):
    with pytest.raises(PermissionRefused):
        duty.action_on_behalf(user=world.district_worker, case=allocated, kind="make_referral", details="x")


def test_act_on_behalf_page(login, world, allocated):
    from django.urls import reverse

    client = login(world.duty_officer)
    url = reverse("contacts:act_on_behalf", args=[allocated.pk])
    assert "Act for the allocated worker" in client.get(allocated.get_absolute_url()).content.decode()
    # A service is suspended, restarted or given respite through the support plan, not as free text.
    refused = client.post(url, {"kind": "arrange_respite", "details": "Carer in hospital: respite"})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert "use the services of the support plan" in refused.content.decode()
    response = client.post(url, {"kind": "make_referral", "details": "Referred to the falls team today"})
    assert response.status_code == 302
    assert Message.objects.filter(to_user=world.practitioner).exists()
    assert login(world.case_manager).get(url).status_code == 403


def test_the_worker_sees_unread_messages_on_the_case(login, world, allocated):
    services.message_send(
        user=world.duty_officer,
        to_user=world.practitioner,
        case=allocated,
        body="Mrs Thornton rang about her heating",
        told_person="A call back tomorrow",
    )
    client = login(world.practitioner)
    assert "1 unread message about this case" in client.get(allocated.get_absolute_url()).content.decode()
    assert (
        "unread message" not in login(world.practitioner2).get(allocated.get_absolute_url()).content.decode()
    )
    message = Message.objects.get()
    services.message_mark_read(user=world.practitioner, message=message)
    assert "unread message" not in client.get(allocated.get_absolute_url()).content.decode()


def test_actions_on_behalf_are_listed_for_the_case(login, world, allocated, django_assert_max_num_queries):
    from django.urls import reverse

    for kind in ("suspend_service", "arrange_respite", "make_referral"):
        duty.action_on_behalf(user=world.duty_officer, case=allocated, kind=kind, details=f"Did {kind}")
    url = reverse("contacts:actions_on_behalf", args=[allocated.pk])
    client = login(world.practitioner)
    assert url in client.get(allocated.get_absolute_url()).content.decode()
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert "Did arrange_respite" in page and "Arrange respite already agreed in the plan" in page
    assert page.count("for " + world.practitioner.display_name) == 3
    # The list reads the case, so the case's own access rules apply.
    assert login(world.district_worker).get(url).status_code == 404


def test_advice_makes_a_check_task_for_the_allocated_worker_sooner_for_high_risk(world, allocated):
    from casework.tasks.models import Task
    from tests.factories import RiskCategoryFactory

    allocated.risk_category = RiskCategoryFactory(initiative=world.initiative, code="high", label="High")
    allocated.save()
    event = services.contact_record(
        user=world.duty_officer,
        case=allocated,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        contact_role="person",
        outcome="reached",
        advice_given="Told her about the warm home discount",
    )
    task = Task.objects.get(kind="advice_check")
    assert task.assigned_to_user == world.practitioner
    assert task.due_date == clock.today() + datetime.timedelta(days=2)
    assert task.source == f"contact:{event.pk}"


def test_an_agreed_follow_up_becomes_a_task_on_the_agreed_day(world, allocated):
    from casework.tasks.models import Task

    due = clock.today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationFailed):
        services.contact_record(
            user=world.duty_officer,
            case=allocated,
            occurred_at=clock.now(),
            direction="inbound",
            method="phone",
            contact_role="person",
            outcome="reached",
            follow_up="Call back about the grab rail",
        )
    services.contact_record(
        user=world.duty_officer,
        case=allocated,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        contact_role="person",
        outcome="reached",
        follow_up="Call back about the grab rail",
        follow_up_due=due,
    )
    task = Task.objects.get(kind="follow_up")
    assert (task.title, task.due_date, task.assigned_to_user) == (
        "Call back about the grab rail",
        due,
        world.practitioner,
    )


def test_a_review_requested_at_the_duty_desk_is_a_task_for_the_worker(world, allocated):
    from casework.tasks.models import Task

    duty.review_request(user=world.duty_officer, case=allocated, details="Wants her care hours looked at")
    task = Task.objects.get(kind="review_request")
    assert task.assigned_to_user == world.practitioner and task.case == allocated


def test_absences_page(login, world):
    from django.urls import reverse

    from casework.contacts.models import WorkerAbsence

    today = clock.today()
    client = login(world.team_manager)
    response = client.post(
        reverse("contacts:absences"),
        {
            "worker": world.practitioner.pk,
            "kind": "training",
            "start_date_0": today.day,
            "start_date_1": today.month,
            "start_date_2": today.year,
            "end_date_0": today.day,
            "end_date_1": today.month,
            "end_date_2": today.year,
        },
    )
    assert response.status_code == 302
    assert WorkerAbsence.objects.get().user == world.practitioner
    assert "Away now" in client.get(reverse("contacts:absences")).content.decode()
    # A practitioner can only record their own.
    page = login(world.practitioner2).get(reverse("contacts:absences")).content.decode()
    assert world.practitioner.display_name not in page.split("Away now")[0].split("Who is away")[1]


def test_messages_only_from_the_holding_organisation_to_someone_who_can_see_the_case(world, allocated):
    with pytest.raises(PermissionRefused):
        services.message_send(
            user=world.district_worker, to_user=world.practitioner, case=allocated, body="Hi"
        )
    with pytest.raises(ValidationFailed):
        services.message_send(
            user=world.duty_officer, to_user=world.district_worker, case=allocated, body="Hi"
        )


def test_absences_list_only_people_still_working_at_the_organisation(world):
    from casework.accounts.models import Membership
    from casework.contacts.models import WorkerAbsence
    from casework.contacts.selectors import absences_upcoming

    today = clock.today()
    for worker in (world.practitioner, world.practitioner2):
        WorkerAbsence.objects.create(user=worker, kind="leave", start_date=today, end_date=today)
    Membership.objects.filter(user=world.practitioner2).update(is_active=False)  # has left the county
    assert [a.user for a in absences_upcoming(user=world.duty_officer)] == [world.practitioner]
