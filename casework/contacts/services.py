"""Recording contact events (SAVVI), including attempts to reach someone: the scheduling log."""

from __future__ import annotations

import datetime
import uuid
from typing import cast

from django.db import models, transaction
from django.http import Http404

from casework.accounts.choices import Role
from casework.accounts.models import Team, User
from casework.accounts.selectors import actor_for
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.cases.models import Case, RiskCategory
from casework.cases.policies import can_view_case, holding_organisation_id
from casework.contacts.choices import (
    WRITTEN_METHODS,
    AbsenceKind,
    AdviceOutcome,
    ContactMethod,
    ContactOutcome,
    ContactRole,
    Direction,
    FollowUpBy,
)
from casework.contacts.errors import ContactInvalid
from casework.contacts.models import ContactEvent, Message, WorkerAbsence
from casework.contacts.selectors import advice_check_contact
from casework.core import clock
from casework.core.errors import DomainError, PermissionRefused, ValidationFailed
from casework.core.jobs import enqueue
from casework.core.permissions import require_perm
from casework.directory.selectors import service_signpost_snapshot
from casework.people.models import Person
from casework.tasks.choices import TaskKind
from casework.tasks.models import Task
from casework.tasks.services import task_complete, task_create

# A clock a few minutes fast on a phone or laptop should not stop someone recording a call they just made.
FUTURE_TOLERANCE = datetime.timedelta(minutes=10)


def _check_choice(value: str, choices: type[models.TextChoices], field: str, message: str) -> None:
    if value not in choices.values:
        raise ValidationFailed(message, field=field)


