"""Safeguarding in the API: raise a concern (never blocked for caseworkers), read the ones you may see."""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from casework.cases.selectors import case_get_for_user
from casework.people.selectors import person_get_for_user
from casework.safeguarding import selectors, services

router = Router(tags=["safeguarding"])


class ConcernIn(Schema):
    person_id: int
    case_id: int | None = None
    at_risk: str
    at_risk_name: str = Field("", max_length=200)
    what_happened: str
    immediate_danger: bool
    called_999: bool = False
    abuse_types: list[str] = Field(default_factory=list)


class ConcernOut(Schema):
    id: int
    person_id: int
    case_id: int | None
    organisation_id: int
    at_risk: str
    at_risk_name: str
    what_happened: str
    immediate_danger: bool
    called_999: bool
    abuse_types: list[str]
    routed_to_team_id: int
    raised_at: datetime.datetime


@router.post("", response={201: ConcernOut}, summary="Raise a safeguarding concern")
def raise_concern(request, payload: ConcernIn):
    case = None
    if payload.case_id:
        case = case_get_for_user(user=request.user, case_id=payload.case_id, purpose="opened_for_change")
    person = person_get_for_user(user=request.user, person_id=payload.person_id, purpose="opened_for_change")
    data = payload.dict(exclude={"person_id", "case_id"})
    return Status(201, services.concern_raise(user=request.user, person=person, case=case, **data))


@router.get("/{concern_id}", response=ConcernOut, summary="A concern, for those who may see it")
def get_concern(request, concern_id: int):
    from casework.audit.services import access_record

    concern = selectors.concern_list_visible(user=request.user).filter(pk=concern_id).first()
    if concern is None:
        raise Http404
    access_record(user=request.user, verb="safeguarding.concern_read_by_api", obj=concern,
                  person_id=concern.person_id, case_id=concern.case_id)
    return concern
