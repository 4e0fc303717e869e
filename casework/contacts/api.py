"""Contacts in the API: a case's or a person's contacts and the scheduling log, recording a contact, the duty
desk (a call or written contact, a named worker check), absences, messages, and the outcome of advice checks.
The same selectors and services as the pages."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from casework.accounts.models import User
from casework.cases.selectors import case_get_for_user
from casework.contacts import selectors, services
from casework.contacts.choices import (
    AbsenceKind,
    AdviceOutcome,
    ContactMethod,
    ContactOutcome,
    ContactRole,
    Direction,
)
from casework.contacts.duty import duty_call_record, named_request_check
from casework.contacts.models import Message
from casework.core import limits
from casework.core.api import (
    Code,
    Id,
    InputSchema,
    Name,
    Page,
    PageParams,
    PlannedDate,
    PlausibleDateTime,
    SaidText,
    Text,
    Version,
    expected_version,
    one_of,
    paginate,
)
from casework.core.errors import PermissionRefused, ValidationFailed
from casework.core.permissions import has_perm
from casework.people.selectors import person_get_for_user, person_index_card_get_with_subject
from casework.tasks.selectors import task_get_for_user

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
    addressed_to_user_id: int | None
    addressed_to_team_id: int | None
    passed_on: bool | None = Field(
        description="For a letter or email addressed to a named worker or team: whether "
        "it was passed to them (only if allocated or responsible)"
    )
    advice_outcome: str = Field(
        description="Whether the advice helped, once checked: helped, partly, did_not_help"
    )
    advice_outcome_note: str
    advice_checked_at: datetime.datetime | None
    advice_checked_by_id: int | None
    recorded_by_id: int | None = Field(None, alias="created_by_id")


class SchedulingLogOut(Schema):
    count: int
    reached: bool
    next_attempt_at: datetime.datetime | None
    attempts: list[ContactOut]


class SignpostedIn(InputSchema):
    """A service outside the directory that the person was told about."""

    name: Name
    contact: str = Field("", max_length=300)


class ContactIn(InputSchema):
    case_id: Id | None = Field(None, description="The case the contact is on; or person_id")
    person_id: Id | None = Field(None, description="The person the contact is about, without a case")
    occurred_at: PlausibleDateTime
    direction: one_of(Direction)
    method: one_of(ContactMethod)
    contact_role: one_of(ContactRole)
    outcome: one_of(ContactOutcome)
    contact_name: str = Field("", max_length=200)
    contact_details: str = Field("", max_length=300)
    summary: Text = ""
    is_scheduling_attempt: bool = False
    next_attempt_at: PlausibleDateTime | None = None
    advice_given: Text = ""
    signposted_service_ids: list[Code] = Field(
        default_factory=list,
        max_length=limits.MAX_CHOSEN,
        description="Directory services signposted (ids from /api/v1/directory); each is kept as a snapshot "
        "of the service as it is now",
    )
    signposted: list[SignpostedIn] = Field(
        default_factory=list, max_length=limits.MAX_CHOSEN, description="Services outside the directory"
    )
    resolved_at_first_contact: bool = False
    financial_information_given: bool = False
    original_held_at: str = Field("", max_length=300, description="Required for a letter or email received")


@router.get("/cases/{case_id}", response=Page[ContactOut], summary="A case's contacts, newest first")
def case_contacts(request, case_id: Id, page: Query[PageParams]):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="contacts_read_by_api")
    rows, meta = paginate(selectors.contacts_for_case(case=case), page)
    return {"items": rows, **meta}


@router.get(
    "/people/{person_id}",
    response=Page[ContactOut],
    summary="A person's contacts, newest first: on the cases you may open, and on the person by your "
    "organisations",
)
def person_contacts(request, person_id: Id, page: Query[PageParams]):
    person = person_get_for_user(user=request.user, person_id=person_id, purpose="contacts_read_by_api")
    rows, meta = paginate(selectors.contacts_for_person(user=request.user, person_id=person.pk), page)
    return {"items": rows, **meta}


@router.get(
    "/cases/{case_id}/scheduling-log", response=SchedulingLogOut, summary="Attempts to arrange a visit"
)
def case_scheduling_log(request, case_id: Id):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="contacts_read_by_api")
    log = selectors.scheduling_log(case=case)
    return {
        "count": log.count,
        "reached": log.reached,
        "next_attempt_at": log.next_attempt_at,
        "attempts": log.attempts,
    }


@router.post("", response={201: ContactOut}, summary="Record a contact on a case or a person")
def record(request, payload: ContactIn):
    case = person = None
    if payload.case_id:
        case = case_get_for_user(user=request.user, case_id=payload.case_id, purpose="opened_for_change")
    if payload.person_id:
        person = person_get_for_user(
            user=request.user, person_id=payload.person_id, purpose="opened_for_change"
        )
    data = payload.dict(exclude={"case_id", "person_id"})
    return Status(201, services.contact_record(user=request.user, case=case, person=person, **data))


def _require_duty(request) -> None:
    if not has_perm(request.user, "contacts.use_duty_desk"):
        raise PermissionRefused("The duty desk is for duty officers and practitioners.")


class AbsenceIn(InputSchema):
    worker_id: Id | None = Field(None, description="Yourself if not given")
    kind: one_of(AbsenceKind)
    start_date: PlannedDate
    end_date: PlannedDate
    note: str = Field("", max_length=200)


class AbsenceOut(Schema):
    id: int
    user_id: int
    kind: str
    start_date: datetime.date
    end_date: datetime.date
    note: str


class MessageIn(InputSchema):
    case_id: Id
    to_user_id: Id
    body: SaidText
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
    _require_duty(request)
    worker = request.user
    if payload.worker_id:
        worker = User.objects.filter(pk=payload.worker_id, is_active=True).first()
        if worker is None:
            raise ValidationFailed("No such worker", field="worker_id")
    return Status(
        201,
        services.absence_record(
            user=request.user,
            worker=worker,
            kind=payload.kind,
            start_date=payload.start_date,
            end_date=payload.end_date,
            note=payload.note,
        ),
    )


@router.get(
    "/absences",
    response=list[AbsenceOut],
    summary="Absences in your organisations: today's and those starting in the next 60 days",
)
def list_absences(request):
    _require_duty(request)  # as the page: colleagues' absences (sickness among them) are for the duty desk
    return list(selectors.absences_upcoming(user=request.user))


@router.get("/messages", response=list[MessageOut], summary="Your messages, unread first")
def my_messages(request):
    return selectors.messages_get_for_user(user=request.user, purpose="read_by_api")


@router.post("/messages", response={201: MessageOut}, summary="Leave a message for a worker on a case")
def leave_message(request, payload: MessageIn):
    case = case_get_for_user(user=request.user, case_id=payload.case_id, purpose="opened_for_change")
    worker = (
        User.objects.filter(
            pk=payload.to_user_id, case_assignments__case=case, case_assignments__ended_at__isnull=True
        )
        .distinct()
        .first()
    )
    if worker is None:
        raise Http404
    return Status(
        201,
        services.message_send(
            user=request.user, to_user=worker, case=case, body=payload.body, told_person=payload.told_person
        ),
    )


@router.post("/messages/{message_id}/read", response={204: None}, summary="Mark one of your messages read")
def read_message(request, message_id: Id):
    services.message_mark_read(
        user=request.user, message=get_object_or_404(Message, pk=message_id, to_user=request.user)
    )
    return Status(204, None)


class AdviceCheckIn(InputSchema):
    outcome: one_of(AdviceOutcome) = Field(description="helped, partly or did_not_help")
    note: str = Field("", max_length=4000, description="Needed unless it helped: what did not, and what next")
    version: Version | None = Field(None, description="The task's version you read; or send If-Match")


class AdviceCheckOut(Schema):
    task_id: int
    contact: ContactOut | None = Field(
        description="The contact the advice was given at; none for a check added by hand"
    )


@router.post(
    "/advice-checks/{task_id}",
    response=AdviceCheckOut,
    summary="Record whether the advice helped, completing its check task",
)
def advice_check(request, task_id: Id, payload: AdviceCheckIn):
    task = task_get_for_user(user=request.user, task_id=task_id, purpose="opened_for_change")
    contact = services.advice_check_record(
        user=request.user,
        task=task,
        outcome=payload.outcome,
        note=payload.note,
        version=expected_version(request, payload.version),
    )
    return {"task_id": task.pk, "contact": contact}


class DutyCallIn(InputSchema):
    who: one_of(("person", "other")) = Field(
        description="person: the person themselves; other: a concern from someone else"
    )
    method: one_of(ContactMethod) = "phone"
    summary: Text
    contact_role: Code = Field(
        "",
        description="For someone else: relative, public, professional, "
        "community_group, elected_representative",
    )
    contact_name: str = Field("", max_length=200)
    contact_details: str = Field("", max_length=300)
    original_held_at: str = Field("", max_length=300, description="Required for a letter or email")
    addressed_to_user_id: Id | None = Field(None, description="A letter or email addressed to a named worker")
    addressed_to_team_id: Id | None = Field(None, description="A letter or email addressed to a named team")
    decision: Code = Field("", description="With an open case, for a concern: raise or leave its priority")
    reason: str = Field("", max_length=500)
    raise_case: bool = Field(False, description="Without a case, for a concern: raise one")
    priority: Code = "normal"
    review_requested: bool = False
    follow_up: str = Field("", max_length=200, description="What was agreed if the worker does not call back")
    follow_up_due: PlannedDate | None = None
    follow_up_by: Literal["", "worker", "team", "recorder"] = Field(
        "",
        description="Who follows up: the allocated worker, the responsible team, or the recorder (you); "
        "empty: the worker, else the team, else you",
    )


class NamedOut(Schema):
    allowed: bool
    message: str
    offer: list[str]


class DutyCallOut(Schema):
    case_id: int | None
    raised_new_case: bool
    priority_changed: bool
    contact: ContactOut
    named: NamedOut | None
    review_task_id: int | None
    review_refused: str
    reprioritise_task_ids: list[int] = Field(
        description="Tasks asking whoever holds the case's waiting-list "
        "entries to reprioritise them, when a concern raised "
        "its priority"
    )


def _duty_person(request, person_id: int):
    _require_duty(request)
    return person_index_card_get_with_subject(user=request.user, person_id=person_id)[1]


def _user_or_team(request, user_id: int | None, team_id: int | None, user_field: str, team_field: str):
    """The worker and team named by id, from those the duty desk page offers (its own organisations')."""

    worker, team = selectors.duty_addressee_get(user=request.user, worker_id=user_id, team_id=team_id)
    if user_id is not None and worker is None:
        raise ValidationFailed("No such worker in your organisations", field=user_field)
    if team_id is not None and team is None:
        raise ValidationFailed("No such team in your organisations", field=team_field)
    return worker, team


@router.post(
    "/duty/people/{person_id}/calls",
    response={201: DutyCallOut},
    summary="A call or written contact at the duty desk: from the person, or a concern from someone else",
)
def duty_call(request, person_id: Id, payload: DutyCallIn):
    person = _duty_person(request, person_id)
    worker, team = _user_or_team(
        request,
        payload.addressed_to_user_id,
        payload.addressed_to_team_id,
        "addressed_to_user_id",
        "addressed_to_team_id",
    )
    contact = {
        "occurred_at": timezone.now(),
        "method": payload.method,
        "outcome": "reached",
        "summary": payload.summary,
        "contact_name": payload.contact_name,
        "contact_details": payload.contact_details,
        "original_held_at": payload.original_held_at,
        "contact_role": payload.contact_role if payload.who == "other" else "person",
        "follow_up": payload.follow_up,
        "follow_up_due": payload.follow_up_due,
        "follow_up_by": payload.follow_up_by,
    }
    try:
        outcome = duty_call_record(
            user=request.user,
            person=person,
            who=payload.who,
            contact=contact,
            decision=payload.decision,
            reason=payload.reason,
            raise_case=payload.raise_case,
            priority=payload.priority,
            review_requested=payload.review_requested,
            addressed_to_user=worker,
            addressed_to_team=team,
        )
    except ValidationFailed as error:
        if error.field != "addressed_to":
            raise
        # The page's one "addressed to" field is two here: name the one that was sent.
        raise ValidationFailed(
            error.message, field="addressed_to_user_id" if worker is not None else "addressed_to_team_id"
        ) from None
    return Status(
        201,
        {
            "case_id": outcome.case.pk if outcome.case else None,
            "raised_new_case": outcome.raised_new_case,
            "priority_changed": outcome.priority_changed,
            "contact": outcome.contact,
            "named": outcome.named,
            "review_task_id": outcome.review_task.pk if outcome.review_task else None,
            "review_refused": outcome.review_refused,
            "reprioritise_task_ids": [t.pk for t in outcome.reprioritise_tasks],
        },
    )


@router.get(
    "/duty/people/{person_id}/named-check",
    response=NamedOut,
    summary="May a contact asking for this worker or team be passed to them?",
)
def named_check(request, person_id: Id, worker_id: Id | None = None, team_id: Id | None = None):
    person = _duty_person(request, person_id)
    worker, team = _user_or_team(request, worker_id, team_id, "worker_id", "team_id")
    if (worker is None) == (team is None):
        raise ValidationFailed("Give worker_id or team_id", field="worker_id")
    return named_request_check(person=person, worker=worker, team=team)
