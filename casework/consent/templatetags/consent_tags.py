"""The consent panel of the case page: one query for the records and one for the organisations they cover."""

from django import template

from casework.consent import selectors
from casework.core.permissions import has_perm

register = template.Library()


@register.inclusion_tag("consent/_case_consents.html")
def case_consents(case, user):
    records = []
    # A case read for its page says whether it has any record (cases.views._case_page_also): if not, no query.
    if getattr(case, "has_consents", True):
        # The panel names no users: not the joins consent_list_for_case makes for the record's own page.
        records = list(selectors.consent_list_for_case(user=user, case=case).select_related(None)[:50])
    for record in records:
        record.state = selectors.consent_state(record=record)
    return {"case": case, "records": records, "can_record": has_perm(user, "consent.record_consent", case)}
