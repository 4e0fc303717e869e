"""The auditors' pages in the navigation."""

from casework.accounts.selectors import actor_for
from casework.core.navigation import nav_register

nav_register(
    "Break-glass review",
    "audit:break_glass_review_list",
    order=190,
    shown=lambda user: bool(actor_for(user).auditing_organisation_ids),
)
