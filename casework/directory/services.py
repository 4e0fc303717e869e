"""Writes to the service directory: importing an Open Referral UK 3.0 feed, all of it or none of it."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models, transaction

from casework.accounts.models import User
from casework.audit.services import audit_record
from casework.core import clock
from casework.core.errors import ValidationFailed
from casework.directory import importer
from casework.directory.importer import WRITE_ORDER, Plan, Problem, RawRecord
from casework.directory.models import FeedRecord

BATCH_SIZE = 500


class FeedRejected(ValidationFailed):
    """At least one record of the feed is bad; every problem is listed and nothing was imported."""

    def __init__(self, problems: list[Problem]):
        records = len({problem.record for problem in problems})
        super().__init__(
            f"{records} record{'s' if records != 1 else ''} of the feed "
            f"{'are' if records != 1 else 'is'} not valid Open Referral UK 3.0 "
            f"({len(problems)} problem{'s' if len(problems) != 1 else ''}); nothing was imported."
        )
        self.problems = problems


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self) -> str:
        text = f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {self.removed} removed" if self.removed else "")


@dataclass
class ImportResult:
    feed: str
    records: int
    dry_run: bool
    counts: dict[str, Counts] = field(default_factory=dict)

    def summary(self) -> list[str]:
        verb = "would be imported (dry run: nothing was saved)" if self.dry_run else "imported"
        lines = [f"{self.records} record{'s' if self.records != 1 else ''} from {self.feed} {verb}."]
        lines += [
            f"  {label}: {counts}"
            for label, counts in self.counts.items()
            if counts.created or counts.updated or counts.unchanged or counts.removed
        ]
        return lines


def directory_import(
    *,
    records: list[RawRecord],
    feed: str,
    kind: str | None = None,
    dry_run: bool = False,
    user: User | None = None,
    progress: Callable[[int], Any] | None = None,
) -> ImportResult:
    """Check and save a feed's records in one transaction; re-importing the same ids updates them in place.

    A collection the feed gives in full (a service's contacts, a location's addresses, ...) replaces the one
    held; one it leaves out is left alone. Records the feed does not mention are kept. Records an audit event.
    Raises FeedRejected, listing every problem of every record, when any record is bad: nothing is saved.
    A dry run checks and counts everything, then rolls back.
    """
    with transaction.atomic():
        plan = importer.plan_feed(records, kind=kind, progress=progress)
        if plan.problems:
            raise FeedRejected(plan.problems)
        result = ImportResult(
            feed=feed, records=plan.records, dry_run=dry_run, counts=_write(plan, feed=feed)
        )
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit_record(
                user=user,
                verb="directory.feed_imported",
                reason=feed,
                changes={
                    "feed": feed,
                    "records": plan.records,
                    "counts": {label: vars(counts) for label, counts in result.counts.items()},
                },
            )
    return result


def _write(plan: Plan, *, feed: str) -> dict[str, Counts]:
    now = clock.now()
    counts: dict[str, Counts] = {}
    for model in WRITE_ORDER:
        counts[str(model._meta.verbose_name_plural)] = _upsert(
            model, plan.rows.get(model, {}), feed=feed, now=now
        )
    removed = _remove_unlisted_children(plan)
    for model, number in removed.items():
        counts[str(model._meta.verbose_name_plural)].removed += number
    return counts


def _upsert(
    model: type[models.Model], rows: dict[uuid.UUID, dict[str, Any]], *, feed: str, now: datetime.datetime
) -> Counts:
    """Create the new rows and update the changed ones, in batches; an unchanged row is not touched.

    (`_default_manager`: the directory's models have only Django's own `objects`.)"""
    counts = Counts()
    if not rows:
        return counts
    provenance = {"feed": feed} if issubclass(model, FeedRecord) else {}
    existing: dict[uuid.UUID, models.Model] = {}
    ids = list(rows)
    for start in range(0, len(ids), BATCH_SIZE):
        existing.update(
            {obj.pk: obj for obj in model._default_manager.filter(pk__in=ids[start : start + BATCH_SIZE])}
        )
    to_create, to_update, changed_fields = [], [], set()
    for pk, row in rows.items():
        values = {**row, **provenance}
        obj = existing.get(pk)
        if obj is None:
            to_create.append(model(pk=pk, **values, **({"imported_at": now} if provenance else {})))
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if not changed:
            counts.unchanged += 1
            continue
        for name in changed:
            setattr(obj, name, values[name])
        if provenance:
            cast(FeedRecord, obj).imported_at = now  # provenance: a FeedRecord
            changed.append("imported_at")
        changed_fields.update(changed)
        to_update.append(obj)
    model._default_manager.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(changed_fields), batch_size=BATCH_SIZE)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _remove_unlisted_children(plan: Plan) -> dict[type[models.Model], int]:
    """Delete the children of a parent that the feed listed in full but without them (a contact that went)."""
    by_group: dict[tuple[type[models.Model], str], dict[uuid.UUID, set[uuid.UUID]]] = defaultdict(dict)
    for (model, fk, parent), keep in plan.complete_children.items():
        by_group[(model, fk)][parent] = keep
    removed: dict[type[models.Model], int] = defaultdict(int)
    for (model, fk), parents in by_group.items():
        parent_ids = list(parents)
        stale = []
        for start in range(0, len(parent_ids), BATCH_SIZE):
            rows = model._default_manager.filter(
                **{f"{fk}__in": parent_ids[start : start + BATCH_SIZE]}
            ).values_list("pk", fk)
            stale += [pk for pk, parent in rows if pk not in parents[parent]]
        for start in range(0, len(stale), BATCH_SIZE):
            model._default_manager.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
        removed[model] += len(stale)
    return removed
