"""Page helpers that need to know who the user is in their organisations."""

from django.core.exceptions import PermissionDenied

from casework.accounts.choices import Role
from casework.accounts.selectors import actor_for


def admin_organisation_id(user, message: str) -> int:
    """The organisation an organisation admin is managing (their primary one, if they administer several); a
    403 page with `message` for anyone else."""
    actor = actor_for(user)
    organisations = actor.organisations_with_role(Role.ORG_ADMIN)
    if not organisations:
        raise PermissionDenied(message)
    return (
        actor.primary_organisation_id
        if actor.primary_organisation_id in organisations
        else min(organisations)
    )
