"""Issue 14, the case lists: my cases, the team worklist, the case index and every case the user may open are
read through allocation.selectors.case_list_for_user, which cuts the page and writes one access event naming
exactly the cases on it, for the pages and the API (/cases, /cases/index) alike, in a number of queries that
does not grow with the rows."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.allocation import selectors as allocation
from casework.allocation import views as allocation_views
from casework.allocation.services import case_accept
from casework.audit.models import AccessEvent
from casework.cases import views as case_views
from casework.core.querysets import Pager
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _waiting(world, n: int) -> list:
    """Cases on the county's team worklist (and so on its case index)."""
    return [CaseFactory(person=PersonFactory(created_by_organisation=world.county)) for _ in range(n)]


def _accepted(world, n: int) -> list:
    return [case_accept(user=world.practitioner, case=case) for case in _waiting(world, n)]


# Each list: how to fill it, who reads it, what a row of its page shows, its page (and the name of its page
# size in its views module) and its API path.
LISTS = {
    "mine": SimpleNamespace(
        fill=_accepted,
        reader="practitioner",
        shows=lambda case: (case.reference, case.subject_name, case.risk_category),
        page="cases:my_cases",
        size=(case_views, "MY_CASES_PAGE_SIZE"),
        api=("/cases", {"scope": "mine"}),
    ),
    "worklist": SimpleNamespace(
        fill=_waiting,
        reader="practitioner",
        shows=lambda case: (case.reference, case.subject_name, case.risk_category, case.allocated_team),
        page="allocation:worklist",
        size=(allocation_views, "WORKLIST_PAGE_SIZE"),
        api=("/cases", {"scope": "worklist"}),
    ),
    "index": SimpleNamespace(
        fill=_waiting,
        reader="initiative_admin",
        shows=lambda case: (
            case.reference,
            case.risk_category,
            case.responsible_organisation,
            case.allocated_team,
            case.primary_worker,
        ),
        page="cases:case_index",
        size=(case_views, "INDEX_PAGE_SIZE"),
        api=("/cases/index", {}),
    ),
    "visible": SimpleNamespace(
        fill=_accepted,
        reader="practitioner",
        shows=None,
        page=None,
        size=None,
        api=("/cases", {"scope": "visible"}),
    ),
}
PAGERS = {
    "page": (Pager(number=2, size=3, for_page=True), "viewed", False),
    "api": (Pager(number=2, size=3), "read_by_api", True),
}


def _ids(rows) -> list[int]:
    return [row["id"] if isinstance(row, dict) else row.pk for row in rows]


def _event(user, purpose: str) -> AccessEvent:
    return AccessEvent.objects.get(verb=f"cases.list_{purpose}", actor=user)


@pytest.mark.parametrize("asked", PAGERS)
@pytest.mark.parametrize("name", LISTS)
def test_the_selector_names_exactly_the_cases_on_the_page_shown(world, name, asked):
    spec, (pager, purpose, as_rows) = LISTS[name], PAGERS[asked]
    if spec.page is None and asked == "page":
        pytest.skip("every case the user may open is a list of the API only")
    made = {case.pk for case in spec.fill(world, 7)}
    user = getattr(world, spec.reader)
    shown = allocation.case_list_for_user(
        user=user, pager=pager, scope=name, purpose=purpose, as_rows=as_rows
    )
    assert shown.number == 2
    assert len(shown.rows) == 3
    assert shown.has_next
    assert set(_ids(shown.rows)) <= made
    whole = allocation.case_list_queryset(user=user, scope=name)
    assert _ids(shown.rows) == list(whole.values_list("pk", flat=True)[3:6])
    event = _event(user, purpose)
    assert event.details == {"scope": name, "cases": _ids(shown.rows), "page": 2}


