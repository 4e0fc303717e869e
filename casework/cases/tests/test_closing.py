"""Closing a case: an outcome from the initiative's list, needs finished with, a re-contact date, the hit
rate."""

import datetime

import pytest

from casework.assessments import services as assessing
from casework.audit.models import AuditEvent
from casework.cases import closing
from casework.cases.models import Case
from casework.core import clock
from casework.core.errors import DomainError, PermissionRefused, ValidationFailed
from tests.factories import CaseFactory


@pytest.fixture
def food(world):
    return assessing.need_definition_create(
        user=world.initiative_admin,
        initiative_id=world.initiative.pk,
        code="food",
        name="Food",
        category="food_and_shopping",
    )


def _accepted(world, **kwargs):
    from casework.allocation import services as allocation

    return allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person, **kwargs))


def test_a_case_with_no_needs_closes_with_an_outcome_and_a_recontact_date(world, active_case):
    later = clock.today() + datetime.timedelta(days=90)
    closing.case_close(
        user=world.practitioner,
        case=active_case,
        outcome="no_needs_found",
        note="Managing well",
        recontact_on=later,
    )
    case = Case.objects.get(pk=active_case.pk)
    assert (case.status, case.stage, case.outcome, case.recontact_on) == (
        "finished",
        "closing",
        "no_needs_found",
        later,
    )
    assert case.closed_at is not None and case.closure_note == "Managing well"
    event = AuditEvent.objects.get(verb="cases.closed")
    assert event.changes["outcome"]["after"] == "no_needs_found"


def test_open_needs_must_be_finished_with_first(world, active_case, food):
    need = assessing.need_record(user=world.practitioner, case=active_case, definition=food)
    with pytest.raises(DomainError, match="Food \\(identified\\)"):
        closing.case_close(user=world.practitioner, case=active_case, outcome="needs_met")
    assert Case.objects.get(pk=active_case.pk).status == "active"
    assessing.need_update(user=world.practitioner, need=need, version=need.version, status="resolved")
    with pytest.raises(ValidationFailed, match="Needs were found"):
        closing.case_close(user=world.practitioner, case=active_case, outcome="no_needs_found")
    closing.case_close(user=world.practitioner, case=active_case, outcome="needs_met")


@pytest.mark.parametrize(
    ("outcome", "recontact", "field"),
    [
        ("made_up", None, "outcome"),
        ("needs_met", datetime.date(2020, 1, 1), "recontact_on"),
        ("needs_met", "today", "recontact_on"),
    ],
)
def test_a_bad_outcome_or_date_is_refused(world, active_case, outcome, recontact, field):
    recontact = clock.today() if recontact == "today" else recontact
    with pytest.raises(ValidationFailed) as refused:
        closing.case_close(user=world.practitioner, case=active_case, outcome=outcome, recontact_on=recontact)
    assert refused.value.field == field
    assert Case.objects.get(pk=active_case.pk).status == "active"


def test_only_an_active_case_is_closed_by_its_workers(world, active_case, unallocated):
    with pytest.raises(PermissionRefused):
        closing.case_close(user=world.practitioner2, case=active_case, outcome="needs_met")
    with pytest.raises(PermissionRefused):
        closing.case_close(user=world.case_manager, case=active_case, outcome="needs_met")


@pytest.mark.parametrize(
    ("origin", "with_category", "resolved", "marked"),
    [
        ("self_referral", False, True, True),  # found by the front door, not the risk index: a miss
        ("self_referral", False, False, False),  # no needs found
        ("risk_index", True, True, False),  # the risk index found them: a hit, not a miss
        ("third_party_concern", True, True, True),  # a category set by hand is not the index: a miss
    ],
)
def test_the_hit_rate_marker(world, food, origin, with_category, resolved, marked, risk):
    case = _accepted(world, origin=origin, risk_category=risk["high"] if with_category else None)
    if resolved:
        need = assessing.need_record(user=world.practitioner, case=case, definition=food)
        assessing.need_update(user=world.practitioner, need=need, version=need.version, status="resolved")
    closing.case_close(
        user=world.practitioner, case=case, outcome="needs_met" if resolved else "no_needs_found"
    )
    assert Case.objects.get(pk=case.pk).found_outside_risk_index is marked


