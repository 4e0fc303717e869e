"""The waiting lists panel of the case page: one query, whatever the number of entries."""

from django import template

from casework.core.permissions import has_perm
from casework.waiting_list import selectors

register = template.Library()


@register.inclusion_tag("waiting_list/_case_waiting.html")
def case_waiting(case, user):
    return {"case": case, "entries": list(selectors.waiting_entries_for_case(case=case)[:10]),
            "can_triage": has_perm(user, "waiting_list.triage_case", case)}
