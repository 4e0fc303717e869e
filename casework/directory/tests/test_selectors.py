"""Searching the directory: by need, taxonomy term, postcode area, age and words; fixed query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.directory import selectors
from casework.directory.choices import OPEN_STATUSES, need_term_id
from casework.directory.selectors import ServiceFilters, area_district

from .conftest import import_documents, needs_taxonomy_record, page_of, service_record


def _names(**filters) -> list[str]:
    return [s.name for s in selectors.service_search(filters=ServiceFilters(**filters))]


@pytest.fixture
def feed(db):
    """Five services around Wessex, with a narrower "food banks" term under the food need."""
    food_banks = {
        "id": str(need_term_id("food_banks")),
        "name": "Food banks",
        "description": "Food banks",
        "parent_id": str(need_term_id("food")),
        "term": "food_banks",
    }
    import_documents(needs_taxonomy_record(food_banks))
    import_documents(
        page_of(
            [
                service_record(
                    1,
                    name="Casterbridge lunch club",
                    needs=("food", "loneliness"),
                    district="RG1",
                    min_age=60,
                ),
                service_record(
                    2, name="Sandbourne food bank", needs=("food_banks",), district="RG4", town="Sandbourne"
                ),
                service_record(
                    3,
                    name="Countywide debt line",
                    needs=("debt_advice",),
                    district=None,
                    description="Free advice on money worries",
                    min_age=18,
                ),
                service_record(
                    4,
                    name="Young carers group",
                    needs=("carers_support",),
                    district="RG40",
                    town="Anglebury",
                    min_age=8,
                    max_age=17,
                ),
                service_record(
                    5, name="Closed befriending", needs=("loneliness",), district="RG1", status="defunct"
                ),
            ]
        )
    )


def test_by_need_including_narrower_terms(feed):
    assert _names(need="food") == ["Casterbridge lunch club", "Sandbourne food bank"]
    assert _names(need="debt_advice") == ["Countywide debt line"]
    assert _names(need="transport") == []


def test_by_taxonomy_term_id_or_code_with_narrower_terms(feed):
    assert _names(taxonomy_term=str(need_term_id("food"))) == [
        "Casterbridge lunch club",
        "Sandbourne food bank",
    ]
    assert _names(taxonomy_term="food_banks") == ["Sandbourne food bank"]
    assert _names(taxonomy_term="FOOD") == ["Casterbridge lunch club", "Sandbourne food bank"]
    assert _names(taxonomy_term="no-such-term") == []


def test_by_postcode_district_with_countywide_services_after_local_ones(feed):
    assert _names(area="RG1 1AA") == ["Casterbridge lunch club", "Closed befriending", "Countywide debt line"]
    assert _names(area="rg4") == ["Sandbourne food bank", "Countywide debt line"]
    assert _names(area="RG40 1") == ["Young carers group", "Countywide debt line"]
    # RG1 is not RG10: districts match whole.
    assert _names(area="RG10") == ["Countywide debt line"]


def test_by_town(feed):
    assert _names(area="sandbourne") == ["Sandbourne food bank", "Countywide debt line"]


def test_by_age_within_the_service_range(feed):
    assert _names(age=10, statuses=OPEN_STATUSES) == ["Sandbourne food bank", "Young carers group"]
    assert _names(age=70, statuses=OPEN_STATUSES) == [
        "Casterbridge lunch club",
        "Countywide debt line",
        "Sandbourne food bank",
    ]


def test_by_words_in_name_description_or_organisation(feed):
    assert _names(text="debt") == ["Countywide debt line"]
    assert _names(text="money worries") == ["Countywide debt line"]
    assert _names(text="organisation 2") == ["Sandbourne food bank"]
    assert _names(text="lunch sandbourne") == []


def test_by_status(feed):
    assert "Closed befriending" not in _names(statuses=OPEN_STATUSES)
    assert "Closed befriending" in _names()


def test_filters_combine(feed):
    assert _names(need="loneliness", area="RG1", statuses=OPEN_STATUSES, age=65) == [
        "Casterbridge lunch club"
    ]


@pytest.mark.parametrize(
    "text, district",
    [
        ("RG40 1AA", "RG40"),
        ("rg401aa", "RG40"),
        ("RG4", "RG4"),
        ("RG40 1", "RG40"),
        ("Casterbridge", None),
        ("", None),
    ],
)
def test_area_district(text, district):
    assert area_district(text) == district


def test_a_page_of_cards_takes_the_same_queries_for_two_services_or_twenty(db):
    import_documents(needs_taxonomy_record())

    def queries_for(count: int) -> int:
        import_documents(page_of([service_record(n, district="RG1") for n in range(count)]))
        filters = ServiceFilters(need="food", area="RG1", statuses=OPEN_STATUSES)
        with CaptureQueriesContext(connection) as captured:
            services = list(selectors.service_list_for_cards(selectors.service_search(filters=filters))[:50])
            for service in services:
                [p.number for p in service.phones.all()]
                [p.number for c in service.contacts.all() for p in c.phones.all()]
                [
                    a.postal_code
                    for sal in service.service_at_locations.all()
                    for a in sal.location.addresses.all()
                ]
                [a.taxonomy_term.name for a in service.attributes.all()]
                assert service.organization.name
        assert len(services) == count
        return len(captured)

    assert queries_for(2) == queries_for(20)


def test_a_signpost_snapshot_has_what_a_contact_record_keeps(feed):
    from .conftest import uid

    snapshot = selectors.service_signpost_snapshot(service_id=uid("service", 2))
    assert snapshot == {
        "service_id": uid("service", 2),
        "name": "Sandbourne food bank",
        "organisation": "Organisation 2",
        "contact": "0118 496 0002 / service2@example.org",
        "address": "2 High Street, Sandbourne, RG4 1AB",
        "feed": "test feed",
    }
    assert selectors.service_signpost_snapshot(service_id=uid("service", 3))["address"] == "Countywide"
