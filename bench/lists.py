"""Every list of make bench, page and API, each beside its own raw-SQL floor (issue 14).

A list figure is one URL as one bench user opens it: a sort, a filter, page 2 or 100 rows. Its floor is the
SQL that URL's main query needs, run directly with psycopg in the same run: the statements the request itself
sends to its list's table (the rows and, where the list counts, the count), captured in-process with Django's
query log and then timed on their own. The ratio of the figure's p95 to the floor's p95 is what Django,
templates and HTTP add on top of the database; a slow query shows as a slow floor, which the absolute figures
beside it show.
"""

from __future__ import annotations

import datetime
import re
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

# Targets (issue 14): a list's p95 within 4x of its own raw-SQL floor's p95.
LIST_RATIO_TARGET = 4.0

# The tables whose statements make a list's floor.
CASES = ("cases_case",)
WAITING = ("waiting_list_waitinglistentry",)


@dataclass(frozen=True)
class ListFigure:
    name: str  # e.g. worklist_page_sort_newest
    username: str  # the bench user who opens it
    path: str
    api: bool
    tables: tuple[str, ...] = CASES
    note: str = ""


@dataclass
class ListParams:
    """Filter values taken from the bench data, so every filter finds rows."""

    risk_category_id: int
    worklist_area: str
    team_id: int
    waiting_area: str
    waiting_team_id: int
    raised_from: datetime.date
    raised_to: datetime.date
    index_area: str = ""
    extra: dict = field(default_factory=dict)


def list_params(worker_username: str = "bench.worker") -> ListParams:
    """Filter values from the data: the most common area on the worklist and on the waiting list, etc."""
    from django.db.models import Count

    from casework.accounts.models import Membership, User
    from casework.allocation.selectors import team_worklist
    from casework.cases.models import RiskCategory
    from casework.core import clock
    from casework.waiting_list.models import WaitingListEntry

    worker = User.objects.get(username=worker_username)
    membership = Membership.objects.filter(user=worker, team__isnull=False).select_related("team").first()
    worklist = team_worklist(user=worker).order_by()
    area = (
        worklist.values("area").annotate(n=Count("id")).order_by("-n").values_list("area", flat=True).first()
        or "A1"
    )
    waiting = WaitingListEntry.objects.filter(
        organisation_id=membership.organisation_id, exited_on__isnull=True
    ).order_by()
    waiting_area = (
        waiting.values("area").annotate(n=Count("id")).order_by("-n").values_list("area", flat=True).first()
        or "A1"
    )
    waiting_team = (
        waiting.exclude(team=None)
        .values("team_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("team_id", flat=True)
        .first()
    )
    today = clock.today()
    return ListParams(
        risk_category_id=RiskCategory.objects.filter(initiative_id=membership.organisation.initiative_id)
        .order_by("rank")
        .values_list("id", flat=True)
        .first(),
        worklist_area=area,
        team_id=membership.team_id,
        waiting_area=waiting_area,
        waiting_team_id=waiting_team or membership.team_id,
        raised_from=today - datetime.timedelta(days=30),
        raised_to=today,
        index_area=area,
    )


def _q(path: str, **query) -> str:
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urllib.parse.urlencode(query)}" if query else path


SORTS = ("priority", "newest", "oldest", "risk", "area")


def _case_filters(p: ListParams, *, api: bool) -> dict[str, dict]:
    """The filters the worklist and the case index offer (WorklistFilterForm), one at a time."""
    dates = (
        {"raised_from": p.raised_from.isoformat(), "raised_to": p.raised_to.isoformat()}
        if api
        else {
            "raised_from_0": p.raised_from.day,
            "raised_from_1": p.raised_from.month,
            "raised_from_2": p.raised_from.year,
            "raised_to_0": p.raised_to.day,
            "raised_to_1": p.raised_to.month,
            "raised_to_2": p.raised_to.year,
        }
    )
    return {
        "filter_priority": {"priority": "urgent"},
        "filter_risk": {("risk_category_id" if api else "risk_category"): p.risk_category_id},
        "filter_area": {"area": p.worklist_area},
        "filter_raised_last_30_days": dates,
    }


