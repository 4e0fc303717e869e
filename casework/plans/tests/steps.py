"""Record, through the services, what the support plan's stage gate needs (an eligibility determination and a
signed support plan, with the estimate letter its chargeable services need to start): for tests in any app
that move a case to Support."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from casework.careact import services as careact
from casework.careact.current import eligibility_current
from casework.careact.eligibility import WITHOUT_ASSISTANCE, OutcomeFinding
from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.people.models import Person
from casework.plans import no_surprise, support_services
from casework.plans import services as plans_services
from casework.plans.models import FinancialAssessment
from casework.plans.support_models import SupportPlan
from casework.plans.support_services import ServiceIn


def record_financial_assessment_started(*, user, case):
    """A financial assessment started (unless the case has one): Planning's no-surprise-bills warning."""
    found = FinancialAssessment.objects.filter(case=case, superseded_at__isnull=True).first()
    return found or plans_services.financial_assessment_start(user=user, case=case)


def record_eligible(*, user, case):
    """An adult found eligible (unless the case has a determination already)."""
    current = eligibility_current(case=case, kind="adult")
    if current is not None:
        return current
    return careact.eligibility_determination_record(
        user=user,
        case=case,
        kind="adult",
        condition_1=True,
        outcomes=[
            OutcomeFinding.of("nutrition", WITHOUT_ASSISTANCE),
            OutcomeFinding.of("personal_hygiene", WITHOUT_ASSISTANCE),
        ],
        significant_impact_on_wellbeing=True,
        confirmed_eligible=True,
        reason="Needs assessed at a home visit; the determination agrees with the criteria.",
    )


def home_care(provider_organisation_id: int, *, hours: str = "7", rate: str = "25", **more) -> ServiceIn:
    return ServiceIn(
        service_type="Home care",
        frequency=more.pop("frequency", "weekly"),
        units=Decimal(hours),
        unit_cost=Decimal(rate),
        starts_on=more.pop("starts_on", clock.today()),
        provider_organisation_id=provider_organisation_id,
        **more,
    )


def record_plan(*, user, case, services=None, **more) -> SupportPlan:
    latest = SupportPlan.objects.filter(case=case).order_by("-number").first()
    return support_services.support_plan_save(
        user=user,
        case=case,
        based_on=latest.number if latest else None,
        outcomes=more.pop("outcomes", "I want to stay in my own home and see my friends at the lunch club."),
        needs=more.pop("needs", "Washing and meals: a carer each morning."),
        budget_management=more.pop("budget_management", "council_managed"),
        services=services if services is not None else [home_care(holding_organisation_id(case))],
        **more,
    )


def record_estimate_sent(*, user, case):
    """The estimate letter (no surprise bills), sent on the first day of the earliest chargeable service of
    the plan's draft when that day is already past (as it would have been, before the service started), else
    today. The person is given a postal address if they have none."""
    person = case.person
    if not (person.address_line_1 and person.postcode):
        Person.objects.filter(pk=person.pk).update(
            address_line_1="4 Mill Lane", town="Casterbridge", postcode="DT1 1AA"
        )
        case.person.refresh_from_db()
    plan = SupportPlan.objects.filter(case=case, status="draft").first() or SupportPlan.objects.get(
        case=case, status="active"
    )
    services = no_surprise.chargeable(plan.services.all(), no_surprise.enablement_periods(case))
    first = min((s.starts_on for s in services), default=clock.today())
    if first >= clock.today():
        return no_surprise.charge_estimate_letter_send(user=user, case=case)
    moment = datetime.datetime.combine(first, datetime.time(9), tzinfo=timezone.get_current_timezone())
    with clock.frozen_at(moment):
        return no_surprise.charge_estimate_letter_send(user=user, case=case)


def record_signed_plan(*, user, case, not_signed_reason: str = "") -> SupportPlan:
    """An eligibility determination and a draft plan signed by the worker and by the person (or the reason
    they did not sign)."""
    record_eligible(user=user, case=case)
    plan = record_plan(user=user, case=case)
    record_estimate_sent(user=user, case=case)
    support_services.support_plan_sign_worker(user=user, plan=plan, version=plan.version)
    if not_signed_reason:
        support_services.support_plan_sign_person(
            user=user, plan=plan, version=plan.version, signer="not_signed", reason=not_signed_reason
        )
    else:
        support_services.support_plan_sign_person(
            user=user, plan=plan, version=plan.version, signer="person", name="Margaret Thornton"
        )
    return plan
