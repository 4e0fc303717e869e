"""The API for people, tokens, and the shape of errors: the same rules as the pages."""

import datetime

import pytest
from django.core.management import call_command

from casework.accounts.models import ApiToken
from casework.accounts.tokens import api_token_authenticate, api_token_issue, api_token_revoke
from casework.audit.models import AccessEvent
from casework.core import clock
from casework.people.models import Person
from tests.factories import PersonFactory


def test_openapi_contract_and_docs_are_served(client, db):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/cases/{case_id}/accept" in paths
    assert "/api/v1/people/search" in paths
    assert client.get("/api/v1/docs").status_code == 200


def test_no_token_is_401(client, world):
    response = client.get(f"/api/v1/people/{world.person.pk}")
    assert response.status_code == 401
    response = client.get(f"/api/v1/people/{world.person.pk}", HTTP_AUTHORIZATION="Bearer cw_nope_nope")
    assert response.status_code == 401


def test_issue_api_token_prints_the_token_alone(world, capsys):
    call_command("issue_api_token", "practitioner")
    token = capsys.readouterr().out.strip()
    assert token.startswith("cw_") and "\n" not in token
    assert api_token_authenticate(token) == world.practitioner
    stored = ApiToken.objects.get()
    assert token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64


def test_revoked_and_expired_tokens_stop_working(world):
    token = api_token_issue(user=world.practitioner)
    api_token_revoke(token=ApiToken.objects.get())
    assert api_token_authenticate(token) is None
    token = api_token_issue(user=world.practitioner, days=1)
    ApiToken.objects.filter(revoked_at__isnull=True).update(
        expires_at=clock.now() - datetime.timedelta(seconds=1)
    )
    assert api_token_authenticate(token) is None


def test_get_person_is_audited_and_carries_an_etag(api, world):
    response = api(world.practitioner).get(f"/people/{world.person.pk}")
    assert response.status_code == 200
    assert response.json()["nhs_number"] == "9434765919"
    assert response["ETag"] == '"1"'
    assert AccessEvent.objects.filter(verb="people.record_read_by_api", person_id=world.person.pk).exists()


@pytest.mark.parametrize("who", ["district_worker", "outsider", "org_admin"])
def test_get_person_without_relationship_is_404(api, world, who):
    assert api(getattr(world, who)).get(f"/people/{world.person.pk}").status_code == 404
    assert api(getattr(world, who)).get("/people/999999").status_code == 404


def test_search_returns_index_cards(api, world):
    response = api(world.district_worker).get("/people/search", {"nhs_number": "9434765919"})
    assert response.status_code == 200
    [card] = response.json()
    assert card["name"] == "Margaret Thornton" and card["can_open"] is False
    assert "nhs_number" not in card


def test_search_needs_full_criteria(api, world):
    response = api(world.district_worker).get("/people/search", {"family_name": "Thornton"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "date_of_birth"


def test_create_reports_duplicates_as_409_with_candidates(api, world):
    client = api(world.practitioner)
    body = {
        "given_name": "Margaret",
        "family_name": "Thornton",
        "date_of_birth": world.person.date_of_birth.isoformat(),
        "postcode": "RG40 1AA",
    }
    response = client.post("/people", body)
    assert response.status_code == 409
    assert [c["person_id"] for c in response.json()["candidates"]] == [world.person.pk]
    response = client.post("/people", {**body, "confirmed_new": True})
    assert response.status_code == 201
    assert Person.objects.filter(family_name="Thornton").count() == 2


def test_create_with_bad_fields_is_422_naming_the_field(api, world):
    response = api(world.practitioner).post(
        "/people", {"given_name": "A", "family_name": "B", "nhs_number": "1234567890", "confirmed_new": True}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "nhs_number", "message": "Enter a valid NHS number: the check digit does not match"}
    ]
    response = api(world.practitioner).post("/people", {"given_name": "A"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "family_name"


def test_update_with_if_match_and_stale_write_is_409(api, world):
    client = api(world.practitioner)
    response = client.patch(
        f"/people/{world.person.pk}", {"phone": "0118 496 0001"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    stale = client.patch(f"/people/{world.person.pk}", {"phone": "0999"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    world.person.refresh_from_db()
    assert world.person.phone == "0118 496 0001"


def test_update_needs_a_version(api, world):
    response = api(world.practitioner).patch(f"/people/{world.person.pk}", {"phone": "1"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "version"


def test_update_refused_for_read_only_is_403(api, world):
    response = api(world.case_manager).patch(f"/people/{world.person.pk}", {"phone": "1", "version": 1})
    assert response.status_code == 403


def test_restricted_person_is_404_to_colleagues_over_the_api(api, world):
    restricted = world.restricted_person
    assert api(world.practitioner2).get(f"/people/{restricted.pk}").status_code == 404
    assert api(world.practitioner).get(f"/people/{restricted.pk}").status_code == 200


def test_unknown_person_in_another_initiative(api, world):
    other = PersonFactory(created_by_organisation=world.elsewhere)
    assert api(world.practitioner).get(f"/people/{other.pk}").status_code == 404


def test_a_change_sent_with_the_largest_version_is_a_409_not_a_server_error(api, world):
    # The next version is counted in the database: one more than the largest would not fit the column.
    from casework.core import limits

    response = api(world.practitioner).patch(
        f"/people/{world.person.pk}", {"given_name": "Peggy", "version": limits.MAX_VERSION}
    )
    assert response.status_code == 409, response.content
