"""Who changes letter templates (organisation admins) and who reads letters (those who may see the case)."""

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.cases.models import Case
from casework.core.permissions import has_perm, register
from casework.letters.models import Letter


@register("letters.manage_templates")
def can_manage_templates(user: AnyUser, organisation_id: int | None = None) -> bool:
    actor = actor_for(user)
    if organisation_id is None:
        return bool(actor.organisations_with_role(Role.ORG_ADMIN))
    return actor.has_role(Role.ORG_ADMIN, organisation_id)


@register("letters.view_letter")
def can_view_letter(user: AnyUser, letter: Letter) -> bool:
    """Those who may see the case; a restricted person's letter (their name and address), only those named."""
    return (
        letter.case is not None
        and has_perm(user, "cases.view_case", letter.case)
        and (not letter.person.is_restricted or has_perm(user, "people.view_person", letter.person))
    )


@register("letters.send_letter")
def can_send_letter(user: AnyUser, case: Case) -> bool:
    return has_perm(user, "cases.work_case", case)
