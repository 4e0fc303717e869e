# mypy: disable-error-code="valid-type"
# (the contract's code lists are built by core.api.one_of, a call in an annotation that pydantic reads at run
# time and mypy cannot.)
"""Consent and lawful-basis records in the API: list and record on a case, read one, withdraw.

The same selectors and services as the pages: 404 for a case or record the user may not open, 403 for an
action not allowed, 409 for a stale version or a record already withdrawn, 422 naming each field at fault.
"""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from casework.cases.selectors import case_get_for_user
from casework.consent import selectors, services
from casework.consent.choices import BasisKind, DataCategory, GivenBy, LawfulBasis
from casework.core import limits
from casework.core.api import (
    EventDate,
    Id,
    InputSchema,
    Name,
    Note,
    PlannedDate,
    SaidName,
    SaidNote,
    Version,
    etag,
    expected_version,
    one_of,
)

router = Router(tags=["consent"])


class ConsentOut(Schema):
    id: int
    version: int
    case_id: int
    person_id: int | None
    kind: str = Field(description="consent or lawful_basis")
    given_by: str = Field(description="person or representative (consent only)")
    representative_name: str
    representative_authority: str
    lawful_basis: str = Field(description="UK GDPR Article 6(1) basis (lawful basis only)")
    decided_by_name: str
    decided_by_role: str
    decision_reason: str
    purpose: str
    organisation_ids: list[int]
    data_categories: list[str]
    given_on: datetime.date
    expires_on: datetime.date | None
    withdrawn_on: datetime.date | None
    withdrawn_by_name: str
    withdrawal_reason: str
    state: str = Field(description="Today: live, not_yet, expired or withdrawn")
    created_at: datetime.datetime
    created_by_id: int | None


def _out(record) -> dict:
    fields = (
        "id",
        "version",
        "case_id",
        "person_id",
        "kind",
        "given_by",
        "representative_name",
        "representative_authority",
        "lawful_basis",
        "decided_by_name",
        "decided_by_role",
        "decision_reason",
        "purpose",
        "data_categories",
        "given_on",
        "expires_on",
        "withdrawn_on",
        "withdrawn_by_name",
        "withdrawal_reason",
        "created_at",
        "created_by_id",
    )
    return {
        **{name: getattr(record, name) for name in fields},
        "organisation_ids": sorted(org.pk for org in record.organisations.all()),
        "state": selectors.consent_state(record=record)["state"],
    }


class ConsentIn(InputSchema):
    kind: one_of(BasisKind) = Field(description="consent or lawful_basis")
    given_by: one_of(GivenBy, blank=True) = Field("", description="For consent: person or representative")
    representative_name: Name = ""
    representative_authority: str = Field(
        "", max_length=300, description="Their relationship to the person and authority"
    )
    lawful_basis: one_of(LawfulBasis, blank=True) = Field(
        "",
        description="For a lawful basis: legal_obligation, vital_interests, public_task "
        "or legitimate_interests",
    )
    decided_by_name: Name = ""
    decided_by_role: Name = ""
    decision_reason: Note = ""
    purpose: SaidNote
    # At least one of each: the contract says so; the service says so with the other fields at fault.
    organisation_ids: list[Id] = Field(max_length=limits.MAX_ITEMS, json_schema_extra={"minItems": 1})
    data_categories: list[one_of(DataCategory)] = Field(
        max_length=limits.MAX_CHOSEN,
        json_schema_extra={"minItems": 1},
        description="contact_details, needs, assessment_summary",
    )
    given_on: EventDate
    expires_on: PlannedDate | None = None


class WithdrawIn(InputSchema):
    version: Version | None = Field(None, description="The version you read; or send If-Match")
    withdrawn_on: EventDate
    withdrawn_by_name: SaidName
    reason: Note = ""


@router.get(
    "/cases/{case_id}", response=list[ConsentOut], summary="The consent and lawful-basis records of a case"
)
def case_consents(request, case_id: Id):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="read_by_api")
    return [_out(r) for r in selectors.consent_list_for_case(user=request.user, case=case)[:200]]


@router.post(
    "/cases/{case_id}",
    response={201: ConsentOut},
    summary="Record consent (the person's or a representative's) or a lawful basis without consent",
)
def consent_record(request, case_id: Id, payload: ConsentIn):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_consent")
    record = services.consent_record(user=request.user, case=case, **payload.dict())
    return Status(
        201,
        _out(selectors.consent_get_for_user(user=request.user, record_id=record.pk, purpose="read_by_api")),
    )


@router.get("/{record_id}", response=ConsentOut, summary="One consent or lawful-basis record")
def consent_detail(request, record_id: Id, response: HttpResponse):
    record = selectors.consent_get_for_user(user=request.user, record_id=record_id, purpose="read_by_api")
    response["ETag"] = etag(record.version)
    return _out(record)


@router.post(
    "/{record_id}/withdraw",
    response=ConsentOut,
    summary="Record a withdrawal: sharing under it stops at once",
)
def consent_withdraw(request, record_id: Id, payload: WithdrawIn, response: HttpResponse):
    record = selectors.consent_get_for_user(
        user=request.user, record_id=record_id, purpose="opened_for_change"
    )
    services.consent_withdraw(
        user=request.user,
        record=record,
        version=expected_version(request, payload.version),
        withdrawn_on=payload.withdrawn_on,
        withdrawn_by_name=payload.withdrawn_by_name,
        reason=payload.reason,
    )
    response["ETag"] = etag(record.version)
    return _out(record)