def contact_record(
    *,
    user: User,
    occurred_at: datetime.datetime,
    direction: str,
    method: str,
    contact_role: str,
    outcome: str,
    case: Case | None = None,
    person: Person | None = None,
    contact_name: str = "",
    contact_details: str = "",
    summary: str = "",
    is_scheduling_attempt: bool = False,
    next_attempt_at: datetime.datetime | None = None,
    advice_given: str = "",
    signposted: list[dict[str, str]] | None = None,
    signposted_service_ids: list[uuid.UUID | str] | None = None,
    resolved_at_first_contact: bool = False,
    financial_information_given: bool = False,
    follow_up: str = "",
    follow_up_due: datetime.date | None = None,
    follow_up_by: str = "",
    original_held_at: str = "",
) -> ContactEvent:
    """Record a contact on a case (and its person) or on a person alone. Audited as
    "contacts.contact_recorded".

    signposted_service_ids name directory services: each is kept as a snapshot of the service as it is today
    (feeds change, records must not); signposted takes services outside the directory as {name, contact}.
    Information or advice given makes a task to check whether it helped, due sooner the higher the risk; a
    follow-up agreed with the person makes a task due on the agreed day. Both go to the allocated worker, or
    else the case's team, or else the recorder; `follow_up_by` (FollowUpBy) names who follows up instead.

    Raises PermissionRefused, ValidationFailed (naming the field) for a contact that cannot be as described.
    """
    if case is None and person is None:
        raise ValidationFailed("Record the contact on a case or a person", field="case")
    if case is not None:
        require_perm(
            user,
            "contacts.record_contact_case",
            case,
            "Only people doing casework in the organisation holding this open case can record contacts.",
        )
        person = person or case.person
        organisation_id = holding_organisation_id(case)
    else:
        require_perm(
            user, "contacts.record_contact_person", person, "You cannot record contacts about this person."
        )
        actor = actor_for(user)
        organisation_id = (
            actor.primary_organisation_id
            if actor.primary_organisation_id in actor.editing_organisation_ids
            else min(actor.editing_organisation_ids)
        )
    _check_choice(direction, Direction, "direction", "Select whether the contact was inbound or outbound")
    _check_choice(method, ContactMethod, "method", "Select how the contact was made")
    _check_choice(contact_role, ContactRole, "contact_role", "Select who made the contact")
    _check_choice(outcome, ContactOutcome, "outcome", "Select whether the contact reached the person")
    now = clock.now()
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ContactInvalid("The date and time of the contact must be in the past", field="occurred_at")
    if is_scheduling_attempt:
        if case is None:
            raise ContactInvalid(
                "An attempt to arrange a visit is recorded on a case", field="is_scheduling_attempt"
            )
        if direction != Direction.OUTBOUND:
            raise ContactInvalid("An attempt to reach the person is an outbound contact", field="direction")
    if next_attempt_at is not None:
        if not is_scheduling_attempt:
            raise ContactInvalid(
                "Only an attempt to reach the person has a next attempt", field="next_attempt_at"
            )
        if next_attempt_at <= occurred_at:
            raise ContactInvalid("The next attempt must be after this one", field="next_attempt_at")
    if contact_role != ContactRole.PERSON and contact_role != ContactRole.WORKER and not contact_name.strip():
        raise ValidationFailed("Enter the name of the person who made the contact", field="contact_name")
    signposted = _signposted_snapshots(signposted_service_ids or []) + [
        {
            "service_id": str(s.get("service_id", "")),
            "name": str(s.get("name", ""))[:200],
            "contact": str(s.get("contact", ""))[:300],
        }
        for s in (signposted or [])
    ]
    if resolved_at_first_contact and not (advice_given.strip() or signposted):
        raise ValidationFailed(
            "Record the information, advice or services that resolved the contact", field="advice_given"
        )
    if direction == Direction.INBOUND and method in WRITTEN_METHODS and not original_held_at.strip():
        raise ValidationFailed(
            "Say where the original letter or email is held, for example the case file or the team mailbox",
            field="original_held_at",
        )
    if follow_up.strip() and follow_up_due is None:
        raise ValidationFailed("Enter when the follow-up is due", field="follow_up_due")
    if follow_up_due is not None and follow_up_due < clock.today():
        raise ValidationFailed("The follow-up must be due today or later", field="follow_up_due")
    follow_up_assignee = (
        _follow_up_assignee(user=user, case=case, by=follow_up_by) if follow_up.strip() else None
    )
    with transaction.atomic():
        event = ContactEvent.objects.create(
            advice_given=advice_given.strip(),
            signposted=signposted,
            resolved_at_first_contact=resolved_at_first_contact,
            financial_information_given=financial_information_given,
            original_held_at=original_held_at.strip(),
            organisation_id=organisation_id,
            case=case,
            person=person,
            occurred_at=occurred_at,
            direction=direction,
            method=method,
            contact_role=contact_role,
            contact_name=contact_name.strip(),
            contact_details=contact_details.strip(),
            outcome=outcome,
            summary=summary.strip(),
            is_scheduling_attempt=is_scheduling_attempt,
            next_attempt_at=next_attempt_at,
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="contacts.contact_recorded",
            obj=event,
            case_id=case.pk if case else None,
            person_id=person.pk if person else None,
            organisation_id=organisation_id,
            changes=to_json_safe(
                {
                    "direction": {"before": None, "after": direction},
                    "method": {"before": None, "after": method},
                    "outcome": {"before": None, "after": outcome},
                    "scheduling_attempt": {"before": None, "after": is_scheduling_attempt},
                    "resolved_at_first_contact": {"before": None, "after": resolved_at_first_contact},
                    "financial_information_given": {"before": None, "after": financial_information_given},
                }
            ),
        )
        if advice_given.strip() or signposted:
            _follow_up_task(
                user=user,
                event=event,
                case=case,
                person=person,
                kind="advice_check",
                title=f"Check whether the advice helped {person.full_name if person else 'them'}",
                due=clock.today() + datetime.timedelta(days=_advice_check_days(case)),
            )
        if follow_up.strip():
            _follow_up_task(
                user=user,
                event=event,
                case=case,
                person=person,
                kind="follow_up",
                title=follow_up.strip()[:200],
                due=cast(datetime.date, follow_up_due),  # required with a follow-up, checked above
                assignee=follow_up_assignee,
            )
        if (
            direction == Direction.INBOUND
            and method in WRITTEN_METHODS
            and case is not None
            and contact_role == ContactRole.PERSON
            and case.person_id
        ):
            # The person wrote to us: an acknowledgement goes by post once this commits (a queued job).

            enqueue(
                "letters.send",
                kind="acknowledgement",
                case_id=case.pk,
                effect_key=f"acknowledgement:{event.pk}",
                organisation_id=organisation_id,
                extra={
                    "contact_method": ContactMethod(method).label.lower(),
                    "received_on": occurred_at.date().strftime("%-d %B %Y"),
                },
            )
    return event


def _signposted_snapshots(service_ids: list[uuid.UUID | str]) -> list[dict[str, str]]:
    snapshots = []
    for service_id in dict.fromkeys(str(s) for s in service_ids):
        try:
            snapshots.append(service_signpost_snapshot(service_id=service_id))
        except Http404:
            raise ValidationFailed(
                "A service you chose is no longer in the directory: search again",
                field="signposted_service_ids",
            ) from None
    return snapshots


