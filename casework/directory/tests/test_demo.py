"""The Wessex demo directory: about 40 made-up services through the importer, every need covered."""

from __future__ import annotations

import re

from casework.demo.directory import TOWNS, build_directory_demo
from casework.directory.choices import NEEDS_TAXONOMY_ID, Need
from casework.directory.models import Address, Phone, Service, TaxonomyTerm
from casework.directory.selectors import ServiceFilters, service_search


def test_the_demo_has_about_forty_services_with_every_need_covered(demo):
    assert 35 <= Service.objects.count() <= 45
    assert demo.counts["services"].created == Service.objects.count()
    for need in Need:
        assert service_search(filters=ServiceFilters(need=need.value)).exists(), need
    assert TaxonomyTerm.objects.filter(taxonomy_id=NEEDS_TAXONOMY_ID, parent_id__isnull=True).count() == len(
        Need
    )


def test_the_demo_is_made_up(demo):
    districts = {district for towns in TOWNS.values() for district in towns}
    assert set(Address.objects.values_list("postcode_district", flat=True)) <= districts
    assert set(Address.objects.values_list("city", flat=True)) <= set(TOWNS)
    assert all(
        re.fullmatch(r"0118 496 0\d{3}", number) for number in Phone.objects.values_list("number", flat=True)
    )
    assert all(email.endswith(".example.org") for email in Service.objects.values_list("email", flat=True))


def test_building_it_again_updates_in_place(demo, settings):
    again = build_directory_demo()
    assert all(c.created == c.updated == c.removed == 0 for c in again.counts.values())


def test_the_demo_is_refused_in_production(db, settings):
    import pytest

    from casework.core.errors import DomainError

    settings.DEBUG = False
    with pytest.raises(DomainError):
        build_directory_demo()
