import pytest

from casework.allocation import services as allocation
from tests.factories import CaseFactory, RiskCategoryFactory


@pytest.fixture
def risk(world):
    return {
        code: RiskCategoryFactory(initiative=world.initiative, code=code, label=code.title(), rank=rank)
        for rank, code in enumerate(["high", "medium", "low"], start=1)
    }


@pytest.fixture
def unallocated(world, risk):
    """A case of the county, cleared intake, on the county's team worklist."""
    return CaseFactory(person=world.person, risk_category=risk["high"])


@pytest.fixture
def active_case(world, unallocated):
    """The case accepted by world.practitioner: active, at Contact."""
    return allocation.case_accept(user=world.practitioner, case=unallocated)
