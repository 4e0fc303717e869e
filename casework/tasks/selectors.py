"""Reads of tasks, scoped to what the user may see (the queryset twins of policies.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404

from casework.accounts.choices import Role
from casework.accounts.models import Membership, Team, User
from casework.accounts.selectors import actor_for
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.cases.selectors import case_list_visible
from casework.core import clock
from casework.core.export import Section, model_rows
from casework.core.permissions import has_perm
from casework.core.querysets import Pager, Shown
from casework.people.models import Person
from casework.people.selectors import person_list_visible
from casework.tasks.choices import TaskStatus
from casework.tasks.models import Task

# What a list row shows: the subject (person, or the case's person or household) and the assignee.
LIST_RELATED = ("case", "case__person", "case__household", "person", "assigned_to_user", "assigned_to_team")


def _responsible_q(user: User) -> Q:
    actor = actor_for(user)
    q = Q(assigned_to_user_id=user.pk)
    if actor.team_ids:
        q |= Q(assigned_to_team_id__in=actor.team_ids)
    managing = actor.organisations_with_role(Role.TEAM_MANAGER)
    if managing:
        q |= Q(organisation_id__in=managing)
    return q


def _subject_visible_q(user: User) -> Q:
    """The task's case and person, whichever it has, are visible to the user (one EXISTS each, by key)."""
    cases = case_list_visible(user=user).filter(pk=OuterRef("case_id"))
    people = person_list_visible(user=user).filter(pk=OuterRef("person_id"))
    return (Q(case__isnull=True) | Q(Exists(cases))) & (Q(person__isnull=True) | Q(Exists(people)))


def task_list_visible(*, user: User) -> QuerySet[Task]:
    """Tasks the user may open (twin of policies.can_view_task)."""
    actor = actor_for(user)
    if not actor.casework_organisation_ids:
        return Task.objects.none()
    return (
        Task.objects.filter(organisation_id__in=actor.casework_organisation_ids)
        .filter(_responsible_q(user))
        .filter(_subject_visible_q(user))
    )


def task_list_actionable(*, user: User) -> QuerySet[Task]:
    """Tasks the user may complete, reassign or reschedule (twin of policies.can_complete_task)."""
    editing = actor_for(user).editing_organisation_ids
    if not editing:
        return Task.objects.none()
    return task_list_visible(user=user).filter(organisation_id__in=editing)


def task_list_cancellable(*, user: User) -> QuerySet[Task]:
    """Tasks the user may cancel (twin of policies.can_cancel_task)."""
    actor = actor_for(user)
    managing = actor.organisations_with_role(Role.TEAM_MANAGER)
    return task_list_actionable(user=user).filter(Q(organisation_id__in=managing) | Q(created_by_id=user.pk))


def _by_status(qs: QuerySet[Task], status: str) -> QuerySet[Task]:
    return qs if status == "all" else qs.filter(status=status)


def order_overdue_first(qs: QuerySet[Task], status: str = TaskStatus.OPEN) -> QuerySet[Task]:
    """Overdue first, then by due date. Among open tasks the overdue ones are simply the earliest, so the
    plain due-date order (which the list indexes serve) is used; mixed lists rank overdue open tasks first."""
    if status == TaskStatus.OPEN:
        return qs.order_by("due_date", "id")
    overdue = When(status=TaskStatus.OPEN, due_date__lt=clock.today(), then=Value(0))
    return qs.annotate(
        overdue_rank=models.Case(overdue, default=Value(1), output_field=models.IntegerField())
    ).order_by("overdue_rank", "due_date", "id")


def my_tasks(*, user: User, status: str = TaskStatus.OPEN) -> QuerySet[Task]:
    """Tasks assigned to the user, overdue first, then by due date."""
    qs = task_list_visible(user=user).filter(assigned_to_user_id=user.pk)
    return order_overdue_first(_by_status(qs, status), status).select_related(*LIST_RELATED)


def team_list_for_tasks(*, user: User) -> list[Team]:
    """The teams whose tasks the user may list: their own, and every team of organisations they manage."""
    actor = actor_for(user)
    managing = actor.organisations_with_role(Role.TEAM_MANAGER)
    q = Q(pk__in=actor.team_ids) & Q(organisation_id__in=actor.editing_organisation_ids)
    if managing:
        q |= Q(organisation_id__in=managing)
    return list(Team.objects.filter(q).select_related("organisation").order_by("organisation__name", "name"))


def team_tasks(*, user: User, team_id: int | None = None, status: str = TaskStatus.OPEN) -> QuerySet[Task]:
    """The tasks of the user's teams, overdue first, then by due date.

    Everyone sees the tasks given to their teams. Team managers also see what was given to each member of
    the teams they manage, so that they can see who has work overdue. `team_id` narrows to one team (none if
    it is not one of theirs).
    """
    actor = actor_for(user)
    managing = actor.organisations_with_role(Role.TEAM_MANAGER)
    teams = team_list_for_tasks(user=user)
    own_teams = {team.pk for team in teams if team.pk in actor.team_ids}
    managed_teams = {team.pk for team in teams if team.organisation_id in managing}
    team_ids = own_teams | managed_teams
    if team_id is not None:
        team_ids &= {team_id}
    if not team_ids:
        return Task.objects.none()
    members = Membership.objects.filter(
        team_id__in=managed_teams & team_ids, is_active=True, user_id=OuterRef("assigned_to_user_id")
    )
    q = Q(assigned_to_team_id__in=team_ids)
    if managed_teams & team_ids:
        q |= Q(Exists(members))
    qs = task_list_visible(user=user).filter(q)
    return order_overdue_first(_by_status(qs, status), status).select_related(*LIST_RELATED)


