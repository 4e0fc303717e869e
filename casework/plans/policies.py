"""Who may read and record a case's financial assessment. Queryset twins in selectors.py.

Reading follows the case (cases.view_case: the holding organisation's caseworkers and auditors). Starting
and completing one follows working the case (cases.work_case: its workers and the holding organisation's
team managers, while it is open).
"""

from casework.accounts.models import AnyUser
from casework.cases.models import Case
from casework.cases.policies import can_view_case, can_work_case
from casework.core.permissions import register


@register("plans.view_financial_assessment_case")
def can_view_financial_assessment(user: AnyUser, case: Case) -> bool:
    return can_view_case(user, case)


@register("plans.record_financial_assessment_case")
def can_record_financial_assessment(user: AnyUser, case: Case) -> bool:
    return can_work_case(user, case)


from casework.plans import (  # noqa: E402,F401  (registers the budgets', episodes' and support plans' permissions)
    backlog_policies,
    budget_policies,
    dp_policies,
    episode_policies,
    figures_policies,
    support_policies,
)
