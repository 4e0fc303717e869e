"""A review's decision to revise the plan: the plan's next version is a draft that becomes active only through
plans' approval (the worker's and the person's sign-offs, then a manager whose approval limit covers its
annual cost); the review links the worker to it; the revised plan is reviewed afresh."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils.timezone import localdate

from casework.core.errors import DomainError, PermissionRefused
from casework.plans import budgets
from casework.plans import support_services as plans
from casework.plans.budget_selectors import budget_settings_for
from casework.plans.support_models import SupportPlan
from casework.reviews import services
from casework.reviews.models import Review
from casework.reviews.tests.steps import finish_review

pytestmark = pytest.mark.django_db


def _revised(world, active_plan, *, authority) -> Review:
    """A planned review that decided to revise the plan, signed by the person and then the authority."""
    services.make_due_reviews()
    review = finish_review(
        user=world.practitioner,
        review=Review.objects.get(case=active_plan.case, status="due"),
        decision="revise_plan",
        met="not_met",
    )
    services.review_sign_person(
        user=world.practitioner, review=review, version=review.version, signer="person", name="Margaret"
    )
    services.review_sign_authority(user=authority, review=review, version=review.version)
    review.refresh_from_db()
    return review


def _team_managers_limit_below(world, amount: Decimal) -> None:
    settings = budget_settings_for(organisation_id=world.county.pk)
    budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=settings.version,
        difference_threshold_percent=Decimal("10"),
        approval_limits={"team_manager": amount - 1, "case_manager": None},
    )


def test_the_revised_draft_is_signed_and_approved_by_a_manager_within_their_limit_before_it_is_active(
    world, active_plan, review_may_start
):
    review = _revised(world, active_plan, authority=world.team_manager)
    draft = review.revised_plan
    assert review.status == "complete" and draft.status == "draft"
    # The worker does not approve plans.
    with pytest.raises(PermissionRefused):
        plans.support_plan_activate(user=world.practitioner, plan=draft, version=draft.version)
    # Not before the worker and the person have signed the revised version.
    with pytest.raises(DomainError, match="signed off"):
        plans.support_plan_activate(user=world.team_manager, plan=draft, version=draft.version)
    plans.support_plan_sign_worker(user=world.practitioner, plan=draft, version=draft.version)
    plans.support_plan_sign_person(
        user=world.practitioner, plan=draft, version=draft.version, signer="person", name="Margaret"
    )
    # Above the team manager's approval limit: a manager with a higher one approves it.
    _team_managers_limit_below(world, draft.annual_cost)
    with pytest.raises(DomainError, match="over your approval limit"):
        plans.support_plan_activate(user=world.team_manager, plan=draft, version=draft.version)
    assert SupportPlan.objects.get(pk=draft.pk).status == "draft"
    assert SupportPlan.objects.get(pk=active_plan.pk).status == "active"
    plans.support_plan_activate(user=world.case_manager, plan=draft, version=draft.version)
    draft.refresh_from_db()
    assert draft.status == "active" and draft.activated_by == world.case_manager
    assert draft.activator_role == "case_manager"
    assert SupportPlan.objects.get(pk=active_plan.pk).status == "superseded"
    # The revised plan is reviewed afresh: its first review after it started.
    assert services.make_due_reviews() == 1
    next_review = Review.objects.get(case=active_plan.case, status="due")
    assert next_review.plan == draft
    assert next_review.due_on == localdate(draft.activated_at) + datetime.timedelta(weeks=8)


def test_a_case_manager_signing_last_completes_the_review_and_the_reviewer_gets_the_draft(
    world, active_plan, review_may_start
):
    # A case manager approves but does not write plans: the draft is the reviewer's.
    review = _revised(world, active_plan, authority=world.case_manager)
    assert review.status == "complete"
    assert review.revised_plan.status == "draft" and review.revised_plan.created_by == world.practitioner


def test_the_review_links_the_worker_to_the_revised_plan_and_its_approval(
    login, world, active_plan, review_may_start
):
    review = _revised(world, active_plan, authority=world.team_manager)
    case = active_plan.case
    worker = login(world.practitioner)
    section = worker.get(f"/cases/{case.pk}/reviews").content.decode()
    assert f"Version {review.revised_plan.number} of the support plan" in section
    assert f'href="/cases/{case.pk}/support-plan#draft"' in section
    assert "Change the revised plan and send it for approval" in section
    draft = review.revised_plan
    plans.support_plan_sign_worker(user=world.practitioner, plan=draft, version=draft.version)
    plans.support_plan_sign_person(
        user=world.practitioner, plan=draft, version=draft.version, signer="person", name="Margaret"
    )
    plans.support_plan_activate(user=world.team_manager, plan=draft, version=draft.version)
    section = worker.get(f"/cases/{case.pk}/reviews").content.decode()
    assert "approved and active since" in section and "Change the revised plan" not in section
