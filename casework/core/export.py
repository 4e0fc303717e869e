"""Rows of a queryset as JSON-safe dicts, read in chunks (a person's ten-year history never sits in memory
at once). Used by each app's subject access exporter."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import models

Section = tuple[str, Iterator[dict[str, Any]]]


def json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return f"<{len(value)} bytes, held as a document>"
    return str(value)


def model_rows(
    queryset: models.QuerySet[Any], *, exclude: tuple[str, ...] = (), chunk_size: int = 500
) -> Iterator[dict[str, Any]]:
    """Each row's concrete fields (references by id), with choices' labels beside their values."""
    fields = [f for f in queryset.model._meta.concrete_fields if f.name not in exclude]
    for obj in queryset.order_by("pk").iterator(chunk_size=chunk_size):
        row: dict[str, Any] = {}
        for field in fields:
            value = getattr(obj, field.attname)
            row[field.attname] = json_value(value)
            if field.choices and value not in (None, ""):
                row[f"{field.attname}_label"] = str(getattr(obj, f"get_{field.name}_display")())
        yield row
