import pytest

from casework.cases.tests.conftest import active_case, risk, unallocated  # noqa: F401 (fixtures reused)


@pytest.fixture
def case(active_case):  # noqa: F811
    """Margaret Thornton's case, accepted by world.practitioner: active, no financial assessment."""
    return active_case
