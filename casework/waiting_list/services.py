"""Writes to waiting lists: triage on receipt, reprioritise, leave the list; allocation timescales.

Due dates are counted in working days (working_days.py) from the day the request was received, by the
organisation's timescale for the list and priority; a crisis is due within two calendar days.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from casework.accounts.models import Team, User
from casework.accounts.selectors import user_list_assignable
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.cases.choices import Priority
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.cases.services import case_update
from casework.core import clock
from casework.core.errors import DomainError, ValidationFailed, stale_message
from casework.core.jobs import enqueue
from casework.core.permissions import require_perm
from casework.core.working_days import add_working_days
from casework.tasks.choices import TaskKind
from casework.tasks.models import Task
from casework.tasks.services import task_create
from casework.waiting_list.choices import (
    CRISIS_RESPONSE_DAYS,
    DEFAULT_WORKING_DAYS,
    ExitReason,
    ListKind,
    Rag,
    Trigger,
)
from casework.waiting_list.models import Reprioritisation, Timescale, WaitingListEntry, WaitingListSettings

REFUSED = "Only people who work on cases in the organisation responsible can triage this case."
STALE = stale_message("this waiting list entry")


def timescale_days(*, organisation_id: int, list_kind: str, priority: str) -> int:
    """The organisation's working days for the list and priority, or the default."""
    row = (
        Timescale.objects.filter(organisation_id=organisation_id, list_kind=list_kind, priority=priority)
        .values_list("working_days", flat=True)
        .first()
    )
    return row if row is not None else DEFAULT_WORKING_DAYS[priority]


def due_date(*, received_on: datetime.date, working_days: int, crisis: bool) -> datetime.date:
    due = add_working_days(received_on, working_days)
    if crisis:
        due = min(due, received_on + datetime.timedelta(days=CRISIS_RESPONSE_DAYS))
    return due


def _review_interval(organisation_id: int) -> int:
    row = (
        WaitingListSettings.objects.filter(organisation_id=organisation_id)
        .values_list("active_review_days", flat=True)
        .first()
    )
    return row or WaitingListSettings._meta.get_field("active_review_days").default


def next_review_date(entry: WaitingListEntry, today: datetime.date) -> datetime.date | None:
    """The next active review of an entry that needs one (red, or cannot report changes), else None."""
    if not entry.needs_active_review:
        return None
    return today + datetime.timedelta(days=_review_interval(entry.organisation_id))


def _letter_interval(organisation_id: int) -> int:
    row = (
        WaitingListSettings.objects.filter(organisation_id=organisation_id)
        .values_list("still_waiting_letter_days", flat=True)
        .first()
    )
    return row or WaitingListSettings._meta.get_field("still_waiting_letter_days").default


def _check(*, priority: str, rag: str, reason: str) -> str:
    if priority not in Priority.values:
        raise ValidationFailed("Select the priority: urgent, normal or low", field="priority")
    if rag not in Rag.values:
        raise ValidationFailed("Select the risk rating: red, amber or green", field="rag")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Enter the reason for the rating", field="rag_reason")
    return reason


