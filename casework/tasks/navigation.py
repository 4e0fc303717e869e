"""Tasks in the navigation, and the user's tasks due on the home page."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from casework.accounts.models import User
from casework.cases.workspace import value_register
from casework.core import clock
from casework.core.navigation import home_register, nav_register
from casework.core.permissions import has_perm
from casework.tasks.selectors import case_has_open_tasks_expression, my_tasks

HOME_TASKS = 5


def tasks_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The user's open tasks, the earliest due first, with how many are overdue and due today."""

    user = request.user
    if not isinstance(user, User) or not has_perm(user, "tasks.view_my_tasks"):
        return None
    mine = my_tasks(user=user)
    today = clock.today()
    counts = mine.order_by().aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(due_date__lt=today)),
        due_today=Count("id", filter=Q(due_date=today)),
    )
    return {"tasks": list(mine[:HOME_TASKS]), "counts": counts, "today": today}


nav_register("Tasks", "tasks:my_tasks", order=70, shown=lambda user: has_perm(user, "tasks.view_my_tasks"))
home_register("tasks", order=30, template="tasks/home/_tasks.html", context=tasks_panel)


def _case_has_open_tasks(user: Any):
    return case_has_open_tasks_expression()


# The case's open tasks are on its overview (cases/workspace.py): a case without any reads none.
value_register("has_open_tasks", _case_has_open_tasks)
