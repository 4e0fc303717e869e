"""Task pages: the lists (overdue first and tagged, filters, pagination, query counts that do not grow with
the rows), one task and its actions, adding a task from a case or a person; happy and refused paths."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AccessEvent
from casework.core import clock
from casework.tasks import services
from casework.tasks.models import Task
from tests.factories import CaseFactory, HouseholdFactory, MembershipFactory, PersonFactory, UserFactory

from .conftest import NOON, TODAY


def _url(name, task=None):
    return reverse(f"tasks:{name}", args=[task.pk] if task else [])


def _reload(task):
    return Task.objects.get(pk=task.pk)


def _date(prefix, day):
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _count_queries(client, url, **params):
    client.get(url, params)  # warm up: sessions, the audit chain head
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def _mixed_tasks(world, make_task, n, **kwargs):
    """Tasks about different kinds of subject: a case about a person, a person, a household's case."""
    made = []
    for i in range(n):
        person = PersonFactory(created_by_organisation=world.county)
        if i % 3 == 0:
            made.append(make_task(case=CaseFactory(person=person), **kwargs))
        elif i % 3 == 1:
            made.append(make_task(person=person, **kwargs))
        else:
            household = HouseholdFactory(created_by_organisation=world.county)
            case = CaseFactory(
                person=None,
                household=household,
                initiative=world.initiative,
                raised_by_organisation=world.county,
                responsible_organisation=world.county,
                area="RG40",
            )
            made.append(make_task(case=case, **kwargs))
    return made


# My tasks.


def test_my_tasks_lists_overdue_first_with_tags(login, world, case, make_task):
    with clock.frozen_at(NOON - datetime.timedelta(days=10)):
        make_task(case=case, title="Later on", due_date=TODAY + datetime.timedelta(days=5))
        make_task(case=case, title="Due now", due_date=TODAY)
        make_task(case=case, title="Forgotten", due_date=TODAY - datetime.timedelta(days=3))
    with clock.frozen_at(NOON):
        response = login(world.practitioner).get(_url("my_tasks"))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("Forgotten") < content.index("Due now") < content.index("Later on")
    assert content.count('<strong class="govuk-tag govuk-tag--red">Overdue</strong>') == 1
    assert content.count("Due today</strong>") == 1
    assert content.index("Overdue</strong>") < content.index("Due now")
    assert case.reference in content and "Margaret Thornton" in content
    assert "Showing 1 to 3 of 3 tasks" in content


def test_my_tasks_filters_by_status(login, world, case, make_task):
    done = make_task(case=case, title="Finished job")
    services.task_complete(user=world.practitioner, task=done, version=1)
    make_task(case=case, title="Still to do")
    client = login(world.practitioner)
    open_page = client.get(_url("my_tasks")).content.decode()
    assert "Still to do" in open_page and "Finished job" not in open_page
    done_page = client.get(_url("my_tasks"), {"status": "done"}).content.decode()
    assert "Finished job" in done_page and "Still to do" not in done_page
    assert '<strong class="govuk-tag govuk-tag--green">Done</strong>' in done_page


def test_my_tasks_refused_to_people_who_are_not_given_tasks(login, world):
    for who in ("auditor", "case_manager", "no_roles", "org_admin"):
        assert login(getattr(world, who)).get(_url("my_tasks")).status_code == 403


def test_my_tasks_is_paginated_by_25(login, world, case, make_task):
    for _ in range(27):
        make_task(case=case)
    client = login(world.practitioner)
    first = client.get(_url("my_tasks")).content.decode()
    assert "Showing 1 to 25 of 27 tasks" in first and 'class="govuk-pagination"' in first
    assert "Showing 26 to 27 of 27 tasks" in client.get(_url("my_tasks"), {"page": 2}).content.decode()


def test_my_tasks_query_count_does_not_grow_with_rows(login, world, make_task):
    client = login(world.practitioner)
    _mixed_tasks(world, make_task, 3)
    few = _count_queries(client, _url("my_tasks"))
    _mixed_tasks(world, make_task, 18)
    assert _count_queries(client, _url("my_tasks")) == few


