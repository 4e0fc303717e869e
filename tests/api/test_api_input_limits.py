"""What the API takes is bounded (issue 12): each request here was a server error, or was stored, before.

Numbers past 64 bits, NUL characters, text and lists without an end, dates far off and UPRNs of any size are a
422 naming the field, and nothing is written; a body over the limit is a 413.
"""

import datetime
import json

import pytest

from casework.allocation import services as allocation
from casework.consent.models import ConsentRecord
from casework.contacts.models import ContactEvent
from casework.core import clock, limits
from casework.people.models import Person
from casework.tasks.models import Task
from tests.factories import CaseFactory

BIG = 2**63  # one past the largest bigint


@pytest.fixture
def active_case(world):
    """A case of the county accepted by world.practitioner."""
    return allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))


def _errors(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def _consent(case_id: int, **changes) -> dict:
    return {
        "kind": "consent",
        "given_by": "person",
        "purpose": "To arrange food deliveries",
        "organisation_ids": [],
        "data_categories": ["needs"],
        "given_on": clock.today().isoformat(),
        **changes,
    }


def test_an_organisation_id_past_64_bits_is_a_422_naming_it(api, world, active_case):
    response = api(world.practitioner).post(
        f"/consents/cases/{active_case.pk}", _consent(active_case.pk, organisation_ids=[BIG])
    )
    assert response.status_code == 422
    assert set(_errors(response)) == {"organisation_ids.0"}
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    "path, params, field",
    [
        ("/cases", {"page": BIG}, "page"),
        ("/cases", {"risk_category_id": BIG}, "risk_category_id"),
        ("/cases", {"scope": "worklist", "page": BIG}, "page"),
        ("/directory/services", {"page": 10**18}, "page"),
        ("/cases/index", {"page": limits.MAX_PAGE + 1}, "page"),
    ],
)
def test_a_number_past_its_bound_in_a_query_is_a_422_naming_it(api, world, path, params, field):
    response = api(world.initiative_admin).get(path, params)
    assert response.status_code == 422
    assert set(_errors(response)) == {field}


def test_the_last_page_allowed_is_answered(api, world):
    response = api(world.practitioner).get("/cases", {"page": limits.MAX_PAGE, "page_size": 100})
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("path", [f"/cases/{BIG}", f"/tasks/{BIG}", f"/people/{BIG}", "/cases/0"])
def test_an_id_out_of_bounds_in_a_path_is_a_422(api, world, path):
    response = api(world.practitioner).get(path)
    assert response.status_code == 422
    assert len(_errors(response)) == 1


def test_an_if_match_that_is_not_a_version_is_a_422(api, world, active_case):
    for value in ("²", str(limits.MAX_VERSION + 1)):
        response = api(world.practitioner).post(
            f"/cases/{active_case.pk}/status",
            {"status": "on_hold", "reason": "Away"},
            headers={"If-Match": value},
        )
        assert response.status_code == 422
        assert set(_errors(response)) == {"If-Match"}


def _person(**changes) -> dict:
    return {"given_name": "Ann", "family_name": "Ovel", "confirmed_new": True, **changes}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"given_name": "Ann\x00"}, "given_name"),
        ({"communication_needs": "Large print\x00"}, "communication_needs"),
        ({"communication_needs": "x" * (limits.TEXT_LENGTH + 1)}, "communication_needs"),
        ({"uprn": 10**12}, "uprn"),
        ({"uprn": 0}, "uprn"),
        ({"date_of_birth": "1889-12-31"}, "date_of_birth"),
        ({"date_of_birth": (clock.today() + datetime.timedelta(days=1)).isoformat()}, "date_of_birth"),
    ],
)
def test_a_person_with_an_implausible_field_is_a_422_naming_it(api, world, changes, field):
    response = api(world.practitioner).post("/people", _person(**changes))
    assert response.status_code == 422
    assert set(_errors(response)) == {field}
    assert not Person.objects.filter(family_name="Ovel").exists()


def test_the_largest_uprn_and_the_longest_text_are_kept(api, world):
    response = api(world.practitioner).post(
        "/people", _person(uprn=limits.MAX_UPRN, communication_needs="x" * limits.TEXT_LENGTH)
    )
    assert response.status_code == 201
    assert Person.objects.get(family_name="Ovel").uprn == 999_999_999_999


def _contact(case, **changes) -> dict:
    return {
        "case_id": case.pk,
        "occurred_at": (clock.now() - datetime.timedelta(hours=1)).isoformat(),
        "direction": "inbound",
        "method": "phone",
        "contact_role": "person",
        "outcome": "reached",
        **changes,
    }


@pytest.mark.parametrize(
    "changes, field",
    [
        (
            {
                "signposted": [
                    {"name": f"Club {n}", "contact": "x" * 300} for n in range(limits.MAX_CHOSEN + 1)
                ]
            },
            "signposted",
        ),
        (
            {"signposted": [{"name": "Lunch club", "contact": "Ask at\x00 St Peter's"}]},
            "signposted.0.contact",
        ),
        ({"signposted": [{"name": "x" * 1000}]}, "signposted.0.name"),
        ({"summary": "x" * (limits.TEXT_LENGTH + 1)}, "summary"),
        ({"occurred_at": "9999-01-01T09:00:00Z"}, "occurred_at"),
    ],
)
def test_a_contact_with_an_unbounded_field_is_a_422_naming_it(api, world, active_case, changes, field):
    response = api(world.practitioner).post("/contacts", _contact(active_case, **changes))
    assert response.status_code == 422
    assert set(_errors(response)) == {field}
    assert not ContactEvent.objects.exists()


def test_a_task_due_in_9999_is_a_422_naming_the_date(api, world, active_case):
    response = api(world.practitioner).post(
        "/tasks",
        {
            "title": "Ring the OT",
            "due_date": "9999-01-01",
            "case_id": active_case.pk,
            "assigned_to_user_id": world.practitioner.pk,
        },
    )
    assert response.status_code == 422
    latest = limits.latest_date()
    assert _errors(response) == {
        "due_date": f"The date must be the same as or before {latest.day} {latest:%B %Y}"
    }
    assert not Task.objects.filter(title="Ring the OT").exists()


def test_a_task_due_as_far_ahead_as_allowed_is_added(api, world, active_case):
    response = api(world.practitioner).post(
        "/tasks",
        {
            "title": "Ring the OT",
            "case_id": active_case.pk,
            "assigned_to_user_id": world.practitioner.pk,
            "due_date": limits.latest_date().isoformat(),
        },
    )
    assert response.status_code == 201, response.json()


def test_a_body_over_the_limit_is_a_413_with_the_error_body(api, world, settings):
    client = api(world.practitioner)
    body = json.dumps(_person(communication_needs="x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    response = client.client.post(
        "/api/v1/people", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {client.token}"
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than the 1024 KB allowed", "errors": []}
    assert not Person.objects.filter(family_name="Ovel").exists()
