"""The active review rule: people with a red rating, or who cannot tell us when things change, are reviewed on
the list at the organisation's interval (a task for the team); others are not, having been told who to
contact."""

from __future__ import annotations

import datetime

from django.db import transaction

from casework.core import clock
from casework.tasks.choices import TaskKind
from casework.tasks.services import task_create
from casework.waiting_list.escalation import _team_managers
from casework.waiting_list.models import WaitingListEntry
from casework.waiting_list.services import _review_interval

SWEEP_CHUNK = 500


def active_review_sweep(*, today: datetime.date | None = None) -> int:
    """Raise a review task for each entry whose review is due, and set the next date. One task per entry and
    date (an effect key), however often the sweep runs."""

    today = today or clock.today()
    raised, last = 0, 0
    while True:
        ids = list(
            WaitingListEntry.objects.filter(exited_on__isnull=True, next_review_on__lte=today, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:SWEEP_CHUNK]
        )
        if not ids:
            return raised
        last = ids[-1]
        for pk in ids:
            with transaction.atomic():
                entry = (
                    WaitingListEntry.objects.select_for_update(of=("self",))
                    .select_related("case", "team")
                    .get(pk=pk)
                )
                if not entry.is_open or entry.next_review_on is None or entry.next_review_on > today:
                    continue
                due = entry.next_review_on
                if entry.needs_active_review:
                    why = "red rating" if entry.rag == "red" else "cannot tell us when things change"
                    assignee = (
                        {"assigned_to_team": entry.team}
                        if entry.team_id
                        else {"assigned_to_user": (_team_managers(entry) or [None])[0]}
                    )
                    if any(assignee.values()):
                        task_create(
                            user=None,
                            title=f"Review {entry.case.reference} on the waiting list ({why})",
                            due_date=today,
                            case=entry.case,
                            kind=TaskKind.FOLLOW_UP,
                            organisation=entry.organisation,
                            details=f"{entry.get_list_kind_display()} since "
                            f"{entry.received_on:%-d %B %Y}, due {entry.due_on:%-d %B %Y}. Check the "
                            "person is safe and whether the priority or rating should change.",
                            effect_key=f"waiting_list.review:{pk}:{due.isoformat()}",
                            source="waiting_list.review",
                            **assignee,
                        )
                        raised += 1
                    interval = datetime.timedelta(days=_review_interval(entry.organisation_id))
                    while due <= today:
                        due += interval
                    entry.next_review_on = due
                else:
                    entry.next_review_on = None
                WaitingListEntry.objects.filter(pk=pk).update(next_review_on=entry.next_review_on)