# Team tasks.


def test_team_tasks_for_a_manager_show_the_members_work(login, world, case, make_task):
    make_task(case=case, title="For the team", assigned_to_team=world.team)
    make_task(case=case, title="For a member", assigned_to_user=world.practitioner2)
    content = login(world.team_manager).get(_url("team_tasks")).content.decode()
    assert "For the team" in content and "For a member" in content
    assert "Staff" in content and "Locality Team North" in content  # the assignee column
    content = login(world.practitioner).get(_url("team_tasks")).content.decode()
    assert "For the team" in content and "For a member" not in content


def test_team_tasks_filter_by_team(login, world, case, make_task):
    make_task(case=case, title="For the team", assigned_to_team=world.team)
    make_task(
        case=case, title="For safeguarding", kind="safeguarding", assigned_to_team=world.safeguarding_team
    )
    client = login(world.team_manager)
    content = client.get(_url("team_tasks"), {"team": world.safeguarding_team.pk}).content.decode()
    assert "For safeguarding" in content and "For the team" not in content
    assert 'name="team"' in content


def test_team_tasks_refused_without_a_team(login, world):
    for who in ("duty_officer", "auditor", "no_roles"):
        assert login(getattr(world, who)).get(_url("team_tasks")).status_code == 403


def test_team_tasks_query_count_does_not_grow_with_rows(login, world, make_task):
    client = login(world.team_manager)
    _mixed_tasks(world, make_task, 3, assigned_to_team=world.team)
    few = _count_queries(client, _url("team_tasks"))
    _mixed_tasks(world, make_task, 18, assigned_to_team=world.team)
    _mixed_tasks(world, make_task, 6, assigned_to_user=world.practitioner2)
    assert _count_queries(client, _url("team_tasks")) == few


# One task.


def test_task_detail_offers_what_the_user_may_do(login, world, case, make_task):
    task = make_task(case=case)
    content = login(world.practitioner).get(_url("task_detail", task)).content.decode()
    assert "Mark as done" in content and f'name="version" value="{task.version}"' in content
    assert _url("task_reassign", task) in content and _url("task_change_due", task) in content
    assert _url("task_cancel", task) not in content  # a job set it, so a manager cancels it
    assert "Added" in content and "automatically" in content
    event = AccessEvent.objects.get(verb="tasks.task_viewed")
    assert (event.case_id, event.person_id) == (case.pk, world.person.pk)
    assert (
        _url("task_cancel", task) in login(world.team_manager).get(_url("task_detail", task)).content.decode()
    )


def test_a_task_the_user_may_not_see_is_not_found(login, world, case, make_task):
    task = make_task(case=case)
    for who in ("practitioner2", "district_worker", "outsider", "auditor", "no_roles"):
        client = login(getattr(world, who))
        assert client.get(_url("task_detail", task)).status_code == 404, who
        assert client.post(_url("task_complete", task), {"version": 1}).status_code == 404, who
    assert _reload(task).status == "open"
    assert login(world.practitioner).get(reverse("tasks:task_detail", args=[999999])).status_code == 404


def test_completing_from_the_task_page(login, world, case, make_task):
    task = make_task(case=case)
    response = login(world.practitioner).post(_url("task_complete", task), {"version": 1, "note": "All done"})
    assert response.status_code == 302 and response["Location"] == _url("my_tasks")
    task = _reload(task)
    assert (task.status, task.completed_by, task.completion_note) == ("done", world.practitioner, "All done")


def test_completing_a_stale_page_shows_the_error_and_changes_nothing(login, world, case, make_task):
    task = make_task(case=case)
    services.task_update_due(
        user=world.team_manager,
        task=task,
        due_date=task.due_date + datetime.timedelta(days=1),
        reason="Busy week",
        version=1,
    )
    response = login(world.practitioner).post(_url("task_complete", task), {"version": 1})
    assert response.status_code == 200
    assert (
        b"There is a problem" in response.content and b"Somebody else changed this task" in response.content
    )
    assert _reload(task).status == "open"


