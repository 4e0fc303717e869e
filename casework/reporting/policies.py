"""Who may download the case index snapshot (SAVVI: sharing case data with a responsible organisation)."""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.core.permissions import register
from casework.risk.policies import identify_initiative_ids

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


@register("reporting.view_hit_rate")
def can_view_hit_rate(user: AnyUser, initiative_id: int | None = None) -> bool:
    """The risk index's hit rate and its pseudonymised export: the lead's initiative admins and risk analysts
    (those who work on Identify), for their initiatives; without one, for any.
    Twin: hit_rate_initiative_ids."""
    ids = hit_rate_initiative_ids(user)
    return bool(ids) if initiative_id is None else initiative_id in ids


def hit_rate_initiative_ids(user: AnyUser) -> frozenset[int]:
    """The initiatives whose hit rate the user sees (the queryset twin of reporting.view_hit_rate)."""
    return identify_initiative_ids(user)
