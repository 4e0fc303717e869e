"""Who sees safeguarding concerns: the organisation's safeguarding team, the allocated worker, and managers.
Nobody else, even inside the organisation, even with the case open. Queryset twin in selectors.py."""

from casework.accounts.choices import Role
from casework.accounts.selectors import actor_for
from casework.core.permissions import register
from casework.safeguarding.models import SafeguardingConcern


def safeguarding_team_ids(user) -> frozenset[int]:
    """The user's teams that are safeguarding teams (resolved with the user's memberships, no query)."""
    return actor_for(user).safeguarding_team_ids


@register("safeguarding.view_concern")
def can_view_concern(user, concern: SafeguardingConcern) -> bool:
    actor = actor_for(user)
    if concern.routed_to_team_id in safeguarding_team_ids(user):
        return True
    if actor.has_role(Role.TEAM_MANAGER, concern.organisation_id) or actor.has_role(
            Role.CASE_MANAGER, concern.organisation_id):
        return True
    return concern.case_id is not None and concern.case.primary_worker_id == user.pk


@register("safeguarding.raise_concern")
def can_raise_concern(user) -> bool:
    """Anyone doing casework may raise a concern: raising one must never be blocked."""
    return bool(actor_for(user).casework_organisation_ids)
