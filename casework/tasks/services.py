"""Writes to tasks: create (the one way any flow makes a task), complete, reassign, reschedule, cancel.

Each is atomic and audited with the task's case and person, so the case timeline and the person's audit
trail show them. `user=None` is a background job: no permission is checked and the audit event has no actor.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from casework.accounts.models import Organisation, Team, User
from casework.accounts.selectors import actor_for
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record, audit_record_many, audited_write_if_version
from casework.cases.models import Case
from casework.cases.policies import can_view_case, holding_organisation_id
from casework.core import clock
from casework.core.errors import DomainError, PermissionRefused, ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.people.models import HouseholdMembership, Person
from casework.people.policies import can_view_person, organisations_hold_relationship
from casework.tasks.choices import URGENT_KINDS, TaskKind, TaskStatus
from casework.tasks.errors import TaskClosed
from casework.tasks.models import Task

STALE = stale_message("this task", then="check the task and try again")
TITLE_MAX = 200


def _organisation_name(organisation_id: int) -> str:
    return (
        Organisation.objects.filter(pk=organisation_id).values_list("name", flat=True).first()
        or "the organisation"
    )


def owning_organisation_id(
    *,
    user: User | None,
    case: Case | None,
    team: Team | None,
    assignee: User | None,
    organisation: Organisation | None,
) -> int | None:
    """Whose work the task is: as given, else the case's holder, else the team's, else the creator's."""
    if organisation is not None:
        return organisation.pk
    if case is not None:
        return holding_organisation_id(case)
    if team is not None and (
        user is None or team.organisation_id in actor_for(user).editing_organisation_ids
    ):
        return team.organisation_id
    if user is not None:
        actor = actor_for(user)
        candidates = actor.editing_organisation_ids
        if assignee is not None:
            # A user in two organisations adding a task for a colleague: the organisation they share.
            candidates = (candidates & actor_for(assignee).editing_organisation_ids) or candidates
        if not candidates:
            return None
        return (
            actor.primary_organisation_id if actor.primary_organisation_id in candidates else min(candidates)
        )
    if assignee is not None:
        return actor_for(assignee).primary_organisation_id
    return None


def _check_subject(case: Case | None, person: Person | None) -> None:
    if case is None or person is None:
        return
    if case.person_id is not None:
        if person.pk != case.person_id:
            raise ValidationFailed(
                f"Case {case.reference} is about someone else: choose the case's person or "
                "leave the person out",
                field="person",
            )
    elif not HouseholdMembership.objects.filter(
        household_id=cast(int, case.household_id), person_id=person.pk, end_date__isnull=True
    ).exists():
        raise ValidationFailed(
            f"{person.full_name} is not in the household that case {case.reference} is about", field="person"
        )


def _check_assignee(
    *,
    organisation_id: int,
    to_user: User | None,
    to_team: Team | None,
    case: Case | None,
    person: Person | None,
) -> None:
    """The assignee works in the task's organisation and could see what the task is about."""
    if (to_user is None) == (to_team is None):
        raise ValidationFailed("Give the task to one worker or to one team", field="assigned_to")
    if to_team is not None:
        if to_team.organisation_id != organisation_id:
            raise ValidationFailed(
                f"{to_team.name} is not a team of {_organisation_name(organisation_id)}: give the "
                "task to one of its teams",
                field="assigned_to",
            )
        if person is not None and person.is_restricted:
            raise ValidationFailed(
                f"{person.full_name}'s record is restricted, so a team could not see the task: "
                "give it to a worker named on the record",
                field="assigned_to",
            )
        if person is not None and not organisations_hold_relationship(person, {organisation_id}):
            raise ValidationFailed(
                f"{to_team.name} could not see {person.full_name}'s record: give the task to "
                "a team of an organisation working with them",
                field="assigned_to",
            )
        return
    assert to_user is not None
    if not to_user.is_active or organisation_id not in actor_for(to_user).editing_organisation_ids:
        raise ValidationFailed(
            f"{to_user.display_name} does not do casework at "
            f"{_organisation_name(organisation_id)}: give the task to someone who does",
            field="assigned_to",
        )
    if case is not None and not can_view_case(to_user, case):
        raise ValidationFailed(
            f"{to_user.display_name} cannot see case {case.reference}, so they could not see the task",
            field="assigned_to",
        )
    if person is not None and not can_view_person(to_user, person):
        raise ValidationFailed(
            f"{to_user.display_name} cannot see {person.full_name}'s record, so they could not see the task",
            field="assigned_to",
        )


