"""The Find a service pages: signed-in users only, search and results as cards, a service's page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.demo.directory import _id

from .conftest import import_documents, needs_taxonomy_record, page_of, service_record

SEARCH = reverse("directory:service_search")


def test_the_page_needs_sign_in(client, db):
    response = client.get(SEARCH)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    response = client.get(reverse("directory:service_detail", args=[_id("service", "food")]))
    assert response.status_code == 302


def test_searching_by_need_and_area_shows_cards(login, world, demo):
    response = login(world.practitioner).get(SEARCH, {"need": "food", "area": "RG4 5FG"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Find a service" in html
    assert "Food bank" in html and "Sandbourne Food Bank" in html
    assert "0118 496 0" in html
    assert "St Aldhelm&#x27;s Church Hall, 41 Cliff Road, Sandbourne RG4 5FG" in html
    # A Kingsbere service is not in Sandbourne, and a defunct one is never offered.
    assert "Community larder" not in html
    assert "Kingsbere luncheon club" not in html


def test_the_first_visit_lists_every_open_service(login, world, demo):
    response = login(world.practitioner).get(SEARCH)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 41
    assert 'aria-label="Page 2"' in response.content.decode()


def test_an_age_that_is_not_a_number_is_an_error(login, world, demo):
    response = login(world.practitioner).get(SEARCH, {"age": "sixty"})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Age must be a whole number of years, like 67" in html
    assert response.context["page"] is None


def test_htmx_gets_only_the_results(login, world, demo):
    response = login(world.practitioner).get(SEARCH, {"q": "debt"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<form" not in html
    assert "Debt advice appointments" in html
    assert "HX-Request" in response["Vary"]


def test_a_service_page_shows_everything_a_worker_needs(login, world, demo):
    response = login(world.practitioner).get(
        reverse("directory:service_detail", args=[_id("service", "mind_crisis_cafe")])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Evening crisis cafe" in html and "Melchester Mind Matters" in html
    assert "Temporarily closed" in html
    assert "closed for refurbishment" in html
    assert "Every evening, 6pm to 11pm" in html
    assert "18 and over" in html
    assert reverse("openreferral:service", args=[_id("service", "mind_crisis_cafe")]) in html


def test_a_missing_service_is_a_404(login, world, db):
    response = login(world.practitioner).get(
        reverse("directory:service_detail", args=[_id("service", "none")])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("count", [3])
def test_the_results_take_the_same_queries_for_a_few_services_or_a_page(login, world, count):
    import_documents(needs_taxonomy_record())
    client = login(world.practitioner)

    def queries_for(number: int) -> int:
        import_documents(page_of([service_record(n) for n in range(number)]))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(SEARCH, {"need": "food", "area": "RG1"})
        assert response.context["page"].paginator.count == number
        return len(captured)

    assert queries_for(count) == queries_for(20)


def test_a_feed_cannot_put_a_script_link_on_the_page(login, world):
    import_documents(needs_taxonomy_record())
    import_documents(service_record(1, url="javascript:alert(1)", name="Sneaky"))
    html = login(world.practitioner).get(SEARCH, {"q": "Sneaky"}).content.decode()
    assert "Sneaky" in html
    assert "javascript:" not in html
