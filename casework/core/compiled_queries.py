"""A values() queryset compiled to SQL once and run many times, for the hottest queries (ADR 8).

Building and compiling a query costs Django far more than the database spends on it: about 2 ms for the
team worklist page (the database: 0.6 ms), 0.7 ms for a token or a user's memberships (the database:
0.1 ms). Keep a CompiledRows in an lru_cache around a function whose arguments are the only inputs of the
queryset it builds, so that the SQL is a pure function of the cache key. It holds SQL, parameters and
column converters: never rows, and never a decision about who may see what.

On PostgreSQL the statement also runs prepared (ADR 11): its parameters are written into it as literals
once, as client-side binding would write them on every run, and each connection prepares that text the
first time it runs it, so PostgreSQL parses and plans it once per connection instead of once per request
(for the worklist page 0.4 ms of its 0.8 ms). With the literals in the text the plan is the one for those
values: the worklist's partial index is still used, unlike with a generic plan over parameters (ADR 8).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import QuerySet


class CompiledRows:
    """The rows of a values() queryset, as dicts, from SQL compiled once (run it with rows())."""

    __slots__ = ("converters", "db", "names", "params", "sql", "statement")

    def __init__(self, qs: QuerySet):
        query = qs.query
        self.db = qs.db
        self.names = (
            tuple(query.selected)
            if query.selected
            else (*query.extra_select, *query.values_select, *query.annotation_select)
        )
        compiler = query.get_compiler(self.db)
        self.statement = None
        try:
            self.sql, self.params = compiler.as_sql()
        except EmptyResultSet:  # .none(), or an IN list with nothing in it: there is nothing to run
            self.sql, self.params, self.converters = None, (), []
            return
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            self.statement = connection.ops.compose_sql(self.sql, self.params)  # type: ignore[attr-defined]  # PostgreSQL only
        # What values() would do to each column on the way out (e.g. SQLite's text to datetime).
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())

    def rows(self) -> list[dict]:
        if self.sql is None:
            return []
        connection = connections[self.db]
        if self.statement is not None:
            with prepared_cursor(connection) as cursor:
                cursor.execute(self.statement)
                fetched = cursor.fetchall()
        else:
            with connection.cursor() as cursor:
                cursor.execute(self.sql, self.params)
                fetched = cursor.fetchall()
        names, converters = self.names, self.converters
        if not converters:
            return [dict(zip(names, row, strict=True)) for row in fetched]
        rows = []
        for values in fetched:
            values = list(values)
            for position, (functions, expression) in converters:
                value = values[position]
                for function in functions:
                    value = function(value, expression, connection)
                values[position] = value
            rows.append(dict(zip(names, values, strict=True)))
        return rows


# psycopg's own timestamptz loader (in C with psycopg[binary]) gives the session's time zone, which Django
# sets to UTC: the same datetimes as Django's loader, a Python class that costs 4 µs a value (0.2 ms for a
# worklist page) where it costs 0.2.
_TIMESTAMPTZ = psycopg.postgres.types["timestamptz"].oid
_TIMESTAMPTZ_LOADER = psycopg.adapters.get_loader(_TIMESTAMPTZ, psycopg.pq.Format.TEXT)


class _PreparingCursor(psycopg.Cursor):
    """Binds server-side and prepares every statement it runs (psycopg keeps them per connection, at most
    `prepared_max`, and deallocates them on a rollback)."""

    def __init__(self, connection, *, utc: bool):
        super().__init__(connection)
        if utc:
            self.adapters.register_loader(_TIMESTAMPTZ, _TIMESTAMPTZ_LOADER)  # type: ignore[arg-type]  # psycopg has one

    def execute(self, query, params=None, **kwargs):
        return super().execute(query, params, prepare=True)


class _PreparedDebugWrapper(CursorDebugWrapper):
    # psycopg does not keep the text of a prepared statement it runs: log the statement as it was given.
    def execute(self, sql, params=None):
        logged = self.db.ops.compose_sql(sql, params) if params else sql
        with self.debug_sql(logged):
            return CursorWrapper.execute(self, sql, params)


@contextmanager
def prepared_cursor(connection):
    """A cursor on the connection whose statements PostgreSQL parses and plans once per connection.

    Django's own cursors bind client-side and never prepare. The statements run through Django's cursor
    wrapper all the same: query logging (and so the query-count tests), execute wrappers, error translation.
    A statement's plan is the one PostgreSQL would choose for a statement with its parameters as parameters:
    run only a statement whose parameters are literals in its text, or whose generic plan is the right one.
    """
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    utc = (
        connection.timezone is datetime.UTC
        and connection.connection.info.parameter_status("TimeZone") == "UTC"
    )
    with connection.wrap_database_errors:
        raw = _PreparingCursor(connection.connection, utc=utc)
    wrapper = _PreparedDebugWrapper if connection.queries_logged else CursorWrapper
    cursor = wrapper(raw, connection)
    with cursor:
        yield cursor
