"""The safeguarding part of a case's overview (cases/workspace.py): the flag for everyone who may open the
case, the concerns for those who may read them (one query, none without a concern), and raising one."""

from django import template

from casework.core.permissions import has_perm
from casework.safeguarding import selectors

register = template.Library()


@register.inclusion_tag("safeguarding/_case_safeguarding.html")
def case_safeguarding(case, user):
    # The case header reads the flag with the case (the "safeguarding_flag" value).
    flag = getattr(case, "safeguarding_flag", None)
    if flag is None:
        flag = selectors.case_has_concern(case=case)
    return {
        "case": case,
        "safeguarding_flag": flag,
        # No concern on the case, none to list.
        "safeguarding_concerns": selectors.concerns_for_case(user=user, case=case) if flag else [],
        "can_raise_concern": case.person_id is not None and has_perm(user, "safeguarding.raise_concern"),
    }
