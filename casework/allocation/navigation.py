"""The team worklist and the allocation rules in the navigation."""

from casework.accounts.choices import Role
from casework.cases.navigation import holds_cases_as
from casework.core.navigation import nav_register
from casework.core.permissions import has_perm

nav_register(
    "Team worklist",
    "allocation:worklist",
    order=40,
    shown=lambda user: holds_cases_as(user, Role.PRACTITIONER, Role.TEAM_MANAGER),
)

nav_register(
    "Allocation rules",
    "allocation:rules",
    order=120,
    shown=lambda user: has_perm(user, "allocation.manage_allocation_rules"),
)
