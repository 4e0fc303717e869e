"""Waiting lists at council scale, made from cases already generated (demo/scale.py), for the benchmarks.

Every case waiting for a worker is on the assessment list; a quarter of the active ones wait for a service or
a review; a fifth of the allocated ones waited for an assessment and left the list when a worker took them.
Breaches before today are escalated as earlier sweeps would have (level 1, and level 2 after the further
period), so the benchmark's sweep does one day's work over the whole table, as the scheduled sweep does.
"""

from __future__ import annotations

import datetime
import random
from functools import cache

from django.db import connection, transaction

from casework.accounts.models import User
from casework.cases.choices import CaseStage, CaseStatus
from casework.cases.models import Case
from casework.core import clock
from casework.core.progress import ProgressBar
from casework.core.working_days import add_working_days
from casework.demo.scale_writing import Writer, next_id, reset_sequences
from casework.waiting_list.choices import DEFAULT_WORKING_DAYS
from casework.waiting_list.models import Escalation, WaitingListEntry, WaitingListSettings

SECOND_LEVEL_DAYS = WaitingListSettings._meta.get_field("second_level_working_days").default
LETTER_DAYS = WaitingListSettings._meta.get_field("still_waiting_letter_days").default
REVIEW_DAYS = WaitingListSettings._meta.get_field("active_review_days").default


@cache
def _due(received: datetime.date, days: int) -> datetime.date:
    return add_working_days(received, days)


def generate_scale_waiting_lists(*, seed: int = 1, stream=None) -> dict[str, int]:
    """Add waiting list entries (and the escalations earlier sweeps made) for the generated cases. Does
    nothing if there are entries already."""
    if WaitingListEntry.objects.exists():
        return {
            "waiting_entries": WaitingListEntry.objects.count(),
            "escalations": Escalation.objects.count(),
        }
    rng = random.Random(seed)
    today = clock.today()
    now = clock.now()
    user_id = Case.objects.exclude(created_by__isnull=True).values_list("created_by_id", flat=True).first()
    if user_id is None:
        user_id = User.objects.order_by("pk").values_list("pk", flat=True).first()
    columns = [
        "id",
        "created_at",
        "modified_at",
        "version",
        "case_id",
        "organisation_id",
        "team_id",
        "list_kind",
        "priority",
        "rag",
        "rag_reason",
        "crisis",
        "can_report_changes",
        "area",
        "received_on",
        "due_on",
        "triaged_by_id",
        "triaged_at",
        "exited_on",
        "exit_reason",
        "next_letter_on",
        "next_review_on",
    ]
    first = next_id(WaitingListEntry)
    escalations: list[tuple] = []
    cases = (
        Case.objects.filter(responsible_organisation__isnull=False)
        .exclude(status__in=[CaseStatus.CANCELLED])
        .values_list(
            "pk",
            "status",
            "stage",
            "priority",
            "raised_at",
            "allocated_at",
            "responsible_organisation_id",
            "allocated_team_id",
            "area",
        )
        .order_by("pk")
    )
    total = cases.count()
    counter = iter(range(first, first + 10 * total + 1))

    def chunks():
        # Read a slice, then write it: a COPY cannot share the connection with an open cursor.
        last = 0
        while True:
            batch = list(cases.filter(pk__gt=last)[:50000])
            if not batch:
                return
            last = batch[-1][0]
            yield batch

    def rows(batch):
        for pk, status, stage, priority, raised, allocated, org, team, area in batch:
            waiting = status == CaseStatus.PLANNED and stage == CaseStage.AWAITING_ALLOCATION
            kind = None
            if waiting:
                kind, received, exited = "assessment", raised.date(), None
            elif status == CaseStatus.ACTIVE and allocated and rng.random() < 0.25:
                kind = rng.choice(["service", "review"])
                received = min(today, allocated.date() + datetime.timedelta(days=rng.randint(1, 60)))
                exited = None
            elif allocated and rng.random() < 0.2:
                kind, received, exited = "assessment", raised.date(), allocated.date()
            if kind is None:
                continue
            rag = {"urgent": "red", "normal": rng.choice(["amber", "amber", "green"]), "low": "green"}[
                priority
            ]
            due = _due(received, DEFAULT_WORKING_DAYS[priority])
            entry_id = next(counter)
            can_report = rng.random() > 0.15
            review = (
                today + datetime.timedelta(days=rng.randint(0, REVIEW_DAYS))
                if exited is None and (rag == "red" or not can_report)
                else None
            )
            yield (
                entry_id,
                now,
                now,
                1,
                pk,
                org,
                team,
                kind,
                priority,
                rag,
                "Generated for the benchmarks.",
                False,
                can_report,
                area,
                received,
                max(due, received),
                user_id,
                datetime.datetime.combine(received, datetime.time(10), tzinfo=datetime.UTC),
                exited,
                "allocated" if exited else "",
                None if exited else received + datetime.timedelta(days=LETTER_DAYS),
                review,
            )
            # What earlier sweeps did: breaches before today escalated, once per level.
            if exited is None and due < today - datetime.timedelta(days=1):
                escalations.append((entry_id, 1, due, now, "The team managers"))
                if _due(due, SECOND_LEVEL_DAYS) < today - datetime.timedelta(days=1):
                    escalations.append((entry_id, 2, due, now, "The organisation admins"))

    written = 0
    with transaction.atomic():
        with ProgressBar(total=total, label="Waiting ", stream=stream) as bar:
            for batch in chunks():
                written += Writer(WaitingListEntry, columns).write(rows(batch))
                bar.advance(len(batch))
        with ProgressBar(total=len(escalations), label="Escalate", stream=stream) as bar:
            Writer(Escalation, ["entry_id", "level", "breached_due_on", "raised_at", "alerted"]).write(
                iter(escalations), bar
            )
        reset_sequences([WaitingListEntry, Escalation])
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE waiting_list_waitinglistentry")
            cursor.execute("VACUUM ANALYZE waiting_list_escalation")
    return {"waiting_entries": written, "escalations": len(escalations)}
