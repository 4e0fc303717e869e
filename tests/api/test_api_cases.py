"""The cases API: lists with filters and fixed query counts, actions, refusals and stale writes."""

import pytest

from casework.allocation import services as allocation
from casework.audit.models import AccessEvent
from casework.careact.tests.steps import record_no_advocacy_needed
from casework.cases.models import Case
from tests.factories import CaseFactory, PersonFactory, RiskCategoryFactory


@pytest.fixture
def high(world):
    return RiskCategoryFactory(initiative=world.initiative, code="high", label="High", rank=1)


def _cases(world, n, **kwargs):
    return [
        CaseFactory(person=PersonFactory(created_by_organisation=world.county), **kwargs) for _ in range(n)
    ]


def test_worklist_scope_lists_unallocated_cases_with_filters(api, world, high):
    urgent = _cases(world, 2, priority="urgent", risk_category=high)
    _cases(world, 3, priority="low")
    client = api(world.practitioner)
    response = client.get("/cases", {"scope": "worklist", "with_count": True})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 5
    assert [c["priority"] for c in body["items"]][:2] == ["urgent", "urgent"]
    body = client.get("/cases", {"scope": "worklist", "priority": "urgent"}).json()
    assert {c["id"] for c in body["items"]} == {c.pk for c in urgent}
    body = client.get("/cases", {"scope": "worklist", "risk_category_id": high.pk, "with_count": True}).json()
    assert body["count"] == 2
    assert AccessEvent.objects.filter(verb="cases.list_read_by_api").exists()


def test_list_body_is_the_declared_schema_exactly(api, world, high):
    from casework.cases.api import CaseOut, CasePage

    _cases(world, 2, risk_category=high)
    body = api(world.practitioner).get("/cases", {"scope": "worklist", "with_count": True}).json()
    assert CasePage.model_validate(body).model_dump(mode="json") == body
    assert [set(item) for item in body["items"]] == [set(CaseOut.model_fields)] * 2
    assert {item["risk_category"] for item in body["items"]} == {"High"}


def test_page_size_is_capped_at_100(api, world):
    response = api(world.practitioner).get("/cases", {"page_size": 101})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page_size"


def test_list_runs_a_fixed_number_of_queries(api, world, high):
    client = api(world.practitioner)
    _cases(world, 2, risk_category=high)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/cases", {"scope": "worklist"})  # warm up: token last-used time, audit chain head
    with CaptureQueriesContext(connection) as few:
        client.get("/cases", {"scope": "worklist", "page_size": 100})
    _cases(world, 25, risk_category=high)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/cases", {"scope": "worklist", "page_size": 100}).json()["items"]) == 27
    assert len(many) == len(few)


def test_other_organisations_see_no_case_and_get_404(api, world):
    [case] = _cases(world, 1)
    assert api(world.district_worker).get(f"/cases/{case.pk}").status_code == 404
    assert (
        api(world.district_worker).get("/cases", {"scope": "visible", "with_count": True}).json()["count"]
        == 0
    )
    assert api(world.outsider).post(f"/cases/{case.pk}/accept", {"version": 1}).status_code == 404


