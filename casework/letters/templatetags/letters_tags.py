"""The letters panel of the case page: one query, without the PDFs."""

from django import template

from casework.core.permissions import has_perm
from casework.letters import selectors

register = template.Library()


@register.inclusion_tag("letters/_case_letters.html")
def case_letters(case, user):
    return {"case": case, "letters": list(selectors.letters_for_case(case=case)[:20]),
            "can_send": case.person_id is not None and has_perm(user, "letters.send_letter", case)}
