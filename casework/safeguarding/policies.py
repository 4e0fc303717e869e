"""Who sees safeguarding concerns: the organisation's safeguarding team, the allocated worker, and managers.
Nobody else, even inside the organisation, even with the case open. Queryset twin in selectors.py."""

from casework.accounts.choices import Role
from casework.accounts.models import Team
from casework.accounts.selectors import actor_for
from casework.core.permissions import register
from casework.safeguarding.models import SafeguardingConcern


def safeguarding_team_ids(user) -> frozenset[int]:
    actor = actor_for(user)
    if not actor.team_ids:
        return frozenset()
    return frozenset(Team.objects.filter(pk__in=actor.team_ids, is_safeguarding=True).values_list("pk", flat=True))


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
