"""Identify in the navigation (for the lead's initiative admins and risk analysts), and the case workspace's
"Risk index" section: why the case's person is on it, for those who may see the case (the holding
organisation's workers see the category and reasons on the cases they hold, nothing else)."""

from typing import Any

from django.http import HttpRequest

from casework.cases.workspace import section_register
from casework.core.navigation import nav_register
from casework.core.permissions import has_perm
from casework.risk.cohort_selectors import case_index_explanation

nav_register("Identify", "risk:home", order=115, shown=lambda user: has_perm(user, "risk.use_identify"))


def case_risk_index_context(request: HttpRequest, case: Any, header: dict[str, Any]) -> dict[str, Any]:
    return {"index_row": case_index_explanation(case=case)}


section_register(
    "risk_index",
    "Risk index",
    path="risk-index",
    order=15,
    template="risk/case_section.html",
    context=case_risk_index_context,
    shown=lambda user, case: has_perm(user, "cases.view_case", case),
)
