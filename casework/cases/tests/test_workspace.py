"""The case workspace (issue 14): a case header on every section, a sub navigation of sections each with its
own URL, the case opening at the section its stage is at, one access event per request, and htmx swapping a
section in without the header."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AccessEvent
from casework.cases import services, workspace
from casework.cases.models import Case
from casework.contacts import services as contacts
from casework.core import clock
from casework.people.models import BreakGlassGrant
from casework.safeguarding import services as safeguarding
from casework.tasks import services as tasks
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

SECTIONS = [
    "overview",
    "risk_index",
    "contacts",
    "assessment",
    "care_act",
    "episodes",
    "money",
    "support_plan",
    "direct_payments",
    "reviews",
    "sharing",
    "waiting",
    "timeline",
]


def _url(key, case):
    return reverse(f"cases:case_{key}", args=[case.pk])


def _section_shown(content: str) -> str:
    """The label of the section marked current in the sub navigation."""
    nav = content[content.index('aria-label="Case sections"') :]
    nav = nav[nav.index('aria-current="page"') :]
    return nav[nav.index(">") + 1 : nav.index("<")].strip()


def test_every_section_is_registered_in_order_with_its_own_url(world, active_case):
    assert [section.key for section in workspace.sections()] == SECTIONS
    for key in SECTIONS:
        assert _url(key, active_case).startswith(f"/cases/{active_case.pk}/")


@pytest.mark.parametrize("key", SECTIONS)
def test_each_section_has_the_header_and_the_sub_navigation(login, world, active_case, key):
    response = login(world.practitioner).get(_url(key, active_case))
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<h1 class="govuk-heading-l govuk-!-margin-bottom-2" id="case-heading">{active_case.reference}</h1>'
        in (content)
    )
    assert "Margaret Thornton" in content and "Test County Council" in content
    assert "Stage: </span>" in content and "Priority: </span>" in content
    assert world.practitioner.display_name in content  # the primary worker
    assert "Put on hold" in content  # the case's actions
    assert _section_shown(content) == workspace.section_get(key).label
    for other in SECTIONS:
        assert f'href="{_url(other, active_case)}"' in content


@pytest.mark.parametrize("key", SECTIONS)
def test_each_section_records_one_access_event_naming_it(login, world, active_case, key):
    client = login(world.practitioner)
    client.get(_url(key, active_case))  # the first request of a session reads what later ones have cached
    before = AccessEvent.objects.count()
    client.get(_url(key, active_case))
    events = list(AccessEvent.objects.order_by("-pk")[: AccessEvent.objects.count() - before])
    assert [(e.verb, e.case_id, e.details) for e in events] == [
        ("cases.case_viewed", active_case.pk, {"section": key})
    ]


@pytest.mark.parametrize("key", SECTIONS)
def test_each_section_is_404_for_people_who_may_not_open_the_case(login, world, active_case, key):
    for who in ("district_worker", "outsider", "initiative_admin", "delivery_worker", "no_roles"):
        assert login(getattr(world, who)).get(_url(key, active_case)).status_code == 404, who
    assert login(world.practitioner).get(reverse(f"cases:case_{key}", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("stage", "status", "opens_at"),
    [
        ("awaiting_allocation", "planned", "Overview"),
        ("contact", "active", "Contacts"),
        ("assessment", "active", "Assessment and needs"),
        ("planning", "active", "Care Act"),
        ("support", "active", "Consent and referrals"),
        ("review", "active", "Overview"),
        ("closing", "finished", "Overview"),
        ("support", "on_hold", "Consent and referrals"),
        ("support", "cancelled", "Overview"),
    ],
)
def test_the_case_opens_at_the_section_its_stage_is_at(login, world, active_case, stage, status, opens_at):
    Case.objects.filter(pk=active_case.pk).update(stage=stage, status=status)
    client = login(world.practitioner)
    response = client.get(active_case.get_absolute_url())
    assert response.status_code == 200
    assert _section_shown(response.content.decode()) == opens_at
    event = AccessEvent.objects.filter(verb="cases.case_viewed", case_id=active_case.pk).latest("pk")
    labels = {section.label: section.key for section in workspace.sections()}
    assert event.details == {"section": labels[opens_at]}


def test_a_section_not_reached_yet_says_what_unlocks_it(login, world, active_case):
    client = login(world.practitioner)
    content = client.get(_url("assessment", active_case)).content.decode()
    assert "The case has not reached this part of the work yet." in content
    assert workspace.section_get("assessment").unlocks in content
    # Still there to use: the stage guides the worker; the services' gates decide what may be done.
    assert "Start an assessment" in content
    assert "(later)" in content[content.index('aria-label="Case sections"') :]
    assert "The case has not reached" not in client.get(_url("contacts", active_case)).content.decode()


def test_a_section_reached_stays_reached_after_going_back_to_amend(login, world, assessable_case):
    client = login(world.practitioner)
    case = services.case_move_stage(user=world.practitioner, case=assessable_case, stage="assessment")
    case = services.case_move_stage(user=world.practitioner, case=case, stage="contact")
    assert case.stage == "contact"
    content = client.get(_url("assessment", case)).content.decode()
    assert "The case has not reached this part of the work yet." not in content
    # Restarting from Contact resets the later stages: the assessment is to be done again.
    services.case_restart_from(user=world.practitioner, case=case, stage="contact", reason="New address")
    content = client.get(_url("assessment", case)).content.decode()
    assert "The case has not reached this part of the work yet." in content


def test_htmx_gets_the_section_alone_with_the_sub_navigation_out_of_band(login, world, active_case):
    client = login(world.practitioner)
    headers = {"HX-Request": "true", "HX-Target": workspace.SECTION_TARGET}
    response = client.get(_url("timeline", active_case), headers=headers)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<!DOCTYPE html>" not in content and 'id="case-heading"' not in content  # no header
    assert "Everything recorded about the case, newest first" in content
    assert 'id="case-sub-navigation" hx-swap-oob="true"' in content
    assert _section_shown(content) == "Timeline"
    assert f"<title>Timeline: case {active_case.reference} – Casework</title>" in content
    assert "HX-Request" in response["Vary"]
    # The back button restores the whole page when htmx's cache has lost it.
    restore = client.get(
        _url("timeline", active_case), headers={**headers, "HX-History-Restore-Request": "true"}
    )
    assert 'id="case-heading"' in restore.content.decode()
    # Without htmx, the same URL is the whole page.
    assert 'id="case-heading"' in client.get(_url("timeline", active_case)).content.decode()


def test_the_sub_navigation_asks_htmx_for_the_section_and_pushes_its_url(login, world, active_case):
    content = login(world.practitioner).get(_url("overview", active_case)).content.decode()
    url = _url("contacts", active_case)
    assert f'href="{url}"' in content
    assert f'hx-get="{url}" hx-target="#{workspace.SECTION_TARGET}" hx-push-url="true"' in content
    assert f'id="{workspace.SECTION_TARGET}"' in content


def test_the_header_flags_safeguarding_and_break_glass(login, world, active_case):
    client = login(world.practitioner)
    content = client.get(_url("timeline", active_case)).content.decode()
    assert "Safeguarding concern</strong>" not in content and "Break-glass access</strong>" not in content
    safeguarding.concern_raise(
        user=world.practitioner,
        person=world.person,
        case=active_case,
        at_risk="adult",
        what_happened="Bruising seen",
        immediate_danger=False,
    )
    BreakGlassGrant.objects.create(
        person=world.person,
        user=world.practitioner,
        organisation=world.county,
        reason="Testing",
        opened_at=clock.now(),
        expires_at=clock.now() + datetime.timedelta(hours=1),
    )
    content = client.get(_url("timeline", active_case)).content.decode()
    assert "Safeguarding concern</strong>" in content and "Break-glass access</strong>" in content


def test_the_header_withholds_a_restricted_persons_name(login, world):
    case = CaseFactory(person=world.restricted_person)
    content = login(world.practitioner2).get(_url("timeline", case)).content.decode()
    assert "Hidden" not in content
    assert "a person whose record is restricted" in content and "Restricted</strong>" in content
    named = login(world.practitioner).get(_url("timeline", case)).content.decode()
    assert "Alex Hidden" in named and "Restricted</strong>" in named


def test_the_header_offers_only_the_actions_the_user_may_take(login, world, risk, active_case):
    unallocated = CaseFactory(person=world.person, risk_category=risk["high"])
    manager = login(world.team_manager).get(_url("timeline", unallocated)).content.decode()
    assert "Assign a worker" in manager and "Accept the case" in manager
    assert "Put on hold" not in manager  # nobody works a planned case yet
    oversight = login(world.case_manager).get(_url("timeline", active_case)).content.decode()
    assert 'aria-label="Case actions"' not in oversight
    assert "Put on hold" not in oversight and "Close the case" not in oversight


def _add_rows(world, case, n):
    for i in range(n):
        contacts.contact_record(
            user=world.practitioner,
            case=case,
            occurred_at=clock.now() - datetime.timedelta(hours=i + 1),
            direction="outbound",
            method="phone",
            contact_role="person",
            outcome="reached",
            summary=f"Call {i}",
        )
        tasks.task_create(
            user=world.practitioner,
            case=case,
            title=f"Task {i}",
            due_date=clock.today() + datetime.timedelta(days=i),
            assigned_to_user=world.practitioner,
        )
        contacts.message_send(
            user=world.practitioner2, to_user=world.practitioner, case=case, body=f"Message {i}"
        )


@pytest.mark.parametrize("key", SECTIONS)
def test_each_sections_queries_do_not_grow_with_its_rows(
    login, world, active_case, key, django_assert_max_num_queries
):
    """More rows of every kind here (tests/test_case_page.py fills every panel of every section)."""
    client = login(world.practitioner)
    url = _url(key, active_case)
    _add_rows(world, active_case, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _add_rows(world, active_case, 5)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