def _check_due_date(due_date: datetime.date | None, kind: str) -> None:
    if due_date is None:
        raise ValidationFailed("Enter the date the task is due", field="due_date")
    if due_date < clock.today() and kind not in URGENT_KINDS:
        raise ValidationFailed("The due date must be today or in the future", field="due_date")


def _check_reason(reason: str, message: str) -> str:
    if not reason or not reason.strip():
        raise ValidationFailed(message, field="reason")
    return reason.strip()


def _subject_person_id(task: Task) -> int | None:
    if task.person_id is not None:
        return task.person_id
    return task.case.person_id if task.case is not None else None


def _day(moment: datetime.datetime) -> str:
    moment = timezone.localtime(moment)
    return f"{moment.day} {moment:%B %Y}"


def _require_open(task: Task) -> None:
    if task.status == TaskStatus.DONE:
        who = f" by {task.completed_by.display_name}" if task.completed_by is not None else ""
        completed_at = cast(datetime.datetime, task.completed_at)  # set with the status
        raise TaskClosed(
            f"This task was already completed on {_day(completed_at)}{who}. Nothing has been changed."
        )
    if task.status == TaskStatus.CANCELLED:
        cancelled_at = cast(datetime.datetime, task.cancelled_at)  # set with the status
        raise TaskClosed(f"This task was cancelled on {_day(cancelled_at)}. Nothing has been changed.")


def task_create(
    *,
    user: User | None,
    title: str,
    due_date: datetime.date,
    assigned_to_user: User | None = None,
    assigned_to_team: Team | None = None,
    case: Case | None = None,
    person: Person | None = None,
    kind: str = TaskKind.OTHER,
    details: str = "",
    source: str = "",
    effect_key: str | None = None,
    organisation: Organisation | None = None,
) -> Task:
    """Make a task; the one way any flow (a page, the API, a background job) does.

    With `effect_key`, a task already made with that key is returned as it is, so a job that runs twice
    makes one task. A case's person becomes the task's person. Audited as "tasks.task_created".
    Raises PermissionRefused when the user may not add tasks about the case or person, ValidationFailed
    (naming the field) for a task that could not be done as described.
    """
    if effect_key is not None:
        effect_key = effect_key.strip()
        if not effect_key:
            raise ValidationFailed("An effect key cannot be blank", field="effect_key")
        existing = Task.objects.filter(effect_key=effect_key).first()
        if existing is not None:
            return existing
    if user is not None:
        if case is not None:
            require_perm(
                user,
                "tasks.add_task_case",
                case,
                "Only people who work on cases at the organisation holding this case can add tasks to it.",
            )
        if person is not None:
            require_perm(user, "tasks.add_task_person", person, "You cannot add tasks about this person.")
        require_perm(user, "tasks.add_task", message="You need a casework role to add tasks.")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("Enter what needs to be done", field="title")
    if len(title) > TITLE_MAX:
        raise ValidationFailed(
            f"What needs to be done must be {TITLE_MAX} characters or fewer", field="title"
        )
    if kind not in TaskKind.values:
        raise ValidationFailed("Select the kind of task", field="kind")
    _check_subject(case, person)
    if case is not None and person is None and case.person_id is not None:
        person = case.person
    if case is None and person is None and assigned_to_team is None:
        raise ValidationFailed(
            "A task about nobody in particular is a team's to-do: give it to a team, or say "
            "which case or person it is about",
            field="assigned_to",
        )
    organisation_id = owning_organisation_id(
        user=user, case=case, team=assigned_to_team, assignee=assigned_to_user, organisation=organisation
    )
    if organisation_id is None:
        raise ValidationFailed("Say which organisation the task belongs to", field="organisation")
    if case is not None and organisation_id != holding_organisation_id(case):
        raise ValidationFailed(
            f"A task about case {case.reference} belongs to the organisation holding it, "
            f"{_organisation_name(holding_organisation_id(case))}",
            field="organisation",
        )
    if user is not None and organisation_id not in actor_for(user).editing_organisation_ids:
        raise PermissionRefused("You can only add tasks for an organisation you do casework in.")
    _check_assignee(
        organisation_id=organisation_id,
        to_user=assigned_to_user,
        to_team=assigned_to_team,
        case=case,
        person=person,
    )
    _check_due_date(due_date, kind)
    try:
        with transaction.atomic():
            task = Task.objects.create(
                organisation_id=organisation_id,
                title=title,
                details=(details or "").strip(),
                case=case,
                person=person,
                assigned_to_user=assigned_to_user,
                assigned_to_team=assigned_to_team,
                due_date=due_date,
                status=TaskStatus.OPEN,
                kind=kind,
                source=(source or "").strip()[:120],
                effect_key=effect_key,
                created_by=user,
                modified_by=user,
            )
            audit_record(
                user=user,
                verb="tasks.task_created",
                obj=task,
                case_id=task.case_id,
                person_id=_subject_person_id(task),
                organisation_id=organisation_id,
                changes=to_json_safe(
                    {
                        "title": {"before": None, "after": title},
                        "kind": {"before": None, "after": kind},
                        "due_date": {"before": None, "after": due_date},
                        "assigned_to_user": {"before": None, "after": task.assigned_to_user_id},
                        "assigned_to_team": {"before": None, "after": task.assigned_to_team_id},
                        "source": {"before": None, "after": task.source},
                    }
                ),
            )
    except IntegrityError:
        # Another run of the same job made it between our look-up and our insert.
        existing = Task.objects.filter(effect_key=effect_key).first() if effect_key else None
        if existing is None:
            raise
        return existing
    return task


