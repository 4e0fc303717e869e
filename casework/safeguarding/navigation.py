"""Safeguarding concerns in the navigation, for the members of a safeguarding team."""

from casework.accounts.selectors import actor_for
from casework.cases.workspace import value_register
from casework.core.navigation import nav_register
from casework.safeguarding.selectors import case_has_concern_expression

nav_register(
    "Safeguarding",
    "safeguarding:concern_list",
    order=80,
    shown=lambda user: bool(actor_for(user).safeguarding_team_ids),
)


def _case_has_concern(user):
    return case_has_concern_expression()


# The case header flags a case with a safeguarding concern (everyone who may open the case sees the flag,
# not the detail).
value_register("safeguarding_flag", _case_has_concern, header=True)
