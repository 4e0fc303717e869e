"""Referrals in the navigation, and the new ones on a delivery worker's home page."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from casework.accounts.models import User
from casework.cases.choices import CaseStage
from casework.cases.workspace import reached_from, section_register, value_register
from casework.core.navigation import home_register, nav_register
from casework.core.permissions import has_perm
from casework.referrals.choices import ReferralStatus
from casework.referrals.selectors import case_has_referrals_expression, referral_worklist


def referrals_panel(request: HttpRequest) -> dict[str, Any] | None:
    """How many referrals sent to the user's organisations wait to be accepted or declined, and how many are
    being worked."""

    user = request.user
    if not isinstance(user, User) or not has_perm(user, "referrals.view_worklist"):
        return None
    counts = (
        referral_worklist(user=user)
        .order_by()
        .aggregate(
            new=Count("id", filter=Q(status=ReferralStatus.SENT)),
            open=Count("id"),
        )
    )
    return {"counts": counts}


nav_register(
    "Referrals", "referrals:worklist", order=90, shown=lambda user: has_perm(user, "referrals.view_worklist")
)
home_register("referrals", order=25, template="referrals/home/_referrals.html", context=referrals_panel)


# The case workspace (cases/workspace.py): consent to share and the referrals that rely on it, together.


def _case_has_referrals(user: Any):
    return case_has_referrals_expression()


value_register("has_referrals", _case_has_referrals)
section_register(
    "sharing",
    "Consent and referrals",
    path="consent-and-referrals",
    order=50,
    template="referrals/case_section.html",
    context=lambda request, case, header: {},
    # Referrals pass on the needs the assessment found; they deliver the support.
    reached=reached_from(CaseStage.ASSESSMENT),
    unlocks="Referrals pass on the needs found, so they start with the assessment.",
    opens_at=(CaseStage.SUPPORT,),
    values=("has_consents", "has_referrals"),
)
