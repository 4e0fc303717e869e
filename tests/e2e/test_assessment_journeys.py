"""Need definitions: the lead's initiative admin keeps the initiative's common list."""

import pytest
from playwright.sync_api import expect

from casework.assessments.models import NeedDefinition
from tests.e2e.conftest import assert_accessible, main_navigation, sign_in
from tests.e2e.steps import open_case_section, record_consent, refer

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
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "‘Access to shopping’ has been added."
    )
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


def test_worker_assesses_refers_and_closes_the_case(open_page, world):
    """The whole of assessing (issue 6): a strengths-based assessment with needs, consent, two referrals, the
    foodbank accepting and meeting its need, and the case closed with an outcome and a date to contact
    again."""
    import datetime

    from casework.allocation import services as allocation
    from casework.assessments import services as assessing
    from casework.cases.models import Case
    from casework.core import clock
    from tests.factories import CaseFactory, OrganisationFactory

    OrganisationFactory(name="Test Debt Advice", initiative=world.initiative, kinds=["delivery"])
    assessing.standard_forms_install(organisation_id=world.county.pk)
    for code, name, category in [
        ("food", "Food", "food_and_shopping"),
        ("debt_advice", "Debt advice", "money"),
    ]:
        assessing.need_definition_create(
            user=world.initiative_admin,
            initiative_id=world.initiative.pk,
            code=code,
            name=name,
            category=category,
        )
    case = allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    from casework.careact.tests.steps import record_no_advocacy_needed

    record_no_advocacy_needed(user=world.practitioner, case=case)

    page = open_page()
    sign_in(page, "practitioner")
    page.goto(case.get_absolute_url())
    assert_accessible(page)
    open_case_section(page, "Assessment and needs")
    page.get_by_role("button", name="Start an assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start an assessment")
    assert_accessible(page)
    page.get_by_role("group", name="Which form?").get_by_label("Strengths-based assessment").check()
    page.get_by_role("group", name="How is the assessment being carried out?").get_by_label(
        "Face to face"
    ).check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strengths-based assessment")
    assert_accessible(page)

    page.get_by_label("What is happening in your life at the moment?").fill(
        "Since my husband died I don't eat"
    )
    page.get_by_role("group", name="Does someone look after you without being paid?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Complete the assessment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Answer ‘Who is that, and how are they related to you?’")
    expect(summary).to_contain_text("Confirm the person has been given the privacy notice")
    assert_accessible(page)
    page.get_by_label("Who is that, and how are they related to you?").fill("Sue, her daughter")
    page.get_by_role("group", name="Has the carer been offered a carer's assessment?").get_by_label(
        "No"
    ).check()
    page.get_by_label("What matters most to you?").fill("My garden and my cat")
    page.get_by_label("What would you like to be different?").fill("To have proper meals")
    page.get_by_label("What are you good at, and what do you enjoy?").fill("Gardening")
    page.get_by_label("What risks are there to the person or to others?").fill("Not eating; bills unpaid")
    page.get_by_role("group", name="How serious are the risks now?").get_by_label("Medium").check()
    page.get_by_role(
        "group", name="Is there any doubt about the person's capacity to make decisions about their care?"
    ).get_by_label("No").check()
    page.get_by_label("Summary of the person's situation").fill(
        "Recently widowed, not eating, debts building"
    )
    page.get_by_label("The person has been given the privacy notice and asked for consent to share").check()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The assessment is complete.")
    expect(page.get_by_text("To have proper meals")).to_be_visible()
    assert_accessible(page)

    for name, more in (("Food (Food and shopping)", True), ("Debt advice (Money and debt)", False)):
        if name.startswith("Food"):
            page.get_by_role("button", name="Record a need").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Record a need")
        assert_accessible(page)
        page.get_by_label("Need", exact=True).select_option(label=name)
        page.get_by_role("button", name="Save and record another" if more else "Save", exact=True).click()
    expect(page.get_by_role("heading", name="Needs found")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Debt advice")).to_contain_text("Identified")
    assert_accessible(page)

    # Consent to share with the foodbank and the debt advice service, and a referral to each.
    page.get_by_role("link", name=f"Back to {case.reference}").click()
    assert_accessible(page)
    open_case_section(page, "Consent and referrals")
    record_consent(
        page,
        purpose="To arrange food deliveries and debt advice",
        organisations=["Test Foodbank", "Test Debt Advice"],
        data=["Contact details", "Needs"],
    )
    refer(page, "Test Foodbank", "Food")
    page.get_by_role("link", name=f"Back to {case.reference}").click()
    assert_accessible(page)
    refer(page, "Test Debt Advice", "Debt advice")

    # The foodbank accepts its referral and meets the need.
    foodbank = open_page()
    sign_in(foodbank, "delivery_worker")
    main_navigation(foodbank).get_by_role("link", name="Referrals").click()
    assert_accessible(foodbank)
    foodbank.get_by_role("table").get_by_role("row").nth(1).get_by_role("link").click()
    assert_accessible(foodbank)
    foodbank.get_by_role("button", name="Accept the referral").click()
    expect(foodbank.locator(".govuk-notification-banner--success")).to_contain_text("You have accepted")
    assert_accessible(foodbank)
    foodbank.get_by_role("link", name="Update Food").click()
    assert_accessible(foodbank)
    foodbank.get_by_role("group", name="Status").get_by_label("Resolved").check()
    foodbank.get_by_label("Note (optional)").fill(
        "Four weeks of parcels delivered; registered with the pantry"
    )
    foodbank.get_by_role("button", name="Save the status").click()
    expect(foodbank.get_by_role("table", name="Needs referred and their status")).to_contain_text("Resolved")
    assert_accessible(foodbank)

    # The worker sees it; the debt advice is given too; the case closes with an outcome and a re-contact date.
    page.get_by_role("link", name=f"Back to {case.reference}").click()
    expect(page.get_by_role("region", name="Referrals")).to_contain_text("Four weeks of parcels delivered")
    assert_accessible(page)
    open_case_section(page, "Assessment and needs")
    for name in ("Debt advice",):
        page.get_by_role("table", name="Needs").get_by_role("link", name=name).click()
        assert_accessible(page)
        page.get_by_role("group", name="Status").get_by_label("Resolved").check()
        page.get_by_role("button", name="Save").click()
        assert_accessible(page)
    page.get_by_role("link", name="Close the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close the case")
    assert_accessible(page)
    page.get_by_role("group", name="Outcome").get_by_label("Needs met").check()
    later = clock.today() + datetime.timedelta(days=180)
    group = page.get_by_role("group", name="Date to contact the person again (optional)")
    group.get_by_label("Day").fill(str(later.day))
    group.get_by_label("Month").fill(str(later.month))
    group.get_by_label("Year").fill(str(later.year))
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The case is closed.")
    assert_accessible(page)
    closed = Case.objects.get(pk=case.pk)
    assert (closed.status, closed.outcome, closed.recontact_on) == ("finished", "needs_met", later)
