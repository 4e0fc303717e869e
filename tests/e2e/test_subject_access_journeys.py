"""Subject access in the browser: an auditor records a request from the person's audit page, verifies the
requester's identity, prepares the bundle, marks a third party's details for redaction, releases it and
downloads it as JSON and PDF."""

import datetime
import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def _fill_date(page, group: str, day: datetime.date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_an_auditor_runs_a_subject_access_request_end_to_end_and_downloads_the_bundle(open_page, world):
    from tests.factories import CaseFactory

    case = CaseFactory(person=world.person)
    today = datetime.date.today()

    page = open_page()
    sign_in(page, "auditor")
    page.goto(f"/people/{world.person.pk}/audit")
    assert_accessible(page)
    page.get_by_role("link", name="Record a subject access request for this person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a subject access request")
    assert_accessible(page)
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter who made the request")
    assert_accessible(page)
    page.get_by_label("Test County Council").check()
    page.get_by_label("Who made the request").fill("Margaret Thornton")
    page.get_by_label("What they asked for").fill("Everything you hold about me")
    _fill_date(page, "Date received", today)
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Subject access request")
    expect(page.get_by_text("Received", exact=True).first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Evidence seen").fill("Passport")
    _fill_date(page, "Date identity was verified", today)
    page.get_by_role("button", name="Record identity as verified").click()
    expect(page.locator("#sar-status")).to_have_text("Identity verified")
    assert_accessible(page)

    page.get_by_role("button", name="Prepare the bundle").click()
    expect(page.locator("#sar-status")).to_have_text("Bundle prepared")
    expect(page.get_by_role("cell", name="cases/cases")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Section").fill("cases/cases")
    page.get_by_label("Record id").fill(str(case.pk))
    page.get_by_label("Information about another person (third party)").check()
    page.get_by_label("Explanation").fill("Names her neighbour")
    page.get_by_role("button", name="Mark for redaction").click()
    expect(page.get_by_text("Names her neighbour")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Release the bundle").click()
    expect(page.locator("#sar-status")).to_have_text("Released")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the bundle (JSON)").click()
    bundle = json.loads(open(download.value.path()).read())  # noqa: SIM115, PTH123
    assert bundle["sections"]["people"]["person"][0]["family_name"] == "Thornton"
    assert bundle["sections"]["cases"]["cases"][0]["withheld"].startswith("[Withheld:")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the bundle (PDF)").click()
    assert open(download.value.path(), "rb").read(4) == b"%PDF"  # noqa: SIM115, PTH123