def waiting_list_add(
    *,
    user: User,
    case: Case,
    list_kind: str,
    priority: str,
    rag: str,
    rag_reason: str,
    crisis: bool = False,
    can_report_changes: bool = True,
    team_id: int | None = None,
    received_on: datetime.date | None = None,
) -> WaitingListEntry:
    """Triage a request on receipt: its list, priority, RAG rating with the reason, and its due date.

    The case's own priority becomes the triaged one. Raises PermissionRefused, ValidationFailed, DomainError
    (already on that list). Audited as "waiting_list.added".
    """

    require_perm(user, "waiting_list.triage_case", case, REFUSED)
    if list_kind not in ListKind.values:
        raise ValidationFailed("Select the waiting list", field="list_kind")
    reason = _check(priority=priority, rag=rag, reason=rag_reason)
    today = clock.today()
    received_on = received_on or today
    if received_on > today:
        raise ValidationFailed("The date received must be today or in the past", field="received_on")
    if WaitingListEntry.objects.filter(case=case, list_kind=list_kind, exited_on__isnull=True).exists():
        raise DomainError(
            f"{case.reference} is already {ListKind(list_kind).label.lower()}: reprioritise it instead.",
            field="list_kind",
        )
    organisation_id = holding_organisation_id(case)
    if team_id is not None:
        if not Team.objects.filter(pk=team_id, organisation_id=organisation_id).exists():
            raise ValidationFailed("Select one of the organisation's teams", field="team")
    days = timescale_days(organisation_id=organisation_id, list_kind=list_kind, priority=priority)
    now = clock.now()
    with transaction.atomic():
        entry = WaitingListEntry.objects.create(
            case=case,
            organisation_id=organisation_id,
            team_id=team_id or case.allocated_team_id,
            list_kind=list_kind,
            priority=priority,
            rag=rag,
            rag_reason=reason,
            crisis=crisis,
            can_report_changes=can_report_changes,
            area=case.area,
            received_on=received_on,
            due_on=due_date(received_on=received_on, working_days=days, crisis=crisis),
            triaged_by=user,
            triaged_at=now,
            created_by=user,
            modified_by=user,
        )
        interval = _letter_interval(organisation_id)
        entry.next_letter_on = received_on + datetime.timedelta(days=interval)
        entry.next_review_on = next_review_date(entry, today)
        entry.save(update_fields=["next_letter_on", "next_review_on"])
        # The letter goes out once the triage commits (the job is queued in this transaction).
        enqueue(
            "waiting_list.letter",
            entry_id=entry.pk,
            kind="waiting_list_added",
            effect_key=f"waiting_list_added:{entry.pk}",
            organisation_id=organisation_id,
        )
        audit_record(
            user=user,
            verb="waiting_list.added",
            obj=entry,
            case_id=case.pk,
            person_id=case.person_id,
            changes=to_json_safe(
                {
                    "list_kind": {"before": None, "after": list_kind},
                    "priority": {"before": None, "after": priority},
                    "rag": {"before": None, "after": rag},
                    "crisis": {"before": None, "after": crisis},
                    "due_on": {"before": None, "after": entry.due_on},
                }
            ),
            reason=reason,
        )
        if case.priority != priority:
            case_update(
                user=user,
                case=case,
                version=case.version,
                fields={"priority": priority},
                verb="cases.priority_changed",
                reason=f"Triaged for the waiting list: {reason}",
            )
    return entry


def waiting_list_reprioritise(
    *,
    user: User,
    entry: WaitingListEntry,
    version: int,
    priority: str,
    rag: str,
    reason: str,
    trigger: str = Trigger.OTHER,
    crisis: bool | None = None,
) -> WaitingListEntry:
    """Change the priority or rating when circumstances change; the due date is worked out again from the
    day the request was received. Keeps the old and new values. Audited as "waiting_list.reprioritised"."""
    require_perm(user, "waiting_list.triage_case", entry.case, REFUSED)
    if not entry.is_open:
        raise DomainError("This case has left the waiting list.")
    if trigger not in Trigger.values:
        raise ValidationFailed("Select what prompted the change", field="trigger")
    reason = _check(priority=priority, rag=rag, reason=reason)
    crisis = entry.crisis if crisis is None else crisis
    if (priority, rag, crisis) == (entry.priority, entry.rag, entry.crisis):
        raise ValidationFailed(
            "Change the priority, the rating or the crisis flag, or cancel", field="priority"
        )
    days = timescale_days(organisation_id=entry.organisation_id, list_kind=entry.list_kind, priority=priority)
    due = due_date(received_on=entry.received_on, working_days=days, crisis=crisis)
    old = (entry.priority, entry.rag, entry.due_on)
    with transaction.atomic():
        # Becoming red starts active review (keeping a review already planned); leaving red ends it.
        review_on = next_review_date(
            WaitingListEntry(
                rag=rag, can_report_changes=entry.can_report_changes, organisation_id=entry.organisation_id
            ),
            clock.today(),
        )
        if review_on is not None and entry.next_review_on is not None:
            review_on = entry.next_review_on
        changes = entry.write_if_version(
            version=version,
            user=user,
            stale_message=STALE,
            fields={
                "priority": priority,
                "rag": rag,
                "rag_reason": reason,
                "crisis": crisis,
                "due_on": due,
                "next_review_on": review_on,
            },
        )
        Reprioritisation.objects.create(
            entry=entry,
            trigger=trigger,
            reason=reason,
            old_priority=old[0],
            new_priority=priority,
            old_rag=old[1],
            new_rag=rag,
            old_due_on=old[2],
            new_due_on=due,
            changed_at=clock.now(),
            changed_by=user,
        )
        audit_record(
            user=user,
            verb="waiting_list.reprioritised",
            obj=entry,
            case_id=entry.case_id,
            person_id=entry.case.person_id,
            reason=reason,
            changes=to_json_safe(
                {k: v for k, v in changes.items() if v["before"] != v["after"] and k != "rag_reason"}
            ),
        )
        if entry.case.priority != priority:
            case_update(
                user=user,
                case=entry.case,
                version=entry.case.version,
                fields={"priority": priority},
                verb="cases.priority_changed",
                reason=f"Reprioritised on the waiting list: {reason}",
            )
    return entry


