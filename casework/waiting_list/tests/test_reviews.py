"""The active review rule: red ratings and people who cannot tell us of changes are reviewed while they
wait."""

import datetime

import pytest

from casework.core import clock
from casework.tasks.models import Task
from casework.waiting_list import services
from casework.waiting_list.reviews import active_review_sweep
from tests.factories import CaseFactory

WEDNESDAY = datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)


@pytest.fixture
def entries(world, risk):
    with clock.frozen_at(WEDNESDAY):

        def add(**kwargs):
            values = {
                "list_kind": "assessment",
                "priority": "normal",
                "rag": "amber",
                "rag_reason": "r",
            } | kwargs
            return services.waiting_list_add(
                user=world.duty_officer, case=CaseFactory(person=world.person), **values
            )

        return {"red": add(rag="red"), "silent": add(can_report_changes=False), "amber": add()}


def test_only_red_and_those_who_cannot_report_changes_are_reviewed(world, entries):
    assert entries["red"].next_review_on == datetime.date(2026, 12, 16)  # 14 days by default
    assert entries["silent"].next_review_on == datetime.date(2026, 12, 16)
    assert entries["amber"].next_review_on is None
    assert active_review_sweep(today=datetime.date(2026, 12, 15)) == 0
    assert active_review_sweep(today=datetime.date(2026, 12, 16)) == 2
    assert active_review_sweep(today=datetime.date(2026, 12, 16)) == 0  # once per review date
    titles = sorted(Task.objects.filter(source="waiting_list.review").values_list("title", flat=True))
    assert len(titles) == 2 and "red rating" in titles[1] + titles[0]
    entries["red"].refresh_from_db()
    assert entries["red"].next_review_on == datetime.date(2026, 12, 30)


def test_reprioritising_to_red_starts_reviews_and_away_from_red_stops_them(world, entries):
    amber = entries["amber"]
    with clock.frozen_at(WEDNESDAY + datetime.timedelta(days=1)):
        services.waiting_list_reprioritise(
            user=world.team_manager,
            entry=amber,
            version=amber.version,
            priority="urgent",
            rag="red",
            reason="Fall",
            trigger="call",
        )
    assert amber.next_review_on == datetime.date(2026, 12, 17)
    red = entries["red"]
    services.waiting_list_reprioritise(
        user=world.team_manager,
        entry=red,
        version=red.version,
        priority="normal",
        rag="green",
        reason="Family staying",
        trigger="call",
    )
    assert red.next_review_on is None
