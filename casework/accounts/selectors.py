"""Reads about users and organisations; `actor_for` is what every policy asks first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import F, QuerySet

from casework.accounts.choices import CASE_HOLDING_KINDS, CASEWORK_ROLES, EDITING_ROLES, Role
from casework.accounts.models import AnyUser, Membership, Organisation, Team, User
from casework.core.compiled_queries import CompiledRows


@dataclass(frozen=True)
class Actor:
    """What one user is, resolved once per request: organisations, roles, teams, initiatives."""

    user_id: int | None
    organisation_ids: frozenset[int] = frozenset()
    initiative_ids: frozenset[int] = frozenset()
    # Initiatives whose lead organisation the user belongs to, with that organisation's id.
    lead_organisation_by_initiative: dict[int, int] = field(default_factory=dict)
    team_ids: frozenset[int] = frozenset()
    roles_by_organisation: dict[int, frozenset[str]] = field(default_factory=dict)
    primary_organisation_id: int | None = None
    # Read with the memberships, so that no page looks them up again: the names and kinds (lead, responsible,
    # delivery) of the user's organisations, and which of the user's teams are safeguarding teams.
    organisation_names: dict[int, str] = field(default_factory=dict)
    organisation_kinds: dict[int, frozenset[str]] = field(default_factory=dict)
    safeguarding_team_ids: frozenset[int] = frozenset()

    @property
    def lead_of_initiative_ids(self) -> frozenset[int]:
        return frozenset(self.lead_organisation_by_initiative)

    def has_lead_role(self, role: Role | str, initiative_id: int) -> bool:
        """Whether the user holds the role in the lead organisation of the initiative."""
        lead = self.lead_organisation_by_initiative.get(initiative_id)
        return lead is not None and self.has_role(role, lead)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r for roles in self.roles_by_organisation.values() for r in roles)

    def has_role(self, role: Role | str, organisation_id: int | None = None) -> bool:
        if organisation_id is None:
            return str(role) in self.roles
        return str(role) in self.roles_by_organisation.get(organisation_id, frozenset())

    def organisations_with_role(self, *roles: Role | str) -> frozenset[int]:
        wanted = {str(r) for r in roles}
        return frozenset(org for org, held in self.roles_by_organisation.items() if held & wanted)

    @property
    def casework_organisation_ids(self) -> frozenset[int]:
        """Organisations in which the user does casework (and so may see people's records)."""
        return self.organisations_with_role(*CASEWORK_ROLES)

    @property
    def case_holding_organisation_ids(self) -> frozenset[int]:
        """Organisations in which the user does casework and that hold cases: the initiative's lead and its
        responsible organisations. A delivery organisation works referrals, not cases."""
        return frozenset(
            org
            for org in self.casework_organisation_ids
            if self.organisation_kinds.get(org, frozenset()) & CASE_HOLDING_KINDS
        )

    @property
    def editing_organisation_ids(self) -> frozenset[int]:
        return self.organisations_with_role(*EDITING_ROLES)

    @property
    def auditing_organisation_ids(self) -> frozenset[int]:
        return self.organisations_with_role(Role.AUDITOR)


@lru_cache(maxsize=512)
def _active_memberships(user_id: int) -> CompiledRows:
    """The SQL for a user's active memberships, each with its organisation (initiative, name, kinds), whether
    its team is a safeguarding team, and any initiative that organisation leads (a LEFT JOIN: a membership
    comes once per initiative led, usually none or one).
    Compiled once per user (ADR 8); the rows are read afresh on every call."""
    return CompiledRows(
        Membership.objects.filter(user_id=user_id, is_active=True)
        .order_by("id")
        .values(
            "organisation_id",
            "role",
            "team_id",
            initiative=F("organisation__initiative_id"),
            led=F("organisation__initiatives_led__id"),
            organisation_name=F("organisation__name"),
            organisation_kinds=F("organisation__kinds"),
            safeguarding_team=F("team__is_safeguarding"),
        )
    )


def actor_for(user: AnyUser) -> Actor:
    """The user's resolved memberships, cached on the user object for the rest of the request."""
    cached: Actor | None = getattr(user, "_casework_actor", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        actor = Actor(user_id=None)
    else:
        rows = _active_memberships(user.pk).rows()
        roles: dict[int, set[str]] = {}
        lead_of: dict[int, int] = {}
        for row in rows:
            roles.setdefault(row["organisation_id"], set()).add(row["role"])
            if row["led"] is not None:
                lead_of[row["led"]] = row["organisation_id"]
        actor = Actor(
            user_id=user.pk,
            organisation_ids=frozenset(roles),
            initiative_ids=frozenset(row["initiative"] for row in rows if row["initiative"] is not None),
            lead_organisation_by_initiative=lead_of,
            team_ids=frozenset(row["team_id"] for row in rows if row["team_id"] is not None),
            roles_by_organisation={org: frozenset(r) for org, r in roles.items()},
            primary_organisation_id=rows[0]["organisation_id"] if rows else None,
            organisation_names={row["organisation_id"]: row["organisation_name"] for row in rows},
            organisation_kinds={
                row["organisation_id"]: frozenset(row["organisation_kinds"] or ()) for row in rows
            },
            safeguarding_team_ids=frozenset(row["team_id"] for row in rows if row["safeguarding_team"]),
        )
    # Not a model field (AnonymousUser has none either): the cache lives as long as this user object.
    setattr(user, "_casework_actor", actor)  # noqa: B010
    return actor


def organisation_list_with_role(*, user: AnyUser, roles: Iterable[Role | str]) -> QuerySet[Organisation]:
    """The organisations in which the user has an active membership with one of the roles, read from the
    memberships (not the actor): the queryset side of a policy's role check. None for a signed-out or
    inactive user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user_id=user.pk,
        memberships__is_active=True,
        memberships__role__in=[str(role) for role in roles],
    ).distinct()


def organisation_get_primary(*, user: User) -> Organisation | None:
    org_id = actor_for(user).primary_organisation_id
    return Organisation.objects.filter(pk=org_id).first() if org_id else None


def user_list_in_organisation(*, organisation_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(
            memberships__organisation_id=organisation_id, memberships__is_active=True, is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def team_list_for_organisation(*, organisation_id: int) -> QuerySet[Team]:
    return Team.objects.filter(organisation_id=organisation_id).order_by("name")


def organisation_list_responsible(*, initiative_id: int, exclude_id: int | None = None) -> list[Organisation]:
    """The initiative's responsible organisations, by name. (`kinds` is a JSON list: filtered here, not in
    SQL, so that SQLite and PostgreSQL agree; an initiative has a handful of organisations.)"""
    return [
        org
        for org in Organisation.objects.filter(initiative_id=initiative_id).order_by("name")
        if "responsible" in org.kinds and org.pk != exclude_id
    ]


def user_list_assignable(*, organisation_id: int, team_id: int | None = None) -> QuerySet[User]:
    """Active users who do casework that changes records in the organisation: who may be given a case.
    With a team, only its members (a case page offers its own team, not a county's hundreds of staff)."""
    memberships = {
        "memberships__organisation_id": organisation_id,
        "memberships__is_active": True,
        "memberships__role__in": [str(r) for r in EDITING_ROLES],
    }
    if team_id is not None:
        memberships["memberships__team_id"] = team_id
    return User.objects.filter(is_active=True, **memberships).distinct().order_by("first_name", "last_name")


def users_with_role(
    *, organisation_id: int, roles: tuple[Role, ...], team_id: int | None = None
) -> list[User]:
    """The active users holding one of the roles in the organisation, by name; with `team_id`, those in that
    team when it has any, else the organisation's. The one place "who manages this" (team managers, and
    organisation admins who can set things up) is asked: escalations, re-contact tasks, safeguarding."""
    holders = Membership.objects.filter(
        organisation_id=organisation_id,
        role__in=[str(r) for r in roles],
        is_active=True,
        user__is_active=True,
    )
    if team_id is not None and holders.filter(team_id=team_id).exists():
        holders = holders.filter(team_id=team_id)
    ids = holders.values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "pk"))


def team_managers_of(*, organisation_id: int, team_id: int | None = None) -> list[User]:
    """The team managers of the team (when it has any), else of the organisation."""
    return users_with_role(organisation_id=organisation_id, roles=(Role.TEAM_MANAGER,), team_id=team_id)
