"""Journeys through the people pages, in a real browser, each page checked with axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from casework.people.models import BreakGlassGrant, Person
from tests.e2e.conftest import TABLET, assert_accessible, main_navigation, sign_in

pytestmark = pytest.mark.e2e


def fill_date(page, legend: str, date) -> None:
    """Fill a GOV.UK date input: the Day, Month and Year boxes inside the fieldset named by its legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(date.day))
    group.get_by_label("Month").fill(str(date.month))
    group.get_by_label("Year").fill(str(date.year))


def summary_value(scope, key: str):
    """The value cell of the GOV.UK summary list row whose key is `key`."""
    page = scope if isinstance(scope, Page) else scope.page
    row = scope.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.locator(".govuk-summary-list__value")


def index_card(page, name: str):
    return page.locator(".casework-index-card").filter(
        has=page.locator(".govuk-summary-card__title", has_text=name)
    )


def find_person(page, world) -> None:
    """From any page: Find a person (through the navigation), by family name and date of birth."""
    main_navigation(page).get_by_role("link", name="Find a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    assert_accessible(page)
    page.get_by_label("Family name").fill("Thornton")
    fill_date(page, "Date of birth", world.person.date_of_birth)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    assert_accessible(page)


def test_sign_in_and_find_a_person(page, world):
    css = page.request.get("/static/build/casework.css")
    assert css.status == 200, f"/static/build/casework.css answered {css.status}"
    assert css.headers["content-type"].startswith("text/css")

    sign_in(page, "practitioner")
    find_person(page, world)

    card = index_card(page, "Margaret Thornton")
    expect(summary_value(card, "Year of birth")).to_have_text(str(world.person.date_of_birth.year))
    expect(summary_value(card, "Postcode district")).to_have_text("RG40")
    card.get_by_role("link", name="Open record of Margaret Thornton").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Margaret Thornton")
    expect(summary_value(page, "NHS number")).to_have_text("943 476 5919")
    assert page.url.endswith(f"/people/{world.person.pk}/")
    assert_accessible(page)


def test_create_person_offers_the_duplicate(page, world):
    sign_in(page, "practitioner")
    main_navigation(page).get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person")
    assert_accessible(page)

    page.get_by_label("Given name").fill("Margaret")
    page.get_by_label("Family name").fill("Thornton")
    fill_date(page, "Date of birth", world.person.date_of_birth)
    page.get_by_role("button", name="Add person").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the likely matches")
    expect(index_card(page, "Margaret Thornton")).to_have_count(1)
    expect(page.get_by_role("link", name="Open record of Margaret Thornton")).to_be_visible()
    assert_accessible(page)
    assert Person.objects.filter(family_name="Thornton").count() == 1

    page.get_by_role("button", name="None of these: add a new person").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Margaret Thornton")
    expect(page.get_by_text("Margaret Thornton has been added.")).to_be_visible()
    assert_accessible(page)
    new_person = Person.objects.exclude(pk=world.person.pk).get(family_name="Thornton")
    assert page.url.endswith(f"/people/{new_person.pk}/")
    assert new_person.date_of_birth == world.person.date_of_birth


def test_edit_with_a_bad_postcode_shows_the_error_summary(page, world):
    before = Person.objects.get(pk=world.person.pk)
    sign_in(page, "practitioner")
    page.goto(f"/people/{world.person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Margaret Thornton")
    assert_accessible(page)
    page.get_by_role("link", name="Change personal details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change details")
    assert_accessible(page)

    postcode = page.get_by_label("Postcode", exact=True)
    expect(postcode).to_have_value("RG40 1AA")
    postcode.fill("NOT A CODE")
    sent = postcode.input_value()  # "NOT A CO": the box has maxlength=8, so the browser cuts what is typed
    page.get_by_role("button", name="Save changes").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary on load
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Postcode", exact=True)).to_have_value(sent)
    assert_accessible(page)
    link = summary.get_by_role("link", name="Enter a real postcode, like SW1A 1AA")
    link.click()
    expect(page.get_by_label("Postcode", exact=True)).to_be_focused()

    after = Person.objects.get(pk=world.person.pk)
    assert (after.postcode, after.version, after.modified_at) == (
        before.postcode,
        before.version,
        before.modified_at,
    )


def test_break_glass_journey(page, world):
    sign_in(page, "district_worker")
    main_navigation(page).get_by_role("link", name="Find a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    assert_accessible(page)
    page.get_by_label("NHS number").fill("943 476 5919")
    page.get_by_role("button", name="Search").click()

    card = index_card(page, "Margaret Thornton")
    expect(card).to_have_count(1)
    expect(card.get_by_role("link", name=re.compile("Open record"))).to_have_count(0)
    expect(card.get_by_role("link", name="Margaret Thornton", exact=True)).to_have_count(0)
    expect(page.get_by_text("943 476 5919")).to_have_count(0)
    assert_accessible(page)
    card.get_by_role("link", name="Break-glass access to the record of Margaret Thornton").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Open this record with break-glass access")
    assert_accessible(page)
    page.get_by_label("Why do you need to open this record?").fill(
        "Called by a neighbour worried about her; need her contacts to check she is safe."
    )
    page.get_by_role("button", name="Open the record").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Margaret Thornton")
    banner = page.get_by_role("region", name="Break-glass access")
    expect(banner).to_contain_text("You are viewing this record under break-glass access until")
    expect(summary_value(page, "NHS number")).to_have_text("943 476 5919")
    assert_accessible(page)
    grant = BreakGlassGrant.objects.get(person=world.person)
    assert grant.user == world.district_worker


def test_other_organisation_cannot_open_the_record(page, world):
    sign_in(page, "district_worker")
    response = page.goto(f"/people/{world.person.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Margaret")
    expect(page).to_have_title(re.compile(r"^Page not found"))
    assert_accessible(page)


def test_pages_work_on_a_tablet(open_page, world):
    page = open_page(TABLET)
    sign_in(page, "practitioner")
    find_person(page, world)
    page.get_by_role("link", name="Open record of Margaret Thornton").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Margaret Thornton")
    expect(summary_value(page, "NHS number")).to_have_text("943 476 5919")
    assert_accessible(page)
    # Nothing wider than the screen: no sideways scrolling on a tablet.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
