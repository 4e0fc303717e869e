import pytest

from casework.cases.tests.conftest import active_case, risk, unallocated  # noqa: F401


@pytest.fixture
def addressed(world):
    """world.person with a postal address, so letters can go to them."""
    person = world.person
    person.address_line_1, person.town, person.postcode = "4 Mill Lane", "Casterbridge", "DT1 1AA"
    person.save()
    return person