def tasks_for_case(*, user: User, case: Case, status: str = TaskStatus.OPEN) -> QuerySet[Task]:
    """The case's tasks that the user may see, overdue first, with their assignees (for the case page).

    The rule of task_list_visible for one case, decided for the case and its person by their policies rather
    than by an EXISTS per task: compiling person_list_visible into the query cost 5 ms of every case page.
    task_create makes a case's person the task's person, so on a case about a person a task about anyone
    else is not shown (it never could be made; if it were, it is hidden, not shown wrongly).
    """
    actor = actor_for(user)
    if not actor.casework_organisation_ids or not has_perm(user, "cases.view_case", case):
        return Task.objects.none()
    qs = Task.objects.filter(case_id=case.pk, organisation_id__in=actor.casework_organisation_ids).filter(
        _responsible_q(user)
    )
    if case.person_id is None:
        people = person_list_visible(user=user).filter(pk=OuterRef("person_id"))
        qs = qs.filter(Q(person__isnull=True) | Q(Exists(people)))
    elif has_perm(user, "people.view_person", case.person):
        qs = qs.filter(Q(person__isnull=True) | Q(person_id=case.person_id))
    else:
        qs = qs.filter(person__isnull=True)
    return order_overdue_first(_by_status(qs, status), status).select_related(
        "assigned_to_user", "assigned_to_team"
    )


# The lists' access events, by scope: "tasks.my_tasks_viewed", "tasks.team_tasks_read_by_api".
LIST_VERBS = {"mine": "tasks.my_tasks", "team": "tasks.team_tasks"}


def task_list_for_user(
    *,
    user: User,
    pager: Pager,
    scope: str = "mine",
    status: str = TaskStatus.OPEN,
    team_id: int | None = None,
    purpose: str = "viewed",
) -> Shown[Task]:
    """The page that `pager` asks for of the user's tasks (`scope` "mine") or their teams' ("team", narrowed
    to `team_id`). A list names the people its tasks are about: one AccessEvent "<list>_<purpose>" names the
    tasks on the page."""
    if scope == "team":
        qs = team_tasks(user=user, team_id=team_id, status=status)
    else:
        qs = my_tasks(user=user, status=status)
    shown = pager.cut(qs)
    access_record(
        user=user,
        verb=f"{LIST_VERBS[scope]}_{purpose}",
        details={"scope": scope, "tasks": shown.ids, "page": shown.number},
    )
    return shown


def tasks_for_person(*, user: User, person: Person, status: str = TaskStatus.OPEN) -> QuerySet[Task]:
    """Tasks about the person, directly or through a case about them, that the user may see."""
    qs = task_list_visible(user=user).filter(Q(person_id=person.pk) | Q(case__person_id=person.pk))
    return order_overdue_first(_by_status(qs, status), status).select_related(*LIST_RELATED)


def task_count_overdue(*, user: User) -> int:
    """How many of the user's own open tasks are overdue (for the navigation, one query)."""
    return (
        task_list_visible(user=user)
        .filter(assigned_to_user_id=user.pk, status=TaskStatus.OPEN, due_date__lt=clock.today())
        .count()
    )


def task_get_for_user(*, user: User, task_id: int, purpose: str = "viewed") -> Task:
    """The task if the user may see it, else Http404 (the same as for no such task).

    A task about a person shows their name, so opening it writes an AccessEvent "tasks.task_<purpose>".
    """
    task = (
        task_list_visible(user=user)
        .select_related(*LIST_RELATED, "organisation", "completed_by", "cancelled_by", "created_by")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404("No task found")
    person_id = task.person_id or (task.case.person_id if task.case is not None else None)
    access_record(
        user=user,
        verb=f"tasks.task_{purpose}",
        obj=task,
        case_id=task.case_id,
        person_id=person_id,
        organisation_id=task.organisation_id,
    )
    return task


def case_task_assignee(*, case: Case) -> tuple[User | None, Team | None]:
    """Who a task about the case should go to: its primary worker, else its allocated team.

    Either must belong to the organisation holding the case; with neither it is (None, None) and the caller
    chooses. For the duty desk's review requests and the like.
    """
    holder = holding_organisation_id(case)
    # A foreign key whose id is None is None without a query: these read what the ids' checks read.
    if case.primary_worker is not None and holder in actor_for(case.primary_worker).editing_organisation_ids:
        return case.primary_worker, None
    if case.allocated_team is not None and case.allocated_team.organisation_id == holder:
        return None, case.allocated_team
    return None, None


def case_has_open_tasks_expression() -> Exists:
    """Whether a case has any open task (anyone's), as an expression on its row (read with the case by its
    page)."""
    return Exists(Task.objects.filter(case_id=OuterRef("pk"), status=TaskStatus.OPEN))


def tasks_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    return [("tasks", model_rows(Task.objects.filter(Q(person_id=person_id) | Q(case__person_id=person_id))))]
