"""The Open Referral UK 3.0 endpoints: valid against the official schemas, open, GET only, CORS always."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.demo.directory import SERVICES
from casework.directory.choices import NEEDS_TAXONOMY_ID, need_term_id

from .conftest import (
    assert_valid,
    example,
    import_documents,
    needs_taxonomy_record,
    official_schema,
    page_of,
    service_record,
    uid,
)

EXAMPLE_SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
EXAMPLE_SAL_ID = "e94c9f38-1e8f-4564-91d4-d53501ab1765"


def _get(client, name, *args, **params):
    response = client.get(reverse(f"openreferral:{name}", args=args), params)
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


@pytest.fixture
def examples(db):
    for name in ("organization_full.json", "taxonomy.json"):
        import_documents(example(name))


def test_api_info(client):
    response = _get(client, "api_info")
    assert response.status_code == 200
    assert response.json()["version"] == "3.0"
    assert (
        response.json()["profile"]
        == "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/profile"
    )


def test_services_page_validates_against_service_list(client, demo):
    response = _get(client, "services", per_page=10, page=2)
    body = response.json()
    assert response.status_code == 200
    assert_valid(body, _page(official_schema("compiled/service_list.json")))
    assert (body["total_items"], body["page_number"], body["size"]) == (len(SERVICES), 2, 10)
    assert body["total_pages"] == 5 and not body["first_page"] and not body["last_page"] and not body["empty"]


def test_a_service_validates_against_the_compiled_service(client, demo, examples):
    for service_id in (EXAMPLE_SERVICE_ID, uid_of_demo("social_care_front_door")):
        response = _get(client, "service", service_id)
        assert response.status_code == 200
        assert_valid(response.json(), official_schema("compiled/service.json"))


def uid_of_demo(key: str) -> str:
    from casework.demo.directory import _id

    return _id("service", key)


def test_every_demo_service_validates(client, demo):
    schema = official_schema("compiled/service.json")
    for item in SERVICES:
        assert_valid(_get(client, "service", uid_of_demo(item["key"])).json(), schema)


def test_services_at_locations_validate_and_filter_by_postcode(client, demo, examples):
    body = _get(client, "service_at_locations", per_page=100).json()
    assert_valid(body, _page(official_schema("compiled/service_at_location_list.json")))
    body = _get(client, "service_at_locations", postcode="RG14 6WX", per_page=100).json()
    assert body["total_items"] >= 3
    for item in body["contents"]:
        detail = _get(client, "service_at_location", item["id"]).json()
        assert_valid(detail, official_schema("compiled/service_at_location.json"))
        assert "RG14" in {a["postal_code"].split()[0] for a in detail["location"]["addresses"]}
    assert _get(client, "service_at_locations", postcode="RG99").json()["empty"] is True
    # proximity is accepted (and not applied: there are no postcode centroids to measure from).
    assert _get(client, "service_at_locations", postcode="RG14", proximity="1000").status_code == 200


def test_the_example_service_at_location_is_served_in_full(client, examples):
    body = _get(client, "service_at_location", EXAMPLE_SAL_ID).json()
    assert_valid(body, official_schema("compiled/service_at_location.json"))
    assert body["location"]["addresses"][0]["postal_code"] == "ABC 1234"
    assert body["service"]["organization"]["name"] == "Example Organization Inc."


def test_services_filter_by_search_taxonomy_and_ages(client, demo):
    def names(**params):
        return {item["name"] for item in _get(client, "services", per_page=100, **params).json()["contents"]}

    assert names(search="food bank") == {"Food bank", "Food parcel delivery"}
    assert names(taxonomy_term_id=str(need_term_id("food"))) >= {"Food bank", "Thursday lunch club"}
    assert names(taxonomy_term_id="community_transport") == {
        "Dial-a-ride",
        "Volunteer car scheme",
        "Weekly shopping bus",
    }
    assert len(names(taxonomy_id=str(NEEDS_TAXONOMY_ID))) == len(SERVICES)
    # As the standard says: the service's minimum is at least, and its maximum at most, the value given.
    assert names(minimum_age=66) == {"Pension Credit take-up project"}
    assert names(maximum_age=17) == {"Young carers group"}


def test_taxonomies_and_terms_validate(client, demo, examples):
    body = _get(client, "taxonomies").json()
    assert_valid(body, _page(official_schema("taxonomy.json")))
    assert body["total_items"] == 2
    taxonomy = _get(client, "taxonomy", str(NEEDS_TAXONOMY_ID)).json()
    assert_valid(taxonomy, official_schema("taxonomy.json"))
    assert "food" in {t["term"] for t in taxonomy["taxonomy_terms"]}
    body = _get(client, "taxonomy_terms", per_page=100).json()
    assert_valid(body, _page(official_schema("taxonomy_term.json")))
    term = _get(client, "taxonomy_term", str(need_term_id("food_banks"))).json()
    assert_valid(term, official_schema("taxonomy_term.json"))
    assert term["parent_id"] == str(need_term_id("food"))
    children = _get(client, "taxonomy_terms", parent_id=str(need_term_id("food"))).json()
    assert {t["term"] for t in children["contents"]} == {"food_banks", "community_meals"}


def _page(item_schema):
    from .conftest import page_schema

    return page_schema(item_schema)


@pytest.mark.parametrize(
    "path",
    [
        "/openreferral/services/not-a-uuid",
        f"/openreferral/services/{uid('missing')}",
        f"/openreferral/taxonomies/{uid('missing')}",
        f"/openreferral/taxonomy_terms/{uid('missing')}",
        f"/openreferral/service_at_locations/{uid('missing')}",
        "/openreferral/organizations/nope/deeper",
    ],
)
def test_not_found_is_json_with_cors(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused_with_405_and_cors(client, db, method):
    response = getattr(client, method)("/openreferral/services", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_post_is_refused_even_with_csrf_checks_on(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/openreferral/services")
    assert response.status_code == 405
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_is_answered(client, db):
    response = client.options(
        "/openreferral/services",
        HTTP_ORIGIN="https://finder.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_bad_parameters_are_a_400_naming_each(client, db):
    response = _get(client, "services", page="0", per_page="none", taxonomy_id="nope", minimum_age="old")
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {
        "page",
        "per_page",
        "taxonomy_id",
        "minimum_age",
    }
    response = _get(client, "service_at_locations", postcode="Casterbridge")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "postcode"


def test_more_than_100_a_page_is_served_as_100(client, db):
    import_documents(needs_taxonomy_record())
    import_documents(page_of([service_record(n) for n in range(101)]))
    body = _get(client, "services", per_page=500).json()
    assert (body["size"], body["total_pages"], body["last_page"]) == (100, 2, False)


def test_a_page_past_the_end_is_empty(client, demo):
    body = _get(client, "services", page=99).json()
    assert (
        body["contents"] == []
        and body["empty"]
        and body["last_page"]
        and body["total_items"] == len(SERVICES)
    )


def test_no_sign_in_is_needed_and_no_session_is_started(client, db):
    response = _get(client, "services")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("name", ["services", "service_at_locations"])
def test_list_query_counts_do_not_grow_with_the_page(client, db, name):
    import_documents(needs_taxonomy_record())

    def queries_for(count: int, name: str) -> int:
        import_documents(page_of([service_record(n) for n in range(count)]))
        with CaptureQueriesContext(connection) as captured:
            body = _get(client, name, per_page=100).json()
        assert body["size"] == count
        return len(captured)

    assert queries_for(2, name) == queries_for(25, name)


def test_what_we_serve_imports_back_unchanged(client, demo):
    full = [_get(client, "service", uid_of_demo(item["key"])).json() for item in SERVICES]
    sals = _get(client, "service_at_locations", per_page=100).json()
    result = import_documents(page_of(full), sals, feed=demo.feed)
    assert all(c.created == c.updated == c.removed == 0 for c in result.counts.values()), result.counts