def test_the_initiative_admin_changes_the_list_of_outcomes(world, active_case):
    closing.case_outcome_add(
        user=world.initiative_admin, initiative_id=world.initiative.pk, code="in_prison", label="In prison"
    )
    codes = [o.code for o in closing.outcome_list(initiative_id=world.initiative.pk)]
    assert (
        codes[0] == "needs_met"
        and codes[-1] == "in_prison"
        and len(codes) == len(closing.DEFAULT_OUTCOMES) + 1
    )
    closing.case_outcome_set_retired(
        user=world.initiative_admin, initiative_id=world.initiative.pk, code="died", retired=True
    )
    with pytest.raises(ValidationFailed):
        closing.case_close(user=world.practitioner, case=active_case, outcome="died")
    closing.case_close(user=world.practitioner, case=active_case, outcome="in_prison")
    assert closing.outcome_label(initiative_id=world.initiative.pk, code="died") == "Died"
    with pytest.raises(PermissionRefused):
        closing.case_outcome_add(user=world.org_admin, initiative_id=world.initiative.pk, code="x", label="X")


def test_the_close_page(world, login, active_case, food):
    client = login(world.practitioner)
    url = f"/cases/{active_case.pk}/close"
    assert "Close the case" in client.get(active_case.get_absolute_url()).content.decode()
    assessing.need_record(user=world.practitioner, case=active_case, definition=food)
    page = client.get(url).content.decode()
    assert "Update these needs before closing: Food (identified)" in page
    refused = client.post(url, {"version": active_case.version, "outcome": "needs_met"})
    assert "Update the needs still open" in refused.content.decode()
    missing = client.post(url, {"version": active_case.version})
    assert "Select the outcome" in missing.content.decode()
    assert login(world.case_manager).get(url).status_code == 403
    assert login(world.district_worker).get(url).status_code == 404


def test_closing_through_the_api(world, api, active_case):
    client = api(world.practitioner)
    listed = client.get("/cases/outcomes", {"initiative_id": world.initiative.pk}).json()
    assert listed[0]["code"] == "needs_met"
    later = (clock.today() + datetime.timedelta(days=30)).isoformat()
    closed = client.post(
        f"/cases/{active_case.pk}/close",
        {"outcome": "declined_support", "recontact_on": later, "version": active_case.version},
    )
    assert closed.status_code == 200, closed.json()
    assert (closed.json()["status"], closed.json()["outcome"], closed.json()["recontact_on"]) == (
        "finished",
        "declined_support",
        later,
    )
    assert (
        client.post(
            f"/cases/{active_case.pk}/close", {"outcome": "needs_met", "version": closed.json()["version"]}
        ).status_code
        == 403
    )
    assert (
        api(world.outsider).get("/cases/outcomes", {"initiative_id": world.initiative.pk}).status_code == 404
    )


def test_the_outcomes_page(world, login):
    client = login(world.initiative_admin)
    assert "Could not make contact" in client.get("/cases/outcomes").content.decode()
    bad = client.post("/cases/outcomes", {"action": "add", "code": "Bad Code", "label": "In prison"})
    assert "Enter a code of lower-case letters" in bad.content.decode()
    assert (
        client.post(
            "/cases/outcomes", {"action": "add", "code": "in_prison", "label": "In prison"}
        ).status_code
        == 302
    )
    assert client.post("/cases/outcomes", {"action": "retire", "code": "died"}).status_code == 302
    page = client.get("/cases/outcomes").content.decode()
    assert "In prison" in page and "Retired" in page
    for user in (world.org_admin, world.practitioner, world.district_worker):
        assert login(user).get("/cases/outcomes").status_code == 403


def test_the_recontact_date_raises_a_task_on_the_day_once(world, active_case):
    from casework.tasks.models import Task

    later = clock.today() + datetime.timedelta(days=60)
    closing.case_close(
        user=world.practitioner, case=active_case, outcome="no_needs_found", recontact_on=later
    )
    assert closing.recontact_tasks_raise(today=later - datetime.timedelta(days=1)) == 0
    assert closing.recontact_tasks_raise(today=later) == 1
    assert closing.recontact_tasks_raise(today=later + datetime.timedelta(days=1)) == 0
    task = Task.objects.get(kind="recontact")
    assert (task.due_date, task.case, task.assigned_to_team) == (later, active_case, world.team)
    assert "Contact Margaret Thornton again" in task.title
