"""Writes of reviews: the daily sweep that makes the planned reviews that are due, a review requested (a task
for the allocated worker, or the waiting list "waiting for a review" when nobody is allocated), starting a
review (the advocacy gate applies), recording what it found, and its sign-off by the authority and by the
person. Complete only when both have signed, never by the same user for both sides; a decision to revise the
plan makes the plan's next version, a draft awaiting approval (plans' support services).

Keyword-only, atomic and audited; a stale write is refused (ConflictError), never silently lost."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils.timezone import localdate

from casework.accounts.models import User
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record, audit_record_many, audited_write_if_version
from casework.careact.gates import advocacy_problem
from casework.cases.choices import OPEN_STATUSES as CASE_OPEN_STATUSES
from casework.cases.choices import Priority
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.core.errors import DomainError, ValidationFailed, stale_message
from casework.core.permissions import has_perm, require_perm
from casework.plans.dp_selectors import dp_first_payment_dates
from casework.plans.support_choices import SupportPlanStatus
from casework.plans.support_models import SupportPlan
from casework.plans.support_selectors import support_plan_data
from casework.plans.support_services import ServiceIn, support_plan_save
from casework.reviews.choices import (
    OPEN_STATUSES,
    OutcomeMet,
    PersonSigner,
    RequestedBy,
    ReviewDecision,
    ReviewKind,
    ReviewReason,
    ReviewStatus,
)
from casework.reviews.models import Review, ReviewRequest, ReviewSettings
from casework.reviews.schedule import (
    DEFAULT,
    MAX_DIRECT_PAYMENT_FIRST_MONTHS,
    MAX_EVERY_MONTHS,
    MAX_FIRST_WEEKS,
    MIN_FIRST_WEEKS,
    review_due,
)
from casework.reviews.selectors import REFUSED_SETTINGS, review_intervals_for_many
from casework.tasks.choices import TaskKind
from casework.tasks.selectors import case_task_assignee
from casework.tasks.services import task_create
from casework.waiting_list.choices import ExitReason, ListKind, Rag
from casework.waiting_list.models import WaitingListEntry
from casework.waiting_list.services import waiting_list_add, waiting_list_exit_for_case

REFUSED_RECORD = "Only the case's workers and team managers can record its reviews."
REFUSED_SIGN = (
    "Only the team managers and case managers of the organisation holding the case sign off reviews for the "
    "authority."
)
REFUSED_REQUEST = (
    "Only people who work at the organisation holding this open case can request a review of it."
)
STALE = stale_message("the review", did="changed", then="check it and try again")
STALE_SETTINGS = stale_message("the review intervals", did="changed", then="check them and try again")
SETTINGS_LIMITS = {
    "first_weeks": (
        MIN_FIRST_WEEKS,
        MAX_FIRST_WEEKS,
        f"Enter a number of weeks from {MIN_FIRST_WEEKS} to {MAX_FIRST_WEEKS}",
    ),
    "every_months": (1, MAX_EVERY_MONTHS, f"Enter a number of months from 1 to {MAX_EVERY_MONTHS}"),
    "direct_payment_first_months": (
        1,
        MAX_DIRECT_PAYMENT_FIRST_MONTHS,
        f"Enter a number of months from 1 to {MAX_DIRECT_PAYMENT_FIRST_MONTHS}",
    ),
}
SAME_SIGNER = "The authority and the person are signed for by different people: ask a colleague to sign."
TEXT_LENGTH = 10000
NAME_LENGTH = 200
MAX_OUTCOMES = 30
# How long the allocated worker has to start a review that was asked for (calendar days).
REQUEST_DAYS = 5


@dataclass(frozen=True)
class OutcomeIn:
    """Whether one outcome of the plan is being met, in the person's words and the worker's."""

    outcome: str
    met: str
    person_words: str = ""
    worker_words: str = ""


def _text(value: str, name: str, *, required: bool = False, length: int = TEXT_LENGTH) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationFailed(f"Enter {name.replace('_', ' ')}", field=name)
    if len(cleaned) > length:
        raise ValidationFailed(f"Use at most {length} characters", field=name)
    return cleaned


# --- The organisation's review intervals ---


def review_settings_set(
    *,
    user: User,
    organisation_id: int,
    version: int,
    first_weeks: int,
    every_months: int,
    direct_payment_first_months: int,
) -> ReviewSettings:
    """Set the organisation's review intervals: the first review 6 to 8 weeks after a plan starts or changes,
    then every 1 to 12 months; a direct payment's first review 1 to 6 months after its first payment. The
    sweep uses them for the reviews it makes from then on. Audited as "reviews.settings_set" (before and
    after). Raises PermissionRefused, ValidationFailed (each field's error), ConflictError (another admin
    saved them since `version` was read)."""
    require_perm(user, "reviews.manage_settings", organisation_id, REFUSED_SETTINGS)
    values = {
        "first_weeks": first_weeks,
        "every_months": every_months,
        "direct_payment_first_months": direct_payment_first_months,
    }
    errors = {
        name: message
        for name, (low, high, message) in SETTINGS_LIMITS.items()
        if type(values[name]) is not int or not low <= values[name] <= high
    }
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(errors[first], field=first, errors=errors)
    with transaction.atomic():
        row, _ = ReviewSettings.objects.select_for_update().get_or_create(
            organisation_id=organisation_id, defaults={"created_by": user, "modified_by": user}
        )
        audited_write_if_version(
            user=user,
            obj=row,
            version=version,
            fields=values,
            stale_message=STALE_SETTINGS,
            verb="reviews.settings_set",
            organisation_id=organisation_id,
        )
    return row


# --- The daily sweep ---


def make_due_reviews(*, batch_size: int = 2000) -> int:
    """Make the next planned review of every active support plan of an open case with no open review: 6 to 8
    weeks after the plan started (or changed), else 12 months after the last completed review. Idempotent: a
    case with an open review is left alone (and the database allows one). Audited as
    "reviews.review_scheduled" (no user: the sweep). Returns how many were made."""
    open_review = Review.objects.filter(case_id=OuterRef("case_id"), status__in=OPEN_STATUSES)
    last_completed = (
        Review.objects.filter(case_id=OuterRef("case_id"), status=ReviewStatus.COMPLETE)
        .values("case_id")
        .annotate(last=Max("completed_at"))
        .values("last")
    )
    plans = (
        SupportPlan.objects.filter(status=SupportPlanStatus.ACTIVE, case__status__in=CASE_OPEN_STATUSES)
        .exclude(Exists(open_review))
        .annotate(last_reviewed_at=Subquery(last_completed))
        .select_related("case")
        .order_by("pk")
    )
    made = 0
    last_pk = 0
    while True:
        batch = list(plans.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return made
        last_pk = batch[-1].pk
        made += _schedule(batch)


def _schedule(plans: Sequence[SupportPlan]) -> int:
    reviews = []
    # A direct payment's first review is due within 6 months of its first payment (one query a batch), and
    # each organisation's intervals are read once a batch.
    first_payments = dp_first_payment_dates(case_ids=[plan.case_id for plan in plans])
    intervals = review_intervals_for_many(organisation_ids={holding_organisation_id(p.case) for p in plans})
    for plan in plans:
        started = localdate(plan.activated_at) if plan.activated_at else plan.created_at.date()
        last = plan.last_reviewed_at  # type: ignore[attr-defined]  # annotated by the sweep's query
        due = review_due(
            plan_started_on=started,
            last_reviewed_on=localdate(last) if last else None,
            first_payment_on=first_payments.get(plan.case_id),
            changed_since_review=bool(last and plan.activated_at and plan.activated_at > last),
            intervals=intervals.get(holding_organisation_id(plan.case), DEFAULT),
        )
        reviews.append(
            Review(
                case=plan.case,
                plan=plan,
                plan_number=plan.number,
                kind=ReviewKind.PLANNED,
                reason=ReviewReason.PLANNED,
                due_on=due,
            )
        )
    with transaction.atomic():
        made = Review.objects.bulk_create(reviews, ignore_conflicts=True)
        # ignore_conflicts gives no ids back: read the ones made (a case's one open review).
        created = {
            r.case_id: r
            for r in Review.objects.filter(
                case_id__in=[r.case_id for r in made], status=ReviewStatus.DUE, kind=ReviewKind.PLANNED
            )
        }
        audit_record_many(
            [
                {
                    "user": None,
                    "verb": "reviews.review_scheduled",
                    "obj": review,
                    "case_id": review.case_id,
                    "person_id": plan.case.person_id,
                    "changes": {
                        "due_on": {"before": None, "after": review.due_on.isoformat()},
                        "plan_number": {"before": None, "after": plan.number},
                    },
                }
                for plan in plans
                if (review := created.get(plan.case_id)) is not None and review.plan_id == plan.pk
            ]
        )
    return len(created)


# --- Requested reviews ---


def review_request(
    *,
    user: User,
    case: Case,
    requested_by: str,
    reason: str,
    requester_name: str = "",
    details: str = "",
    priority: str = "normal",
    rag: str = "green",
    rag_reason: str = "",
) -> ReviewRequest:
    """A review asked for (by the person, a carer, a provider, at the duty desk). It joins the case's open
    review, or makes a requested one; it lands with the allocated worker (or team) as a task, or, when nobody
    is allocated, on the waiting list "waiting for a review" (its priority, rating, timescale and escalation).
    Audited as "reviews.review_requested". Raises PermissionRefused, ValidationFailed."""
    require_perm(user, "reviews.request_review_case", case, REFUSED_REQUEST)
    if requested_by not in RequestedBy.values:
        raise ValidationFailed("Choose who asked for the review", field="requested_by")
    if reason not in ReviewReason.values or reason == ReviewReason.PLANNED:
        raise ValidationFailed("Choose the reason for the review", field="reason")
    if priority not in Priority.values:
        raise ValidationFailed("Select the priority: urgent, normal or low", field="priority")
    if rag not in Rag.values:
        raise ValidationFailed("Select the risk rating: red, amber or green", field="rag")
    requester_name = _text(requester_name, "requester_name", length=NAME_LENGTH)
    if requested_by in (RequestedBy.CARER, RequestedBy.PROVIDER) and not requester_name:
        raise ValidationFailed("Enter the name of who asked for the review", field="requester_name")
    details = _text(details, "details")
    today = clock.today()
    worker, team = case_task_assignee(case=case)
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(case=case, status__in=OPEN_STATUSES).first()
        if review is None:
            plan = support_plan_data(case=case).active
            review = Review.objects.create(
                case=case,
                plan=plan,
                plan_number=plan.number if plan else None,
                kind=ReviewKind.REQUESTED,
                reason=reason,
                reason_detail=details,
                due_on=today + datetime.timedelta(days=REQUEST_DAYS),
                created_by=user,
                modified_by=user,
            )
        task = None
        entry = None
        if worker is not None or team is not None:
            task = task_create(
                user=user,
                title=f"Review requested for {case.subject_name}",
                due_date=min(review.due_on, today + datetime.timedelta(days=REQUEST_DAYS)),
                assigned_to_user=worker,
                assigned_to_team=team,
                case=case,
                kind=TaskKind.REVIEW_REQUEST,
                details=details[:2000],
                source=f"review:{review.pk}",
            )
        else:
            entry = WaitingListEntry.objects.filter(
                case=case, list_kind=ListKind.REVIEW, exited_on__isnull=True
            ).first() or waiting_list_add(
                user=user,
                case=case,
                list_kind=ListKind.REVIEW,
                priority=priority,
                rag=rag,
                rag_reason=rag_reason or f"Review requested: {ReviewReason(reason).label}",
            )
            if review.status == ReviewStatus.DUE and entry.due_on != review.due_on:
                # The list's timescale says when it is due (and when it escalates).
                Review.objects.filter(pk=review.pk).update(due_on=entry.due_on)
                review.due_on = entry.due_on
        request = ReviewRequest.objects.create(
            case=case,
            requested_by=requested_by,
            requester_name=requester_name,
            reason=reason,
            details=details,
            received_on=today,
            review=review,
            task=task,
            waiting_entry=entry,
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="reviews.review_requested",
            obj=request,
            case_id=case.pk,
            person_id=case.person_id,
            changes={
                "requested_by": {"before": None, "after": requested_by},
                "reason": {"before": None, "after": reason},
                "review": {"before": None, "after": review.pk},
                "lands_with": {
                    "before": None,
                    "after": "task" if task is not None else "waiting_list",
                },
            },
            reason=details,
        )
    return request


# --- The review ---


def _require_record(user: User, review: Review) -> Case:
    case = review.case
    require_perm(user, "reviews.record_review_case", case, REFUSED_RECORD)
    return case


def review_start(*, user: User, review: Review, version: int) -> Review:
    """Start a due review: the reviewer is the user. The advocacy gate applies (Care Act s67): an advocate
    in place, or not needed, before the review starts. The case leaves the waiting list "waiting for a
    review". Audited as "reviews.review_started". Raises PermissionRefused, DomainError, ConflictError."""
    case = _require_record(user, review)
    if review.status != ReviewStatus.DUE:
        raise DomainError("Only a review that is due can be started.")
    problem = advocacy_problem(case=case, activity="review")
    if problem:
        raise DomainError(problem)
    with transaction.atomic():
        audited_write_if_version(
            user=user,
            obj=review,
            version=version,
            fields={"status": ReviewStatus.IN_PROGRESS, "reviewer": user, "started_at": clock.now()},
            stale_message=STALE,
            verb="reviews.review_started",
            case_id=case.pk,
            person_id=case.person_id,
            changes={"status": {"before": ReviewStatus.DUE, "after": ReviewStatus.IN_PROGRESS}},
        )
        waiting_list_exit_for_case(
            user=user, case=case, reason=ExitReason.REVIEWED, list_kinds=(ListKind.REVIEW,)
        )
    return review