def waiting_list_exit(
    *, user: User, entry: WaitingListEntry, reason: str, on: datetime.date | None = None
) -> WaitingListEntry:
    """Take the entry off the list (allocated, service started, reviewed, no longer needed, case closed)."""
    require_perm(user, "waiting_list.triage_case", entry.case, REFUSED)
    return _exit(user=user, entry=entry, reason=reason, on=on)


def _exit(
    *, user: User, entry: WaitingListEntry, reason: str, on: datetime.date | None = None
) -> WaitingListEntry:
    if reason not in ExitReason.values:
        raise ValidationFailed("Select why the case is leaving the list", field="reason")
    if not entry.is_open:
        raise DomainError("This case has already left the waiting list.")
    with transaction.atomic():
        entry.write_if_version(
            version=entry.version,
            user=user,
            stale_message=STALE,
            fields={"exited_on": on or clock.today(), "exit_reason": reason},
        )
        audit_record(
            user=user,
            verb="waiting_list.left",
            obj=entry,
            case_id=entry.case_id,
            person_id=entry.case.person_id,
            changes={"exit_reason": {"before": None, "after": reason}},
        )
    return entry


def waiting_list_exit_for_case(
    *, user: User, case: Case, reason: str, list_kinds: tuple[str, ...] | None = None
) -> int:
    """Take the case off its open lists (of those kinds): called by allocation when a worker is given the
    case, and by closing. The caller has already checked its own permission. Returns how many entries left."""
    entries = WaitingListEntry.objects.filter(case=case, exited_on__isnull=True).select_related("case")
    if list_kinds is not None:
        entries = entries.filter(list_kind__in=list_kinds)
    count = 0
    for entry in entries:
        _exit(user=user, entry=entry, reason=reason)
        count += 1
    return count


def waiting_list_hand_over(*, user: User, case: Case, to_organisation_id: int) -> int:
    """The case's open entries move to the organisation now responsible (its team to be chosen again); their
    due dates stand. Called by allocation's case_transfer. Returns how many moved."""
    moved = 0
    for entry in WaitingListEntry.objects.filter(case=case, exited_on__isnull=True):
        before = entry.organisation_id
        entry.write_if_version(
            version=entry.version,
            user=user,
            stale_message=STALE,
            fields={"organisation_id": to_organisation_id, "team_id": None},
        )
        audit_record(
            user=user,
            verb="waiting_list.handed_over",
            obj=entry,
            case_id=case.pk,
            person_id=case.person_id,
            changes={"organisation": {"before": before, "after": to_organisation_id}},
        )
        moved += 1
    return moved


def timescale_set(
    *, user: User, organisation_id: int, list_kind: str, priority: str, working_days: int
) -> Timescale:
    """Set the working days allowed before allocation on one list at one priority. Entries already on the list
    keep their due dates until reprioritised. Audited as "waiting_list.timescale_set"."""
    require_perm(
        user,
        "waiting_list.manage_timescales",
        organisation_id,
        "Only your organisation's admins set its timescales.",
    )
    if list_kind not in ListKind.values:
        raise ValidationFailed("Select the waiting list", field="list_kind")
    if priority not in Priority.values:
        raise ValidationFailed("Select the priority", field="priority")
    if not isinstance(working_days, int) or not 1 <= working_days <= 365:
        raise ValidationFailed("Enter a number of working days from 1 to 365", field="working_days")
    with transaction.atomic():
        before = timescale_days(organisation_id=organisation_id, list_kind=list_kind, priority=priority)
        row, _ = Timescale.objects.update_or_create(
            organisation_id=organisation_id,
            list_kind=list_kind,
            priority=priority,
            defaults={"working_days": working_days, "modified_by": user},
            create_defaults={"working_days": working_days, "created_by": user, "modified_by": user},
        )
        audit_record(
            user=user,
            verb="waiting_list.timescale_set",
            obj=row,
            organisation_id=organisation_id,
            changes={
                "working_days": {"before": before, "after": working_days},
                "list_kind": {"before": None, "after": list_kind},
                "priority": {"before": None, "after": priority},
            },
        )
    return row


