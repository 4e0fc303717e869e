"""Who may see and act on tasks. Predicates here; their queryset twins are in selectors.py.

A user sees a task of an organisation they do casework in when it is assigned to them, or to one of
their teams, or when they are a team manager of that organisation. A task about a case or a person is
seen only by those who may also see that case and that person: a task never shows what its subject's
record would not. Acting on a task (complete, reassign, change the due date) needs a role that changes
records in its organisation; cancelling it is for team managers and whoever added it.
"""

from __future__ import annotations

from typing import cast

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import Actor, actor_for
from casework.cases.models import Case
from casework.cases.policies import can_view_case, holding_organisation_id
from casework.core.permissions import register
from casework.people.models import Person
from casework.people.policies import can_view_person
from casework.tasks.models import Task


def is_responsible(actor: Actor, task: Task) -> bool:
    """Assigned to the user or one of their teams, or they manage teams in the task's organisation."""
    return (
        (task.assigned_to_user_id is not None and task.assigned_to_user_id == actor.user_id)
        or (task.assigned_to_team_id is not None and task.assigned_to_team_id in actor.team_ids)
        or actor.has_role(Role.TEAM_MANAGER, task.organisation_id)
    )


def can_see_subject(user: AnyUser, task: Task) -> bool:
    """The user may see the task's case and person, whichever it has."""
    # The ids are read without loading the rows they point to; where one is set, so is the row.
    return (task.case_id is None or can_view_case(user, cast(Case, task.case))) and (
        task.person_id is None or can_view_person(user, cast(Person, task.person))
    )


@register("tasks.view_task")
def can_view_task(user: AnyUser, task: Task) -> bool:
    actor = actor_for(user)
    return (
        task.organisation_id in actor.casework_organisation_ids
        and is_responsible(actor, task)
        and can_see_subject(user, task)
    )


@register("tasks.complete_task")
def can_complete_task(user: AnyUser, task: Task) -> bool:
    """Those responsible for the task who change records in its organisation (not read-only case managers)."""
    return task.organisation_id in actor_for(user).editing_organisation_ids and can_view_task(user, task)


@register("tasks.reassign_task")
def can_reassign_task(user: AnyUser, task: Task) -> bool:
    """Hand the task on, or take a team's task: the same people who may complete it."""
    return can_complete_task(user, task)


@register("tasks.reschedule_task")
def can_reschedule_task(user: AnyUser, task: Task) -> bool:
    """Change the due date: the same people who may complete it."""
    return can_complete_task(user, task)


@register("tasks.cancel_task")
def can_cancel_task(user: AnyUser, task: Task) -> bool:
    """Team managers of the task's organisation, and whoever added it; not the assignee of a task someone
    else (or the system) set, so that an agreed follow-up is not dropped without a manager knowing."""
    actor = actor_for(user)
    if not can_complete_task(user, task):
        return False
    return actor.has_role(Role.TEAM_MANAGER, task.organisation_id) or (
        task.created_by_id is not None and task.created_by_id == actor.user_id
    )


@register("tasks.add_task")
def can_add_task(user: AnyUser) -> bool:
    """Add a task that is about no case or person (a team's to-do), or start adding one."""
    return bool(actor_for(user).editing_organisation_ids)


@register("tasks.add_task_case")
def can_add_task_for_case(user: AnyUser, case: Case) -> bool:
    """People who change records in the organisation holding the case and may see it."""
    return holding_organisation_id(case) in actor_for(user).editing_organisation_ids and can_view_case(
        user, case
    )


@register("tasks.add_task_person")
def can_add_task_for_person(user: AnyUser, person: Person) -> bool:
    return can_add_task(user) and can_view_person(user, person)


@register("tasks.view_my_tasks")
def can_view_my_tasks(user: AnyUser) -> bool:
    """Only people who change records are given tasks."""
    return bool(actor_for(user).editing_organisation_ids)


@register("tasks.view_team_tasks")
def can_view_team_tasks(user: AnyUser) -> bool:
    actor = actor_for(user)
    return bool(actor.editing_organisation_ids) and bool(
        actor.team_ids or actor.organisations_with_role(Role.TEAM_MANAGER)
    )