def _outcomes(outcomes: Sequence[OutcomeIn], *, finished: bool) -> list[dict[str, str]]:
    if len(outcomes) > MAX_OUTCOMES:
        raise ValidationFailed(f"A review has at most {MAX_OUTCOMES} outcomes", field="outcomes")
    rows = []
    for index, outcome in enumerate(outcomes):
        where = f"outcomes.{index}"
        if not outcome.outcome.strip() or len(outcome.outcome) > NAME_LENGTH * 5:
            raise ValidationFailed("Enter the outcome in at most 1000 characters", field=f"{where}.outcome")
        if outcome.met not in OutcomeMet.values and (finished or outcome.met):
            raise ValidationFailed(
                "Say whether the outcome is met, partly met or not met", field=f"{where}.met"
            )
        rows.append(
            {
                "outcome": outcome.outcome.strip(),
                "met": outcome.met,
                "person_words": _text(outcome.person_words, f"{where}.person_words"),
                "worker_words": _text(outcome.worker_words, f"{where}.worker_words"),
            }
        )
    if finished and not rows:
        raise ValidationFailed("Say whether each outcome of the plan is being met", field="outcomes")
    return rows


def review_record(
    *,
    user: User,
    review: Review,
    version: int,
    outcomes: Sequence[OutcomeIn] = (),
    involved: str = "",
    working: str = "",
    not_working: str = "",
    changes_in_need: str = "",
    safeguarding: str = "",
    provider_helped: bool = False,
    provider_name: str = "",
    decision: str = "",
    decision_reason: str = "",
    finished: bool = False,
) -> Review:
    """Record what the review found (saved as often as needed); `finished` with the decision sends it for
    sign-off. Audited as "reviews.review_recorded" (what changed). Raises PermissionRefused,
    ValidationFailed, DomainError (not in progress), ConflictError."""
    case = _require_record(user, review)
    if review.status != ReviewStatus.IN_PROGRESS:
        raise DomainError("Only a review in progress is recorded: start it first.")
    if decision and decision not in ReviewDecision.values:
        raise ValidationFailed("Choose the decision", field="decision")
    if finished and not decision:
        raise ValidationFailed("Choose the decision before sending the review for sign-off", field="decision")
    provider_name = _text(provider_name, "provider_name", length=NAME_LENGTH)
    if provider_helped and not provider_name:
        raise ValidationFailed("Enter the provider who helped with the review", field="provider_name")
    fields: dict[str, Any] = {
        "outcomes": _outcomes(outcomes, finished=finished),
        "involved": _text(involved, "involved"),
        "working": _text(working, "working"),
        "not_working": _text(not_working, "not_working"),
        "changes_in_need": _text(changes_in_need, "changes_in_need"),
        "safeguarding": _text(safeguarding, "safeguarding"),
        "provider_helped": provider_helped,
        "provider_name": provider_name if provider_helped else "",
        "decision": decision,
        "decision_reason": _text(decision_reason, "decision_reason"),
    }
    if finished:
        fields["status"] = ReviewStatus.AWAITING_SIGN_OFF
    audited_write_if_version(
        user=user,
        obj=review,
        version=version,
        fields=fields,
        stale_message=STALE,
        verb="reviews.review_recorded",
        case_id=case.pk,
        person_id=case.person_id,
        changed_only=True,
    )
    return review


