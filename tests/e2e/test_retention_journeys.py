"""Retention in the browser: an organisation admin runs a dry run, places a legal hold on one of the records
it lists, appraises two for destruction and disposes of them: the held one stays, the other (with records in
every app) leaves a tombstone."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_an_admin_runs_a_dry_run_places_a_hold_appraises_and_disposes(page, world, live_server):
    from casework.assessments.models import Assessment
    from casework.cases.models import Case
    from casework.core import clock, jobs
    from casework.retention.tests import every_app
    from tests.factories import CaseFactory, PersonFactory

    closed = clock.now() - datetime.timedelta(days=9 * 366)
    old, held = (
        CaseFactory(
            person=PersonFactory(created_by_organisation=world.county),
            status="finished",
            stage="closing",
            raised_at=closed - datetime.timedelta(days=30),
            closed_at=closed,
        )
        for _ in range(2)
    )
    for case in (old, held):
        every_app.fill_case(world, case, every_app.shared(world))

    sign_in(page, "org_admin")
    page.goto("/retention/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention")
    assert_accessible(page)
    page.get_by_role("button", name="Start a dry run").click()
    expect(page.locator("#run-state")).to_have_text("Queued")
    assert_accessible(page)
    jobs.run_pending()
    page.reload()
    expect(page.locator("#run-state")).to_have_text("Done")
    expect(page.get_by_label(f"Case {old.reference}")).to_be_visible()
    expect(page.get_by_label(f"Case {held.reference}")).to_be_visible()
    assert_accessible(page)
    run_url = page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the list (CSV)").click()
    assert old.reference in open(download.value.path()).read()  # noqa: SIM115, PTH123

    page.goto("/retention/holds/")
    assert_accessible(page)
    page.get_by_role("link", name="Place a legal hold").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Place a legal hold")
    assert_accessible(page)
    page.get_by_role("button", name="Place the hold").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a case or a person")
    assert_accessible(page)
    page.get_by_label("A case").check()
    page.get_by_label("Case reference or person number").fill(held.reference)
    page.get_by_label("Litigation").check()
    page.get_by_label("Reference of the inquiry, claim or complaint").fill("Claim HQ26X01234")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.get_by_role("cell", name="Litigation: Claim HQ26X01234")).to_be_visible()
    assert_accessible(page)

    page.goto(run_url)
    assert_accessible(page)
    page.get_by_role("button", name="Record the appraisal").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one record to appraise")
    assert_accessible(page)
    page.get_by_label(f"Case {old.reference}").check()
    page.get_by_label(f"Case {held.reference}").check()
    page.get_by_role("group", name="Decision").get_by_label("Destroy").check()
    page.get_by_label("Reason").fill("Period run; no complaint or claim outstanding")
    page.get_by_role("button", name="Record the appraisal").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Appraisal recorded")
    assert_accessible(page)

    page.get_by_role("button", name="Dispose of the records appraised for destruction").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Disposal run")
    assert_accessible(page)
    jobs.run_pending()
    page.reload()
    expect(page.locator("#run-state")).to_have_text("Done")
    expect(page.locator("#run-status")).to_contain_text("Disposed")
    assert_accessible(page)
    assert not Case.objects.filter(pk=old.pk).exists()
    assert Case.objects.filter(pk=held.pk).exists()
    assert list(Assessment.objects.values_list("case_id", flat=True)) == [held.pk]

    page.goto("/retention/disposed/")
    expect(page.get_by_role("cell", name=f"Case {old.reference}")).to_be_visible()
    expect(page.get_by_role("cell", name=f"Case {held.reference}")).to_have_count(0)
    assert_accessible(page)
