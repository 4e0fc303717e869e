"""Reads of reviews: a case's reviews and one review (through the case, writing an AccessEvent), the team
reviews worklist (due, overdue, in progress, awaiting sign-off) with its counts and CSV, and the subject
access sections. The queryset twins of policies.py are here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from casework.accounts.choices import Role
from casework.accounts.models import Organisation, User
from casework.accounts.selectors import actor_for, organisation_list_with_role
from casework.audit.services import access_record
from casework.cases.choices import OPEN_STATUSES as CASE_OPEN_STATUSES
from casework.cases.models import Case
from casework.cases.policies import holder_q, holding_organisation_id
from casework.cases.selectors import case_list_visible, case_list_workable
from casework.core import clock
from casework.core.errors import PermissionRefused
from casework.core.export import Section, model_rows
from casework.core.permissions import has_perm
from casework.core.querysets import Pager, Shown
from casework.plans.budget_selectors import case_list_budget_approvable
from casework.reviews.choices import OPEN_STATUSES, OutcomeMet, ReviewStatus
from casework.reviews.models import Review, ReviewRequest, ReviewSettings
from casework.reviews.policies import WORKLIST_ROLES
from casework.reviews.schedule import DEFAULT, ReviewIntervals, direct_payment_review_due

REFUSED_VIEW = "Only those who may open the case can read its reviews."
REFUSED_WORKLIST = "Only practitioners and team managers read the reviews worklist."
REFUSED_SETTINGS = "Only your organisation's admins set its review intervals."


# --- The queryset twins ---


def case_list_review_visible(*, user: User) -> QuerySet[Case]:
    """Cases whose reviews the user may read (twin of reviews.view_review_case)."""
    return case_list_visible(user=user)


def case_list_review_recordable(*, user: User) -> QuerySet[Case]:
    """Cases whose reviews the user may record (twin of reviews.record_review_case)."""
    return case_list_workable(user=user)


def case_list_review_signable(*, user: User) -> QuerySet[Case]:
    """Open cases whose reviews the user may sign off for the authority (twin of
    reviews.sign_off_review_case)."""
    return case_list_budget_approvable(user=user)


def case_list_review_requestable(*, user: User) -> QuerySet[Case]:
    """Open cases the user may request a review of (twin of reviews.request_review_case)."""
    actor = actor_for(user)
    if not actor.editing_organisation_ids:
        return Case.objects.none()
    return case_list_visible(user=user).filter(
        holder_q(actor.editing_organisation_ids), status__in=CASE_OPEN_STATUSES
    )


def review_worklist_organisations_for_user(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose reviews worklist the user reads (twin of reviews.view_reviews_worklist: held when
    there is one)."""
    return organisation_list_with_role(user=user, roles=WORKLIST_ROLES)