def _check(user: User | None, permission: str, task: Task, message: str) -> None:
    if user is not None:
        require_perm(user, permission, task, message)
    _require_open(task)


def task_complete(
    *, user: User | None, task: Task, note: str = "", version: int, outcome_recorded: bool = False
) -> Task:
    """Mark the task done, recording who, when and an optional note. Audited as "tasks.task_completed".

    A check that advice helped is done only with its outcome: contacts.advice_check_record records it and
    passes `outcome_recorded`. Raises PermissionRefused, ValidationFailed for an advice check without its
    outcome, TaskClosed when it is done or cancelled already, ConflictError when stale.
    """
    _check(
        user,
        "tasks.complete_task",
        task,
        "Only the people the task is given to and their team managers can complete it.",
    )
    if task.kind == TaskKind.ADVICE_CHECK and not outcome_recorded:
        raise ValidationFailed("Record whether the advice helped: that completes the check", field="outcome")
    note = (note or "").strip()
    audited_write_if_version(
        user=user,
        obj=task,
        version=version,
        stale_message=STALE,
        verb="tasks.task_completed",
        case_id=task.case_id,
        person_id=_subject_person_id(task),
        organisation_id=task.organisation_id,
        reason=note,
        fields={
            "status": TaskStatus.DONE,
            "completed_at": clock.now(),
            "completed_by_id": user.pk if user else None,
            "completion_note": note,
        },
    )
    task.completed_by = user
    return task


def task_reassign(
    *,
    user: User | None,
    task: Task,
    to_user: User | None = None,
    to_team: Team | None = None,
    version: int,
    reason: str,
) -> Task:
    """Give the task to another worker or team of its organisation. Audited as "tasks.task_reassigned".

    Raises PermissionRefused, TaskClosed, ValidationFailed (the reason, or an assignee who could not do it),
    DomainError when it is with them already, ConflictError when stale.
    """
    _check(
        user,
        "tasks.reassign_task",
        task,
        "Only the people the task is given to and their team managers can reassign it.",
    )
    reason = _check_reason(reason, "Enter why the task is being reassigned")
    if (to_user is not None and to_user.pk == task.assigned_to_user_id) or (
        to_team is not None and to_team.pk == task.assigned_to_team_id
    ):
        raise DomainError(f"The task is already with {task.assignee_name}.", field="assigned_to")
    _check_assignee(
        organisation_id=task.organisation_id,
        to_user=to_user,
        to_team=to_team,
        case=task.case,
        person=task.person,
    )
    audited_write_if_version(
        user=user,
        obj=task,
        version=version,
        stale_message=STALE,
        verb="tasks.task_reassigned",
        case_id=task.case_id,
        person_id=_subject_person_id(task),
        organisation_id=task.organisation_id,
        reason=reason,
        fields={
            "assigned_to_user_id": to_user.pk if to_user else None,
            "assigned_to_team_id": to_team.pk if to_team else None,
        },
    )
    task.assigned_to_user, task.assigned_to_team = to_user, to_team
    return task


