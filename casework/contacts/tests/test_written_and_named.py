"""A named worker or team asked for, or a letter or email addressed to one: passed on only when they are
allocated to the person or responsible (Wokingham duty procedure); the desk's page and the API."""

import datetime

import pytest
from django.urls import reverse

from casework.allocation.services import case_accept
from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.contacts import duty
from casework.contacts.models import ContactEvent, Message
from casework.core import clock
from casework.core.errors import DomainError, ValidationFailed
from casework.tasks.models import Task
from casework.waiting_list.models import WaitingListEntry
from tests.factories import CaseFactory, PersonFactory, TeamFactory, found_in_search

LETTER = {
    "method": "letter",
    "outcome": "reached",
    "summary": "Asks when her care hours will be looked at",
    "original_held_at": "Scanned to the case file; paper copy in the team post tray",
}


@pytest.fixture
def allocated(world):
    return case_accept(
        user=world.practitioner, case=CaseFactory(person=world.person, allocated_team=world.team)
    )


def _letter(**extra):
    return {"occurred_at": clock.now(), **LETTER, **extra}


def test_a_letter_to_the_allocated_worker_is_passed_on_saying_where_the_original_is(world, allocated):
    outcome = duty.duty_self_contact(
        user=world.duty_officer, person=world.person, contact=_letter(), addressed_to_user=world.practitioner
    )
    assert outcome.named.allowed
    contact = ContactEvent.objects.get()
    assert (contact.addressed_to_user, contact.passed_on, contact.case) == (
        world.practitioner,
        True,
        allocated,
    )
    message = Message.objects.get(to_user=world.practitioner)
    assert (
        message.contact == contact and message.case == allocated and message.from_user == world.duty_officer
    )
    assert "A letter addressed to you about Margaret Thornton" in message.body
    assert f"recorded on case {allocated.reference}" in message.body
    assert (
        "The original is held at: Scanned to the case file; paper copy in the team post tray" in message.body
    )
    event = AuditEvent.objects.get(verb="contacts.written_contact_routed")
    assert (event.case_id, event.person_id) == (allocated.pk, world.person.pk)
    assert event.changes["passed_on"]["after"] is True
    assert event.changes["addressed_to"]["after"] == f"user:{world.practitioner.pk}"


def test_a_letter_to_a_worker_who_is_not_allocated_is_not_passed_on_and_offers_who_is(world, allocated):
    outcome = duty.duty_concern(
        user=world.duty_officer,
        person=world.person,
        contact=_letter(contact_role="relative", contact_name="Ann Thornton"),
        decision="leave",
        reason="A question about hours, not a change",
        addressed_to_user=world.practitioner2,
    )
    assert not outcome.named.allowed
    assert "is not allocated to this person" in outcome.named.message
    assert any(world.practitioner.display_name in offer for offer in outcome.named.offer)
    contact = ContactEvent.objects.get()
    assert (contact.addressed_to_user, contact.passed_on) == (world.practitioner2, False)
    assert not Message.objects.exists()
    assert (
        AuditEvent.objects.get(verb="contacts.written_contact_routed").changes["passed_on"]["after"] is False
    )


def test_an_email_to_the_responsible_team_becomes_a_task_for_the_team_due_today(world, allocated):
    outcome = duty.duty_self_contact(
        user=world.duty_officer,
        person=world.person,
        contact=_letter(method="email", original_held_at="Team mailbox"),
        addressed_to_team=world.team,
    )
    assert outcome.named.allowed
    task = Task.objects.get(source=f"contact:{outcome.contact.pk}")
    assert (task.assigned_to_team, task.due_date, task.case) == (world.team, clock.today(), allocated)
    assert "email addressed to Locality Team North" in task.details and "Team mailbox" in task.details


def test_an_email_to_a_team_that_is_not_responsible_is_not_passed_on(world, allocated):
    outcome = duty.duty_self_contact(
        user=world.duty_officer,
        person=world.person,
        contact=_letter(),
        addressed_to_team=world.safeguarding_team,
    )
    assert not outcome.named.allowed
    assert ContactEvent.objects.get().passed_on is False
    assert not Task.objects.filter(kind="follow_up").exists()


def test_a_letter_to_a_named_worker_about_someone_with_no_case_says_to_take_it(world):
    person = PersonFactory(created_by_organisation=world.county)
    outcome = duty.duty_concern(
        user=world.duty_officer,
        person=person,
        contact=_letter(contact_role="professional", contact_name="Dr Patel"),
        addressed_to_user=world.practitioner,
    )
    assert outcome.case is None and not outcome.named.allowed
    assert "Nobody is allocated: take the contact" in outcome.named.message
    assert ContactEvent.objects.get(person=person).passed_on is False


