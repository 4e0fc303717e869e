"""Querysets whose pages choose their rows by key first (issue 14)."""

from __future__ import annotations

from typing import Any, TypeVar

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
