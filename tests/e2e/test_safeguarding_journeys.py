"""Safeguarding is never blocked: a housing association with no safeguarding team raises a concern, and the
county's (the lead's) safeguarding team receives it."""

import re

import pytest
from playwright.sync_api import expect

from casework.safeguarding.models import SafeguardingConcern
from casework.safeguarding.tests.conftest import housing  # noqa: F401
from tests.e2e.conftest import assert_accessible, main_navigation, sign_in
from tests.e2e.test_people_journeys import fill_date, summary_value

pytestmark = pytest.mark.e2e

WHAT = "Tess had a black eye and said her partner took her bank card and will not give it back."


def test_a_housing_association_concern_reaches_the_countys_safeguarding_team(open_page, world, housing):  # noqa: F811
    tenant = world.tenant
    page = open_page()
    sign_in(page, "housing_worker")
    main_navigation(page).get_by_role("link", name="Find a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    assert_accessible(page)
    page.get_by_label("Family name").fill(tenant.family_name)
    fill_date(page, "Date of birth", tenant.date_of_birth)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Open record of Tess Durbeyfield").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tess Durbeyfield")
    assert_accessible(page)
    page.get_by_role("link", name="Raise a safeguarding concern").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Raise a safeguarding concern")
    # Before sending, the worker is told where it will go.
    expect(page.locator(".govuk-inset-text")).to_have_text(
        "This concern will go to Safeguarding Team, Test County Council: Test Housing Association has no "
        "safeguarding team, so it goes to the lead organisation's."
    )
    assert_accessible(page)
    page.get_by_role("group", name="Who is at risk?").get_by_label("An adult").check()
    page.get_by_label("What was seen or said").fill(WHAT)
    page.get_by_role("group", name="Is anyone in immediate danger?").get_by_label("No").check()
    types = page.get_by_role("group", name="Type of abuse or neglect (select all that apply)")
    types.get_by_label("Physical abuse").check()
    types.get_by_label("Financial or material abuse").check()
    page.get_by_role("button", name="Send to the safeguarding team").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tess Durbeyfield")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your organisation has no safeguarding team, so the concern has been sent to the lead "
        "organisation's: Safeguarding Team, Test County Council, due today."
    )
    assert_accessible(page)
    concern = SafeguardingConcern.objects.get(person=tenant)
    assert (concern.routing, concern.routed_to_team, concern.raised_by_organisation) == (
        "lead_team",
        world.safeguarding_team,
        world.housing,
    )

    # The county's safeguarding team: the concern is in its list, and opens.
    page = open_page()
    sign_in(page, "safeguarder")
    main_navigation(page).get_by_role("link", name="Safeguarding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding concerns")
    row = (
        page.get_by_role("table", name="Safeguarding concerns, newest first")
        .get_by_role("row")
        .filter(has_text="Tess Durbeyfield")
    )
    expect(row).to_contain_text("Test Housing Association")
    expect(row).to_contain_text("Safeguarding Team, Test County Council")
    assert_accessible(page)
    row.get_by_role("link", name=re.compile(r"^Tess Durbeyfield")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding concern")
    expect(summary_value(page, "What was seen or said")).to_have_text(WHAT)
    expect(summary_value(page, "Raised")).to_contain_text(
        f"{world.housing_worker.display_name}, Test Housing Association"
    )
    expect(summary_value(page, "Routed to")).to_contain_text(
        "The lead organisation's safeguarding team (the raiser's organisation has none)"
    )
    assert page.url.endswith(f"/safeguarding/{concern.pk}/")
    assert_accessible(page)
