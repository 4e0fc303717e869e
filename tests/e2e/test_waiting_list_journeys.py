"""Waiting lists: a team manager triages a request, sees it on the list, reprioritises it, downloads the
letter."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, main_navigation, sign_in
from tests.e2e.steps import open_case_section

pytestmark = pytest.mark.e2e


def test_team_manager_triages_reprioritises_and_downloads_the_letter(page, world, live_server):
    from casework.core import clock, jobs
    from casework.core.working_days import add_working_days
    from casework.waiting_list.models import WaitingListEntry
    from tests.factories import CaseFactory

    person = world.person
    person.address_line_1, person.town, person.postcode = "4 Mill Lane", "Casterbridge", "DT1 1AA"
    person.save()
    case = CaseFactory(person=person, priority="low")

    sign_in(page, "team_manager")
    page.goto(case.get_absolute_url())
    assert_accessible(page)
    open_case_section(page, "Waiting lists and letters")
    page.get_by_role("button", name="Add to a waiting list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add to a waiting list")
    assert_accessible(page)
    page.get_by_role("group", name="Which list?").get_by_label("Waiting for an assessment").check()
    page.get_by_role("group", name="Priority").get_by_label("Urgent").check()
    page.get_by_role("button", name="Add to the list").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the risk rating")
    assert_accessible(page)
    page.get_by_role("group", name="Risk rating").get_by_label("Red").check()
    page.get_by_label("Why this rating?").fill("Lives alone, fell last week, no heating")
    page.get_by_role("button", name="Add to the list").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is on the list")
    assert_accessible(page)
    urgent_due = add_working_days(clock.today(), 2)

    main_navigation(page).get_by_role("link", name="Waiting list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting list")
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text("Urgent")
    expect(row).to_contain_text("Red")
    expect(row).to_contain_text(f"{urgent_due.day} {urgent_due:%B %Y}")
    assert_accessible(page)

    # The daughter calls: things are better; the case becomes normal and amber, and its due date moves.
    row.get_by_role("link", name=f"Reprioritise {case.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reprioritise")
    assert_accessible(page)
    page.get_by_role("group", name="What prompted this?").get_by_label(
        "The person or their representative called"
    ).check()
    page.get_by_role("group", name="Priority").get_by_label("Normal").check()
    page.get_by_role("group", name="Risk rating").get_by_label("Amber").check()
    page.get_by_label("What has changed?").fill("Daughter has moved in for a month and fixed the heating")
    page.get_by_role("button", name="Save").click()
    normal_due = add_working_days(clock.today(), 20)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"is now due on {normal_due.day} {normal_due:%B %Y}"
    )
    assert_accessible(page)
    entry = WaitingListEntry.objects.get(case=case)
    assert (entry.priority, entry.rag, entry.due_on) == ("normal", "amber", normal_due)

    # The worker sends the letter to people joining the list; it is listed on the case to download.
    jobs.run_pending()
    page.reload()
    letters = page.get_by_role("region", name="Letters")
    expect(letters).to_contain_text("Added to the waiting list")
    assert_accessible(page)
    with page.expect_download() as download:
        letters.get_by_role(
            "link", name=f"Download added to the waiting list of {datetime.date.today():%-d %b %Y} (PDF)"
        ).click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
