"""Who may set an organisation's charging figures (the rate table's figures, per tax year). Queryset twin in
figures_selectors.py."""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.core.permissions import register


@register("plans.manage_charging_figures")
def can_manage_charging_figures(user: AnyUser, organisation_id: int | None = None) -> bool:
    """The organisation admin keeps the organisation's charging figures."""
    actor = actor_for(user)
    if organisation_id is None:
        return bool(actor.organisations_with_role(Role.ORG_ADMIN))
    return actor.has_role(Role.ORG_ADMIN, organisation_id)
