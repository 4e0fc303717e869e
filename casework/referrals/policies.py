"""Who sees and works referrals. Predicates here; queryset twins in selectors.py.

Two sides. The organisation holding the case (whoever may open it) sees its referrals in full and makes them
(whoever may work it). The delivery organisation's casework staff see the referrals sent to it, and only what
the basis cites covers, worked out live (sharing.py); its staff who change records (not case managers) accept
or decline them, record the plan and actions, update the referred needs and close them. A delivery
organisation never opens the case, the person, the assessment or the consent record: a referral is not a
relationship with the person (it is not registered as one in people/policies.py).
"""

from __future__ import annotations

from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.cases.models import Case
from casework.core.permissions import has_perm, register
from casework.referrals.models import Referral
from casework.referrals.selectors import delivery_organisation_ids


@register("referrals.make_referral")
def can_make_referral(user: AnyUser, case: Case) -> bool:
    return has_perm(user, "cases.work_case", case)


def is_delivery_reader(user: AnyUser, referral: Referral) -> bool:
    """A casework member of the organisation the referral was sent to."""
    actor = actor_for(user)
    return (
        referral.initiative_id in actor.initiative_ids
        and referral.delivery_organisation_id in actor.casework_organisation_ids
    )


@register("referrals.view_referral")
def can_view_referral(user: AnyUser, referral: Referral) -> bool:
    return is_delivery_reader(user, referral) or has_perm(user, "cases.view_case", referral.case)


@register("referrals.work_referral")
def can_work_referral(user: AnyUser, referral: Referral) -> bool:
    """Accept, decline, record the plan and actions, update the needs, close: the delivery organisation's
    staff who change records."""
    actor = actor_for(user)
    return (
        referral.initiative_id in actor.initiative_ids
        and referral.delivery_organisation_id in actor.editing_organisation_ids
    )


@register("referrals.view_worklist")
def can_view_worklist(user: AnyUser) -> bool:
    """The referrals worklist: casework staff of a delivery organisation."""

    return bool(delivery_organisation_ids(user=user))
