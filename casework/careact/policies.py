"""Who may read and record the Care Act steps of a case. Queryset twins in selectors.py.

Reading follows the case: whoever may open it (cases.view_case: the holding organisation's caseworkers and
auditors; not the lead organisation as such, not delivery organisations). Recording follows working the case
(cases.work_case: its assigned workers and the holding organisation's team managers, while it is open). An
exception to waiting for an advocate is a team manager's decision, never a practitioner's.
"""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.cases.models import Case
from casework.cases.policies import can_view_case, can_work_case, holding_organisation_id
from casework.core.permissions import register


@register("careact.view_steps_case")
def can_view_steps(user: AnyUser, case: Case) -> bool:
    return can_view_case(user, case)


@register("careact.record_steps_case")
def can_record_steps(user: AnyUser, case: Case) -> bool:
    return can_work_case(user, case)


@register("careact.record_advocacy_exception_case")
def can_record_advocacy_exception(user: AnyUser, case: Case) -> bool:
    """A team manager of the organisation holding the open case."""
    return can_work_case(user, case) and actor_for(user).has_role(
        Role.TEAM_MANAGER, holding_organisation_id(case)
    )
