"""Waiting lists in the API: the same rules as the pages."""

import datetime

import pytest

from casework.core import clock


@pytest.fixture
def wednesday():
    with clock.frozen_at(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)):
        yield


def _triage(client, case, **kwargs):
    body = {
        "case_id": case.pk,
        "list_kind": "assessment",
        "priority": "normal",
        "rag": "amber",
        "rag_reason": "Managing",
    } | kwargs
    return client.post("/waiting-list", body)


def test_triage_read_and_reprioritise(world, api, unallocated, wednesday):
    client = api(world.duty_officer)
    made = _triage(client, unallocated, priority="urgent", rag="red", rag_reason="No heating")
    assert made.status_code == 201
    entry = made.json()
    assert (entry["due_on"], entry["overdue"]) == ("2026-12-04", False)
    listed = client.get("/waiting-list", {"priority": "urgent"}).json()
    assert [e["id"] for e in listed["items"]] == [entry["id"]]
    moved = client.post(
        f"/waiting-list/{entry['id']}/reprioritise",
        {
            "priority": "low",
            "rag": "green",
            "reason": "Family moved in",
            "trigger": "call",
            "version": entry["version"],
        },
    )
    assert moved.status_code == 200 and moved.json()["due_on"] == "2027-03-01"
    stale = client.post(
        f"/waiting-list/{entry['id']}/reprioritise",
        {"priority": "normal", "rag": "amber", "reason": "x", "version": entry["version"]},
    )
    assert stale.status_code == 409


def test_bad_triage_names_the_field(world, api, unallocated):
    bad = _triage(api(world.duty_officer), unallocated, rag="purple")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "rag"


@pytest.mark.parametrize("name", ["district_worker", "delivery_worker", "outsider"])
def test_other_organisations_get_404(world, api, unallocated, name):
    entry = _triage(api(world.duty_officer), unallocated).json()
    client = api(getattr(world, name))
    assert client.get(f"/waiting-list/{entry['id']}").status_code == 404
    assert (
        client.post(
            f"/waiting-list/{entry['id']}/reprioritise",
            {"priority": "low", "rag": "green", "reason": "x", "version": 1},
        ).status_code
        == 404
    )
    assert _triage(client, unallocated, list_kind="service").status_code == 404


def test_oversight_reads_but_gets_403_triaging(world, api, unallocated):
    entry = _triage(api(world.duty_officer), unallocated).json()
    client = api(world.case_manager)
    assert client.get(f"/waiting-list/{entry['id']}").status_code == 200
    assert _triage(client, unallocated, list_kind="service").status_code == 403


def test_an_entry_the_person_has_left_can_still_be_read_but_not_changed(world, api, unallocated):
    # Issue 13: its schema has exited_on and exit_reason, yet it answered 404 once the person left the list.
    from casework.audit.models import AccessEvent
    from casework.waiting_list import services
    from casework.waiting_list.models import WaitingListEntry

    client = api(world.duty_officer)
    entry = _triage(client, unallocated).json()
    services.waiting_list_exit(
        user=world.team_manager, entry=WaitingListEntry.objects.get(pk=entry["id"]), reason="no_longer_needed"
    )
    read = client.get(f"/waiting-list/{entry['id']}")
    assert read.status_code == 200
    assert read.json()["exit_reason"] == "no_longer_needed" and read.json()["exited_on"]
    assert AccessEvent.objects.filter(
        verb="waiting_list.entry_read_by_api", object_id=str(entry["id"])
    ).exists()
    assert (
        client.post(
            f"/waiting-list/{entry['id']}/reprioritise",
            {"priority": "low", "rag": "green", "reason": "x", "version": read.json()["version"]},
        ).status_code
        == 404
    )
    assert api(world.district_worker).get(f"/waiting-list/{entry['id']}").status_code == 404
