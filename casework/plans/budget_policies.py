"""Who may set resource allocation, and read, record and approve a case's budget. Queryset twins in
budget_selectors.py.

The organisation admin keeps the RAS questionnaire and the budget settings (threshold, approval limits).
Reading a case's budget follows reading the case; recording it (the indicative budget, the personal budget,
sending it for approval) follows working the case. Approving follows holding an approving role (team manager,
or case manager: the head of service's level) at the organisation holding the open case; how much each may
approve is the organisation's approval limits, checked by the service.
"""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.cases.models import Case
from casework.cases.policies import can_view_case, can_work_case, holding_organisation_id
from casework.core.permissions import register
from casework.plans.budget_choices import APPROVING_ROLES


@register("plans.manage_budget_settings")
def can_manage_budget_settings(user: AnyUser, organisation_id: int | None = None) -> bool:
    """The organisation admin sets the RAS questionnaire, the difference threshold and the approval limits."""
    actor = actor_for(user)
    if organisation_id is None:
        return bool(actor.organisations_with_role(Role.ORG_ADMIN))
    return actor.has_role(Role.ORG_ADMIN, organisation_id)


@register("plans.view_budget_case")
def can_view_budget(user: AnyUser, case: Case) -> bool:
    return can_view_case(user, case)


@register("plans.record_budget_case")
def can_record_budget(user: AnyUser, case: Case) -> bool:
    return can_work_case(user, case)


@register("plans.approve_budget_case")
def can_approve_budget(user: AnyUser, case: Case) -> bool:
    if not case.is_open or not can_view_case(user, case):
        return False
    actor = actor_for(user)
    return any(actor.has_role(role, holding_organisation_id(case)) for role in APPROVING_ROLES)
