# mypy: disable-error-code="valid-type"
# (the contract's code lists are built by core.api.one_of, a call in an annotation that pydantic reads at run
# time and mypy cannot.)
"""Cases in the API: lists as the worklists show them, the case, raising, and every action as a POST."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404, HttpResponse, StreamingHttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.allocation import selectors as allocation_selectors
from casework.allocation.selectors import WorklistFilters
from casework.cases import selectors, services
from casework.cases.choices import CaseOrigin, CaseStage, CaseStatus
from casework.cases.closing import case_close, outcome_list
from casework.cases.models import Case, RiskCategory
from casework.cases.policies import can_view_case
from casework.core import limits
from casework.core.api import (
    BodyWriter,
    Code,
    ErrorOut,
    Id,
    InputSchema,
    Note,
    PageParams,
    PlannedDate,
    SaidNote,
    Version,
    etag,
    expected_version,
    one_of,
)
from casework.core.errors import ValidationFailed
from casework.core.querysets import Pager
from casework.people import selectors as people_selectors
from casework.reporting.exports import stream_jsonl

router = Router(tags=["cases"])


class CaseIndexOut(BaseModel):
    """What the case index shows: no personal details beyond the case itself."""

    id: int
    reference: str
    status: str
    stage: str
    priority: str
    origin: str
    risk_category: str | None
    area: str
    raised_at: datetime.datetime
    allocated_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    responsible_organisation_id: int | None
    responsible_organisation: str | None
    allocated_team_id: int | None
    allocated_team: str | None
    primary_worker_id: int | None
    primary_worker: str | None


class CaseOut(CaseIndexOut):
    """A case in full. Every case the API returns is built by case_rows(): one shape, plain dicts."""

    version: int
    person_id: int | None
    household_id: int | None
    subject_name: str
    summary: str
    raised_by_organisation_id: int
    allocation_rule_id: int | None
    allocation_explanation: str
    outcome: str = Field(description="The closing outcome's code (see /cases/outcomes); empty while open")
    closure_note: str
    recontact_on: datetime.date | None
    found_outside_risk_index: bool = Field(
        description="Closed with needs found for someone the risk index had not picked out (the hit rate)"
    )


class CasePage(BaseModel):
    # Plain pydantic models, as the rows are dicts: ninja's Schema would wrap each in an attribute getter.
    items: list[CaseOut]
    count: int | None
    page: int
    page_size: int
    has_next: bool


_CASE_PAGE = BodyWriter(CasePage)


class CaseIndexPage(BaseModel):
    items: list[CaseIndexOut]
    count: int | None
    page: int
    page_size: int
    has_next: bool


class CaseListParams(PageParams):
    scope: Literal["worklist", "mine", "visible"] = Field(
        "visible",
        description="worklist: your team's unallocated cases; mine: your open cases; "
        "visible: every case you can open",
    )
    priority: Code = ""
    risk_category_id: Id | None = None
    area: Code = ""
    status: Code = ""
    stage: Code = ""
    raised_from: datetime.date | None = None
    raised_to: datetime.date | None = None
    team_id: Id | None = None
    sort: Literal["priority", "oldest", "newest", "risk", "area"] = "priority"


class IndexParams(PageParams):
    priority: Code = ""
    risk_category_id: Id | None = None
    area: Code = ""
    status: Code = ""
    unallocated_only: bool = False
    raised_from: datetime.date | None = None
    raised_to: datetime.date | None = None
    sort: Literal["priority", "oldest", "newest", "risk", "area"] = "newest"


def _filters(params) -> WorklistFilters:
    return WorklistFilters(
        priority=params.priority,
        risk_category_id=params.risk_category_id,
        area=params.area,
        raised_from=params.raised_from,
        raised_to=params.raised_to,
        team_id=getattr(params, "team_id", None),
        sort=params.sort,
    )


@router.get("", response=CasePage, summary="Cases you can open, as the worklists filter and sort them")
def list_cases(request, params: Query[CaseListParams]):
    shown = allocation_selectors.case_list_for_user(
        user=request.user,
        pager=Pager.of_params(params),
        scope=params.scope,
        filters=_filters(params),
        status=params.status,
        stage=params.stage,
        purpose="read_by_api",
        as_rows=True,
    )
    return _CASE_PAGE.response({"items": shown.rows, **shown.meta()})


@router.get("/index", response=CaseIndexPage, summary="The case index: who is responsible for each case")
def case_index(request, params: Query[IndexParams]):
    # CaseIndexOut keeps only the index fields of each row: no names reach the lead this way.
    shown = allocation_selectors.case_list_for_user(
        user=request.user,
        pager=Pager.of_params(params),
        scope="index",
        filters=_filters(params),
        status=params.status,
        unallocated_only=params.unallocated_only,
        purpose="read_by_api",
        as_rows=True,
    )
    return {"items": shown.rows, **shown.meta()}


@router.get(
    "/snapshot",
    summary="The case index you may see, streamed as JSON Lines (one case per line)",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "One case of the index, as JSON, on each line",
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            }
        }
    },
)
def snapshot(request, scope: Literal["organisation", "initiative"] = "organisation"):
    response = StreamingHttpResponse(
        stream_jsonl(user=request.user, scope=scope), content_type="application/x-ndjson"
    )
    response["Cache-Control"] = "no-store"
    return response


def _case(request, case_id: Id) -> Case:
    return selectors.case_get_for_user(user=request.user, case_id=case_id, purpose="read_by_api")


def _row(request, case: Case, response: HttpResponse) -> dict:
    """The case as the API returns it, with its version as the ETag."""
    row = selectors.case_row_of(user=request.user, case=case)
    response["ETag"] = etag(row["version"])
    return row


def case_action_row(request, case: Case, response: HttpResponse) -> dict:
    """The case after an action: in full for those who may open it, else as the index shows it."""
    if can_view_case(request.user, case):
        selectors.case_get_for_user(user=request.user, case_id=case.pk, purpose="read_by_api")
    else:
        selectors.case_index_get_for_user(user=request.user, case_id=case.pk)
    return _row(request, case, response)


class OutcomeOut(Schema):
    code: str
    label: str
    description: str
    retired: bool


@router.get(
    "/outcomes", response=list[OutcomeOut], summary="The outcomes a case of the initiative can close with"
)
def outcomes(request, initiative_id: Id, include_retired: bool = False):
    if initiative_id not in actor_for(request.user).initiative_ids:
        raise Http404("No initiative found")
    return [o.__dict__ for o in outcome_list(initiative_id=initiative_id, include_retired=include_retired)]


@router.get("/{case_id}", response=CaseOut, summary="A case")
def get_case(request, case_id: Id, response: HttpResponse):
    return _row(request, _case(request, case_id), response)


class CaseRaiseIn(InputSchema):
    person_id: Id | None = Field(None, description="The person the case is about; or household_id, not both")
    household_id: Id | None = Field(None, description="The household the case is about; or person_id")
    origin: one_of(CaseOrigin)
    risk_category_id: Id | None = None
    priority: Literal["urgent", "normal", "low"] = "normal"
    summary: Note = ""
    responsible_now: bool = False


@router.post("", response={201: CaseOut}, summary="Raise a case about a person or household")
def raise_case(request, payload: CaseRaiseIn, response: HttpResponse):
    person = household = None
    if payload.person_id:
        person = people_selectors.person_get_for_user(user=request.user, person_id=payload.person_id)
    if payload.household_id:
        household = people_selectors.household_get_for_user(
            user=request.user, household_id=payload.household_id
        )
    risk = None
    if payload.risk_category_id:
        risk = RiskCategory.objects.filter(pk=payload.risk_category_id).first()
        if risk is None:
            raise ValidationFailed("No such risk category", field="risk_category_id")
    case = services.case_raise(
        user=request.user,
        person=person,
        household=household,
        origin=payload.origin,
        risk_category=risk,
        priority=payload.priority,
        summary=payload.summary,
        responsible_now=payload.responsible_now,
    )
    return Status(201, case_action_row(request, case, response))


class VersionIn(InputSchema):
    version: Version | None = Field(None, description="The version you read; or send If-Match")


class StageIn(VersionIn):
    stage: one_of(CaseStage)
    note: Note = ""
    acknowledge: list[Code] = Field(
        default_factory=list,
        max_length=limits.MAX_CHOSEN,
        description="The codes of the stage gates' warnings you have considered; without them a move with "
        "warnings is a 409 listing them",
    )


class GateWarningOut(Schema):
    code: str
    message: str


class WarningsOut(ErrorOut):
    """A 409 of a stage move: a stale version, a move the lifecycle refuses, or warnings not acknowledged,
    when `warnings` lists them (send their codes back as `acknowledge`)."""

    warnings: list[GateWarningOut] = Field(
        default_factory=list, description="Only when the move has warnings not acknowledged"
    )


class RestartIn(VersionIn):
    stage: one_of(CaseStage)
    reason: SaidNote


class StatusIn(VersionIn):
    status: one_of(CaseStatus)
    reason: Note = ""


class AddWorkerIn(InputSchema):
    user_id: Id
    role: Literal["secondary", "case_manager"] = "secondary"


class RemoveWorkerIn(InputSchema):
    user_id: Id
    reason: Note = ""


def worker_from_id(user_id: int, field: str = "worker_id") -> User:
    """The active user a body names as a worker; a 422 on `field` if there is none."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationFailed("No such user", field=field)
    return user


