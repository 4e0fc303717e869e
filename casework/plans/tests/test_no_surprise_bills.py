"""No surprise bills (issue 16): planning a chargeable service opens a financial assessment and a task to
complete it, due in the organisation's working days; the estimate letter goes to the person before any
chargeable service starts, and a plan whose chargeable service would start without it is not activated."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from casework.audit.models import AuditEvent
from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.core.errors import DomainError, PermissionRefused
from casework.core.permissions import has_perm
from casework.core.working_days import add_working_days
from casework.letters.models import Letter
from casework.people.models import Person
from casework.plans import budgets, episode_services, no_surprise
from casework.plans import services as fa
from casework.plans import support_services as plans
from casework.plans.charging.calculator import AssessmentInput, Household, IncomeItem, IncomeKind, Path
from casework.plans.charging.enablement import EnablementPeriod
from casework.plans.models import FinancialAssessment
from casework.plans.support_charges import ServiceCost, is_chargeable
from casework.plans.tests.steps import home_care, record_estimate_sent, record_plan
from casework.tasks.models import Task
from conftest import PERSONAS

D = Decimal
DAY = datetime.timedelta(days=1)


@pytest.fixture
def limits(world):
    return budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=D("10"),
        approval_limits={"team_manager": None},
        financial_assessment_working_days=30,
    )


@pytest.fixture
def addressed(case):
    Person.objects.filter(pk=case.person_id).update(
        address_line_1="4 Mill Lane", town="Casterbridge", postcode="DT1 1AA"
    )
    case.person.refresh_from_db()
    return case


def _signed(world, case, **more):
    plan = record_plan(user=world.practitioner, case=case, **more)
    plans.support_plan_sign_worker(user=world.practitioner, plan=plan, version=plan.version)
    plan.refresh_from_db()
    plans.support_plan_sign_person(
        user=world.practitioner, plan=plan, version=plan.version, signer="person", name="Margaret Thornton"
    )
    plan.refresh_from_db()
    return plan


# --- What is chargeable (pure) ---


def _cost(starts, ends=None, rate="25"):
    return ServiceCost("weekly", D("7"), D(rate), starts, ends)


def test_a_service_costing_something_is_chargeable_unless_wholly_within_free_enablement():
    day = datetime.date(2027, 1, 4)
    six_weeks = [EnablementPeriod(day)]
    assert is_chargeable(_cost(day))
    assert not is_chargeable(_cost(day, rate="0"))
    assert not is_chargeable(_cost(day, day + 41 * DAY), six_weeks)  # the 42 free days
    assert is_chargeable(_cost(day, day + 42 * DAY), six_weeks)  # one day after them
    assert is_chargeable(_cost(day), six_weeks)  # open-ended: goes beyond them
    ended_early = [EnablementPeriod(day, day + 9 * DAY)]
    assert is_chargeable(_cost(day, day + 20 * DAY), ended_early)


# --- 1. Planning a chargeable service opens a financial assessment task ---


def test_planning_a_chargeable_service_opens_an_assessment_and_a_task_due_in_the_working_days(
    world, case, limits
):
    plan = record_plan(user=world.practitioner, case=case)
    record = FinancialAssessment.objects.get(case=case)
    assert record.status == "started" and record.started_on == clock.today()
    assert record.due_on == add_working_days(clock.today(), 30)  # the organisation's 30, not the default 20
    task = Task.objects.get(case=case)
    assert task.title == "Complete the financial assessment"
    assert task.assigned_to_user == world.practitioner and task.due_date == record.due_on
    assert task.status == "open" and task.source == f"financial_assessment:{record.pk}"
    started = AuditEvent.objects.get(verb="plans.financial_assessment_started")
    assert started.actor == world.practitioner and started.case_id == case.pk
    assert started.changes["started_because"]["after"] == f"support plan version {plan.number}"
    assert started.changes["working_days"]["after"] == 30
    assert AuditEvent.objects.filter(verb="tasks.task_created", case_id=case.pk).count() == 1
    # Saving the plan again opens neither a second assessment nor a second task.
    record_plan(user=world.practitioner, case=case, outcomes="To stay at home and garden.")
    assert FinancialAssessment.objects.filter(case=case).count() == 1
    assert Task.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(verb="plans.financial_assessment_started").count() == 1


def test_without_a_setting_the_assessment_is_due_in_20_working_days(world, case):
    record_plan(user=world.practitioner, case=case)
    assert FinancialAssessment.objects.get(case=case).due_on == add_working_days(clock.today(), 20)


def test_a_free_or_costless_plan_opens_nothing(world, case):
    org = holding_organisation_id(case)
    today = clock.today()
    episode_services.enablement_episode_start(
        user=world.practitioner,
        case=case,
        referral_source="community",
        started_on=today,
        planned_end_on=today + 41 * DAY,
        goals=["Make my own breakfast again"],
    )
    within = home_care(org, starts_on=today, ends_on=today + 41 * DAY)
    costless = home_care(org, rate="0")
    record_plan(user=world.practitioner, case=case, services=[within, costless])
    assert not FinancialAssessment.objects.filter(case=case).exists()
    assert not Task.objects.filter(case=case).exists()
    # Beyond the free six weeks it is chargeable.
    record_plan(user=world.practitioner, case=case, services=[home_care(org, starts_on=today)])
    assert FinancialAssessment.objects.filter(case=case).count() == 1


def test_a_case_with_an_assessment_already_gets_no_other(world, case):
    started = fa.financial_assessment_start(user=world.practitioner, case=case)
    record_plan(user=world.practitioner, case=case)
    assert list(FinancialAssessment.objects.filter(case=case)) == [started]
    assert not Task.objects.filter(case=case).exists()


# --- 2. The estimate letter goes before the service starts ---


def test_the_estimate_letter_goes_before_the_service_starts(world, case, limits, addressed):
    plan = _signed(world, case)
    with pytest.raises(DomainError, match="Send the person the estimate of what they will pay"):
        plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)
    plan.refresh_from_db()
    assert plan.status == "draft" and not plan.services.filter(status="running").exists()
    no_surprise.charge_estimate_letter_send(user=world.practitioner, case=case)
    plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)
    assert plan.status == "active" and plan.services.get().status == "running"


def test_a_letter_sent_after_the_service_started_does_not_count(world, case, limits, addressed):
    org = holding_organisation_id(case)
    plan = _signed(world, case, services=[home_care(org, starts_on=clock.today() - 3 * DAY)])
    no_surprise.charge_estimate_letter_send(user=world.practitioner, case=case)  # today: too late
    with pytest.raises(DomainError, match="Move its start to today or later"):
        plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)
    # Sent on or before its first day, it starts.
    second = _signed(world, case, services=[home_care(org, starts_on=clock.today() - 3 * DAY)])
    record_estimate_sent(user=world.practitioner, case=case)
    plans.support_plan_activate(user=world.team_manager, plan=second, version=second.version)
    assert second.status == "active"


def test_a_continuing_service_has_started_already_and_a_new_one_needs_the_letter(
    world, case, limits, addressed
):
    org = holding_organisation_id(case)
    first = _signed(world, case)
    record_estimate_sent(user=world.practitioner, case=case)
    plans.support_plan_activate(user=world.team_manager, plan=first, version=first.version)
    running = first.services.get()
    Letter.objects.filter(case=case).update(sent_at=clock.now() + 10 * DAY)  # as if sent later than it was
    carried = home_care(org, reference=running.reference, starts_on=running.starts_on)
    second = _signed(world, case, services=[carried])
    plans.support_plan_activate(user=world.team_manager, plan=second, version=second.version)
    third = _signed(world, case, services=[carried, home_care(org, hours="1")])
    assert no_surprise.services_awaiting_estimate(case=case, plan=third, before=second)
    with pytest.raises(DomainError, match="Send the person the estimate"):
        plans.support_plan_activate(user=world.team_manager, plan=third, version=third.version)


def test_the_letter_says_the_full_cost_is_an_estimate_subject_to_assessment(world, case, addressed):
    org = holding_organisation_id(case)
    services = [
        home_care(org, hours="7", rate="25"),
        home_care(org, hours="1", rate="40", frequency="four_weekly"),
    ]
    record_plan(user=world.practitioner, case=case, services=services)
    letter = no_surprise.charge_estimate_letter_send(user=world.practitioner, case=case)
    html = letter.html
    # 7 × £25 + £40 / 4 = £185 a week: without an assessment, the full cost.
    assert letter.kind == "charge_estimate" and letter.person_id == case.person_id
    assert "up to £185.00 a week" in html and "subject to a financial assessment" in html
    assert "Home care from" in html and letter.pdf[:4] == b"%PDF"
    event = AuditEvent.objects.get(verb="plans.charge_estimate_sent")
    assert event.actor == world.practitioner and event.case_id == case.pk
    assert event.changes["estimate_weekly"]["after"] == "185.00"
    assert event.changes["assessed"]["after"] is False
    assert AuditEvent.objects.filter(verb="letters.sent", case_id=case.pk).count() == 1
    # Sending again for the same version of the plan sends nothing new.
    assert no_surprise.charge_estimate_letter_send(user=world.practitioner, case=case) == letter


def test_the_letter_gives_the_assessed_charge_once_the_assessment_is_complete(world, case, addressed):
    record_plan(user=world.practitioner, case=case)  # 7 × £25 = £175 a week; starts the assessment
    started = FinancialAssessment.objects.get(case=case)
    done = fa.financial_assessment_complete(
        user=world.practitioner,
        assessment=started,
        version=started.version,
        data=AssessmentInput(
            path=Path.NON_RESIDENTIAL,
            household=Household(age=30),
            income=(IncomeItem(IncomeKind.EMPLOYMENT_SUPPORT, D("250")),),
            weekly_cost_of_care=D("175"),
        ),
    )
    letter = no_surprise.charge_estimate_letter_send(user=world.practitioner, case=case)
    expected = min(done.weekly_charge, D("175.00"))
    assert f"you will pay <strong>£{expected:,.2f} a week" in letter.html
    assert "subject to a financial assessment" not in letter.html


def test_nothing_chargeable_or_no_plan_means_no_letter(world, case, addressed):
    with pytest.raises(DomainError, match="no support plan"):
        no_surprise.charge_estimate_letter_send(user=world.practitioner, case=case)
    record_plan(
        user=world.practitioner, case=case, services=[home_care(holding_organisation_id(case), rate="0")]
    )
    with pytest.raises(DomainError, match="no chargeable service"):
        no_surprise.charge_estimate_letter_send(user=world.practitioner, case=case)
    assert not Letter.objects.exists()


@pytest.mark.parametrize("name", PERSONAS)
def test_who_may_send_the_estimate_is_who_records_the_plan(world, case, addressed, name):
    record_plan(user=world.practitioner, case=case)
    user = getattr(world, name)
    if has_perm(user, "plans.record_support_plan_case", case):
        assert no_surprise.charge_estimate_letter_send(user=user, case=case).sent_by == user
    else:
        with pytest.raises(PermissionRefused):
            no_surprise.charge_estimate_letter_send(user=user, case=case)
        assert not Letter.objects.exists()