def list_figures(p: ListParams) -> list[ListFigure]:
    figures: list[ListFigure] = []
    add = figures.append
    api_cases = "/api/v1/cases"

    # The team worklist: a practitioner's (page 25 rows; the API 50, as its clients ask).
    for sort in SORTS:
        add(ListFigure(f"worklist_page_sort_{sort}", "bench.worker", _q("/cases/worklist", sort=sort), False))
        add(
            ListFigure(
                f"worklist_api_sort_{sort}",
                "bench.worker",
                _q(api_cases, scope="worklist", page_size=50, sort=sort),
                True,
            )
        )
    for name, query in _case_filters(p, api=False).items():
        add(ListFigure(f"worklist_page_{name}", "bench.worker", _q("/cases/worklist", **query), False))
    for name, query in _case_filters(p, api=True).items():
        add(
            ListFigure(
                f"worklist_api_{name}",
                "bench.worker",
                _q(api_cases, scope="worklist", page_size=50, **query),
                True,
            )
        )
    add(ListFigure("worklist_page_page_2", "bench.worker", _q("/cases/worklist", page=2), False))
    add(
        ListFigure(
            "worklist_api_page_2", "bench.worker", _q(api_cases, scope="worklist", page_size=50, page=2), True
        )
    )
    add(
        ListFigure(
            "worklist_api_rows_100", "bench.worker", _q(api_cases, scope="worklist", page_size=100), True
        )
    )
    add(
        ListFigure(
            "worklist_api_with_count",
            "bench.worker",
            _q(api_cases, scope="worklist", page_size=50, with_count=1),
            True,
        )
    )
    # A team manager's: every team of the organisation, or one.
    add(ListFigure("worklist_page_manager", "bench.manager", "/cases/worklist", False))
    add(
        ListFigure("worklist_page_filter_team", "bench.manager", _q("/cases/worklist", team=p.team_id), False)
    )
    add(
        ListFigure(
            "worklist_api_filter_team",
            "bench.manager",
            _q(api_cases, scope="worklist", page_size=50, team_id=p.team_id),
            True,
        )
    )

    # My cases: the page (its one order) and the API (every sort).
    add(ListFigure("my_cases_page", "bench.worker", "/cases/mine", False))
    add(ListFigure("my_cases_page_page_2", "bench.worker", _q("/cases/mine", page=2), False))
    for sort in SORTS:
        add(
            ListFigure(
                f"my_cases_api_sort_{sort}",
                "bench.worker",
                _q(api_cases, scope="mine", page_size=50, sort=sort),
                True,
            )
        )
    add(
        ListFigure(
            "my_cases_api_filter_priority",
            "bench.worker",
            _q(api_cases, scope="mine", page_size=50, priority="urgent"),
            True,
        )
    )

    # The waiting list: a team manager's, 50 rows with its counts; every filter of WaitingFilterForm.
    waiting_filters = {
        "filter_list_kind": {"list_kind": "assessment"},
        "filter_priority": {"priority": "urgent"},
        "filter_rag": {"rag": "red"},
        "filter_team": {"team": p.waiting_team_id},
        "filter_area": {"area": p.waiting_area},
        "filter_overdue": {"due": "overdue"},
        "filter_due_soon": {"due": "due_soon"},
    }
    add(ListFigure("waiting_list_page", "bench.manager", "/waiting-list/", False, WAITING))
    for name, query in waiting_filters.items():
        add(
            ListFigure(
                f"waiting_list_page_{name}", "bench.manager", _q("/waiting-list/", **query), False, WAITING
            )
        )
    add(ListFigure("waiting_list_page_page_2", "bench.manager", _q("/waiting-list/", page=2), False, WAITING))
    api_waiting = "/api/v1/waiting-list"
    add(ListFigure("waiting_list_api", "bench.manager", _q(api_waiting, page_size=50), True, WAITING))
    add(
        ListFigure(
            "waiting_list_api_page_2", "bench.manager", _q(api_waiting, page_size=50, page=2), True, WAITING
        )
    )
    add(
        ListFigure(
            "waiting_list_api_rows_100", "bench.manager", _q(api_waiting, page_size=100), True, WAITING
        )
    )
    add(
        ListFigure(
            "waiting_list_api_filter_overdue",
            "bench.manager",
            _q(api_waiting, page_size=50, due="overdue"),
            True,
            WAITING,
        )
    )

    # The case index: a practitioner's page (every case the county holds), the lead's API (the initiative).
    index_filters = {
        **_case_filters(p, api=False),
        "filter_status": {"status": "active"},
        "filter_unallocated_only": {"unallocated_only": "on"},
    }
    for sort in SORTS:
        add(ListFigure(f"case_index_page_sort_{sort}", "bench.worker", _q("/cases/index", sort=sort), False))
    for name, query in index_filters.items():
        add(ListFigure(f"case_index_page_{name}", "bench.worker", _q("/cases/index", **query), False))
    add(ListFigure("case_index_page_page_2", "bench.worker", _q("/cases/index", page=2), False))
    api_index = "/api/v1/cases/index"
    for sort in SORTS:
        add(
            ListFigure(
                f"case_index_api_lead_sort_{sort}", "bench.lead", _q(api_index, page_size=50, sort=sort), True
            )
        )
    api_index_filters = {
        **_case_filters(p, api=True),
        "filter_status": {"status": "active"},
        "filter_unallocated_only": {"unallocated_only": "true"},
    }
    for name, query in api_index_filters.items():
        add(
            ListFigure(
                f"case_index_api_lead_{name}", "bench.lead", _q(api_index, page_size=50, **query), True
            )
        )
    add(ListFigure("case_index_api_lead_page_2", "bench.lead", _q(api_index, page_size=50, page=2), True))
    return figures


