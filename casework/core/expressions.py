"""Query expressions the ORM has no cheap form for."""

from __future__ import annotations

from django.db import models


class ForeignColumn(models.Expression):
    """A column of the row a foreign key points to, as a scalar subquery instead of a join.

    For names from small lookup tables on hot list queries: PostgreSQL searches the join order of every join
    again on each request (about 2 ms for a seven-table list), while a scalar subquery is planned on its own
    in microseconds and costs one primary-key probe per row. `columns` are joined with a space, empty ones
    left out; `fallback` is the column used when that gives nothing. Both databases run the same SQL.
    """

    output_field = models.CharField()

    def __init__(self, foreign_key: str, *columns: str, fallback: str | None = None):
        super().__init__()
        self.foreign_key, self.columns, self.fallback = foreign_key, columns, fallback

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.foreign_key!r}, *{self.columns!r}, fallback={self.fallback!r})"

    def as_sql(self, compiler, connection):
        quote = connection.ops.quote_name
        field = compiler.query.model._meta.get_field(self.foreign_key)
        target = field.related_model._meta
        columns = [quote(target.get_field(name).column) for name in self.columns]
        value = columns[0] if len(columns) == 1 else "TRIM(" + " || ' ' || ".join(columns) + ")"
        if self.fallback:
            value = f"COALESCE(NULLIF({value}, ''), {quote(target.get_field(self.fallback).column)})"
        outer = f"{quote(compiler.query.base_table)}.{quote(field.column)}"
        return (
            f"(SELECT {value} FROM {quote(target.db_table)} WHERE {quote(target.pk.column)} = {outer})"
        ), []
