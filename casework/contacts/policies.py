"""Who may record contacts. Reading them follows the case or person they are about."""

from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.core.permissions import register
from casework.people.models import Person
from casework.people.policies import can_view_person


@register("contacts.record_contact_case")
def can_record_contact_on_case(user: AnyUser, case: Case) -> bool:
    """Anyone doing casework that changes records in the organisation holding an open case: its workers,
    colleagues trying to reach the person before accepting it (the scheduling log), the duty desk."""
    return case.is_open and holding_organisation_id(case) in actor_for(user).editing_organisation_ids


@register("contacts.record_contact_person")
def can_record_contact_on_person(user: AnyUser, person: Person) -> bool:
    return bool(actor_for(user).editing_organisation_ids) and can_view_person(user, person)


@register("contacts.use_duty_desk")
def can_use_duty_desk(user: AnyUser) -> bool:
    """Duty officers, practitioners and team managers take contacts at the duty desk."""
    return bool(actor_for(user).editing_organisation_ids)
