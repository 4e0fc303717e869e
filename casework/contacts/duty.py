"""The duty desk: route a contact to the allocated worker, or take it when they are away (Wokingham duty
procedure); a person contacting us themselves, or a concern raised by someone else (SAVVI)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.db import transaction

from casework.accounts.models import Team, User
from casework.accounts.selectors import actor_for
from casework.audit.services import audit_record
from casework.cases import services as case_services
from casework.cases.choices import OPEN_STATUSES, AssignmentRole, CaseOrigin, Priority
from casework.cases.models import Case, CaseAssignment
from casework.cases.policies import holding_organisation_id
from casework.contacts.choices import (
    WRITTEN_METHODS,
    ContactMethod,
    ContactRole,
    Direction,
    OnBehalfKind,
    PriorityDecision,
)
from casework.contacts.models import ContactEvent, OnBehalfAction, WorkerAbsence
from casework.contacts.services import contact_record, message_send
from casework.core import clock
from casework.core.errors import DomainError, ValidationFailed
from casework.core.permissions import require_perm
from casework.core.working_days import add_working_days
from casework.people.models import Person
from casework.plans import support_services
from casework.plans.support_choices import SuspensionReason
from casework.plans.support_display import provider_name
from casework.plans.support_models import SupportService
from casework.tasks.selectors import case_task_assignee
from casework.tasks.services import task_create
from casework.waiting_list.services import waiting_list_reprioritise_request

RAISED_PRIORITY = {
    Priority.LOW: Priority.NORMAL,
    Priority.NORMAL: Priority.URGENT,
    Priority.URGENT: Priority.URGENT,
}


@dataclass(frozen=True)
class Availability:
    available: bool
    away_until: datetime.date | None = None  # last day away
    kind: str = ""

    @property
    def back_on(self) -> datetime.date | None:
        """The first working day after the last day away (a Friday's absence ends on Monday, or after a bank
        holiday on Tuesday)."""
        return add_working_days(self.away_until, 1) if self.away_until else None


def availability_on(*, user_ids, day: datetime.date) -> dict[int, Availability]:
    """Whether each worker is at work on the day, and when an absent one is back. One query."""
    result = {uid: Availability(True) for uid in user_ids}
    for absence in WorkerAbsence.objects.filter(
        user_id__in=list(user_ids), start_date__lte=day, end_date__gte=day
    ).order_by("-end_date"):
        current = result.get(absence.user_id)
        if current and current.available:
            result[absence.user_id] = Availability(False, absence.end_date, absence.get_kind_display())
    return result


@dataclass
class RouteCase:
    case: Case
    workers: list[tuple[User, str, Availability]] = field(default_factory=list)  # (user, role, availability)


def duty_route(*, person: Person) -> list[RouteCase]:
    """The person's open cases with who is responsible and whether the allocated workers are in today.

    The person's index card has already been shown to the duty officer; this adds availability, not detail.
    """
    cases = list(
        Case.objects.filter(person=person, status__in=OPEN_STATUSES)
        .select_related("responsible_organisation", "allocated_team", "primary_worker")
        .order_by("-raised_at")
    )
    assignments = list(
        CaseAssignment.objects.filter(
            case__in=cases, ended_at__isnull=True, role__in=[AssignmentRole.PRIMARY, AssignmentRole.SECONDARY]
        )
        .select_related("user")
        .order_by("role")
    )
    availability = availability_on(user_ids={a.user_id for a in assignments}, day=clock.today())
    routes = {case.pk: RouteCase(case) for case in cases}
    for assignment in assignments:
        routes[assignment.case_id].workers.append(
            (assignment.user, assignment.get_role_display(), availability[assignment.user_id])
        )
    return list(routes.values())


@dataclass(frozen=True)
class NamedRequest:
    allowed: bool
    message: str
    offer: list[str]


def named_request_check(
    *, person: Person, worker: User | None = None, team: Team | None = None
) -> NamedRequest:
    """May a contact asking for a named worker or team be passed to them? Only when that worker is allocated
    to the person, or that team is responsible; otherwise say so and offer who is (Wokingham duty
    procedure)."""
    routes = duty_route(person=person)
    allocated = {u.pk: u for r in routes for u, _role, _a in r.workers}
    teams = {r.case.allocated_team_id for r in routes if r.case.allocated_team_id}
    offer = [
        f"{u.display_name} ({role.lower()}, {r.case.reference})" for r in routes for u, role, _a in r.workers
    ]
    offer += [
        f"{r.case.allocated_team.name} ({r.case.reference})" for r in routes if r.case.allocated_team_id
    ]
    if worker is not None:
        if worker.pk in allocated:
            return NamedRequest(
                True, f"{worker.display_name} is allocated to this person: pass the contact on.", []
            )
        return NamedRequest(
            False,
            f"{worker.display_name} is not allocated to this person, so do not pass the "
            "contact to them."
            + (
                " Offer the allocated worker or team instead."
                if offer
                else " Nobody is allocated: take the contact."
            ),
            offer,
        )
    if team is not None:
        if team.pk in teams:
            return NamedRequest(True, f"{team.name} is responsible for this person: pass the contact on.", [])
        return NamedRequest(
            False,
            f"{team.name} is not responsible for this person."
            + (
                " Offer the allocated worker or team instead."
                if offer
                else " Nobody is allocated: take the contact."
            ),
            offer,
        )
    raise ValidationFailed("Choose the worker or team asked for", field="worker")


@dataclass(frozen=True)
class DutyOutcome:
    case: Case | None  # None: a concern about someone with no case, recorded on the person
    contact: ContactEvent
    raised_new_case: bool
    priority_changed: bool = False
    named: NamedRequest | None = None  # for a letter or email addressed to a named worker or team
    review_task: object | None = None  # the task a review requested at the desk became
    review_refused: str = ""  # why no review task could be made
    reprioritise_tasks: tuple = ()  # waiting-list entries of the case someone is asked to reprioritise


def written_contact_pass_on(
    *, user, contact: ContactEvent, worker: User | None = None, team: Team | None = None
) -> NamedRequest:
    """A letter or email addressed to a named worker or team: the same check as a call asking for them.

    Passed on only when that worker is allocated to the person, or that team responsible: the worker gets a
    message saying what arrived, where it is recorded and where the original is held; a team gets a task due
    today. Otherwise it is not passed on and the answer offers who is allocated (Wokingham duty procedure).
    The addressee and whether it was passed on are kept on the contact. Audited as
    "contacts.written_contact_routed".
    Raises ValidationFailed for no addressee, two, or a contact that is not a letter or email received.
    """

    if (worker is None) == (team is None):
        raise ValidationFailed("Choose the one worker or team it is addressed to", field="addressed_to")
    if contact.direction != Direction.INBOUND or contact.method not in WRITTEN_METHODS:
        raise ValidationFailed(
            "Only a letter or email we received can be addressed to a worker or team: "
            "for a call asking for someone, check who is allocated first",
            field="addressed_to",
        )
    person = contact.person
    if person is None:
        raise ValidationFailed("Record the letter or email on the person it is about", field="addressed_to")
    answer = named_request_check(person=person, worker=worker, team=team)
    with transaction.atomic():
        ContactEvent.objects.filter(pk=contact.pk).update(
            addressed_to_user=worker, addressed_to_team=team, passed_on=answer.allowed
        )
        contact.addressed_to_user, contact.addressed_to_team, contact.passed_on = worker, team, answer.allowed
        addressee = f"user:{worker.pk}" if worker is not None else f"team:{team.pk}"
        audit_record(
            user=user,
            verb="contacts.written_contact_routed",
            obj=contact,
            case_id=contact.case_id,
            person_id=person.pk,
            organisation_id=contact.organisation_id,
            changes={
                "addressed_to": {"before": None, "after": addressee},
                "passed_on": {"before": None, "after": answer.allowed},
            },
        )
        if answer.allowed:
            kind = ContactMethod(contact.method).label.lower()
            routes = duty_route(person=person)
            if worker is not None:
                cases = [r.case for r in routes if any(u.pk == worker.pk for u, _role, _a in r.workers)]
            else:
                cases = [r.case for r in routes if r.case.allocated_team_id == team.pk]
            # The case the contact went on, when the addressee works it; else the one they are allocated to.
            case = next((c for c in cases if c.pk == contact.case_id), cases[0])
            what = (
                f"A {kind} addressed to {'you' if worker is not None else team.name} about "
                f"{person.full_name}, received {contact.occurred_at:%-d %B %Y}, is recorded on case "
                f"{case.reference}. The original is held at: {contact.original_held_at or 'not said'}."
            )
            if contact.summary:
                what += f" {contact.summary}"
            if worker is not None:
                message_send(user=user, to_user=worker, case=case, contact=contact, body=what)
            else:
                task_create(
                    user=user,
                    title=f"Deal with the {kind} addressed to the team about {person.full_name}"[:200],
                    due_date=clock.today(),
                    assigned_to_team=team,
                    case=case,
                    kind="follow_up",
                    details=what[:2000],
                    source=f"contact:{contact.pk}",
                    effect_key=f"contact:{contact.pk}:written",
                )
    return answer


def duty_self_contact(
    *,
    user,
    person: Person,
    contact: dict,
    addressed_to_user: User | None = None,
    addressed_to_team: Team | None = None,
) -> DutyOutcome:
    """A person contacts us themselves. With an open case the contact goes on it; without one, a new case is
    raised with origin self-referral and the receiving organisation becomes responsible (SAVVI). A letter or
    email addressed to a named worker or team is passed on only as written_contact_pass_on says."""
    with transaction.atomic():
        case = Case.objects.filter(person=person, status__in=OPEN_STATUSES).order_by("-raised_at").first()
        raised = case is None
        if raised:
            case = case_services.case_raise(
                user=user,
                person=person,
                origin=CaseOrigin.SELF_REFERRAL,
                summary=contact.get("summary", ""),
                responsible_now=True,
            )
        event = contact_record(
            user=user, case=case, **{**contact, "direction": "inbound", "contact_role": ContactRole.PERSON}
        )
        named = _pass_on(user, event, addressed_to_user, addressed_to_team)
    return DutyOutcome(case=case, contact=event, raised_new_case=raised, named=named)


def _pass_on(user, event: ContactEvent, worker: User | None, team: Team | None) -> NamedRequest | None:
    if worker is None and team is None:
        return None
    return written_contact_pass_on(user=user, contact=event, worker=worker, team=team)


def duty_concern(
    *,
    user,
    person: Person,
    contact: dict,
    decision: str = "",
    reason: str = "",
    raise_case: bool = False,
    priority: str = Priority.NORMAL,
    addressed_to_user: User | None = None,
    addressed_to_team: Team | None = None,
) -> DutyOutcome:
    """A concern about a person from someone else (professional, relative, neighbour, elected representative).

    With an open case the concern goes on it and its priority is looked at again: raised with a reason, or
    left, and either way recorded. Without one, the duty officer may raise a new case (third-party concern);
    if they do not, the contact is recorded on the person and the outcome's case is None.
    A letter or email addressed to a named worker or team is passed on only as written_contact_pass_on says.
    """
    if contact.get("contact_role") in (None, "", ContactRole.PERSON, ContactRole.WORKER):
        raise ValidationFailed("Select who raised the concern", field="contact_role")
    with transaction.atomic():
        case = Case.objects.filter(person=person, status__in=OPEN_STATUSES).order_by("-raised_at").first()
        if case is None:
            if not raise_case:
                event = contact_record(user=user, person=person, **{**contact, "direction": "inbound"})
                named = _pass_on(user, event, addressed_to_user, addressed_to_team)
                return DutyOutcome(case=None, contact=event, raised_new_case=False, named=named)
            case = case_services.case_raise(
                user=user,
                person=person,
                origin=CaseOrigin.THIRD_PARTY_CONCERN,
                priority=priority,
                summary=contact.get("summary", ""),
                responsible_now=True,
            )
            event = contact_record(user=user, case=case, **{**contact, "direction": "inbound"})
            named = _pass_on(user, event, addressed_to_user, addressed_to_team)
            return DutyOutcome(case=case, contact=event, raised_new_case=True, named=named)
        if decision not in PriorityDecision.values:
            raise ValidationFailed("Decide whether the concern changes the case's priority", field="decision")
        if not reason.strip():
            raise ValidationFailed("Enter the reason for the priority decision", field="reason")
        event = contact_record(user=user, case=case, **{**contact, "direction": "inbound"})
        new_priority = RAISED_PRIORITY[case.priority] if decision == PriorityDecision.RAISE else case.priority
        changed = new_priority != case.priority
        asked: tuple = ()
        if changed:
            case_services.case_update(
                user=user,
                case=case,
                version=None,
                fields={"priority": new_priority},
                verb="cases.priority_raised",
                reason=reason.strip(),
            )

            asked = tuple(
                waiting_list_reprioritise_request(
                    user=user,
                    case=case,
                    source=f"contact:{event.pk}",
                    why=f"A concern raised the case's priority to {new_priority}: {reason.strip()}.",
                )
            )
        else:
            audit_record(
                user=user,
                verb="cases.priority_reviewed",
                obj=case,
                case_id=case.pk,
                person_id=person.pk,
                changes={"priority": {"before": case.priority, "after": case.priority}},
                reason=reason.strip(),
            )
        named = _pass_on(user, event, addressed_to_user, addressed_to_team)
    return DutyOutcome(
        case=case,
        contact=event,
        raised_new_case=False,
        priority_changed=changed,
        named=named,
        reprioritise_tasks=asked,
    )


def duty_call_record(
    *,
    user,
    person: Person,
    who: str,
    contact: dict,
    decision: str = "",
    reason: str = "",
    raise_case: bool = False,
    priority: str = Priority.NORMAL,
    review_requested: bool = False,
    addressed_to_user: User | None = None,
    addressed_to_team: Team | None = None,
) -> DutyOutcome:
    """A call or written contact taken at the duty desk, for the page and the API alike: from the person
    (duty_self_contact) or a concern from someone else (duty_concern); a review they ask for becomes a task
    (review_request) once the contact is recorded. If nobody is allocated to take the review, the contact
    stands and the outcome says why no task was made.
    Raises PermissionRefused, ValidationFailed (naming the field).
    """

    if who not in ("person", "other"):
        raise ValidationFailed("Select who is contacting us", field="who")
    if who == "person":
        outcome = duty_self_contact(
            user=user,
            person=person,
            contact=contact,
            addressed_to_user=addressed_to_user,
            addressed_to_team=addressed_to_team,
        )
    else:
        outcome = duty_concern(
            user=user,
            person=person,
            contact=contact,
            decision=decision,
            reason=reason,
            raise_case=raise_case,
            priority=priority or Priority.NORMAL,
            addressed_to_user=addressed_to_user,
            addressed_to_team=addressed_to_team,
        )
    if not review_requested:
        return outcome
    if outcome.case is None:
        return replace(
            outcome,
            review_refused="The person has no case, so there is no support to review: "
            "raise a case for the concern if they need one.",
        )
    try:
        task = review_request(user=user, case=outcome.case, details=contact.get("summary", ""))
    except DomainError as error:
        return replace(outcome, review_refused=str(error))
    return replace(outcome, review_task=task)


REFUSED_ON_BEHALF = "Only the duty desk of the organisation holding this open case can act on it."


def _absent_worker(*, user, case: Case) -> User:
    """The case's primary worker, for whom the duty desk acts. Raises PermissionRefused, DomainError."""
    require_perm(user, "contacts.record_contact_case", case, REFUSED_ON_BEHALF)
    if case.primary_worker_id is None:
        raise DomainError("This case has no allocated worker to act for: work on it directly.")
    if case.primary_worker_id == user.pk:
        raise DomainError("You are the allocated worker: record this on the case yourself.")
    return case.primary_worker


