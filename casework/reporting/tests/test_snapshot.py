"""The case index snapshot: who may download what, restricted people withheld, streamed, audited."""

import csv
import io
import json

import pytest
from django.urls import reverse

from casework.accounts.tokens import api_token_issue
from casework.audit.models import AccessEvent
from casework.reporting.exports import COLUMNS, INDEX_COLUMNS, PERSON_COLUMNS
from tests.factories import CaseFactory, PersonFactory


@pytest.fixture
def cases(world):
    county = [
        CaseFactory(
            person=PersonFactory(
                created_by_organisation=world.county,
                given_name=f"P{n}",
                family_name="County",
                nhs_number=None,
            )
        )
        for n in range(3)
    ]
    restricted = CaseFactory(person=world.restricted_person)
    district = CaseFactory(person=world.district_person)
    return county, restricted, district


def _csv(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_responsible_organisation_downloads_its_own_cases(client, world, cases):
    county, restricted, district = cases
    client.force_login(world.practitioner)
    response = client.get(reverse("reporting:case_snapshot_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert {r["reference"] for r in rows} == {c.reference for c in county} | {restricted.reference}
    mine = next(r for r in rows if r["reference"] == county[0].reference)
    assert mine["name"] == "P0 County"
    assert mine["postcode"] == "RG40 1AA"
    assert mine["responsible_organisation"] == world.county.name


def test_restricted_people_are_withheld(client, world, cases):
    _county, restricted, _district = cases
    client.force_login(world.practitioner)
    row = next(
        r
        for r in _csv(client.get(reverse("reporting:case_snapshot_csv")))
        if r["reference"] == restricted.reference
    )
    assert row["name"] == "Restricted record"
    assert row["date_of_birth"] == row["postcode"] == row["nhs_number"] == ""


def test_lead_initiative_admin_downloads_the_whole_initiative_without_personal_details(client, world, cases):
    county, _restricted, district = cases
    client.force_login(world.initiative_admin)
    response = client.get(reverse("reporting:case_snapshot_csv"), {"scope": "initiative"})
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 5
    assert list(rows[0]) == INDEX_COLUMNS
    assert {r["responsible_organisation"] for r in rows if r["reference"] == district.reference} == {
        district.responsible_organisation.name if district.responsible_organisation else ""
    }
    # Nobody's name, date of birth, NHS number or postcode, anywhere in the file.
    for person in [c.person for c in county] + [world.district_person, world.restricted_person]:
        for detail in (
            person.full_name,
            person.postcode,
            person.date_of_birth.isoformat(),
            person.nhs_number,
        ):
            assert not detail or detail not in body
    assert response["Content-Disposition"] == 'attachment; filename="initiative-case-index.csv"'
    assert client.get(reverse("reporting:case_snapshot_csv")).status_code == 403  # no casework role


@pytest.mark.parametrize("who", ["district_worker", "practitioner", "org_admin", "outsider"])
def test_whole_initiative_refused_to_others(client, world, cases, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("reporting:case_snapshot_csv"), {"scope": "initiative"}).status_code == 403


def test_district_gets_only_its_case(client, world, cases):
    client.force_login(world.district_worker)
    rows = _csv(client.get(reverse("reporting:case_snapshot_csv")))
    assert [r["name"] for r in rows] == ["Dennis Marsh"]


def test_download_is_audited_with_its_row_count(client, world, cases):
    client.force_login(world.practitioner)
    response = client.get(reverse("reporting:case_snapshot_csv"), HTTP_X_REQUEST_ID="snapshot-request-1")
    _csv(response)
    event = AccessEvent.objects.get(verb="reporting.case_snapshot_downloaded")
    assert event.details == {"scope": "organisation", "format": "csv", "rows": 4}
    assert event.actor == world.practitioner
    assert event.request_id == "snapshot-request-1"


def test_json_lines_through_the_api(client, world, cases):
    token = api_token_issue(user=world.initiative_admin)
    response = client.get(
        "/api/v1/cases/snapshot", {"scope": "initiative"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert len(lines) == 5
    assert list(lines[0]) == INDEX_COLUMNS
    assert not set(lines[0]) & set(PERSON_COLUMNS)
    names = {c.person.full_name for c in cases[0]} | {"Dennis Marsh", "Alex Hidden"}
    assert not any(name in json.dumps(line) for line in lines for name in names)
    assert AccessEvent.objects.get(verb="reporting.case_snapshot_downloaded").details["rows"] == 5


def test_json_lines_refused_without_permission(client, world, cases):
    token = api_token_issue(user=world.practitioner)
    response = client.get(
        "/api/v1/cases/snapshot", {"scope": "initiative"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 403


def test_names_with_quotes_and_backslashes_survive(client, world):
    CaseFactory(
        person=PersonFactory(
            created_by_organisation=world.county, given_name='Jo "JJ"', family_name="O'Neil\\Smith"
        )
    )
    token = api_token_issue(user=world.practitioner)
    response = client.get("/api/v1/cases/snapshot", HTTP_AUTHORIZATION=f"Bearer {token}")
    [line] = [json.loads(x) for x in b"".join(response.streaming_content).decode().splitlines()]
    assert list(line) == COLUMNS
    assert line["name"] == 'Jo "JJ" O\'Neil\\Smith'
    client.force_login(world.practitioner)
    [row] = _csv(client.get(reverse("reporting:case_snapshot_csv")))
    assert row["name"] == 'Jo "JJ" O\'Neil\\Smith'


def test_case_index_page_offers_the_downloads_the_user_may_make(client, world, cases):
    client.force_login(world.initiative_admin)
    content = client.get(reverse("cases:case_index")).content.decode()
    assert "scope=initiative" in content and "scope=organisation" not in content
    client.force_login(world.practitioner)
    content = client.get(reverse("cases:case_index")).content.decode()
    assert "scope=organisation" in content and "scope=initiative" not in content
