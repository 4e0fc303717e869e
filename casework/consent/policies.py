"""Who sees and changes the bases for sharing a case's data. Predicates here; queryset twins in selectors.py.

A basis belongs to the case: those who may open the case see it, those who may work the case record one.
Anyone who changes records in the organisation holding the case may record a withdrawal, even on a closed case
or one they are not assigned to: a person who withdraws consent must not wait for their worker to be in.
"""

from __future__ import annotations

from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.consent.models import ConsentRecord
from casework.core.permissions import has_perm, register


@register("consent.view_consent")
def can_view_consent(user: AnyUser, record: ConsentRecord) -> bool:
    return has_perm(user, "cases.view_case", record.case)


@register("consent.record_consent")
def can_record_consent(user: AnyUser, case: Case) -> bool:
    """Record consent or a lawful basis on a case: its workers and the holder's team managers."""
    return has_perm(user, "cases.work_case", case)


@register("consent.withdraw_consent")
def can_withdraw_consent(user: AnyUser, record: ConsentRecord) -> bool:
    case = record.case
    actor = actor_for(user)
    return (
        case.initiative_id in actor.initiative_ids
        and holding_organisation_id(case) in actor.editing_organisation_ids
    )