def _record_on_behalf(
    *, user, case: Case, worker: User, kind: str, details: str, effective_on: datetime.date
) -> OnBehalfAction:
    """Record what was done for the worker, audited, and send them a message saying so (in the caller's
    transaction)."""
    action = OnBehalfAction.objects.create(
        case=case,
        kind=kind,
        details=details,
        for_worker=worker,
        effective_on=effective_on,
        created_by=user,
        modified_by=user,
    )
    audit_record(
        user=user,
        verb="contacts.acted_on_behalf",
        obj=action,
        case_id=case.pk,
        person_id=case.person_id,
        changes={
            "kind": {"before": None, "after": kind},
            "for_worker": {"before": None, "after": worker.pk},
        },
        reason=details,
    )
    message_send(
        user=user,
        to_user=worker,
        case=case,
        body=f"Done on your behalf: {OnBehalfKind(kind).label}. {details}",
    )
    return action


def action_on_behalf(*, user, case: Case, kind: str, details: str, effective_on: datetime.date | None = None):
    """Act for the case's primary worker (make a referral; a service is suspended or restarted through the
    support plan: service_suspend_on_behalf), record it, and alert the worker with a message. Audited as
    "contacts.acted_on_behalf"."""

    require_perm(user, "contacts.record_contact_case", case, REFUSED_ON_BEHALF)
    if kind not in OnBehalfKind.values:
        raise ValidationFailed("Select what you did", field="kind")
    if not details.strip():
        raise ValidationFailed("Enter what you did and why", field="details")
    worker = _absent_worker(user=user, case=case)
    with transaction.atomic():
        return _record_on_behalf(
            user=user,
            case=case,
            worker=worker,
            kind=kind,
            details=details.strip(),
            effective_on=effective_on or clock.today(),
        )


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _service_said(service: SupportService, note: str) -> str:
    provider = provider_name(service)
    said = f"{service.service_type}" + (f" from {provider}" if provider else "")
    return f"{said}. {note}".strip() if note.strip() else said + "."


