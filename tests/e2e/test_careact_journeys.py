"""Care Act steps: the assessment waits for advocacy until a team manager lets it start; Support warns about
charging information not given."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from casework.allocation import services as allocation
from casework.careact.models import AdvocacyDecision
from casework.careact.tests.steps import record_no_advocacy_needed, record_prevention
from casework.cases import services as case_services
from casework.cases.models import Case
from casework.plans.charging_gates import FINANCIAL_ASSESSMENT_NOT_STARTED as FA_NOT_STARTED
from casework.plans.tests.steps import record_signed_plan
from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.steps import open_case_section
from tests.factories import CaseFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def case(world):
    """Margaret Thornton's case, accepted by the practitioner: active, at Contact."""
    return allocation.case_accept(
        user=world.practitioner, case=CaseFactory(person=world.person, priority="urgent")
    )


def open_case(page, case) -> None:
    """The case's Care Act section."""
    page.goto(reverse("cases:case_care_act", args=[case.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(case.reference)
    assert_accessible(page)


def move_case(page, choice: str) -> None:
    """From the case's overview, where the stages are."""
    open_case_section(page, "Overview")
    page.get_by_role("group", name="Move the case to").get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Move the case", exact=True).click()


def answer(page, question: str, value: str) -> None:
    page.get_by_role("group", name=question).get_by_label(value, exact=True).check()


def fill_date(page, group: str, day: datetime.date) -> None:
    date = page.get_by_role("group", name=group)
    date.get_by_label("Day").fill(str(day.day))
    date.get_by_label("Month").fill(str(day.month))
    date.get_by_label("Year").fill(str(day.year))


def test_the_assessment_waits_for_advocacy_until_a_team_manager_records_an_exception(open_page, world, case):
    page = open_page()
    sign_in(page, "practitioner")
    open_case(page, case)
    expect(
        page.get_by_text("Before the assessment: Record whether Margaret needs an independent advocate")
    ).to_be_visible()

    # Blocked: nothing is decided yet.
    move_case(page, "Move to Assessment")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Record whether Margaret needs an independent advocate before the assessment starts."
    )
    assert_accessible(page)
    open_case(page, case)

    # The decision: substantial difficulty, nobody appropriate, so a referral.
    page.get_by_role("link", name="Record the advocacy decision for the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Independent advocacy for the assessment")
    assert_accessible(page)
    answer(page, "Understanding relevant information", "Yes")
    answer(page, "Retaining that information", "Yes")
    answer(page, "Using or weighing that information", "No")
    answer(page, "Communicating their views, wishes or feelings", "No")
    answer(page, "Is there an appropriate person to support and represent them?", "No")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the advocacy service the referral was made to"
    )
    assert_accessible(page)
    page.get_by_label("If an advocate is needed: the advocacy service referred to").fill(
        "Wessex Advocacy Hub"
    )
    fill_date(page, "Date of the referral", datetime.date.today())
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The advocacy decision for the assessment has been recorded."
    )
    expect(page.get_by_text("Waiting for an advocate")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("link", name="Record an exception for the assessment")).to_have_count(0)

    # Still blocked: no advocate yet, and a practitioner cannot make the exception.
    move_case(page, "Move to Assessment")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "An advocate must be in place before the assessment"
    )
    assert_accessible(page)
    assert Case.objects.get(pk=case.pk).stage == "contact"

    # The team manager records the exception, and the assessment may start.
    manager = open_page()
    sign_in(manager, "team_manager")
    open_case(manager, case)
    manager.get_by_role("link", name="Record an exception for the assessment").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Start before an advocate is in place")
    assert_accessible(manager)
    manager.get_by_label("Why may the activity start before an advocate is in place?").fill(
        "Discharged from hospital today: the assessment cannot wait. The advocate joins at the first visit."
    )
    manager.get_by_role("button", name="Record the exception").click()
    expect(manager.locator(".govuk-notification-banner--success")).to_contain_text(
        "The exception has been recorded"
    )
    expect(manager.get_by_text("Started before an advocate is in place")).to_be_visible()
    assert_accessible(manager)

    open_case(page, case)
    move_case(page, "Move to Assessment")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The case is now at Assessment."
    )
    assert_accessible(page)
    decision = AdvocacyDecision.objects.get(case=case)
    assert (decision.exception_by, Case.objects.get(pk=case.pk).stage) == (world.team_manager, "assessment")


def test_moving_to_support_asks_to_acknowledge_that_charging_information_was_not_given(page, world, case):
    record_no_advocacy_needed(user=world.practitioner, case=case)
    case_services.case_move_stage(user=world.practitioner, case=case, stage="assessment")
    case_services.case_move_stage(
        user=world.practitioner, case=case, stage="planning", acknowledged=[FA_NOT_STARTED]
    )
    record_prevention(user=world.practitioner, case=case)
    record_signed_plan(user=world.practitioner, case=case)
    sign_in(page, "practitioner")
    open_case(page, case)
    expect(
        page.get_by_text("There is no record that Margaret was given information about charging")
    ).to_be_visible()

    move_case(page, "Move to Support")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm you have considered the warning")
    warnings = page.get_by_role("group", name="Move on despite these warnings")
    expect(warnings).to_contain_text("There is no record that Margaret was given information about charging")
    assert_accessible(page)
    warnings.get_by_label(
        "There is no record that Margaret was given information about charging", exact=False
    ).check()
    page.get_by_role("button", name="Move the case").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The case is now at Support.")
    assert_accessible(page)
    assert Case.objects.get(pk=case.pk).stage == "support"
