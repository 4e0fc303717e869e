"""Consent and referrals: the worker records consent and refers two needs to two delivery organisations; the
foodbank accepts its referral and updates the need; the worker sees the update on the case."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, main_navigation, sign_in
from tests.e2e.steps import open_case_section, record_consent, refer

pytestmark = pytest.mark.e2e


@pytest.fixture
def assessed_case(world):
    """An active case of world.practitioner with a completed needs check and two needs, food and debt."""
    from casework.allocation import services as allocation
    from casework.assessments import services as assessing
    from casework.assessments.models import AssessmentForm
    from tests.factories import CaseFactory, MembershipFactory, OrganisationFactory, UserFactory

    world.debt_advice = OrganisationFactory(
        name="Test Debt Advice", initiative=world.initiative, kinds=["delivery"]
    )
    MembershipFactory(
        user=UserFactory(username="debt_worker"), organisation=world.debt_advice, role="practitioner"
    )
    assessing.standard_forms_install(organisation_id=world.county.pk)
    definitions = {
        code: assessing.need_definition_create(
            user=world.initiative_admin,
            initiative_id=world.initiative.pk,
            code=code,
            name=name,
            category=category,
        )
        for code, name, category in [
            ("food", "Access to food", "food_and_shopping"),
            ("debt_advice", "Debt advice", "money"),
        ]
    }
    case = allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    from casework.careact.tests.steps import record_no_advocacy_needed

    record_no_advocacy_needed(user=world.practitioner, case=case)
    assessment = assessing.assessment_start(
        user=world.practitioner,
        case=case,
        method="phone",
        form=AssessmentForm.objects.get(organisation=world.county, code="needs_check"),
    )
    assessing.assessment_save(
        user=world.practitioner,
        assessment=assessment,
        version=assessment.version,
        answers={"how_are_you": "Struggling", "feels_safe": True, "food": False, "money": True},
        situation="Widowed, not eating, bills unpaid",
        privacy_notice_given=True,
        complete=True,
    )
    for definition in definitions.values():
        assessing.need_record(
            user=world.practitioner, case=case, definition=definition, assessment=assessment
        )
    return case


def test_consent_referrals_and_the_foodbanks_update(open_page, world, assessed_case):
    worker = open_page()
    sign_in(worker, "practitioner")
    worker.goto(assessed_case.get_absolute_url())
    assert_accessible(worker)
    open_case_section(worker, "Consent and referrals")

    # Referring before there is consent is refused, and says why.
    worker.get_by_role("button", name="Refer to a delivery organisation").click()
    expect(worker.get_by_text("No consent or lawful basis is recorded on this case")).to_be_visible()
    assert_accessible(worker)
    worker.get_by_role("group", name="Which organisation are you referring to?").get_by_label(
        "Test Foodbank"
    ).check()
    worker.get_by_role("group", name="Which needs are you referring?").get_by_label("Access to food").check()
    worker.get_by_role("button", name="Send the referral").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("There is no live consent or lawful basis")
    assert_accessible(worker)
    worker.get_by_role("link", name=f"Back to {assessed_case.reference}").click()
    assert_accessible(worker)

    record_consent(
        worker,
        purpose="To arrange food deliveries and debt advice",
        organisations=["Test Foodbank", "Test Debt Advice"],
        data=["Contact details", "Needs"],
    )

    refer(worker, "Test Foodbank", "Access to food")
    worker.get_by_role("link", name=f"Back to {assessed_case.reference}").click()
    assert_accessible(worker)
    refer(worker, "Test Debt Advice", "Debt advice")
    worker.get_by_role("link", name=f"Back to {assessed_case.reference}").click()
    referrals = worker.get_by_role("region", name="Referrals")
    expect(referrals).to_contain_text("Access to food: Planned")
    assert_accessible(worker)

    # The foodbank sees its referral only, accepts it and says the need is being managed.
    foodbank = open_page()
    sign_in(foodbank, "delivery_worker")
    main_navigation(foodbank).get_by_role("link", name="Referrals").click()
    expect(foodbank.get_by_role("heading", level=1)).to_have_text("Referrals")
    rows = foodbank.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(2)  # the header and its one referral
    expect(rows.nth(1)).to_contain_text("Margaret Thornton")
    expect(rows.nth(1)).not_to_contain_text("Debt advice")
    assert_accessible(foodbank)
    rows.nth(1).get_by_role("link").click()
    expect(foodbank.get_by_text("Phone before visiting")).to_be_visible()
    expect(foodbank.get_by_text("Widowed, not eating")).to_have_count(
        0
    )  # the assessment summary is not covered
    assert_accessible(foodbank)
    foodbank.get_by_role("button", name="Accept the referral").click()
    expect(foodbank.locator(".govuk-notification-banner--success")).to_contain_text("You have accepted")
    assert_accessible(foodbank)
    foodbank.get_by_role("link", name="Update Access to food").click()
    expect(foodbank.get_by_role("heading", level=1)).to_have_text("Update ‘Access to food’")
    assert_accessible(foodbank)
    foodbank.get_by_role("group", name="Status").get_by_label("Being managed").check()
    foodbank.get_by_label("Note (optional)").fill("Weekly parcels from Tuesday")
    foodbank.get_by_role("button", name="Save the status").click()
    expect(foodbank.get_by_role("table", name="Needs referred and their status")).to_contain_text(
        "Being managed"
    )
    assert_accessible(foodbank)

    # The worker sees the foodbank's update on the case page.
    worker.reload()
    referrals = worker.get_by_role("region", name="Referrals")
    expect(referrals).to_contain_text("Access to food: Being managed")
    expect(referrals).to_contain_text("Weekly parcels from Tuesday")
    assert_accessible(worker)