def service_suspend_on_behalf(
    *,
    user,
    case: Case,
    service: SupportService,
    version: int,
    reason: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    note: str = "",
) -> OnBehalfAction:
    """Suspend a service of the case's active support plan for its absent worker (a hospital admission;
    respite agreed in the plan, with its last day), through the support plan's service, and tell the worker.
    Audited as "plans.support_service_suspended" and "contacts.acted_on_behalf". Raises PermissionRefused,
    ValidationFailed, DomainError, ConflictError."""
    worker = _absent_worker(user=user, case=case)
    with transaction.atomic():
        support_services.support_service_suspend(
            user=user,
            service=service,
            version=version,
            reason=reason,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note,
            on_behalf_of=worker,
        )
        kind = (
            OnBehalfKind.ARRANGE_RESPITE
            if reason == SuspensionReason.RESPITE
            else OnBehalfKind.SUSPEND_SERVICE
        )
        until = f" to {_day(ends_on)}" if ends_on else ""
        return _record_on_behalf(
            user=user,
            case=case,
            worker=worker,
            kind=kind,
            details=(
                f"{SuspensionReason(reason).label}: suspended from {_day(starts_on)}{until}: "
                + _service_said(service, note)
            ),
            effective_on=starts_on,
        )


def service_restart_on_behalf(
    *, user, case: Case, service: SupportService, version: int, restarts_on: datetime.date, note: str = ""
) -> OnBehalfAction:
    """Restart a suspended service of the case's active support plan for its absent worker (a discharge from
    hospital), through the support plan's service, and tell the worker. Audited as
    "plans.support_service_restarted" and "contacts.acted_on_behalf". Raises PermissionRefused,
    ValidationFailed, DomainError, ConflictError."""
    worker = _absent_worker(user=user, case=case)
    with transaction.atomic():
        support_services.support_service_restart(
            user=user,
            service=service,
            version=version,
            restarts_on=restarts_on,
            note=note,
            on_behalf_of=worker,
        )
        return _record_on_behalf(
            user=user,
            case=case,
            worker=worker,
            kind=OnBehalfKind.RESTART_SERVICE,
            details=f"Restarted on {_day(restarts_on)}: " + _service_said(service, note),
            effective_on=restarts_on,
        )


# How long the allocated worker or team has to pick up a review asked for at the duty desk.
REVIEW_REQUEST_DAYS = 5


def review_request(*, user, case: Case, details: str):
    """A review asked for at the duty desk: a task for the allocated worker, else the responsible team
    (Wokingham: review requests go to the allocated worker or the team responsible for reviewing the plan),
    else, with nobody allocated, the duty desk member who took the call: a request is never dropped.
    Audited through task_create ("tasks.task_created", source "duty:<case>").
    Raises DomainError when nobody can take it (the recorder does not work at the holding organisation),
    PermissionRefused.
    """

    worker, team = case_task_assignee(case=case)
    if worker is None and team is None:
        if holding_organisation_id(case) not in actor_for(user).editing_organisation_ids:
            raise DomainError(
                "Nobody is allocated to this case yet and it is held by another organisation, so no "
                "review task was made: the request is in the contact's summary."
            )
        worker = user
    return task_create(
        user=user,
        title=f"Review requested by {case.subject_name}",
        due_date=clock.today() + datetime.timedelta(days=REVIEW_REQUEST_DAYS),
        assigned_to_user=worker,
        assigned_to_team=team,
        case=case,
        kind="review_request",
        details=details[:2000],
        source=f"duty:{case.pk}",
    )
