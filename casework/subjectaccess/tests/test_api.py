"""Subject access in the API: the same services as the pages, field-level errors that change nothing, 404 for
other organisations; and the list reads a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.core import clock
from casework.subjectaccess import services
from casework.subjectaccess.models import SubjectAccessRequest

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2025, 7, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with clock.frozen_at(NOW):
        yield NOW


def test_an_auditor_runs_a_request_through_the_api(world, frozen, api):
    client = api(world.auditor)
    made = client.post(
        "/subject-access",
        {
            "person_id": world.person.pk,
            "organisation_id": world.county.pk,
            "requester_name": "Margaret Thornton",
            "requested": "Everything",
            "received_on": "2025-01-31",
        },
    )
    assert made.status_code == 201, made.json()
    sar = made.json()
    assert sar["due_on"] == "2025-02-28" and sar["status"] == "received"
    step = client.post(
        f"/subject-access/{sar['id']}/verify-identity",
        {"version": sar["version"], "verified_on": "2025-01-31", "evidence": "Passport"},
    )
    assert step.status_code == 200 and step.json()["status"] == "identity_verified"
    late = client.post(
        f"/subject-access/{sar['id']}/extend",
        {"version": step.json()["version"], "months": 2, "reason": "Complex", "letter_sent_on": "2025-03-03"},
    )
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "letter_sent_on"
    prepared = client.post(f"/subject-access/{sar['id']}/prepare-bundle", {"version": step.json()["version"]})
    assert prepared.status_code == 200 and prepared.json()["status"] == "bundle_prepared"
    redacted = client.post(
        f"/subject-access/{sar['id']}/redactions",
        {
            "section": "people/person",
            "record_id": str(world.person.pk),
            "field": "nhs_number",
            "reason": "third_party",
            "explanation": "Example",
        },
    )
    assert redacted.status_code == 201 and len(redacted.json()["redactions"]) == 1
    bundle = client.get(f"/subject-access/{sar['id']}/bundle")
    assert bundle.status_code == 200
    assert bundle.json()["sections"]["people"]["person"][0]["nhs_number"].startswith("[Withheld:")
    released = client.post(f"/subject-access/{sar['id']}/release", {"version": prepared.json()["version"]})
    assert released.status_code == 200 and released.json()["status"] == "released"
    listed = client.get("/subject-access")
    assert [item["id"] for item in listed.json()["items"]] == [sar["id"]]


def test_bad_input_is_refused_by_field_and_changes_nothing(world, frozen, api):
    client = api(world.auditor)
    response = client.post(
        "/subject-access",
        {
            "person_id": world.person.pk,
            "organisation_id": world.district.pk,
            "requester_name": "X",
            "requested": "All",
            "received_on": "2025-06-02",
        },
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "organisation"
    assert not SubjectAccessRequest.objects.exists()


@pytest.mark.parametrize("persona", ["district_auditor", "practitioner", "org_admin"])
def test_other_organisations_and_roles_get_404_from_the_api(world, frozen, api, persona):
    sar = services.request_receive(
        user=world.auditor,
        person=world.person,
        organisation_id=world.county.pk,
        requester_name="M",
        requested="All",
        received_on=datetime.date(2025, 6, 2),
    )
    client = api(getattr(world, persona))
    assert client.get(f"/subject-access/{sar.pk}").status_code == 404
    assert client.get(f"/subject-access/{sar.pk}/bundle").status_code == 404
    assert client.post(f"/subject-access/{sar.pk}/release", {"version": 1}).status_code == 404
    assert client.get("/subject-access").json()["items"] == []


def test_the_list_page_reads_a_constant_number_of_queries(
    world, frozen, login, django_assert_max_num_queries
):
    client = login(world.auditor)

    def receive(n):
        for _ in range(n):
            services.request_receive(
                user=world.auditor,
                person=world.person,
                organisation_id=world.county.pk,
                requester_name="M",
                requested="All",
                received_on=datetime.date(2025, 6, 2),
            )

    receive(1)
    client.get(reverse("subjectaccess:request_list"))  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("subjectaccess:request_list")).status_code == 200
    receive(10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("subjectaccess:request_list"))
    assert response.content.count(b"Request ") >= 11
