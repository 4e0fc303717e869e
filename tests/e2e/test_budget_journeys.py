"""Resource allocation and budget approval in the browser: the organisation admin's settings, a worker's
indicative budget broken down per answer and personal budget, a team manager over their limit referring it
up, and a case manager approving it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_a_budget_goes_from_the_questionnaire_to_approval_over_the_team_managers_limit(open_page, world):
    from casework.allocation import services as allocation
    from casework.plans.budgets import plans_seed_ras
    from tests.e2e.steps import open_case_section
    from tests.factories import CaseFactory

    plans_seed_ras(organisation_id=world.county.pk)
    case = allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))

    admin = open_page()
    sign_in(admin, "org_admin")
    admin.goto("/plans/budget/ras")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Resource allocation")
    expect(admin.get_by_text("Version 1, published")).to_be_visible()
    assert_accessible(admin)
    admin.get_by_role("button", name="Change the budget settings").click()
    admin.get_by_label("Team managers: annual limit (£)").fill("49000")
    admin.get_by_label("Case managers (head of service) approve budgets of any amount").check()
    assert_accessible(admin)
    admin.get_by_role("button", name="Save the settings").click()
    expect(admin.locator("#budget-settings")).to_contain_text("up to £49000.00 a year")
    assert_accessible(admin)

    worker = open_page()
    sign_in(worker, "practitioner")
    worker.goto(case.get_absolute_url())
    assert_accessible(worker)
    open_case_section(worker, "Money")
    assert_accessible(worker)
    worker.get_by_role("button", name="Work out the indicative budget").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Work out the indicative budget")
    assert_accessible(worker)
    worker.get_by_role("button", name="Work out the budget").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Select an answer to “Nights”")
    assert_accessible(worker)
    for question in (
        "Personal care: washing, dressing and using the toilet",
        "Eating, drinking and preparing meals",
        "Getting about safely at home",
        "Keeping safe and managing risk",
        "Nights",
        "Taking part in the community, work, learning or volunteering",
        "Support from family, friends or neighbours",
    ):
        worker.get_by_role("group", name=question).get_by_role("radio").nth(1).check()
    worker.get_by_role("button", name="Work out the budget").click()
    table = worker.locator("#indicative-budget")
    expect(table).to_contain_text("Indicative budget: £218.50 a week")
    expect(table).to_contain_text("Needs help some nights")
    assert_accessible(worker)
    worker.get_by_role("button", name="Set the personal budget").click()
    assert_accessible(worker)
    worker.get_by_label("Weekly cost to the council (£)").fill("1000")
    worker.get_by_role("button", name="Save the personal budget").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Give the reason the budget differs")
    assert_accessible(worker)
    worker.get_by_label("Why it differs from the indicative budget").fill(
        "Two carers are needed for every call."
    )
    worker.get_by_role("button", name="Save the personal budget").click()
    expect(worker.locator("#personal-budget")).to_contain_text("£1000.00 a week (£52000.00 a year)")
    assert_accessible(worker)
    worker.get_by_role("button", name="Send for approval").click()
    expect(worker.locator("#personal-budget")).to_contain_text("Awaiting approval by a team manager")
    assert_accessible(worker)

    manager = open_page()
    sign_in(manager, "team_manager")
    manager.goto("/plans/budget/approvals")
    assert_accessible(manager)
    manager.get_by_role("link", name=case.reference).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Decide on the personal budget")
    expect(manager.get_by_text("is over your approval limit")).to_be_visible()
    expect(manager.get_by_role("button", name="Approve the budget")).to_have_count(0)
    assert_accessible(manager)
    manager.get_by_role("button", name="Agree and refer up").click()
    expect(manager.locator("#personal-budget")).to_contain_text("Awaiting approval by a case manager")
    assert_accessible(manager)

    head = open_page()
    sign_in(head, "case_manager")
    head.goto("/plans/budget/approvals")
    assert_accessible(head)
    head.get_by_role("link", name=case.reference).click()
    assert_accessible(head)
    head.get_by_role("button", name="Approve the budget").click()
    expect(head.locator("#personal-budget")).to_contain_text("Approved")
    expect(head.get_by_role("table", name="Approvals")).to_contain_text("Agreed and passed up")
    assert_accessible(head)
