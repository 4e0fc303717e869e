"""Reviews in the API (/api/v1/reviews): the reviews worklist (due, overdue, in progress, awaiting sign-off),
a case's reviews, request, start, record, and the two sign-offs. The same selectors, services and permissions
as the pages: 404 for a case you may not open, 403 for what you may not do, 409 for a stale record or a step
out of turn, 422 naming the field."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from casework.cases.choices import Priority
from casework.cases.selectors import case_get_for_user
from casework.core.api import (
    Code,
    Id,
    InputSchema,
    Name,
    Note,
    Page,
    PageParams,
    Text,
    Version,
    etag,
    expected_version,
    one_of,
)
from casework.core.errors import PermissionRefused
from casework.core.permissions import has_perm
from casework.core.querysets import Pager
from casework.reviews import selectors, services
from casework.reviews.choices import (
    OutcomeMet,
    PersonSigner,
    RequestedBy,
    ReviewDecision,
    ReviewReason,
)
from casework.reviews.models import Review
from casework.waiting_list.choices import Rag

router = Router(tags=["reviews"])


class ReviewOutcomeOut(Schema):
    outcome: str
    met: str = Field(description="met, partly or not_met; blank while not yet said")
    person_words: str
    worker_words: str


class ReviewOut(Schema):
    id: int
    version: int
    case_id: int
    plan_number: int | None
    kind: str
    reason: str = Field(description="CLD Review_Reason: planned, or an unplanned sub-reason")
    due_on: datetime.date
    status: str
    reviewer_id: int | None
    involved: str
    outcomes: list[ReviewOutcomeOut]
    working: str
    not_working: str
    changes_in_need: str
    safeguarding: str
    provider_helped: bool
    provider_name: str
    decision: str
    decision_reason: str
    revised_plan_id: int | None
    authority_signed_by_id: int | None
    authority_signed_at: datetime.datetime | None
    person_signer: str
    person_signer_name: str
    person_not_signed_reason: str
    person_signed_at: datetime.datetime | None
    completed_at: datetime.datetime | None


class ReviewRequestOut(Schema):
    id: int
    case_id: int
    review: ReviewOut
    requested_by: str
    requester_name: str
    reason: str
    received_on: datetime.date
    task_id: int | None = Field(description="The task for the allocated worker or team, if any")
    waiting_entry_id: int | None = Field(description="The entry on the list waiting for a review, if any")


class ReviewWorklistFilters(InputSchema):
    bucket: Code = Field("", description="due, overdue, in_progress, awaiting_sign_off or empty (all open)")
    kind: Code = Field("", description="planned, requested, unplanned or empty")
    team_id: Id | None = None


class ReviewRequestIn(InputSchema):
    requested_by: one_of(RequestedBy)  # type: ignore[valid-type]
    requester_name: Name = Field("", description="Needed for a carer or a provider")
    reason: one_of([r for r in ReviewReason.values if r != ReviewReason.PLANNED])  # type: ignore[valid-type]
    details: Text = ""
    priority: one_of(Priority) = Priority.NORMAL.value  # type: ignore[valid-type]
    rag: one_of(Rag) = Rag.GREEN.value  # type: ignore[valid-type]
    rag_reason: Note = ""


class ReviewVersionIn(InputSchema):
    version: Version


class ReviewOutcomeIn(InputSchema):
    outcome: str = Field(min_length=1, max_length=1000)
    met: one_of(OutcomeMet, blank=True) = ""  # type: ignore[valid-type]
    person_words: Text = ""
    worker_words: Text = ""


class ReviewRecordIn(InputSchema):
    version: Version
    outcomes: list[ReviewOutcomeIn] = Field(default_factory=list, max_length=services.MAX_OUTCOMES)
    involved: Text = ""
    working: Text = ""
    not_working: Text = ""
    changes_in_need: Text = ""
    safeguarding: Text = ""
    provider_helped: bool = False
    provider_name: Name = ""
    decision: one_of(ReviewDecision, blank=True) = ""  # type: ignore[valid-type]
    decision_reason: Text = ""
    finished: bool = Field(False, description="Send for sign-off (needs the decision)")


class ReviewPersonSignIn(InputSchema):
    version: Version
    signer: one_of(PersonSigner)  # type: ignore[valid-type]
    name: Name = ""
    reason: Note = ""


def _case(request, case_id: int, purpose: str = "read_by_api"):
    return case_get_for_user(user=request.user, case_id=case_id, purpose=purpose)


def _review(request, case_id: int, review_id: int) -> Review:
    case = _case(request, case_id, "opened_for_change")
    return selectors.review_get_for_user(
        user=request.user, case=case, review_id=review_id, purpose="opened_for_change"
    )


@router.get("", response=Page[ReviewOut], summary="Your teams' open reviews, soonest due first")
def review_worklist(request, filters: Query[ReviewWorklistFilters], page: Query[PageParams]):
    if not has_perm(request.user, "reviews.view_reviews_worklist"):
        raise PermissionRefused(selectors.REFUSED_WORKLIST)
    shown = selectors.review_worklist_for_user(
        user=request.user,
        filters=selectors.WorklistFilters(bucket=filters.bucket, kind=filters.kind, team_id=filters.team_id),
        pager=Pager.of_params(page),
    )
    return {"items": shown.rows, **shown.meta()}


@router.get("/cases/{case_id}", response=list[ReviewOut], summary="The case's reviews, newest first")
def case_reviews(request, case_id: Id):
    return selectors.case_reviews_get_for_user(user=request.user, case=_case(request, case_id))


@router.post(
    "/cases/{case_id}/requests",
    response={201: ReviewRequestOut},
    summary="Request a review: a task for the allocated worker, or the list waiting for a review",
)
def review_request(request, case_id: Id, payload: ReviewRequestIn):
    made = services.review_request(
        user=request.user, case=_case(request, case_id, "opened_for_change"), **payload.model_dump()
    )
    return Status(201, made)


@router.post(
    "/cases/{case_id}/{review_id}/start",
    response=ReviewOut,
    summary="Start a due review (the advocacy gate applies)",
)
def review_start(request, case_id: Id, review_id: Id, payload: ReviewVersionIn):
    return services.review_start(
        user=request.user, review=_review(request, case_id, review_id), **payload.model_dump()
    )


@router.post(
    "/cases/{case_id}/{review_id}/record", response=ReviewOut, summary="Record what the review found"
)
def review_record(request, case_id: Id, review_id: Id, payload: ReviewRecordIn):
    data = payload.model_dump()
    outcomes = [services.OutcomeIn(**row) for row in data.pop("outcomes")]
    return services.review_record(
        user=request.user, review=_review(request, case_id, review_id), outcomes=outcomes, **data
    )


@router.post(
    "/cases/{case_id}/{review_id}/sign-authority",
    response=ReviewOut,
    summary="Sign the review off for the authority (a team manager or case manager)",
)
def review_sign_authority(request, case_id: Id, review_id: Id, payload: ReviewVersionIn):
    return services.review_sign_authority(
        user=request.user, review=_review(request, case_id, review_id), **payload.model_dump()
    )


@router.post(
    "/cases/{case_id}/{review_id}/sign-person",
    response=ReviewOut,
    summary="Record the person's sign-off, or the reason they could not sign",
)
def review_sign_person(request, case_id: Id, review_id: Id, payload: ReviewPersonSignIn):
    return services.review_sign_person(
        user=request.user, review=_review(request, case_id, review_id), **payload.model_dump()
    )


# --- The organisation's review intervals ---


class ReviewSettingsOut(Schema):
    organisation_id: int
    version: int
    first_weeks: int = Field(description="The first review, weeks after a plan starts or changes (6 to 8)")
    every_months: int = Field(description="Then every so many months (1 to 12)")
    direct_payment_first_months: int = Field(
        description="A direct payment's first review, months after its first payment (1 to 6)"
    )
    is_default: bool = Field(description="True while the organisation has not set its own")


# Bounded for the contract; the service says the guidance's limits, naming each field.
Interval = Annotated[int, Field(ge=0, le=999)]


class ReviewSettingsIn(InputSchema):
    version: Version | None = Field(None, description="The version read (or If-Match)")
    first_weeks: Interval = Field(description="6 to 8")
    every_months: Interval = Field(description="1 to 12")
    direct_payment_first_months: Interval = Field(description="1 to 6")


def _settings_out(row) -> dict:
    return {
        "organisation_id": row.organisation_id,
        "version": row.version,
        "first_weeks": row.first_weeks,
        "every_months": row.every_months,
        "direct_payment_first_months": row.direct_payment_first_months,
        "is_default": row.pk is None,
    }


@router.get(
    "/settings", response=ReviewSettingsOut, summary="Your organisation's review intervals (its admins only)"
)
def review_settings(request, response: HttpResponse):
    organisation_id = selectors.review_settings_organisation_for_user(user=request.user)
    row = selectors.review_settings_for(organisation_id=organisation_id)
    response["ETag"] = etag(row.version)
    return _settings_out(row)


@router.put(
    "/settings",
    response=ReviewSettingsOut,
    summary="Set your organisation's review intervals: 409 if another admin saved them since, 422 per field",
)
def review_settings_set(request, payload: ReviewSettingsIn):
    organisation_id = selectors.review_settings_organisation_for_user(user=request.user)
    row = services.review_settings_set(
        user=request.user,
        organisation_id=organisation_id,
        version=expected_version(request, payload.version),
        first_weeks=payload.first_weeks,
        every_months=payload.every_months,
        direct_payment_first_months=payload.direct_payment_first_months,
    )
    return _settings_out(row)
