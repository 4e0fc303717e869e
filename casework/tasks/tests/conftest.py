import datetime

import pytest

from casework.allocation import services as allocation
from casework.core import clock
from casework.tasks import services
from tests.factories import CaseFactory

# A fixed "today" for every test that moves the clock: a Monday.
TODAY = datetime.date(2026, 3, 16)
NOON = datetime.datetime(2026, 3, 16, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def today():
    with clock.frozen_at(NOON):
        yield TODAY


@pytest.fixture
def case(world):
    """The county's case about world.person, accepted by world.practitioner (its primary worker)."""
    return allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))


@pytest.fixture
def make_task(world):
    """Make a task through the service as a background job would (no user), with sensible defaults."""

    def _make(**kwargs):
        kwargs.setdefault("title", "Phone to check the grab rails were fitted")
        kwargs.setdefault("due_date", clock.today() + datetime.timedelta(days=7))
        if "assigned_to_user" not in kwargs and "assigned_to_team" not in kwargs:
            kwargs["assigned_to_user"] = world.practitioner
        return services.task_create(user=kwargs.pop("user", None), **kwargs)

    return _make
