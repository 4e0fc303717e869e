"""The open tasks of a case, on its overview (cases/workspace.py): one query, none for a case without any."""

from django import template
from django.urls import reverse

from casework.core.permissions import has_perm
from casework.tasks import selectors

register = template.Library()


@register.inclusion_tag("tasks/_tasks_card.html")
def case_tasks(case, user):
    # A case read for its workspace says whether it has any open task (the "has_open_tasks" value): if not,
    # no query.
    tasks = []
    if getattr(case, "has_open_tasks", True):
        tasks = list(selectors.tasks_for_case(user=user, case=case)[:20])
    return {
        "tasks": tasks,
        "add_url": f"{reverse('tasks:task_add')}?case={case.pk}"
        if has_perm(user, "tasks.add_task_case", case)
        else "",
        "about": case.reference,
    }
