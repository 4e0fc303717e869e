"""Case pages: the happy path and the refusal for each, bad input and stale versions changing nothing,
the worklist filters and htmx partial, and list query counts that do not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.allocation import services as allocation
from casework.allocation.selectors import SORTS
from casework.cases import services
from casework.cases.forms import SORT_CHOICES
from casework.cases.models import Case, CaseAssignment
from tests.factories import CaseFactory, HouseholdFactory, PersonFactory


def _cases(world, n, **kwargs):
    return [
        CaseFactory(person=PersonFactory(created_by_organisation=world.county), **kwargs) for _ in range(n)
    ]


def _reload(case):
    return Case.objects.get(pk=case.pk)


def _url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.pk, *args])


def _count_queries(client, url, **params):
    client.get(url, params)  # warm up: sessions, the audit chain head
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_sort_choices_are_the_selector_sorts():
    assert {value for value, _label in SORT_CHOICES} == set(SORTS)


# My cases.


def test_my_cases_lists_open_cases_with_what_is_next(login, world, active_case):
    on_hold = allocation.case_accept(user=world.practitioner, case=_cases(world, 1)[0])
    services.case_change_status(user=world.practitioner, case=on_hold, status="on_hold", reason="In hospital")
    response = login(world.practitioner).get(reverse("cases:my_cases"))
    content = response.content.decode()
    assert response.status_code == 200
    assert active_case.reference in content
    assert "Margaret Thornton" in content
    assert "Make contact with the person" in content
    assert "Dormant – on hold" in content
    assert "Showing 1 to 2 of 2 cases" in content


def test_my_cases_shows_only_the_users_own_cases(login, world, active_case):
    response = login(world.practitioner2).get(reverse("cases:my_cases"))
    assert response.status_code == 200
    assert active_case.reference not in response.content.decode()
    assert b"You have no open cases" in response.content


def test_a_case_manager_finds_the_cases_they_oversee_in_my_cases(login, api, world, active_case):
    # St Vincent de Paul: a case manager added to a case for oversight (issue 13 found My cases refused them).
    client = login(world.case_manager)
    assert active_case.reference not in client.get(reverse("cases:my_cases")).content.decode()
    services.case_add_worker(
        user=world.practitioner, case=active_case, worker=world.case_manager, role="case_manager"
    )
    response = client.get(reverse("cases:my_cases"))
    assert response.status_code == 200 and active_case.reference in response.content.decode()
    assert [c["id"] for c in api(world.case_manager).get("/cases", {"scope": "mine"}).json()["items"]] == [
        active_case.pk
    ]


def test_my_cases_refused_without_a_casework_role(login, world):
    assert login(world.no_roles).get(reverse("cases:my_cases")).status_code == 403
    assert login(world.auditor).get(reverse("cases:my_cases")).status_code == 403


def test_my_cases_is_paginated_by_25(login, world):
    for case in _cases(world, 27):
        allocation.case_accept(user=world.practitioner, case=case)
    client = login(world.practitioner)
    first = client.get(reverse("cases:my_cases")).content.decode()
    assert "Showing 1 to 25 of 27 cases" in first
    assert 'class="govuk-pagination"' in first
    second = client.get(reverse("cases:my_cases"), {"page": 2}).content.decode()
    assert "Showing 26 to 27 of 27 cases" in second


def test_my_cases_query_count_does_not_grow_with_rows(login, world, risk):
    client = login(world.practitioner)
    for case in _cases(world, 3, risk_category=risk["high"]):
        allocation.case_accept(user=world.practitioner, case=case)
    few = _count_queries(client, reverse("cases:my_cases"))
    for case in _cases(world, 17, risk_category=risk["low"]):
        allocation.case_accept(user=world.practitioner, case=case)
    assert _count_queries(client, reverse("cases:my_cases")) == few


# Team worklist.


def test_case_page_shows_the_case(login, world, active_case):
    client = login(world.practitioner)
    response = client.get(_url("case_overview", active_case))
    content = response.content.decode()
    assert response.status_code == 200
    assert active_case.reference in content
    assert f'href="{world.person.get_absolute_url()}"' in content
    assert "Test County Council" in content
    assert world.practitioner.display_name in content
    assert "govuk-task-list" in content
    assert "Move to Assessment" in content and "Move to Closing" in content
    # The timeline is a section of its own.
    assert "Accepted" in client.get(_url("case_timeline", active_case)).content.decode()  # in plain English
    assert "Put on hold" in content


def test_case_page_names_who_holds_the_case_and_how_it_was_chosen(login, world, risk):
    from casework.allocation.models import AllocationRule

    rule = AllocationRule.objects.create(
        initiative=world.initiative, position=3, name="High risk to the county", organisation=world.county
    )
    case = CaseFactory(
        person=world.person,
        risk_category=risk["high"],
        raised_by_organisation=world.district,
        responsible_organisation=world.county,
        allocation_rule=rule,
        allocation_explanation="It is high risk.",
    )
    case = allocation.case_accept(user=world.practitioner, case=case)
    content = login(world.practitioner).get(_url("case_overview", case)).content.decode()
    assert "High risk</strong>" in content
    assert "by Test District Council" in content
    assert "Rule 3, ‘High risk to the county’<br>It is high risk." in content
    # Who holds the case is in the case header, on every section.
    responsibility = content[content.index('id="case-heading"') : content.index('aria-label="Case sections"')]
    assert "Test County Council" in responsibility and "Locality Team North" in responsibility
    assert world.practitioner.display_name in responsibility


@pytest.mark.parametrize("who", ["district_worker", "outsider", "initiative_admin", "no_roles"])
def test_case_page_is_404_for_people_who_may_not_open_it(login, world, active_case, who):
    client = login(getattr(world, who))
    assert client.get(active_case.get_absolute_url()).status_code == 404
    assert client.get(reverse("cases:case_detail", args=[999999])).status_code == 404


def test_case_page_offers_no_changes_to_a_case_manager(login, world, active_case):
    content = login(world.case_manager).get(active_case.get_absolute_url()).content.decode()
    assert "Move the case" not in content
    assert "Put on hold" not in content


def test_case_page_shows_the_assistance_history(login, world, active_case):
    earlier = _cases(world, 1)[0]
    Case.objects.filter(pk=earlier.pk).update(person=world.person)
    content = login(world.practitioner).get(_url("case_timeline", active_case)).content.decode()
    assert "Assistance history" in content
    assert earlier.reference in content


# Moving between stages.


def test_move_stage_forward_then_go_back_to_amend(login, world, assessable_case):
    client = login(world.practitioner)
    response = client.post(
        _url("case_move_stage", assessable_case),
        {"stage": "assessment", "version": assessable_case.version, "note": "Spoke on the phone"},
    )
    assert response.status_code == 302
    case = _reload(assessable_case)
    assert case.stage == "assessment"
    content = client.get(_url("case_overview", case)).content.decode()
    assert "Go back to amend Contact" in content
    assert "Moved to Assessment" in client.get(_url("case_timeline", case)).content.decode()
    response = client.post(_url("case_move_stage", case), {"stage": "contact", "version": case.version})
    assert response.status_code == 302
    assert _reload(case).stage == "contact"


def test_move_stage_refused_to_a_case_manager(login, world, active_case):
    client = login(world.case_manager)
    assert client.get(_url("case_move_stage", active_case)).status_code == 403
    response = client.post(_url("case_move_stage", active_case), {"stage": "assessment", "version": 2})
    assert response.status_code == 403
    assert _reload(active_case).stage == "contact"


def test_move_stage_is_404_for_other_organisations(login, world, active_case):
    assert (
        login(world.district_worker)
        .post(_url("case_move_stage", active_case), {"stage": "assessment", "version": 2})
        .status_code
        == 404
    )


def test_move_stage_to_a_stage_not_allowed_shows_the_problem(login, world, active_case):
    response = login(world.practitioner).post(
        _url("case_move_stage", active_case), {"stage": "review", "version": active_case.version}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert _reload(active_case).stage == "contact"


def test_a_stale_stage_move_is_refused_with_the_message(login, world, assessable_case):
    version = assessable_case.version
    services.case_add_note(user=world.practitioner, case=assessable_case, text="Called")
    Case.objects.filter(pk=assessable_case.pk).update(version=version + 1)
    response = login(world.practitioner).post(
        _url("case_move_stage", assessable_case), {"stage": "assessment", "version": version}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Somebody else changed this case" in response.content
    assert _reload(assessable_case).stage == "contact"


# Restarting.


def test_restart_from_a_stage_needs_a_reason(login, world, assessable_case):
    client = login(world.practitioner)
    case = services.case_move_stage(user=world.practitioner, case=assessable_case, stage="assessment")
    url = _url("case_restart", case)
    page = client.get(url).content.decode()
    assert "govuk-warning-text" in page
    response = client.post(url, {"stage": "contact", "reason": "", "version": case.version})
    assert b"Enter why the case must restart" in response.content
    assert _reload(case).stage == "assessment"
    response = client.post(url, {"stage": "contact", "reason": "Wrong address used", "version": case.version})
    assert response.status_code == 302
    assert _reload(case).stage == "contact"
    content = client.get(_url("case_overview", case)).content.decode()
    assert "Stages reset when the work restarted" in content
    assert "Wrong address used" in content


def test_restart_refused_to_a_case_manager(login, world, active_case):
    assert login(world.case_manager).get(_url("case_restart", active_case)).status_code == 403


# Status.


def test_put_on_hold_needs_a_reason_then_resume(login, world, active_case):
    client = login(world.practitioner)
    url = _url("case_change_status", active_case, "on_hold")
    response = client.post(url, {"version": active_case.version, "reason": ""})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter the reason" in response.content
    assert _reload(active_case).status == "active"
    response = client.post(url, {"version": active_case.version, "reason": "In hospital"})
    assert response.status_code == 302
    case = _reload(active_case)
    assert case.status == "on_hold"
    assert "Resume" in client.get(case.get_absolute_url()).content.decode()
    client.post(_url("case_change_status", case, "active"), {"version": case.version})
    assert _reload(case).status == "active"


def test_a_stale_status_change_is_refused(login, world, active_case):
    Case.objects.filter(pk=active_case.pk).update(version=active_case.version + 3)
    response = login(world.practitioner).post(
        _url("case_change_status", active_case, "cancelled"),
        {"version": active_case.version, "reason": "Moved away"},
    )
    assert b"Somebody else changed this case" in response.content
    assert _reload(active_case).status == "active"


def test_status_change_refused_to_a_case_manager(login, world, active_case):
    response = login(world.case_manager).post(
        _url("case_change_status", active_case, "on_hold"), {"version": active_case.version, "reason": "x"}
    )
    assert response.status_code == 403


def test_unknown_status_is_404(login, world, active_case):
    assert login(world.practitioner).get(_url("case_change_status", active_case, "closed")).status_code == 404


# Workers.


def test_primary_worker_adds_and_removes_a_secondary_worker(login, world, active_case):
    client = login(world.practitioner)
    response = client.post(
        _url("case_worker_add", active_case),
        {"user": world.practitioner2.pk, "role": "secondary", "version": active_case.version},
    )
    assert response.status_code == 302
    assert CaseAssignment.objects.filter(
        case=active_case, user=world.practitioner2, ended_at__isnull=True
    ).exists()
    content = client.get(_url("case_overview", active_case)).content.decode()
    assert f'Remove<span class="govuk-visually-hidden"> {world.practitioner2.display_name}</span>' in content
    response = client.post(
        _url("case_worker_remove", active_case, world.practitioner2.pk), {"version": active_case.version}
    )
    assert response.status_code == 302
    assert not CaseAssignment.objects.filter(
        case=active_case, user=world.practitioner2, ended_at__isnull=True
    ).exists()
    assert "Who worked on the case before" in client.get(_url("case_overview", active_case)).content.decode()


def test_adding_a_worker_from_another_organisation_shows_the_problem(login, world, active_case):
    response = login(world.practitioner).post(
        _url("case_worker_add", active_case),
        {"user": world.district_worker.pk, "role": "secondary", "version": active_case.version},
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert not CaseAssignment.objects.filter(user=world.district_worker).exists()


def test_workers_cannot_be_managed_by_a_case_manager(login, world, active_case):
    response = login(world.case_manager).post(
        _url("case_worker_add", active_case),
        {"user": world.practitioner2.pk, "role": "secondary", "version": 2},
    )
    assert response.status_code == 403


# Assign, reassign, transfer, allocate.


def test_raise_a_case_about_a_person(login, world, risk):
    client = login(world.practitioner)
    url = reverse("cases:case_raise") + f"?person={world.person.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert b"Margaret Thornton" in page.content
    response = client.post(
        url,
        {
            "origin": "third_party_concern",
            "risk_category": risk["high"].pk,
            "priority": "urgent",
            "summary": "Neighbour worried",
            "responsible_now": "on",
        },
    )
    case = Case.objects.get(person=world.person)
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert (case.priority, case.stage, case.responsible_organisation) == (
        "urgent",
        "awaiting_allocation",
        world.county,
    )


def test_raise_a_case_about_a_household(login, world):
    household = HouseholdFactory(created_by_organisation=world.county)
    url = reverse("cases:case_raise") + f"?household={household.pk}"
    response = login(world.practitioner).post(
        url, {"origin": "risk_index", "priority": "normal", "summary": "Arrears"}
    )
    assert response.status_code == 302
    assert Case.objects.get(household=household).person is None


def test_raise_with_bad_input_shows_the_problem_and_raises_nothing(login, world):
    url = reverse("cases:case_raise") + f"?person={world.person.pk}"
    response = login(world.practitioner).post(url, {"priority": "normal", "summary": ""})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Select where the case came from" in response.content
    assert not Case.objects.exists()


def test_raise_refused(login, world):
    url = reverse("cases:case_raise") + f"?person={world.person.pk}"
    assert login(world.district_worker).get(url).status_code == 404
    assert login(world.case_manager).get(url).status_code == 403
    assert login(world.practitioner).get(reverse("cases:case_raise")).status_code == 302


# The case index.


def test_case_index_for_the_lead_shows_no_names_and_no_links(login, world, active_case):
    response = login(world.initiative_admin).get(reverse("cases:case_index"))
    content = response.content.decode()
    assert response.status_code == 200
    assert active_case.reference in content
    assert "Margaret" not in content
    assert f'href="{active_case.get_absolute_url()}"' not in content
    assert "Allocate all unallocated cases" in content


def test_case_index_links_cases_the_user_may_open(login, world, active_case):
    content = login(world.practitioner).get(reverse("cases:case_index")).content.decode()
    assert f'href="{active_case.get_absolute_url()}"' in content
    assert "Allocate all unallocated cases" not in content


def test_case_index_refused_without_a_role(login, world):
    assert login(world.no_roles).get(reverse("cases:case_index")).status_code == 403


def test_case_index_hides_other_initiatives(login, world, active_case):
    content = login(world.outsider).get(reverse("cases:case_index")).content.decode()
    assert active_case.reference not in content


def test_case_index_filters_by_status_and_unallocated(login, world, active_case):
    waiting = _cases(world, 1, responsible_organisation=None, stage="intake")[0]
    client = login(world.initiative_admin)
    content = client.get(reverse("cases:case_index"), {"status": "active"}).content.decode()
    assert active_case.reference in content and waiting.reference not in content
    content = client.get(reverse("cases:case_index"), {"unallocated_only": "on"}).content.decode()
    assert waiting.reference in content and active_case.reference not in content
    assert "Not allocated" in content


def test_case_index_htmx_request_gets_the_results_only(login, world, active_case):
    response = login(world.initiative_admin).get(reverse("cases:case_index"), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert active_case.reference in content
    assert "<html" not in content and "Filter cases" not in content


def test_case_index_query_count_does_not_grow_with_rows(login, world, risk):
    client = login(world.initiative_admin)
    for case in _cases(world, 3, risk_category=risk["high"]):
        allocation.case_accept(user=world.practitioner, case=case)
    few = _count_queries(client, reverse("cases:case_index"))
    for case in _cases(world, 17, risk_category=risk["low"]):
        allocation.case_accept(user=world.practitioner, case=case)
    _cases(world, 3, responsible_organisation=None, stage="intake")
    assert _count_queries(client, reverse("cases:case_index")) == few
