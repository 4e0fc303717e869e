"""The case workspace (issue 14): a case opens at the section its stage is at, under its header; each section
is reached through the sub navigation (htmx swaps it in: the header stays, the address becomes the
section's)."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from casework.allocation import services as allocation
from casework.careact.tests.steps import record_no_advocacy_needed
from casework.cases import services as case_services
from casework.contacts import services as contacts
from casework.core import clock
from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.steps import open_case_section
from tests.factories import CaseFactory, RiskCategoryFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def case(world):
    """Margaret Thornton's case, accepted by the practitioner (active, at Contact), a contact recorded."""
    high = RiskCategoryFactory(initiative=world.initiative, code="high", label="High", rank=1)
    case = allocation.case_accept(
        user=world.practitioner, case=CaseFactory(person=world.person, risk_category=high, priority="urgent")
    )
    contacts.contact_record(
        user=world.practitioner,
        case=case,
        occurred_at=clock.now() - datetime.timedelta(hours=1),
        direction="outbound",
        method="phone",
        contact_role="person",
        outcome="reached",
        summary="Spoke about her shopping",
    )
    return case


def open_case(page, case) -> None:
    page.goto(case.get_absolute_url())
    header = page.get_by_role("region", name=case.reference)
    expect(header.get_by_role("heading", level=1)).to_have_text(case.reference)
    expect(header).to_contain_text("Margaret Thornton")
    expect(header.get_by_role("list", name="Case status")).to_contain_text("Stage: Contact")
    assert_accessible(page)


def test_the_case_opens_at_its_stage_and_the_overview_is_a_swap_away(page, world, case):
    sign_in(page, "practitioner")
    open_case(page, case)
    # At Contact, the case opens at its contacts.
    sections = page.get_by_role("navigation", name="Case sections")
    expect(sections.locator('[aria-current="page"]')).to_have_text("Contacts")
    document = page.evaluate("window.__caseworkDocumentId")

    open_case_section(page, "Overview")
    expect(page).to_have_url(
        f"{page.url.split('/cases/')[0]}{reverse('cases:case_overview', args=[case.pk])}"
    )
    expect(page.get_by_role("heading", name="Stages")).to_be_visible()
    expect(page.get_by_role("group", name="Move the case to")).to_be_visible()
    # Swapped in place: the same document, the header as it was.
    assert page.evaluate("window.__caseworkDocumentId") == document
    expect(
        page.get_by_role("group", name="Case actions").get_by_role("link", name="Put on hold")
    ).to_be_visible()
    expect(page.locator("#case-section-heading")).to_be_focused()

    # Back goes to the section before, and a reload of the section's URL is the whole page.
    page.go_back()
    expect(sections.locator('[aria-current="page"]')).to_have_text("Contacts")
    expect(page.get_by_role("table", name="Contact events, newest first")).to_be_visible()
    assert_accessible(page)
    page.goto(reverse("cases:case_timeline", args=[case.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(case.reference)
    assert_accessible(page)


def test_contacts_section(page, world, case):
    sign_in(page, "practitioner")
    open_case(page, case)
    open_case_section(page, "Timeline")
    open_case_section(page, "Contacts")
    expect(page.get_by_role("table", name="Contact events, newest first")).to_contain_text(
        "Spoke about her shopping"
    )
    expect(page.get_by_role("button", name="Record a contact")).to_be_visible()
    expect(page.get_by_role("link", name="Actions taken for the allocated worker")).to_be_visible()


def test_assessment_section(page, world, case):
    sign_in(page, "practitioner")
    open_case(page, case)
    open_case_section(page, "Assessment and needs")
    # Not reached at Contact: it says what unlocks it, and can still be used.
    expect(page.get_by_text("The case has not reached this part of the work yet.")).to_be_visible()
    expect(page.get_by_role("button", name="Start an assessment")).to_be_visible()
    expect(page.get_by_text("No assessments yet.")).to_be_visible()


def test_care_act_section(page, world, case):
    sign_in(page, "practitioner")
    open_case(page, case)
    open_case_section(page, "Care Act")
    expect(
        page.get_by_text("Before the assessment: Record whether Margaret needs an independent advocate")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Record the advocacy decision for the assessment")).to_be_visible()


def test_consent_and_referrals_section(page, world, case):
    record_no_advocacy_needed(user=world.practitioner, case=case)
    case_services.case_move_stage(user=world.practitioner, case=case, stage="assessment")
    sign_in(page, "practitioner")
    page.goto(case.get_absolute_url())
    # At Assessment, the case opens at its assessment and needs.
    expect(
        page.get_by_role("navigation", name="Case sections").locator('[aria-current="page"]')
    ).to_have_text("Assessment and needs")
    assert_accessible(page)
    open_case_section(page, "Consent and referrals")
    expect(page.get_by_role("region", name="Consent to share")).to_contain_text(
        "No consent or lawful basis recorded"
    )
    expect(page.get_by_role("region", name="Referrals")).to_contain_text("No referrals made.")
    expect(page.get_by_role("button", name="Record consent or a lawful basis")).to_be_visible()


def test_waiting_lists_and_letters_section(page, world, case):
    sign_in(page, "team_manager")
    open_case(page, case)
    open_case_section(page, "Waiting lists and letters")
    expect(page.get_by_role("region", name="Waiting lists")).to_contain_text("Not on a waiting list.")
    expect(page.get_by_role("region", name="Letters")).to_contain_text("No letters sent.")
    expect(page.get_by_role("button", name="Add to a waiting list")).to_be_visible()


def test_timeline_section(page, world, case):
    sign_in(page, "practitioner")
    open_case(page, case)
    open_case_section(page, "Timeline")
    expect(
        page.get_by_role("table", name="Everything recorded about the case, newest first")
    ).to_contain_text("Accepted")
    expect(page.get_by_role("heading", name="Assistance history")).to_be_visible()