@pytest.mark.parametrize("name", [name for name, spec in LISTS.items() if spec.page])
def test_page_2_of_the_page_records_exactly_its_rows(world, login, monkeypatch, name):
    spec = LISTS[name]
    monkeypatch.setattr(*spec.size, 3)
    spec.fill(world, 7)
    user = getattr(world, spec.reader)
    response = login(user).get(reverse(spec.page), {"page": 2})
    assert response.status_code == 200
    shown = _ids(response.context["page"].object_list)
    assert len(shown) == 3
    assert _event(user, "viewed").details == {"scope": name, "cases": shown, "page": 2}


@pytest.mark.parametrize("name", LISTS)
def test_page_2_of_the_api_records_exactly_its_items(world, api, name):
    spec = LISTS[name]
    spec.fill(world, 7)
    user = getattr(world, spec.reader)
    path, params = spec.api
    body = api(user).get(path, {**params, "page": 2, "page_size": 3}).json()
    shown = [item["id"] for item in body["items"]]
    assert len(shown) == 3
    assert body["has_next"]
    assert _event(user, "read_by_api").details == {"scope": name, "cases": shown, "page": 2}


@pytest.mark.parametrize("name", ["worklist", "index"])
def test_the_page_and_the_api_name_the_same_cases(world, login, api, monkeypatch, name):
    """The worklist and the index sort alike by default on the page and in the API: the same page, the same
    cases named."""
    spec = LISTS[name]
    monkeypatch.setattr(*spec.size, 3)
    spec.fill(world, 7)
    user = getattr(world, spec.reader)
    login(user).get(reverse(spec.page), {"page": 2})
    path, params = spec.api
    api(user).get(path, {**params, "page": 2, "page_size": 3})
    assert _event(user, "viewed").details["cases"] == _event(user, "read_by_api").details["cases"]


def test_a_worklist_page_past_the_end_records_the_last_page_and_the_api_nothing_shown(world):
    _waiting(world, 4)
    user = world.practitioner
    page = allocation.case_list_for_user(
        user=user, pager=Pager(number=9, size=3, for_page=True), scope="worklist"
    )
    assert (page.number, len(page.rows), page.count) == (2, 1, 4)
    assert _event(user, "viewed").details["page"] == 2
    api = allocation.case_list_for_user(
        user=user, pager=Pager(number=9, size=3), scope="worklist", purpose="read_by_api", as_rows=True
    )
    assert api.rows == []
    assert _event(user, "read_by_api").details == {"scope": "worklist", "cases": [], "page": 9}


def _count(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


@pytest.mark.parametrize("asked", PAGERS)
@pytest.mark.parametrize("name", LISTS)
def test_the_selector_reads_in_the_same_number_of_queries_whatever_its_rows(world, name, asked):
    spec, (_pager, purpose, as_rows) = LISTS[name], PAGERS[asked]
    if spec.page is None and asked == "page":
        pytest.skip("every case the user may open is a list of the API only")
    user = getattr(world, spec.reader)
    pager = Pager(number=1, size=25, for_page=not as_rows)

    def queries(n: int) -> int:
        spec.fill(world, n)
        user.__dict__.pop("_casework_actor", None)

        def read():
            shown = allocation.case_list_for_user(
                user=user, pager=pager, scope=name, purpose=purpose, as_rows=as_rows
            )
            if not as_rows:
                [spec.shows(case) for case in shown.rows]  # what a row shows is read with it

        return _count(read)

    assert queries(2) == queries(6)


@pytest.mark.parametrize("name", [name for name, spec in LISTS.items() if spec.page])
def test_the_page_and_the_api_answer_in_the_same_number_of_queries_whatever_their_rows(
    world, login, api, name
):
    spec = LISTS[name]
    user = getattr(world, spec.reader)
    path, params = spec.api
    page, by_api = login(user), api(user)

    def queries(n: int) -> tuple[int, int]:
        spec.fill(world, n)
        page.get(reverse(spec.page))  # the first request of a client (its session, its token) reads more
        by_api.get(path, params)
        return (
            _count(lambda: page.get(reverse(spec.page))),
            _count(lambda: by_api.get(path, params)),
        )

    assert queries(2) == queries(6)
