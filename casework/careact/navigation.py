"""The case's Care Act steps, a section of the case workspace (cases/workspace.py)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from casework.accounts.models import User
from casework.careact.selectors import care_act_steps_for_case_section, case_has_steps_expression
from casework.cases.choices import CaseStage
from casework.cases.workspace import reached_from, section_register, value_register
from casework.core.permissions import has_perm


def case_care_act_context(request: HttpRequest, case: Any, header: dict[str, Any]) -> dict[str, Any]:
    return {
        "care_act": care_act_steps_for_case_section(
            user=cast(User, request.user),  # every page needs a sign-in (core middleware)
            case=case,
            recorded=getattr(case, "has_care_act_records", True),
        )
    }


def _case_has_steps(user: Any):
    return case_has_steps_expression()


value_register("has_care_act_records", _case_has_steps)
section_register(
    "care_act",
    "Care Act",
    path="care-act",
    order=40,
    template="careact/case_section.html",
    context=case_care_act_context,
    shown=lambda user, case: has_perm(user, "careact.view_steps_case", case),
    # Advocacy is decided before the assessment, so the steps start with contact; eligibility and what comes
    # before long-term support are the planning stage's work, where the case opens at them.
    reached=reached_from(CaseStage.CONTACT),
    unlocks="The Care Act steps start when a worker accepts the case: advocacy is decided before the "
    "assessment.",
    opens_at=(CaseStage.PLANNING,),
    values=("has_care_act_records",),
)
