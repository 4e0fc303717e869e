"""The tasks API: lists with a fixed number of queries, one task, adding one, and the actions with versions;
404 for a task the user may not see, 403 for an action they may not take, 409 stale, 422 invalid."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.audit.models import AccessEvent
from casework.core import clock
from casework.tasks.models import Task
from tests.factories import CaseFactory, PersonFactory

# A throwaway API root with the real one's auth and error handlers (see api_urls.py).
pytestmark = pytest.mark.urls("casework.tasks.tests.api_urls")


def test_my_tasks_overdue_first(api, world, case, make_task, today):
    with clock.frozen_at(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)):
        later = make_task(case=case, due_date=today + datetime.timedelta(days=3))
        overdue = make_task(case=case, due_date=today - datetime.timedelta(days=2))
    make_task(case=case, assigned_to_team=world.team)
    response = api(world.practitioner).get("/tasks", {"with_count": True})
    body = response.json()
    assert response.status_code == 200
    assert [item["id"] for item in body["items"]] == [overdue.pk, later.pk]
    assert [item["is_overdue"] for item in body["items"]] == [True, False]
    assert body["count"] == 2 and body["items"][0]["case_reference"] == case.reference
    assert body["items"][0]["subject_name"] == "Margaret Thornton"
    assert AccessEvent.objects.filter(verb="tasks.my_tasks_read_by_api").exists()


def test_team_scope_and_status(api, world, case, make_task):
    team_task = make_task(case=case, assigned_to_team=world.team)
    make_task(case=case)
    client = api(world.practitioner2)
    assert [item["id"] for item in client.get("/tasks", {"scope": "team"}).json()["items"]] == [team_task.pk]
    assert client.get("/tasks", {"scope": "team", "status": "done"}).json()["items"] == []
    assert client.get("/tasks", {"status": "finished"}).status_code == 422


def test_page_size_is_capped_at_100(api, world):
    response = api(world.practitioner).get("/tasks", {"page_size": 101})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page_size"


def test_list_runs_a_fixed_number_of_queries(api, world, make_task):
    client = api(world.practitioner)
    for _ in range(2):
        make_task(case=CaseFactory(person=PersonFactory(created_by_organisation=world.county)))
    client.get("/tasks")  # warm up: token last-used time, audit chain head
    with CaptureQueriesContext(connection) as few:
        client.get("/tasks", {"page_size": 100})
    for _ in range(20):
        make_task(person=PersonFactory(created_by_organisation=world.county))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/tasks", {"page_size": 100}).json()["items"]) == 22
    assert len(many) == len(few)


def test_a_task_the_user_may_not_see_is_404(api, world, case, make_task):
    task = make_task(case=case)
    for who in ("practitioner2", "district_worker", "outsider"):
        client = api(getattr(world, who))
        assert client.get(f"/tasks/{task.pk}").status_code == 404
        response = client.post(f"/tasks/{task.pk}/complete", {"version": 1})
        assert response.status_code == 404 and response.json() == {"detail": "Not found", "errors": []}
    assert Task.objects.get(pk=task.pk).status == "open"


def test_an_action_not_allowed_on_a_visible_task_is_403(api, world, case, make_task):
    task = make_task(case=case)
    response = api(world.practitioner).post(
        f"/tasks/{task.pk}/cancel", {"version": 1, "reason": "Not needed"}
    )
    assert response.status_code == 403
    assert "team manager" in response.json()["detail"]


def test_get_then_complete_with_if_match_and_a_stale_version(api, world, case, make_task):
    task = make_task(case=case)
    client = api(world.practitioner)
    response = client.get(f"/tasks/{task.pk}")
    assert response.status_code == 200 and response["ETag"] == '"1"'
    moved = client.post(
        f"/tasks/{task.pk}/due",
        {
            "due_date": (task.due_date + datetime.timedelta(days=1)).isoformat(),
            "reason": "Away",
            "version": 1,
        },
    )
    assert moved.status_code == 200 and moved["ETag"] == '"2"'
    stale = client.post(f"/tasks/{task.pk}/complete", {"note": "Done"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and "Somebody else changed this task" in stale.json()["detail"]
    done = client.post(f"/tasks/{task.pk}/complete", {"note": "Done"}, headers={"If-Match": '"2"'})
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["completed_by_id"], body["completion_note"], body["version"]) == (
        "done",
        world.practitioner.pk,
        "Done",
        3,
    )
    again = client.post(f"/tasks/{task.pk}/complete", {"version": 3})
    assert again.status_code == 409 and "already completed" in again.json()["detail"]


def test_a_version_is_required(api, world, case, make_task):
    task = make_task(case=case)
    response = api(world.practitioner).post(f"/tasks/{task.pk}/complete", {})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "version"


def test_create_a_task_about_a_case(api, world, case, today):
    response = api(world.practitioner).post(
        "/tasks",
        {
            "title": "Ring the OT",
            "kind": "follow_up",
            "due_date": today.isoformat(),
            "case_id": case.pk,
            "assigned_to_team_id": world.team.pk,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["case_id"], body["person_id"], body["assigned_to"], body["source"]) == (
        case.pk,
        world.person.pk,
        "Locality Team North",
        "api",
    )
    assert response["ETag"] == '"1"'


def test_create_refusals(api, world, case, today):
    client = api(world.practitioner)
    past = client.post(
        "/tasks",
        {
            "title": "Late",
            "due_date": (today - datetime.timedelta(days=1)).isoformat(),
            "case_id": case.pk,
            "assigned_to_user_id": world.practitioner.pk,
        },
    )
    assert past.status_code == 422
    assert past.json()["errors"] == [
        {"field": "due_date", "message": "The due date must be today or in the future"}
    ]
    outsider = client.post(
        "/tasks",
        {
            "title": "X",
            "due_date": today.isoformat(),
            "case_id": case.pk,
            "assigned_to_user_id": world.district_worker.pk,
        },
    )
    assert outsider.status_code == 422 and outsider.json()["errors"][0]["field"] == "assigned_to"
    assert (
        api(world.district_worker)
        .post(
            "/tasks",
            {
                "title": "X",
                "due_date": today.isoformat(),
                "case_id": case.pk,
                "assigned_to_user_id": world.district_worker.pk,
            },
        )
        .status_code
        == 404
    )
    assert (
        api(world.case_manager)
        .post(
            "/tasks",
            {
                "title": "X",
                "due_date": today.isoformat(),
                "case_id": case.pk,
                "assigned_to_user_id": world.practitioner.pk,
            },
        )
        .status_code
        == 403
    )
    assert not Task.objects.exists()


def test_reassign_and_cancel(api, world, case, make_task):
    task = make_task(case=case)
    client = api(world.practitioner)
    response = client.post(
        f"/tasks/{task.pk}/reassign", {"to_team_id": world.team.pk, "reason": "Leave", "version": 1}
    )
    assert response.status_code == 200 and response.json()["assigned_to_team_id"] == world.team.pk
    missing = client.post(f"/tasks/{task.pk}/reassign", {"reason": "x", "version": 2})
    assert missing.status_code == 422
    cancelled = api(world.team_manager).post(
        f"/tasks/{task.pk}/cancel", {"reason": "Not needed", "version": 2}
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
