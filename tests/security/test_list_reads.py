"""Issue 14: a list read writes one access event, in its `*_list_for_user` selector, naming exactly the rows
on the page shown, for a page and the API alike, in a number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from casework.allocation.services import case_accept
from casework.audit.models import AccessEvent
from casework.core import clock
from casework.core.querysets import Pager
from casework.safeguarding import selectors as safeguarding
from casework.safeguarding import services as safeguarding_services
from casework.tasks import selectors as tasks
from casework.tasks import services as task_services
from casework.waiting_list import selectors as waiting
from casework.waiting_list import services as waiting_services
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _cases(world, n: int) -> list:
    return [
        case_accept(
            user=world.practitioner,
            case=CaseFactory(person=PersonFactory(created_by_organisation=world.county)),
        )
        for _ in range(n)
    ]


def _tasks(world, n: int) -> None:
    for i, case in enumerate(_cases(world, n)):
        task_services.task_create(
            user=world.practitioner,
            title=f"Ring back {i}",
            due_date=clock.today() + datetime.timedelta(days=i),
            assigned_to_user=world.practitioner,
            case=case,
        )


def _concerns(world, n: int) -> None:
    for case in _cases(world, n):
        safeguarding_services.concern_raise(
            user=world.practitioner,
            person=case.person,
            case=case,
            at_risk="adult",
            what_happened="Bruising seen",
            immediate_danger=False,
        )


def _entries(world, n: int) -> None:
    for case in _cases(world, n):
        waiting_services.waiting_list_add(
            user=world.practitioner,
            case=case,
            list_kind="service",
            priority="normal",
            rag="green",
            rag_reason="Managing for now",
        )


# Each list: how to fill it, who reads it, its selector's call, its access verb and the ids it names.
LISTS = {
    "tasks": SimpleNamespace(
        fill=_tasks,
        reader="practitioner",
        read=lambda user, pager, purpose: tasks.task_list_for_user(user=user, pager=pager, purpose=purpose),
        verb="tasks.my_tasks_{purpose}",
        named="tasks",
    ),
    "concerns": SimpleNamespace(
        fill=_concerns,
        reader="safeguarder",
        read=lambda user, pager, purpose: safeguarding.concern_list_for_user(
            user=user, pager=pager, purpose=purpose
        ),
        verb="safeguarding.concern_list_{purpose}",
        named="concerns",
    ),
    "waiting_list": SimpleNamespace(
        fill=_entries,
        reader="team_manager",
        read=lambda user, pager, purpose: waiting.waiting_list_for_user(
            user=user, pager=pager, purpose=purpose
        ),
        verb="waiting_list.list_{purpose}",
        named="entries",
    ),
}
PAGERS = {
    "page": (Pager(number=2, size=3, for_page=True), "viewed"),
    "api": (Pager(number=2, size=3), "read_by_api"),
}


@pytest.mark.parametrize("asked", PAGERS)
@pytest.mark.parametrize("name", LISTS)
def test_the_access_event_names_exactly_the_rows_on_the_page_shown(world, name, asked):
    spec, (pager, purpose) = LISTS[name], PAGERS[asked]
    spec.fill(world, 7)
    user = getattr(world, spec.reader)
    shown = spec.read(user, pager, purpose)
    assert shown.number == 2
    assert len(shown.rows) == 3
    assert shown.has_next
    event = AccessEvent.objects.get(verb=spec.verb.format(purpose=purpose), actor=user)
    assert event.details[spec.named] == [row.pk for row in shown.rows]
    assert event.details["page"] == 2


@pytest.mark.parametrize("asked", PAGERS)
@pytest.mark.parametrize("name", LISTS)
def test_a_list_reads_in_the_same_number_of_queries_whatever_its_rows(world, name, asked):
    spec, (_pager, purpose) = LISTS[name], PAGERS[asked]
    user = getattr(world, spec.reader)
    pager = Pager(number=1, size=25, for_page=asked == "page")

    def queries(n: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        spec.fill(world, n)
        user.__dict__.pop("_casework_actor", None)
        with CaptureQueriesContext(connection) as captured:
            shown = spec.read(user, pager, purpose)
            [str(row) for row in shown.rows]  # what a row shows is read with it
        return len(captured.captured_queries)

    assert queries(2) == queries(6)


def test_a_page_past_the_end_shows_the_last_page_and_the_api_an_empty_one(world):
    _tasks(world, 4)
    user = world.practitioner
    page = tasks.task_list_for_user(user=user, pager=Pager(number=9, size=3, for_page=True))
    assert page.number == 2
    assert len(page.rows) == 1
    assert page.count == 4
    api = tasks.task_list_for_user(user=user, pager=Pager(number=9, size=3), purpose="read_by_api")
    assert api.rows == []
    assert api.meta() == {"count": None, "page": 9, "page_size": 3, "has_next": False}


def test_the_page_and_the_api_name_the_same_rows(world, login, api):
    _tasks(world, 4)
    login(world.practitioner).get(reverse("tasks:my_tasks"))
    api(world.practitioner).get("/tasks", {"page_size": 25})
    page = AccessEvent.objects.get(verb="tasks.my_tasks_viewed")
    by_api = AccessEvent.objects.get(verb="tasks.my_tasks_read_by_api")
    assert len(page.details["tasks"]) == 4
    assert page.details["tasks"] == by_api.details["tasks"]


def test_the_waiting_list_download_is_recorded_once_by_its_selector(world, login):
    _entries(world, 2)
    response = login(world.team_manager).get(
        reverse("waiting_list:waiting_list_export"), {"priority": "normal"}
    )
    body = b"".join(response.streaming_content).decode()
    assert body.count("\n") == 3  # the header and two rows
    event = AccessEvent.objects.get(verb="waiting_list.exported", actor=world.team_manager)
    assert event.details["filters"]["priority"] == "normal"
