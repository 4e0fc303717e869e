"""The layout's navigation and acting organisation, for the signed-in user."""

from dataclasses import dataclass

from casework.accounts.selectors import actor_for
from casework.core.navigation import nav_for


@dataclass(frozen=True)
class ActingOrganisation:
    pk: int
    name: str


def casework(request):
    """The navigation (what each app registered that the user can use) and the acting organisation."""
    user = getattr(request, "user", None)
    # No navigation before sign-in is finished: signed out, or at the multi-factor step (accounts.views).
    if user is None or not user.is_authenticated or getattr(request, "casework_mfa_pending", False):
        return {"casework_nav": [], "acting_organisation": None}
    actor = actor_for(user)
    organisation = None
    if actor.primary_organisation_id:
        # Its name came with the user's memberships: the layout needs nothing else of it.
        organisation = ActingOrganisation(
            actor.primary_organisation_id, actor.organisation_names[actor.primary_organisation_id]
        )
    return {"casework_nav": nav_for(user, request.path), "acting_organisation": organisation}
