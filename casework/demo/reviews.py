"""The demo's reviews: a few of the county's signed support plans are activated by the team manager when they
were signed, the daily sweep makes their first reviews (the oldest overdue, the newest due), one is in
progress and one is signed off by both sides. Built through the services."""

from __future__ import annotations

import datetime

from casework.accounts.models import Organisation, User
from casework.careact import services as careact
from casework.careact.current import advocacy_decision_current
from casework.cases.choices import OPEN_STATUSES
from casework.core import clock
from casework.core.errors import DomainError
from casework.plans import support_services as plans
from casework.plans.support_models import SupportPlan
from casework.reviews import services as reviews
from casework.reviews.models import Review
from casework.reviews.services import OutcomeIn

ACTIVATED = 6


def _no_advocacy_needed(*, worker: User, case) -> None:
    current = advocacy_decision_current(case=case, activity="review")
    careact.advocacy_decision_record(
        user=worker,
        case=case,
        activity="review",
        difficulty_understanding=False,
        difficulty_retaining=False,
        difficulty_using_or_weighing=False,
        difficulty_communicating=False,
        appropriate_person=False,
        replaces_id=current.pk if current else None,
        version=current.version if current else None,
    )


def _worker(review: Review) -> User:
    worker = review.case.primary_worker
    assert worker is not None  # the plans chosen are of cases with a worker
    return worker


def build_reviews_demo(*, organisation: Organisation) -> int:
    """Activate a few signed plans, make their reviews, take one to sign-off and start another; returns how
    many reviews there are."""
    manager = User.objects.get(username="manager")
    signed = list(
        SupportPlan.objects.filter(
            case__responsible_organisation=organisation,
            case__status__in=OPEN_STATUSES,
            case__primary_worker__isnull=False,
            status="draft",
            worker_signed_at__isnull=False,
            person_signed_at__isnull=False,
        )
        .select_related("case", "case__primary_worker")
        .order_by("created_at", "pk")[:ACTIVATED]
    )
    for plan in signed:
        with clock.frozen_at(plan.created_at + datetime.timedelta(hours=2)):
            try:
                plans.support_plan_activate(user=manager, plan=plan, version=plan.version)
            except DomainError:  # over the manager's limit: it waits for the head of service
                continue
    reviews.make_due_reviews()
    due = list(
        Review.objects.filter(case__responsible_organisation=organisation, status="due")
        .select_related("case", "case__primary_worker")
        .order_by("due_on", "pk")
    )
    if due:
        review = due[0]
        worker = _worker(review)
        _no_advocacy_needed(worker=worker, case=review.case)
        reviews.review_start(user=worker, review=review, version=review.version)
        reviews.review_record(
            user=worker,
            review=review,
            version=review.version,
            involved="Her son, on the phone",
            outcomes=[
                OutcomeIn(
                    outcome=review.plan.outcomes if review.plan else "To stay at home",
                    met="met",
                    person_words="The morning calls make all the difference.",
                    worker_words="Care is arriving on time; no missed visits in the log.",
                )
            ],
            working="Morning calls; meals",
            decision="no_change",
            finished=True,
        )
        reviews.review_sign_person(
            user=worker, review=review, version=review.version, signer="person", name="Signed at the visit"
        )
        reviews.review_sign_authority(user=manager, review=review, version=review.version)
    if len(due) > 1:
        review = due[1]
        worker = _worker(review)
        _no_advocacy_needed(worker=worker, case=review.case)
        reviews.review_start(user=worker, review=review, version=review.version)
    return Review.objects.filter(case__responsible_organisation=organisation).count()
