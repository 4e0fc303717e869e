"""What accounts adds to the navigation: the failed background jobs of an organisation admin's
organisations."""

from casework.accounts.choices import Role
from casework.accounts.selectors import actor_for
from casework.core.navigation import nav_register

nav_register(
    "Failed jobs",
    "accounts:job_failures",
    order=180,
    shown=lambda user: bool(actor_for(user).organisations_with_role(Role.ORG_ADMIN)),
)
