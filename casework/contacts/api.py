"""Contacts in the API: list a case's contacts and scheduling log, record a contact."""

from __future__ import annotations

import datetime

from ninja import Router, Schema, Status
from pydantic import Field

from casework.cases.selectors import case_get_for_user
from casework.contacts import selectors, services
from casework.people.selectors import person_get_for_user

router = Router(tags=["contacts"])


class ContactOut(Schema):
    id: int
    case_id: int | None
    person_id: int | None
    organisation_id: int
    occurred_at: datetime.datetime
    direction: str
    method: str
    contact_role: str
    contact_name: str
    contact_details: str
    outcome: str
    summary: str
    is_scheduling_attempt: bool
    next_attempt_at: datetime.datetime | None
    advice_given: str
    signposted: list[dict]
    resolved_at_first_contact: bool
    financial_information_given: bool
    recorded_by_id: int | None = Field(None, alias="created_by_id")


class SchedulingLogOut(Schema):
    count: int
    reached: bool
    next_attempt_at: datetime.datetime | None
    attempts: list[ContactOut]


class ContactIn(Schema):
    case_id: int | None = None
    person_id: int | None = None
    occurred_at: datetime.datetime
    direction: str
    method: str
    contact_role: str
    outcome: str
    contact_name: str = Field("", max_length=200)
    contact_details: str = Field("", max_length=300)
    summary: str = ""
    is_scheduling_attempt: bool = False
    next_attempt_at: datetime.datetime | None = None
    advice_given: str = ""
    signposted: list[dict] = Field(default_factory=list, description="[{service_id, name, contact}]")
    resolved_at_first_contact: bool = False
    financial_information_given: bool = False


@router.get("/cases/{case_id}", response=list[ContactOut], summary="A case's contacts, newest first")
def case_contacts(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="contacts_read_by_api")
    return list(selectors.contacts_for_case(case=case)[:500])


@router.get("/cases/{case_id}/scheduling-log", response=SchedulingLogOut, summary="Attempts to arrange a visit")
def case_scheduling_log(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="contacts_read_by_api")
    log = selectors.scheduling_log(case=case)
    return {"count": log.count, "reached": log.reached, "next_attempt_at": log.next_attempt_at,
            "attempts": log.attempts}


@router.post("", response={201: ContactOut}, summary="Record a contact on a case or a person")
def record(request, payload: ContactIn):
    case = person = None
    if payload.case_id:
        case = case_get_for_user(user=request.user, case_id=payload.case_id, purpose="opened_for_change")
    if payload.person_id:
        person = person_get_for_user(user=request.user, person_id=payload.person_id, purpose="opened_for_change")
    data = payload.dict(exclude={"case_id", "person_id"})
    return Status(201, services.contact_record(user=request.user, case=case, person=person, **data))
