"""Who may allocate, accept, assign and transfer cases, and keep the allocation rules. Predicates here; their
queryset twins are in selectors.py (case_list_acceptable and friends, allocation_rule_initiatives_for_user).

The lead organisation's initiative admins keep the rules and apply them to cases nobody works on yet.
Practitioners and team managers of the responsible organisation take a case from their team worklist; its
team managers assign and reassign the primary worker, and hand the case over to another organisation, as
the lead's initiative admins may too.
"""

from __future__ import annotations

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.cases.choices import OPEN_STATUSES, CaseStage, CaseStatus
from casework.cases.models import Case
from casework.cases.policies import manages_responsible_organisation
from casework.core.permissions import register


def allocation_admin_initiative_ids(user: AnyUser) -> frozenset[int]:
    """The initiatives whose lead organisation the user is an initiative admin of: whose rules they keep and
    whose unallocated cases they allocate."""
    actor = actor_for(user)
    return frozenset(i for i in actor.lead_of_initiative_ids if actor.has_lead_role(Role.INITIATIVE_ADMIN, i))


@register("allocation.accept_case")
def can_accept_case(user: AnyUser, case: Case) -> bool:
    """Take an unallocated case from the team worklist: practitioners and team managers of the
    organisation."""
    org = case.responsible_organisation_id
    if (
        case.status != CaseStatus.PLANNED
        or case.stage != CaseStage.AWAITING_ALLOCATION
        or case.primary_worker_id is not None
        or org is None
    ):
        return False
    return org in actor_for(user).organisations_with_role(Role.PRACTITIONER, Role.TEAM_MANAGER)


@register("allocation.assign_case")
def can_assign_case(user: AnyUser, case: Case) -> bool:
    """Assign or reassign the primary worker: team managers of the responsible organisation."""
    return manages_responsible_organisation(user, case)


@register("allocation.allocate_case")
def can_allocate_case(user: AnyUser, case: Case) -> bool:
    """Apply the allocation rules: the lead organisation's initiative admins, before a worker has the case."""
    return (
        case.initiative_id in allocation_admin_initiative_ids(user)
        and case.primary_worker_id is None
        and case.status in OPEN_STATUSES
    )


@register("allocation.transfer_case")
def can_transfer_case(user: AnyUser, case: Case) -> bool:
    """Change the responsible organisation: the lead's initiative admins, or a team manager handing over."""
    if case.status not in OPEN_STATUSES or case.responsible_organisation_id is None:
        return False
    return case.initiative_id in allocation_admin_initiative_ids(user) or manages_responsible_organisation(
        user, case
    )


@register("allocation.manage_allocation_rules")
def can_manage_allocation_rules(user: AnyUser, initiative_id: int | None = None) -> bool:
    """Keep the allocation rules and the fallback, and allocate in bulk: the lead's initiative admins, of the
    initiative (without one, of any)."""
    initiatives = allocation_admin_initiative_ids(user)
    return bool(initiatives) if initiative_id is None else initiative_id in initiatives
