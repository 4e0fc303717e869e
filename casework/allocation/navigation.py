"""The allocation rules in the navigation."""

from casework.core.navigation import nav_register
from casework.core.permissions import has_perm

nav_register(
    "Allocation rules",
    "allocation:rules",
    order=120,
    shown=lambda user: has_perm(user, "allocation.manage_allocation_rules"),
)
