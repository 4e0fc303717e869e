"""Rate limits counted in the database (ADR 13): one row per key (what is counted, for whom), shared by every
worker and server, counted in fixed windows.

A hit is one UPSERT (INSERT … ON CONFLICT DO UPDATE … RETURNING, the same SQL on SQLite and PostgreSQL): it
adds one to the key's window, or starts a new window when the last has ended, and answers the count and when
the window ends. The database serialises hits on one key, so each count is handed out once, however many
processes count at the same time.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Subquery

from casework.core import clock
from casework.core.compiled_queries import prepared_cursor
from casework.core.models import RateLimitWindow


@dataclass(frozen=True)
class Window:
    count: int
    ends_at: datetime.datetime


def _names() -> tuple[str, str, str, str]:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    meta = RateLimitWindow._meta
    fields = [cast(Field, meta.get_field(name)) for name in ("key", "count", "ends_at")]
    key, count, ends_at = (quote(field.column) for field in fields)
    return quote(meta.db_table), key, count, ends_at


@lru_cache(maxsize=1)
def _hit_sql() -> str:
    table, key, count, ends_at = _names()
    return (
        f"INSERT INTO {table} ({key}, {count}, {ends_at}) VALUES (%s, 1, %s) "
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"{count} = CASE WHEN {table}.{ends_at} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
        f"{ends_at} = CASE WHEN {table}.{ends_at} <= %s THEN excluded.{ends_at} "
        f"ELSE {table}.{ends_at} END "
        f"RETURNING {count}, {ends_at}"
    )


@lru_cache(maxsize=1)
def _window_sql() -> str:
    table, key, count, ends_at = _names()
    return f"SELECT {count}, {ends_at} FROM {table} WHERE {key} = %s"


def _run(sql: str, values: list) -> tuple | None:
    """One statement on the default connection, prepared on PostgreSQL (ADR 11: both have one plan)."""
    db = connections[DEFAULT_DB_ALIAS]
    field = RateLimitWindow._meta.get_field("ends_at")
    params = [
        field.get_db_prep_value(value, db) if isinstance(value, datetime.datetime) else value
        for value in values
    ]
    if db.vendor == "postgresql":
        with prepared_cursor(db) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _as_datetime(value) -> datetime.datetime:
    # SQLite keeps a datetime as text in UTC, and its driver may give it back as text or as a naive datetime.
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)


def rate_limit_hit(key: str, *, window: datetime.timedelta) -> Window:
    """Count one more under `key`: in its running window, or in a new one of `window` if that has ended.

    One UPSERT, in the caller's transaction if there is one (committed at once otherwise).
    """
    now = clock.now()
    # An UPSERT with RETURNING always returns its row.
    count, ends_at = cast(tuple, _run(_hit_sql(), [key, now + window, now, now]))
    return Window(count=count, ends_at=_as_datetime(ends_at))


def rate_limit_reached(key: str, *, limit: int) -> datetime.datetime | None:
    """When `key`'s window ends, if it already holds `limit` or more; otherwise None. One read by key."""
    row = _run(_window_sql(), [key])
    return rate_limit_holds(row[0], _as_datetime(row[1]), limit=limit) if row else None


def rate_limit_holds(
    count: int | None, ends_at: datetime.datetime | None, *, limit: int
) -> datetime.datetime | None:
    """When a window of `count` ending at `ends_at` ends, if it holds `limit` or more and has not ended."""
    if count is None or ends_at is None or count < limit or ends_at <= clock.now():
        return None
    return ends_at


def rate_limit_columns(key: str, *, name: str) -> dict[str, Subquery]:
    """`key`'s window as two columns of another query, `<name>_count` and `<name>_ends_at` (None without one),
    for a hot path that must know whether a limit holds without a query of its own (see rate_limit_holds)."""
    window = RateLimitWindow.objects.filter(key=key)
    return {
        f"{name}_count": Subquery(window.values("count")),
        f"{name}_ends_at": Subquery(window.values("ends_at")),
    }


def rate_limit_hold(key: str, *, until: datetime.datetime) -> None:
    """Keep `key`'s window (and so its count) until `until`: a lockout, for as long as its cool-off lasts."""
    RateLimitWindow.objects.filter(key=key).update(ends_at=until)


def rate_limits_purge() -> int:
    """Delete the windows that have ended (they count nothing any more); return how many."""
    deleted, _ = RateLimitWindow.objects.filter(ends_at__lte=clock.now()).delete()
    return deleted


def minutes_text(seconds: float) -> str:
    """A wait or a window in whole minutes, rounded up, for a message: "1 minute", "10 minutes"."""
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
