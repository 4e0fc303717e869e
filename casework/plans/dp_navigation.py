"""The case's direct payments, a section of the case workspace (cases/workspace.py): the agreement, its
payment schedule, audit returns and surplus decisions."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from casework.accounts.models import User
from casework.cases.choices import CaseStage
from casework.cases.workspace import reached_from, section_register
from casework.core.permissions import has_perm
from casework.plans import dp_schedule
from casework.plans.dp_selectors import case_direct_payments_get_for_user
from casework.plans.dp_services import dp_support_plan_for
from casework.reviews.selectors import dp_first_review_due


def case_direct_payments_context(request: HttpRequest, case: Any, header: dict[str, Any]) -> dict[str, Any]:
    user = cast(User, request.user)  # every page needs a sign-in (core middleware)
    found = case_direct_payments_get_for_user(user=user, case=case)
    first = found.first_payment_on
    can_manage = case.is_open and has_perm(user, "plans.manage_direct_payments_case", case)
    return {
        "direct_payments": found,
        "dp_first_review_due": dp_first_review_due(case=case, first_payment_on=first) if first else None,
        "dp_contingency_weeks": dp_schedule.CONTINGENCY_WEEKS,
        "can_manage_direct_payments": can_manage,
        "dp_plan_ready": can_manage and found.current is None and dp_support_plan_for(case=case) is not None,
    }


section_register(
    "direct_payments",
    "Direct payments",
    path="direct-payments",
    order=47,
    template="plans/dp/case_section.html",
    context=case_direct_payments_context,
    shown=lambda user, case: has_perm(user, "plans.view_direct_payments_case", case),
    reached=reached_from(CaseStage.PLANNING),
    unlocks="Direct payments follow a support plan that takes the budget as a direct payment.",
    opens_at=(),
)
