"""The letters panel of the case page: one query, without the PDFs."""

from django import template

from casework.core.permissions import has_perm
from casework.letters import selectors

register = template.Library()


@register.inclusion_tag("letters/_case_letters.html")
def case_letters(case, user):
    # A case read for its page says whether it has any letter (cases.views._case_page_also): if not, no query.
    letters = list(selectors.letters_for_case(case=case)[:20]) if getattr(case, "has_letters", True) else []
    return {
        "case": case,
        "letters": letters,
        "can_send": case.person_id is not None and has_perm(user, "letters.send_letter", case),
    }
