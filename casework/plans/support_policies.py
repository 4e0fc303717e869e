"""Who may read, record and activate a case's support plan. Queryset twins in support_selectors.py.

Reading follows reading the case; recording (saving a version, signing off, suspending and restarting a
service) follows working the case. Activating follows holding an approving role at the organisation holding
the open case (as approving a budget does); how much each may activate is the organisation's approval limits,
checked by the service.
"""

from casework.accounts.models import AnyUser
from casework.cases.models import Case
from casework.core.permissions import register
from casework.plans.budget_policies import can_approve_budget, can_record_budget, can_view_budget


@register("plans.view_support_plan_case")
def can_view_support_plan(user: AnyUser, case: Case) -> bool:
    return can_view_budget(user, case)


@register("plans.record_support_plan_case")
def can_record_support_plan(user: AnyUser, case: Case) -> bool:
    return can_record_budget(user, case)


@register("plans.activate_support_plan_case")
def can_activate_support_plan(user: AnyUser, case: Case) -> bool:
    return can_approve_budget(user, case)
