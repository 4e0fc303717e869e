from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from casework.accounts.choices import CASEWORK_ROLES, EDITING_ROLES, Role
from casework.accounts.models import Membership, Organisation, Team, User
from casework.accounts.selectors import actor_for, organisation_list_with_role, users_with_role
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.core.export import Section, model_rows
from casework.core.querysets import Pager, Shown
from casework.people.selectors import person_names_reveal
from casework.safeguarding.choices import Routing
from casework.safeguarding.models import SafeguardingConcern, routed_to_words
from casework.safeguarding.policies import safeguarding_team_ids

LIST_RELATED = ("person", "case", "raised_by_organisation", "routed_to_organisation", "routed_to_team")


def concern_list_visible(*, user: User) -> QuerySet[SafeguardingConcern]:
    """Twin of policies.can_view_concern."""
    actor = actor_for(user)
    managing = actor.organisations_with_role(Role.TEAM_MANAGER, Role.CASE_MANAGER)
    q = Q(routed_to_team_id__in=safeguarding_team_ids(user)) | Q(organisation_id__in=managing)
    if user.pk is not None:  # filtering on None would mean IS NULL: every concern on a case with no worker
        q |= Q(case__primary_worker_id=user.pk)
    if managing:
        q |= Q(routed_to_team__isnull=True, routed_to_organisation_id__in=managing)
    return SafeguardingConcern.objects.filter(q)


def concern_raising_organisations_for_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations the user may raise concerns for: those they do casework in (twin of
    safeguarding.raise_concern)."""
    return organisation_list_with_role(user=user, roles=CASEWORK_ROLES)


def concern_list_organisations_for_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose concerns list the user reads: where they are in a safeguarding team, or manage
    (twin of safeguarding.view_concern_list)."""
    managing = organisation_list_with_role(user=user, roles=[Role.TEAM_MANAGER, Role.CASE_MANAGER])
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return managing
    in_team = Organisation.objects.filter(
        teams__is_safeguarding=True,
        teams__memberships__user_id=user.pk,
        teams__memberships__is_active=True,
    )
    return Organisation.objects.filter(Q(pk__in=managing) | Q(pk__in=in_team))


def concern_get_for_user(*, user: User, concern_id: int, purpose: str = "viewed") -> SafeguardingConcern:
    """A concern the user may see, else Http404. Writes an AccessEvent "safeguarding.concern_<purpose>".

    A restricted person's name shows to those named on them and to the team the concern was sent to (it must
    act on it); managers who oversee every concern of their organisation see it withheld.
    """

    concern = (
        concern_list_visible(user=user)
        .select_related(*LIST_RELATED, "created_by", "contact", "referral")
        .filter(pk=concern_id)
        .first()
    )
    if concern is None:
        raise Http404("No concern found")
    access_record(
        user=user,
        verb=f"safeguarding.concern_{purpose}",
        obj=concern,
        person_id=concern.person_id,
        case_id=concern.case_id,
    )
    if concern.person.is_restricted:
        person_names_reveal(user=user, people=[concern.person])
        if concern.routed_to_team_id in actor_for(user).team_ids:
            concern.person.name_revealed = True
    return concern


def concern_list_ordered(*, user: User) -> QuerySet[SafeguardingConcern]:
    """The concerns the user may see, newest first, with what a list row shows."""
    return concern_list_visible(user=user).select_related(*LIST_RELATED).order_by("-raised_at", "-id")


def concern_list_for_user(*, user: User, pager: Pager, purpose: str = "viewed") -> Shown[SafeguardingConcern]:
    """The page of the user's concerns that `pager` asks for. A list names the people its concerns are
    about: when it shows any, one AccessEvent "safeguarding.concern_list_<purpose>" names the page."""

    shown = pager.cut(concern_list_ordered(user=user))
    if shown.rows:
        access_record(
            user=user,
            verb=f"safeguarding.concern_list_{purpose}",
            details={"concerns": shown.ids, "page": shown.number},
        )
    return shown


def concerns_for_case(*, user: User, case: Case) -> list[SafeguardingConcern]:
    return list(
        concern_list_visible(user=user)
        .filter(case=case)
        .select_related("routed_to_team", "routed_to_organisation")
    )


def case_has_concern(*, case: Case) -> bool:
    """Whether the case is flagged: everyone who can open the case sees the flag, not the detail."""
    return SafeguardingConcern.objects.filter(case=case).exists()


def case_has_concern_expression() -> Exists:
    """case_has_concern as an expression on a case row, read with the case (`also` of case_get_for_page)."""
    return Exists(SafeguardingConcern.objects.filter(case_id=OuterRef("pk")))


# Routing: where a concern goes.


@dataclass(frozen=True)
class Route:
    """Where a concern raised by a worker of `raised_by` goes: `team` of `organisation`, or (no team anywhere)
    the managers and admins of `organisation`, the lead."""

    routing: str
    raised_by: Organisation
    organisation: Organisation
    team: Team | None

    @property
    def name(self) -> str:
        return routed_to_words(self.team, self.organisation)


def concern_raising_organisation_id(*, user: User, case: Case | None = None) -> int:
    """The organisation the user raises a concern for: the one holding the case if they do casework there,
    else their primary organisation (if they do casework in it), else the first they do casework in."""
    actor = actor_for(user)
    organisations = actor.casework_organisation_ids
    if case is not None and holding_organisation_id(case) in organisations:
        return holding_organisation_id(case)
    primary = actor.primary_organisation_id
    return primary if primary in organisations else min(organisations)


def _staffed() -> Exists:
    """Someone active who changes records is in the team: a team nobody is in would reach no one."""
    return Exists(
        Membership.objects.filter(
            team_id=OuterRef("pk"),
            organisation_id=OuterRef("organisation_id"),
            is_active=True,
            user__is_active=True,
            role__in=EDITING_ROLES,
        )
    )


def concern_route(*, organisation_id: int) -> Route:
    """Where a concern raised for the organisation goes (two queries).

    Its own safeguarding team if it has one with staff; else the lead organisation's (the local authority
    holds the duty to make enquiries, Care Act 2014 s42); else, a misconfiguration, no team: the lead's
    managers and admins are alerted. An organisation in no initiative is its own lead.
    """
    raised_by = Organisation.objects.select_related("initiative__lead_organisation").get(pk=organisation_id)
    lead = raised_by.initiative.lead_organisation if raised_by.initiative is not None else raised_by
    teams: dict[int, Team] = {}
    for team in (
        Team.objects.filter(is_safeguarding=True, organisation_id__in={raised_by.pk, lead.pk})
        .filter(_staffed())
        .order_by("id")
    ):
        teams.setdefault(team.organisation_id, team)
    if raised_by.pk in teams:
        return Route(Routing.OWN_TEAM, raised_by, raised_by, teams[raised_by.pk])
    if lead.pk in teams:
        return Route(Routing.LEAD_TEAM, raised_by, lead, teams[lead.pk])
    return Route(Routing.NO_TEAM, raised_by, lead, None)


def concern_fallback_recipients(*, organisation_id: int) -> list[User]:
    """Who is alerted to a concern that reached no safeguarding team: the organisation's active team managers
    (who may open it) and organisation admins (who can set up the team)."""
    return users_with_role(organisation_id=organisation_id, roles=(Role.TEAM_MANAGER, Role.ORG_ADMIN))


def safeguarding_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    return [
        (
            "safeguarding_concerns",
            model_rows(
                SafeguardingConcern.objects.filter(Q(person_id=person_id) | Q(case__person_id=person_id))
            ),
        )
    ]