@router.post(
    "/{case_id}/stage",
    response={200: CaseOut, 409: WarningsOut},
    summary="Move the case to another stage, forward or back (acknowledge the warnings by code)",
)
def move_stage(request, case_id: Id, payload: StageIn, response: HttpResponse):
    case = _case(request, case_id)
    services.case_move_stage(
        user=request.user,
        case=case,
        stage=payload.stage,
        note=payload.note,
        version=expected_version(request, payload.version),
        acknowledged=payload.acknowledge,
    )
    return case_action_row(request, case, response)


@router.post("/{case_id}/restart", response=CaseOut, summary="Restart the work from a stage")
def restart(request, case_id: Id, payload: RestartIn, response: HttpResponse):
    case = _case(request, case_id)
    services.case_restart_from(
        user=request.user,
        case=case,
        stage=payload.stage,
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )
    return case_action_row(request, case, response)


@router.post("/{case_id}/status", response=CaseOut, summary="Put on hold, resume, cancel or finish the case")
def change_status(request, case_id: Id, payload: StatusIn, response: HttpResponse):
    case = _case(request, case_id)
    services.case_change_status(
        user=request.user,
        case=case,
        status=payload.status,
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )
    return case_action_row(request, case, response)


@router.post("/{case_id}/workers", response=CaseOut, summary="Add a secondary worker or a case manager")
def add_worker(request, case_id: Id, payload: AddWorkerIn, response: HttpResponse):
    case = _case(request, case_id)
    services.case_add_worker(
        user=request.user, case=case, worker=worker_from_id(payload.user_id, "user_id"), role=payload.role
    )
    return case_action_row(request, case, response)


@router.post(
    "/{case_id}/workers/remove", response=CaseOut, summary="Remove a secondary worker or case manager"
)
def remove_worker(request, case_id: Id, payload: RemoveWorkerIn, response: HttpResponse):
    case = _case(request, case_id)
    services.case_remove_worker(
        user=request.user, case=case, worker=worker_from_id(payload.user_id, "user_id"), reason=payload.reason
    )
    return case_action_row(request, case, response)


class CloseIn(InputSchema):
    outcome: Code
    note: Note = ""
    recontact_on: PlannedDate | None = Field(None, description="A future date to contact the person again")
    version: Version | None = Field(None, description="The version you read; or send If-Match")


@router.post(
    "/{case_id}/close",
    response=CaseOut,
    summary="Close an active case with an outcome (409 while needs are open), and a re-contact date",
)
def close(request, case_id: Id, payload: CloseIn, response: HttpResponse):
    case = _case(request, case_id)
    case_close(
        user=request.user,
        case=case,
        outcome=payload.outcome,
        note=payload.note,
        recontact_on=payload.recontact_on,
        version=expected_version(request, payload.version),
    )
    return case_action_row(request, case, response)