# The floor: the statements a request sends to its list's table, captured in-process.

_FROM = re.compile(r'\bFROM "([a-z_]+)"')


def floor_statements(client_get: Callable, figure: ListFigure) -> list[str]:
    """The SQL the request for the figure sends to its list's table (rows and count), as run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client_get(figure)  # warm: what is cached per process is not part of a request
    with CaptureQueriesContext(connection) as captured:
        response = client_get(figure)
    if response.status_code != 200:
        raise RuntimeError(f"{figure.path} answered {response.status_code} in-process")
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and set(_FROM.findall(q["sql"])) & set(figure.tables)
    ]
    if not statements:
        raise RuntimeError(f"{figure.path} sent no statement to {figure.tables}")
    return statements


def time_floor(raw, statements: list[str], samples: int, warm: int = 6) -> list[float]:
    """Each sample: every statement of the list run and fetched, one after the other, on one connection."""
    for sql in statements:  # warm, and past psycopg's prepare threshold as the app's statements are
        for _ in range(warm):
            raw.execute(sql).fetchall()
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        for sql in statements:
            raw.execute(sql).fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "mean": sum(ordered) / len(ordered),
        "p50": ordered[len(ordered) // 2],
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
    }


def in_process_get(tokens: dict[str, str]) -> Callable:
    """GET a figure's URL in-process as its user: a session for a page, a bearer token for the API."""
    from django.test import Client

    from casework.accounts.models import User

    clients: dict[str, Client] = {}

    def get(figure: ListFigure):
        if figure.api:
            return Client(HTTP_HOST="127.0.0.1").get(
                figure.path, HTTP_AUTHORIZATION=f"Bearer {tokens[figure.username]}"
            )
        if figure.username not in clients:
            clients[figure.username] = Client(HTTP_HOST="127.0.0.1")  # production mode: allowed hosts only
            clients[figure.username].force_login(User.objects.get(username=figure.username))
        return clients[figure.username].get(figure.path)

    return get


def measure_lists(
    figures: list[ListFigure],
    *,
    timed: Callable,
    headers_for: Callable[[ListFigure], dict],
    client_get: Callable,
    raw,
    samples: int,
    measure: Callable,
    say: Callable[[str], None],
    show_sql: bool = False,
    budget_ms: float = 5000,
    reference_floor_ms: float | None = None,
) -> None:
    """Each figure's p95 over HTTP beside the p95 of its own floor, timed one straight after the other."""
    for figure in figures:
        statements = floor_statements(client_get, figure)
        if show_sql:
            for sql in statements:
                say(f"  {figure.name}: {sql[:400]}")
        # A slow list gets fewer samples: about `budget_ms` of them each side, and never fewer than 10.
        first = stats(time_floor(raw, statements, 3))
        n = max(10, min(samples, int(budget_ms / max(first["p50"], 0.01))))
        floor = stats(time_floor(raw, statements, n, warm=0))
        got = stats(timed(figure.path, headers_for(figure), n=n))
        say(
            f"  {figure.name:48} p95 {got['p95']:8.1f} ms, floor {floor['p95']:7.1f} ms, "
            f"{got['p95'] / floor['p95']:5.1f}x"
        )
        measure(
            f"{figure.name}_p95_ms",
            got["p95"],
            "ms",
            floor=floor["p95"],
            ratio_target=LIST_RATIO_TARGET,
            path=figure.path,
            user=figure.username,
            p50_ms=round(got["p50"], 2),
            floor_p50_ms=round(floor["p50"], 2),
            floor_statements=len(statements),
            samples=n,
            # Beside the ratio to its own SQL, the ratio to the floor (the team worklist's raw SQL): where a
            # list's own SQL takes under a millisecond, its ratio is mostly the fixed cost of any request.
            ratio_to_floor=round(got["p95"] / reference_floor_ms, 2) if reference_floor_ms else None,
        )
