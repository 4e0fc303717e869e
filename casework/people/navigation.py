"""The people pages in the navigation, and the auditors' break-glass review."""

from casework.accounts.selectors import actor_for
from casework.cases.workspace import value_register
from casework.core.navigation import nav_register
from casework.core.permissions import has_perm
from casework.people.selectors import break_glass_active_expression

nav_register(
    "Find a person", "people:person_search", order=10, shown=lambda u: has_perm(u, "people.search_index")
)
nav_register(
    "Add a person", "people:person_create", order=20, shown=lambda u: has_perm(u, "people.create_person")
)
nav_register(
    "Break-glass review",
    "people:break_glass_review_list",
    order=190,
    shown=lambda user: bool(actor_for(user).auditing_organisation_ids),
)


def _break_glass_active(user):
    return break_glass_active_expression(user=user)


# The case header flags a case whose person the user holds break-glass access to.
value_register("break_glass_active", _break_glass_active, header=True)
