"""Writing to the audit trail, inside the caller's transaction: the event and the change commit together.

Change events are chained as they are written; access events are chained afterwards (ADR 7)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.audit.chain import event_hash, normalise_time, to_json_safe
from casework.audit.models import AccessEvent, AuditEvent, ChainedEvent, ChainHead
from casework.core import clock
from casework.core.compiled_queries import prepared_cursor
from casework.core.context import current_request_context
from casework.core.models import VersionedModel

_CHAINS: dict[type[ChainedEvent], str] = {AuditEvent: "audit", AccessEvent: "access"}
_PAYLOAD_FIELD = {AuditEvent: "changes", AccessEvent: "details"}


def hashed_fields(event: ChainedEvent) -> dict[str, Any]:
    """The fields an event's hash covers, in stored form."""
    payload_field = _PAYLOAD_FIELD[type(event)]
    return {
        "sequence": event.sequence,
        "occurred_at": normalise_time(event.occurred_at),
        "actor_id": event.actor_id,
        "organisation_id": event.organisation_id,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "person_id": event.person_id,
        "case_id": event.case_id,
        "reason": event.reason,
        "request_id": event.request_id,
        "channel": event.channel,
        payload_field: getattr(event, payload_field),
    }


def _context(user: AnyUser | None, organisation_id: int | None) -> dict[str, Any]:
    ctx = current_request_context()
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if organisation_id is None and signed_in and user is not None:
        organisation_id = actor_for(user).primary_organisation_id
    return {
        "occurred_at": clock.now(),
        "actor_id": user.pk if signed_in and user is not None else None,
        "organisation_id": organisation_id,
        "request_id": ctx.request_id,
        "channel": ctx.channel,
    }


_Event = TypeVar("_Event", bound=ChainedEvent)


def _append(
    model: type[_Event],
    *,
    user: AnyUser | None,
    verb: str,
    obj: models.Model | None,
    person_id: int | None,
    case_id: int | None,
    reason: str,
    payload: dict[str, Any],
    organisation_id: int | None,
) -> _Event:
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(name=_CHAINS[model])
        event = model(
            sequence=head.last_sequence + 1,
            verb=verb,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            person_id=person_id,
            case_id=case_id,
            reason=reason or "",
            prev_hash=head.last_hash,
            **_context(user, organisation_id),
        )
        setattr(event, _PAYLOAD_FIELD[model], to_json_safe(payload))
        event.hash = event_hash(prev_hash=head.last_hash, fields=hashed_fields(event))
        event.save(force_insert=True)
        ChainHead.objects.filter(pk=head.pk).update(last_sequence=event.sequence, last_hash=event.hash)
    return event


def audit_record(
    *,
    user: AnyUser | None,
    verb: str,
    obj: models.Model | None = None,
    person_id: int | None = None,
    case_id: int | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    organisation_id: int | None = None,
) -> AuditEvent:
    """Append an AuditEvent for a create, change or state change. `changes` is {field: {"before": x, "after":
    y}}."""
    return _append(
        AuditEvent,
        user=user,
        verb=verb,
        obj=obj,
        person_id=person_id,
        case_id=case_id,
        reason=reason,
        payload=changes or {},
        organisation_id=organisation_id,
    )


def audited_write_if_version(
    *,
    user: AnyUser | None,
    obj: VersionedModel,
    version: int,
    fields: dict[str, Any],
    stale_message: str,
    verb: str,
    reason: str = "",
    person_id: int | None = None,
    case_id: int | None = None,
    organisation_id: int | None = None,
    changes: dict[str, Any] | None = None,
    extra_changes: dict[str, Any] | None = None,
    changed_only: bool = False,
) -> dict[str, dict[str, Any]]:
    """The optimistic-concurrency write and its AuditEvent, in one transaction: write `fields` to `obj` only
    if it is still at `version`, bump the version, and record `verb`.

    The event's changes are each written field's before and after (only those that differ with
    `changed_only`), or `changes` when the caller says them otherwise (derived fields left out), with
    `extra_changes` added. Returns the written fields' before and after. Raises ConflictError with
    `stale_message` (core.errors.stale_message), nothing written, when somebody else wrote first.
    """
    with transaction.atomic():
        written = obj.write_if_version(version=version, fields=fields, user=user, stale_message=stale_message)
        if changes is None:
            changes = {
                name: change
                for name, change in written.items()
                if not changed_only or change["before"] != change["after"]
            }
        audit_record(
            user=user,
            verb=verb,
            obj=obj,
            person_id=person_id,
            case_id=case_id,
            changes={**changes, **(extra_changes or {})},
            reason=reason,
            organisation_id=organisation_id,
        )
    return written


