"""Reviews: the sweep makes planned reviews when due (idempotent); requested reviews land with the allocated
worker or on the waiting list; the advocacy gate; recording; sign-off by both, never by the same user twice; a
decision to revise makes a new plan version awaiting approval; who may do what (predicates and twins)."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localdate

from casework.allocation import services as allocation
from casework.audit.models import AuditEvent
from casework.careact.tests.steps import record_no_advocacy_needed
from casework.cases.models import Case
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.core.permissions import has_perm
from casework.plans import support_services as plans
from casework.plans import support_services as plans_support
from casework.plans.support_models import SupportPlan
from casework.plans.tests.steps import record_signed_plan
from casework.plans.tests.test_direct_payments import dp_plan
from casework.plans.tests.test_direct_payments import started as dp_started
from casework.reviews import selectors, services
from casework.reviews.models import Review, ReviewRequest
from casework.reviews.schedule import add_months
from casework.reviews.tests.steps import finish_review
from casework.tasks.models import Task
from casework.waiting_list.models import WaitingListEntry
from conftest import PERSONAS
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _due(case) -> Review:
    return Review.objects.get(case=case, status="due")


# --- The sweep ---


def test_the_sweep_makes_the_first_review_eight_weeks_after_the_plan_starts(world, active_plan):
    assert services.make_due_reviews() == 1
    review = _due(active_plan.case)
    assert review.kind == "planned" and review.reason == "planned"
    assert review.plan == active_plan and review.plan_number == active_plan.number
    assert review.due_on == localdate(active_plan.activated_at) + datetime.timedelta(weeks=8)
    assert (
        AuditEvent.objects.filter(verb="reviews.review_scheduled", case_id=active_plan.case_id).count() == 1
    )


def test_the_sweep_is_idempotent(world, active_plan):
    services.make_due_reviews()
    assert services.make_due_reviews() == 0
    assert Review.objects.filter(case=active_plan.case).count() == 1


def test_after_a_review_the_next_is_due_twelve_months_on(world, active_plan, review_may_start):
    services.make_due_reviews()
    review = finish_review(user=world.practitioner, review=_due(active_plan.case))
    services.review_sign_authority(user=world.team_manager, review=review, version=review.version)
    services.review_sign_person(
        user=world.practitioner, review=review, version=review.version, signer="person", name="Margaret"
    )
    assert services.make_due_reviews() == 1
    following = _due(active_plan.case)
    completed = localdate(Review.objects.get(pk=review.pk).completed_at)
    assert following.due_on.year == completed.year + 1


def test_no_plan_no_review(world, case):
    assert services.make_due_reviews() == 0


def test_a_case_has_one_open_review_at_most(world, active_plan):
    services.make_due_reviews()
    with pytest.raises(IntegrityError):
        Review.objects.create(
            case=active_plan.case, kind="unplanned", reason="unplanned_other", due_on=clock.today()
        )


# --- Requested reviews ---


def test_a_requested_review_lands_with_the_allocated_worker_as_a_task(world, case):
    request = services.review_request(
        user=world.duty_officer,
        case=case,
        requested_by="carer",
        requester_name="Jo Thornton",
        reason="unplanned_carer",
        details="Her daughter says mornings are not enough",
    )
    assert request.task is not None and request.task.assigned_to_user == world.practitioner
    assert request.task.kind == "review_request"
    assert request.waiting_entry is None
    assert request.review.kind == "requested" and request.review.status == "due"
    event = AuditEvent.objects.get(verb="reviews.review_requested")
    assert event.changes["lands_with"]["after"] == "task"


def test_a_requested_review_waits_on_the_review_list_when_nobody_is_allocated(world, unallocated):
    request = services.review_request(
        user=world.duty_officer,
        case=unallocated,
        requested_by="carer",
        requester_name="Jo Thornton",
        reason="unplanned_carer",
        priority="urgent",
        rag="amber",
        rag_reason="Carer struggling",
    )
    entry = WaitingListEntry.objects.get(case=unallocated, list_kind="review", exited_on__isnull=True)
    assert request.waiting_entry == entry and request.task is None
    assert entry.priority == "urgent" and entry.rag == "amber"
    assert Review.objects.get(pk=request.review_id).due_on == entry.due_on
    assert not Task.objects.filter(case=unallocated, kind="review_request").exists()


def test_a_second_request_joins_the_open_review(world, case):
    first = services.review_request(
        user=world.duty_officer, case=case, requested_by="person", reason="unplanned_other"
    )
    second = services.review_request(
        user=world.practitioner,
        case=case,
        requested_by="provider",
        requester_name="Acme Care",
        reason="unplanned_provider_failure",
    )
    assert first.review_id == second.review_id
    assert ReviewRequest.objects.filter(review_id=first.review_id).count() == 2


def test_a_request_needs_who_and_why(world, case):
    with pytest.raises(ValidationFailed) as error:
        services.review_request(
            user=world.duty_officer, case=case, requested_by="carer", reason="unplanned_carer"
        )
    assert error.value.field == "requester_name"
    with pytest.raises(ValidationFailed) as error:
        services.review_request(user=world.duty_officer, case=case, requested_by="person", reason="planned")
    assert error.value.field == "reason"


def test_somebody_outside_the_organisation_cannot_request(world, case):
    with pytest.raises(PermissionRefused):
        services.review_request(
            user=world.outsider, case=case, requested_by="person", reason="unplanned_other"
        )


# --- Starting and recording ---


def test_the_advocacy_gate_applies_to_reviews(world, active_plan):
    services.make_due_reviews()
    review = _due(active_plan.case)
    with pytest.raises(DomainError, match="advocate"):
        services.review_start(user=world.practitioner, review=review, version=review.version)
    assert Review.objects.get(pk=review.pk).status == "due"


def test_starting_takes_the_case_off_the_review_waiting_list(world, unallocated):
    request = services.review_request(
        user=world.duty_officer, case=unallocated, requested_by="person", reason="unplanned_other"
    )
    case = allocation.case_accept(user=world.practitioner, case=unallocated)
    record_no_advocacy_needed(user=world.practitioner, case=case, activity="review")
    review = Review.objects.get(pk=request.review_id)
    services.review_start(user=world.practitioner, review=review, version=review.version)
    assert review.status == "in_progress" and review.reviewer == world.practitioner
    assert not WaitingListEntry.objects.filter(case=case, list_kind="review", exited_on__isnull=True).exists()


def test_recording_is_versioned_and_finishing_sends_it_for_sign_off(world, active_plan, review_may_start):
    services.make_due_reviews()
    review = _due(active_plan.case)
    services.review_start(user=world.practitioner, review=review, version=review.version)
    stale = review.version
    services.review_record(user=world.practitioner, review=review, version=review.version, working="Mornings")
    with pytest.raises(ConflictError):
        services.review_record(user=world.team_manager, review=review, version=stale, working="Mine")
    with pytest.raises(ValidationFailed) as error:
        services.review_record(user=world.practitioner, review=review, version=review.version, finished=True)
    assert error.value.field == "decision"
    finish_review(user=world.practitioner, review=review)
    assert Review.objects.get(pk=review.pk).status == "awaiting_sign_off"
    assert AuditEvent.objects.filter(verb="reviews.review_recorded").count() == 2


# --- Sign-off ---


def test_complete_only_when_both_have_signed(world, active_plan, review_may_start):
    services.make_due_reviews()
    review = finish_review(user=world.practitioner, review=_due(active_plan.case))
    services.review_sign_authority(user=world.team_manager, review=review, version=review.version)
    assert Review.objects.get(pk=review.pk).status == "awaiting_sign_off"
    services.review_sign_person(
        user=world.practitioner,
        review=review,
        version=review.version,
        signer="not_signed",
        reason="In hospital",
    )
    done = Review.objects.get(pk=review.pk)
    assert done.status == "complete" and done.completed_at is not None
    assert AuditEvent.objects.filter(verb="reviews.review_completed").count() == 1


def test_never_the_same_user_for_both_sides(world, active_plan, review_may_start):
    services.make_due_reviews()
    review = finish_review(user=world.team_manager, review=_due(active_plan.case))
    services.review_sign_authority(user=world.team_manager, review=review, version=review.version)
    with pytest.raises(DomainError, match="different people"):
        services.review_sign_person(
            user=world.team_manager, review=review, version=review.version, signer="person", name="Margaret"
        )
    # And the other way round.
    services.make_due_reviews()
    assert Review.objects.get(pk=review.pk).status == "awaiting_sign_off"


def test_the_person_first_then_the_same_user_cannot_sign_for_the_authority(
    world, active_plan, review_may_start
):
    services.make_due_reviews()
    review = finish_review(user=world.team_manager, review=_due(active_plan.case))
    services.review_sign_person(
        user=world.team_manager, review=review, version=review.version, signer="representative", name="Jo"
    )
    with pytest.raises(DomainError, match="different people"):
        services.review_sign_authority(user=world.team_manager, review=review, version=review.version)


def test_only_an_approving_role_signs_for_the_authority(world, active_plan, review_may_start):
    services.make_due_reviews()
    review = finish_review(user=world.practitioner, review=_due(active_plan.case))
    with pytest.raises(PermissionRefused):
        services.review_sign_authority(user=world.practitioner, review=review, version=review.version)


def test_a_decision_to_revise_makes_a_new_plan_version_awaiting_approval(
    world, active_plan, review_may_start
):
    services.make_due_reviews()
    review = finish_review(
        user=world.practitioner, review=_due(active_plan.case), decision="revise_plan", met="not_met"
    )
    services.review_sign_person(
        user=world.practitioner, review=review, version=review.version, signer="person", name="Margaret"
    )
    services.review_sign_authority(user=world.team_manager, review=review, version=review.version)
    done = Review.objects.get(pk=review.pk)
    draft = SupportPlan.objects.get(case=active_plan.case, status="draft")
    assert done.revised_plan == draft and draft.number == active_plan.number + 1
    assert draft.outcomes == active_plan.outcomes
    assert list(draft.services.values_list("reference", flat=True)) == list(
        active_plan.services.values_list("reference", flat=True)
    )
    assert SupportPlan.objects.get(pk=active_plan.pk).status == "active"  # until the new one is approved


# --- Who may do what ---


@pytest.mark.parametrize("name", PERSONAS)
def test_each_review_predicate_agrees_with_its_twin(world, case, name):
    user = getattr(world, name)
    twins = {
        "reviews.view_review_case": selectors.case_list_review_visible,
        "reviews.record_review_case": selectors.case_list_review_recordable,
        "reviews.sign_off_review_case": selectors.case_list_review_signable,
        "reviews.request_review_case": selectors.case_list_review_requestable,
    }
    for permission, twin in twins.items():
        assert has_perm(user, permission, case) == twin(user=user).filter(pk=case.pk).exists(), permission
    assert has_perm(user, "reviews.view_reviews_worklist") == (
        selectors.review_worklist_organisations_for_user(user=user).exists()
    )


def _active_plans(world, count: int) -> None:
    for _ in range(count):
        case = allocation.case_accept(
            user=world.practitioner,
            case=CaseFactory(person=PersonFactory(created_by_organisation=world.county)),
        )
        plan = record_signed_plan(user=world.practitioner, case=case)
        plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)


def test_the_sweeps_queries_do_not_grow_with_the_plans(world, risk, limits):
    _active_plans(world, 1)
    with CaptureQueriesContext(connection) as one:
        assert services.make_due_reviews() == 1
    _active_plans(world, 3)
    with CaptureQueriesContext(connection) as three:
        assert services.make_due_reviews() == 3
    assert len(three) == len(one)


def test_a_closed_cases_plan_is_not_reviewed(world, active_plan):
    Case.objects.filter(pk=active_plan.case_id).update(status="finished")
    assert services.make_due_reviews() == 0


def test_a_direct_payment_brings_the_review_forward_to_six_months_after_its_first_payment(
    world, case, limits
):
    plan = dp_plan(world, case)
    plan = plans_support.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)
    first_payment = clock.today() - datetime.timedelta(days=150)
    dp_started(world, case, starts_on=first_payment)
    assert services.make_due_reviews() == 1
    # Six months after the first payment comes before eight weeks after the plan started.
    assert _due(case).due_on == add_months(first_payment, 6)
