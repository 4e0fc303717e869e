"""Multi-factor sign-in: an organisation admin sets up an authenticator app at their first sign-in, keeps the
recovery codes, and later signs in with one of them."""

import re

import pytest
from playwright.sync_api import expect

from casework.audit.models import AuditEvent
from tests.e2e.conftest import assert_accessible, code_from_key

pytestmark = pytest.mark.e2e


def _password(page, username):
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()


def test_an_org_admin_sets_up_an_authenticator_and_later_uses_a_recovery_code(page, world, settings):
    _password(page, "org_admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("img", name=re.compile("QR code for your authenticator app"))).to_be_visible()
    # Nothing else is reachable yet, and the navigation is not shown.
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)
    assert_accessible(page)
    page.goto("/accounts/security/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    assert_accessible(page)

    code = page.get_by_label("Enter the 6-digit code the app shows")
    code.fill("12")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_accessible(page)
    page.wait_for_timeout(1100)  # a wrong code makes the next wait a second

    key = page.locator("#mfa-key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)
    page.get_by_label("Enter the 6-digit code the app shows").fill(code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    assert_accessible(page)
    codes = page.get_by_role("list", name="Your recovery codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == settings.MFA_RECOVERY_CODES
    page.get_by_role("link", name="I have saved my recovery codes").click()
    # On to the page they were going to.
    expect(page.get_by_role("heading", level=1)).to_have_text("Authenticator apps in your organisation")
    expect(page.get_by_role("row").filter(has_text="practitioner2")).to_contain_text("Not set up")
    assert_accessible(page)
    page.get_by_role("link", name="Home").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Welcome"))
    assert_accessible(page)
    assert AuditEvent.objects.filter(verb="accounts.mfa_enrolled", actor_id=world.org_admin.pk).count() == 1

    page.get_by_role("button", name="Sign out").click()
    assert_accessible(page)
    _password(page, "org_admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    assert_accessible(page)
    page.get_by_text("I cannot use my authenticator app").click()
    page.get_by_label("Enter the code from your authenticator app").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Welcome"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have 9 left")
    assert_accessible(page)

    page.goto("/accounts/security")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in security")
    expect(page.get_by_role("definition").filter(has_text="9 left")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Reset someone's authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Authenticator apps in your organisation")
    assert_accessible(page)
