"""The public "What might I pay?" calculator: someone with no account works out an estimate, on a tablet."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TABLET, assert_accessible

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
