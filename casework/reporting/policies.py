"""Who may download the case index snapshot (SAVVI: sharing case data with a responsible organisation)."""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser, Membership
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


# --- Dashboards (ADR 24): a team manager's team, an organisation, the lead's whole initiative --------------


def dashboard_team_ids(user: AnyUser) -> frozenset[int]:
    """The teams whose dashboard the user sees: those they manage (twin of reporting.view_team_dashboard)."""
    actor = actor_for(user)
    if actor.user_id is None or not actor.organisations_with_role(Role.TEAM_MANAGER):
        return frozenset()
    return frozenset(
        Membership.objects.filter(
            user_id=actor.user_id, is_active=True, role=Role.TEAM_MANAGER, team__isnull=False
        ).values_list("team_id", flat=True)
    )


def dashboard_organisation_ids(user: AnyUser) -> frozenset[int]:
    """The organisations whose dashboard the user sees: where they are an organisation admin or a case
    manager (twin of reporting.view_organisation_dashboard)."""
    return actor_for(user).organisations_with_role(Role.ORG_ADMIN, Role.CASE_MANAGER)


def dashboard_initiative_ids(user: AnyUser) -> frozenset[int]:
    """The initiatives whose whole dashboard the user sees: the lead's initiative admins (twin of
    reporting.view_initiative_dashboard)."""
    actor = actor_for(user)
    return frozenset(i for i in actor.lead_of_initiative_ids if actor.has_lead_role(Role.INITIATIVE_ADMIN, i))


@register("reporting.view_team_dashboard")
def can_view_team_dashboard(user: AnyUser, team_id: int | None = None) -> bool:
    """A team manager, for the teams they manage; without a team, for any. Twin: dashboard_team_ids."""
    ids = dashboard_team_ids(user)
    return bool(ids) if team_id is None else team_id in ids


@register("reporting.view_organisation_dashboard")
def can_view_organisation_dashboard(user: AnyUser, organisation_id: int | None = None) -> bool:
    """Organisation admins and case managers, for their organisations. Twin: dashboard_organisation_ids."""
    ids = dashboard_organisation_ids(user)
    return bool(ids) if organisation_id is None else organisation_id in ids


@register("reporting.view_initiative_dashboard")
def can_view_initiative_dashboard(user: AnyUser, initiative_id: int | None = None) -> bool:
    """The lead's initiative admins, for the whole initiative (counts only, no names).
    Twin: dashboard_initiative_ids."""
    ids = dashboard_initiative_ids(user)
    return bool(ids) if initiative_id is None else initiative_id in ids


@register("reporting.load_population")
def can_load_population(user: AnyUser, initiative_id: int | None = None) -> bool:
    """The ONS population behind ASCOF 2B/2C: the lead's initiative admins, for their initiatives.
    Twin: dashboard_initiative_ids."""
    ids = dashboard_initiative_ids(user)
    return bool(ids) if initiative_id is None else initiative_id in ids


# --- The CLD statutory return (ADR 27): the council's organisation admins ----------------------------------


def cld_organisation_ids(user: AnyUser) -> frozenset[int]:
    """The organisations whose CLD return the user may validate and download: where they are an organisation
    admin (the queryset twin of reporting.export_cld)."""
    return actor_for(user).organisations_with_role(Role.ORG_ADMIN)


@register("reporting.export_cld")
def can_export_cld(user: AnyUser, organisation_id: int | None = None) -> bool:
    """The CLD return holds every client's person fields: only the organisation's own admins, for it."""
    ids = cld_organisation_ids(user)
    return bool(ids) if organisation_id is None else organisation_id in ids
