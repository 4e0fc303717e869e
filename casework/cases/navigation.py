"""The case pages in the navigation, and the worker's own cases on the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from casework.accounts.choices import Role
from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.core.navigation import home_register, nav_register
from casework.core.permissions import has_perm

HOME_CASES = 5


def holds_cases_as(user: Any, *roles: Role) -> bool:
    """Whether the user holds one of the roles in an organisation that holds cases (not a delivery one)."""
    actor = actor_for(user)
    return bool(actor.organisations_with_role(*roles) & actor.case_holding_organisation_ids)


def shows_my_cases(user: Any) -> bool:
    return holds_cases_as(user, Role.PRACTITIONER, Role.TEAM_MANAGER, Role.CASE_MANAGER) and has_perm(
        user, "cases.list_my_cases"
    )


def shows_case_index(user: Any) -> bool:
    actor = actor_for(user)
    return bool(
        actor.lead_of_initiative_ids or actor.case_holding_organisation_ids or actor.auditing_organisation_ids
    )


def my_cases_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The worker's open cases, the first few, each with what is next."""
    from casework.cases import lifecycle, selectors
    from casework.people.selectors import person_names_reveal

    user = request.user
    if not isinstance(user, User) or not shows_my_cases(user):
        return None
    mine = selectors.my_cases(user=user)
    cases = list(mine[:HOME_CASES])
    person_names_reveal(user=user, people=[case.person for case in cases if case.person_id])
    rows = [(case, lifecycle.NEXT_STEP[case.stage]) for case in cases]
    total = mine.count() if len(cases) == HOME_CASES else len(cases)
    return {"rows": rows, "total": total}


nav_register("My cases", "cases:my_cases", order=30, shown=shows_my_cases)
nav_register(
    "Team worklist",
    "cases:worklist",
    order=40,
    shown=lambda user: holds_cases_as(user, Role.PRACTITIONER, Role.TEAM_MANAGER),
)
nav_register("Case index", "cases:case_index", order=110, shown=shows_case_index)
nav_register(
    "Closing outcomes", "cases:case_outcomes", order=140, shown=lambda u: has_perm(u, "cases.manage_outcomes")
)
home_register("my_cases", order=20, template="cases/home/_my_cases.html", context=my_cases_panel)