def _awaiting(review: Review) -> None:
    if review.status != ReviewStatus.AWAITING_SIGN_OFF:
        raise DomainError("Only a review awaiting sign-off is signed off: record the decision first.")


def review_sign_authority(*, user: User, review: Review, version: int) -> Review:
    """The authority's sign-off, by a team manager or case manager of the organisation holding the case;
    never the user who recorded the person's. Audited as "reviews.review_signed_by_authority"; completes the
    review when the person's is recorded. Raises PermissionRefused, DomainError, ConflictError."""
    case = review.case
    require_perm(user, "reviews.sign_off_review_case", case, REFUSED_SIGN)
    _awaiting(review)
    if review.authority_signed_at is not None:
        raise DomainError("The authority has signed this review off already.")
    if review.person_signed_recorded_by_id == user.pk:
        raise DomainError(SAME_SIGNER)
    with transaction.atomic():
        audited_write_if_version(
            user=user,
            obj=review,
            version=version,
            fields={"authority_signed_by": user, "authority_signed_at": clock.now()},
            stale_message=STALE,
            verb="reviews.review_signed_by_authority",
            case_id=case.pk,
            person_id=case.person_id,
            changes={"authority_signed_by": {"before": None, "after": user.pk}},
        )
        _complete_if_signed(user, review)
    return review


