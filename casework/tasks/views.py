"""Task pages: my tasks, team tasks, one task and its actions, adding a task from a case or a person.

Thin: each page reads through selectors, writes through services and asks the policies what to offer.
A DomainError is shown on the form (GOV.UK error summary); a refused permission is a 403; a task the user
may not see is a 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from casework.accounts.selectors import team_list_for_organisation, user_list_assignable
from casework.audit.models import AuditEvent
from casework.cases import selectors as case_selectors
from casework.core import clock, limits
from casework.core.pages import require_page_perm as _require
from casework.core.pages import run_form_service
from casework.core.permissions import has_perm
from casework.core.querysets import Pager
from casework.people import selectors as people_selectors
from casework.tasks import selectors, services
from casework.tasks.choices import TaskKind
from casework.tasks.forms import (
    TaskAddForm,
    TaskCancelForm,
    TaskCompleteForm,
    TaskDueForm,
    TaskListFilterForm,
    TaskReassignForm,
)
from casework.tasks.models import Task

PAGE_SIZE = 25

# The audit verbs of a task in plain English, for its history.
EVENT_WORDS = {
    "tasks.task_created": "Added",
    "tasks.task_completed": "Completed",
    "tasks.task_reassigned": "Reassigned",
    "tasks.due_date_changed": "Due date changed",
    "tasks.task_cancelled": "Cancelled",
}


def _task(request, task_id: int, purpose: str = "viewed") -> Task:
    return selectors.task_get_for_user(user=request.user, task_id=task_id, purpose=purpose)


# Lists.


def my_tasks(request):
    _require(request.user, "tasks.view_my_tasks", message="My tasks is for people who work on cases.")
    form = TaskListFilterForm(request.GET)
    form.is_valid()
    shown = selectors.task_list_for_user(
        user=request.user, pager=Pager.of_request(request, PAGE_SIZE), status=form.chosen_status()
    )
    return render(
        request,
        "tasks/my_tasks.html",
        {
            "form": form,
            "page": shown.page,
            "page_range": shown.page_range,
            "today": clock.today(),
            "status": form.chosen_status(),
        },
    )


def team_tasks(request):
    user = request.user
    _require(user, "tasks.view_team_tasks", message="Team tasks is for people who work in a team.")
    teams = selectors.team_list_for_tasks(user=user)
    form = TaskListFilterForm(request.GET, teams=teams)
    form.is_valid()
    shown = selectors.task_list_for_user(
        user=user,
        pager=Pager.of_request(request, PAGE_SIZE),
        scope="team",
        team_id=form.chosen_team_id(),
        status=form.chosen_status(),
    )
    return render(
        request,
        "tasks/team_tasks.html",
        {
            "form": form,
            "page": shown.page,
            "page_range": shown.page_range,
            "today": clock.today(),
            "status": form.chosen_status(),
            "can_add": has_perm(user, "tasks.add_task"),
        },
    )


# One task.


def _assignees(task_or_org_id):
    organisation_id = task_or_org_id.organisation_id if isinstance(task_or_org_id, Task) else task_or_org_id
    return {
        "users": user_list_assignable(organisation_id=organisation_id),
        "teams": team_list_for_organisation(organisation_id=organisation_id),
    }


def task_detail(request, task_id: int):
    user = request.user
    task = _task(request, task_id)
    can_complete = task.is_open and has_perm(user, "tasks.complete_task", task)
    # A check that advice helped is completed by recording its outcome (contacts.advice_check_record).
    advice_check = task.kind == TaskKind.ADVICE_CHECK
    history = list(
        AuditEvent.objects.filter(object_type=Task._meta.label_lower, object_id=str(task.pk))
        .select_related("actor")
        .order_by("sequence")
    )
    for event in history:
        event.words = EVENT_WORDS.get(event.verb, event.verb)
    return render(
        request,
        "tasks/task_detail.html",
        {
            "task": task,
            "today": clock.today(),
            "complete_form": TaskCompleteForm(initial={"version": task.version}, auto_id="complete-%s")
            if can_complete and not advice_check
            else None,
            "advice_check_url": reverse("contacts:advice_check", args=[task.pk])
            if can_complete and advice_check
            else "",
            "can_reassign": task.is_open and has_perm(user, "tasks.reassign_task", task),
            "can_reschedule": task.is_open and has_perm(user, "tasks.reschedule_task", task),
            "can_cancel": task.is_open and has_perm(user, "tasks.cancel_task", task),
            "history": history,
        },
    )


def _action_page(request, task: Task, form, **context):
    context.setdefault("submit_label", "Continue")
    return render(request, "tasks/task_action.html", {"task": task, "form": form, **context})


def task_complete(request, task_id: int):
    task = _task(request, task_id, purpose="opened_for_change")
    _require(
        request.user, "tasks.complete_task", task, "Only the people the task is given to can complete it."
    )
    if task.kind == TaskKind.ADVICE_CHECK:
        return redirect("contacts:advice_check", task.pk)
    form = TaskCompleteForm(request.POST or None, initial={"version": task.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.task_complete(
                user=request.user, task=task, note=d["note"], version=d["version"]
            ),
            f"‘{task.title}’ is done.",
        )
    ):
        return redirect(
            "tasks:my_tasks" if task.assigned_to_user_id == request.user.pk else "tasks:team_tasks"
        )
    return _action_page(request, task, form, heading="Complete the task", submit_label="Mark as done")


def task_reassign(request, task_id: int):
    task = _task(request, task_id, purpose="opened_for_change")
    _require(
        request.user, "tasks.reassign_task", task, "Only the people the task is given to can reassign it."
    )
    form = TaskReassignForm(request.POST or None, initial={"version": task.version}, **_assignees(task))
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.task_reassign(
                user=request.user,
                task=task,
                to_user=d["assigned_to"][0],
                to_team=d["assigned_to"][1],
                reason=d["reason"],
                version=d["version"],
            ),
            lambda: f"The task is now with {task.assignee_name}.",
        )
    ):
        return redirect(task)
    return _action_page(
        request,
        task,
        form,
        heading="Reassign the task",
        submit_label="Reassign the task",
        intro=f"The task is with {task.assignee_name} now.",
    )


def task_change_due(request, task_id: int):
    task = _task(request, task_id, purpose="opened_for_change")
    _require(
        request.user, "tasks.reschedule_task", task, "Only the people the task is given to can change it."
    )
    form = TaskDueForm(request.POST or None, initial={"version": task.version, "due_date": task.due_date})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.task_update_due(
                user=request.user, task=task, due_date=d["due_date"], reason=d["reason"], version=d["version"]
            ),
            "The due date has been changed.",
        )
    ):
        return redirect(task)
    return _action_page(
        request, task, form, heading="Change the due date", submit_label="Change the due date"
    )


def task_cancel(request, task_id: int):
    task = _task(request, task_id, purpose="opened_for_change")
    _require(
        request.user,
        "tasks.cancel_task",
        task,
        "Only a team manager or the person who added the task can cancel it.",
    )
    form = TaskCancelForm(request.POST or None, initial={"version": task.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.task_cancel(
                user=request.user, task=task, reason=d["reason"], version=d["version"]
            ),
            f"‘{task.title}’ is cancelled.",
        )
    ):
        return redirect(task)
    return _action_page(
        request,
        task,
        form,
        heading="Cancel the task",
        submit_label="Cancel the task",
        button_class="govuk-button--warning",
        warning="A cancelled task cannot be reopened. If it needs doing after all, add a new task.",
    )


# Adding a task.


def _subject(request):
    """The case or person the task is about, from ?case= or ?person=; 404 if not visible."""
    case_id, person_id = request.GET.get("case", ""), request.GET.get("person", "")
    if case_id:
        if not limits.id_from(case_id):
            raise Http404("No case found")
        case = case_selectors.case_get_for_user(
            user=request.user, case_id=int(case_id), purpose="opened_for_task"
        )
        _require(
            request.user, "tasks.add_task_case", case, "Only people working on the case can add tasks to it."
        )
        return case, None
    if person_id:
        if not limits.id_from(person_id):
            raise Http404("No person found")
        person = people_selectors.person_get_for_user(
            user=request.user, person_id=int(person_id), purpose="opened_for_task"
        )
        _require(request.user, "tasks.add_task_person", person, "You cannot add tasks about this person.")
        return None, person
    _require(request.user, "tasks.add_task", message="You need a casework role to add tasks.")
    return None, None


def task_add(request):
    user = request.user
    case, person = _subject(request)
    organisation_id = services.owning_organisation_id(
        user=user, case=case, team=None, assignee=None, organisation=None
    )
    if organisation_id is None:
        raise PermissionDenied("You need a casework role to add tasks.")
    assignees = _assignees(organisation_id)
    me = f"user:{user.pk}" if any(u.pk == user.pk for u in assignees["users"]) else ""
    form = TaskAddForm(request.POST or None, initial={"assigned_to": me}, **assignees)
    created = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: created.append(
                services.task_create(
                    user=user,
                    title=d["title"],
                    details=d["details"],
                    kind=d["kind"],
                    due_date=d["due_date"],
                    assigned_to_user=d["assigned_to"][0],
                    assigned_to_team=d["assigned_to"][1],
                    case=case,
                    person=person,
                    source="page",
                )
            ),
            lambda: f"Task added for {created[0].assignee_name}.",
        )
    ):
        return redirect(created[0])
    if case is not None:
        back_url = reverse("cases:case_overview", args=[case.pk])  # the case's tasks are on its overview
    elif person is not None:
        back_url = person.get_absolute_url()
    else:
        back_url = None
    return render(
        request, "tasks/task_add.html", {"form": form, "case": case, "person": person, "back_url": back_url}
    )
