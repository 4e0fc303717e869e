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
    original_held_at: str
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
    signposted_service_ids: list[str] = Field(
        default_factory=list, description="Directory services signposted (ids from /api/v1/directory); each is "
        "kept as a snapshot of the service as it is now")
    signposted: list[dict] = Field(default_factory=list,
                                   description="Services outside the directory: [{name, contact}]")
    resolved_at_first_contact: bool = False
    financial_information_given: bool = False
    original_held_at: str = Field("", max_length=300, description="Required for a letter or email received")


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


class AbsenceIn(Schema):
    worker_id: int | None = Field(None, description="Yourself if not given")
    kind: str
    start_date: datetime.date
    end_date: datetime.date
    note: str = Field("", max_length=200)


class AbsenceOut(Schema):
    id: int
    user_id: int
    kind: str
    start_date: datetime.date
    end_date: datetime.date
    note: str


class MessageIn(Schema):
    case_id: int
    to_user_id: int
    body: str
    told_person: str = Field("", max_length=300)


class MessageOut(Schema):
    id: int
    to_user_id: int
    from_user_id: int | None
    case_id: int | None
    person_id: int | None
    body: str
    told_person: str
    sent_at: datetime.datetime
    read_at: datetime.datetime | None


@router.post("/absences", response={201: AbsenceOut}, summary="Record an absence (yours, or your team's)")
def record_absence(request, payload: AbsenceIn):
    from casework.accounts.models import User
    from casework.core.errors import ValidationFailed

    worker = request.user
    if payload.worker_id:
        worker = User.objects.filter(pk=payload.worker_id, is_active=True).first()
        if worker is None:
            raise ValidationFailed("No such worker", field="worker_id")
    return Status(201, services.absence_record(user=request.user, worker=worker, kind=payload.kind,
                                               start_date=payload.start_date, end_date=payload.end_date,
                                               note=payload.note))


@router.get("/messages", response=list[MessageOut], summary="Your messages, unread first")
def my_messages(request):
    return selectors.messages_for(user=request.user)


@router.post("/messages", response={201: MessageOut}, summary="Leave a message for a worker on a case")
def leave_message(request, payload: MessageIn):
    from django.http import Http404

    from casework.accounts.models import User

    case = case_get_for_user(user=request.user, case_id=payload.case_id, purpose="opened_for_change")
    worker = User.objects.filter(pk=payload.to_user_id, case_assignments__case=case,
                                 case_assignments__ended_at__isnull=True).distinct().first()
    if worker is None:
        raise Http404
    return Status(201, services.message_send(user=request.user, to_user=worker, case=case, body=payload.body,
                                             told_person=payload.told_person))


@router.post("/messages/{message_id}/read", response={204: None}, summary="Mark one of your messages read")
def read_message(request, message_id: int):
    from django.shortcuts import get_object_or_404

    from casework.contacts.models import Message

    services.message_mark_read(user=request.user, message=get_object_or_404(Message, pk=message_id,
                                                                              to_user=request.user))
    return Status(204, None)