def review_sign_person(
    *, user: User, review: Review, version: int, signer: str, name: str = "", reason: str = ""
) -> Review:
    """Record the person's sign-off (`signer` "person" or "representative", with the name), or that they could
    not sign ("not_signed", with the reason); never by the user who signed for the authority. Audited as
    "reviews.review_signed_by_person"; completes the review when the authority's is recorded. Raises
    PermissionRefused, ValidationFailed, DomainError, ConflictError."""
    case = _require_record(user, review)
    _awaiting(review)
    if review.person_signed_at is not None:
        raise DomainError("The person's sign-off is recorded already for this review.")
    if review.authority_signed_by_id == user.pk:
        raise DomainError(SAME_SIGNER)
    if signer not in PersonSigner.values:
        raise ValidationFailed("Choose who signed, or that nobody could", field="signer")
    name = _text(name, "name", length=NAME_LENGTH)
    reason = _text(reason, "reason", length=4000)
    if signer == PersonSigner.NOT_SIGNED and not reason:
        raise ValidationFailed("Give the reason the review was not signed", field="reason")
    if signer != PersonSigner.NOT_SIGNED and not name:
        raise ValidationFailed("Enter the name of who signed", field="name")
    with transaction.atomic():
        audited_write_if_version(
            user=user,
            obj=review,
            version=version,
            fields={
                "person_signer": signer,
                "person_signer_name": name if signer != PersonSigner.NOT_SIGNED else "",
                "person_not_signed_reason": reason if signer == PersonSigner.NOT_SIGNED else "",
                "person_signed_at": clock.now(),
                "person_signed_recorded_by": user,
            },
            stale_message=STALE,
            verb="reviews.review_signed_by_person",
            case_id=case.pk,
            person_id=case.person_id,
            changes={"person_signer": {"before": None, "after": signer}},
            reason=reason,
        )
        _complete_if_signed(user, review)
    return review


