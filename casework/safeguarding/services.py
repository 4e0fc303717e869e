"""Raising a safeguarding concern: recorded, routed to a safeguarding team as a task due today, audited.

Raising one is never blocked by where the raiser works: a concern goes to the raiser's organisation's
safeguarding team, else to the lead organisation's (the local authority holds the duty to make enquiries, Care
Act 2014 s42), and with no team anywhere it is still recorded and the lead's managers and admins are alerted.
"""

from __future__ import annotations

from django.db import transaction

from casework.accounts.models import User
from casework.audit.services import audit_record
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.contacts.models import ContactEvent
from casework.contacts.services import message_alert
from casework.core import clock
from casework.core.errors import ValidationFailed
from casework.core.permissions import require_perm
from casework.people.models import Person
from casework.referrals.models import Referral
from casework.safeguarding.choices import AbuseType, AtRisk, Routing
from casework.safeguarding.models import SafeguardingConcern
from casework.safeguarding.selectors import (
    Route,
    concern_fallback_recipients,
    concern_raising_organisation_id,
    concern_route,
)
from casework.tasks.services import task_create


def concern_raise(
    *,
    user: User,
    person: Person,
    at_risk: str,
    what_happened: str,
    immediate_danger: bool,
    called_999: bool = False,
    abuse_types: list[str] | None = None,
    case: Case | None = None,
    at_risk_name: str = "",
    contact: ContactEvent | None = None,
    referral: Referral | None = None,
) -> SafeguardingConcern:
    """Raise a concern about a person (and their case). In immediate danger, 999 must have been called first.

    Routed as selectors.concern_route decides for the organisation the user raises it for: to a safeguarding
    team as a task due today, or (no team anywhere) as alerts to the lead's managers and admins. `contact`:
    the contact it was raised from; `referral`: the referral a delivery organisation raised it from (on
    `case`). Audited as "safeguarding.concern_raised" with where it went and why.
    Raises ValidationFailed naming the field.
    """
    require_perm(user, "safeguarding.raise_concern")
    if at_risk not in AtRisk.values:
        raise ValidationFailed("Select whether an adult or a child is at risk", field="at_risk")
    if not what_happened.strip():
        raise ValidationFailed("Enter what was seen or said", field="what_happened")
    if immediate_danger and not called_999:
        raise ValidationFailed(
            "If someone is in immediate danger, call 999 now, then confirm you have", field="called_999"
        )
    abuse_types = list(abuse_types or [])
    unknown = [t for t in abuse_types if t not in AbuseType.values]
    if unknown:
        raise ValidationFailed("Select the types of abuse from the list", field="abuse_types")
    if case is not None and case.person_id not in (None, person.pk):
        raise ValidationFailed("That case is about someone else", field="case")
    if contact is not None and (
        contact.person_id != person.pk or (case is not None and contact.case_id not in (None, case.pk))
    ):
        raise ValidationFailed("That contact is about someone else", field="contact")
    if referral is not None and (case is None or referral.case_id != case.pk):
        raise ValidationFailed("That referral is about someone else", field="referral")
    route = concern_route(organisation_id=concern_raising_organisation_id(user=user, case=case))
    organisation_id = holding_organisation_id(case) if case else route.raised_by.pk
    with transaction.atomic():
        concern = SafeguardingConcern.objects.create(
            organisation_id=organisation_id,
            raised_by_organisation=route.raised_by,
            case=case,
            person=person,
            contact=contact,
            referral=referral,
            at_risk=at_risk,
            at_risk_name=at_risk_name.strip(),
            what_happened=what_happened.strip(),
            immediate_danger=immediate_danger,
            called_999=called_999,
            abuse_types=abuse_types,
            routing=route.routing,
            routed_to_organisation=route.organisation,
            routed_to_team=route.team,
            raised_at=clock.now(),
            created_by=user,
            modified_by=user,
        )
        if route.team is not None:
            _task_for_team(concern, route)
            alerted = []
        else:
            alerted = _alert_without_team(concern, route, raised_by_name=user.display_name)
        # The audit records that a concern was raised and where it went, not what it says: the detail stays
        # with the concern.
        audit_record(
            user=user,
            verb="safeguarding.concern_raised",
            obj=concern,
            case_id=case.pk if case else None,
            person_id=person.pk,
            organisation_id=organisation_id,
            reason=_why(route),
            changes={
                "routing": {"before": None, "after": route.routing},
                "raised_by_organisation": {"before": None, "after": route.raised_by.pk},
                "routed_to_organisation": {"before": None, "after": route.organisation.pk},
                "routed_to_team": {"before": None, "after": route.team.pk if route.team else None},
                "alerted": {"before": None, "after": [u.pk for u in alerted]},
                "immediate_danger": {"before": None, "after": immediate_danger},
                "called_999": {"before": None, "after": called_999},
            },
        )
    return concern


