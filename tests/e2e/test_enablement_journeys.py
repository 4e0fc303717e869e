"""Enablement in the browser: a worker opens the case's "Episodes" section, starts enablement after a
hospital discharge with two goals (a planned end over 6 weeks is a warning until a reason is given), adds a
weekly progress note and ends it early with a reason code. Every page is axe clean."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def fill_date(page, group: str, day: datetime.date) -> None:
    date = page.get_by_role("group", name=group)
    date.get_by_label("Day").fill(str(day.day))
    date.get_by_label("Month").fill(str(day.month))
    date.get_by_label("Year").fill(str(day.year))


def test_a_worker_records_enablement_with_goals_a_weekly_note_and_an_outcome(open_page, world):
    from casework.allocation import services as allocation
    from casework.core import clock
    from tests.e2e.steps import open_case_section
    from tests.factories import CaseFactory

    case = allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    today = clock.today()

    worker = open_page()
    sign_in(worker, "practitioner")
    worker.goto(case.get_absolute_url())
    assert_accessible(worker)
    open_case_section(worker, "Episodes")
    expect(worker.get_by_text("No enablement has been recorded.")).to_be_visible()
    worker.get_by_role("button", name="Start enablement").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Start enablement")
    assert_accessible(worker)
    worker.get_by_role("group", name="Where the referral came from").get_by_label(
        "Hospital discharge", exact=True
    ).check()
    fill_date(worker, "Start date", today)
    fill_date(worker, "Planned end date", today + datetime.timedelta(weeks=8))
    worker.get_by_label("Goals").fill("Make my own breakfast\nWalk to the corner shop")
    worker.get_by_role("button", name="Start enablement").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("give the reason it needs longer")
    assert_accessible(worker)
    worker.get_by_label("If the planned end is more than 6 weeks on: why it needs longer").fill(
        "Waiting for a stairlift to be fitted."
    )
    worker.get_by_role("button", name="Start enablement").click()
    card = worker.locator(".govuk-summary-card").first
    expect(card).to_contain_text("Make my own breakfast")
    expect(card).to_contain_text("Waiting for a stairlift to be fitted.")
    assert_accessible(worker)

    card.get_by_role("link", name="Add a weekly note").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Add a weekly progress note")
    fill_date(worker, "Week starting", today)
    worker.get_by_label("Progress this week").fill("Made toast and tea with a prompt.")
    assert_accessible(worker)
    worker.get_by_role("button", name="Add the note").click()
    expect(worker.locator(".govuk-summary-card").first).to_contain_text("Made toast and tea with a prompt.")
    assert_accessible(worker)

    worker.locator(".govuk-summary-card").first.get_by_role("link", name="End it").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("End enablement")
    assert_accessible(worker)
    fill_date(worker, "End date", today)
    worker.get_by_role("group", name="Outcome").get_by_label("Ended early", exact=True).check()
    worker.get_by_role("button", name="End enablement").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Choose why it ended early")
    assert_accessible(worker)
    worker.get_by_label("If it ended early: why").select_option("admitted_to_hospital")
    worker.get_by_role("button", name="End enablement").click()
    ended = worker.locator(".govuk-summary-card").first
    expect(ended).to_contain_text("Ended early: admitted to hospital")
    expect(worker.get_by_role("button", name="Start enablement")).to_be_visible()
    assert_accessible(worker)
