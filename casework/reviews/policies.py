"""Who may read, record, sign off and request a case's reviews, and read a team's reviews worklist. Queryset
twins in selectors.py.

Reading follows reading the case; recording (starting a review, recording what it found) follows working
the case; the authority's sign-off is for an approving role (team manager, case manager) at the organisation
holding the open case, as approving a budget is; a review is requested by anyone who changes records at the
holding organisation (the duty desk included), as a task about the case is added. The worklist is for the
practitioners and team managers who do reviews. The organisation admin sets the organisation's review
intervals.
"""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.cases.models import Case
from casework.cases.policies import can_view_case, can_work_case
from casework.core.permissions import register
from casework.plans.budget_policies import can_approve_budget
from casework.tasks.policies import can_add_task_for_case

WORKLIST_ROLES = (Role.PRACTITIONER, Role.TEAM_MANAGER)


@register("reviews.view_review_case")
def can_view_review(user: AnyUser, case: Case) -> bool:
    return can_view_case(user, case)


@register("reviews.record_review_case")
def can_record_review(user: AnyUser, case: Case) -> bool:
    return can_work_case(user, case)


@register("reviews.sign_off_review_case")
def can_sign_off_review(user: AnyUser, case: Case) -> bool:
    return can_approve_budget(user, case)


@register("reviews.request_review_case")
def can_request_review(user: AnyUser, case: Case) -> bool:
    return case.is_open and can_add_task_for_case(user, case)


@register("reviews.view_reviews_worklist")
def can_view_reviews_worklist(user: AnyUser) -> bool:
    return bool(actor_for(user).organisations_with_role(*WORKLIST_ROLES))


@register("reviews.manage_settings")
def can_manage_review_settings(user: AnyUser, organisation_id: int | None = None) -> bool:
    """The organisation admin sets its review intervals (within the guidance's limits)."""
    actor = actor_for(user)
    if organisation_id is None:
        return bool(actor.organisations_with_role(Role.ORG_ADMIN))
    return actor.has_role(Role.ORG_ADMIN, organisation_id)
