"""The waiting list in the navigation, and its breaches on a team manager's home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from casework.accounts.choices import Role
from casework.accounts.models import User
from casework.cases.choices import CaseStage
from casework.cases.navigation import holds_cases_as
from casework.cases.workspace import reached_from, section_register, value_register
from casework.core.navigation import home_register, nav_register
from casework.core.permissions import has_perm
from casework.waiting_list.selectors import (
    case_has_waiting_entries_expression,
    waiting_counts,
    waiting_list_visible,
)


def breaches_panel(request: HttpRequest) -> dict[str, Any] | None:
    """For team managers: how many on their lists are past their due date, and how many are due soon."""

    user = request.user
    if not isinstance(user, User) or not holds_cases_as(user, Role.TEAM_MANAGER):
        return None
    counts = waiting_counts(waiting_list_visible(user=user))
    return {"counts": counts}


nav_register(
    "Waiting list",
    "waiting_list:waiting_list",
    order=50,
    shown=lambda user: holds_cases_as(user, Role.TEAM_MANAGER, Role.DUTY_OFFICER, Role.PRACTITIONER),
)
nav_register(
    "Timescales",
    "waiting_list:timescales",
    order=160,
    shown=lambda user: has_perm(user, "waiting_list.manage_timescales"),
)
home_register(
    "waiting_breaches", order=40, template="waiting_list/home/_breaches.html", context=breaches_panel
)


# The case workspace (cases/workspace.py): the case's waiting lists and the letters sent about it.


def _case_has_waiting_entries(user: Any):
    return case_has_waiting_entries_expression()


value_register("has_waiting_entries", _case_has_waiting_entries)
section_register(
    "waiting",
    "Waiting lists and letters",
    path="waiting-lists-and-letters",
    order=60,
    template="waiting_list/case_section.html",
    context=lambda request, case, header: {},
    reached=reached_from(CaseStage.CONTACT),
    unlocks="Waiting lists and letters start with contact, when a worker accepts the case.",
    values=("has_waiting_entries", "has_letters"),
)
