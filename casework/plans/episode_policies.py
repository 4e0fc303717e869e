"""Who may read and record a case's crisis and enablement episodes. Queryset twins in episode_selectors.py.

Reading follows reading the case; recording follows working the case (its workers and team managers)."""

from casework.accounts.models import AnyUser
from casework.cases.models import Case
from casework.cases.policies import can_view_case, can_work_case
from casework.core.permissions import register


@register("plans.view_episodes_case")
def can_view_episodes(user: AnyUser, case: Case) -> bool:
    return can_view_case(user, case)


@register("plans.record_episode_case")
def can_record_episode(user: AnyUser, case: Case) -> bool:
    return can_work_case(user, case)
