"""The team worklist page: who sees it, its filters, sorts and pages, the htmx partial, and a query count
that does not grow with the rows."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CaseFactory, PersonFactory


def _cases(world, n, **kwargs):
    return [
        CaseFactory(person=PersonFactory(created_by_organisation=world.county), **kwargs) for _ in range(n)
    ]


def _count_queries(client, url, **params):
    client.get(url, params)  # warm up: sessions, the audit chain head
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_worklist_lists_unallocated_cases_with_accept_buttons(login, world, unallocated):
    response = login(world.practitioner).get(reverse("allocation:worklist"))
    content = response.content.decode()
    assert response.status_code == 200
    assert unallocated.reference in content
    assert "Margaret Thornton" in content
    assert "RG40" in content
    assert f'Accept<span class="govuk-visually-hidden"> case {unallocated.reference}</span>' in content
    assert "Showing 1 to 1 of 1 case" in content


def test_worklist_is_refused_to_people_who_do_not_take_cases(login, world):
    for who in ("case_manager", "auditor", "no_roles", "initiative_admin"):
        assert login(getattr(world, who)).get(reverse("allocation:worklist")).status_code == 403


def test_worklist_does_not_show_other_organisations_cases(login, world, unallocated):
    response = login(world.district_worker).get(reverse("allocation:worklist"))
    assert response.status_code == 200
    assert unallocated.reference not in response.content.decode()


def test_worklist_filters_by_priority_risk_and_area(login, world, risk):
    urgent = _cases(world, 1, priority="urgent", risk_category=risk["high"])[0]
    low = _cases(world, 1, priority="low", risk_category=risk["low"])[0]
    away = CaseFactory(
        person=PersonFactory(created_by_organisation=world.county, postcode="RG41 2BD"),
        risk_category=risk["medium"],
    )
    client = login(world.practitioner)
    url = reverse("allocation:worklist")

    def shown(**params):
        content = client.get(url, params).content.decode()
        return {case.reference for case in (urgent, low, away) if case.reference in content}

    assert shown() == {urgent.reference, low.reference, away.reference}
    assert shown(priority="urgent") == {urgent.reference}
    assert shown(risk_category=risk["low"].pk) == {low.reference}
    assert shown(area="rg41") == {away.reference}
    assert shown(priority="low", area="RG41") == set()


def test_worklist_filters_by_raised_dates(login, world):
    old = _cases(world, 1, raised_at=datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC))[0]
    new = _cases(world, 1, raised_at=datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC))[0]
    content = (
        login(world.practitioner)
        .get(
            reverse("allocation:worklist"),
            {"raised_from_0": "1", "raised_from_1": "3", "raised_from_2": "2026"},
        )
        .content.decode()
    )
    assert new.reference in content and old.reference not in content


def test_worklist_sorts(login, world):
    older = _cases(world, 1, priority="low", raised_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))[0]
    newer = _cases(world, 1, priority="urgent", raised_at=datetime.datetime(2026, 3, 5, tzinfo=datetime.UTC))[
        0
    ]
    client = login(world.practitioner)

    def first(sort):
        content = client.get(reverse("allocation:worklist"), {"sort": sort}).content.decode()
        return min((content.index(c.reference), c.reference) for c in (older, newer))[1]

    assert first("priority") == newer.reference
    assert first("oldest") == older.reference
    assert first("newest") == newer.reference


def test_worklist_bad_date_shows_the_error_summary(login, world, unallocated):
    response = login(world.practitioner).get(
        reverse("allocation:worklist"), {"raised_from_0": "31", "raised_from_1": "2", "raised_from_2": "2026"}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Raised on or after must be a real date" in response.content


def test_worklist_team_filter_is_for_team_managers(login, world):
    assert b'name="team"' not in login(world.practitioner).get(reverse("allocation:worklist")).content
    other_team = world.county.teams.create(name="Locality Team South")
    south = _cases(world, 1, allocated_team=other_team)[0]
    north = _cases(world, 1, allocated_team=world.team)[0]
    client = login(world.team_manager)
    content = client.get(reverse("allocation:worklist")).content.decode()
    assert 'name="team"' in content
    assert south.reference in content and north.reference in content
    content = client.get(reverse("allocation:worklist"), {"team": other_team.pk}).content.decode()
    assert south.reference in content and north.reference not in content


def test_worklist_htmx_request_gets_the_results_only(login, world, unallocated):
    response = login(world.practitioner).get(
        reverse("allocation:worklist"), {"priority": "normal"}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert unallocated.reference in content
    assert "<html" not in content
    assert "Filter cases" not in content
    assert "<table" in content
    assert "HX-Request" in response["Vary"]
    page = login(world.practitioner).get(reverse("allocation:worklist")).content.decode()
    assert 'hx-get="/cases/worklist"' in page and 'hx-target="#worklist-results"' in page
    assert 'id="worklist-results"' in page


def test_worklist_history_restore_gets_the_whole_page(login, world, unallocated):
    response = login(world.practitioner).get(
        reverse("allocation:worklist"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert b"<html" in response.content


def test_worklist_is_paginated_with_counts(login, world):
    _cases(world, 27)
    content = login(world.practitioner).get(reverse("allocation:worklist"), {"page": 2}).content.decode()
    assert "Showing 26 to 27 of 27 cases" in content


def test_worklist_query_count_does_not_grow_with_rows(login, world, risk):
    client = login(world.team_manager)
    _cases(world, 3, risk_category=risk["high"], allocated_team=world.team)
    few = _count_queries(client, reverse("allocation:worklist"))
    _cases(world, 17, risk_category=risk["medium"])
    assert _count_queries(client, reverse("allocation:worklist")) == few


# Accepting.
