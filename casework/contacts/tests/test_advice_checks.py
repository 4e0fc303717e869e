"""Advice given at a contact makes a check that it helped, due sooner for higher risk; the check's outcome is
recorded on the contact (the service, the page and the API), and the check cannot be closed without one."""

import datetime

import pytest
from django.urls import reverse

from casework.allocation.services import case_accept
from casework.audit.models import AuditEvent
from casework.contacts import services
from casework.contacts.models import ContactEvent
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.tasks.models import Task
from casework.tasks.services import task_create
from tests.factories import CaseFactory, RiskCategoryFactory


@pytest.fixture
def allocated(world):
    return case_accept(user=world.practitioner, case=CaseFactory(person=world.person))


def _advise(world, case, **extra):
    return services.contact_record(
        user=world.duty_officer,
        case=case,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        contact_role="person",
        outcome="reached",
        advice_given="Told her about the warm home discount",
        **extra,
    )


@pytest.fixture
def check(world, allocated):
    contact = _advise(world, allocated)
    return contact, Task.objects.get(kind="advice_check")


@pytest.mark.parametrize(("risk", "days"), [("high", 2), ("medium", 5), ("low", 10), (None, 7)])
def test_the_check_is_due_sooner_the_higher_the_risk(world, allocated, risk, days):
    if risk:
        allocated.risk_category = RiskCategoryFactory(
            initiative=world.initiative, code=risk, label=risk.title()
        )
        allocated.save()
    _advise(world, allocated)
    task = Task.objects.get(kind="advice_check")
    assert task.due_date == clock.today() + datetime.timedelta(days=days)
    assert task.assigned_to_user == world.practitioner


def test_recording_that_it_helped_completes_the_check_and_keeps_the_outcome_on_the_contact(world, check):
    contact, task = check
    updated = services.advice_check_record(
        user=world.practitioner, task=task, outcome="helped", version=task.version
    )
    assert (updated.pk, updated.advice_outcome, updated.advice_checked_by) == (
        contact.pk,
        "helped",
        world.practitioner,
    )
    assert updated.advice_checked_at is not None
    task.refresh_from_db()
    assert (task.status, task.completed_by, task.completion_note) == (
        "done",
        world.practitioner,
        "It helped.",
    )
    event = AuditEvent.objects.get(verb="contacts.advice_check_recorded")
    assert (event.object_id, event.case_id, event.person_id) == (
        str(contact.pk),
        task.case_id,
        world.person.pk,
    )
    assert event.changes["advice_outcome"]["after"] == "helped"


@pytest.mark.parametrize("outcome", ["partly", "did_not_help"])
def test_when_it_did_not_simply_help_say_what_happens_next(world, check, outcome):
    contact, task = check
    with pytest.raises(ValidationFailed) as error:
        services.advice_check_record(
            user=world.practitioner, task=task, outcome=outcome, version=task.version
        )
    assert error.value.field == "note"
    _assert_unchanged(contact, task)
    services.advice_check_record(
        user=world.practitioner,
        task=task,
        outcome=outcome,
        version=task.version,
        note="Could not apply online: booked a call with the money advice service",
    )
    assert ContactEvent.objects.get(pk=contact.pk).advice_outcome_note.startswith("Could not apply online")


def _assert_unchanged(contact, task):
    contact.refresh_from_db()
    task.refresh_from_db()
    assert (contact.advice_outcome, contact.advice_checked_at, task.status) == ("", None, "open")
    assert not AuditEvent.objects.filter(verb="contacts.advice_check_recorded").exists()


def test_refusals_change_nothing(world, check):
    contact, task = check
    with pytest.raises(ValidationFailed) as error:
        services.advice_check_record(
            user=world.practitioner, task=task, outcome="maybe", version=task.version
        )
    assert error.value.field == "outcome"
    with pytest.raises(PermissionRefused):
        services.advice_check_record(
            user=world.district_worker, task=task, outcome="helped", version=task.version
        )
    with pytest.raises(ConflictError):
        services.advice_check_record(
            user=world.practitioner, task=task, outcome="helped", version=task.version + 1
        )
    from casework.tasks.services import task_complete

    with pytest.raises(ValidationFailed, match="Record whether the advice helped") as error:
        task_complete(
            user=world.practitioner, task=task, note="Done", version=task.version
        )  # the service too
    assert error.value.field == "outcome"
    _assert_unchanged(contact, task)
    other = task_create(
        user=world.practitioner,
        title="Ring her",
        due_date=clock.today(),
        case=task.case,
        assigned_to_user=world.practitioner,
        kind="follow_up",
    )
    with pytest.raises(DomainError):
        services.advice_check_record(
            user=world.practitioner, task=other, outcome="helped", version=other.version
        )