def task_update_due(
    *, user: User | None, task: Task, due_date: datetime.date, version: int, reason: str
) -> Task:
    """Move the task's due date, with a reason. Audited as "tasks.due_date_changed".

    Raises PermissionRefused, TaskClosed, ValidationFailed (a date in the past, the same date, no reason),
    ConflictError when stale.
    """
    _check(
        user,
        "tasks.reschedule_task",
        task,
        "Only the people the task is given to and their team managers can change when it is due.",
    )
    _check_due_date(due_date, task.kind)
    if due_date == task.due_date:
        raise ValidationFailed("The task is already due on that date", field="due_date")
    reason = _check_reason(reason, "Enter why the due date is changing")
    audited_write_if_version(
        user=user,
        obj=task,
        version=version,
        stale_message=STALE,
        verb="tasks.due_date_changed",
        case_id=task.case_id,
        person_id=_subject_person_id(task),
        organisation_id=task.organisation_id,
        reason=reason,
        fields={"due_date": due_date},
    )
    return task


def task_cancel(*, user: User | None, task: Task, reason: str, version: int) -> Task:
    """Cancel a task that no longer needs doing, with a reason. Audited as "tasks.task_cancelled".

    Raises PermissionRefused (only team managers and whoever added it), TaskClosed, ValidationFailed (no
    reason), ConflictError when stale.
    """
    _check(
        user, "tasks.cancel_task", task, "Only a team manager or the person who added the task can cancel it."
    )
    reason = _check_reason(reason, "Enter why the task no longer needs doing")
    audited_write_if_version(
        user=user,
        obj=task,
        version=version,
        stale_message=STALE,
        verb="tasks.task_cancelled",
        case_id=task.case_id,
        person_id=_subject_person_id(task),
        organisation_id=task.organisation_id,
        reason=reason,
        fields={
            "status": TaskStatus.CANCELLED,
            "cancelled_at": clock.now(),
            "cancelled_by_id": user.pk if user else None,
            "cancellation_reason": reason,
        },
    )
    task.cancelled_by = user
    return task


def tasks_hand_over_for_transfer(
    *, user: User | None, case: Case, from_organisation_id: int, to_organisation: Organisation
) -> list[Task]:
    """Hand a transferred case's open tasks to the receiving organisation's first casework team.

    Called by the case transfer, inside its transaction, after the case has moved. Safeguarding tasks stay
    with the organisation that received the concern: its duty to act on it does not end with the transfer.
    Each task moved is audited as "tasks.task_handed_over" with the reason.
    Raises ValidationFailed when the receiving organisation has no team to take open tasks.
    """
    tasks = list(
        Task.objects.filter(case=case, organisation_id=from_organisation_id, status=TaskStatus.OPEN).exclude(
            kind=TaskKind.SAFEGUARDING
        )
    )
    if not tasks:
        return []
    team = (
        Team.objects.filter(organisation=to_organisation, is_safeguarding=False)
        .order_by("name", "id")
        .first()
    )
    if team is None:
        raise ValidationFailed(
            f"{to_organisation.name} has no team to take over the case's {len(tasks)} open "
            f"task{'s' if len(tasks) != 1 else ''}: add a team there first",
            field="organisation",
        )
    reason = f"Case {case.reference} transferred to {to_organisation.name}"
    for task in tasks:
        audited_write_if_version(
            user=user,
            obj=task,
            version=task.version,
            stale_message=STALE,
            verb="tasks.task_handed_over",
            case_id=task.case_id,
            person_id=_subject_person_id(task),
            organisation_id=to_organisation.pk,  # the event is the receiving organisation's, as the task is
            reason=reason,
            fields={
                "organisation_id": to_organisation.pk,
                "assigned_to_user_id": None,
                "assigned_to_team_id": team.pk,
            },
        )
    return tasks


@dataclass(frozen=True)
class JobTask:
    """A task a background job makes about a case: it belongs to the organisation holding the case."""

    case: Case
    title: str
    due_date: datetime.date
    effect_key: str
    kind: str = TaskKind.OTHER
    details: str = ""
    source: str = ""
    assigned_to_user: User | None = None
    assigned_to_team: Team | None = None