def waiting_settings_for(*, organisation_id: int) -> WaitingListSettings:
    return WaitingListSettings.objects.filter(organisation_id=organisation_id).select_related(
        "escalation_contact"
    ).first() or WaitingListSettings(organisation_id=organisation_id)


def waiting_settings_save(
    *,
    user: User,
    organisation_id: int,
    escalation_contact: int | None,
    second_level_working_days: int,
    still_waiting_letter_days: int,
    active_review_days: int,
) -> WaitingListSettings:
    """The organisation's escalation contact and intervals. Audited as "waiting_list.settings_changed"."""

    require_perm(
        user,
        "waiting_list.manage_timescales",
        organisation_id,
        "Only your organisation's admins change its waiting list settings.",
    )
    if (
        escalation_contact is not None
        and not user_list_assignable(organisation_id=organisation_id).filter(pk=escalation_contact).exists()
    ):
        raise ValidationFailed(
            "Choose someone who does casework in your organisation", field="escalation_contact"
        )
    if not 7 <= still_waiting_letter_days <= 365:
        raise ValidationFailed("Enter a number of days from 7 to 365", field="still_waiting_letter_days")
    values = {
        "escalation_contact_id": escalation_contact,
        "second_level_working_days": second_level_working_days,
        "still_waiting_letter_days": still_waiting_letter_days,
        "active_review_days": active_review_days,
    }
    with transaction.atomic():
        before = waiting_settings_for(organisation_id=organisation_id)
        old = {k: getattr(before, k) for k in values}
        row, _ = WaitingListSettings.objects.update_or_create(
            organisation_id=organisation_id,
            defaults={**values, "modified_by": user},
            create_defaults={**values, "created_by": user, "modified_by": user},
        )
        audit_record(
            user=user,
            verb="waiting_list.settings_changed",
            obj=row,
            organisation_id=organisation_id,
            changes={k: {"before": old[k], "after": v} for k, v in values.items() if old[k] != v},
        )
    return row


def waiting_list_reprioritise_request(*, user: User, case: Case, why: str, source: str) -> list[Task]:
    """The person's circumstances changed (a concern raised the case's priority) while the case waits: ask
    whoever holds each open entry to reprioritise it (West Sussex: "reprioritised if their circumstances
    change"). A task per open entry, for its team (else the case's team, else the user who recorded the
    change), due today; `source` keys it, so the same change asks once. Returns the tasks made.
    """

    tasks = []
    restricted = case.person is not None and case.person.is_restricted
    for entry in WaitingListEntry.objects.filter(case=case, exited_on__isnull=True).select_related("team"):
        team = None if restricted else (entry.team or case.allocated_team)
        tasks.append(
            task_create(
                user=user,
                title=f"Reprioritise {case.reference} on the waiting list: circumstances changed",
                due_date=clock.today(),
                assigned_to_team=team,
                assigned_to_user=None if team else user,
                case=case,
                kind=TaskKind.FOLLOW_UP,
                details=f"{why} It waits as {entry.get_priority_display().lower()}, "
                f"{entry.get_rag_display().lower()}, due {entry.due_on:%-d %B %Y}: "
                "look at its priority and rating again."[:2000],
                source="waiting_list.reprioritise_request",
                effect_key=f"reprioritise:{entry.pk}:{source}",
            )
        )
    return tasks


def waiting_list_dispose(*, case_id: int) -> int:
    """Delete a case's waiting-list entries with their reprioritisations and escalations, whose records are
    being disposed of (retention).
    Only retention calls it, having checked the permission, the appraisal and holds, and it audits the
    disposal. Returns rows deleted, in a constant number of queries."""
    return WaitingListEntry.objects.filter(case_id=case_id).delete()[0]
