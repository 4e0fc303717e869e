"""Identify in the API: the same services and refusals as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework.core import clock
from casework.core.jobs import run_pending
from casework.risk.models import RiskModelVersion, RiskSource
from casework.risk.tests.conftest import FIXTURES
from tests.factories import RiskCategoryFactory

pytestmark = pytest.mark.django_db
SOURCE = {"name": "CTR", "owner": "Revenues", "lawful_basis": "Public task", "file_format": "savvi_csv"}


def test_a_source_is_registered_a_file_uploaded_and_its_problems_listed(
    risk_world, api, client, django_capture_on_commit_callbacks
):
    analyst = api(risk_world.risk_analyst)
    response = analyst.post("/risk/sources", SOURCE)
    assert response.status_code == 201, response.json()
    source_id = response.json()["id"]
    assert analyst.get("/risk/sources").json()["items"][0]["name"] == "CTR"
    upload = SimpleUploadedFile("ctr.csv", (FIXTURES / "savvi_attributes.csv").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/risk/sources/{source_id}/imports",
            {"file": upload},
            HTTP_AUTHORIZATION=f"Bearer {analyst.token}",
        )
    assert response.status_code == 202 and response.json()["status"] == "queued"
    import_id = response.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        run_pending()
    body = analyst.get(f"/risk/imports/{import_id}").json()
    assert (body["status"], body["rows_imported"], body["rows_rejected"]) == ("done", 3, 5)
    problems = analyst.get(f"/risk/imports/{import_id}/problems").json()["items"]
    assert problems[0] == {"line": 5, "field": "nhs_number", "reason": problems[0]["reason"]}
    again = client.post(
        f"/api/v1/risk/sources/{source_id}/imports",
        {"file": SimpleUploadedFile("x.csv", (FIXTURES / "savvi_attributes.csv").read_bytes())},
        HTTP_AUTHORIZATION=f"Bearer {analyst.token}",
    )
    assert again.status_code == 200 and again.json() | {"created": None} == body | {"created": None}
    missing = client.post(
        f"/api/v1/risk/sources/{source_id}/imports", HTTP_AUTHORIZATION=f"Bearer {analyst.token}"
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "file"


def test_a_source_with_a_bad_mapping_is_refused_with_the_field_named(risk_world, api):
    response = api(risk_world.risk_analyst).post(
        "/risk/sources", {**SOURCE, "file_format": "csv", "column_mapping": {"person_reference": "ref"}}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "column_mapping.attribute_scheme",
        "column_mapping.attribute",
    }
    assert not RiskSource.objects.exists()


def test_a_model_is_made_changed_frozen_once_run_and_copied(risk_world, api):
    high = RiskCategoryFactory(initiative=risk_world.initiative, code="high", label="High", rank=1)
    analyst = api(risk_world.risk_analyst)
    made = analyst.post("/risk/models", {"name": "Winter", "purpose": "p", "legal_basis": "l", "area": "W"})
    assert made.status_code == 201
    version_id = made.json()["id"]
    response = analyst.post(f"/risk/models/{version_id}/categories", {"category_id": high.pk, "rank": 1})
    assert response.json()["categories"][0]["code"] == "high"
    response = analyst.post(
        f"/risk/models/{version_id}/factors", {"scheme": "nhs", "term": "shielded", "label": "Shielded"}
    )
    assert response.json()["factors"][0]["term"] == "shielded"
    changed = analyst.post(
        f"/risk/models/{version_id}/change", {"purpose": "p2", "legal_basis": "l", "area": "W", "version": 1}
    )
    assert changed.status_code == 200 and changed.json()["purpose"] == "p2"
    RiskModelVersion.objects.filter(pk=version_id).update(first_run_at=clock.now())
    refused = analyst.post(
        f"/risk/models/{version_id}/change", {"purpose": "p3", "legal_basis": "l", "area": "W", "version": 2}
    )
    assert refused.status_code == 409 and "has run" in refused.json()["detail"]
    copy = analyst.post(f"/risk/models/{version_id}/copy")
    assert copy.status_code == 201 and copy.json()["number"] == 2 and copy.json()["purpose"] == "p2"


def test_anyone_else_gets_403_to_make_and_404_for_a_record(risk_world, api):
    source_id = api(risk_world.risk_analyst).post("/risk/sources", SOURCE).json()["id"]
    for user in (risk_world.practitioner, risk_world.district_analyst, risk_world.outsider):
        other = api(user)
        assert other.post("/risk/sources", {**SOURCE, "name": "Mine"}).status_code == 403
        assert other.get(f"/risk/sources/{source_id}").status_code == 404
        assert other.get("/risk/sources").json()["items"] == []
    assert RiskSource.objects.count() == 1
