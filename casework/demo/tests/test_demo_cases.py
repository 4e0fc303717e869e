"""The demo cases cover every status and stage, with allocation rules and real timelines."""

import pytest

from casework.allocation.models import AllocationPolicy, AllocationRule
from casework.audit.models import AuditEvent
from casework.audit.verify import audit_verify_all
from casework.cases.choices import CaseStage, CaseStatus
from casework.cases.models import Case
from casework.core import clock
from casework.demo.builder import build_demo
from casework.reviews.models import Review


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    return build_demo(people=300, seed=7)


def test_every_status_and_stage_is_represented(demo):
    statuses = set(Case.objects.values_list("status", flat=True))
    stages = set(Case.objects.values_list("stage", flat=True))
    assert statuses == set(CaseStatus.values)
    assert stages == set(CaseStage.values)
    assert 140 <= Case.objects.count() <= 160


def test_allocation_is_configured_and_explained(demo):
    assert AllocationPolicy.objects.exists()
    assert AllocationRule.objects.count() == 5
    allocated = Case.objects.filter(responsible_organisation__isnull=False)
    assert allocated.exclude(allocation_explanation="").count() == allocated.count()
    assert Case.objects.filter(responsible_organisation__isnull=True, status="planned").exists()


def test_cases_have_histories_and_the_trail_is_intact(demo):
    finished = Case.objects.filter(status="finished").first()
    verbs = list(AuditEvent.objects.filter(case_id=finished.pk).values_list("verb", flat=True))
    assert verbs[:3] == ["cases.case_raised", "cases.case_allocated", verbs[2]]
    assert "cases.closed" in verbs and finished.outcome
    assert all(report.problem is None for report in audit_verify_all())
    assert Case.objects.filter(primary_worker__username="worker", status="active").exists()


def test_cases_past_the_care_act_gates_have_what_the_gates_need(demo):
    from casework.careact.models import AdvocacyDecision, EligibilityDetermination, PreventionRecord

    assessed = Case.objects.filter(stage_progress__stage="assessment").distinct()
    supported = Case.objects.filter(stage_progress__stage="support").distinct()
    assert assessed.exists() and supported.exists()
    decided = set(AdvocacyDecision.objects.filter(activity="assessment").values_list("case_id", flat=True))
    assert set(assessed.values_list("pk", flat=True)) <= decided
    assert set(supported.values_list("pk", flat=True)) <= set(
        PreventionRecord.objects.values_list("case_id", flat=True)
    )
    assert EligibilityDetermination.objects.exists()
    # Every case the plan sends to Support got there (none was stopped by a gate).
    assert Case.objects.filter(stage="support").count() >= 8


def test_the_county_has_a_waiting_list_with_overdue_and_escalated_cases(demo):
    from casework.waiting_list.models import Escalation, Reprioritisation, WaitingListEntry

    entries = WaitingListEntry.objects.filter(organisation__name__contains="County", exited_on__isnull=True)
    assert entries.count() >= 5
    assert {"urgent", "normal"} <= set(entries.values_list("priority", flat=True))
    assert Escalation.objects.exists() and Reprioritisation.objects.count() == 1


def test_two_cases_have_consent_and_referrals_one_accepted_and_managed(demo):
    from casework.referrals.models import Referral

    referrals = list(Referral.objects.select_related("delivery_organisation", "basis").order_by("sent_at"))
    assert len(referrals) == 3 and len({r.case_id for r in referrals}) == 2
    assert {r.delivery_organisation.name for r in referrals} == {
        "Casterbridge Foodbank",
        "Wessex Money Advice",
    }
    accepted = [r for r in referrals if r.status == "accepted"]
    assert len(accepted) == 1 and accepted[0].plan and accepted[0].actions.exists()
    assert [n.status for n in accepted[0].needs.all()] == ["being_managed"]
    assert all(r.basis.withdrawn_on is None for r in referrals)
    assert demo.counts["referrals"] == 3


def test_reviews_are_due_overdue_in_progress_and_signed_off(demo):
    today = clock.today()
    assert demo.counts["reviews"] >= 3
    assert Review.objects.filter(status="complete").exists()
    assert Review.objects.filter(status="in_progress").exists()
    assert Review.objects.filter(status="due").exists()
    assert Review.objects.filter(status__in=["due", "in_progress"], due_on__lt=today).exists()


def test_a_case_whose_plan_takes_a_direct_payment_has_one_started_with_payments(demo):
    from casework.plans.dp_models import DirectPaymentAgreement
    from casework.plans.dp_selectors import dp_first_payment_date

    agreement = DirectPaymentAgreement.objects.filter(status="active").first()
    assert agreement is not None and agreement.support_plan.budget_management == "direct_payment"
    assert agreement.payments.filter(status="paid").exists()
    assert dp_first_payment_date(agreement.case) == agreement.starts_on
