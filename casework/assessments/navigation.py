"""The assessment settings pages in the navigation."""

from casework.core.navigation import nav_register
from casework.core.permissions import has_perm

nav_register(
    "Need definitions",
    "assessments:need_definitions",
    order=130,
    shown=lambda user: has_perm(user, "assessments.manage_need_definitions"),
)
nav_register(
    "Assessment forms",
    "assessments:assessment_forms",
    order=150,
    shown=lambda user: has_perm(user, "assessments.manage_forms"),
)
