"""Who handles subject access requests. Queryset twin in selectors.py.

The auditor (information governance: the data protection officer's people) of an organisation that holds a
relationship with the person handles their request, exactly as they may read the person's audit trail; a
restricted person's request only by an auditor named on the record. Organisation admins do not: they keep
users and settings, not people's records (ADR 22). Caseworkers do not: the bundle spans every organisation,
beyond what any caseworker may open.
"""

from casework.accounts.models import AnyUser
from casework.core.permissions import register
from casework.people.models import Person
from casework.people.policies import can_view_person_audit


@register("subjectaccess.handle_request")
def can_handle_request(user: AnyUser, person: Person) -> bool:
    return can_view_person_audit(user, person)
