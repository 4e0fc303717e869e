"""Overdue reviews escalate once per breach (issue 17): the day after a review's due date, while it is still
open, the team managers of the case's team (else of the organisation; else its organisation admins) get a
message, and the team (else the first of them) a task due today. A review asked for when nobody was
allocated waits on the "waiting for a review" list instead, and that list's own escalation tells the
managers (once): it is left alone here. A sweep that runs twice, or is stopped half-way and runs again,
escalates each breach once: the review keeps the due date it was escalated for, and each task has its effect
key."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q

from casework.accounts.choices import Role
from casework.accounts.models import User
from casework.accounts.selectors import team_managers_of, users_with_role
from casework.audit.services import audit_record_many
from casework.contacts.services import message_alert_many
from casework.core import clock
from casework.reviews.choices import OPEN_STATUSES
from casework.reviews.models import Review, ReviewRequest
from casework.tasks.choices import TaskKind
from casework.tasks.services import JobTask, tasks_create_for_job

CHUNK = 500
Cache = dict[tuple[int, int | None], list[User]]


def _managers(review: Review, cache: Cache) -> list[User]:
    case = review.case
    key = (case.responsible_organisation_id or 0, case.allocated_team_id)
    if key not in cache:
        found = team_managers_of(organisation_id=key[0], team_id=key[1])
        cache[key] = found or users_with_role(organisation_id=key[0], roles=(Role.ORG_ADMIN,))
    return cache[key]


def _text(review: Review) -> str:
    return (
        f"The {review.get_kind_display().lower()} review of {review.case.reference} was due on "
        f"{review.due_on:%-d %B %Y} and is still {review.get_status_display().lower()}."
    )


def _escalate(
    batch: list[Review], today: datetime.date, cache: dict[tuple[int, int | None], list[User]]
) -> int:
    with transaction.atomic():
        # Read again under lock: another sweep may have escalated some meanwhile.
        fresh = list(
            Review.objects.select_for_update(of=("self",))
            .filter(pk__in=[r.pk for r in batch], status__in=OPEN_STATUSES)
            .exclude(escalated_for_due_on=F("due_on"))
            .select_related("case")
        )
        if not fresh:
            return 0
        plans = [(review, _managers(review, cache)) for review in fresh]
        tasks_create_for_job(
            tasks=[
                JobTask(
                    case=review.case,
                    title=f"Overdue review: {review.case.reference}",
                    due_date=today,
                    effect_key=f"reviews.overdue:{review.pk}:{review.due_on.isoformat()}",
                    kind=TaskKind.ESCALATION,
                    details=_text(review),
                    source="reviews.escalation",
                    assigned_to_team=review.case.allocated_team,
                    assigned_to_user=None if review.case.allocated_team_id else managers[0],
                )
                for review, managers in plans
                if review.case.allocated_team_id or managers
            ]
        )
        message_alert_many(
            alerts=[(user, _text(review), review.case) for review, managers in plans for user in managers],
            at=clock.now(),
        )
        Review.objects.filter(pk__in=[review.pk for review in fresh]).update(escalated_for_due_on=F("due_on"))
        audit_record_many(
            [
                {
                    "user": None,
                    "verb": "reviews.review_escalated",
                    "obj": review,
                    "case_id": review.case_id,
                    "person_id": review.case.person_id,
                    "organisation_id": review.case.responsible_organisation_id,
                    "changes": {
                        "escalated_for_due_on": {"before": None, "after": review.due_on.isoformat()},
                        "alerted": {"before": None, "after": [user.pk for user in managers]},
                    },
                }
                for review, managers in plans
            ]
        )
    return len(fresh)


def overdue_reviews_escalate(*, today: datetime.date | None = None) -> int:
    """Escalate every open review past its due date that has not been escalated for that date. Returns how
    many."""
    today = today or clock.today()
    waiting = ReviewRequest.objects.filter(
        review_id=OuterRef("pk"), waiting_entry__isnull=False, waiting_entry__exited_on__isnull=True
    )
    overdue = (
        Review.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today)
        .filter(Q(escalated_for_due_on__isnull=True) | ~Q(escalated_for_due_on=F("due_on")))
        .exclude(Exists(waiting))
        .select_related("case")
        .order_by("pk")
    )
    cache: Cache = {}
    made = 0
    last = 0
    while True:
        batch = list(overdue.filter(pk__gt=last)[:CHUNK])
        if not batch:
            return made
        last = batch[-1].pk
        made += _escalate(batch, today, cache)
