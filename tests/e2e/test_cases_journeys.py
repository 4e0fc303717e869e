"""Journeys through the case pages: team worklist, assigning, accepting, workers, stages, restarting."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from casework.careact.tests.steps import record_no_advocacy_needed
from casework.cases.models import Case
from casework.plans.tests.steps import record_financial_assessment_started
from tests.e2e.conftest import assert_accessible, main_navigation, sign_in
from tests.e2e.steps import open_case_section
from tests.factories import CaseFactory, RiskCategoryFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def risk(world):
    return {
        code: RiskCategoryFactory(initiative=world.initiative, code=code, label=code.title(), rank=rank)
        for rank, code in enumerate(["high", "medium", "low"], start=1)
    }


@pytest.fixture
def waiting_case(world, risk):
    """A case of the county about Margaret Thornton, cleared intake, waiting on the team worklist."""
    return CaseFactory(
        person=world.person,
        risk_category=risk["high"],
        priority="urgent",
        summary="Neighbour reports she has not been seen for a week.",
    )


def open_worklist(page) -> None:
    """The team worklist, through the service navigation."""
    main_navigation(page).get_by_role("link", name="Team worklist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team worklist")
    assert_accessible(page)


def worklist_row(page, case):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=case.reference, exact=True))


def summary_value(page, key: str):
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.locator(".govuk-summary-list__value")


def expect_stage(page, stage: str) -> None:
    expect(page.get_by_role("list", name="Case status")).to_contain_text(f"Stage: {stage}")


def expect_success(page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def move_case(page, choice: str, note: str = "") -> None:
    """On the case page: choose a stage in "Move the case to", maybe with a note, and move the case."""
    page.get_by_role("group", name="Move the case to").get_by_label(choice, exact=True).check()
    if note:
        page.get_by_label("Note (optional)").fill(note)
    page.get_by_role("button", name="Move the case", exact=True).click()


def test_team_manager_assigns_a_case_from_the_worklist(page, world, waiting_case):
    worker = world.practitioner.display_name
    sign_in(page, "team_manager")
    open_worklist(page)
    row = worklist_row(page, waiting_case)
    expect(row).to_contain_text("Margaret Thornton")
    row.get_by_role("link", name=waiting_case.reference).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(waiting_case.reference)
    expect(summary_value(page, "Primary worker")).to_have_text("Nobody yet")
    assert_accessible(page)
    # The case's actions are in its header, on every section.
    page.get_by_role("group", name="Case actions").get_by_role("link", name="Assign a worker").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Assign the case")
    assert_accessible(page)
    page.get_by_label("Who should be the case's worker?").select_option(label=worker)
    page.get_by_role("button", name="Assign the case").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(waiting_case.reference)
    expect_success(page, f"Case {waiting_case.reference} is assigned to {worker}.")
    expect(summary_value(page, "Primary worker")).to_have_text(worker)
    expect_stage(page, "Contact")
    assert_accessible(page)
    waiting_case.refresh_from_db()
    assert (waiting_case.primary_worker, waiting_case.stage, waiting_case.status) == (
        world.practitioner,
        "contact",
        "active",
    )

    open_worklist(page)
    expect(page.get_by_text("No cases are waiting that match these filters.")).to_be_visible()


def test_practitioner_works_a_case_through_its_stages(page, world, waiting_case):
    reference = waiting_case.reference
    colleague = world.practitioner2.display_name
    sign_in(page, "practitioner")
    open_worklist(page)
    worklist_row(page, waiting_case).get_by_role("button", name=f"Accept case {reference}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    expect_success(page, f"You have accepted case {reference}.")
    expect(summary_value(page, "Primary worker")).to_have_text(world.practitioner.display_name)
    expect_stage(page, "Contact")
    assert_accessible(page)

    # A secondary worker.
    page.get_by_text("Add a secondary worker or case manager").click()
    page.get_by_label("Worker", exact=True).select_option(label=colleague)
    expect(page.get_by_label("Secondary worker: sees and works on the case")).to_be_checked()
    page.get_by_role("button", name="Add the worker").click()
    expect_success(page, f"{colleague} has been added to the case.")
    workers = page.get_by_role("table", name="Working on the case now")
    expect(workers.get_by_role("row").filter(has_text=colleague)).to_contain_text("Secondary worker")
    assert_accessible(page)

    # Contact -> Assessment -> Planning, advocacy decided first (the Care Act gate: test_careact_journeys).
    record_no_advocacy_needed(user=world.practitioner, case=waiting_case)
    record_financial_assessment_started(user=world.practitioner, case=waiting_case)  # no surprise bills
    move_case(page, "Move to Assessment")
    expect_success(page, "The case is now at Assessment.")
    expect_stage(page, "Assessment")
    assert_accessible(page)
    move_case(page, "Move to Planning")
    expect_success(page, "The case is now at Planning.")
    expect_stage(page, "Planning")
    assert_accessible(page)

    # Back to Assessment to amend it, with a note, then on again.
    move_case(page, "Go back to amend Assessment", note="The carer's needs were not assessed.")
    expect_success(page, "The case is now at Assessment.")
    expect_stage(page, "Assessment")
    open_case_section(page, "Timeline")
    timeline = page.get_by_role("table", name="Everything recorded about the case, newest first")
    expect(timeline.get_by_role("row").filter(has_text="Went back to amend Assessment")).to_contain_text(
        "The carer's needs were not assessed."
    )
    assert_accessible(page)
    open_case_section(page, "Overview")
    move_case(page, "Move to Planning")
    expect_success(page, "The case is now at Planning.")
    expect_stage(page, "Planning")
    assert_accessible(page)

    # Restart from Assessment, with a reason.
    page.get_by_role("link", name="Restart from a stage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Restart from a stage")
    assert_accessible(page)
    page.get_by_role("group", name="Which stage should the work restart from?").get_by_label(
        "Assessment", exact=True
    ).check()
    page.get_by_label("Why must the work restart?").fill("Her circumstances changed: she is now in hospital.")
    page.get_by_role("button", name="Restart the work").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    expect_success(page, "The work restarts from Assessment.")
    expect_stage(page, "Assessment")
    resets = page.get_by_role("table", name="Stages reset when the work restarted")
    expect(resets.get_by_role("row").filter(has_text="Assessment")).to_contain_text(
        "Her circumstances changed: she is now in hospital."
    )
    assert_accessible(page)

    waiting_case.refresh_from_db()
    assert (waiting_case.stage, waiting_case.status, waiting_case.primary_worker) == (
        "assessment",
        "active",
        world.practitioner,
    )
    current = waiting_case.assignments.filter(ended_at__isnull=True).values_list("user__username", "role")
    assert set(current) == {("practitioner", "primary"), ("practitioner2", "secondary")}


def test_other_organisation_gets_404_on_the_case(page, world, waiting_case):
    sign_in(page, "district_worker")
    response = page.goto(reverse("cases:case_detail", args=[waiting_case.pk]))
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text(waiting_case.reference)
    expect(page.locator("main")).not_to_contain_text("Margaret")
    assert_accessible(page)
    assert Case.objects.filter(pk=waiting_case.pk, primary_worker__isnull=True).exists()
