"""Waiting list pages: triage on a case, the list with filters and counts, reprioritising, CSV, timescales."""

import datetime

import pytest
from django.urls import reverse

from casework.core import clock
from casework.waiting_list import services
from casework.waiting_list.models import WaitingListEntry
from tests.factories import CaseFactory


def _add(world, case, **kwargs):
    values = {
        "list_kind": "assessment",
        "priority": "normal",
        "rag": "amber",
        "rag_reason": "Managing",
    } | kwargs
    return services.waiting_list_add(user=world.duty_officer, case=case, **values)


def test_triage_from_the_case_page(world, login, unallocated):
    client = login(world.team_manager)
    page = client.get(reverse("cases:case_waiting", args=[unallocated.pk])).content.decode()
    assert "Add to a waiting list" in page
    url = reverse("waiting_list:waiting_list_add", args=[unallocated.pk])
    missing = client.post(url, {"rag_reason": ""})
    body = missing.content.decode()
    assert "Select the waiting list" in body and "Enter the reason for the rating" in body
    assert not WaitingListEntry.objects.exists()
    done = client.post(
        url,
        {
            "list_kind": "assessment",
            "priority": "urgent",
            "rag": "red",
            "rag_reason": "No heating, lives alone",
            "crisis": "on",
            "can_report_changes": "no",
        },
    )
    assert done.status_code == 302
    entry = WaitingListEntry.objects.get()
    assert (entry.priority, entry.rag, entry.crisis, entry.can_report_changes) == (
        "urgent",
        "red",
        True,
        False,
    )
    assert "Crisis" in client.get(reverse("cases:case_waiting", args=[unallocated.pk])).content.decode()


def test_the_list_page_filters_counts_and_exports(world, login, risk, django_assert_max_num_queries):
    urgent = _add(world, CaseFactory(person=world.person), priority="urgent", rag="red", rag_reason="r")
    _add(world, CaseFactory(person=world.person), priority="low", rag="green", rag_reason="g")
    client = login(world.team_manager)
    page = client.get(reverse("waiting_list:waiting_list")).content.decode()
    assert urgent.case.reference in page and "Reprioritise" in page
    only_red = client.get(reverse("waiting_list:waiting_list"), {"rag": "red"}).content.decode()
    assert only_red.count("Reprioritise<span") == 1
    export = client.get(reverse("waiting_list:waiting_list_export"), {"priority": "urgent"})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert (
        lines[0].startswith("case,name,list,priority")
        and len(lines) == 2
        and urgent.case.reference in lines[1]
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two_rows:
        client.get(reverse("waiting_list:waiting_list"))
    for _ in range(5):
        _add(world, CaseFactory(person=world.person))
    with django_assert_max_num_queries(len(two_rows.captured_queries)):
        client.get(reverse("waiting_list:waiting_list"))


def test_reprioritising_after_a_call_moves_the_due_date(world, login, unallocated):
    with clock.frozen_at(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)):
        entry = _add(world, unallocated, priority="low", rag="green", rag_reason="Stable")
        client = login(world.team_manager)
        url = reverse("waiting_list:waiting_list_reprioritise", args=[entry.pk])
        response = client.post(
            url,
            {
                "trigger": "call",
                "priority": "urgent",
                "rag": "red",
                "reason": "Daughter called: no food in",
                "version": entry.version,
            },
        )
        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.due_on == datetime.date(2026, 12, 4)
        history = client.get(url).content.decode()
        assert "Daughter called: no food in" in history and "1 Mar 2027 → 4 Dec 2026" in history


@pytest.mark.parametrize("name", ["district_worker", "delivery_worker", "outsider"])
def test_other_organisations_cannot_see_or_triage(world, login, unallocated, name):
    entry = _add(world, unallocated)
    client = login(getattr(world, name))
    assert client.get(reverse("waiting_list:waiting_list_reprioritise", args=[entry.pk])).status_code == 404
    assert client.get(reverse("waiting_list:waiting_list_add", args=[unallocated.pk])).status_code == 404
    # Their own organisation's list opens, without the county's case on it.
    page = client.get(reverse("waiting_list:waiting_list"))
    assert page.status_code == 200 and unallocated.reference not in page.content.decode()


def test_oversight_reads_the_list_but_cannot_triage(world, login, unallocated):
    entry = _add(world, unallocated)
    client = login(world.case_manager)
    assert unallocated.reference in client.get(reverse("waiting_list:waiting_list")).content.decode()
    assert client.get(reverse("waiting_list:waiting_list_reprioritise", args=[entry.pk])).status_code == 403


def test_the_org_admin_sets_timescales(world, login):
    client = login(world.org_admin)
    url = reverse("waiting_list:timescales")
    page = client.get(url)
    assert page.status_code == 200
    form = {
        f"{kind}__{p}": d
        for kind in ("assessment", "service", "review", "hospital_discharge")
        for p, d in (("urgent", 2), ("normal", 20), ("low", 60))
    }
    bad = client.post(url, {**form, "assessment__normal": "0"})
    assert "Enter a number of working days from 1 to 365" in bad.content.decode()
    assert client.post(url, {**form, "assessment__normal": "10"}).status_code == 302
    assert (
        services.timescale_days(organisation_id=world.county.pk, list_kind="assessment", priority="normal")
        == 10
    )
    assert login(world.team_manager).get(url).status_code == 403


def test_the_org_admin_sets_the_escalation_contact_and_intervals(world, login):
    client = login(world.org_admin)
    url = reverse("waiting_list:timescales")
    bad = client.post(
        url,
        {
            "form": "settings",
            "escalation_contact": "",
            "second_level_working_days": "5",
            "still_waiting_letter_days": "3",
            "active_review_days": "14",
        },
    )
    assert (
        "Ensure this value is greater than or equal to 7" in bad.content.decode()
        or "from 7 to 365" in bad.content.decode()
    )
    ok = client.post(
        url,
        {
            "form": "settings",
            "escalation_contact": world.team_manager.pk,
            "second_level_working_days": "3",
            "still_waiting_letter_days": "21",
            "active_review_days": "7",
        },
    )
    assert ok.status_code == 302
    row = services.waiting_settings_for(organisation_id=world.county.pk)
    assert (row.escalation_contact, row.still_waiting_letter_days, row.active_review_days) == (
        world.team_manager,
        21,
        7,
    )
