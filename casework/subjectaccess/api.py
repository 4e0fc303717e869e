"""Subject access in the API: the requests an auditor handles, each step of the workflow as an action, the
bundle's redactions, its release and its download (JSON or PDF). The same services and rules as the pages."""

from __future__ import annotations

import datetime
import json
from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from casework.core.api import (
    EventDate,
    Id,
    InputSchema,
    Page,
    PageParams,
    SaidName,
    SaidNote,
    Version,
    one_of,
)
from casework.core.querysets import Pager
from casework.subjectaccess import selectors, services
from casework.subjectaccess.bundle import bundle_pdf, bundle_redacted
from casework.subjectaccess.choices import RedactionReason

router = Router(tags=["subject access"])


class SarPauseOut(Schema):
    asked_on: datetime.date
    question: str
    answered_on: datetime.date | None = Field(description="Empty while clarification is awaited")


class SarRedactionOut(Schema):
    id: int
    section: str = Field(description="app/section of the bundle, for example cases/cases")
    record_id: str
    field: str = Field(description="Empty: the whole record is withheld")
    reason: str
    explanation: str


class SubjectAccessRequestOut(Schema):
    id: int
    person_id: int
    organisation_id: int
    requester_name: str
    requested: str
    status: str = Field(
        description="received, identity_verified, clarification_asked, extended, bundle_prepared or released"
    )
    received_on: datetime.date
    identity_verified_on: datetime.date | None
    extension_months: int = Field(ge=0, le=2)
    extension_letter_sent_on: datetime.date | None
    due_on: datetime.date | None = Field(description="Empty while the clock is stopped")
    bundle_prepared_at: datetime.datetime | None
    released_at: datetime.datetime | None
    version: int
    pauses: list[SarPauseOut]
    redactions: list[SarRedactionOut]

    @staticmethod
    def resolve_pauses(sar) -> list:
        return list(sar.pauses.all())

    @staticmethod
    def resolve_redactions(sar) -> list:
        return list(sar.redactions.all())


class SarListItemOut(Schema):
    id: int
    person_id: int
    organisation_id: int
    status: str
    received_on: datetime.date
    due_on: datetime.date | None


class SarReceiveIn(InputSchema):
    person_id: Id
    organisation_id: Id
    requester_name: SaidName
    requested: SaidNote
    received_on: EventDate


class SarVerifyIdentityIn(InputSchema):
    version: Version
    verified_on: EventDate
    evidence: SaidName


class SarAskClarificationIn(InputSchema):
    version: Version
    asked_on: EventDate
    question: SaidNote


class SarReceiveClarificationIn(InputSchema):
    version: Version
    answered_on: EventDate


class SarExtendIn(InputSchema):
    version: Version
    months: int = Field(ge=1, le=2, description="One or two months")
    reason: SaidNote
    letter_sent_on: EventDate


class SarVersionIn(InputSchema):
    version: Version


class SarRedactIn(InputSchema):
    section: str = Field(max_length=64, pattern=r"^[a-z_]+/[a-z_]+$")
    record_id: str = Field(max_length=64, pattern=r"^[0-9A-Za-z_-]+$")
    field: str = Field("", max_length=64, pattern=r"^[a-z_]*$")
    reason: one_of(RedactionReason)  # type: ignore[valid-type]
    explanation: SaidNote


def _get(request, sar_id: int):
    return selectors.request_get_for_user(user=request.user, request_id=sar_id)


@router.get(
    "", response=Page[SarListItemOut], summary="The subject access requests you handle, soonest due first"
)
def sar_list(request, page: Query[PageParams]):
    shown = selectors.request_list_for_user(user=request.user, pager=Pager.of_params(page))
    return {"items": shown.rows, **shown.meta()}


@router.post("", response={201: SubjectAccessRequestOut}, summary="Record a subject access request received")
def sar_receive(request, payload: SarReceiveIn):
    person = selectors.person_get_for_request(user=request.user, person_id=payload.person_id)
    sar = services.request_receive(
        user=request.user,
        person=person,
        organisation_id=payload.organisation_id,
        requester_name=payload.requester_name,
        requested=payload.requested,
        received_on=payload.received_on,
    )
    return Status(201, _get(request, sar.pk))


