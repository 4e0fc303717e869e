"""Need definitions: the lead's initiative admin keeps the initiative's common list."""

import pytest
from playwright.sync_api import expect

from casework.assessments.models import NeedDefinition
from tests.e2e.conftest import assert_accessible, main_navigation, sign_in

pytestmark = pytest.mark.e2e


def test_initiative_admin_adds_changes_and_retires_a_need(page, world):
    sign_in(page, "initiative_admin")
    main_navigation(page).get_by_role("link", name="Need definitions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Need definitions")
    assert_accessible(page)

    page.get_by_role("button", name="Add a need definition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a need definition")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a code for the need")
    assert_accessible(page)
    page.get_by_label("Code").fill("access_to_shopping")
    page.get_by_label("Name").fill("Access to shopping")
    page.get_by_role("group", name="Category").get_by_label("Food and shopping").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("‘Access to shopping’ has been added.")
    row = page.get_by_role("row").filter(has_text="access_to_shopping")
    expect(row).to_contain_text("In use")
    assert_accessible(page)

    row.get_by_role("link", name="Change Access to shopping").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change ‘Access to shopping’")
    assert_accessible(page)
    page.get_by_label("Name").fill("Getting shopping in")
    page.get_by_role("button", name="Save").click()
    row = page.get_by_role("row").filter(has_text="access_to_shopping")
    expect(row).to_contain_text("Getting shopping in")
    assert_accessible(page)
    row.get_by_role("button", name="Retire Getting shopping in").click()
    expect(page.get_by_role("row").filter(has_text="access_to_shopping")).to_contain_text("Retired")
    assert_accessible(page)
    assert NeedDefinition.objects.get().is_retired
