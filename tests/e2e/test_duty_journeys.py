"""Duty desk journeys: a call for an absent worker, a neighbour's concern, the worker's next day."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from casework.allocation.services import case_accept
from casework.cases.models import Case
from casework.contacts.models import ContactEvent, Message
from casework.contacts.services import absence_record, contact_record, message_send
from casework.core import clock
from casework.core.templatetags.govuk import govuk_date
from casework.tasks.models import Task
from tests.e2e.conftest import assert_accessible, main_navigation, sign_in
from tests.e2e.steps import open_case_section
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.e2e

TOLD_PERSON = "Her worker will ring her back on the day she is back from leave."
FOLLOW_UP = "Ring Margaret to check the heating engineer came"


@pytest.fixture
def away_case(world):
    """Margaret's case, accepted by the practitioner, who is on annual leave today and the next two days."""
    case = case_accept(
        user=world.practitioner,
        case=CaseFactory(person=world.person, summary="Struggling at home since a fall."),
    )
    today = clock.today()
    absence_record(
        user=world.team_manager,
        worker=world.practitioner,
        kind="leave",
        start_date=today,
        end_date=today + datetime.timedelta(days=2),
    )
    return case


def fill_date(page, legend: str, date) -> None:
    """Fill a GOV.UK date input: the Day, Month and Year boxes inside the fieldset named by its legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(date.day))
    group.get_by_label("Month").fill(str(date.month))
    group.get_by_label("Year").fill(str(date.year))


def summary_value(scope, key: str):
    """The value cell of the GOV.UK summary list row whose key is `key`."""
    page = scope if isinstance(scope, Page) else scope.page
    row = scope.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.locator(".govuk-summary-list__value")


def expect_success(page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def open_duty_desk(page) -> None:
    """The duty desk, through the service navigation."""
    main_navigation(page).get_by_role("link", name="Duty desk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Duty desk")
    assert_accessible(page)


def find_on_duty_desk_by_nhs_number(page, nhs_number: str) -> None:
    page.get_by_label("NHS number").fill(nhs_number)
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", level=2, name="1 found")).to_be_visible()
    assert_accessible(page)


def route_card(page, case):
    """The duty desk's card for one of the person's open cases."""
    return page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name=re.compile(rf"^Case {re.escape(case.reference)}:"))
    )


@pytest.fixture
def directory(settings):
    """The demo service directory (it refuses to load outside development mode)."""
    from casework.demo.directory import build_directory_demo

    settings.DEBUG = True
    build_directory_demo()
    settings.DEBUG = False


def test_duty_officer_takes_a_call_for_an_absent_worker(page, world, away_case, directory):
    worker = world.practitioner.display_name
    reference = away_case.reference
    back_on = govuk_date(clock.today() + datetime.timedelta(days=3))

    sign_in(page, "duty_officer")
    open_duty_desk(page)
    find_on_duty_desk_by_nhs_number(page, "943 476 5919")

    card = route_card(page, away_case)
    expect(card).to_have_count(1)
    expect(summary_value(card, "Responsible")).to_have_text(f"{world.county.name}, {world.team.name}")
    primary = summary_value(card, "Primary worker")
    expect(primary).to_contain_text(worker)
    expect(primary.locator(".govuk-tag")).to_have_text("Away: annual leave")
    expect(primary).to_contain_text(f"back {back_on}")
    card.get_by_role("link", name=f"Leave a message for {worker}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Leave a message for {worker}")
    assert_accessible(page)
    page.get_by_label("Message", exact=True).fill(
        "Margaret rang: the heating is off again and she has no hot water. I gave her the emergency line."
    )
    page.get_by_label("What the person was told about when to expect a call back").fill(TOLD_PERSON)
    page.get_by_role("button", name="Leave message").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    expect_success(page, f"Your message has been left for {worker}.")
    assert_accessible(page)
    message = Message.objects.get(to_user=world.practitioner)
    assert (message.from_user, message.case, message.person, message.told_person, message.read_at) == (
        world.duty_officer,
        away_case,
        world.person,
        TOLD_PERSON,
        None,
    )

    # The call itself, recorded from the duty desk.
    open_duty_desk(page)
    find_on_duty_desk_by_nhs_number(page, "9434765919")
    page.get_by_role("button", name="Record a call or concern about Margaret Thornton").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Record a call or concern")
    expect(route_card(page, away_case)).to_contain_text("Away: annual leave")
    assert_accessible(page)
    page.get_by_role("group", name="Who is contacting us?").get_by_label("The person themselves").check()
    expect(page.get_by_label("How did they contact us?")).to_have_value("phone")
    page.get_by_label("What they said and what was done").fill(
        "Heating off again, no hot water. Gave her the emergency repairs line; message left for her worker."
    )
    page.get_by_role("button", name="Record", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    assert page.url.endswith(f"/cases/{away_case.pk}/")
    expect_success(page, "The contact has been recorded on the person's case.")
    contacts = page.get_by_role("table", name="Contact events, newest first")
    expect(contacts.get_by_role("row").filter(has_text="Heating off again")).to_contain_text(
        "Inbound phone, the person"
    )
    assert_accessible(page)

    # A contact with a follow-up agreed: a task for the allocated worker.
    page.get_by_role("button", name="Record a contact", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a contact")
    assert_accessible(page)
    today = clock.today()
    when = page.get_by_role("group", name="Date of the contact")
    expect(when.get_by_label("Day")).to_have_value(str(today.day))
    expect(when.get_by_label("Month")).to_have_value(str(today.month))
    expect(when.get_by_label("Year")).to_have_value(str(today.year))
    expect(page.get_by_label("Time", exact=True)).to_have_value(re.compile(r"^\d{2}:\d{2}$"))
    page.get_by_role("group", name="Who started the contact?").get_by_label(
        "They contacted us (inbound)"
    ).check()
    page.get_by_role("group", name="How").get_by_label("Phone", exact=True).check()
    page.get_by_role("group", name="Who was it with or from?").get_by_label("The person", exact=True).check()
    page.get_by_role("group", name="Did it reach the person?").get_by_label("Reached the person").check()
    page.get_by_label("Summary", exact=True).fill("She rang back: the engineer is booked for Thursday.")
    page.get_by_label("Follow-up agreed with them (optional)").fill(FOLLOW_UP)
    due = today + datetime.timedelta(days=4)
    fill_date(page, "Follow-up due", due)
    # Signposting: the directory search updates the page in place and keeps what was typed.
    page.get_by_label("Find a service to signpost them to").fill("debt")
    page.get_by_role("button", name="Search the directory").click()
    services = page.get_by_role("group", name="Services signposted")
    services.get_by_label("Debt advice appointments (Casterbridge Money Advice)").check()
    expect(page.get_by_label("Summary", exact=True)).to_have_value(
        "She rang back: the engineer is booked for Thursday."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Record contact").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    expect_success(page, "The contact has been recorded.")
    booked = contacts.get_by_role("row").filter(has_text="engineer is booked")
    expect(booked).to_contain_text("Inbound phone, the person")
    expect(booked).to_contain_text("Signposted: Debt advice appointments (Casterbridge Money Advice)")
    assert_accessible(page)

    calls = ContactEvent.objects.filter(case=away_case, direction="inbound", contact_role="person")
    assert calls.count() == 2
    task = Task.objects.get(case=away_case, kind="follow_up")
    assert (task.title, task.due_date, task.assigned_to_user) == (FOLLOW_UP, due, world.practitioner)
    signposted = calls.get(summary__contains="engineer is booked").signposted
    assert [s["name"] for s in signposted] == ["Debt advice appointments"]
    assert Task.objects.filter(case=away_case, kind="advice_check").exists()


def test_neighbours_concern_about_an_unknown_person_raises_a_case(page, world):
    person = PersonFactory(
        created_by_organisation=world.county,
        given_name="Edith",
        family_name="Crane",
        date_of_birth=datetime.date(1938, 4, 12),
    )

    sign_in(page, "duty_officer")
    open_duty_desk(page)
    page.get_by_label("Family name").fill("Crane")
    fill_date(page, "Date of birth", person.date_of_birth)
    page.get_by_role("button", name="Find").click()

    expect(page.get_by_role("heading", level=2, name="1 found")).to_be_visible()
    expect(page.get_by_text("No open case: if the person needs help, record the call")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record a call or concern about Edith Crane").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Record a call or concern")
    assert_accessible(page)
    page.get_by_role("group", name="Who is contacting us?").get_by_label(
        "Someone else, with a concern about the person"
    ).check()
    page.get_by_label("If someone else, who are they?").select_option(label="Member of the public")
    page.get_by_label("Their name", exact=True).fill("Pat Lowe, next door")
    page.get_by_label("Their phone number or email (optional)").fill("07700 900123")
    page.get_by_label("What they said and what was done").fill(
        "Neighbour has not seen Edith for four days; her curtains are closed and the milk is on the step."
    )
    page.get_by_label("If the person has no case: raise one for this concern").check()
    page.get_by_role("group", name="Priority of a new case").get_by_label("Urgent").check()
    page.get_by_role("button", name="Record", exact=True).click()

    case = Case.objects.get(person=person)
    expect(page.get_by_role("heading", level=1)).to_have_text(case.reference)
    assert page.url.endswith(f"/cases/{case.pk}/")
    expect_success(page, "A new case has been raised: your organisation is responsible.")
    expect(summary_value(page, "Where it came from")).to_have_text("Concern raised by someone else")
    expect(page.get_by_role("list", name="Case status")).to_contain_text("Priority: Urgent")
    expect(summary_value(page, "Organisation")).to_have_text(world.county.name)
    assert_accessible(page)
    # A new case opens at its overview: its contacts are a section of their own.
    open_case_section(page, "Contacts")
    contacts = page.get_by_role("table", name="Contact events, newest first")
    expect(contacts).to_contain_text("Inbound phone, member of the public (Pat Lowe, next door)")
    assert_accessible(page)

    assert (case.origin, case.priority, case.responsible_organisation) == (
        "third_party_concern",
        "urgent",
        world.county,
    )
    event = ContactEvent.objects.get(case=case)
    assert (event.contact_role, event.contact_name, event.direction) == (
        "public",
        "Pat Lowe, next door",
        "inbound",
    )


def test_worker_sees_the_message_and_task_next_morning(page, world, away_case):
    message_send(
        user=world.duty_officer,
        to_user=world.practitioner,
        case=away_case,
        body="Margaret rang: the heating is off again.",
        told_person=TOLD_PERSON,
    )
    due = clock.today() + datetime.timedelta(days=3)
    contact_record(
        user=world.duty_officer,
        case=away_case,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        contact_role="person",
        outcome="reached",
        summary="The engineer is booked for Thursday.",
        follow_up=FOLLOW_UP,
        follow_up_due=due,
    )

    sign_in(page, "practitioner")
    main_navigation(page).get_by_role("link", name="Messages (1 unread)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    card = page.locator(".govuk-summary-card").filter(has_text="Margaret rang: the heating is off again.")
    title = card.get_by_role("heading", level=2)
    expect(title).to_contain_text(f"Unread From {world.duty_officer.display_name}")
    expect(card.get_by_role("link", name=away_case.reference)).to_be_visible()
    expect(card).to_contain_text(f"The person was told: {TOLD_PERSON}")
    assert_accessible(page)
    card.get_by_role("button", name="Mark as read").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    expect(card.locator(".govuk-tag", has_text="Unread")).to_have_count(0)
    expect(card.get_by_role("button", name="Mark as read")).to_have_count(0)
    expect(main_navigation(page).get_by_role("link", name="Messages", exact=True)).to_be_visible()
    assert_accessible(page)
    assert Message.objects.get(to_user=world.practitioner).read_at is not None

    main_navigation(page).get_by_role("link", name="Tasks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")
    row = (
        page.get_by_role("table", name="Your tasks")
        .get_by_role("row")
        .filter(has=page.get_by_role("link", name=FOLLOW_UP))
    )
    expect(row).to_contain_text(f"Case {away_case.reference}")
    expect(row).to_contain_text("Margaret Thornton")
    expect(row).to_contain_text(govuk_date(due))
    assert_accessible(page)


def test_a_letter_to_a_worker_who_is_not_allocated_goes_to_the_allocated_worker(page, world, away_case):
    """Her letter names a worker she once spoke to; the desk checks, then passes it to her allocated
    worker."""
    other = world.practitioner2.display_name
    worker = world.practitioner.display_name

    sign_in(page, "duty_officer")
    open_duty_desk(page)
    find_on_duty_desk_by_nhs_number(page, "9434765919")
    page.get_by_text("They asked for a named worker or team").click()
    page.get_by_label("Who did they ask for?").select_option(label=other)
    page.get_by_role("button", name="Check").click()

    answer = page.locator("[data-named-answer]")
    expect(answer).to_contain_text("Do not pass it on")
    expect(answer).to_contain_text(f"{other} is not allocated to this person")
    expect(answer).to_contain_text(f"Offer: {worker} (primary worker, {away_case.reference})")
    assert_accessible(page)

    page.get_by_role("button", name="Record a call or concern about Margaret Thornton").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a call or concern")
    assert_accessible(page)
    page.get_by_role("group", name="Who is contacting us?").get_by_label("The person themselves").check()
    page.get_by_label("How did they contact us?").select_option(label="Letter")
    page.get_by_label("If they wrote to us: where the original letter or email is held").fill(
        "Scanned to the case file"
    )
    page.get_by_label("If they wrote to a named worker or team: who it is addressed to").select_option(
        label=worker
    )
    page.get_by_label("What they said and what was done").fill("Her letter asks for a grab rail by the bath.")
    page.get_by_role("button", name="Record", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(away_case.reference)
    expect(
        page.locator(".govuk-notification-banner").filter(has_text="It has been passed to")
    ).to_contain_text(f"It has been passed to {worker}, saying where the original is held.")
    assert_accessible(page)
    message = Message.objects.get(to_user=world.practitioner)
    assert "The original is held at: Scanned to the case file" in message.body
    assert ContactEvent.objects.get(case=away_case, method="letter").passed_on is True


def test_the_worker_records_whether_the_advice_helped(page, world, away_case):
    contact_record(
        user=world.duty_officer,
        case=away_case,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        contact_role="person",
        outcome="reached",
        summary="Asked about heating costs.",
        advice_given="Told her about the warm home discount",
    )
    task = Task.objects.get(case=away_case, kind="advice_check")

    sign_in(page, "practitioner")
    main_navigation(page).get_by_role("link", name="Tasks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")
    assert_accessible(page)
    page.get_by_role("link", name=task.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(task.title)
    expect(page.get_by_role("button", name="Mark as done")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Record whether the advice helped").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Did the advice help?")
    expect(page.get_by_text("Told her about the warm home discount")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Did the information and advice help?").get_by_label(
        "It did not help"
    ).check()
    page.get_by_role("button", name="Record the outcome").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say what did not help and what happens next"
    )
    assert_accessible(page)
    page.get_by_label("What they said, and what happens next").fill(
        "The supplier says she is not eligible: referred to the money advice service."
    )
    page.get_by_role("button", name="Record the outcome").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(away_case.reference)
    expect_success(page, "The outcome of the check has been recorded.")
    expect(page.get_by_role("table", name="Contact events, newest first")).to_contain_text(
        "Advice checked: it did not help"
    )
    assert_accessible(page)
    task.refresh_from_db()
    assert task.status == "done"
    assert ContactEvent.objects.get(case=away_case).advice_outcome == "did_not_help"
