"""Record, through the services, what the Care Act stage gates need: for tests in any app that move a case to
Assessment or Support. (The gates themselves are tested in this app.)"""

from __future__ import annotations

import datetime

from casework.careact import services
from casework.core import clock


def record_no_advocacy_needed(*, user, case, activity: str = "assessment"):
    """No substantial difficulty being involved: the activity may start."""
    from casework.careact.current import advocacy_decision_current

    current = advocacy_decision_current(case=case, activity=activity)
    return services.advocacy_decision_record(
        user=user,
        case=case,
        activity=activity,
        difficulty_understanding=False,
        difficulty_retaining=False,
        difficulty_using_or_weighing=False,
        difficulty_communicating=False,
        appropriate_person=False,
        replaces_id=current.pk if current else None,
        version=current.version if current else None,
    )


def record_prevention(*, user, case):
    return services.prevention_record(
        user=user,
        case=case,
        services_considered="Reablement\nLunch club",
        why_not_enough="Reablement ended with needs remaining; she cannot get to the lunch club.",
    )


def record_financial_information(*, user, case, given_on: datetime.date | None = None):
    return services.financial_information_record(
        user=user, case=case, method="leaflet", given_on=given_on or clock.today()
    )


def record_ready_for_support(*, user, case) -> None:
    """Prevention considered and financial information given, and (the plans app's gates) a financial
    assessment started, an eligibility determination and a signed support plan: Planning and long-term
    support may start with no warning."""
    from casework.plans.tests.steps import record_financial_assessment_started, record_signed_plan

    record_prevention(user=user, case=case)
    record_financial_information(user=user, case=case)
    record_financial_assessment_started(user=user, case=case)
    record_signed_plan(user=user, case=case)


def record_ready_for_support_care_act(*, user, case) -> None:
    """The Care Act steps alone (prevention, financial information), without the support plan's gate."""
    record_prevention(user=user, case=case)
    record_financial_information(user=user, case=case)