def _check_job_task(spec: JobTask, organisation_id: int) -> None:
    """What task_create checks of a job's task, with what the job already holds (no query for most)."""
    where = f"Task {spec.effect_key!r}"
    if not spec.effect_key.strip():
        raise ValidationFailed("An effect key cannot be blank", field="effect_key")
    if not spec.title.strip() or len(spec.title.strip()) > TITLE_MAX:
        raise ValidationFailed(
            f"{where}: say what needs to be done in 1 to {TITLE_MAX} characters", field="title"
        )
    if spec.kind not in TaskKind.values:
        raise ValidationFailed(f"{where}: select the kind of task", field="kind")
    _check_due_date(spec.due_date, spec.kind)
    person = spec.case.person if spec.case.person_id else None
    if (spec.assigned_to_user is None) == (spec.assigned_to_team is None):
        raise ValidationFailed(f"{where}: give the task to one worker or to one team", field="assigned_to")
    if spec.assigned_to_team is not None:
        # The team's organisation holds the case, so it holds a relationship with the case's person.
        if spec.assigned_to_team.organisation_id != organisation_id:
            raise ValidationFailed(
                f"{where}: {spec.assigned_to_team.name} is not a team of the organisation "
                f"holding case {spec.case.reference}",
                field="assigned_to",
            )
        if person is not None and person.is_restricted:
            raise ValidationFailed(
                f"{where}: {person.full_name}'s record is restricted, so a team could not "
                "see the task: give it to a worker named on the record",
                field="assigned_to",
            )
        return
    user = cast(User, spec.assigned_to_user)  # one worker or one team, checked above
    if (
        not user.is_active
        or organisation_id not in actor_for(user).editing_organisation_ids
        or not can_view_case(user, spec.case)
        or (person is not None and person.is_restricted and not can_view_person(user, person))
    ):
        raise ValidationFailed(
            f"{where}: {user.display_name} could not see case {spec.case.reference} at "
            f"{_organisation_name(organisation_id)}",
            field="assigned_to",
        )


def tasks_create_for_job(*, tasks: list[JobTask]) -> dict[str, Task]:
    """Make a background job's tasks about cases together: one look-up of the keys already used, one INSERT,
    and their "tasks.task_created" audit events appended under one lock. Returns {effect_key: task}, the
    tasks made by an earlier run included, so a job that runs twice makes each task once.

    Each is checked as task_create checks a job's task; ValidationFailed names the first that fails, and
    nothing is made. An IntegrityError means another run made one of them meanwhile: the caller's
    transaction is spoilt, and it may go one by one with task_create.
    """
    if not tasks:
        return {}
    # Each of these tasks has the effect key it was found by.
    found: dict[str, Task] = {
        cast(str, task.effect_key): task
        for task in Task.objects.filter(effect_key__in=[t.effect_key for t in tasks])
    }
    new, seen = [], set(found)
    for spec in tasks:
        if spec.effect_key in seen:
            continue
        seen.add(spec.effect_key)
        organisation_id = holding_organisation_id(spec.case)
        _check_job_task(spec, organisation_id)
        new.append(
            Task(
                organisation_id=organisation_id,
                title=spec.title.strip(),
                details=spec.details.strip(),
                case=spec.case,
                person_id=spec.case.person_id,
                assigned_to_user=spec.assigned_to_user,
                assigned_to_team=spec.assigned_to_team,
                due_date=spec.due_date,
                status=TaskStatus.OPEN,
                kind=spec.kind,
                source=spec.source.strip()[:120],
                effect_key=spec.effect_key.strip(),
            )
        )
    with transaction.atomic():
        Task.objects.bulk_create(new)
        audit_record_many(
            [
                {
                    "user": None,
                    "verb": "tasks.task_created",
                    "obj": task,
                    "case_id": task.case_id,
                    "person_id": task.person_id,
                    "organisation_id": task.organisation_id,
                    "changes": to_json_safe(
                        {
                            "title": {"before": None, "after": task.title},
                            "kind": {"before": None, "after": task.kind},
                            "due_date": {"before": None, "after": task.due_date},
                            "assigned_to_user": {"before": None, "after": task.assigned_to_user_id},
                            "assigned_to_team": {"before": None, "after": task.assigned_to_team_id},
                            "source": {"before": None, "after": task.source},
                        }
                    ),
                }
                for task in new
            ]
        )
    found.update((cast(str, task.effect_key), task) for task in new)
    return found


def tasks_dispose(*, case_id: int | None = None, person_id: int | None = None) -> int:
    """Delete the tasks about a case or a person whose records are being disposed of (retention). The caller
    has checked retention.govern_records and the appraisal, and audits the disposal; returns rows deleted."""
    if case_id is not None:
        return Task.objects.filter(case_id=case_id).delete()[0]
    if person_id is None:
        raise ValueError("Say whose records: a case or a person")
    return Task.objects.filter(person_id=person_id, case__isnull=True).delete()[0]
