"""The Client Level Data return in the browser: the organisation admin checks the quarter's return, sees the
records to fix and what DHSC will count, and downloads it (ADR 27)."""

import csv
import io

import pytest
from playwright.sync_api import expect

from casework.core import clock
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.e2e


def test_an_organisation_admin_checks_and_downloads_the_quarters_return(page, world):
    world.county.identifier = "E10000023"
    world.county.save()
    closed = CaseFactory(
        person=PersonFactory(created_by_organisation=world.county),
        status="closed",
        closed_at=clock.now(),
        outcome="declined_support",
    )
    sign_in(page, "org_admin")
    page.get_by_role("link", name="Client Level Data").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Client Level Data return")
    assert_accessible(page)
    page.get_by_label("Organisation").select_option(label=world.county.name)
    page.get_by_role("button", name="Check the return").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("1 events from")
    expect(page.locator("#cld-problems")).to_contain_text(closed.reference)
    expect(page.locator("#cld-problems")).to_contain_text("Primary_Support_Reason")
    expect(page.locator("#cld-events")).to_contain_text("Request")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the return (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))
    assert [row["Event_Reference"] for row in rows] == [f"REQ-{closed.pk}"]
    assert rows[0]["Event_Outcome"] == "NFA: Support declined"
