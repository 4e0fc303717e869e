"""The demo's support plans: before a case moves to Support, a plan with a service or two, signed by the
worker and by the person, their representative, or with the reason they could not sign (the plans app's
stage gate), and the estimate letter of what the person will pay (no surprise bills)."""

from __future__ import annotations

import contextlib
import random
from decimal import Decimal

from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.core.errors import DomainError
from casework.plans import no_surprise, support_services
from casework.plans.support_models import SupportPlan

OUTCOMES = [
    "I want to stay in my own home and keep seeing my friends at the lunch club.",
    "I want to be able to wash and dress in the morning without waiting for my son.",
    "I'd like to get back to the allotment on Saturdays.",
    "I want my wife to get a proper break once a week.",
]
SERVICES = [("Home care", "7", "24.50"), ("Day opportunities", "2", "45.00"), ("Meals at home", "7", "6.20")]


def record_signed_plan(*, case, worker) -> SupportPlan:
    """A draft plan of one or two services from today, signed by the worker and by the person (or why not).
    Its own random numbers (seeded by the case), so the rest of the demo stays as it was."""
    rng = random.Random(case.pk)
    latest = SupportPlan.objects.filter(case=case).order_by("-number").first()
    starts_on = clock.today()
    chosen = rng.sample(SERVICES, rng.choice([1, 2]))
    plan = support_services.support_plan_save(
        user=worker,
        case=case,
        based_on=latest.number if latest else None,
        outcomes=rng.choice(OUTCOMES),
        needs="Personal care each morning, and meals: met by the services below and her family.",
        budget_management=rng.choice(["council_managed", "council_managed", "direct_payment"]),
        services=[
            support_services.ServiceIn(
                service_type=kind,
                frequency="weekly",
                units=Decimal(units),
                unit_cost=Decimal(cost),
                starts_on=starts_on,
                provider_organisation_id=holding_organisation_id(case),
            )
            for kind, units, cost in chosen
        ],
        informal_support="Family visit at weekends.",
        contingency="If a visit is missed the provider phones the family and the duty desk.",
    )
    support_services.support_plan_sign_worker(user=worker, plan=plan, version=plan.version)
    if rng.random() < 0.9:
        support_services.support_plan_sign_person(
            user=worker, plan=plan, version=plan.version, signer="person", name="Signed at the home visit"
        )
    else:
        support_services.support_plan_sign_person(
            user=worker,
            plan=plan,
            version=plan.version,
            signer="not_signed",
            reason="Unable to sign; the plan was read through with them and agreed.",
        )
    _send_estimate(case=case, worker=worker)
    return plan


def _send_estimate(*, case, worker) -> None:
    """No surprise bills: the person is sent the estimate of what they will pay before the services start
    (so the demo's plans can be activated); one without a postal address waits for it."""
    with contextlib.suppress(DomainError):
        no_surprise.charge_estimate_letter_send(user=worker, case=case)