# How soon to check that advice helped, by risk category (a higher risk is checked sooner).
ADVICE_CHECK_DAYS = {"high": 2, "medium": 5, "low": 10}
ADVICE_CHECK_DEFAULT_DAYS = 7


def _advice_check_days(case: Case | None) -> int:
    if case is None or case.risk_category_id is None:
        return ADVICE_CHECK_DEFAULT_DAYS
    return ADVICE_CHECK_DAYS.get(cast(RiskCategory, case.risk_category).code, ADVICE_CHECK_DEFAULT_DAYS)


def _follow_up_assignee(*, user: User, case: Case | None, by: str) -> tuple[User | None, Team | None] | None:
    """(user, team) named by FollowUpBy, or None for the default; ValidationFailed when there is nobody so."""

    if not by:
        return None
    _check_choice(by, FollowUpBy, "follow_up_by", "Select who follows up")
    if by == FollowUpBy.RECORDER:
        return user, None
    if by == FollowUpBy.WORKER:
        if case is None or not case.primary_worker_id:
            raise ValidationFailed(
                "Nobody is allocated to follow up: choose the team or yourself", field="follow_up_by"
            )
        return case.primary_worker, None
    if case is None or not case.allocated_team_id:
        raise ValidationFailed("No team is responsible yet: choose yourself", field="follow_up_by")
    return None, case.allocated_team


def _follow_up_task(
    *,
    user: User,
    event: ContactEvent,
    case: Case | None,
    person: Person | None,
    kind: str,
    title: str,
    due: datetime.date,
    assignee: tuple[User | None, Team | None] | None = None,
) -> Task:
    """A task from a contact: for `assignee` (user, team) when given, else the allocated worker, else the
    case's team, else the person who recorded it."""

    worker: User | None
    team: Team | None
    if assignee is not None:
        worker, team = assignee
    else:
        worker, team = user, None
        if case is not None and case.primary_worker_id:
            worker = case.primary_worker
        elif case is not None and case.allocated_team_id:
            worker, team = None, case.allocated_team
    return task_create(
        user=user,
        title=title,
        due_date=due,
        assigned_to_user=worker,
        assigned_to_team=team,
        case=case,
        person=person if case is None else None,
        kind=kind,
        details=f"From the contact on {event.occurred_at:%d %B %Y}: {event.summary}"[:2000],
        source=f"contact:{event.pk}",
        effect_key=f"contact:{event.pk}:{kind}",
    )


def absence_record(
    *, user: User, worker: User, kind: str, start_date: datetime.date, end_date: datetime.date, note: str = ""
) -> WorkerAbsence:
    """Record a worker's absence: their own, or a team member's by their team manager."""

    actor = actor_for(user)
    if worker.pk != user.pk:
        managed = actor.organisations_with_role(Role.TEAM_MANAGER)
        if not managed & actor_for(worker).organisation_ids:
            raise PermissionRefused("You can record absences for yourself and the people you manage.")
    _check_choice(kind, AbsenceKind, "kind", "Select the kind of absence")
    if end_date < start_date:
        raise ValidationFailed("The last day must be the same as or after the first day", field="end_date")
    with transaction.atomic():
        absence = WorkerAbsence.objects.create(
            user=worker,
            kind=kind,
            start_date=start_date,
            end_date=end_date,
            note=note.strip(),
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="contacts.absence_recorded",
            obj=absence,
            changes=to_json_safe(
                {
                    "worker": {"before": None, "after": worker.pk},
                    "dates": {"before": None, "after": [start_date, end_date]},
                }
            ),
        )
    return absence


def message_send(
    *,
    user: User,
    to_user: User,
    body: str,
    told_person: str = "",
    case: Case | None = None,
    person: Person | None = None,
    contact: ContactEvent | None = None,
) -> Message:
    """Leave a worker a message about a contact: what happened, what was done, what the person was told."""

    if case is not None:
        require_perm(
            user,
            "contacts.record_contact_case",
            case,
            "Only the organisation holding this open case can leave messages about it.",
        )
        if not can_view_case(to_user, case):
            raise ValidationFailed("That worker cannot see this case", field="to_user")
    if not body.strip():
        raise ValidationFailed("Enter the message", field="body")
    with transaction.atomic():
        message = Message.objects.create(
            to_user=to_user,
            from_user=user,
            case=case,
            person=person or (case.person if case else None),
            contact=contact,
            body=body.strip(),
            told_person=told_person.strip(),
            sent_at=clock.now(),
        )
        audit_record(
            user=user,
            verb="contacts.message_sent",
            obj=message,
            case_id=case.pk if case else None,
            person_id=message.person_id,
            changes={"to": {"before": None, "after": to_user.pk}},
        )
    return message


