"""Who may read and manage a case's direct payments. Queryset twins in dp_selectors.py.

Reading follows reading the case's support plan (cases.view_case: the holding organisation's caseworkers and
auditors). Managing them (the agreement, its schedule, audit returns and surplus decisions) follows recording
the support plan (cases.work_case: its workers and the holding organisation's team managers, while it is
open)."""

from casework.accounts.models import AnyUser
from casework.cases.models import Case
from casework.core.permissions import register
from casework.plans.support_policies import can_record_support_plan, can_view_support_plan


@register("plans.view_direct_payments_case")
def can_view_direct_payments(user: AnyUser, case: Case) -> bool:
    return can_view_support_plan(user, case)


@register("plans.manage_direct_payments_case")
def can_manage_direct_payments(user: AnyUser, case: Case) -> bool:
    return can_record_support_plan(user, case)
