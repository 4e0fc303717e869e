"""Who triages, reprioritises and reads waiting lists, and who sets their timescales."""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.core.permissions import register


@register("waiting_list.triage_case")
def can_triage_case(user: AnyUser, case: Case) -> bool:
    """Put an open case on a waiting list, or reprioritise it: anyone who changes records in the organisation
    holding it (duty officers triage on receipt, practitioners and team managers after a call or a review)."""
    return (
        case.is_open
        and holding_organisation_id(case) in actor_for(user).editing_organisation_ids
        and case.initiative_id in actor_for(user).initiative_ids
    )


@register("waiting_list.view_waiting_list")
def can_view_waiting_list(user: AnyUser) -> bool:
    return bool(actor_for(user).casework_organisation_ids)


@register("waiting_list.manage_timescales")
def can_manage_timescales(user: AnyUser, organisation_id: int | None = None) -> bool:
    """An organisation admin sets the organisation's allocation timescales."""
    actor = actor_for(user)
    if organisation_id is None:
        return bool(actor.organisations_with_role(Role.ORG_ADMIN))
    return actor.has_role(Role.ORG_ADMIN, organisation_id)
