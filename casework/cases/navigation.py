"""The case pages in the navigation, and the worker's own cases on the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from casework.accounts.choices import Role
from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.cases import lifecycle, selectors
from casework.cases.choices import CaseStage
from casework.cases.selectors import case_stage_reached_expression
from casework.cases.views import overview_context, timeline_context
from casework.cases.workspace import section_register, value_register
from casework.core.navigation import home_register, nav_register
from casework.core.permissions import has_perm
from casework.people.selectors import person_names_reveal

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
nav_register("Case index", "cases:case_index", order=110, shown=shows_case_index)
nav_register(
    "Closing outcomes", "cases:case_outcomes", order=140, shown=lambda u: has_perm(u, "cases.manage_outcomes")
)
home_register("my_cases", order=20, template="cases/home/_my_cases.html", context=my_cases_panel)


# The case workspace (cases/workspace.py): the overview and the timeline are the cases app's own sections.


def _stage_reached(user: Any):
    return case_stage_reached_expression()


value_register("stage_reached", _stage_reached, header=True)
section_register(
    "overview",
    "Overview",
    path="overview",
    order=10,
    template="cases/workspace/_overview.html",
    context=overview_context,
    # Before a worker holds the case, and once the support is reviewed or the case closes, what is next is
    # on the overview: the stages, the moves and who holds the case.
    opens_at=(CaseStage.INTAKE, CaseStage.AWAITING_ALLOCATION, CaseStage.REVIEW, CaseStage.CLOSING),
    values=("has_open_tasks",),
)
section_register(
    "timeline",
    "Timeline",
    path="timeline",
    order=90,
    template="cases/workspace/_timeline.html",
    context=timeline_context,
)