def test_accept_then_stage_moves_with_versions(api, world):
    [case] = _cases(world, 1)
    client = api(world.practitioner)
    response = client.post(f"/cases/{case.pk}/accept", {}, headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert response.json()["stage"] == "contact"
    version = int(response["ETag"].strip('"'))
    record_no_advocacy_needed(user=world.practitioner, case=case)
    response = client.post(f"/cases/{case.pk}/stage", {"stage": "assessment", "version": version})
    assert response.status_code == 200
    stale = client.post(f"/cases/{case.pk}/stage", {"stage": "closing", "version": version})
    assert stale.status_code == 409
    assert "changed this case" in stale.json()["detail"]
    refused = client.post(f"/cases/{case.pk}/stage", {"stage": "review", "version": version + 1})
    assert refused.status_code == 409
    assert refused.json()["errors"] == [
        {"field": "stage", "message": "A case at Assessment can move on to Planning or Closing, not Review."}
    ]


def test_actions_not_allowed_on_a_visible_case_are_403(api, world):
    [case] = _cases(world, 1)
    allocation.case_accept(user=world.practitioner, case=case)
    response = api(world.case_manager).post(f"/cases/{case.pk}/stage", {"stage": "assessment", "version": 2})
    assert response.status_code == 403
    response = api(world.practitioner2).post(
        f"/cases/{case.pk}/assign", {"worker_id": world.practitioner2.pk, "version": 2}
    )
    assert response.status_code == 403


def test_raise_assign_reassign_and_workers(api, world):
    manager = api(world.team_manager)
    response = manager.post(
        "/cases",
        {
            "person_id": world.person.pk,
            "origin": "third_party_concern",
            "priority": "urgent",
            "responsible_now": True,
        },
    )
    assert response.status_code == 201
    case_id = response.json()["id"]
    response = manager.post(f"/cases/{case_id}/assign", {"worker_id": world.practitioner.pk, "version": 1})
    assert response.json()["primary_worker_id"] == world.practitioner.pk
    response = manager.post(
        f"/cases/{case_id}/reassign", {"worker_id": world.practitioner2.pk, "reason": "", "version": 2}
    )
    assert response.status_code == 422
    response = manager.post(
        f"/cases/{case_id}/reassign", {"worker_id": world.practitioner2.pk, "reason": "Leave", "version": 2}
    )
    assert response.json()["primary_worker_id"] == world.practitioner2.pk
    response = api(world.practitioner2).post(f"/cases/{case_id}/workers", {"user_id": world.practitioner.pk})
    assert response.status_code == 200
    assert api(world.practitioner).get("/cases", {"scope": "mine", "with_count": True}).json()["count"] == 1


def test_raise_bad_origin_is_422(api, world):
    response = api(world.practitioner).post("/cases", {"person_id": world.person.pk, "origin": "nowhere"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "origin"


def test_lead_sees_the_index_and_allocates(api, world):
    from casework.allocation.services import allocation_policy_set_fallback

    allocation_policy_set_fallback(
        user=world.initiative_admin, initiative_id=world.initiative.pk, organisation=world.district
    )
    [case] = _cases(world, 1, responsible_organisation=None, stage="intake")
    admin = api(world.initiative_admin)
    assert admin.get(f"/cases/{case.pk}").status_code == 404  # no full case for the lead's admin
    index = admin.get("/cases/index").json()
    assert [row["reference"] for row in index["items"]] == [case.reference]
    assert "subject_name" not in index["items"][0]
    response = admin.post(f"/cases/{case.pk}/allocate", {"version": 1})
    assert response.status_code == 200
    assert response.json()["responsible_organisation_id"] == world.district.pk
    assert Case.objects.get(pk=case.pk).allocation_explanation.startswith("No rule matched")
    assert api(world.district_auditor).get("/cases/index", {"with_count": True}).json()["count"] == 1
    assert api(world.outsider).get("/cases/index", {"with_count": True}).json()["count"] == 0


def test_the_total_is_counted_only_when_asked(api, world):
    _cases(world, 3)
    client = api(world.practitioner)
    body = client.get("/cases", {"scope": "worklist", "page_size": 2}).json()
    assert (body["count"], body["has_next"], len(body["items"])) == (None, True, 2)
    assert client.get("/cases", {"scope": "worklist", "with_count": True}).json()["count"] == 3


def test_list_rows_have_the_same_shape_as_the_case(api, world):
    [case] = _cases(world, 1)
    client = api(world.practitioner)
    [row] = client.get("/cases", {"scope": "worklist"}).json()["items"]
    full = client.get(f"/cases/{case.pk}").json()
    assert row == full


def test_a_worklist_request_runs_four_queries(api, world, high, django_assert_max_num_queries):
    # The token with its user, the user's memberships, the page of cases, the unchained access event.
    _cases(world, 30, risk_category=high)
    client = api(world.practitioner)
    client.get("/cases", {"scope": "worklist"})  # warm up: the token's last-used time is written once
    with django_assert_max_num_queries(4):
        response = client.get("/cases", {"scope": "worklist", "page_size": 50, "sort": "priority"})
    assert len(response.json()["items"]) == 30


def test_a_worklist_page_follows_the_users_memberships_at_once(api, world):
    from casework.accounts.models import Membership

    _cases(world, 2)
    client = api(world.practitioner)
    assert len(client.get("/cases", {"scope": "worklist"}).json()["items"]) == 2
    Membership.objects.filter(user=world.practitioner).update(is_active=False)
    assert client.get("/cases", {"scope": "worklist"}).json()["items"] == []
    Membership.objects.filter(user=world.practitioner).update(is_active=True)
    assert len(client.get("/cases", {"scope": "worklist"}).json()["items"]) == 2


def test_a_deactivated_users_token_stops_working_at_once(api, world):
    client = api(world.practitioner)
    assert client.get("/cases", {"scope": "worklist"}).status_code == 200
    world.practitioner.is_active = False
    world.practitioner.save()
    assert client.get("/cases", {"scope": "worklist"}).status_code == 401


def test_worklist_pages_follow_each_other(api, world):
    made = _cases(world, 5)
    client = api(world.practitioner)
    first = client.get("/cases", {"scope": "worklist", "page_size": 2, "sort": "oldest"}).json()
    second = client.get("/cases", {"scope": "worklist", "page_size": 2, "page": 2, "sort": "oldest"}).json()
    third = client.get("/cases", {"scope": "worklist", "page_size": 2, "page": 3, "sort": "oldest"}).json()
    ids = [c["id"] for page in (first, second, third) for c in page["items"]]
    assert ids == list(
        Case.objects.filter(pk__in=[c.pk for c in made])
        .order_by("raised_at", "id")
        .values_list("pk", flat=True)
    )
    assert (first["has_next"], second["has_next"], third["has_next"]) == (True, True, False)


def test_list_rows_name_the_worker_team_organisation_and_risk(api, world, high):
    from casework.accounts.models import User

    named, unnamed = _cases(world, 2, risk_category=high, allocated_team=world.team)
    nameless = User.objects.create(username="nameless.worker")
    for case, worker in ((named, world.practitioner), (unnamed, nameless)):
        Case.objects.filter(pk=case.pk).update(primary_worker=worker)
    items = api(world.team_manager).get("/cases", {"scope": "visible"}).json()["items"]
    rows = {row["id"]: row for row in items}
    practitioner = world.practitioner
    assert rows[named.pk]["primary_worker"] == f"{practitioner.first_name} {practitioner.last_name}"
    assert rows[unnamed.pk]["primary_worker"] == "nameless.worker"
    assert rows[named.pk]["allocated_team"] == "Locality Team North"
    assert rows[named.pk]["responsible_organisation"] == "Test County Council"
    assert rows[named.pk]["risk_category"] == "High"
    assert rows[named.pk]["subject_name"] == f"{named.person.given_name} {named.person.family_name}"
