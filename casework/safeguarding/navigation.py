"""Safeguarding concerns in the navigation, for the members of a safeguarding team."""

from casework.accounts.selectors import actor_for
from casework.core.navigation import nav_register

nav_register(
    "Safeguarding",
    "safeguarding:concern_list",
    order=80,
    shown=lambda user: bool(actor_for(user).safeguarding_team_ids),
)
