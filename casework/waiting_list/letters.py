"""Letters to people waiting: on joining a list, and "still waiting" at the organisation's interval, unless
the person has been allocated a worker (or has left the list) by the time the letter would go."""

from __future__ import annotations

import datetime

from django.db import transaction

from casework.core import clock
from casework.core.jobs import enqueue
from casework.letters.services import letter_send
from casework.waiting_list.choices import ALLOCATION_LISTS, ListKind
from casework.waiting_list.models import WaitingListEntry
from casework.waiting_list.services import _letter_interval

SWEEP_CHUNK = 500


def still_waiting(entry: WaitingListEntry) -> bool:
    """Whether a waiting-list letter should still go: on the list, and not yet given a worker for it."""
    return entry.is_open and not (entry.list_kind in ALLOCATION_LISTS and entry.case.primary_worker_id)


def send_waiting_letter(*, entry_id: int, kind: str, effect_key: str):
    entry = WaitingListEntry.objects.select_related("case__person").get(pk=entry_id)
    if not still_waiting(entry):
        return None
    # A letter never promises a date already past ("we aim to contact you by" last week): the templates say
    # sorry instead when `overdue` is set.
    return letter_send(
        kind=kind,
        case=entry.case,
        effect_key=effect_key,
        extra={
            "overdue": "yes" if entry.due_on < clock.today() else "",
            "waiting_for": ListKind(entry.list_kind).label[0].lower() + ListKind(entry.list_kind).label[1:],
            "due_on": entry.due_on.strftime("%-d %B %Y"),
            "received_on": entry.received_on.strftime("%-d %B %Y"),
        },
    )


def still_waiting_sweep(*, today: datetime.date | None = None) -> int:
    """Queue a "still waiting" letter for every open entry whose next letter is due, and set the next date.
    Each letter's key is the entry and the date it fell due: running the sweep twice queues it once."""

    today = today or clock.today()
    queued = 0
    intervals: dict[int, int] = {}
    last = 0
    while True:
        batch = list(
            WaitingListEntry.objects.filter(exited_on__isnull=True, next_letter_on__lte=today, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "organisation_id")[:SWEEP_CHUNK]
        )
        if not batch:
            return queued
        last = batch[-1][0]
        for pk, organisation_id in batch:
            if organisation_id not in intervals:  # once per organisation per sweep
                intervals[organisation_id] = _letter_interval(organisation_id)
            interval = intervals[organisation_id]
            with transaction.atomic():
                entry = WaitingListEntry.objects.select_for_update().get(pk=pk)
                if entry.next_letter_on is None or entry.next_letter_on > today or not entry.is_open:
                    continue
                due = entry.next_letter_on
                enqueue(
                    "waiting_list.letter",
                    entry_id=pk,
                    kind="still_waiting",
                    effect_key=f"still_waiting:{pk}:{due.isoformat()}",
                    organisation_id=organisation_id,
                )
                while entry.next_letter_on <= today:
                    entry.next_letter_on += datetime.timedelta(days=interval)
                WaitingListEntry.objects.filter(pk=pk).update(next_letter_on=entry.next_letter_on)
                queued += 1
