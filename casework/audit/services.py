"""Writing to the audit trail. Called inside the caller's transaction, so the event and the change commit together."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from casework.accounts.selectors import actor_for
from casework.audit.chain import event_hash, normalise_time, to_json_safe
from casework.audit.models import AccessEvent, AuditEvent, ChainedEvent, ChainHead
from casework.core import clock
from casework.core.context import current_request_context

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


def _append(model: type[ChainedEvent], *, user, verb: str, obj: models.Model | None, person_id: int | None,
            case_id: int | None, reason: str, payload: dict[str, Any],
            organisation_id: int | None) -> ChainedEvent:
    ctx = current_request_context()
    if organisation_id is None and user is not None and getattr(user, "is_authenticated", False):
        organisation_id = actor_for(user).primary_organisation_id
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(name=_CHAINS[model])
        event = model(
            sequence=head.last_sequence + 1,
            occurred_at=clock.now(),
            actor_id=user.pk if user is not None and getattr(user, "is_authenticated", False) else None,
            organisation_id=organisation_id,
            verb=verb,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            person_id=person_id,
            case_id=case_id,
            reason=reason or "",
            request_id=ctx.request_id,
            channel=ctx.channel,
            prev_hash=head.last_hash,
        )
        setattr(event, _PAYLOAD_FIELD[model], to_json_safe(payload))
        event.hash = event_hash(prev_hash=head.last_hash, fields=hashed_fields(event))
        event.save(force_insert=True)
        ChainHead.objects.filter(pk=head.pk).update(last_sequence=event.sequence, last_hash=event.hash)
    return event


def audit_record(*, user, verb: str, obj: models.Model | None = None, person_id: int | None = None,
                 case_id: int | None = None, changes: dict[str, Any] | None = None, reason: str = "",
                 organisation_id: int | None = None) -> AuditEvent:
    """Append an AuditEvent for a create, change or state change. `changes` is {field: {"before": x, "after": y}}."""
    return _append(AuditEvent, user=user, verb=verb, obj=obj, person_id=person_id, case_id=case_id, reason=reason,
                   payload=changes or {}, organisation_id=organisation_id)


def access_record(*, user, verb: str, obj: models.Model | None = None, person_id: int | None = None,
                  case_id: int | None = None, details: dict[str, Any] | None = None, reason: str = "",
                  organisation_id: int | None = None) -> AccessEvent:
    """Append an AccessEvent for a view or search of personal data."""
    return _append(AccessEvent, user=user, verb=verb, obj=obj, person_id=person_id, case_id=case_id,
                   reason=reason, payload=details or {}, organisation_id=organisation_id)


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose values differ, as {field: {"before": old, "after": new}}."""
    return {
        name: {"before": before.get(name), "after": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def snapshot(instance: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The current values of some fields, by attribute name (foreign keys as ids)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = getattr(instance, field.attname)
    return to_json_safe(values)
