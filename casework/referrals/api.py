# mypy: disable-error-code="valid-type"
# (the contract's code lists are built by core.api.one_of, a call in an annotation that pydantic reads at run
# time and mypy cannot.)
"""Referrals in the API: make one from a case, the delivery organisation's worklist, one referral (minimised
exactly as its page is: sharing.referral_shared), and accept, decline, plan, action, need status and close.

The same selectors and services as the pages: 404 for a case or referral the user may not open, 403 for an
action not allowed on one they can, 409 for a stale version or a referral in the wrong state, 422 naming the
field (a referral refused for want of a live consent or lawful basis is a 422 on `basis`).
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from typing import Literal

from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from casework.accounts.models import Organisation
from casework.assessments.models import Need
from casework.cases.selectors import case_get_for_user
from casework.consent.selectors import consent_list_for_case
from casework.core import limits
from casework.core.api import (
    EventDate,
    Id,
    InputSchema,
    Note,
    PageParams,
    SaidNote,
    SaidText,
    Version,
    etag,
    expected_version,
    one_of,
)
from casework.core.errors import ValidationFailed
from casework.core.querysets import Pager
from casework.referrals import selectors, services
from casework.referrals.choices import DELIVERY_NEED_STATUSES
from casework.referrals.sharing import referral_shared

router = Router(tags=["referrals"])


class SubjectOut(Schema):
    name: str
    address_lines: list[str]
    phone: str
    email: str
    preferred_contact_method: str
    preferred_language: str
    interpreter_needed: bool
    communication_needs: str
    accessible_format: str


class ReferralNeedOut(Schema):
    id: int
    version: int
    code: str
    name: str
    status: str
    status_label: str
    note: str | None = Field(description="Only while the needs are shared")


class NeedUpdateOut(Schema):
    need: str
    status: str
    status_label: str
    note: str
    changed_at: datetime.datetime
    changed_by: str
    organisation: str


class ActionOut(Schema):
    occurred_on: datetime.date
    description: str
    recorded_by: str
    organisation: str


class AssessmentSummaryOut(Schema):
    situation: str
    response: str
    completed_on: datetime.date | None


class BasisOut(Schema):
    kind: str
    description: str
    purpose: str
    data_categories: list[str]
    given_on: datetime.date
    expires_on: datetime.date | None
    state: str
    ended_on: datetime.date | None


class ReferralOut(Schema):
    id: int
    reference: str
    version: int
    status: str
    status_label: str
    side: str = Field(description="delivery: the organisation it was sent to; responsible: the case's holder")
    delivery_organisation_id: int
    delivery_organisation: str
    referring_organisation_id: int
    referring_organisation: str
    referred_by: str
    sent_at: datetime.datetime
    service: dict | None
    basis: BasisOut
    shared: list[str] = Field(description="What the delivery organisation may read now")
    notice: str = Field(description="Why nothing more is shared, when nothing is")
    needs: list[ReferralNeedOut]
    subject: SubjectOut | None = None
    circumstances: str | None = None
    instructions: str | None = None
    assessment: AssessmentSummaryOut | None = None
    plan: str
    plan_recorded_at: datetime.datetime | None
    actions: list[ActionOut]
    need_updates: list[NeedUpdateOut]
    responded_at: datetime.datetime | None
    responded_by: str
    response_note: str
    closed_at: datetime.datetime | None
    closing_note: str
    case_id: int | None = None
    case_reference: str | None = None


class WorklistItemOut(Schema):
    id: int
    reference: str
    status: str
    status_label: str
    sent_at: datetime.datetime
    delivery_organisation: str
    referring_organisation: str
    needs: list[str]
    subject_name: str | None = Field(description="Only while contact details are shared")
    notice: str


class WorklistPage(Schema):
    items: list[WorklistItemOut]
    count: int | None
    page: int
    page_size: int
    has_next: bool


class WorklistParams(PageParams):
    status: Literal["open", "sent", "accepted", "declined", "closed", "all"] = "open"


def _out(referral) -> dict:
    return dataclasses.asdict(referral_shared(referral, side=referral.side))


def _done(referral, response: HttpResponse) -> dict:
    response["ETag"] = etag(referral.version)
    return _out(selectors.referral_refresh(referral=referral))


@router.get("", response=WorklistPage, summary="Referrals sent to your organisations, new first")
def worklist(request, params: Query[WorklistParams]):
    shown, items = selectors.referral_list_for_user(
        user=request.user, pager=Pager.of_params(params), status=params.status, purpose="read_by_api"
    )
    return {"items": [dataclasses.asdict(i) for i in items], **shown.meta()}


@router.get("/cases/{case_id}", response=list[ReferralOut], summary="The referrals made from a case")
def case_referrals(request, case_id: Id):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="read_by_api")
    return [
        dataclasses.asdict(referral_shared(r, side="responsible", summary=True))
        for r in selectors.referral_list_for_case(user=request.user, case=case).select_related("case")[:200]
    ]


class ReferralIn(InputSchema):
    delivery_organisation_id: Id
    need_ids: list[Id] = Field(max_length=limits.MAX_ITEMS)
    basis_id: Id | None = Field(
        None, description="The consent or lawful-basis record that covers the referral"
    )
    service_id: uuid.UUID | None = Field(None, description="A directory service the organisation runs")
    circumstances: Note = ""
    instructions: Note = ""


@router.post(
    "/cases/{case_id}",
    response={201: ReferralOut},
    summary="Refer needs of the case to a delivery organisation, under a live consent or lawful basis",
)
def referral_make(request, case_id: Id, payload: ReferralIn):
    user = request.user
    case = case_get_for_user(user=user, case_id=case_id, purpose="opened_for_referral")
    organisation = Organisation.objects.filter(pk=payload.delivery_organisation_id).first()
    needs = list(Need.objects.filter(case=case, pk__in=payload.need_ids).select_related("definition"))
    if len(needs) != len(set(payload.need_ids)):
        raise ValidationFailed("Select needs recorded on this case", field="need_ids")
    basis = None
    if payload.basis_id is not None:
        basis = consent_list_for_case(user=user, case=case).filter(pk=payload.basis_id).first()
        if basis is None:
            raise ValidationFailed("Select a consent or lawful basis recorded on this case", field="basis_id")
    referral = services.referral_make(
        user=user,
        case=case,
        delivery_organisation=organisation,
        needs=needs,
        basis=basis,
        circumstances=payload.circumstances,
        instructions=payload.instructions,
        service_id=payload.service_id,
    )
    return Status(
        201, _out(selectors.referral_get_for_user(user=user, referral_id=referral.pk, purpose="read_by_api"))
    )


def _referral(request, referral_id: int, purpose: str = "opened_for_change"):
    return selectors.referral_get_for_user(user=request.user, referral_id=referral_id, purpose=purpose)


@router.get(
    "/{referral_id}",
    response=ReferralOut,
    summary="A referral: the delivery organisation sees only what the basis covers now",
)
def referral_detail(request, referral_id: Id, response: HttpResponse):
    referral = _referral(request, referral_id, purpose="read_by_api")
    response["ETag"] = etag(referral.version)
    return _out(referral)


class VersionIn(InputSchema):
    version: Version | None = Field(None, description="The version you read; or send If-Match")


class AcceptIn(VersionIn):
    note: Note = ""


class DeclineIn(VersionIn):
    reason: SaidNote


class PlanIn(VersionIn):
    plan: SaidText


class ActionIn(InputSchema):
    occurred_on: EventDate
    description: SaidNote


class ReferralNeedStatusIn(InputSchema):
    version: Version | None = Field(None, description="The need's version you read; or send If-Match")
    status: one_of(DELIVERY_NEED_STATUSES)
    note: Note = ""


class ReferralCloseIn(VersionIn):
    note: SaidNote


@router.post("/{referral_id}/accept", response=ReferralOut, summary="Accept the referral")
def accept(request, referral_id: Id, payload: AcceptIn, response: HttpResponse):
    referral = _referral(request, referral_id)
    services.referral_accept(
        user=request.user,
        referral=referral,
        version=expected_version(request, payload.version),
        note=payload.note,
    )
    return _done(referral, response)


@router.post("/{referral_id}/decline", response=ReferralOut, summary="Decline the referral, saying why")
def decline(request, referral_id: Id, payload: DeclineIn, response: HttpResponse):
    referral = _referral(request, referral_id)
    services.referral_decline(
        user=request.user,
        referral=referral,
        version=expected_version(request, payload.version),
        reason=payload.reason,
    )
    return _done(referral, response)


@router.post("/{referral_id}/plan", response=ReferralOut, summary="Record or change the plan")
def plan(request, referral_id: Id, payload: PlanIn, response: HttpResponse):
    referral = _referral(request, referral_id)
    services.referral_plan_record(
        user=request.user,
        referral=referral,
        version=expected_version(request, payload.version),
        plan=payload.plan,
    )
    return _done(referral, response)


@router.post("/{referral_id}/actions", response={201: ReferralOut}, summary="Record an action taken")
def action(request, referral_id: Id, payload: ActionIn, response: HttpResponse):
    referral = _referral(request, referral_id)
    services.referral_action_record(
        user=request.user, referral=referral, occurred_on=payload.occurred_on, description=payload.description
    )
    return Status(201, _done(referral, response))


@router.post(
    "/{referral_id}/needs/{need_id}/status",
    response=ReferralOut,
    summary="Update the status of a need referred (planned, being_managed, resolved, no_longer_relevant, "
    "rejected)",
)
def need_status(request, referral_id: Id, need_id: Id, payload: ReferralNeedStatusIn, response: HttpResponse):
    referral = _referral(request, referral_id)
    need = next((n for n in referral.needs.all() if n.pk == need_id), None)
    if need is None:
        raise Http404("No such need on the referral")
    services.referral_need_status_update(
        user=request.user,
        referral=referral,
        need=need,
        version=expected_version(request, payload.version),
        status=payload.status,
        note=payload.note,
    )
    return _done(referral, response)


@router.post("/{referral_id}/close", response=ReferralOut, summary="Close the referral")
def close(request, referral_id: Id, payload: ReferralCloseIn, response: HttpResponse):
    referral = _referral(request, referral_id)
    services.referral_close(
        user=request.user,
        referral=referral,
        version=expected_version(request, payload.version),
        note=payload.note,
    )
    return _done(referral, response)
