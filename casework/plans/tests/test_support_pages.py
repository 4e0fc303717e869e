"""The pages of the support plan, in the case's "Support plan" section: a worker writes a draft with its
services, signs it, records the person's sign-off; a manager activates it within their approval limit (over
it, a clear refusal); a service is suspended and restarted, from the case and by the duty desk for the absent
worker (who gets a message); every version stays readable; the person's copy is a PDF, its download recorded.
Bad input re-renders with the error summary; a stale form is refused; who may not is refused; the section
reads in the same number of queries however many services the plan has."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.audit.models import AccessEvent, AuditEvent
from casework.cases.policies import holding_organisation_id
from casework.contacts.models import Message, OnBehalfAction
from casework.core import clock
from casework.letters.models import Letter
from casework.people.models import Person
from casework.plans import budgets
from casework.plans import support_services as plans
from casework.plans.support_models import ServiceSuspension, SupportPlan, SupportService
from casework.plans.tests.steps import home_care, record_estimate_sent, record_plan

pytestmark = pytest.mark.django_db

D = Decimal


def _date(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _service(index: int, *, org: int, kind: str, hours: str, rate: str, day: datetime.date, ref: str = ""):
    prefix = f"services-{index}-"
    body = {
        f"{prefix}reference": ref,
        f"{prefix}service_type": kind,
        f"{prefix}provider": f"organisation:{org}",
        f"{prefix}frequency": "weekly",
        f"{prefix}units": hours,
        f"{prefix}unit_cost": rate,
    }
    body.update({f"{prefix}{k}": v for k, v in _date("starts_on", day).items()})
    return body


def _management(total: int) -> dict[str, str]:
    return {
        "services-TOTAL_FORMS": str(total),
        "services-INITIAL_FORMS": "0",
        "services-MIN_NUM_FORMS": "0",
        "services-MAX_NUM_FORMS": "30",
    }


@pytest.fixture
def limits(world):
    return budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=D("10"),
        approval_limits={"team_manager": D("10000"), "case_manager": None},
    )


def _signed(world, case, **more) -> SupportPlan:
    plan = record_plan(user=world.practitioner, case=case, **more)
    record_estimate_sent(user=world.practitioner, case=case)
    plans.support_plan_sign_worker(user=world.practitioner, plan=plan, version=plan.version)
    plans.support_plan_sign_person(
        user=world.practitioner, plan=plan, version=plan.version, signer="person", name="Margaret Thornton"
    )
    return plan


def _active(world, case, **more) -> SupportPlan:
    plan = _signed(world, case, **more)
    return plans.support_plan_activate(user=world.case_manager, plan=plan, version=plan.version)


def test_a_worker_writes_signs_and_a_manager_activates_the_plan(login, world, case, limits):
    client = login(world.practitioner)
    section = f"/cases/{case.pk}/support-plan"
    page = client.get(section)
    assert page.status_code == 200 and "No support plan has been written yet" in page.content.decode()
    edit = f"/plans/cases/{case.pk}/support-plan/edit"
    assert client.get(edit).status_code == 200
    org = holding_organisation_id(case)
    today = clock.today()
    body = {
        "based_on": "",
        "outcomes": "To stay at home and see my friends.",
        "needs": "Washing and meals: a carer each morning.",
        "budget_management": "council_managed",
        **_management(2),
        **_service(0, org=org, kind="Home care", hours="7", rate="25", day=today),
        **_service(1, org=org, kind="Day centre", hours="2", rate="", day=today),
    }
    bad = client.post(edit, body)
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert "Enter the cost of a unit" in bad.content.decode()
    assert not SupportPlan.objects.exists()
    body["services-1-unit_cost"] = "40"
    assert client.post(edit, body).status_code == 302
    plan = SupportPlan.objects.get()
    # 7 × £25 + 2 × £40 = £255 a week, £13,260 a year: over the team manager's £10,000.
    assert plan.services.count() == 2 and plan.annual_cost == D("13260.00")
    stale = client.post(edit, body)
    assert stale.status_code == 200 and "changed" in stale.content.decode()
    assert SupportPlan.objects.count() == 1

    signed = client.post(f"/plans/cases/{case.pk}/support-plan/sign-worker", {"version": plan.version})
    assert signed.status_code == 302
    plan.refresh_from_db()
    assert plan.worker_signed_by == world.practitioner
    person = f"/plans/cases/{case.pk}/support-plan/sign-person"
    assert client.get(person).status_code == 200
    refused = client.post(person, {"version": plan.version, "signer": "not_signed"})
    assert (
        refused.status_code == 200 and "Give the reason the plan was not signed" in refused.content.decode()
    )
    body = {"version": plan.version, "signer": "representative", "name": "Jo Thornton"}
    assert client.post(person, body).status_code == 302

    activate = f"/plans/cases/{case.pk}/support-plan/activate"
    version = SupportPlan.objects.get().version
    assert client.post(activate, {"version": version}).status_code == 403  # not an approver
    manager = login(world.team_manager)
    over = manager.post(activate, {"version": version}, follow=True)
    assert "over your approval limit" in over.content.decode()
    assert SupportPlan.objects.get().status == "draft"
    head = login(world.case_manager)
    # No surprise bills: the section says why it cannot be activated yet; the manager is refused.
    page = head.get(section).content.decode()
    assert "The plan cannot be activated yet" in page and "Activate the plan" not in page
    refused = head.post(activate, {"version": version}, follow=True).content.decode()
    assert "Send the person the estimate of what they will pay" in refused
    assert SupportPlan.objects.get().status == "draft"
    # The worker is offered the letter and sends it.
    Person.objects.filter(pk=case.person_id).update(address_line_1="4 Mill Lane", postcode="DT1 1AA")
    client = login(world.practitioner)
    assert "Send the estimate letter" in client.get(section).content.decode()
    sent = client.post(f"/plans/cases/{case.pk}/support-plan/estimate-letter")
    assert sent.status_code == 302 and sent["Location"].endswith("#estimate")
    assert Letter.objects.filter(case=case, kind="charge_estimate").count() == 1
    head = login(world.case_manager)
    page = head.get(section).content.decode()
    assert (
        "The plan cannot be activated yet" not in page
        and "The estimate of what they will pay was sent" in page
    )
    assert head.post(activate, {"version": version}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "active" and plan.activated_by == world.case_manager
    page = head.get(section).content.decode()
    assert "Active plan: version 1" in page and "Day centre" in page


def test_sign_and_activate_update_the_section_in_place_with_htmx(login, world, case, limits):
    plan = record_plan(user=world.practitioner, case=case)
    client = login(world.practitioner)
    answer = client.post(
        f"/plans/cases/{case.pk}/support-plan/sign-worker",
        {"version": plan.version},
        headers={"HX-Request": "true", "HX-Target": "case-section"},
        follow=True,
    )
    text = answer.content.decode()
    assert answer.status_code == 200 and "You have signed the support plan" in text
    assert "<html" not in text  # the section alone


def test_a_stale_sign_off_is_refused(login, world, case):
    plan = record_plan(user=world.practitioner, case=case)
    client = login(world.practitioner)
    answer = client.post(
        f"/plans/cases/{case.pk}/support-plan/sign-worker", {"version": plan.version + 5}, follow=True
    )
    assert "changed" in answer.content.decode()
    plan.refresh_from_db()
    assert plan.worker_signed_at is None


def test_a_service_is_suspended_for_a_hospital_admission_and_restarted(login, world, case, limits):
    org = holding_organisation_id(case)
    _active(world, case, services=[home_care(org), home_care(org, hours="2", rate="30")])
    service = SupportService.objects.filter(plan__status="active").first()
    client = login(world.practitioner)
    suspend = f"/plans/cases/{case.pk}/support-plan/suspend?service={service.reference}"
    assert client.get(suspend).status_code == 200
    today = clock.today()
    bad = client.post(suspend, {"version": service.version, "reason": "other", **_date("starts_on", today)})
    assert bad.status_code == 200 and "Say why the service is suspended" in bad.content.decode()
    body = {"version": service.version, "reason": "hospital_admission", **_date("starts_on", today)}
    assert client.post(suspend, body).status_code == 302
    service.refresh_from_db()
    assert service.status == "suspended"
    page = client.get(f"/cases/{case.pk}/support-plan").content.decode()
    assert "No: suspended" in page
    restart = f"/plans/cases/{case.pk}/support-plan/restart?service={service.reference}"
    body = {"version": service.version, **_date("restarts_on", today + datetime.timedelta(days=3))}
    assert client.post(restart, body).status_code == 302
    service.refresh_from_db()
    assert service.status == "running"
    assert ServiceSuspension.objects.get().ends_on == today + datetime.timedelta(days=2)
    # No such service: back to the section.
    assert client.get(f"/plans/cases/{case.pk}/support-plan/suspend?service=zz").status_code == 302


def test_the_duty_desk_suspends_and_restarts_a_service_for_the_absent_worker(login, world, case, limits):
    _active(world, case)
    service = SupportService.objects.get(plan__status="active")
    client = login(world.duty_officer)
    listing = client.get(f"/contacts/cases/{case.pk}/on-behalf/services")
    assert listing.status_code == 200 and "Home care" in listing.content.decode()
    suspend = f"/contacts/cases/{case.pk}/on-behalf/suspend?service={service.reference}"
    assert client.get(suspend).status_code == 200
    today = clock.today()
    body = {
        "version": service.version,
        "reason": "hospital_admission",
        **_date("starts_on", today),
        "note": "Admitted to the Royal Berkshire overnight.",
    }
    assert client.post(suspend, body).status_code == 302
    service.refresh_from_db()
    assert service.status == "suspended"
    suspension = ServiceSuspension.objects.get()
    assert suspension.on_behalf_of == world.practitioner and suspension.created_by == world.duty_officer
    action = OnBehalfAction.objects.get()
    assert action.kind == "suspend_service" and action.for_worker == world.practitioner
    message = Message.objects.get(to_user=world.practitioner)
    assert message.body.startswith("Done on your behalf: Suspend a service")
    assert "Royal Berkshire" in message.body
    restart = f"/contacts/cases/{case.pk}/on-behalf/restart?service={service.reference}"
    body = {"version": service.version, **_date("restarts_on", today + datetime.timedelta(days=4))}
    assert client.post(restart, body).status_code == 302
    service.refresh_from_db()
    assert service.status == "running"
    assert OnBehalfAction.objects.filter(kind="restart_service").exists()
    assert Message.objects.filter(to_user=world.practitioner).count() == 2
    events = AuditEvent.objects.filter(verb="plans.support_service_restarted").get()
    assert events.changes["on_behalf_of"]["after"] == world.practitioner.pk


def test_the_allocated_worker_uses_the_case_not_the_duty_desk(login, world, case, limits):
    _active(world, case)
    service = SupportService.objects.get(plan__status="active")
    client = login(world.practitioner)
    suspend = f"/contacts/cases/{case.pk}/on-behalf/suspend?service={service.reference}"
    body = {"version": service.version, "reason": "hospital_admission", **_date("starts_on", clock.today())}
    answer = client.post(suspend, body)
    assert answer.status_code == 200 and "You are the allocated worker" in answer.content.decode()
    service.refresh_from_db()
    assert service.status == "running"


def test_every_version_stays_readable_and_the_copy_is_a_recorded_pdf(login, world, case):
    record_plan(user=world.practitioner, case=case, outcomes="To stay at home.")
    record_plan(user=world.practitioner, case=case, outcomes="To stay at home and garden.")
    client = login(world.practitioner)
    versions = client.get(f"/plans/cases/{case.pk}/support-plan/versions").content.decode()
    assert "Version 2" in versions and "Version 1" in versions and "To stay at home." in versions
    pdf = client.get(f"/plans/cases/{case.pk}/support-plan/copy.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AccessEvent.objects.filter(verb="plans.support_plan_copy_downloaded").exists()


def test_with_no_plan_the_pages_send_back_to_the_section(login, world, case):
    client = login(world.practitioner)
    for path in ("copy.pdf", "sign-person", "suspend", "restart"):
        answer = client.get(f"/plans/cases/{case.pk}/support-plan/{path}")
        assert answer.status_code == 302 and f"/cases/{case.pk}/support-plan" in answer["Location"]


@pytest.mark.parametrize(
    ("persona_name", "section", "edit"),
    [
        ("practitioner", 200, 200),
        ("team_manager", 200, 200),
        ("auditor", 200, 403),
        ("duty_officer", 200, 403),
        ("district_worker", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_who_may_read_and_record(login, world, case, persona_name, section, edit):
    record_plan(user=world.practitioner, case=case)
    client = login(getattr(world, persona_name))
    assert client.get(f"/cases/{case.pk}/support-plan").status_code == section
    assert client.get(f"/plans/cases/{case.pk}/support-plan/versions").status_code == section
    assert client.get(f"/plans/cases/{case.pk}/support-plan/edit").status_code == edit
    assert client.get(f"/plans/cases/{case.pk}/support-plan/sign-person").status_code == edit


def test_the_section_reads_in_constant_queries(login, world, case, limits, django_assert_max_num_queries):
    org = holding_organisation_id(case)
    _active(world, case, services=[home_care(org)])
    record_plan(user=world.practitioner, case=case, services=[home_care(org)])
    client = login(world.practitioner)
    client.get(f"/cases/{case.pk}/support-plan")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/cases/{case.pk}/support-plan")
    record_plan(user=world.practitioner, case=case, services=[home_care(org) for _ in range(5)])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"/cases/{case.pk}/support-plan").status_code == 200


def test_the_versions_page_reads_in_constant_queries(login, world, case, django_assert_max_num_queries):
    org = holding_organisation_id(case)
    record_plan(user=world.practitioner, case=case, services=[home_care(org)])
    client = login(world.practitioner)
    url = f"/plans/cases/{case.pk}/support-plan/versions"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        record_plan(user=world.practitioner, case=case, services=[home_care(org), home_care(org)])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
