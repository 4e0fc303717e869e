"""Who sees safeguarding concerns: the safeguarding team it was routed to (the raiser's organisation's, or the
lead organisation's when the raiser's has none), the allocated worker, and managers of the organisation whose
concern it is. When no safeguarding team could be found, the managers of the organisation it was sent to (the
lead). Nobody else, even inside the organisation, even with the case open. Queryset twin in selectors.py."""

from typing import cast

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import Actor, actor_for
from casework.cases.models import Case
from casework.core.permissions import register
from casework.safeguarding.models import SafeguardingConcern


def safeguarding_team_ids(user: AnyUser) -> frozenset[int]:
    """The user's teams that are safeguarding teams (resolved with the user's memberships, no query)."""
    return actor_for(user).safeguarding_team_ids


def _manages(actor: Actor, organisation_id: int) -> bool:
    return organisation_id in actor.organisations_with_role(Role.TEAM_MANAGER, Role.CASE_MANAGER)


@register("safeguarding.view_concern")
def can_view_concern(user: AnyUser, concern: SafeguardingConcern) -> bool:
    actor = actor_for(user)
    if concern.routed_to_team_id in safeguarding_team_ids(user):
        return True
    if _manages(actor, concern.organisation_id):
        return True
    if concern.routed_to_team_id is None and _manages(actor, concern.routed_to_organisation_id):
        return True
    # A signed-out user's pk is None, as is a case's with no worker: only a real worker matches.
    worker_id = cast(Case, concern.case).primary_worker_id if concern.case_id is not None else None
    return worker_id is not None and worker_id == user.pk


@register("safeguarding.raise_concern")
def can_raise_concern(user: AnyUser) -> bool:
    """Anyone doing casework may raise a concern: raising one must never be blocked."""
    return bool(actor_for(user).casework_organisation_ids)


@register("safeguarding.view_concern_list")
def can_view_concern_list(user: AnyUser) -> bool:
    """The list of concerns: safeguarding team members, and managers (who see their organisation's)."""
    actor = actor_for(user)
    return bool(actor.safeguarding_team_ids) or bool(
        actor.organisations_with_role(Role.TEAM_MANAGER, Role.CASE_MANAGER)
    )
