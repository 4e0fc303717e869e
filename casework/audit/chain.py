"""The hash chain: how an event's hash is computed from its content and the hash before it. Pure Python."""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64


def _default(value: Any) -> str:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def to_json_safe(value: Any) -> Any:
    """What a JSON field will give back after a round trip, so the hash is computed over the stored form."""
    return json.loads(json.dumps(value, default=_default))


def event_hash(*, prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"prev": prev_hash, **fields},
        sort_keys=True,
        separators=(",", ":"),
        default=_default,
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def normalise_time(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