@pytest.mark.parametrize("method", ["phone", "face_to_face"])
def test_only_a_letter_or_email_is_addressed_and_nothing_is_saved_otherwise(world, allocated, method):
    with pytest.raises(ValidationFailed) as error:
        duty.duty_self_contact(
            user=world.duty_officer,
            person=world.person,
            contact=_letter(method=method),
            addressed_to_user=world.practitioner,
        )
    assert error.value.field == "addressed_to"
    assert not ContactEvent.objects.exists() and not Message.objects.exists()


def test_the_duty_call_page_passes_a_letter_on_or_says_why_not(login, world, allocated):
    client = login(world.duty_officer)
    found_in_search(world.duty_officer, world.person)
    url = reverse("contacts:duty_call", args=[world.person.pk])
    page = client.get(url).content.decode()
    assert "If they wrote to a named worker or team: who it is addressed to" in page
    body = {"who": "person", **{k: v for k, v in LETTER.items() if k != "outcome"}}
    response = client.post(url, {**body, "addressed_to": f"user:{world.practitioner2.pk}"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == allocated.get_absolute_url()
    assert "It has not been passed on." in page and "is not allocated to this person" in page
    assert world.practitioner.display_name in page.split("Offer:")[1]
    response = client.post(url, {**body, "addressed_to": f"user:{world.practitioner.pk}"}, follow=True)
    assert f"It has been passed to {world.practitioner.display_name}" in response.content.decode()
    assert Message.objects.filter(to_user=world.practitioner).count() == 1
    assert list(ContactEvent.objects.order_by("id").values_list("passed_on", flat=True)) == [False, True]


def test_the_duty_desk_checks_a_named_worker_or_team_from_the_persons_card(login, world, allocated):
    client = login(world.duty_officer)
    search = {"nhs_number": "9434765919"}
    page = client.get(reverse("contacts:duty_desk"), search).content.decode()
    assert "They asked for a named worker or team" in page and "Who did they ask for?" in page
    assert f'value="user:{world.practitioner2.pk}"' in page and f'value="team:{world.team.pk}"' in page

    def ask(named):
        return client.get(
            reverse("contacts:duty_desk"), {**search, "named_person": world.person.pk, "named": named}
        ).content.decode()

    refused = ask(f"user:{world.practitioner2.pk}")
    assert "Do not pass it on" in refused and "is not allocated to this person" in refused
    assert allocated.reference in refused.split("Offer:")[1]
    allowed = ask(f"user:{world.practitioner.pk}")
    assert "Pass it on" in allowed and "is allocated to this person: pass the contact on" in allowed
    assert "is responsible for this person: pass the contact on" in ask(f"team:{world.team.pk}")
    assert "is not responsible for this person" in ask(f"team:{world.safeguarding_team.pk}")
    # Asking without choosing is an error on the question, not an answer.
    assert "Select the worker or team they asked for" in ask("")


def test_the_duty_desk_says_when_nobody_is_known(login, world):
    page = (
        login(world.duty_officer)
        .get(
            reverse("contacts:duty_desk"),
            {
                "family_name": "Nobody",
                "date_of_birth_0": "1",
                "date_of_birth_1": "1",
                "date_of_birth_2": "1930",
            },
        )
        .content.decode()
    )
    assert "Not known" in page and "Nobody matches" in page
    assert reverse("people:person_create") in page


def test_a_review_asked_for_at_the_desk_goes_to_the_team_when_no_worker_is_allocated(world):
    case = CaseFactory(person=world.person, allocated_team=world.team)
    request = duty.review_request(user=world.duty_officer, case=case, details="Wants it looked at again")
    task = request.task
    assert (task.assigned_to_user, task.assigned_to_team, task.kind) == (None, world.team, "review_request")
    assert task.due_date == clock.today() + datetime.timedelta(days=duty.REVIEW_REQUEST_DAYS)


def test_the_duty_call_page_makes_the_review_task_or_says_why_not(login, world, allocated):
    client = login(world.duty_officer)
    found_in_search(world.duty_officer, world.person)
    url = reverse("contacts:duty_call", args=[world.person.pk])
    response = client.post(
        url,
        {
            "who": "person",
            "method": "phone",
            "summary": "Asks for a review of her care",
            "review_requested": "on",
        },
        follow=True,
    )
    task = Task.objects.get(kind="review_request")
    assert (task.assigned_to_user, task.case) == (world.practitioner, allocated)
    assert f"The review request is a task for {world.practitioner.display_name}" in response.content.decode()
    # A case nobody is allocated to yet: the request is not dropped (issue 13): it waits on the list "waiting
    # for a review" (issue 17), and the page says so.
    other = PersonFactory(created_by_organisation=world.county)
    Case.objects.filter(pk=CaseFactory(person=other).pk).update(allocated_team=None)
    found_in_search(world.duty_officer, other)
    response = client.post(
        reverse("contacts:duty_call", args=[other.pk]),
        {"who": "person", "method": "phone", "summary": "Asks for a review"},
        follow=True,
    )
    assert Task.objects.filter(kind="review_request").count() == 1
    response = client.post(
        reverse("contacts:duty_call", args=[other.pk]),
        {"who": "person", "method": "phone", "summary": "Asks for a review", "review_requested": "on"},
        follow=True,
    )
    assert "the review request waits on the list for a review" in response.content.decode()
    assert ContactEvent.objects.filter(person=other).count() == 2
    assert not Task.objects.filter(kind="review_request", case__person=other).exists()
    waiting = WaitingListEntry.objects.filter(case__person=other, list_kind="review", exited_on__isnull=True)
    assert waiting.exists()


def test_a_review_on_another_organisations_unallocated_case_says_why_no_task(world):
    case = CaseFactory(person=world.district_person, allocated_team=None)
    with pytest.raises(DomainError, match="held by another organisation"):
        duty.review_request(user=world.duty_officer, case=case, details="Wants a review")


def test_what_was_agreed_at_the_desk_becomes_a_task_on_the_agreed_day(login, world, allocated):
    due = clock.today() + datetime.timedelta(days=2)
    client = login(world.duty_officer)
    found_in_search(world.duty_officer, world.person)
    url = reverse("contacts:duty_call", args=[world.person.pk])
    body = {
        "who": "person",
        "method": "phone",
        "summary": "Worker away; she will wait for a call",
        "follow_up": "If no call by Thursday she rings the duty desk again",
    }
    page = client.post(url, body).content.decode()
    assert "Enter when the follow-up is due" in page and not ContactEvent.objects.exists()
    response = client.post(
        url, {**body, "follow_up_due_0": due.day, "follow_up_due_1": due.month, "follow_up_due_2": due.year}
    )
    assert response.status_code == 302
    task = Task.objects.get(kind="follow_up")
    assert (task.title, task.due_date, task.assigned_to_user) == (body["follow_up"], due, world.practitioner)


@pytest.mark.parametrize(
    ("by", "to_user", "to_team"),
    [("recorder", "duty_officer", None), ("worker", "practitioner", None), ("team", None, "team")],
)
def test_the_desk_says_who_follows_up(login, world, allocated, by, to_user, to_team):
    # Issue 13: with the worker away, a follow-up always went to them; the desk now says who does it.
    allocated.allocated_team = world.team
    allocated.save(update_fields=["allocated_team"])
    due = clock.today() + datetime.timedelta(days=2)
    client = login(world.duty_officer)
    found_in_search(world.duty_officer, world.person)
    response = client.post(
        reverse("contacts:duty_call", args=[world.person.pk]),
        {
            "who": "person",
            "method": "phone",
            "summary": "Worker away",
            "follow_up": "Ring her on Thursday",
            "follow_up_due_0": due.day,
            "follow_up_due_1": due.month,
            "follow_up_due_2": due.year,
            "follow_up_by": by,
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(kind="follow_up")
    assert task.assigned_to_user == (getattr(world, to_user) if to_user else None)
    assert task.assigned_to_team == (getattr(world, to_team) if to_team else None)


def test_following_up_by_a_worker_nobody_is_refused_and_records_nothing(api, world):
    CaseFactory(person=world.person, allocated_team=None)
    found_in_search(world.duty_officer, world.person)
    due = (clock.today() + datetime.timedelta(days=2)).isoformat()
    response = api(world.duty_officer).post(
        f"/contacts/duty/people/{world.person.pk}/calls",
        {
            "who": "person",
            "method": "phone",
            "summary": "Worker away",
            "follow_up": "Ring her",
            "follow_up_due": due,
            "follow_up_by": "worker",
        },
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "follow_up_by"
    assert not ContactEvent.objects.exists() and not Task.objects.exists()


def test_the_duty_desk_api(api, world, allocated):
    duty_api = api(world.duty_officer)
    url = f"/contacts/duty/people/{world.person.pk}/calls"
    letter = {"who": "person", **{k: v for k, v in LETTER.items() if k != "outcome"}}
    # Only a person the desk has found: by id alone the person is not there (ADR 3).
    assert duty_api.post(url, letter).status_code == 404
    assert (
        duty_api.get(
            f"/contacts/duty/people/{world.person.pk}/named-check", {"team_id": world.team.pk}
        ).status_code
        == 404
    )
    assert not ContactEvent.objects.exists()
    found_in_search(world.duty_officer, world.person)
    letter = {"who": "person", **{k: v for k, v in LETTER.items() if k != "outcome"}}
    body = duty_api.post(url, {**letter, "addressed_to_user_id": world.practitioner2.pk}).json()
    assert body["case_id"] == allocated.pk and body["named"]["allowed"] is False
    assert body["contact"]["passed_on"] is False and body["contact"]["original_held_at"]
    response = duty_api.post(
        url, {**letter, "addressed_to_user_id": world.practitioner.pk, "review_requested": True}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["named"]["allowed"] is True and body["review_task_id"]
    assert Task.objects.get(pk=body["review_task_id"]).assigned_to_user == world.practitioner
    check = duty_api.get(
        f"/contacts/duty/people/{world.person.pk}/named-check", {"worker_id": world.practitioner2.pk}
    ).json()
    assert check["allowed"] is False and check["offer"]
    assert (
        duty_api.get(
            f"/contacts/duty/people/{world.person.pk}/named-check", {"team_id": world.team.pk}
        ).json()["allowed"]
        is True
    )
    # Refusals: bad input names the field and saves nothing; the wrong role is 403; no such person 404.
    before = ContactEvent.objects.count()
    response = duty_api.post(
        url, {**letter, "method": "phone", "addressed_to_user_id": world.practitioner.pk}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "addressed_to_user_id"
    response = duty_api.post(url, {**letter, "method": "phone", "addressed_to_team_id": world.team.pk})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "addressed_to_team_id"
    response = duty_api.post(url, {"who": "other", "summary": "Worried", "contact_name": "A neighbour"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "contact_role"
    assert ContactEvent.objects.count() == before
    assert api(world.case_manager).post(url, letter).status_code == 403
    assert (
        duty_api.post(f"/contacts/duty/people/{world.elsewhere_person.pk}/calls", letter).status_code == 404
    )
    assert duty_api.get(f"/contacts/duty/people/{world.person.pk}/named-check").status_code == 422


@pytest.mark.parametrize("who", ["outsider", "district_worker"])
def test_the_duty_desk_api_names_only_the_workers_and_teams_the_page_offers(api, world, allocated, who):
    # The page offers the desk's own organisations' workers and teams; the API must not answer for anyone
    # else, or it would tell a duty officer the name of any worker in any initiative by their id.
    stranger = getattr(world, who)
    duty_api = api(world.duty_officer)
    found_in_search(world.duty_officer, world.person)
    response = duty_api.get(
        f"/contacts/duty/people/{world.person.pk}/named-check", {"worker_id": stranger.pk}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "worker_id"
    assert stranger.display_name not in response.content.decode()
    other_team = TeamFactory(
        organisation=world.district if who == "district_worker" else world.elsewhere,
        name="Somewhere Else Team",
    )
    response = duty_api.get(
        f"/contacts/duty/people/{world.person.pk}/named-check", {"team_id": other_team.pk}
    )
    assert response.status_code == 422 and "Somewhere Else Team" not in response.content.decode()
    letter = {"who": "person", **{k: v for k, v in LETTER.items() if k != "outcome"}}
    url = f"/contacts/duty/people/{world.person.pk}/calls"
    response = duty_api.post(url, {**letter, "addressed_to_user_id": stranger.pk})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "addressed_to_user_id"
    response = duty_api.post(url, {**letter, "addressed_to_team_id": other_team.pk})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "addressed_to_team_id"
    assert not ContactEvent.objects.exists() and not Message.objects.exists()


def test_a_letter_is_passed_on_with_the_case_it_went_on_when_the_worker_has_two(world, allocated):
    from casework.contacts.services import contact_record

    second = case_accept(
        user=world.practitioner, case=CaseFactory(person=world.person, allocated_team=world.team)
    )
    for case in (allocated, second):
        contact = contact_record(
            user=world.duty_officer, case=case, direction="inbound", contact_role="person", **_letter()
        )
        duty.written_contact_pass_on(user=world.duty_officer, contact=contact, worker=world.practitioner)
        message = Message.objects.get(contact=contact)
        assert message.case == case and f"recorded on case {case.reference}" in message.body