def message_mark_read(*, user: User, message: Message) -> None:
    if message.to_user_id != user.pk:
        raise PermissionRefused("Only the person a message is for can mark it read.")
    if message.read_at is None:
        with transaction.atomic():
            Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=clock.now())
            audit_record(
                user=user,
                verb="contacts.message_read",
                obj=message,
                case_id=message.case_id,
                person_id=message.person_id,
                changes={"read": {"before": False, "after": True}},
            )


def message_alert(*, to_user: User, body: str, case: Case | None = None) -> Message:
    """A message from Casework itself (an escalation, a reminder): no sender, no permission to check."""

    with transaction.atomic():
        message = Message.objects.create(
            to_user=to_user,
            from_user=None,
            case=case,
            person=case.person if case else None,
            body=body.strip(),
            sent_at=clock.now(),
        )
        audit_record(
            user=None,
            verb="contacts.alert_sent",
            obj=message,
            case_id=case.pk if case else None,
            person_id=message.person_id,
            changes={"to": {"before": None, "after": to_user.pk}},
        )
    return message


def message_alert_many(*, alerts: list[tuple[User, str, Case]], at: datetime.datetime) -> list[Message]:
    """Messages from Casework itself to many people at once, each (to_user, body, case): one insert. For a
    sweep (waiting-list escalations) whose own audit event names who was told."""
    return Message.objects.bulk_create(
        [
            Message(
                to_user=to_user, from_user=None, case=case, person_id=case.person_id, body=body, sent_at=at
            )
            for to_user, body, case in alerts
        ]
    )


def advice_check_record(
    *, user: User, task: Task, outcome: str, note: str = "", version: int
) -> ContactEvent | None:
    """Record whether the information and advice given helped, completing the check task made with the
    contact.

    The outcome, who found it out and when go on the contact the advice was given at (a check added by hand
    has no contact: its outcome is in its completion note and the audit event). Audited as
    "contacts.advice_check_recorded" with the outcome, in the same transaction as the task's completion.
    Raises PermissionRefused (only those who may complete the task), DomainError for a task that is not an
    advice check, ValidationFailed (no outcome, or no note when it did not simply help), TaskClosed,
    ConflictError when stale."""

    require_perm(
        user,
        "tasks.complete_task",
        task,
        "Only the people the check is given to and their team managers can record its outcome.",
    )
    if task.kind != TaskKind.ADVICE_CHECK:
        raise DomainError("This task is not a check that advice helped: complete it from its own page.")
    _check_choice(outcome, AdviceOutcome, "outcome", "Select whether the advice helped")
    note = (note or "").strip()
    if outcome != AdviceOutcome.HELPED and not note:
        raise ValidationFailed("Say what did not help and what happens next", field="note")
    event = advice_check_contact(task=task)
    label = AdviceOutcome(outcome).label
    with transaction.atomic():
        task_complete(
            user=user,
            task=task,
            note=f"{label}. {note}".strip() if note else f"{label}.",
            version=version,
            outcome_recorded=True,
        )
        if event is not None:
            ContactEvent.objects.filter(pk=event.pk).update(
                advice_outcome=outcome,
                advice_outcome_note=note,
                advice_checked_at=clock.now(),
                advice_checked_by=user,
            )
        audit_record(
            user=user,
            verb="contacts.advice_check_recorded",
            obj=event if event is not None else task,
            case_id=task.case_id,
            person_id=task.person_id or (task.case.person_id if task.case is not None else None),
            organisation_id=task.organisation_id,
            reason=note,
            changes={
                "advice_outcome": {"before": None, "after": outcome},
                "task": {"before": None, "after": task.pk},
            },
        )
    if event is not None:
        event.refresh_from_db()
    return event


def contacts_dispose(*, case_id: int | None = None, person_id: int | None = None) -> int:
    """Delete the contacts, messages and actions on behalf about a case (or a person's own, with no case)
    whose records are being disposed of (retention). The caller has checked retention.govern_records and the
    appraisal, and audits the disposal; returns rows deleted (with what they cascade to)."""
    if case_id is not None:
        deleted = ContactEvent.objects.filter(case_id=case_id).delete()[0]
        return deleted + Message.objects.filter(case_id=case_id).delete()[0]
    if person_id is None:
        raise ValueError("Say whose records: a case or a person")
    deleted = ContactEvent.objects.filter(person_id=person_id, case__isnull=True).delete()[0]
    return deleted + Message.objects.filter(person_id=person_id, case__isnull=True).delete()[0]