def audit_record_many(records: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several AuditEvents in order under one lock of the chain head: a background sweep's events.

    Each record takes audit_record's keywords (user, verb, obj, person_id, case_id, changes, reason,
    organisation_id). The events are chained exactly as one audit_record call each would chain them, in one
    INSERT, inside the caller's transaction."""
    if not records:
        return []
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(name=_CHAINS[AuditEvent])
        sequence, prev_hash = head.last_sequence, head.last_hash
        events = []
        for record in records:
            obj = record.get("obj")
            sequence += 1
            event = AuditEvent(
                sequence=sequence,
                verb=record["verb"],
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                person_id=record.get("person_id"),
                case_id=record.get("case_id"),
                reason=record.get("reason") or "",
                prev_hash=prev_hash,
                changes=to_json_safe(record.get("changes") or {}),
                **_context(record.get("user"), record.get("organisation_id")),
            )
            event.hash = prev_hash = event_hash(prev_hash=prev_hash, fields=hashed_fields(event))
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        ChainHead.objects.filter(pk=head.pk).update(last_sequence=sequence, last_hash=prev_hash)
    return events


def access_record(
    *,
    user: AnyUser | None,
    verb: str,
    obj: models.Model | None = None,
    person_id: int | None = None,
    case_id: int | None = None,
    details: dict[str, Any] | None = None,
    reason: str = "",
    organisation_id: int | None = None,
) -> AccessEvent:
    """Record an AccessEvent for a view or search of personal data, in the caller's transaction.

    One INSERT and no lock: the event joins the hash chain later, in chain_pending_access_events (ADR 7).
    """
    event = AccessEvent(
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        person_id=person_id,
        case_id=case_id,
        reason=reason or "",
        details=to_json_safe(details or {}),
        **_context(user, organisation_id),
    )
    if connection.vendor == "postgresql":
        _access_event_insert(event)
    else:
        event.save(force_insert=True)
    return event


_ACCESS_FIELDS = tuple(field for field in AccessEvent._meta.concrete_fields if not field.primary_key)


@lru_cache(maxsize=1)
def _access_event_insert_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _ACCESS_FIELDS)
    values = ", ".join(["%s"] * len(_ACCESS_FIELDS))
    return (
        f"INSERT INTO {quote(AccessEvent._meta.db_table)} ({columns}) VALUES ({values}) "
        f"RETURNING {quote(AccessEvent._meta.pk.column)}"
    )


def _access_event_insert(event: AccessEvent) -> None:
    """The save() of a new event as one prepared INSERT: every API read records one, and the ORM compiled
    it afresh each time (0.1 ms of the app's CPU and 0.08 ms of PostgreSQL's per request; ADR 11)."""
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: each lookup through the proxy costs
    params = [field.get_db_prep_save(getattr(event, field.attname), db) for field in _ACCESS_FIELDS]
    with prepared_cursor(db) as cursor:
        cursor.execute(_access_event_insert_sql(), params)
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = db.alias


def _fill_chain_fields(events: list[AccessEvent]) -> None:
    """The one update an access event ever has: its empty chain fields filled, once (the manager refuses
    any update). One statement per event, sent together; bulk_update's CASE expressions cost 50 times more."""
    table, quote = AccessEvent._meta.db_table, connection.ops.quote_name
    sql = (
        f"UPDATE {quote(table)} "
        f"SET {quote('sequence')} = %s, {quote('prev_hash')} = %s, {quote('hash')} = %s "
        f"WHERE {quote('id')} = %s AND {quote('sequence')} IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(e.sequence, e.prev_hash, e.hash, e.pk) for e in events])
        if cursor.rowcount not in (-1, len(events)):
            raise RuntimeError("An access event was chained twice: the chain head lock was not held.")


def chain_pending_access_events(*, batch_size: int = 1000) -> int:
    """Give every unchained AccessEvent its sequence and hashes, in the order recorded; return how many.

    Locks the access chain head for each batch, so runs at the same time chain each event once, in one order;
    running it again with nothing pending changes nothing. The hashes cover the events as stored.
    """
    chained = 0
    while True:
        with transaction.atomic():
            head, _ = ChainHead.objects.select_for_update().get_or_create(name=_CHAINS[AccessEvent])
            # Read after taking the lock: a run that held it before us has committed what it chained.
            pending = list(AccessEvent.objects.filter(sequence__isnull=True).order_by("id")[:batch_size])
            if not pending:
                return chained
            sequence, prev_hash = head.last_sequence, head.last_hash
            for event in pending:
                sequence += 1
                event.sequence, event.prev_hash = sequence, prev_hash
                event.hash = prev_hash = event_hash(prev_hash=prev_hash, fields=hashed_fields(event))
            _fill_chain_fields(pending)
            ChainHead.objects.filter(pk=head.pk).update(last_sequence=sequence, last_hash=prev_hash)
        chained += len(pending)
        if len(pending) < batch_size:
            return chained


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose values differ, as {field: {"before": old, "after": new}}."""
    return {
        name: {"before": before.get(name), "after": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def snapshot(instance: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The current values of some fields, by attribute name (foreign keys as ids)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = cast("models.Field[Any, Any]", instance._meta.get_field(name))
        values[name] = getattr(instance, field.attname)
    safe: dict[str, Any] = to_json_safe(values)
    return safe
