"""Subject access requests in the navigation, for those who handle them (auditors)."""

from casework.accounts.selectors import actor_for
from casework.core.navigation import nav_register

nav_register(
    "Subject access",
    "subjectaccess:request_list",
    order=185,
    shown=lambda user: bool(actor_for(user).auditing_organisation_ids),
)
