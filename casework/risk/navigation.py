"""Identify in the navigation: for the lead's initiative admins and risk analysts."""

from casework.core.navigation import nav_register
from casework.core.permissions import has_perm

nav_register("Identify", "risk:home", order=115, shown=lambda user: has_perm(user, "risk.use_identify"))
