"""Browser journeys: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Each test gets a fresh browser context on the session's one Chromium, and the `world` personas of the
root conftest. Every page a journey loads must be checked with `assert_accessible` (axe-core, WCAG 2.2 AA
tags, no serious or critical violations); the `page` fixture fails the test at teardown if a loaded page
was not checked, if the page raised a JavaScript error, if a static file failed to load, or if the browser
reported a breach of the Content-Security-Policy (which development mode sends too).

Without /usr/bin/chromium or node_modules/axe-core the journeys are skipped, unless CASEWORK_E2E_REQUIRED=1
(as in CI), when they fail.
"""

import base64
import os
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse the test's own
# ORM calls (and pytest-django's database teardown) as "called from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BUILT_CSS = REPO_ROOT / "var" / "build" / "casework.css"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000  # generous for a loaded CI machine; a passing journey never waits this long


def _unavailable(reason: str):
    if os.environ.get("CASEWORK_E2E_REQUIRED") == "1":
        pytest.fail(f"CASEWORK_E2E_REQUIRED=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _missing_prerequisite() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if not AXE_SCRIPT.exists():
        return f"{AXE_SCRIPT.relative_to(REPO_ROOT)} is missing (run `npm ci`)"
    if not BUILT_CSS.exists():
        return f"{BUILT_CSS.relative_to(REPO_ROOT)} is missing (run `npm run build`, or `make test`)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="session")
def e2e_browser():
    """One headless Chromium for the whole session (Debian's, never a downloaded one)."""
    reason = _missing_prerequisite()
    if reason:
        _unavailable(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageWatch:
    """What happened in one page: documents loaded, documents checked with axe, errors and failed static."""

    loads: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_static: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)


_WATCHES: dict[int, PageWatch] = {}

# Each document gets an id, so a check can tell which document it ran on; and each breach of the CSP is said
# on the console (Chromium says most itself, but not all, e.g. a blocked style attribute set by a script).
_DOCUMENT_ID_SCRIPT = """
window.__caseworkDocumentId = Math.random().toString(36).slice(2);
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'} ` +
                `at ${event.sourceFile}:${event.lineNumber}`);
});
"""
CSP_CONSOLE = re.compile(r"Content Security Policy|CSP violation", re.I)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Note on the test whether its body failed, so the page checks at teardown do not pile on."""
    report = yield
    if report.when == "call":
        item.e2e_call_failed = report.failed
    return report


@pytest.fixture
def open_page(request, e2e_browser, live_server):
    """open_page(viewport=DESKTOP) -> a Page in a new browser context, with base_url the live server."""
    contexts = []

    def _open(viewport=DESKTOP):
        context = e2e_browser.new_context(
            viewport=viewport, base_url=live_server.url, locale="en-GB", timezone_id="Europe/London"
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(_DOCUMENT_ID_SCRIPT)
        page = context.new_page()
        watch = PageWatch()
        _WATCHES[id(page)] = watch
        page.on("load", lambda loaded: watch.loads.append(loaded.url))
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                watch.csp_violations.append(f"{message.text} ({page.url})")
                if CSP_CONSOLE.search(message.text)
                else None
            ),
        )

        def _on_response(response):
            if "/static/" in response.url and response.status >= 400:
                watch.failed_static.append(f"{response.status} {response.url}")

        page.on("response", _on_response)
        contexts.append((context, page, watch))
        return page

    yield _open

    problems = []
    for context, page, watch in contexts:
        try:
            if not page.is_closed():
                page.wait_for_load_state("load")
                page.evaluate("0")  # let Playwright deliver any pending events
        finally:
            context.close()
            _WATCHES.pop(id(page), None)
        unchecked = len(watch.loads) - len(set(watch.checked))
        if unchecked > 0:
            problems.append(
                f"{unchecked} page(s) loaded but not checked with assert_accessible; loaded: {watch.loads}"
            )
        if watch.page_errors:
            problems.append(f"JavaScript errors: {watch.page_errors}")
        if watch.failed_static:
            problems.append(f"Static files failed to load: {watch.failed_static}")
        if watch.csp_violations:
            problems.append(f"Content-Security-Policy violations: {watch.csp_violations}")
    if problems and not getattr(request.node, "e2e_call_failed", False):
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def page(open_page):
    """A desktop-sized page (1280x900) in a fresh browser context."""
    return open_page(DESKTOP)


@lru_cache(maxsize=1)
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def assert_accessible(page) -> None:
    """Run axe-core on the current document; fail on any serious or critical WCAG 2.2 AA violation."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated over the DevTools protocol: the CSP allows no inline <script> (add_script_tag's way).
        page.evaluate(_axe_source())
    # resultTypes only trims the passes and incomplete lists sent back (faster); every rule still runs.
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    watch = _WATCHES.get(id(page))
    if watch is not None:
        watch.checked.append(page.evaluate("window.__caseworkDocumentId"))
    blocking = [v for v in results["violations"] if v.get("impact") in AXE_BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe-core found {len(blocking)} serious or critical violation(s) on {page.url}:"]
        for violation in blocking:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']}; targets: {targets}"
            )
        pytest.fail("\n".join(lines), pytrace=False)


SIGNED_IN_OR_MFA = re.compile(
    r"^(Welcome|Set up an authenticator app|Enter the code from your authenticator app)"
)


def sign_in(page, username: str, password: str | None = None) -> None:
    """Sign in through the form at /accounts/login/ and wait for the home page; a user who must use MFA sets
    up an authenticator app there and then (or enters its code, if they have one)."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Casework")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(SIGNED_IN_OR_MFA)
    if heading.inner_text().startswith("Set up"):
        set_up_authenticator(page)
    elif heading.inner_text().startswith("Enter the code"):
        enter_authenticator_code(page, username)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Welcome"))
    assert_accessible(page)


def code_from_key(key_text: str) -> str:
    """What an authenticator app given the key (base32, as the set-up page shows it) shows now."""
    from django_otp.oath import totp

    return f"{totp(base64.b32decode(key_text.replace(' ', '').upper())):06d}"


def set_up_authenticator(page) -> list[str]:
    """On the set-up page: type the code for the key shown, save the recovery codes; returns them."""
    from playwright.sync_api import expect

    assert_accessible(page)
    key = page.locator("#mfa-key").inner_text()
    page.get_by_label("Enter the 6-digit code the app shows").fill(code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    assert_accessible(page)
    codes = page.get_by_role("list", name="Your recovery codes").get_by_role("listitem").all_inner_texts()
    page.get_by_role("link", name="I have saved my recovery codes").click()
    return codes


def enter_authenticator_code(page, username: str) -> None:
    """On the code page: the code of the user's device, one step on if this step's was used already."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casework.accounts.mfa import totp_code

    assert_accessible(page)
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    now = time.time()
    step_now = int((now - device.t0) // device.step)
    at = now if device.last_t < step_now else now + device.step
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(device, at=at))
    page.get_by_role("button", name="Continue").click()


def main_navigation(page):
    """The service navigation, opened first when it has collapsed into its "Menu" button (narrow screens)."""
    from playwright.sync_api import expect

    # Wait for GOV.UK Frontend to start the component: it shows or hides the Menu button by screen width.
    expect(page.locator('[data-module="govuk-service-navigation"]')).to_have_attribute(
        "data-govuk-service-navigation-init", ""
    )
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
    return page.get_by_role("navigation", name="Menu")
