"""Writing generated rows fast: COPY on PostgreSQL, executemany on SQLite, and the id sequences after."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from casework.core.progress import ProgressBar


class Writer:
    """Append rows to one table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, model, columns: list[str]):
        self.table = model._meta.db_table
        self.columns = columns
        self.vendor = connection.vendor

    def write(self, rows: Iterable[tuple], bar: ProgressBar | None = None, chunk: int = 20000) -> int:
        count = 0
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cols = ", ".join(self.columns)
                with cursor.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                        if bar is not None and count % chunk == 0:
                            bar.advance(chunk)
            else:
                sql = (
                    f"INSERT INTO {self.table} ({', '.join(self.columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(self.columns))})"
                )
                batch: list[tuple] = []
                for row in rows:
                    batch.append(row)
                    count += 1
                    if len(batch) >= chunk:
                        cursor.executemany(sql, batch)
                        batch.clear()
                        if bar is not None:
                            bar.advance(chunk)
                if batch:
                    cursor.executemany(sql, batch)
        if bar is not None:
            bar.advance(count % chunk)
        return count


def next_id(model) -> int:
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


def reset_sequences(models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
