"""Steps that several browser journeys take the same way."""

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible


def record_consent(page, *, purpose: str, organisations: list[str], data: list[str]) -> None:
    """On a case page: record the person's consent covering the organisations and data named."""
    page.get_by_role("button", name="Record consent or a lawful basis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record consent or a lawful basis")
    assert_accessible(page)
    page.get_by_role("group", name="What is the basis for sharing?").get_by_label(
        "The person gave consent"
    ).check()
    page.get_by_label("What is it shared for?").fill(purpose)
    group = page.get_by_role("group", name="Which organisations does it cover?")
    for organisation in organisations:
        group.get_by_label(f"{organisation} (delivery organisation)").check()
    group = page.get_by_role("group", name="Which data does it cover?")
    for category in data:
        group.get_by_label(category).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The basis for sharing has been recorded."
    )
    expect(page.get_by_role("region", name="Consent to share")).to_contain_text("Live")
    assert_accessible(page)


def refer(page, organisation: str, need: str) -> None:
    """On a case page: refer one need to a delivery organisation, and come back to the case."""
    page.get_by_role("button", name="Refer to a delivery organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to a delivery organisation")
    assert_accessible(page)
    page.get_by_role("group", name="Which organisation are you referring to?").get_by_label(
        organisation
    ).check()
    page.get_by_role("group", name="Which needs are you referring?").get_by_label(need).check()
    page.get_by_label("Special instructions (optional)").fill("Phone before visiting")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"The referral has been sent to {organisation}."
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"to {organisation}")
    assert_accessible(page)


def open_case_section(page, label: str) -> None:
    """On a case: open one of its sections through the sub navigation (htmx swaps it in under the header, and
    the address becomes the section's), and check it."""
    page.get_by_role("navigation", name="Case sections").get_by_role("link", name=label).click()
    expect(page.locator("#case-section-heading")).to_have_text(label)
    expect(
        page.get_by_role("navigation", name="Case sections").locator('[aria-current="page"]')
    ).to_contain_text(label)
    assert_accessible(page)
