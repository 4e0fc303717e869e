"""Who keeps the need definitions: the lead organisation's initiative admins. Everyone in the initiative
reads."""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.cases.models import Case
from casework.core.permissions import has_perm, register


@register("assessments.manage_need_definitions")
def can_manage_need_definitions(user: AnyUser, initiative_id: int | None = None) -> bool:
    """An initiative admin of the lead organisation (of this initiative, when one is given)."""
    actor = actor_for(user)
    initiatives = actor.lead_of_initiative_ids if initiative_id is None else {initiative_id}
    return any(actor.has_lead_role(Role.INITIATIVE_ADMIN, i) for i in initiatives)


@register("assessments.manage_forms")
def can_manage_forms(user: AnyUser, organisation_id: int | None = None) -> bool:
    """An organisation admin keeps the organisation's assessment forms (of this organisation, when given)."""
    actor = actor_for(user)
    if organisation_id is None:
        return bool(actor.organisations_with_role(Role.ORG_ADMIN))
    return actor.has_role(Role.ORG_ADMIN, organisation_id)


@register("assessments.view_assessment")
def can_view_assessment(user: AnyUser, case: Case) -> bool:
    """Situation assessments and needs are private to the organisation holding the case (never the lead's,
    never a delivery organisation's: they see what a consent shares)."""
    return has_perm(user, "cases.view_case", case)


@register("assessments.work_assessment")
def can_work_assessment(user: AnyUser, case: Case) -> bool:
    """Assess and record needs: whoever may work the case (its workers, the holder's team managers)."""
    return has_perm(user, "cases.work_case", case)


@register("assessments.view_need_counts")
def can_view_need_counts(user: AnyUser, initiative_id: int | None = None) -> bool:
    """The lead organisation sees counts of needs by definition across its initiative (no people, no
    cases)."""
    actor = actor_for(user)
    initiatives = actor.lead_of_initiative_ids if initiative_id is None else {initiative_id}
    return any(i in actor.lead_of_initiative_ids for i in initiatives)
