"""Who keeps the retention schedule and who governs records (holds, dry runs, appraisal, disposal). Queryset
twins in selectors.py.

Organisation admins keep their organisation's schedule. Records are governed by its organisation admins and
its auditors (information governance: the records managers and the data protection officer's people)."""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.core.permissions import register

SCHEDULE_ROLES = (Role.ORG_ADMIN,)
GOVERNING_ROLES = (Role.ORG_ADMIN, Role.AUDITOR)


def _holds(user: AnyUser, roles: tuple[Role, ...], organisation_id: int | None) -> bool:
    actor = actor_for(user)
    if organisation_id is None:
        return bool(actor.organisations_with_role(*roles))
    return any(actor.has_role(role, organisation_id) for role in roles)


@register("retention.manage_schedule")
def can_manage_schedule(user: AnyUser, organisation_id: int | None = None) -> bool:
    return _holds(user, SCHEDULE_ROLES, organisation_id)


@register("retention.govern_records")
def can_govern_records(user: AnyUser, organisation_id: int | None = None) -> bool:
    return _holds(user, GOVERNING_ROLES, organisation_id)
