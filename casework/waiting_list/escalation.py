"""Escalation when a due date passes while the case is still waiting: once per breach, at two levels.

Level 1, the day after the due date: the team managers (of the entry's team, else of the organisation) get an
alert, and the team (else a team manager) a task. Level 2, when it is still waiting a further period (the
organisation's second_level_working_days): the organisation's named escalation contact. Each escalation is one
Escalation row, unique per entry, level and breached due date, written in the same transaction as its task and
alerts: a sweep that runs twice, or is killed half-way and runs again, escalates each breach once.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from casework.accounts.choices import Role
from casework.accounts.models import Membership, User
from casework.accounts.selectors import actor_for
from casework.core import clock
from casework.waiting_list.models import Escalation, WaitingListEntry, WaitingListSettings
from casework.waiting_list.working_days import add_working_days

SWEEP_CHUNK = 500


def _settings(organisation_id: int) -> WaitingListSettings:
    return WaitingListSettings.objects.filter(organisation_id=organisation_id).first() or WaitingListSettings(
        organisation_id=organisation_id)


def _team_managers(entry: WaitingListEntry, cache: dict | None = None) -> list[User]:
    """The team managers of the entry's team, else of its organisation (looked up once per sweep and team)."""
    key = (entry.organisation_id, entry.team_id)
    if cache is not None and key in cache:
        return cache[key]
    managers = Membership.objects.filter(organisation_id=entry.organisation_id, role=Role.TEAM_MANAGER,
                                         is_active=True, user__is_active=True)
    if entry.team_id and managers.filter(team_id=entry.team_id).exists():
        managers = managers.filter(team_id=entry.team_id)
    ids = managers.values_list("user_id", flat=True).distinct()
    found = list(User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "pk"))
    if cache is not None:
        cache[key] = found
    return found


def _describe(entry: WaitingListEntry, level: int) -> str:
    case = entry.case
    waiting = f"{entry.get_list_kind_display().lower()} ({entry.get_priority_display().lower()}, " \
              f"{entry.get_rag_display().lower()})"
    if level == 1:
        return (f"{case.reference} has passed its due date of {entry.due_on:%-d %B %Y} and is still "
                f"{waiting}. Allocate it, or reprioritise it with a reason.")
    return (f"{case.reference} is still {waiting}, {entry.due_on:%-d %B %Y} having passed; the team managers were "
            f"alerted. It needs a decision.")


def escalate(*, entry: WaitingListEntry, level: int, today: datetime.date, cache: dict | None = None
             ) -> Escalation | None:
    """Escalate one breach at one level, unless it already has been. Returns the escalation, or None.

    One audit event records the escalation with whom it alerted (the alerts are part of it)."""
    from casework.contacts.models import Message
    from casework.tasks.choices import TaskKind
    from casework.tasks.services import task_create

    if Escalation.objects.filter(entry=entry, level=level, breached_due_on=entry.due_on).exists():
        return None
    cache = {} if cache is None else cache
    if level == 1:
        recipients = _team_managers(entry, cache)
    else:
        contact = cache.setdefault(("settings", entry.organisation_id),
                                   _settings(entry.organisation_id)).escalation_contact
        recipients = [contact] if contact is not None and contact.is_active else []
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(entry=entry, level=level, breached_due_on=entry.due_on,
                                                   raised_at=clock.now(),
                                                   notified=recipients[0] if recipients else None)
            key = f"waiting_list.escalation:{entry.pk}:{level}:{entry.due_on.isoformat()}"
            if level == 1 and entry.team_id:
                assignee = {"assigned_to_team": entry.team}
            elif recipients and entry.organisation_id in cache.setdefault(
                    ("edits", recipients[0].pk), actor_for(recipients[0]).editing_organisation_ids):
                assignee = {"assigned_to_user": recipients[0]}
            else:
                assignee = None
            if assignee is not None:
                escalation.task = task_create(
                    user=None, title=f"Escalated: {entry.case.reference} is past its due date", due_date=today,
                    case=entry.case, kind=TaskKind.ESCALATION, details=_describe(entry, level), effect_key=key,
                    organisation=entry.organisation, source="waiting_list.escalation", **assignee)
                escalation.save(update_fields=["task"])
            now = clock.now()
            Message.objects.bulk_create([
                Message(to_user=user, from_user=None, case=entry.case, person_id=entry.case.person_id,
                        body=_describe(entry, level), sent_at=now) for user in recipients])
            from casework.audit.services import audit_record

            audit_record(user=None, verb="waiting_list.escalated", obj=entry, case_id=entry.case_id,
                         person_id=entry.case.person_id, organisation_id=entry.organisation_id,
                         changes={"level": {"before": None, "after": level},
                                  "breached_due_on": {"before": None, "after": entry.due_on.isoformat()},
                                  "alerted": {"before": None, "after": [u.pk for u in recipients]}})
    except IntegrityError:
        return None  # another sweep escalated it first
    return escalation


def escalation_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Escalate every open entry past its due date (level 1), and those still waiting after the organisation's
    further period (level 2). Returns the counts."""
    today = today or clock.today()
    counts = {"level_1": 0, "level_2": 0}
    not_yet = ~Exists(Escalation.objects.filter(entry=OuterRef("pk"), level=1, breached_due_on=OuterRef("due_on")))
    due = WaitingListEntry.objects.filter(exited_on__isnull=True, due_on__lt=today).filter(not_yet)
    cache: dict = {}
    for entry in _chunks(due):
        counts["level_1"] += escalate(entry=entry, level=1, today=today, cache=cache) is not None
    level_one = Escalation.objects.filter(entry=OuterRef("pk"), level=1, breached_due_on=OuterRef("due_on"))
    level_two = Escalation.objects.filter(entry=OuterRef("pk"), level=2, breached_due_on=OuterRef("due_on"))
    candidates = WaitingListEntry.objects.filter(exited_on__isnull=True, due_on__lt=today).filter(
        Exists(level_one), ~Exists(level_two))
    periods: dict[int, int] = {}
    for entry in _chunks(candidates):
        days = periods.setdefault(entry.organisation_id,
                                  _settings(entry.organisation_id).second_level_working_days)
        if add_working_days(entry.due_on, days) < today:
            counts["level_2"] += escalate(entry=entry, level=2, today=today, cache=cache) is not None
    return counts


def _chunks(qs):
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).select_related("case__person", "organisation", "team").order_by("pk")
                     [:SWEEP_CHUNK])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk
