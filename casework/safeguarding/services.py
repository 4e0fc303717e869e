"""Raising a safeguarding concern: recorded, routed to the safeguarding team as a task due today, audited."""

from __future__ import annotations

from django.db import transaction

from casework.accounts.models import Team
from casework.accounts.selectors import actor_for
from casework.audit.services import audit_record
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.core.errors import DomainError, ValidationFailed
from casework.core.permissions import require_perm
from casework.people.models import Person
from casework.safeguarding.choices import AbuseType, AtRisk
from casework.safeguarding.models import SafeguardingConcern


def concern_raise(*, user, person: Person, at_risk: str, what_happened: str, immediate_danger: bool,
                  called_999: bool = False, abuse_types: list[str] | None = None, case: Case | None = None,
                  at_risk_name: str = "", contact=None) -> SafeguardingConcern:
    """Raise a concern about a person (and their case). In immediate danger, 999 must have been called first.

    Routed to the safeguarding team of the organisation holding the case (else the user's), as a task due
    today. `contact`: the contact it was raised from, kept with the concern.
    Raises ValidationFailed naming the field, DomainError when there is no safeguarding team.
    """
    from casework.tasks.services import task_create

    require_perm(user, "safeguarding.raise_concern")
    if at_risk not in AtRisk.values:
        raise ValidationFailed("Select whether an adult or a child is at risk", field="at_risk")
    if not what_happened.strip():
        raise ValidationFailed("Enter what was seen or said", field="what_happened")
    if immediate_danger and not called_999:
        raise ValidationFailed("If someone is in immediate danger, call 999 now, then confirm you have",
                               field="called_999")
    abuse_types = list(abuse_types or [])
    unknown = [t for t in abuse_types if t not in AbuseType.values]
    if unknown:
        raise ValidationFailed("Select the types of abuse from the list", field="abuse_types")
    if case is not None and case.person_id not in (None, person.pk):
        raise ValidationFailed("That case is about someone else", field="case")
    if contact is not None and (contact.person_id != person.pk or (case is not None and contact.case_id not in (
            None, case.pk))):
        raise ValidationFailed("That contact is about someone else", field="contact")
    actor = actor_for(user)
    organisation_id = holding_organisation_id(case) if case else (
        actor.primary_organisation_id if actor.primary_organisation_id in actor.casework_organisation_ids
        else min(actor.casework_organisation_ids))
    team = Team.objects.filter(organisation_id=organisation_id, is_safeguarding=True).order_by("id").first()
    if team is None:
        raise DomainError("This organisation has no safeguarding team to route the concern to. "
                          "Phone your safeguarding lead now, then ask your organisation admin to set one up.")
    with transaction.atomic():
        concern = SafeguardingConcern.objects.create(
            organisation_id=organisation_id, case=case, person=person, contact=contact, at_risk=at_risk,
            at_risk_name=at_risk_name.strip(), what_happened=what_happened.strip(),
            immediate_danger=immediate_danger, called_999=called_999, abuse_types=abuse_types,
            routed_to_team=team, raised_at=clock.now(), created_by=user, modified_by=user)
        # The task names no one and points at the concern, so it reaches the team even when they could not
        # open the person's record (restricted, or no relationship yet): raising a concern is never blocked.
        task_create(user=None, title=f"Safeguarding concern {concern.pk}: decide the response today",
                    due_date=clock.today(), assigned_to_team=team, kind="safeguarding",
                    details=f"A safeguarding concern was raised{' on case ' + case.reference if case else ''}. "
                            f"Open it at /safeguarding/{concern.pk}/.",
                    source=f"safeguarding:{concern.pk}", effect_key=f"safeguarding:concern:{concern.pk}",
                    organisation=team.organisation)
        # The audit records that a concern was raised, not what it says: the detail stays with the concern.
        audit_record(user=user, verb="safeguarding.concern_raised", obj=concern, case_id=case.pk if case else None,
                     person_id=person.pk, organisation_id=organisation_id,
                     changes={"routed_to_team": {"before": None, "after": team.pk},
                              "immediate_danger": {"before": None, "after": immediate_danger},
                              "called_999": {"before": None, "after": called_999}})
    return concern
