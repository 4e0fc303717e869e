# mypy: disable-error-code="valid-type"
# (the contract's code lists are built by core.api.one_of, a call in an annotation that pydantic reads at run
# time and mypy cannot.)
"""Waiting lists in the API: read the list, triage a request, reprioritise. The same services and rules."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from casework.cases.choices import Priority
from casework.cases.selectors import case_get_for_user
from casework.core import clock
from casework.core.api import (
    Code,
    EventDate,
    Id,
    InputSchema,
    Page,
    PageParams,
    SaidNote,
    Version,
    etag,
    expected_version,
    one_of,
)
from casework.core.errors import PermissionRefused
from casework.core.permissions import has_perm
from casework.core.querysets import Pager
from casework.waiting_list import selectors, services
from casework.waiting_list.choices import ListKind, Rag, Trigger

router = Router(tags=["waiting lists"])


class EntryOut(Schema):
    id: int
    case_id: int
    case_reference: str
    organisation_id: int
    team_id: int | None
    list_kind: str
    priority: str
    rag: str
    rag_reason: str
    crisis: bool
    can_report_changes: bool
    area: str
    received_on: datetime.date
    due_on: datetime.date
    overdue: bool
    days_waiting: int
    exited_on: datetime.date | None
    exit_reason: str
    version: int


class Filters(InputSchema):
    list_kind: Code = ""
    priority: Code = ""
    rag: Code = ""
    team_id: Id | None = None
    area: Code = ""
    due: Code = Field("", description="overdue, due_soon or empty")


class TriageIn(InputSchema):
    case_id: Id
    list_kind: one_of(ListKind)
    priority: one_of(Priority)
    rag: one_of(Rag)
    rag_reason: SaidNote
    crisis: bool = False
    can_report_changes: bool = True
    received_on: EventDate | None = None


class ReprioritiseIn(InputSchema):
    priority: one_of(Priority)
    rag: one_of(Rag)
    reason: SaidNote
    trigger: one_of(Trigger) = "other"
    crisis: bool | None = None
    version: Version | None = Field(None, description="The version you read; or send If-Match")


def _out(entry) -> dict:
    today = clock.today()
    return {
        "id": entry.pk,
        "case_id": entry.case_id,
        "case_reference": entry.case.reference,
        "organisation_id": entry.organisation_id,
        "team_id": entry.team_id,
        "list_kind": entry.list_kind,
        "priority": entry.priority,
        "rag": entry.rag,
        "rag_reason": entry.rag_reason,
        "crisis": entry.crisis,
        "can_report_changes": entry.can_report_changes,
        "area": entry.area,
        "received_on": entry.received_on,
        "due_on": entry.due_on,
        "overdue": entry.is_open and entry.due_on < today,
        "days_waiting": (today - entry.received_on).days,
        "exited_on": entry.exited_on,
        "exit_reason": entry.exit_reason,
        "version": entry.version,
    }


@router.get("", response=Page[EntryOut], summary="Your organisations' waiting lists, by due date")
def waiting_list(request, filters: Query[Filters], page: Query[PageParams]):
    if not has_perm(request.user, "waiting_list.view_waiting_list"):
        raise PermissionRefused("Waiting lists are for caseworkers.")
    shown = selectors.waiting_list_for_user(
        user=request.user,
        pager=Pager.of_params(page),
        filters=selectors.WaitingFilters(**filters.dict()),
        purpose="read_by_api",
    )
    return {"items": [_out(e) for e in shown.rows], **shown.meta()}


@router.post(
    "", response={201: EntryOut}, summary="Triage a request on receipt: list, priority, RAG and reason"
)
def triage(request, payload: TriageIn, response: HttpResponse):
    case = case_get_for_user(user=request.user, case_id=payload.case_id, purpose="read_by_api")
    entry = services.waiting_list_add(
        user=request.user,
        case=case,
        list_kind=payload.list_kind,
        priority=payload.priority,
        rag=payload.rag,
        rag_reason=payload.rag_reason,
        crisis=payload.crisis,
        can_report_changes=payload.can_report_changes,
        received_on=payload.received_on,
    )
    response["ETag"] = etag(entry.version)
    return Status(201, _out(entry))


@router.get("/{entry_id}", response=EntryOut, summary="One waiting list entry")
def entry_detail(request, entry_id: Id, response: HttpResponse):
    entry = selectors.waiting_entry_get_for_user(
        user=request.user, entry_id=entry_id, include_exited=True, purpose="read_by_api"
    )
    response["ETag"] = etag(entry.version)
    return _out(entry)


@router.post(
    "/{entry_id}/reprioritise",
    response=EntryOut,
    summary="Change the priority or rating, with the reason; the due date is worked out again",
)
def reprioritise(request, entry_id: Id, payload: ReprioritiseIn, response: HttpResponse):
    entry = selectors.waiting_entry_get_for_user(
        user=request.user, entry_id=entry_id, purpose="opened_for_change"
    )
    services.waiting_list_reprioritise(
        user=request.user,
        entry=entry,
        version=expected_version(request, payload.version),
        priority=payload.priority,
        rag=payload.rag,
        reason=payload.reason,
        trigger=payload.trigger,
        crisis=payload.crisis,
    )
    response["ETag"] = etag(entry.version)
    return _out(entry)
