"""Who may act on other users' accounts. The queryset twin of each predicate is named beside it."""

from __future__ import annotations

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser, Membership, User
from casework.accounts.selectors import actor_for
from casework.core.permissions import register


@register("accounts.reset_mfa")
def can_reset_mfa(user: AnyUser, target: User) -> bool:
    """An organisation admin may reset the multi-factor sign-in of an active member of their organisation, but
    not their own (another admin does that). Twin: casework.accounts.mfa.user_list_for_mfa_admin."""
    if not getattr(user, "is_authenticated", False) or target.pk == user.pk:
        return False
    administered = actor_for(user).organisations_with_role(Role.ORG_ADMIN)
    return (
        bool(administered)
        and Membership.objects.filter(user=target, organisation_id__in=administered, is_active=True).exists()
    )