def _complete_if_signed(user: User, review: Review) -> None:
    """Both signed: the review is complete; a decision to revise the plan makes its next version."""
    if review.authority_signed_at is None or review.person_signed_at is None:
        return
    case = review.case
    fields: dict[str, Any] = {"status": ReviewStatus.COMPLETE, "completed_at": clock.now()}
    if review.decision == ReviewDecision.REVISE_PLAN:
        fields["revised_plan"] = _revise_plan(_reviser(user, review), case)
    audited_write_if_version(
        user=user,
        obj=review,
        version=review.version,
        fields=fields,
        stale_message=STALE,
        verb="reviews.review_completed",
        case_id=case.pk,
        person_id=case.person_id,
        changes=to_json_safe(
            {
                "status": {"before": ReviewStatus.AWAITING_SIGN_OFF, "after": ReviewStatus.COMPLETE},
                "decision": {"before": None, "after": review.decision},
                "revised_plan": {
                    "before": None,
                    "after": fields["revised_plan"].number if "revised_plan" in fields else None,
                },
            }
        ),
    )


def _reviser(user: User, review: Review) -> User:
    """Who makes the revised plan's draft: the user completing the review when they may write the case's plan
    (a team manager, the worker), else the reviewer whose decision it was (a case manager signing last for the
    authority does not write plans). Raises DomainError when neither may."""
    case = review.case
    for candidate in (user, review.reviewer):
        if candidate is not None and has_perm(candidate, "plans.record_support_plan_case", case):
            return candidate
    raise DomainError(
        "The review decided to revise the plan, but neither you nor the reviewer may write the case's "
        "support plan: ask the case's worker or team manager to complete the sign-off."
    )


