"""The public "What might I pay?" calculator: someone with no account works out an estimate, on a tablet."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TABLET, assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_a_member_of_the_public_works_out_what_they_might_pay(open_page, db):
    page = open_page(TABLET)
    page.goto("/public/what-might-i-pay")
    expect(page.get_by_role("heading", level=1)).to_have_text("What might I pay for care?")
    assert_accessible(page)
    page.get_by_role("button", name="Work out what I might pay").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your age")
    assert_accessible(page)
    page.get_by_role("group", name="Where would you get care?").get_by_label(
        "At home, or in the community"
    ).check()
    page.get_by_label("How old are you?").fill("30")
    page.get_by_label("Employment and Support Allowance (£ a week)").fill("200")
    page.get_by_label(
        "I get a disability benefit (Attendance Allowance, PIP or DLA) or am registered blind"
    ).check()
    page.get_by_role("button", name="Work out what I might pay").click()
    # 200 less the guarantee for 25 or over (112.50), the disability premium (49.65) and standard DRE (10.85).
    expect(page.locator("#what-you-might-pay")).to_contain_text("You might pay £27.00 a week")
    expect(page.get_by_role("table", name="What is left for you to live on")).to_contain_text(
        "Disability premium"
    )
    assert_accessible(page)


def test_a_worker_starts_and_records_a_financial_assessment_in_the_money_section(page, world):
    from casework.allocation import services as allocation
    from tests.e2e.steps import open_case_section
    from tests.factories import CaseFactory

    case = allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    sign_in(page, "practitioner")
    page.goto(case.get_absolute_url())
    assert_accessible(page)
    open_case_section(page, "Money")
    expect(page.get_by_text("No financial assessment has been started")).to_be_visible()
    page.get_by_role("button", name="Start a financial assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a financial assessment")
    assert_accessible(page)
    page.get_by_role("button", name="Start the assessment").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Financial assessment started")
    expect(page.locator("#financial-assessment-summary")).to_contain_text("In progress")
    assert_accessible(page)
    page.get_by_role("button", name="Record the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the financial assessment")
    which = page.get_by_role("group", name="Which assessment?")
    which.get_by_label("Care at home or in the community").check()
    page.get_by_label("How old are you?").fill("30")
    page.get_by_label("Employment and Support Allowance (£ a week)").fill("150")
    page.get_by_label("The weekly cost of your care, if you know it (£ a week)").fill("300")
    assert_accessible(page)
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.locator("#financial-assessment-summary")).to_contain_text("£26.65 a week")
    expect(page.get_by_role("table", name="Allowances")).to_contain_text("Minimum Income Guarantee")
    assert_accessible(page)