def test_a_check_added_by_hand_records_its_outcome_on_the_task(world, allocated):
    task = task_create(
        user=world.practitioner,
        title="Did the benefits advice help?",
        due_date=clock.today(),
        case=allocated,
        assigned_to_user=world.practitioner,
        kind="advice_check",
    )
    assert (
        services.advice_check_record(
            user=world.practitioner,
            task=task,
            outcome="partly",
            note="Applied; waiting to hear",
            version=task.version,
        )
        is None
    )
    task.refresh_from_db()
    assert task.completion_note == "It helped in part. Applied; waiting to hear"
    event = AuditEvent.objects.get(verb="contacts.advice_check_recorded")
    assert event.object_id == str(task.pk)


def test_the_task_page_asks_for_the_outcome_instead_of_a_plain_done(login, world, check):
    contact, task = check
    client = login(world.practitioner)
    page = client.get(task.get_absolute_url()).content.decode()
    url = reverse("contacts:advice_check", args=[task.pk])
    assert url in page and "Record whether the advice helped" in page and "Mark as done" not in page
    # The plain completion page sends them to the check.
    assert client.get(reverse("tasks:task_complete", args=[task.pk])).url == url
    assert client.post(reverse("tasks:task_complete", args=[task.pk]), {"version": task.version}).url == url
    task.refresh_from_db()
    assert task.status == "open"
    page = client.get(url).content.decode()
    assert "Told her about the warm home discount" in page and "Did the information and advice help?" in page
    page = client.post(url, {"version": task.version}).content.decode()
    assert "There is a problem" in page and "Select whether the advice helped" in page
    page = client.post(url, {"version": task.version, "outcome": "did_not_help"}).content.decode()
    assert "Say what did not help and what happens next" in page
    _assert_unchanged(contact, task)
    response = client.post(url, {"version": task.version, "outcome": "helped", "note": "Discount applied"})
    assert response.status_code == 302 and response.url == task.case.get_absolute_url()
    assert ContactEvent.objects.get(pk=contact.pk).advice_outcome == "helped"
    case_page = client.get(task.case.get_absolute_url()).content.decode()
    assert "Advice checked: it helped" in case_page


def test_the_check_page_refusals(login, world, check):
    _contact, task = check
    url = reverse("contacts:advice_check", args=[task.pk])
    assert login(world.district_worker).get(url).status_code == 404
    assert login(world.practitioner2).get(url).status_code == 404  # not theirs, not their team's
    other = task_create(
        user=world.practitioner,
        title="Ring her",
        due_date=clock.today(),
        case=task.case,
        assigned_to_user=world.practitioner,
        kind="follow_up",
    )
    assert login(world.practitioner).get(reverse("contacts:advice_check", args=[other.pk])).status_code == 404


def test_the_api_records_the_outcome_and_the_plain_complete_is_refused(api, world, check):
    contact, task = check
    client = api(world.practitioner)
    response = client.post(f"/tasks/{task.pk}/complete", {"version": task.version})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "outcome"
    response = client.post(
        f"/contacts/advice-checks/{task.pk}", {"outcome": "partly", "version": task.version}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "note"
    _assert_unchanged(contact, task)
    assert (
        api(world.district_worker)
        .post(f"/contacts/advice-checks/{task.pk}", {"outcome": "helped", "version": task.version})
        .status_code
        == 404
    )
    response = client.post(
        f"/contacts/advice-checks/{task.pk}", {"outcome": "helped"}, headers={"If-Match": f'"{task.version}"'}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["task_id"] == task.pk and body["contact"]["advice_outcome"] == "helped"
    assert body["contact"]["advice_checked_by_id"] == world.practitioner.pk
    response = client.post(
        f"/contacts/advice-checks/{task.pk}", {"outcome": "helped", "version": task.version + 1}
    )
    assert response.status_code == 409


def test_a_stale_check_page_says_so_and_changes_nothing(login, world, check):
    contact, task = check
    client = login(world.practitioner)
    url = reverse("contacts:advice_check", args=[task.pk])
    Task.objects.filter(pk=task.pk).update(version=task.version + 1)  # someone else changed it meanwhile
    page = client.post(url, {"version": task.version, "outcome": "helped"}).content.decode()
    assert "There is a problem" in page
    contact.refresh_from_db()
    assert (contact.advice_outcome, Task.objects.get(pk=task.pk).status) == ("", "open")
    assert not AuditEvent.objects.filter(verb="contacts.advice_check_recorded").exists()
