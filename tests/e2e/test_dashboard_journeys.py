"""The dashboards and ASCOF measures in a browser (ADR 24): a team manager opens the dashboard, filters it to
their team and downloads a chart's figures as CSV; the lead's initiative admin sees the whole initiative
without names, and the ASCOF measures with small numbers hidden. Every page axe-clean."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TABLET, assert_accessible, main_navigation, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def waiting(world):
    """Three people waiting for an assessment on the county team's list (10, 20 and 30 days)."""
    from casework.core import clock
    from casework.waiting_list.models import WaitingListEntry
    from tests.factories import CaseFactory, PersonFactory

    today = clock.today()
    cases = []
    for days in (10, 20, 30):
        case = CaseFactory(
            person=PersonFactory(created_by_organisation=world.county, postcode="RG40 1AA"),
            allocated_team=world.team,
            primary_worker=world.practitioner,
            status="active",
        )
        WaitingListEntry.objects.create(
            case=case,
            organisation=world.county,
            team=world.team,
            list_kind="assessment",
            priority="normal",
            rag="amber",
            rag_reason="Known",
            area="RG40",
            received_on=today - datetime.timedelta(days=days),
            due_on=today + datetime.timedelta(days=5),
            triaged_by=world.team_manager,
            triaged_at=clock.now(),
        )
        cases.append(case)
    return cases


def test_manager_filters_the_dashboard_to_their_team_and_downloads_a_chart(open_page, world, waiting):
    page = open_page(TABLET)
    sign_in(page, "team_manager")
    main_navigation(page).get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dashboard: {world.team.name}")
    assert_accessible(page)

    page.get_by_label("Team", exact=True).select_option(label=world.team.name)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_label("Team", exact=True)).to_have_value(str(world.team.pk))
    figures = page.get_by_role("table", name="People waiting now, by list and priority: the figures")
    expect(figures.get_by_role("row").filter(has_text="Waiting for an assessment, normal")).to_contain_text(
        "20"
    )
    page.wait_for_function("() => window.Chart && window.Chart.getChart('dashboard-waiting') !== undefined")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download “People waiting now, by list and priority” (CSV)").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert (
        lines[0] == "List and priority,People waiting,Median wait (days),90th percentile wait (days),Past due"
    )
    assert lines[1] == '"Waiting for an assessment, normal",3,20,30,0'

    page.get_by_role("link", name="ASCOF measures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"ASCOF measures: {world.team.name}")
    expect(page.get_by_role("table", name="Each measure with its numerator and denominator")).to_contain_text(
        "Not computed"
    )
    assert_accessible(page)


def test_the_lead_sees_the_whole_initiative_without_names(open_page, world, waiting):
    page = open_page(TABLET)
    sign_in(page, "initiative_admin")
    main_navigation(page).get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dashboard: {world.initiative.name}")
    expect(page.locator("main")).to_contain_text("no one is named")
    expect(page.get_by_role("heading", name="Open cases by worker")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(world.practitioner.get_full_name())
    figures = page.get_by_role("table", name="People waiting now, by list and priority: the figures")
    expect(figures.get_by_role("row").filter(has_text="Waiting for an assessment, normal")).to_contain_text(
        "Hidden"
    )
    assert_accessible(page)

    page.get_by_role("link", name="ASCOF measures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"ASCOF measures: {world.initiative.name}")
    expect(page.locator("main")).to_contain_text("no cases are listed")
    for case in waiting:
        expect(page.locator("main")).not_to_contain_text(case.reference)
    assert_accessible(page)