def organisation_list_review_settings_manageable(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose review intervals the user sets (twin of reviews.manage_settings)."""
    return organisation_list_with_role(user=user, roles=(Role.ORG_ADMIN,))


# --- The organisation's review intervals ---


def review_settings_organisation_for_user(*, user: User) -> int:
    """The organisation whose review intervals the user sets: their primary one when they administer it,
    else the first they administer. Raises PermissionRefused for anyone who administers none."""
    actor = actor_for(user)
    organisations = actor.organisations_with_role(Role.ORG_ADMIN)
    if not organisations:
        raise PermissionRefused(REFUSED_SETTINGS)
    if actor.primary_organisation_id in organisations:
        return actor.primary_organisation_id
    return min(organisations)


def review_settings_for(*, organisation_id: int) -> ReviewSettings:
    """The organisation's review settings (unsaved defaults, version 1, when it never set them)."""
    found = ReviewSettings.objects.filter(organisation_id=organisation_id).first()
    if found is not None:
        return found
    return ReviewSettings(
        organisation_id=organisation_id,
        first_weeks=DEFAULT.first_weeks,
        every_months=DEFAULT.every_months,
        direct_payment_first_months=DEFAULT.direct_payment_first_months,
    )


def review_intervals_for(*, organisation_id: int | None) -> ReviewIntervals:
    """The organisation's review intervals (the guidance's longest, DEFAULT, until it sets its own)."""
    if organisation_id is None:
        return DEFAULT
    return review_intervals_for_many(organisation_ids=[organisation_id]).get(organisation_id, DEFAULT)


def review_intervals_for_many(*, organisation_ids: Iterable[int | None]) -> dict[int, ReviewIntervals]:
    """Each organisation's review intervals, in one query (those that never set them are left out: DEFAULT
    applies)."""
    wanted = {pk for pk in organisation_ids if pk is not None}
    if not wanted:
        return {}
    rows = ReviewSettings.objects.filter(organisation_id__in=wanted)
    return {row.organisation_id: row.intervals for row in rows}


def case_review_intervals(*, case: Case) -> ReviewIntervals:
    """The intervals of the organisation responsible for the case (holding it, while unallocated)."""
    return review_intervals_for(organisation_id=holding_organisation_id(case))


def dp_first_review_due(*, case: Case, first_payment_on: datetime.date) -> datetime.date:
    """A direct payment's first review, by the responsible organisation's interval (at most 6 months after
    the first payment)."""
    return direct_payment_review_due(first_payment_on, intervals=case_review_intervals(case=case))


# --- A case's reviews ---


def _require_view(user: User, case: Case) -> None:
    if not has_perm(user, "reviews.view_review_case", case):
        raise PermissionRefused(REFUSED_VIEW)


def case_reviews_get_for_user(*, user: User, case: Case) -> list[Review]:
    """The case's reviews, newest first, with their requests, in a fixed number of queries. Raises
    PermissionRefused; writes an AccessEvent when there is one."""
    _require_view(user, case)
    reviews = list(
        Review.objects.filter(case=case)
        .select_related("reviewer", "authority_signed_by", "revised_plan")
        .prefetch_related("requests")
        .order_by("-due_on", "-id")
    )
    if reviews:
        access_record(
            user=user,
            verb="reviews.reviews_viewed",
            case_id=case.pk,
            person_id=case.person_id,
            details={"review_ids": [r.pk for r in reviews]},
        )
    return reviews


def review_get_for_user(*, user: User, case: Case, review_id: int, purpose: str = "viewed") -> Review:
    """One of the case's reviews. Raises PermissionRefused, Http404; writes an AccessEvent."""
    _require_view(user, case)
    review = (
        Review.objects.filter(case=case, pk=review_id)
        .select_related("case", "case__person", "reviewer", "authority_signed_by", "revised_plan")
        .first()
    )
    if review is None:
        raise Http404("No such review")
    access_record(
        user=user,
        verb=f"reviews.review_{purpose}",
        obj=review,
        case_id=case.pk,
        person_id=case.person_id,
    )
    return review


def review_outcome_rows(review: Review) -> list[dict[str, Any]]:
    """The review's outcomes with their labels, for a page or the person's copy."""
    return [
        {**row, "met_label": OutcomeMet(row["met"]).label if row.get("met") in OutcomeMet.values else ""}
        for row in review.outcomes
    ]


# --- The team reviews worklist ---

BUCKETS = {
    "due": "Due",
    "overdue": "Overdue",
    "in_progress": "In progress",
    "awaiting_sign_off": "Awaiting sign-off",
}


@dataclass(frozen=True)
class WorklistFilters:
    bucket: str = ""
    team_id: int | None = None
    kind: str = ""


def _bucket_q(bucket: str, today: datetime.date) -> Q:
    return {
        "due": Q(status=ReviewStatus.DUE, due_on__gte=today),
        "overdue": Q(status__in=[ReviewStatus.DUE, ReviewStatus.IN_PROGRESS], due_on__lt=today),
        "in_progress": Q(status=ReviewStatus.IN_PROGRESS),
        "awaiting_sign_off": Q(status=ReviewStatus.AWAITING_SIGN_OFF),
    }.get(bucket, Q())


def review_worklist_visible(*, user: User) -> QuerySet[Review]:
    """Open reviews of the cases held by the organisations where the user reviews."""
    if not has_perm(user, "reviews.view_reviews_worklist"):
        raise PermissionRefused(REFUSED_WORKLIST)
    organisations = actor_for(user).organisations_with_role(*WORKLIST_ROLES)
    return Review.objects.filter(holder_q(organisations, prefix="case__"), status__in=OPEN_STATUSES)


def review_worklist_filtered(
    *, user: User, filters: WorklistFilters, today: datetime.date | None = None
) -> QuerySet[Review]:
    qs = review_worklist_visible(user=user)
    if filters.team_id is not None:
        qs = qs.filter(case__allocated_team_id=filters.team_id)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.filter(_bucket_q(filters.bucket, today or clock.today()))


def review_worklist_counts(*, user: User, filters: WorklistFilters) -> dict[str, int]:
    """How many of each bucket (the other filters applied), in one query."""
    today = clock.today()
    qs = review_worklist_filtered(
        user=user, filters=WorklistFilters(team_id=filters.team_id, kind=filters.kind)
    )
    return qs.aggregate(**{key: Count("pk", filter=_bucket_q(key, today)) for key in BUCKETS})


def _rows(qs: QuerySet[Review]) -> QuerySet[Review]:
    return qs.select_related("case", "case__person", "case__allocated_team", "reviewer").order_by(
        "due_on", "id"
    )


def review_worklist_for_user(*, user: User, filters: WorklistFilters, pager: Pager) -> Shown[Review]:
    """A page of the worklist, soonest due first, in a fixed number of queries; one AccessEvent naming it."""
    shown = pager.cut(_rows(review_worklist_filtered(user=user, filters=filters)))
    access_record(
        user=user,
        verb="reviews.worklist_viewed",
        details={"review_ids": [r.pk for r in shown.rows]},
    )
    return shown


def review_worklist_export_for_user(
    *, user: User, filters: WorklistFilters, limit: int = 10000
) -> list[Review]:
    """The filtered worklist for a CSV (at most `limit` rows); one AccessEvent."""
    rows = list(_rows(review_worklist_filtered(user=user, filters=filters))[:limit])
    access_record(
        user=user,
        verb="reviews.worklist_exported",
        details={"count": len(rows)},
    )
    return rows


def reviews_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""
    return [
        ("reviews", model_rows(Review.objects.filter(case__person_id=person_id))),
        ("review_requests", model_rows(ReviewRequest.objects.filter(case__person_id=person_id))),
    ]
