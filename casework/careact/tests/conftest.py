import pytest

from casework.allocation import services as allocation
from casework.cases.tests.conftest import active_case, risk, unallocated  # noqa: F401 (fixtures reused)
from tests.factories import CaseFactory


@pytest.fixture
def case(active_case):  # noqa: F811
    """Margaret Thornton's case, accepted by world.practitioner: active, at Contact, no Care Act records."""
    return active_case


@pytest.fixture
def district_case(world):
    """A case held by the district council (not the lead), accepted by its worker."""
    return allocation.case_accept(user=world.district_worker, case=CaseFactory(person=world.district_person))


def advocacy_args(**overrides):
    """An advocacy decision where an advocate is needed: substantial difficulty and nobody appropriate."""
    return {
        "activity": "assessment",
        "difficulty_understanding": True,
        "difficulty_retaining": False,
        "difficulty_using_or_weighing": True,
        "difficulty_communicating": False,
        "appropriate_person": False,
        "referral_to": "Wessex Advocacy Hub",
        "referral_on": None,
        **overrides,
    }
