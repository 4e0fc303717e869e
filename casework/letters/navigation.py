"""The letter templates in the navigation."""

from casework.core.navigation import nav_register
from casework.core.permissions import has_perm

nav_register(
    "Letters", "letters:templates", order=170, shown=lambda user: has_perm(user, "letters.manage_templates")
)
