"""The waiting lists panel of the case page: one query, whatever the number of entries."""

from django import template

from casework.core.permissions import has_perm
from casework.waiting_list import selectors

register = template.Library()


@register.inclusion_tag("waiting_list/_case_waiting.html")
def case_waiting(case, user):
    # A case read for its page says whether it has any entry (cases.views._case_page_also): if not, no query.
    entries = []
    if getattr(case, "has_waiting_entries", True):
        entries = list(selectors.waiting_entries_for_case(case=case)[:10])
    return {"case": case, "entries": entries, "can_triage": has_perm(user, "waiting_list.triage_case", case)}
