"""Who may download the case index snapshot (SAVVI: sharing case data with a responsible organisation)."""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.core.permissions import register

SCOPES = ("organisation", "initiative")


@register("reporting.export_case_snapshot")
def can_export_case_snapshot(user: AnyUser, scope: str) -> bool:
    """`organisation`: caseworkers, managers and auditors, for their organisations' cases.
    `initiative`: the lead organisation's initiative admins, for every case of the initiative."""
    actor = actor_for(user)
    if scope == "organisation":
        return bool(actor.casework_organisation_ids | actor.auditing_organisation_ids)
    if scope == "initiative":
        return any(actor.has_lead_role(Role.INITIATIVE_ADMIN, i) for i in actor.lead_of_initiative_ids)
    return False
