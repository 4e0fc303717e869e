"""The Care Act steps of the demo's cases, recorded through the services as the case's worker would.

Called by casework/demo/cases.py with the clock moved to the moment of each step, so the audit trail reads
as a real history: advocacy decided before the assessment (mostly no difficulty; sometimes a relative
supports them; now and then an advocate is referred and appointed, or a team manager lets it start), the
eligibility determination during assessment, and prevention and financial information before support.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from casework.accounts.choices import Role
from casework.accounts.selectors import actor_for
from casework.careact import services
from casework.careact.eligibility import (
    ENDANGERS,
    PAIN_DISTRESS_ANXIETY,
    TAKES_LONGER,
    WITHOUT_ASSISTANCE,
    OutcomeFinding,
)
from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.demo.direct_payments import record_direct_payment
from casework.demo.support_plans import record_signed_plan

ADVOCACY_SERVICES = ["Wessex Advocacy Hub", "Casterbridge Independent Advocacy", "Voiceability Wessex"]
ADVOCATE_NAMES = ["Priya Natarajan", "Tom Okafor", "Helen Marsh", "Gareth Lloyd"]
RELATIVES = [("daughter", "Sarah"), ("son", "David"), ("niece", "Amira"), ("neighbour and friend", "Joan")]
PREVENTION = [
    "Reablement (six weeks)",
    "Community navigator",
    "Lunch club at the community centre",
    "Befriending scheme",
    "Falls prevention class",
    "Equipment from the community equipment service",
    "Telecare pendant alarm",
    "Carers' support group",
]
WHY_NOT_ENOUGH = [
    "Reablement ended with personal care needs remaining; she needs help to wash and dress every morning.",
    "He tried the lunch club and befriending, but needs help with meals and medication daily.",
    "Equipment and telecare help, but he cannot manage the stairs or bathing safely alone.",
    "She values the group, but her needs for personal care are daily and long term.",
]


def record_before_assessment(*, case, worker, manager, rng: random.Random) -> None:
    """Decide advocacy for the assessment so it may start (as the worker; an exception as the manager)."""
    roll = rng.random()
    common = {"user": worker, "case": case, "activity": "assessment"}
    if roll < 0.7:
        services.advocacy_decision_record(
            **common,
            difficulty_understanding=False,
            difficulty_retaining=False,
            difficulty_using_or_weighing=False,
            difficulty_communicating=False,
            appropriate_person=False,
        )
        return
    if roll < 0.85:
        relationship, name = rng.choice(RELATIVES)
        services.advocacy_decision_record(
            **common,
            difficulty_understanding=True,
            difficulty_retaining=True,
            difficulty_using_or_weighing=rng.random() < 0.5,
            difficulty_communicating=False,
            appropriate_person=True,
            appropriate_person_name=f"{name} {case.person.family_name}" if case.person_id else name,
            appropriate_person_relationship=relationship,
        )
        return
    today = clock.today()
    decision = services.advocacy_decision_record(
        **common,
        difficulty_understanding=True,
        difficulty_retaining=rng.random() < 0.6,
        difficulty_using_or_weighing=True,
        difficulty_communicating=rng.random() < 0.5,
        appropriate_person=False,
        referral_to=rng.choice(ADVOCACY_SERVICES),
        # Referred in the days before, but not before the case was raised.
        referral_on=max(
            today - datetime.timedelta(days=rng.randint(3, 10)), timezone.localdate(case.raised_at)
        ),
    )
    manages = manager is not None and holding_organisation_id(case) in _team_manager_organisations(manager)
    if manages and roll > 0.95:
        services.advocacy_exception_record(
            user=manager,
            decision=decision,
            version=decision.version,
            reason="Hospital discharge cannot wait: the assessment starts now and "
            "the advocate joins at the first visit after appointment.",
        )
    else:
        services.advocacy_advocate_record(
            user=worker,
            decision=decision,
            advocate_name=rng.choice(ADVOCATE_NAMES),
            advocate_organisation=decision.referral_to,
            advocate_from=today,
            version=decision.version,
        )


def _team_manager_organisations(user) -> frozenset[int]:
    return actor_for(user).organisations_with_role(Role.TEAM_MANAGER)


def record_eligibility(*, case, worker, rng: random.Random) -> None:
    """An adult's eligibility determination, made during the assessment, before planning: eligible."""
    codes = [
        "nutrition",
        "personal_hygiene",
        "toilet_needs",
        "clothing",
        "home_safety",
        "habitable_home",
        "relationships",
        "community",
    ]
    ways = [WITHOUT_ASSISTANCE, PAIN_DISTRESS_ANXIETY, ENDANGERS, TAKES_LONGER]
    outcomes = [
        OutcomeFinding.of(code, *rng.sample(ways, rng.choice([1, 1, 2])))
        for code in rng.sample(codes, rng.choice([2, 3, 3, 4, 5]))
    ]
    services.eligibility_determination_record(
        user=worker,
        case=case,
        kind="adult",
        condition_1=True,
        outcomes=outcomes,
        significant_impact_on_wellbeing=True,
        confirmed_eligible=True,
        reason="Needs assessed at a home visit with the person; the determination agrees with the criteria.",
    )


def record_before_support(*, case, worker, rng: random.Random) -> bool:
    """Record prevention, and usually financial information; True when financial information was given
    (else the move to Support must acknowledge the warning)."""
    services.prevention_record(
        user=worker,
        case=case,
        services_considered="\n".join(rng.sample(PREVENTION, 2)),
        why_not_enough=rng.choice(WHY_NOT_ENOUGH),
    )
    plan = record_signed_plan(case=case, worker=worker)  # the support plan's stage gate (casework/plans)
    record_direct_payment(case=case, worker=worker, plan=plan)  # when the plan takes a direct payment
    if rng.random() < 0.85:
        services.financial_information_record(
            user=worker,
            case=case,
            method=rng.choice(["leaflet", "verbal", "letter"]),
            given_on=clock.today() - datetime.timedelta(days=rng.randint(0, 5)),
        )
        return True
    return False