def test_a_team_reader_who_may_not_act_is_refused(login, world, case, make_task):
    task = make_task(case=case, assigned_to_team=world.team)
    reader = UserFactory(username="team_case_manager")
    MembershipFactory(user=reader, organisation=world.county, role="case_manager", team=world.team)
    client = login(reader)
    content = client.get(_url("task_detail", task)).content.decode()
    assert "Mark as done" not in content
    assert client.post(_url("task_complete", task), {"version": 1}).status_code == 403
    assert _reload(task).status == "open"


def test_reassigning_from_its_page(login, world, case, make_task):
    task = make_task(case=case)
    client = login(world.practitioner)
    page = client.get(_url("task_reassign", task)).content.decode()
    assert f'value="user:{world.practitioner2.pk}"' in page and f'value="team:{world.team.pk}"' in page
    assert '<optgroup label="Teams">' in page
    response = client.post(
        _url("task_reassign", task),
        {"version": 1, "assigned_to": f"user:{world.practitioner2.pk}", "reason": "I am on leave"},
    )
    assert response.status_code == 302
    assert _reload(task).assigned_to_user == world.practitioner2


def test_reassigning_without_a_reason_shows_the_error(login, world, case, make_task):
    task = make_task(case=case)
    response = login(world.practitioner).post(
        _url("task_reassign", task), {"version": 1, "assigned_to": f"team:{world.team.pk}"}
    )
    assert response.status_code == 200 and b"Enter why the task is being reassigned" in response.content
    assert _reload(task).assigned_to_team is None


def test_changing_the_due_date(login, world, case, make_task, today):
    task = make_task(case=case)
    client = login(world.practitioner)
    past = client.post(
        _url("task_change_due", task),
        {"version": 1, "reason": "x", **_date("due_date", today - datetime.timedelta(days=2))},
    )
    assert past.status_code == 200 and b"The due date must be today or in the future" in past.content
    later = today + datetime.timedelta(days=20)
    response = client.post(
        _url("task_change_due", task), {"version": 1, "reason": "She asked", **_date("due_date", later)}
    )
    assert response.status_code == 302
    assert _reload(task).due_date == later


def test_cancelling_is_for_managers_and_whoever_added_it(login, world, case, make_task):
    task = make_task(case=case)
    assert (
        login(world.practitioner).post(_url("task_cancel", task), {"version": 1, "reason": "x"}).status_code
        == 403
    )
    response = login(world.team_manager).post(
        _url("task_cancel", task), {"version": 1, "reason": "Case closing"}
    )
    assert response.status_code == 302
    assert _reload(task).status == "cancelled"
    content = login(world.team_manager).get(_url("task_detail", task)).content.decode()
    assert "Case closing" in content and "Mark as done" not in content and "Cancelled" in content


# Adding a task.


def test_adding_a_task_from_a_case(login, world, case, today):
    client = login(world.practitioner)
    url = f"{_url('task_add')}?case={case.pk}"
    page = client.get(url).content.decode()
    assert case.reference in page and f'value="user:{world.practitioner.pk}" selected' in page
    response = client.post(
        url,
        {
            "title": "Ring the OT",
            "kind": "follow_up",
            "assigned_to": f"team:{world.team.pk}",
            **_date("due_date", today + datetime.timedelta(days=2)),
        },
    )
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert (task.case, task.person, task.assigned_to_team, task.created_by, task.source) == (
        case,
        world.person,
        world.team,
        world.practitioner,
        "page",
    )


