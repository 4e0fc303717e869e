"""The case's money (financial assessment), a section of the case workspace (cases/workspace.py)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from casework.accounts.models import User
from casework.cases.choices import CaseStage
from casework.cases.workspace import reached_from, section_register
from casework.core.permissions import has_perm


def case_money_context(request: HttpRequest, case: Any, header: dict[str, Any]) -> dict[str, Any]:
    from casework.plans.selectors import financial_assessment_current_get_for_user

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
