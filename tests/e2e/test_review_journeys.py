"""Reviews in the browser: a planned review comes due; the worker records it with the person, finds one
outcome not met and decides to revise the plan; the person's sign-off and the manager's complete it, the
revised plan awaits approval (and is approved), and the person's copy downloads. A second review, asked for
by a daughter for a case nobody is allocated to, reaches the list waiting for a review and is escalated when
overdue. Every page is axe clean."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_a_planned_review_is_recorded_signed_off_by_both_and_revises_the_plan(open_page, world):
    from casework.allocation import services as allocation
    from casework.careact.tests.steps import record_no_advocacy_needed
    from casework.plans import budgets
    from casework.plans import support_services as plans
    from casework.plans.support_models import SupportPlan
    from casework.plans.tests.steps import record_signed_plan
    from casework.reviews import services as reviews
    from tests.e2e.steps import open_case_section
    from tests.factories import CaseFactory

    budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=Decimal("10"),
        approval_limits={"team_manager": Decimal("49000"), "case_manager": None},
    )
    case = allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    plan = record_signed_plan(user=world.practitioner, case=case)
    plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)
    record_no_advocacy_needed(user=world.practitioner, case=case, activity="review")
    assert reviews.make_due_reviews() == 1  # the daily sweep: the first review, 8 weeks on

    worker = open_page()
    sign_in(worker, "practitioner")
    worker.goto(case.get_absolute_url())
    open_case_section(worker, "Reviews")
    card = worker.locator(".govuk-summary-card").first
    expect(card).to_contain_text("Planned review due")
    card.get_by_role("button", name="Start the review").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Record the review")
    assert_accessible(worker)
    worker.get_by_label("Who the person wanted involved").fill("Her daughter Jo")
    worker.get_by_role("group", name="Is outcome 1 being met?").get_by_label("Not met", exact=True).check()
    worker.get_by_label("In the person's words").first.fill("The evenings are long and lonely.")
    worker.get_by_label("What is not working").fill("Nobody calls after 6pm.")
    worker.get_by_role("button", name="Send for sign-off").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Choose the decision")
    assert_accessible(worker)
    worker.get_by_role("group", name="Decision").get_by_label("Revise the plan", exact=True).check()
    worker.get_by_role("button", name="Send for sign-off").click()
    card = worker.locator(".govuk-summary-card").first
    expect(card).to_contain_text("Awaiting sign-off")
    expect(card).to_contain_text("Not met")
    assert_accessible(worker)
    card.get_by_role("link", name="Record the person's sign-off").click()
    assert_accessible(worker)
    worker.get_by_role("group", name="Who signed the review").get_by_label("Their representative").check()
    worker.get_by_label("Name of who signed").fill("Jo Thornton")
    worker.get_by_role("button", name="Record the sign-off").click()
    expect(worker.locator(".govuk-summary-card").first).to_contain_text("Jo Thornton")
    assert_accessible(worker)

    manager = open_page()
    sign_in(manager, "team_manager")
    manager.goto("/reviews/")
    expect(manager.get_by_role("heading", level=1)).to_have_text("Reviews")
    assert_accessible(manager)
    manager.goto(case.get_absolute_url())
    open_case_section(manager, "Reviews")
    card = manager.locator(".govuk-summary-card").first
    card.get_by_role("link", name="Sign off for the authority").click()
    assert_accessible(manager)
    manager.get_by_role("button", name="Sign off the review").click()
    card = manager.locator(".govuk-summary-card").first
    expect(card).to_contain_text("Complete")
    expect(card).to_contain_text("a draft awaiting the worker's changes, both sign-offs and a manager's")
    assert_accessible(manager)
    # The revised plan: the next version, a draft. The worker follows the review's link to it, signs it and
    # records the person's sign-off; the manager approves it within their limit (activates it).
    draft = SupportPlan.objects.get(case=case, status="draft")
    assert draft.number == plan.number + 1
    worker.goto(case.get_absolute_url())
    open_case_section(worker, "Reviews")
    worker.get_by_role("link", name="Change the revised plan and send it for approval").click()
    expect(worker.locator("#draft")).to_contain_text(f"draft version {draft.number}")
    assert_accessible(worker)
    worker.get_by_role("button", name="Sign as the worker").click()  # htmx: the section in place
    expect(worker.locator("#case-section")).to_contain_text("You have signed the support plan.")
    worker.get_by_role("button", name="Record the person's sign-off").click()
    assert_accessible(worker)
    worker.get_by_role("group", name="Who signed the plan?").get_by_label("Their representative").check()
    worker.get_by_label("Name of who signed").fill("Jo Thornton")
    worker.get_by_role("button", name="Record the sign-off").click()
    expect(worker.locator(".govuk-notification-banner--success")).to_contain_text(
        "The person's sign-off is recorded."
    )
    assert_accessible(worker)
    manager.goto(f"/cases/{case.pk}/support-plan")
    expect(manager.locator("#plan-steps")).to_contain_text("your limit as team manager")
    manager.get_by_role("button", name="Activate the plan").click()
    expect(manager.locator("#case-section")).to_contain_text("The support plan is active")
    assert_accessible(manager)
    assert SupportPlan.objects.get(pk=draft.pk).status == "active"
    assert SupportPlan.objects.get(pk=plan.pk).status == "superseded"
    manager.goto(case.get_absolute_url())
    open_case_section(manager, "Reviews")
    card = manager.locator(".govuk-summary-card").first
    expect(card).to_contain_text("approved and active since")

    with manager.expect_download() as download:
        card.get_by_role("link", name="Download the person's copy").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_a_review_asked_for_by_a_daughter_waits_on_the_review_list_and_is_escalated(open_page, world):
    from casework.cases.models import Case
    from casework.core import clock
    from casework.waiting_list.escalation import escalation_sweep
    from casework.waiting_list.models import Escalation, WaitingListEntry
    from tests.e2e.steps import open_case_section
    from tests.factories import CaseFactory

    case = CaseFactory(person=world.person)
    Case.objects.filter(pk=case.pk).update(allocated_team=None)

    duty = open_page()
    sign_in(duty, "duty_officer")
    duty.goto(case.get_absolute_url())
    open_case_section(duty, "Reviews")
    duty.get_by_role("button", name="Record a request for a review").click()
    expect(duty.get_by_role("heading", level=1)).to_have_text("Request a review")
    assert_accessible(duty)
    duty.get_by_role("group", name="Who asked for the review").get_by_label("A carer or relative").check()
    duty.get_by_label("Their name").fill("Jo Thornton (daughter)")
    duty.get_by_role("group", name="Why").get_by_label("Unplanned - Carer related").check()
    duty.get_by_label("What they said (optional)").fill("Her daughter cannot keep up with the evenings.")
    duty.get_by_role("button", name="Record the request").click()
    expect(duty.get_by_text("the review request waits on the list for a review")).to_be_visible()
    assert_accessible(duty)

    entry = WaitingListEntry.objects.get(case=case, list_kind="review", exited_on__isnull=True)
    # Overdue: the waiting list's escalation raises it to the team managers, once for the breach.
    later = entry.due_on + datetime.timedelta(days=1)
    assert escalation_sweep(today=later)["level_1"] == 1
    assert escalation_sweep(today=later)["level_1"] == 0
    assert Escalation.objects.filter(entry=entry, level=1).count() == 1
    assert clock.today() <= entry.due_on

    manager = open_page()
    sign_in(manager, "team_manager")
    manager.goto("/waiting-list/?list_kind=review")
    expect(manager.get_by_role("table")).to_contain_text(case.reference)
    expect(manager.get_by_role("table")).to_contain_text("Escalated")
    assert_accessible(manager)
