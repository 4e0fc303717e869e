"""Retention in the navigation, for those who govern records (organisation admins and auditors)."""

from casework.core.navigation import nav_register
from casework.core.permissions import has_perm

nav_register(
    "Retention",
    "retention:run_list",
    order=190,
    shown=lambda user: has_perm(user, "retention.govern_records"),
)
