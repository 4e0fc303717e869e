"""Who sees the services being charged for without a completed financial assessment (no surprise bills):
the organisation's team managers, case managers and organisation admins. Queryset twin:
charging_backlog_organisation_ids."""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.core.permissions import register

ROLES = (Role.TEAM_MANAGER, Role.CASE_MANAGER, Role.ORG_ADMIN)


def charging_backlog_organisation_ids(user: AnyUser) -> frozenset[int]:
    """The organisations whose backlog the user sees (the twin of plans.view_charging_backlog)."""
    return actor_for(user).organisations_with_role(*ROLES)


@register("plans.view_charging_backlog")
def can_view_charging_backlog(user: AnyUser, organisation_id: int | None = None) -> bool:
    ids = charging_backlog_organisation_ids(user)
    return bool(ids) if organisation_id is None else organisation_id in ids
