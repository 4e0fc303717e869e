"""The letter templates in the navigation."""

from casework.cases.workspace import value_register
from casework.core.navigation import nav_register
from casework.core.permissions import has_perm
from casework.letters.selectors import case_has_letters_expression

nav_register(
    "Letters", "letters:templates", order=170, shown=lambda user: has_perm(user, "letters.manage_templates")
)


def _case_has_letters(user):
    return case_has_letters_expression()


# The case's letters are in its "Waiting lists and letters" section (waiting_list/navigation.py).
value_register("has_letters", _case_has_letters)