def _revise_plan(user: User, case: Case) -> SupportPlan:
    """The plan's next version, a draft copied from the active one (its services continued), for the worker to
    change and sign, the person to sign, and a manager whose approval limit covers its annual cost to activate
    (plans' support_plan_activate): the active version stays active until then."""
    found = support_plan_data(case=case)
    base = found.active or found.draft
    if base is None:
        raise DomainError("The case has no support plan to revise: record one first.")
    return support_plan_save(
        user=user,
        case=case,
        based_on=found.latest_number,
        outcomes=base.outcomes,
        needs=base.needs,
        budget_management=base.budget_management,
        informal_support=base.informal_support,
        community_assets=base.community_assets,
        contingency=base.contingency,
        services=[
            ServiceIn(
                service_type=s.service_type,
                frequency=s.frequency,
                units=s.units,
                unit_cost=s.unit_cost,
                starts_on=s.starts_on,
                ends_on=s.ends_on,
                provider_service_id=str(s.provider_service_id) if s.provider_service_id else None,
                provider_organisation_id=s.provider_organisation_id,
                reference=s.reference,
            )
            for s in base.services.all()
        ],
    )


def reviews_dispose(*, case_id: int) -> int:
    """Delete a case's review requests and reviews, whose records are being disposed of (retention), before
    the support plans they reviewed (plans_dispose).
    Only retention calls it, having checked the permission, the appraisal and holds, and it audits the
    disposal. Returns rows deleted, in a constant number of queries."""
    deleted = ReviewRequest.objects.filter(case_id=case_id).delete()[0]
    return deleted + Review.objects.filter(case_id=case_id).delete()[0]
