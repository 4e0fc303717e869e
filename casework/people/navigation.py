"""The people pages in the navigation."""

from casework.core.navigation import nav_register
from casework.core.permissions import has_perm

nav_register(
    "Find a person",
    "people:person_search",
    order=10,
    shown=lambda u: has_perm(u, "people.search_index"),
)
nav_register(
    "Add a person",
    "people:person_create",
    order=20,
    shown=lambda u: has_perm(u, "people.create_person"),
)