@router.get("/{sar_id}", response=SubjectAccessRequestOut, summary="A subject access request")
def sar_detail(request, sar_id: Id):
    return _get(request, sar_id)


@router.post(
    "/{sar_id}/verify-identity", response=SubjectAccessRequestOut, summary="Record identity as verified"
)
def sar_verify_identity(request, sar_id: Id, payload: SarVerifyIdentityIn):
    services.request_verify_identity(
        user=request.user, request=_get(request, sar_id), version=payload.version,
        verified_on=payload.verified_on, evidence=payload.evidence,
    )  # fmt: skip
    return _get(request, sar_id)


@router.post(
    "/{sar_id}/ask-clarification",
    response=SubjectAccessRequestOut,
    summary="Ask for clarification: stops the clock",
)
def sar_ask_clarification(request, sar_id: Id, payload: SarAskClarificationIn):
    services.request_ask_clarification(
        user=request.user, request=_get(request, sar_id), version=payload.version,
        asked_on=payload.asked_on, question=payload.question,
    )  # fmt: skip
    return _get(request, sar_id)


@router.post(
    "/{sar_id}/receive-clarification",
    response=SubjectAccessRequestOut,
    summary="The clarification arrived: restarts the clock",
)
def sar_receive_clarification(request, sar_id: Id, payload: SarReceiveClarificationIn):
    services.request_receive_clarification(
        user=request.user,
        request=_get(request, sar_id),
        version=payload.version,
        answered_on=payload.answered_on,
    )
    return _get(request, sar_id)


@router.post(
    "/{sar_id}/extend",
    response=SubjectAccessRequestOut,
    summary="Extend by up to two months (the letter to the requester within the first month)",
)
def sar_extend(request, sar_id: Id, payload: SarExtendIn):
    services.request_extend(
        user=request.user, request=_get(request, sar_id), version=payload.version, months=payload.months,
        reason=payload.reason, letter_sent_on=payload.letter_sent_on,
    )  # fmt: skip
    return _get(request, sar_id)


@router.post(
    "/{sar_id}/prepare-bundle",
    response=SubjectAccessRequestOut,
    summary="Export everything held about the person, across every organisation, into the bundle",
)
def sar_prepare_bundle(request, sar_id: Id, payload: SarVersionIn):
    services.request_prepare_bundle(user=request.user, request=_get(request, sar_id), version=payload.version)
    return _get(request, sar_id)


@router.post(
    "/{sar_id}/redactions",
    response={201: SubjectAccessRequestOut},
    summary="Mark a record of the bundle (or one field of it) to be withheld, with the reason",
)
def sar_redact(request, sar_id: Id, payload: SarRedactIn):
    services.request_redact(
        user=request.user, request=_get(request, sar_id), section=payload.section,
        record_id=payload.record_id, field=payload.field, reason=payload.reason,
        explanation=payload.explanation,
    )  # fmt: skip
    return Status(201, _get(request, sar_id))


@router.post(
    "/{sar_id}/release", response=SubjectAccessRequestOut, summary="Release the bundle to the requester"
)
def sar_release(request, sar_id: Id, payload: SarVersionIn):
    services.request_release(user=request.user, request=_get(request, sar_id), version=payload.version)
    return _get(request, sar_id)


@router.get(
    "/{sar_id}/bundle",
    response={200: None},
    summary="The bundle with its redactions applied: JSON, or a readable PDF with ?format=pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "The bundle",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def sar_bundle(request, sar_id: Id, format: Literal["json", "pdf"] = "json"):  # noqa: A002
    sar = _get(request, sar_id)
    selectors.bundle_downloaded(user=request.user, request=sar, fmt=format)
    if format == "pdf":
        response = HttpResponse(bundle_pdf(sar), content_type="application/pdf")
    else:
        response = HttpResponse(
            json.dumps(bundle_redacted(sar), sort_keys=True), content_type="application/json"
        )
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.{format}"'
    response["Cache-Control"] = "no-store"
    return response
