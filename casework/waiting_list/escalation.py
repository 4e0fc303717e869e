"""Escalation when a due date passes while the case is still waiting: once per breach, at two levels.

Level 1, the day after the due date: the team managers (of the entry's team, else of the organisation) get an
alert, and the team (else a team manager) a task. Level 2, when it is still waiting a further period (the
organisation's second_level_working_days): the organisation's named escalation contact, else (none is set) its
organisation admins; the escalation says who was told. Each escalation is one
Escalation row, unique per entry, level and breached due date, written in the same transaction as its task and
alerts: a sweep that runs twice, or is killed half-way and runs again, escalates each breach once.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from casework.accounts.choices import Role
from casework.accounts.models import User
from casework.accounts.selectors import actor_for, team_managers_of, users_with_role
from casework.audit.services import audit_record_many
from casework.cases.policies import can_view_case
from casework.contacts.services import message_alert_many
from casework.core import clock
from casework.core.working_days import add_working_days
from casework.people.policies import can_view_person
from casework.tasks.choices import TaskKind
from casework.tasks.services import JobTask, tasks_create_for_job
from casework.waiting_list.models import Escalation, WaitingListEntry, WaitingListSettings

SWEEP_CHUNK = 500


def _settings(organisation_id: int) -> WaitingListSettings:
    return WaitingListSettings.objects.filter(organisation_id=organisation_id).first() or WaitingListSettings(
        organisation_id=organisation_id
    )


def _cached_settings(organisation_id: int, cache: dict) -> WaitingListSettings:
    key = ("settings", organisation_id)
    if key not in cache:
        cache[key] = _settings(organisation_id)
    return cache[key]


def _team_managers(entry: WaitingListEntry, cache: dict | None = None) -> list[User]:
    """The team managers of the entry's team, else of its organisation (looked up once per sweep and team)."""
    key = (entry.organisation_id, entry.team_id)
    if cache is not None and key in cache:
        return cache[key]
    found = team_managers_of(organisation_id=entry.organisation_id, team_id=entry.team_id)
    if cache is not None:
        cache[key] = found
    return found


def _describe(entry: WaitingListEntry, level: int) -> str:
    case = entry.case
    waiting = (
        f"{entry.get_list_kind_display().lower()} ({entry.get_priority_display().lower()}, "
        f"{entry.get_rag_display().lower()})"
    )
    if level == 1:
        return (
            f"{case.reference} has passed its due date of {entry.due_on:%-d %B %Y} and is still "
            f"{waiting}. Allocate it, or reprioritise it with a reason."
        )
    return (
        f"{case.reference} is still {waiting}, {entry.due_on:%-d %B %Y} having passed; "
        "the team managers were alerted. It needs a decision."
    )


def _org_admins(organisation_id: int, cache: dict) -> list[User]:
    key = ("admins", organisation_id)
    if key not in cache:
        cache[key] = users_with_role(organisation_id=organisation_id, roles=(Role.ORG_ADMIN,))
    return cache[key]


def _names(users: list[User]) -> str:
    return ", ".join(u.display_name for u in users)


def _recipients(entry: WaitingListEntry, level: int, cache: dict) -> tuple[list[User], str]:
    """Who is alerted, and who the case says was told."""
    if level == 1:
        managers = _team_managers(entry, cache)
        return managers, (
            f"the team managers ({_names(managers)})"
            if managers
            else "nobody: the organisation has no team managers"
        )
    contact = _cached_settings(entry.organisation_id, cache).escalation_contact
    if contact is not None and contact.is_active:
        return [contact], f"the escalation contact ({contact.display_name})"
    # No escalation contact (as shipped): never a second level that tells nobody.
    admins = _org_admins(entry.organisation_id, cache)
    if admins:
        return admins, f"the organisation admins, as no escalation contact is set ({_names(admins)})"
    return [], "nobody: no escalation contact is set and the organisation has no admins"


def _assignee(entry: WaitingListEntry, level: int, recipients: list[User], cache: dict) -> dict | None:
    """Who the escalation's task goes to: at level 1 the entry's team, else the first person alerted if they
    do casework at the organisation and could see the case; else nobody (the alerts still go)."""
    person = entry.case.person if entry.case.person_id else None
    if level == 1 and entry.team_id and not (person is not None and person.is_restricted):
        return {"assigned_to_team": entry.team}
    if not recipients:
        return None
    user = recipients[0]
    if entry.organisation_id not in actor_for(user).editing_organisation_ids:  # cached on the user
        return None
    if not can_view_case(user, entry.case):
        return None
    if person is not None and person.is_restricted and not can_view_person(user, person):
        return None
    return {"assigned_to_user": user}


def _effect_key(entry: WaitingListEntry, level: int) -> str:
    return f"waiting_list.escalation:{entry.pk}:{level}:{entry.due_on.isoformat()}"