def _why(route: Route) -> str:
    if route.routing == Routing.OWN_TEAM:
        return f"Routed to {route.name}: the raiser's organisation's safeguarding team"
    if route.routing == Routing.LEAD_TEAM:
        return (
            f"Routed to {route.name}: {route.raised_by.name} has no safeguarding team, so the lead "
            f"organisation's"
        )
    return (
        f"No safeguarding team: neither {route.raised_by.name} nor the lead organisation has one with "
        f"staff in it; {route.name} alerted"
    )


def _task_for_team(concern: SafeguardingConcern, route: Route) -> None:
    case = concern.case
    came_here = (
        ""
        if route.routing == Routing.OWN_TEAM
        else (
            f" {route.raised_by.name} has no safeguarding team, so it came to you as the lead organisation."
        )
    )
    # The task names no one and points at the concern, so it reaches the team even when they could not open
    # the person's record (restricted, another organisation's, no relationship yet): never blocked.
    task_create(
        user=None,
        title=f"Safeguarding concern {concern.pk}: decide the response today",
        due_date=clock.today(),
        assigned_to_team=route.team,
        kind="safeguarding",
        details=f"A safeguarding concern was raised by {route.raised_by.name}"
        f"{' on case ' + case.reference if case else ''}.{came_here} "
        f"Open it at /safeguarding/{concern.pk}/.",
        source=f"safeguarding:{concern.pk}",
        effect_key=f"safeguarding:concern:{concern.pk}",
        organisation=route.organisation,
    )


def _alert_without_team(concern: SafeguardingConcern, route: Route, raised_by_name: str) -> list[User]:
    """No safeguarding team anywhere: alert the lead's team managers (who may open the concern) and
    organisation admins (who can set up a team). The alerts name no one: the detail stays with the concern."""

    recipients = concern_fallback_recipients(organisation_id=route.organisation.pk)
    body = (
        f"Safeguarding concern {concern.pk} was raised today by {raised_by_name} of "
        f"{route.raised_by.name}, and there is no safeguarding team to receive it. Team managers: open "
        f"it at /safeguarding/{concern.pk}/ and decide the response today. Organisation admins: set up a "
        f"safeguarding team, with staff in it, so that concerns reach it."
    )
    for recipient in recipients:
        message_alert(to_user=recipient, body=body)
    return recipients


def safeguarding_dispose(*, case_id: int | None = None, person_id: int | None = None) -> int:
    """Delete the safeguarding concerns on a case, or about a person with no case, whose records are being
    disposed of (retention). A legal hold on the case or the person stops disposal before this is reached
    (ADR 23).
    Only retention calls it, having checked the permission, the appraisal and holds, and it audits the
    disposal. Returns rows deleted, in a constant number of queries."""
    if case_id is not None:
        return SafeguardingConcern.objects.filter(case_id=case_id).delete()[0]
    if person_id is None:
        raise ValueError("Say whose records: a case or a person")
    return SafeguardingConcern.objects.filter(person_id=person_id, case__isnull=True).delete()[0]
