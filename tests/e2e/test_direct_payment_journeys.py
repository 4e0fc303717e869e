"""Direct payments in the browser: a worker opens the case's "Direct payments" section after a support plan
that takes the budget as a direct payment, drafts the agreement for an authorised person (a missing name is
an error until given), records the signature and starts it, sees the schedule and when the first review is
due, records an audit return whose balance is over the contingency and decides the surplus. Every page is axe
clean."""

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


def test_a_worker_sets_up_a_direct_payment_and_decides_a_surplus(open_page, world):
    from casework.allocation import services as allocation
    from casework.core import clock
    from casework.plans.tests.test_direct_payments import dp_plan
    from tests.e2e.steps import open_case_section
    from tests.factories import CaseFactory

    case = allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    dp_plan(world, case)
    starts = clock.today() - datetime.timedelta(days=35)

    worker = open_page()
    sign_in(worker, "practitioner")
    worker.goto(case.get_absolute_url())
    assert_accessible(worker)
    open_case_section(worker, "Direct payments")
    expect(worker.get_by_text("There is no direct payment on this case.")).to_be_visible()
    assert_accessible(worker)
    worker.get_by_role("button", name="Draft a direct payment agreement").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Draft a direct payment agreement")
    assert_accessible(worker)
    worker.get_by_role("group", name="Who receives the direct payment").get_by_label(
        "An authorised person (the person lacks capacity)"
    ).check()
    worker.get_by_label("Weekly amount").fill("200")
    worker.get_by_label("Weekly contribution").fill("20")
    worker.get_by_role("group", name="Net or gross").get_by_label("Net", exact=False).first.check()
    worker.get_by_role("group", name="How often it is paid").get_by_label("Every 4 weeks").check()
    worker.get_by_role("group", name="Paid into").get_by_label("Managed account").check()
    fill_date(worker, "Start date", starts)
    worker.get_by_role("button", name="Draft the agreement").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text(
        "Enter the name of the nominated or authorised person"
    )
    assert_accessible(worker)
    worker.get_by_label("Name of the nominated or authorised person").fill("Jo Thornton (deputy)")
    worker.get_by_role("button", name="Draft the agreement").click()
    card = worker.locator("#dp-agreement")
    expect(card).to_contain_text("Jo Thornton (deputy)")
    assert_accessible(worker)

    card.get_by_role("link", name="Record the signature").click()
    fill_date(worker, "Date the recipient signed the agreement", starts)
    assert_accessible(worker)
    worker.get_by_role("button", name="Record the signature").click()
    expect(worker.locator("#dp-agreement")).to_contain_text("Signed")
    assert_accessible(worker)
    worker.locator("#dp-agreement").get_by_role("link", name="Start the direct payment").click()
    assert_accessible(worker)
    worker.get_by_role("button", name="Start the direct payment").click()
    expect(worker.locator("#dp-payments")).to_contain_text("£720.00")
    expect(worker.locator("#dp-review")).to_contain_text("the first review is due by")
    assert_accessible(worker)

    worker.get_by_role("button", name="Record an audit return").click()
    fill_date(worker, "Start of the period", starts)
    fill_date(worker, "End of the period", starts + datetime.timedelta(days=27))
    worker.get_by_label("Spent in the period").fill("300")
    worker.get_by_label("Balance held at the end of the period").fill("2000")
    worker.get_by_label("The receipts have been checked").check()
    assert_accessible(worker)
    worker.get_by_role("button", name="Record the audit return").click()
    expect(worker.locator("#dp-audit-returns")).to_contain_text("To decide")
    assert_accessible(worker)
    worker.get_by_role("button", name="Decide the surplus of £560.00").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Decide the surplus")
    assert_accessible(worker)
    worker.get_by_role("group", name="Decision").get_by_label("Let the person keep it").check()
    worker.get_by_role("button", name="Record the decision").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Enter reason for the decision")
    assert_accessible(worker)
    worker.get_by_label("Reason for the decision").fill("Saving for respite agreed in the plan.")
    worker.get_by_role("button", name="Record the decision").click()
    expect(worker.locator("#dp-audit-returns")).to_contain_text("Let the person keep it")
    assert_accessible(worker)