def test_adding_a_task_from_a_person(login, world, today):
    client = login(world.duty_officer)
    url = f"{_url('task_add')}?person={world.person.pk}"
    response = client.post(
        url,
        {
            "title": "Call back",
            "kind": "recontact",
            "assigned_to": f"user:{world.practitioner.pk}",
            **_date("due_date", today),
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.person, task.case, task.assigned_to_user, task.kind) == (
        world.person,
        None,
        world.practitioner,
        "recontact",
    )


def test_adding_a_task_shows_service_refusals_on_the_form(login, world, today):
    client = login(world.practitioner2)
    url = f"{_url('task_add')}?person={world.person.pk}"
    response = client.post(
        url,
        {
            "title": "Call back",
            "kind": "other",
            "assigned_to": f"team:{world.team.pk}",
            **_date("due_date", today - datetime.timedelta(days=1)),
        },
    )
    assert response.status_code == 200
    assert b"The due date must be today or in the future" in response.content
    assert not Task.objects.exists()


def test_adding_a_task_is_refused_for_cases_the_user_may_not_see_or_change(login, world, case):
    url = f"{_url('task_add')}?case={case.pk}"
    assert login(world.district_worker).get(url).status_code == 404
    assert login(world.case_manager).get(url).status_code == 403
    assert (
        login(world.practitioner2).get(f"{_url('task_add')}?person={world.restricted_person.pk}").status_code
        == 404
    )
    assert login(world.auditor).get(_url("task_add")).status_code == 403
    assert login(world.practitioner).get(f"{_url('task_add')}?case=abc").status_code == 404


def test_adding_a_team_to_do(login, world, today):
    client = login(world.team_manager)
    response = client.post(
        _url("task_add"),
        {
            "title": "Restock leaflets",
            "kind": "other",
            "assigned_to": f"team:{world.team.pk}",
            **_date("due_date", today),
        },
    )
    assert response.status_code == 302
    assert Task.objects.get().assigned_to_team == world.team
    refused = client.post(
        _url("task_add"),
        {
            "title": "Restock leaflets",
            "kind": "other",
            "assigned_to": f"user:{world.practitioner.pk}",
            **_date("due_date", today),
        },
    )
    assert refused.status_code == 200 and b"team&#x27;s to-do" in refused.content


# Every persona against one task of each kind of assignee: 404 unless they may see it, 403 for what they
# may see but not do.

PAGE_VIEWERS = {"practitioner", "practitioner2", "team_manager"}


def test_persona_matrix_for_a_team_task(persona, login, world, case, make_task):
    name, user = persona
    task = make_task(case=case, assigned_to_team=world.team)
    client = login(user)
    detail = client.get(_url("task_detail", task))
    assert detail.status_code == (200 if name in PAGE_VIEWERS else 404)
    cancel = client.post(_url("task_cancel", task), {"version": 1, "reason": "Not needed"})
    expected = {"team_manager": 302, "practitioner": 403, "practitioner2": 403}.get(name, 404)
    assert cancel.status_code == expected
    assert _reload(task).status == ("cancelled" if name == "team_manager" else "open")


def test_persona_matrix_for_a_workers_task(persona, login, world, case, make_task):
    name, user = persona
    task = make_task(case=case)
    response = login(user).post(_url("task_complete", task), {"version": 1})
    assert response.status_code == (302 if name in {"practitioner", "team_manager"} else 404)


def test_the_tasks_card_for_case_and_person_pages(rf, world, case, make_task):
    from django.template.loader import render_to_string

    from casework.tasks import selectors

    overdue = make_task(
        case=case,
        kind="escalation",
        title="Chase the GP",
        due_date=clock.today() - datetime.timedelta(days=1),
    )
    make_task(case=case, title="Ring back", assigned_to_team=world.team)
    tasks = list(selectors.tasks_for_case(user=world.practitioner, case=case)[:20])
    html = render_to_string(
        "tasks/_tasks_card.html",
        {"tasks": tasks, "add_url": f"/tasks/new?case={case.pk}", "about": case.reference},
    )
    assert html.index("Chase the GP") < html.index("Ring back")
    assert "Overdue</strong>" in html and overdue.get_absolute_url() in html
    assert f'href="/tasks/new?case={case.pk}">Add a task' in html
    assert "No open tasks" in render_to_string("tasks/_tasks_card.html", {"tasks": [], "add_url": ""})
