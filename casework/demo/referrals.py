"""Demo consent and referrals: two of the county's active cases get a needs check, food and debt needs, the
person's consent to share with the foodbank and the debt-advice charity, and referrals. The foodbank has
accepted one and is managing the need; the others wait in the foodbank's and the adviser's worklists.

Everything goes through the services, with the clock moved to the days after each case's history so far, so
the timelines read true.
"""

from __future__ import annotations

import datetime

from django.db.models import Max

from casework.accounts.models import Organisation, User
from casework.assessments import services as assessments
from casework.assessments.models import AssessmentForm, NeedDefinition
from casework.audit.models import AuditEvent
from casework.careact import services as careact
from casework.careact.current import advocacy_decision_current
from casework.cases.models import Case
from casework.consent.services import consent_record
from casework.core import clock
from casework.referrals import services

ANSWERS = {
    "how_are_you": "Not great since I lost my job; the cupboards are empty by the end of the month.",
    "feels_safe": True,
    "food": False,
    "money": True,
    "lonely": "sometimes",
}
SITUATION = "Lost their job in the spring; rent and energy arrears building; skipping meals to pay bills."
RESPONSE = "Emergency food for a few weeks while a debt adviser helps with the arrears and a benefits check."


def build_referrals_demo(*, organisations: dict[str, Organisation]) -> int:
    """Consent and referrals on up to two active county cases; returns how many referrals were made."""
    county, foodbank, debt = organisations["county"], organisations["foodbank"], organisations["debt"]
    # Cases waiting for their assessment, whose history so far ended at least a few days ago: the assessment,
    # consent and referrals follow on from it, a day apart.
    now = clock.now()
    waiting = (
        Case.objects.filter(
            responsible_organisation=county,
            status="active",
            stage="assessment",
            primary_worker__username__in=["worker", "worker2"],
            person__isnull=False,
        )
        .exclude(assessments__isnull=False)
        .select_related("primary_worker", "person")
        .order_by("-primary_worker__username", "pk")
    )
    last_events = dict(
        AuditEvent.objects.filter(case_id__in=[case.pk for case in waiting])
        .values("case_id")
        .annotate(last=Max("occurred_at"))
        .values_list("case_id", "last")
    )
    cases = [case for case in waiting if last_events[case.pk] <= now - datetime.timedelta(days=5)][:2]
    definitions = {
        d.code: d
        for d in NeedDefinition.objects.filter(
            initiative_id=county.initiative_id, code__in=["food", "debt_advice"]
        )
    }
    form = AssessmentForm.objects.filter(organisation=county, code="needs_check").first()
    if form is None or len(definitions) < 2:
        return 0
    foodbank_worker = User.objects.get(username="foodbank")
    made = 0
    for index, case in enumerate(cases):
        worker = case.primary_worker

        def at(days_later: float, case=case):
            return clock.frozen_at(last_events[case.pk] + datetime.timedelta(days=days_later))

        with at(1):
            _advocacy_decided(user=worker, case=case)
            assessment = assessments.assessment_start(user=worker, case=case, form=form, method="phone")
            assessments.assessment_save(
                user=worker,
                assessment=assessment,
                version=assessment.version,
                answers=ANSWERS,
                situation=SITUATION,
                response=RESPONSE,
                privacy_notice_given=True,
                complete=True,
            )
            food = assessments.need_record(
                user=worker,
                case=case,
                definition=definitions["food"],
                assessment=assessment,
                note="Skipping meals to pay the bills",
            )
            debt_need = assessments.need_record(
                user=worker,
                case=case,
                definition=definitions["debt_advice"],
                assessment=assessment,
                note="Rent and energy arrears",
            )
        with at(2):
            representative = (
                {
                    "given_by": "representative",
                    "representative_name": "Sam " + case.person.family_name,
                    "representative_authority": "Son, lasting power of attorney for property and "
                    "financial affairs",
                }
                if index
                else {"given_by": "person"}
            )
            basis = consent_record(
                user=worker,
                case=case,
                kind="consent",
                purpose="To arrange emergency food and debt advice",
                organisation_ids=[foodbank.pk, debt.pk],
                data_categories=["contact_details", "needs"],
                given_on=clock.today(),
                expires_on=clock.today() + datetime.timedelta(days=365),
                **representative,
            )
            food.refresh_from_db()
            food_referral = services.referral_make(
                user=worker,
                case=case,
                delivery_organisation=foodbank,
                needs=[food],
                basis=basis,
                circumstances="Lives alone; struggles with stairs on bad days.",
                instructions="Phone the day before a delivery; leave parcels with the neighbour at number 4 "
                "if out.",
            )
            made += 1
            if index == 0:
                debt_need.refresh_from_db()
                services.referral_make(
                    user=worker,
                    case=case,
                    delivery_organisation=debt,
                    needs=[debt_need],
                    basis=basis,
                    circumstances="Energy supplier has threatened a prepayment meter.",
                )
                made += 1
        if index == 0:
            with at(3):
                services.referral_accept(
                    user=foodbank_worker, referral=food_referral, version=food_referral.version
                )
                services.referral_plan_record(
                    user=foodbank_worker,
                    referral=food_referral,
                    version=food_referral.version,
                    plan="A food parcel every Tuesday for four weeks, then review.",
                )
                services.referral_action_record(
                    user=foodbank_worker,
                    referral=food_referral,
                    occurred_on=clock.today(),
                    description="First parcel delivered.",
                )
                food.refresh_from_db()
                services.referral_need_status_update(
                    user=foodbank_worker,
                    referral=food_referral,
                    need=food,
                    version=food.version,
                    status="being_managed",
                    note="Weekly parcels started.",
                )
    return made


def _advocacy_decided(*, user, case) -> None:
    """Whether the person needs an advocate is decided before an assessment (Care Act s67): here, they do
    not."""

    if advocacy_decision_current(case=case, activity="assessment") is None:
        careact.advocacy_decision_record(
            user=user,
            case=case,
            activity="assessment",
            difficulty_understanding=False,
            difficulty_retaining=False,
            difficulty_using_or_weighing=False,
            difficulty_communicating=False,
            appropriate_person=False,
        )
