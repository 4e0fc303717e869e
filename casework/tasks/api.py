"""Tasks in the API: my and my teams' lists, one task, adding one, and every action as a POST.

The same selectors and services as the pages: 404 for a task the user may not see, 403 for an action not
allowed on one they can, 409 for a stale version or a closed task, 422 for invalid input with the field.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from casework.accounts.models import Team, User
from casework.cases import selectors as case_selectors
from casework.core.api import (
    Id,
    InputSchema,
    Note,
    PageParams,
    PlannedDate,
    SaidName,
    SaidNote,
    Version,
    etag,
    expected_version,
)
from casework.core.errors import ValidationFailed
from casework.core.querysets import Pager
from casework.people import selectors as people_selectors
from casework.tasks import selectors, services
from casework.tasks.choices import TaskKind
from casework.tasks.models import Task

router = Router(tags=["tasks"])


class TaskOut(Schema):
    id: int
    version: int
    title: str
    details: str
    kind: str
    status: str
    due_date: datetime.date
    is_overdue: bool
    organisation_id: int
    case_id: int | None
    case_reference: str | None
    person_id: int | None
    subject_name: str
    assigned_to_user_id: int | None
    assigned_to_team_id: int | None
    assigned_to: str
    source: str
    created_at: datetime.datetime
    created_by_id: int | None
    completed_at: datetime.datetime | None
    completed_by_id: int | None
    completion_note: str
    cancelled_at: datetime.datetime | None
    cancelled_by_id: int | None
    cancellation_reason: str

    @staticmethod
    def resolve_case_reference(task):
        return task.case.reference if task.case_id else None

    @staticmethod
    def resolve_assigned_to(task):
        return task.assignee_name


class TaskPage(Schema):
    items: list[TaskOut]
    count: int | None
    page: int
    page_size: int
    has_next: bool


class TaskListParams(PageParams):
    scope: Literal["mine", "team"] = Field(
        "mine",
        description="mine: given to you; team: given to your teams "
        "(and, for team managers, to their members)",
    )
    status: Literal["open", "done", "cancelled", "all"] = "open"
    team_id: Id | None = Field(None, description="With scope=team: one of your teams")


@router.get("", response=TaskPage, summary="Your tasks or your teams' tasks, overdue first")
def list_tasks(request, params: Query[TaskListParams]):
    shown = selectors.task_list_for_user(
        user=request.user,
        pager=Pager.of_params(params),
        scope=params.scope,
        status=params.status,
        team_id=params.team_id,
        purpose="read_by_api",
    )
    return {"items": shown.rows, **shown.meta()}


def _task(request, task_id: int, purpose: str = "read_by_api") -> Task:
    return selectors.task_get_for_user(user=request.user, task_id=task_id, purpose=purpose)


def _done(task: Task, response: HttpResponse) -> Task:
    response["ETag"] = etag(task.version)
    return task


@router.get("/{task_id}", response=TaskOut, summary="A task")
def get_task(request, task_id: Id, response: HttpResponse):
    return _done(_task(request, task_id), response)


class TaskCreateIn(InputSchema):
    title: SaidName
    details: Note = ""
    kind: Literal["follow_up", "review_request", "advice_check", "recontact", "other"] = TaskKind.OTHER.value
    due_date: PlannedDate
    case_id: Id | None = None
    person_id: Id | None = None
    assigned_to_user_id: Id | None = None
    assigned_to_team_id: Id | None = None


def _user(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationFailed("No such user", field=field)
    return user


def _team(team_id: int | None, field: str) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed("No such team", field=field)
    return team


@router.post("", response={201: TaskOut}, summary="Add a task about a case, a person, or for a team")
def create_task(request, payload: TaskCreateIn, response: HttpResponse):
    case = person = None
    if payload.case_id is not None:
        case = case_selectors.case_get_for_user(
            user=request.user, case_id=payload.case_id, purpose="opened_for_task"
        )
    if payload.person_id is not None:
        person = people_selectors.person_get_for_user(
            user=request.user, person_id=payload.person_id, purpose="opened_for_task"
        )
    task = services.task_create(
        user=request.user,
        title=payload.title,
        details=payload.details,
        kind=payload.kind,
        due_date=payload.due_date,
        case=case,
        person=person,
        source="api",
        assigned_to_user=_user(payload.assigned_to_user_id, "assigned_to_user_id"),
        assigned_to_team=_team(payload.assigned_to_team_id, "assigned_to_team_id"),
    )
    return Status(201, _done(_task(request, task.pk), response))


class VersionIn(InputSchema):
    version: Version | None = Field(None, description="The version you read; or send If-Match")


class CompleteIn(VersionIn):
    note: Note = ""


class TaskReassignIn(VersionIn):
    to_user_id: Id | None = None
    to_team_id: Id | None = None
    reason: SaidNote


class DueIn(VersionIn):
    due_date: PlannedDate
    reason: SaidNote


class CancelIn(VersionIn):
    reason: SaidNote


@router.post("/{task_id}/complete", response=TaskOut, summary="Mark the task done")
def complete(request, task_id: Id, payload: CompleteIn, response: HttpResponse):
    task = _task(request, task_id, purpose="opened_for_change")
    if task.kind == TaskKind.ADVICE_CHECK:
        # Its outcome must be recorded with it (contacts.advice_check_record).
        raise ValidationFailed(
            f"Record whether the advice helped: POST /api/v1/contacts/advice-checks/{task.pk}",
            field="outcome",
        )
    services.task_complete(
        user=request.user, task=task, note=payload.note, version=expected_version(request, payload.version)
    )
    return _done(task, response)


@router.post("/{task_id}/reassign", response=TaskOut, summary="Give the task to another worker or team")
def reassign(request, task_id: Id, payload: TaskReassignIn, response: HttpResponse):
    task = _task(request, task_id, purpose="opened_for_change")
    services.task_reassign(
        user=request.user,
        task=task,
        to_user=_user(payload.to_user_id, "to_user_id"),
        to_team=_team(payload.to_team_id, "to_team_id"),
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )
    return _done(task, response)


@router.post("/{task_id}/due", response=TaskOut, summary="Change when the task is due")
def change_due(request, task_id: Id, payload: DueIn, response: HttpResponse):
    task = _task(request, task_id, purpose="opened_for_change")
    services.task_update_due(
        user=request.user,
        task=task,
        due_date=payload.due_date,
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )
    return _done(task, response)


@router.post("/{task_id}/cancel", response=TaskOut, summary="Cancel a task that no longer needs doing")
def cancel(request, task_id: Id, payload: CancelIn, response: HttpResponse):
    task = _task(request, task_id, purpose="opened_for_change")
    services.task_cancel(
        user=request.user,
        task=task,
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )
    return _done(task, response)
