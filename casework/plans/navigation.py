"""The case's money (financial assessment), a section of the case workspace (cases/workspace.py)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.cases.choices import CaseStage
from casework.cases.workspace import reached_from, section_register
from casework.core.navigation import nav_register
from casework.core.permissions import has_perm
from casework.plans.budget_choices import APPROVING_ROLES
from casework.plans.budget_views import budget_money_context
from casework.plans.selectors import financial_assessment_current_get_for_user


def case_money_context(request: HttpRequest, case: Any, header: dict[str, Any]) -> dict[str, Any]:
    user = cast(User, request.user)  # every page needs a sign-in (core middleware)
    current = financial_assessment_current_get_for_user(user=user, case=case)
    sections = []
    if current is not None and current.lines:
        titles = {"capital": "Capital", "income": "Income", "allowances": "Allowances", "charge": "Charge"}
        sections = [
            (title, [line for line in current.lines if line["section"] == key])
            for key, title in titles.items()
        ]

    return {
        **budget_money_context(user, case),
        "assessment": current,
        "assessment_sections": sections,
        "can_record_assessment": case.is_open
        and has_perm(user, "plans.record_financial_assessment_case", case),
    }


section_register(
    "money",
    "Money",
    path="money",
    order=45,
    template="plans/case_section.html",
    context=case_money_context,
    shown=lambda user, case: has_perm(user, "plans.view_financial_assessment_case", case),
    reached=reached_from(CaseStage.ASSESSMENT),
    unlocks="The financial assessment starts with the assessment of the person's needs.",
    opens_at=(),
)


def _approves_budgets(user: Any) -> bool:
    return bool(actor_for(user).organisations_with_role(*APPROVING_ROLES))


nav_register("Budget approvals", "plans:budget_approvals", order=75, shown=_approves_budgets)
nav_register(
    "Resource allocation",
    "plans:ras_overview",
    order=175,
    shown=lambda user: has_perm(user, "plans.manage_budget_settings"),
)
from casework.plans import (  # noqa: E402  (the "Episodes" and "Support plan" sections)
    episode_navigation,  # noqa: F401
    support_navigation,  # noqa: F401
)

nav_register(
    "Charging figures",
    "plans:charging_figures",
    order=176,
    shown=lambda user: has_perm(user, "plans.manage_charging_figures"),
)
nav_register(
    "Charges not yet assessed",
    "plans:charging_backlog",
    order=76,
    shown=lambda user: has_perm(user, "plans.view_charging_backlog"),
)
from casework.plans import dp_navigation  # noqa: E402,F401  (the "Direct payments" section)
