"""Helpers the apps' API modules share: pages of results and the record version from If-Match or the body."""

from __future__ import annotations

from typing import Generic, TypeVar

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

from casework.core.errors import ValidationFailed

T = TypeVar("T")
MAX_PAGE_SIZE = 100


class PageParams(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)
    with_count: bool = Field(False, description="Also count every matching row (costs a query); has_next is "
                                                "always given")


class Page(Schema, Generic[T]):
    items: list[T]
    count: int | None
    page: int
    page_size: int
    has_next: bool


def paginate(qs: QuerySet, params: PageParams) -> tuple[list, dict]:
    """One page of a queryset, and whether there is a next; the total only when asked for (it costs a count)."""
    start = (params.page - 1) * params.page_size
    rows = list(qs[start:start + params.page_size + 1])
    has_next = len(rows) > params.page_size
    count = qs.count() if params.with_count else None
    return rows[: params.page_size], {"count": count, "page": params.page, "page_size": params.page_size,
                                      "has_next": has_next}


def expected_version(request, body_version: int | None) -> int:
    """The version the client last read: If-Match ("3" or W/"3") or the body's `version` field."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        value = header.removeprefix("W/").strip('"')
        if not value.isdigit():
            raise ValidationFailed("If-Match must be the record's version, as given in its ETag", field="If-Match")
        return int(value)
    if body_version is None:
        raise ValidationFailed("Send the version you last read, as If-Match or a version field", field="version")
    return body_version


def etag(version: int) -> str:
    return f'"{version}"'