def _escalate_together(
    *, entries: list[WaitingListEntry], level: int, today: datetime.date, cache: dict
) -> int:
    """Escalate a batch of breaches at one level in one transaction: their tasks, escalations, alerts and
    audit events written a table at a time. Breaches already escalated are left. Returns how many."""

    with transaction.atomic():
        done = set(
            Escalation.objects.filter(entry_id__in=[e.pk for e in entries], level=level).values_list(
                "entry_id", "breached_due_on"
            )
        )
        todo = [e for e in entries if (e.pk, e.due_on) not in done]
        if not todo:
            return 0
        plans = []
        for entry in todo:
            recipients, told = _recipients(entry, level, cache)
            plans.append((entry, recipients, told, _assignee(entry, level, recipients, cache)))
        tasks = tasks_create_for_job(
            tasks=[
                JobTask(
                    case=entry.case,
                    title=f"Escalated: {entry.case.reference} is past its due date",
                    due_date=today,
                    effect_key=_effect_key(entry, level),
                    kind=TaskKind.ESCALATION,
                    details=_describe(entry, level),
                    source="waiting_list.escalation",
                    **assignee,
                )
                for entry, _, _, assignee in plans
                if assignee is not None
            ]
        )
        now = clock.now()
        escalations = Escalation.objects.bulk_create(
            [
                Escalation(
                    entry=entry,
                    level=level,
                    breached_due_on=entry.due_on,
                    raised_at=now,
                    alerted=told[:500],
                    notified=recipients[0] if recipients else None,
                    task=tasks.get(_effect_key(entry, level)),
                )
                for entry, recipients, told, _ in plans
            ]
        )
        message_alert_many(
            alerts=[
                (user, _describe(entry, level), entry.case)
                for entry, recipients, _, _ in plans
                for user in recipients
            ],
            at=now,
        )
        audit_record_many(
            [
                _audit(escalation.entry, level, recipients)
                for escalation, (_, recipients, _, _) in zip(escalations, plans, strict=True)
            ]
        )
    return len(escalations)


def _audit(entry: WaitingListEntry, level: int, recipients: list[User]) -> dict:
    """One audit event records the escalation with whom it alerted (the alerts are part of it)."""
    return {
        "user": None,
        "verb": "waiting_list.escalated",
        "obj": entry,
        "case_id": entry.case_id,
        "person_id": entry.case.person_id,
        "organisation_id": entry.organisation_id,
        "changes": {
            "level": {"before": None, "after": level},
            "breached_due_on": {"before": None, "after": entry.due_on.isoformat()},
            "alerted": {"before": None, "after": [u.pk for u in recipients]},
        },
    }


def escalate(
    *, entry: WaitingListEntry, level: int, today: datetime.date, cache: dict | None = None
) -> Escalation | None:
    """Escalate one breach at one level, unless it already has been. Returns the escalation, or None."""
    cache = {} if cache is None else cache
    try:
        made = _escalate_together(entries=[entry], level=level, today=today, cache=cache)
    except IntegrityError:
        return None  # another sweep escalated it first
    if not made:
        return None
    return Escalation.objects.get(entry=entry, level=level, breached_due_on=entry.due_on)


def _escalate_batch(*, entries: list[WaitingListEntry], level: int, today: datetime.date, cache: dict) -> int:
    """Together when nobody else is escalating the same breaches; one by one when another sweep got to one
    of them between our look-up and our insert (its transaction is rolled back whole)."""
    try:
        return _escalate_together(entries=entries, level=level, today=today, cache=cache)
    except IntegrityError:
        return sum(
            escalate(entry=entry, level=level, today=today, cache=cache) is not None for entry in entries
        )


def escalation_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Escalate every open entry past its due date (level 1), and those still waiting after the organisation's
    further period (level 2). Returns the counts."""
    today = today or clock.today()
    counts = {"level_1": 0, "level_2": 0}
    not_yet = ~Exists(
        Escalation.objects.filter(entry=OuterRef("pk"), level=1, breached_due_on=OuterRef("due_on"))
    )
    due = WaitingListEntry.objects.filter(exited_on__isnull=True, due_on__lt=today).filter(not_yet)
    cache: dict = {}
    for batch in _chunks(due):
        counts["level_1"] += _escalate_batch(entries=batch, level=1, today=today, cache=cache)
    level_one = Escalation.objects.filter(entry=OuterRef("pk"), level=1, breached_due_on=OuterRef("due_on"))
    level_two = Escalation.objects.filter(entry=OuterRef("pk"), level=2, breached_due_on=OuterRef("due_on"))
    candidates = WaitingListEntry.objects.filter(exited_on__isnull=True, due_on__lt=today).filter(
        Exists(level_one), ~Exists(level_two)
    )
    for batch in _chunks(candidates):
        ready = [
            entry
            for entry in batch
            if add_working_days(
                entry.due_on, _cached_settings(entry.organisation_id, cache).second_level_working_days
            )
            < today
        ]
        if ready:
            counts["level_2"] += _escalate_batch(entries=ready, level=2, today=today, cache=cache)
    return counts


def _chunks(qs):
    last = 0
    while True:
        batch = list(
            qs.filter(pk__gt=last)
            .select_related("case__person", "organisation", "team")
            .order_by("pk")[:SWEEP_CHUNK]
        )
        if not batch:
            return
        yield batch
        last = batch[-1].pk
