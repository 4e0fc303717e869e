"""A values() queryset compiled to SQL once and run many times, for the hottest queries (ADR 8).

Building and compiling a query costs Django far more than the database spends on it: about 2 ms for the
team worklist page (the database: 0.6 ms), 0.7 ms for a token or a user's memberships (the database:
0.1 ms). Keep a CompiledRows in an lru_cache around a function whose arguments are the only inputs of the
queryset it builds, so that the SQL is a pure function of the cache key. It holds SQL, parameters and
column converters: never rows, and never a decision about who may see what.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


class CompiledRows:
    """The rows of a values() queryset, as dicts, from SQL compiled once (run it with rows())."""

    __slots__ = ("converters", "db", "names", "params", "sql")

    def __init__(self, qs: QuerySet):
        query = qs.query
        self.db = qs.db
        self.names = tuple(query.selected) if query.selected else (
            *query.extra_select, *query.values_select, *query.annotation_select)
        compiler = query.get_compiler(self.db)
        try:
            self.sql, self.params = compiler.as_sql()
        except EmptyResultSet:  # .none(), or an IN list with nothing in it: there is nothing to run
            self.sql, self.params, self.converters = None, (), []
            return
        # What values() would do to each column on the way out (e.g. SQLite's text to datetime).
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())

    def rows(self) -> list[dict]:
        if self.sql is None:
            return []
        connection = connections[self.db]
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
