"""Support plans: versions (a change is the next version, the old stays readable), sign-offs, activation
within the activator's approval limit, real services suspended and restarted (and nothing charged while
suspended), the stage gate to Support; audited; who may do what (predicates, twins, personas)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from casework.audit.models import AccessEvent, AuditEvent
from casework.cases import services as case_services
from casework.cases.errors import LifecycleRefused
from casework.cases.policies import holding_organisation_id
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.core.permissions import has_perm
from casework.plans import budgets, support_charges
from casework.plans import support_selectors as selectors
from casework.plans import support_services as plans
from casework.plans.charging_gates import FINANCIAL_ASSESSMENT_NOT_STARTED as FA_NOT_STARTED
from casework.plans.support_models import ServiceSuspension, SupportPlan, SupportService
from casework.plans.tests.steps import home_care, record_estimate_sent, record_plan, record_signed_plan
from conftest import PERSONAS

D = Decimal
DAY = datetime.timedelta(days=1)


@pytest.fixture
def limits(world):
    """Team managers activate up to £49,000 a year, case managers (the head of service) without a limit."""
    return budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=D("10"),
        approval_limits={"team_manager": D("49000"), "case_manager": None},
    )


def _signed(world, case, **more):
    plan = record_plan(user=world.practitioner, case=case, **more)
    record_estimate_sent(user=world.practitioner, case=case)
    plans.support_plan_sign_worker(user=world.practitioner, plan=plan, version=plan.version)
    plans.support_plan_sign_person(
        user=world.practitioner, plan=plan, version=plan.version, signer="representative", name="Jo Thornton"
    )
    return plan


def _active(world, case, **more):
    plan = _signed(world, case, **more)
    return plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)


# --- Versions ---


def test_saving_makes_a_version_with_its_services_and_costs(world, case):
    org = holding_organisation_id(case)
    plan = record_plan(
        user=world.practitioner,
        case=case,
        services=[home_care(org), home_care(org, hours="2", rate="40", frequency="four_weekly")],
        informal_support="Her daughter shops on Saturdays.",
        community_assets="The lunch club at St Mary's.",
        contingency="If the carer cannot come, the agency phones her daughter.",
    )
    assert plan.number == 1 and plan.status == "draft"
    # 7 × £25 a week, and 2 × £40 every four weeks (£20 a week): £195 a week, £10,140 a year.
    assert plan.weekly_cost == D("195.00") and plan.annual_cost == D("10140.00")
    assert plan.services.count() == 2
    event = AuditEvent.objects.get(verb="plans.support_plan_saved")
    assert event.changes["number"] == {"before": None, "after": 1}


def test_a_change_is_the_next_version_and_the_old_stays_readable(world, case):
    first = record_plan(user=world.practitioner, case=case, outcomes="To stay at home.")
    second = record_plan(user=world.practitioner, case=case, outcomes="To stay at home and garden.")
    assert second.number == 2
    old = selectors.support_plan_version_get_for_user(user=world.practitioner, case=case, number=1)
    assert old.outcomes == "To stay at home." and old.status == "superseded"
    found = selectors.case_support_plan_get_for_user(user=world.practitioner, case=case)
    assert found.draft == second and [v.number for v in found.versions] == [2, 1]
    assert first.pk != second.pk


def test_a_stale_save_is_refused_and_changes_nothing(world, case):
    record_plan(user=world.practitioner, case=case)
    with pytest.raises(ConflictError):
        plans.support_plan_save(
            user=world.team_manager,
            case=case,
            based_on=None,  # read before the first version was saved
            outcomes="Mine",
            needs="Mine",
            budget_management="direct_payment",
        )
    assert SupportPlan.objects.filter(case=case).count() == 1


def test_bad_input_names_the_field_and_changes_nothing(world, case):
    org = holding_organisation_id(case)
    with pytest.raises(ValidationFailed) as error:
        record_plan(user=world.practitioner, case=case, outcomes="  ")
    assert error.value.field == "outcomes"
    with pytest.raises(ValidationFailed) as error:
        record_plan(user=world.practitioner, case=case, budget_management="cash")
    assert error.value.field == "budget_management"
    today = datetime.date(2026, 3, 1)
    with pytest.raises(ValidationFailed) as error:
        record_plan(
            user=world.practitioner,
            case=case,
            services=[home_care(org, starts_on=today, ends_on=today - DAY)],
        )
    assert error.value.field == "services.0.ends_on"
    with pytest.raises(ValidationFailed) as error:
        record_plan(user=world.practitioner, case=case, services=[home_care(org, hours="0")])
    assert error.value.field == "services.0.units"
    with pytest.raises(ValidationFailed) as error:
        record_plan(
            user=world.practitioner,
            case=case,
            services=[home_care(org, provider_service_id="not-a-uuid")],
        )
    assert error.value.field == "services.0.provider"
    assert not SupportPlan.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="plans.support")


# --- Sign-off and activation ---


def test_the_person_signs_or_the_reason_they_did_not_is_recorded(world, case):
    plan = record_plan(user=world.practitioner, case=case)
    with pytest.raises(ValidationFailed) as error:
        plans.support_plan_sign_person(
            user=world.practitioner, plan=plan, version=plan.version, signer="not_signed"
        )
    assert error.value.field == "reason"
    plans.support_plan_sign_person(
        user=world.practitioner,
        plan=plan,
        version=plan.version,
        signer="not_signed",
        reason="She has dementia and no representative yet; an advocate is being found.",
    )
    assert plan.person_signed_at is not None and not plan.is_signed
    plans.support_plan_sign_worker(user=world.practitioner, plan=plan, version=plan.version)
    assert plan.is_signed
    assert AuditEvent.objects.filter(verb="plans.support_plan_signed_by_person").count() == 1


def test_an_unsigned_plan_is_not_activated(world, case, limits):
    plan = record_plan(user=world.practitioner, case=case)
    plans.support_plan_sign_worker(user=world.practitioner, plan=plan, version=plan.version)
    with pytest.raises(DomainError, match="signed off"):
        plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)


def test_activation_within_the_limit_runs_the_services(world, case, limits):
    plan = _active(world, case)
    assert plan.status == "active" and plan.activator_role == "team_manager"
    assert plan.activator_limit == D("49000.00")
    assert set(plan.services.values_list("status", flat=True)) == {"running"}
    event = AuditEvent.objects.get(verb="plans.support_plan_activated")
    assert event.changes["annual_cost"]["after"] == "9100.00"


def test_nobody_activates_a_plan_above_their_own_limit(world, case, limits):
    org = holding_organisation_id(case)
    # 40 hours at £25 a week: £52,000 a year, over the team manager's £49,000.
    plan = _signed(world, case, services=[home_care(org, hours="40")])
    with pytest.raises(DomainError, match="over your approval limit of £49,000.00"):
        plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)
    plan.refresh_from_db()
    assert plan.status == "draft" and plan.activated_at is None
    assert not AuditEvent.objects.filter(verb="plans.support_plan_activated").exists()
    # The practitioner holds no approving role at all.
    with pytest.raises(PermissionRefused):
        plans.support_plan_activate(user=world.practitioner, plan=plan, version=plan.version)
    plans.support_plan_activate(user=world.case_manager, plan=plan, version=plan.version)
    assert plan.status == "active" and plan.activator_limit is None


def test_without_limits_set_nobody_activates(world, case):
    plan = _signed(world, case)
    with pytest.raises(DomainError, match="no role with an approval limit"):
        plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)


def test_a_new_version_activated_supersedes_the_old_and_its_services_carry_on(world, case, limits):
    first = _active(world, case)
    running = first.services.get()
    plans.support_service_suspend(
        user=world.practitioner,
        service=running,
        version=running.version,
        reason="hospital_admission",
        starts_on=running.starts_on + DAY,
    )
    org = holding_organisation_id(case)
    carried = home_care(org, reference=running.reference, starts_on=running.starts_on)
    second = _signed(world, case, services=[carried, home_care(org, hours="1")])
    assert first.status == "active"  # until the new version is activated
    plans.support_plan_activate(user=world.team_manager, plan=second, version=second.version)
    first.refresh_from_db()
    assert first.status == "superseded"
    same = second.services.get(reference=running.reference)
    assert same.status == "suspended" and same.suspensions.count() == 1
    assert second.services.exclude(pk=same.pk).get().status == "running"


# --- Services are real ---


def test_a_hospital_admission_suspends_and_discharge_restarts(world, case, limits):
    plan = _active(world, case)
    service = plan.services.get()
    admitted = service.starts_on + 10 * DAY
    plans.support_service_suspend(
        user=world.practitioner,
        service=service,
        version=service.version,
        reason="hospital_admission",
        starts_on=admitted,
        note="Fall at home",
    )
    assert service.status == "suspended"
    with pytest.raises(DomainError):
        plans.support_service_suspend(
            user=world.practitioner,
            service=service,
            version=service.version,
            reason="hospital_admission",
            starts_on=admitted,
        )
    plans.support_service_restart(
        user=world.practitioner, service=service, version=service.version, restarts_on=admitted + 7 * DAY
    )
    service.refresh_from_db()
    suspension = ServiceSuspension.objects.get(service=service)
    assert service.status == "running" and suspension.ends_on == admitted + 6 * DAY
    verbs = set(AuditEvent.objects.filter(case_id=case.pk).values_list("verb", flat=True))
    assert {"plans.support_service_suspended", "plans.support_service_restarted"} <= verbs
    # Seven days in hospital out of 28: three weeks of £175 charged.
    charged = plans.support_service_charge(
        service=SupportService.objects.get(pk=service.pk),
        starts_on=service.starts_on + 7 * DAY,
        ends_on=service.starts_on + 34 * DAY,
    )
    assert charged == D("525.00")


def test_respite_agreed_in_the_plan_keeps_its_dates(world, case, limits):
    plan = _active(world, case)
    service = plan.services.get()
    first = service.starts_on + 14 * DAY
    plans.support_service_suspend(
        user=world.practitioner,
        service=service,
        version=service.version,
        reason="respite",
        starts_on=first,
        ends_on=first + 6 * DAY,
    )
    assert service.status == "running"
    with pytest.raises(ValidationFailed):  # overlaps the respite
        plans.support_service_suspend(
            user=world.practitioner,
            service=service,
            version=service.version,
            reason="hospital_admission",
            starts_on=first + 3 * DAY,
        )


def test_only_the_active_plans_services_are_suspended(world, case):
    plan = record_plan(user=world.practitioner, case=case)
    service = plan.services.get()
    with pytest.raises(DomainError, match="active support plan"):
        plans.support_service_suspend(
            user=world.practitioner,
            service=service,
            version=service.version,
            reason="hospital_admission",
            starts_on=service.starts_on,
        )


START = datetime.date(2026, 4, 6)
WEEKLY = support_charges.ServiceCost("weekly", D("7"), D("25"), START)


def test_a_suspended_service_charges_nothing_for_the_suspended_days():
    four_weeks = {"starts_on": START, "ends_on": START + 27 * DAY}
    assert support_charges.service_charge(WEEKLY, [], **four_weeks) == D("700.00")
    week_off = [support_charges.Period(START + 7 * DAY, START + 13 * DAY)]
    assert support_charges.service_charge(WEEKLY, week_off, **four_weeks) == D("525.00")
    still_off = [support_charges.Period(START, None)]
    assert support_charges.service_charge(WEEKLY, still_off, **four_weeks) == D("0.00")
    one_day = [support_charges.Period(START, START)]
    assert support_charges.service_charge(WEEKLY, one_day, **four_weeks) == D("675.00")


def test_charges_follow_the_services_dates_and_frequency():
    ended = support_charges.ServiceCost("weekly", D("7"), D("25"), START, START + 6 * DAY)
    assert support_charges.service_charge(ended, [], starts_on=START, ends_on=START + 27 * DAY) == D("175.00")
    assert support_charges.service_charge(ended, [], starts_on=START - 9 * DAY, ends_on=START - DAY) == 0
    once = support_charges.ServiceCost("one_off", D("1"), D("300"), START)
    assert support_charges.service_charge(once, [], starts_on=START, ends_on=START + DAY) == D("300.00")
    off = [support_charges.Period(START, START)]
    assert support_charges.service_charge(once, off, starts_on=START, ends_on=START + DAY) == D("0.00")
    assert support_charges.plan_costs([WEEKLY, once]) == (D("175.00"), D("9400.00"))


# --- The stage gate ---


def _to_planning(world, case):
    from casework.careact.tests.steps import record_no_advocacy_needed, record_ready_for_support_care_act

    record_no_advocacy_needed(user=world.practitioner, case=case)
    record_ready_for_support_care_act(user=world.practitioner, case=case)
    case_services.case_move_stage(user=world.practitioner, case=case, stage="assessment")
    case_services.case_move_stage(
        user=world.practitioner, case=case, stage="planning", acknowledged=[FA_NOT_STARTED]
    )
    return case


def test_support_needs_eligibility_and_a_signed_plan(world, case):
    case = _to_planning(world, case)
    with pytest.raises(LifecycleRefused) as error:
        case_services.case_move_stage(user=world.practitioner, case=case, stage="support")
    assert "eligibility determination" in error.value.message
    assert "signed off" in error.value.message
    plan = record_plan(user=world.practitioner, case=case)
    plans.support_plan_sign_worker(user=world.practitioner, plan=plan, version=plan.version)
    with pytest.raises(LifecycleRefused):
        case_services.case_move_stage(user=world.practitioner, case=case, stage="support")
    record_signed_plan(user=world.practitioner, case=case, not_signed_reason="Lacks capacity; no deputy yet.")
    moved = case_services.case_move_stage(user=world.practitioner, case=case, stage="support")
    assert moved.stage == "support"


# --- Who may do what ---


@pytest.mark.parametrize("name", PERSONAS)
def test_each_support_plan_predicate_agrees_with_its_twin(world, case, name):
    user = getattr(world, name)
    twins = {
        "plans.view_support_plan_case": selectors.case_list_support_plan_visible,
        "plans.record_support_plan_case": selectors.case_list_support_plan_recordable,
        "plans.activate_support_plan_case": selectors.case_list_support_plan_activatable,
    }
    for permission, twin in twins.items():
        assert has_perm(user, permission, case) == twin(user=user).filter(pk=case.pk).exists(), permission


def test_reading_the_plan_is_recorded_and_refused_to_outsiders(world, case):
    record_plan(user=world.practitioner, case=case)
    selectors.case_support_plan_get_for_user(user=world.team_manager, case=case)
    assert AccessEvent.objects.filter(verb="plans.support_plan_viewed", case_id=case.pk).exists()
    with pytest.raises(PermissionRefused):
        selectors.case_support_plan_get_for_user(user=world.outsider, case=case)
    with pytest.raises(PermissionRefused):
        record_plan(user=world.auditor, case=case)


def test_the_duty_desk_suspends_only_on_behalf_of_a_worker_of_the_case(world, case, limits):
    _active(world, case)
    service = SupportService.objects.get(plan__status="active")
    today = datetime.date.today()
    with pytest.raises(PermissionRefused):  # not a worker of the case, acting for nobody
        plans.support_service_suspend(
            user=world.duty_officer,
            service=service,
            version=service.version,
            reason="hospital_admission",
            starts_on=today,
        )
    with pytest.raises(DomainError, match="one of the case's workers"):
        plans.support_service_suspend(
            user=world.duty_officer,
            service=service,
            version=service.version,
            reason="hospital_admission",
            starts_on=today,
            on_behalf_of=world.auditor,
        )
    with pytest.raises(PermissionRefused):  # another organisation's worker is no duty desk for this case
        plans.support_service_suspend(
            user=world.district_worker,
            service=service,
            version=service.version,
            reason="hospital_admission",
            starts_on=today,
            on_behalf_of=world.practitioner,
        )
    suspension = plans.support_service_suspend(
        user=world.duty_officer,
        service=service,
        version=service.version,
        reason="hospital_admission",
        starts_on=today,
        on_behalf_of=world.practitioner,
    )
    assert suspension.on_behalf_of == world.practitioner
    service.refresh_from_db()
    plans.support_service_restart(
        user=world.duty_officer,
        service=service,
        version=service.version,
        restarts_on=today + DAY,
        on_behalf_of=world.practitioner,
    )
    service.refresh_from_db()
    assert service.status == "running"
