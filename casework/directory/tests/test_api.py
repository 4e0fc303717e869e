"""The directory in /api/v1: the API's sign-in, the same filters as the page, pages of at most 100."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.demo.directory import _id

from .conftest import import_documents, needs_taxonomy_record, page_of, service_record


def test_the_api_needs_a_token_or_a_session(client, db):
    response = client.get("/api/v1/directory/services")
    assert response.status_code == 401


def test_search_with_filters(api, world, demo):
    client = api(world.practitioner)
    body = client.get("/directory/services", {"need": "food", "area": "RG6", "with_count": True}).json()
    names = [item["name"] for item in body["items"]]
    # Local services first, then the ones with no address; the defunct luncheon club is left out.
    assert names == ["Community larder", "Pay-as-you-feel community cafe"]
    larder = body["items"][0]
    assert larder["organization"]["name"] == "Kingsbere Community Larder"
    assert larder["locations"][0]["addresses"][0]["postcode_district"] == "RG6"
    assert {t["term"] for t in larder["terms"]} == {"food", "access_to_shopping"}
    assert larder["phones"][0]["number"].startswith("0118 496 0")
    body = client.get("/directory/services", {"age": 10, "q": "carers"}).json()
    assert [item["name"] for item in body["items"]] == ["Carers helpline", "Young carers group"]
    body = client.get("/directory/services", {"status": "defunct"}).json()
    assert [item["name"] for item in body["items"]] == ["Kingsbere luncheon club"]


def test_one_service(api, world, demo):
    response = api(world.practitioner).get(f"/directory/services/{_id('service', 'car_scheme')}")
    assert response.status_code == 200
    assert response.json()["name"] == "Volunteer car scheme"
    missing = api(world.practitioner).get(f"/directory/services/{_id('service', 'nothing')}")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Not found"


def test_bad_filters_are_a_422_naming_the_field(api, world, db):
    response = api(world.practitioner).get("/directory/services", {"page_size": 101, "need": "sleep"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"page_size", "need"}


def test_query_counts_do_not_grow_with_the_page(api, world):
    import_documents(needs_taxonomy_record())
    client = api(world.practitioner)
    client.get("/directory/services")  # the token's first use is recorded once

    def queries_for(count: int) -> int:
        import_documents(page_of([service_record(n) for n in range(count)]))
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/directory/services", {"page_size": 100}).json()
        assert len(body["items"]) == count
        return len(captured)

    assert queries_for(2) == queries_for(30)
