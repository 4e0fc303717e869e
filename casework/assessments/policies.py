"""Who keeps the need definitions: the lead organisation's initiative admins. Everyone in the initiative reads."""

from casework.accounts.choices import Role
from casework.accounts.selectors import actor_for
from casework.core.permissions import register


@register("assessments.manage_need_definitions")
def can_manage_need_definitions(user, initiative_id: int | None = None) -> bool:
    """An initiative admin of the lead organisation (of this initiative, when one is given)."""
    actor = actor_for(user)
    initiatives = actor.lead_of_initiative_ids if initiative_id is None else {initiative_id}
    return any(actor.has_lead_role(Role.INITIATIVE_ADMIN, i) for i in initiatives)
