"""The referrals panel of the case page: a fixed number of queries, whatever the number of referrals."""

from django import template

from casework.core.permissions import has_perm
from casework.referrals import selectors
from casework.referrals.sharing import referral_shared

register = template.Library()


@register.inclusion_tag("referrals/_case_referrals.html")
def case_referrals(case, user):
    referrals = []
    # A case read for its page says whether it has a referral (cases.views._case_page_also): if not, no query.
    if getattr(case, "has_referrals", True):
        referrals = [
            referral_shared(r, side="responsible", summary=True)
            for r in selectors.referrals_for_case_page(user=user, case=case)
        ]
    return {
        "case": case,
        "referrals": referrals,
        "can_refer": has_perm(user, "referrals.make_referral", case),
    }
