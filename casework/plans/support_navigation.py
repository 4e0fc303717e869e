"""The case's support plan, a section of the case workspace (cases/workspace.py)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from casework.accounts.models import User
from casework.cases.choices import CaseStage
from casework.cases.policies import holding_organisation_id
from casework.cases.workspace import reached_from, section_register
from casework.core.permissions import has_perm
from casework.plans import no_surprise
from casework.plans.budgets import approval_limit_for, role_name
from casework.plans.support_display import plan_rows
from casework.plans.support_selectors import case_support_plan_get_for_user


def case_support_plan_context(request: HttpRequest, case: Any, header: dict[str, Any]) -> dict[str, Any]:
    user = cast(User, request.user)  # every page needs a sign-in (core middleware)
    found = case_support_plan_get_for_user(user=user, case=case)
    can_activate = case.is_open and has_perm(user, "plans.activate_support_plan_case", case)
    level = None
    if can_activate and found.draft is not None:
        level = approval_limit_for(user=user, organisation_id=holding_organisation_id(case))
    awaiting = (
        no_surprise.services_awaiting_estimate(case=case, plan=found.draft, before=found.active)
        if found.draft is not None
        else []
    )
    return {
        "support": found,
        "estimate_sent_on": no_surprise.first_estimate_sent_on(case) if found.draft or found.active else None,
        "awaiting_estimate": awaiting,
        "draft": plan_rows(found.draft) if found.draft else None,
        "active": plan_rows(found.active) if found.active else None,
        "can_record_plan": case.is_open and has_perm(user, "plans.record_support_plan_case", case),
        "can_activate_plan": can_activate,
        "approval_level": level,
        "approval_role": role_name(level.role) if level else "",
        "within_limit": level is not None
        and found.draft is not None
        and level.covers(found.draft.annual_cost),
    }


section_register(
    "support_plan",
    "Support plan",
    path="support-plan",
    order=46,
    template="plans/support/case_section.html",
    context=case_support_plan_context,
    shown=lambda user, case: has_perm(user, "plans.view_support_plan_case", case),
    reached=reached_from(CaseStage.PLANNING),
    unlocks="The support plan is written at Planning, once the person's eligible needs are determined.",
)
