"""The support plan in the browser: a worker drafts a plan with two services, signs it, records the
person's sign-off and sends the estimate of what they will pay; a team manager's activation over their
approval limit is refused, a case manager activates it; the duty officer, acting for the absent worker,
suspends one service for a hospital admission and restarts it on discharge. Every page is checked with
axe."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def _fill_date(group, day: datetime.date) -> None:
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _fill_service(page, index: int, *, kind: str, provider: str, units: str, cost: str, day) -> None:
    row = page.locator(f"#service-{index}")
    row.get_by_label("Type of service").fill(kind)
    row.get_by_label("Provider").select_option(label=provider)
    row.get_by_label("How often").select_option(label="Each week")
    row.get_by_label("Units each time").fill(units)
    row.get_by_label("Cost of a unit, in pounds").fill(cost)
    _fill_date(row.get_by_role("group", name="First day"), day)


def test_a_plan_is_drafted_signed_activated_and_a_service_suspended_by_the_duty_desk(open_page, world):
    from casework.allocation import services as allocation
    from casework.core import clock
    from casework.people.models import Person
    from casework.plans import budgets
    from casework.plans.support_models import SupportPlan, SupportService
    from tests.e2e.steps import open_case_section
    from tests.factories import CaseFactory

    budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=Decimal("10"),
        approval_limits={"team_manager": Decimal("10000"), "case_manager": None},
    )
    Person.objects.filter(pk=world.person.pk).update(address_line_1="4 Mill Lane", postcode="DT1 1AA")
    case = allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    today = clock.today()

    worker = open_page()
    sign_in(worker, "practitioner")
    worker.goto(case.get_absolute_url())
    assert_accessible(worker)
    open_case_section(worker, "Support plan")
    expect(worker.locator("#case-section")).to_contain_text("No support plan has been written yet")
    expect(worker.locator("#case-section")).to_contain_text("The support plan is written at Planning")
    worker.get_by_role("button", name="Write the support plan").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Write the support plan")
    assert_accessible(worker)
    worker.get_by_role("button", name="Save the draft").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Enter the outcomes the person wants")
    assert_accessible(worker)
    worker.get_by_label("The outcomes the person wants").fill("I want to stay in my own home.")
    worker.get_by_label("The needs met, and how").fill("Washing and meals: a carer each morning.")
    worker.get_by_role("group", name="How the budget is managed").get_by_label("Council-managed").check()
    _fill_service(worker, 1, kind="Home care", provider=world.county.name, units="7", cost="25", day=today)
    _fill_service(worker, 2, kind="Day centre", provider=world.county.name, units="2", cost="40", day=today)
    worker.get_by_role("button", name="Save the draft").click()
    expect(worker.locator(".govuk-notification-banner--success")).to_contain_text(
        "The support plan is saved as a new draft version."
    )
    draft = worker.get_by_role("table", name="Services in the draft")
    expect(draft).to_contain_text("Home care")
    expect(draft).to_contain_text("Day centre")
    expect(worker.locator("#case-section")).to_contain_text("£255.00 a week, £13,260.00 a year")
    assert_accessible(worker)
    worker.get_by_role("button", name="Sign as the worker").click()  # htmx: the section in place
    expect(worker.locator("#case-section")).to_contain_text("You have signed the support plan.")
    assert_accessible(worker)
    worker.get_by_role("button", name="Record the person's sign-off").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Record the person's sign-off")
    assert_accessible(worker)
    worker.get_by_role("group", name="Who signed the plan?").get_by_label("The person").check()
    worker.get_by_role("button", name="Record the sign-off").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Enter the name of who signed")
    assert_accessible(worker)
    worker.get_by_label("Name of who signed").fill("Margaret Thornton")
    worker.get_by_role("button", name="Record the sign-off").click()
    expect(worker.locator(".govuk-notification-banner--success")).to_contain_text(
        "The person's sign-off is recorded."
    )
    assert_accessible(worker)

    # No surprise bills: the services are chargeable, so the person is sent the estimate before they start.
    section = f"/cases/{case.pk}/support-plan"
    worker.goto(section)
    expect(worker.locator("#estimate-needed")).to_contain_text("The plan cannot be activated yet")
    assert_accessible(worker)
    worker.get_by_role("button", name="Send the estimate letter").click()
    expect(worker.locator(".govuk-notification-banner--success")).to_contain_text(
        "will pay has been sent to them."
    )
    expect(worker.locator("#case-section")).to_contain_text("The estimate of what they will pay was sent on")
    assert_accessible(worker)

    manager = open_page()
    sign_in(manager, "team_manager")
    manager.goto(section)
    expect(manager.locator("#plan-steps")).to_contain_text("goes to a manager with a higher limit")
    assert_accessible(manager)
    manager.get_by_role("button", name="Activate the plan").click()
    expect(manager.locator("#case-section")).to_contain_text("is over your approval limit of £10,000.00")
    assert_accessible(manager)
    assert SupportPlan.objects.get(case=case).status == "draft"

    head = open_page()
    sign_in(head, "case_manager")
    head.goto(section)
    assert_accessible(head)
    head.get_by_role("button", name="Activate the plan").click()
    expect(head.locator("#case-section")).to_contain_text("The support plan is active")
    expect(head.get_by_role("table", name="Services in the active plan")).to_contain_text("Running")
    assert_accessible(head)

    duty = open_page()
    sign_in(duty, "duty_officer")
    duty.goto(case.get_absolute_url())
    assert_accessible(duty)
    open_case_section(duty, "Contacts")
    duty.get_by_role("button", name="Suspend or restart a service for the allocated worker").click()
    expect(duty.get_by_role("heading", level=1)).to_contain_text("Suspend or restart a service for")
    assert_accessible(duty)
    duty.get_by_role("link", name=f"Suspend Home care from {world.county.name}").click()
    expect(duty.get_by_role("heading", level=1)).to_have_text("Suspend home care")
    assert_accessible(duty)
    duty.get_by_role("group", name="Why is it suspended?").get_by_label("Hospital admission").check()
    duty.get_by_label("Note (optional)").fill("Admitted to the Royal Berkshire last night.")
    duty.get_by_role("button", name="Suspend the service").click()
    expect(duty.locator(".govuk-notification-banner--success")).to_contain_text(
        "The service is suspended, and the allocated worker has been sent a message."
    )
    assert_accessible(duty)
    home_care = SupportService.objects.get(plan__status="active", service_type="Home care")
    assert home_care.status == "suspended"
    duty.get_by_role("button", name="Suspend or restart a service for the allocated worker").click()
    services = duty.get_by_role("table", name="Services in the active support plan")
    expect(services).to_contain_text("No: suspended")
    assert_accessible(duty)
    duty.get_by_role("link", name=f"Restart Home care from {world.county.name}").click()
    expect(duty.get_by_role("heading", level=1)).to_have_text("Restart home care")
    assert_accessible(duty)
    duty.get_by_role("button", name="Restart the service").click()
    expect(duty.locator(".govuk-error-summary")).to_contain_text("restarts on a day after the first day")
    assert_accessible(duty)
    _fill_date(duty.get_by_role("group", name="Day the service restarts"), today + datetime.timedelta(days=3))
    duty.get_by_role("button", name="Restart the service").click()
    expect(duty.locator(".govuk-notification-banner--success")).to_contain_text(
        "The service has restarted, and the allocated worker has been sent a message."
    )
    assert_accessible(duty)
    home_care.refresh_from_db()
    assert home_care.status == "running"

    worker.goto("/contacts/messages")
    expect(worker.locator("main")).to_contain_text("Done on your behalf: Suspend a service")
    expect(worker.locator("main")).to_contain_text("Royal Berkshire")
    assert_accessible(worker)
    worker.goto(section)
    expect(worker.get_by_role("table", name="Services in the active plan")).to_contain_text(
        "Hospital admission from"
    )
    assert_accessible(worker)
