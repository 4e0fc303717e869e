"""The hit rate: the lead's initiative admin opens it from Identify, sees the chart drawn beside its table,
filters it, and the page stays accessible on a tablet."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TABLET, assert_accessible, main_navigation, sign_in

pytestmark = pytest.mark.e2e


def test_initiative_admin_reads_the_hit_rate_chart_and_table(open_page, world):
    from casework.assessments.models import Need, NeedDefinition
    from casework.contacts.models import ContactEvent
    from tests.factories import CaseFactory, PersonFactory

    definition = NeedDefinition.objects.create(
        initiative=world.initiative, code="food", name="Food", category="food_and_shopping"
    )
    for month, need in ((9, True), (10, True), (10, False)):
        case = CaseFactory(
            person=PersonFactory(created_by_organisation=world.county, postcode="RG40 1AA"),
            raised_at=datetime.datetime(2026, month, 3, 10, tzinfo=datetime.UTC),
            status="active",
        )
        ContactEvent.objects.create(
            organisation=world.county,
            case=case,
            person=case.person,
            occurred_at=case.raised_at,
            direction="outbound",
            method="phone",
            contact_role="person",
            outcome="reached",
        )
        if need:
            Need.objects.create(case=case, definition=definition, status_changed_at=case.raised_at)

    page = open_page(TABLET)
    sign_in(page, "initiative_admin")
    main_navigation(page).get_by_role("link", name="Identify").click()
    assert_accessible(page)
    page.get_by_role("link", name="See how well the risk index picks people out: its hit rate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hit rate of the risk index")
    overall = page.locator("#hit-rate-overall")
    expect(overall).to_contain_text("66.7% (2 of 3 index cases reached found a need)")
    # Chart.js drew the chart from the figures beside it, and the table has the same figures.
    expect(page.locator("#hit-rate-chart")).to_be_visible()
    page.wait_for_function("() => window.Chart && window.Chart.getChart('hit-rate-chart') !== undefined")
    drawn = page.evaluate("() => window.Chart.getChart('hit-rate-chart').data.datasets[0].data")
    assert drawn == [100.0, 50.0]
    caption = "Hit rate and miss rate by the month cases were raised: the figures"
    table = page.get_by_role("table", name=caption)
    expect(table.get_by_role("row").filter(has_text="2026-10")).to_contain_text("50.0%")
    assert_accessible(page)

    page.get_by_role("group", name="Raised on or after").get_by_label("Day").fill("1")
    page.get_by_role("group", name="Raised on or after").get_by_label("Month").fill("10")
    page.get_by_role("group", name="Raised on or after").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Apply filters").click()
    expect(overall).to_contain_text("50.0% (1 of 2 index cases reached found a need)")
    assert_accessible(page)
