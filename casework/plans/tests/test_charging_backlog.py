"""No surprise bills: the report of services running without a completed financial assessment, oldest
first, with the assessment's state; who sees it; a fixed number of queries."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AccessEvent
from casework.core import clock
from casework.core.errors import PermissionRefused
from casework.plans import budgets
from casework.plans import services as fa
from casework.plans import support_services as plans
from casework.plans.backlog_selectors import charging_backlog_list_for_user
from casework.plans.charging.calculator import AssessmentInput, Household, IncomeItem, IncomeKind, Path
from casework.plans.models import FinancialAssessment
from casework.plans.tests.steps import home_care, record_eligible, record_estimate_sent, record_plan
from conftest import PERSONAS

D = Decimal


def _activate(world, case, services):
    plan = record_plan(user=world.practitioner, case=case, services=services)
    record_estimate_sent(user=world.practitioner, case=case)
    plans.support_plan_sign_worker(user=world.practitioner, plan=plan, version=plan.version)
    plan.refresh_from_db()
    plans.support_plan_sign_person(
        user=world.practitioner, plan=plan, version=plan.version, signer="person", name="Margaret Thornton"
    )
    plan.refresh_from_db()
    return plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)


@pytest.fixture
def running(world, case):
    """Margaret's plan with home care from 10 days ago and a day centre from today, activated."""
    budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=D("10"),
        approval_limits={"team_manager": None},
    )
    record_eligible(user=world.practitioner, case=case)
    today = clock.today()
    org = world.county.pk
    return _activate(
        world,
        case,
        [
            home_care(org, starts_on=today - datetime.timedelta(days=10)),
            replace(home_care(org, hours="1", rate="40"), service_type="Day centre"),
        ],
    )


def _listed(user):
    return [(s.service_type, s.assessment_due_on) for s in charging_backlog_list_for_user(user=user).services]


def test_running_services_without_a_completed_assessment_are_listed_oldest_first(world, case, running):
    # Planning the chargeable services started the assessment: listed, due on its date.
    started = FinancialAssessment.objects.get(case=case)
    assert _listed(world.team_manager) == [("Home care", started.due_on), ("Day centre", started.due_on)]
    # A plan activated before planning started assessments (none at all) is listed as not started.
    FinancialAssessment.objects.filter(case=case).delete()
    assert _listed(world.team_manager) == [("Home care", None), ("Day centre", None)]
    assert (
        AccessEvent.objects.filter(verb="plans.charging_backlog_viewed", actor=world.team_manager).count()
        == 2
    )


def test_a_completed_assessment_takes_the_case_off_the_list(world, case, running):
    started = FinancialAssessment.objects.get(case=case)  # started by planning the services
    assert _listed(world.org_admin)
    fa.financial_assessment_complete(
        user=world.practitioner,
        assessment=started,
        version=started.version,
        data=AssessmentInput(
            path=Path.NON_RESIDENTIAL,
            household=Household(age=30),
            income=(IncomeItem(IncomeKind.EMPLOYMENT_SUPPORT, D("250")),),
            weekly_cost_of_care=D("500"),
        ),
    )
    assert _listed(world.org_admin) == []


def test_only_managers_and_admins_of_the_organisation_see_it(world, running):
    assert _listed(world.case_manager)
    for persona in PERSONAS:
        if persona in ("team_manager", "case_manager", "org_admin"):
            continue
        user = getattr(world, persona)
        with pytest.raises(PermissionRefused):
            charging_backlog_list_for_user(user=user)


def test_the_page_lists_them_in_a_fixed_number_of_queries(client, world, case, running):
    client.force_login(world.team_manager)
    url = reverse("plans:charging_backlog")
    with CaptureQueriesContext(connection) as two:
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "2 services." in html and case.reference in html and "Started" in html
    org = world.county.pk
    _activate(world, case, [home_care(org, hours=str(n)) for n in range(1, 7)])
    with CaptureQueriesContext(connection) as again:
        assert "6 services." in client.get(url).content.decode()
    assert len(again) == len(two)
    client.force_login(world.practitioner)
    assert client.get(url).status_code == 403
