"""Querysets whose pages choose their rows by key first, and the one way a list is cut into the page shown
(issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet

_M = TypeVar("_M", bound=Model)


class PagesByKeyQuerySet(QuerySet[_M]):
    """A queryset that, once `pages_by_key()` is called, reads a slice in two steps: the slice's primary keys
    from the filters and the ordering alone, then those rows with everything selected and joined to them.

    PostgreSQL joins before it sorts: a page of a list ordered by a column of another table (a risk category's
    rank) joined every matching row to its person, household and team, then sorted them all to keep 25. Chosen
    by key, the sort reads only the columns the filters and the ordering need (an index alone, where one
    covers them) and the joins run for the page's rows. The rows and their order are the same either way.
    """

    _pages_by_key = False

    def pages_by_key(self) -> PagesByKeyQuerySet[_M]:
        clone = self.all()
        clone._pages_by_key = True
        return clone

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]  # Django's private clone, missing from django-stubs
        clone._pages_by_key = self._pages_by_key
        return clone

    def __getitem__(self, k):
        if (
            self._pages_by_key
            and isinstance(k, slice)
            and k.step is None
            and k.stop is not None
            and self._result_cache is None
            and not self.query.is_sliced
        ):
            keys = self.values("pk")
            keys._pages_by_key = False
            page = self.filter(pk__in=keys[k])
            page._pages_by_key = False  # a page is sliced as it stands
            return page
        return super().__getitem__(k)


_T = TypeVar("_T")


@dataclass
class Shown(Generic[_T]):
    """The rows of a list that were shown, and where they sit in it: what a list selector records as read."""

    rows: list[_T]
    number: int
    size: int
    has_next: bool
    count: int | None
    # A page's Django Page (its object_list holds `rows`, read once) and GOV.UK elided page range.
    page: Page | None = None
    page_range: list = field(default_factory=list)

    @property
    def ids(self) -> list[Any]:
        """The keys of the rows shown: models' pk, or the "id" of rows read as dicts (see Pager.cut_rows)."""
        return [row["id"] if isinstance(row, dict) else row.pk for row in self.rows]  # type: ignore[attr-defined]  # rows of a model

    def meta(self) -> dict[str, Any]:
        """The API's page fields."""
        return {"count": self.count, "page": self.number, "page_size": self.size, "has_next": self.has_next}


@dataclass(frozen=True)
class Pager:
    """Which page of a list to show, asked for by a page (?page=, counted for its page range; a page past the
    end shows the last) or by the API (page and page_size; counted only when asked, has_next always).

    List selectors take one and give back what they showed, so that the access event they write names exactly
    the rows on the page, whoever asked.
    """

    number: int | str | None = 1
    size: int = 25
    for_page: bool = False
    with_count: bool = False
    count: int | None = None  # the total when already known (a page then does not count again)

    @classmethod
    def of_request(cls, request: Any, size: int = 25, count: int | None = None) -> Pager:
        return cls(number=request.GET.get("page"), size=size, for_page=True, count=count)

    @classmethod
    def of_params(cls, params: Any) -> Pager:
        """From the API's PageParams (page, page_size, with_count)."""
        return cls(number=params.page, size=params.page_size, with_count=params.with_count)

    def cut(self, qs: QuerySet[_M]) -> Shown[_M]:
        """The page of the queryset: a page counts then reads; the API reads (and counts if asked)."""
        if self.for_page:
            paginator = Paginator(qs, self.size)
            if self.count is not None:
                paginator.count = self.count  # a cached property: set, it is not queried
            page = paginator.get_page(self.number)
            rows = list(page.object_list)  # read once: the page's object_list keeps them
            page_range = (
                list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
                if paginator.num_pages > 1
                else []
            )
            return Shown(rows, page.number, self.size, page.has_next(), paginator.count, page, page_range)
        return self.cut_rows(lambda start, stop: list(qs[start:stop]), qs.count)

    def cut_rows(self, read: Callable[[int, int], list[_T]], count: Callable[[], int]) -> Shown[_T]:
        """The API's page of a list read otherwise than as a queryset's models (rows as dicts, compiled SQL):
        `read(start, stop)` gives the rows from start to stop (one more than the page, to tell whether there
        is a next); `count()` is asked only when the total is wanted and not known."""
        if self.for_page:
            raise ValueError("A page is cut from a queryset: Pager.cut")
        number = int(self.number or 1)
        start = (number - 1) * self.size
        rows = read(start, start + self.size + 1)
        total = self.count if self.count is not None else (count() if self.with_count else None)
        return Shown(rows[: self.size], number, self.size, len(rows) > self.size, total)
