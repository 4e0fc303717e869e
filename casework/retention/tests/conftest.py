import datetime

import pytest

from casework.contacts.models import ContactEvent
from casework.core import clock
from tests.factories import CaseFactory, PersonFactory

NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with clock.frozen_at(NOW):
        yield NOW


def years_ago(years: int, days: int = 0) -> datetime.datetime:
    return NOW.replace(year=NOW.year - years) - datetime.timedelta(days=days)


def closed_case(organisation, *, years: int, days: int = 0, died: datetime.date | None = None):
    person = PersonFactory(created_by_organisation=organisation, date_of_death=died)
    return CaseFactory(
        person=person,
        status="finished",
        stage="closing",
        raised_at=years_ago(years, days + 30),
        closed_at=years_ago(years, days),
    )


def advice_only_person(organisation, *, years: int, days: int = 0):
    person = PersonFactory(created_by_organisation=organisation)
    ContactEvent.objects.create(
        organisation=organisation,
        person=person,
        occurred_at=years_ago(years, days),
        direction="inbound",
        method="phone",
        contact_role="person",
        outcome="reached",
        summary="Asked about a blue badge",
        advice_given="Told her how to apply",
    )
    return person


@pytest.fixture
def records(world, frozen):
    """A county's records: two closed cases past 8 years, one not yet, one of a person who died 9 years ago,
    an advice-only person past 2 years and one not yet, an open case, and a district case past 8 years."""
    county = world.county
    return {
        "old_case": closed_case(county, years=9),
        "old_case2": closed_case(county, years=8, days=1),
        "recent_case": closed_case(county, years=7),
        "dead_case": closed_case(county, years=9, died=datetime.date(2017, 1, 1)),
        "advice_old": advice_only_person(county, years=3),
        "advice_recent": advice_only_person(county, years=1),
        "open_case": CaseFactory(person=PersonFactory(created_by_organisation=county)),
        "district_case": closed_case(world.district, years=10),
    }
