"""Enablement is free for its first 6 weeks: nothing charges for a day within them (SI 2014/2672 reg 3)."""

import datetime
from decimal import Decimal

import pytest

from casework.plans.charging.enablement import (
    FREE_DAYS,
    EnablementPeriod,
    free_until,
    is_free_enablement_day,
    weekly_charge_for_week,
    within_free_weeks,
)

START = datetime.date(2026, 4, 6)  # a Monday


def test_the_free_weeks_are_42_days_from_the_start():
    assert free_until(START) == datetime.date(2026, 5, 17)
    assert within_free_weeks(START, START)
    assert within_free_weeks(free_until(START), START)
    assert not within_free_weeks(free_until(START) + datetime.timedelta(days=1), START)
    assert not within_free_weeks(START - datetime.timedelta(days=1), START)


def test_no_day_of_the_first_six_weeks_is_charged_for():
    periods = [EnablementPeriod(START)]
    for n in range(FREE_DAYS):
        day = START + datetime.timedelta(days=n)
        assert is_free_enablement_day(day, periods)
        assert weekly_charge_for_week(Decimal("123.45"), day, [EnablementPeriod(day)]) == Decimal("0.00")


def test_each_of_the_six_weeks_charges_nothing_and_the_seventh_charges_in_full():
    periods = [EnablementPeriod(START)]
    for week in range(6):
        starts = START + datetime.timedelta(weeks=week)
        assert weekly_charge_for_week(Decimal("80.00"), starts, periods) == Decimal("0.00")
    assert weekly_charge_for_week(Decimal("80.00"), START + datetime.timedelta(weeks=6), periods) == Decimal(
        "80.00"
    )


def test_a_week_partly_in_enablement_is_charged_for_its_other_days_only():
    # Enablement starts on a Thursday: Monday to Wednesday are chargeable (3/7 of £70).
    thursday = START + datetime.timedelta(days=3)
    assert weekly_charge_for_week(Decimal("70.00"), START, [EnablementPeriod(thursday)]) == Decimal("30.00")


def test_days_after_an_early_end_are_chargeable():
    periods = [EnablementPeriod(START, ends=START + datetime.timedelta(days=9))]
    assert is_free_enablement_day(START + datetime.timedelta(days=9), periods)
    assert not is_free_enablement_day(START + datetime.timedelta(days=10), periods)


def test_no_enablement_charges_the_full_week():
    assert weekly_charge_for_week(Decimal("55.10"), START, []) == Decimal("55.10")


@pytest.mark.django_db
def test_a_case_in_enablement_is_charged_nothing_for_its_first_six_weeks(world, case):
    from casework.plans import episode_selectors, episode_services

    episode_services.enablement_episode_start(
        user=world.practitioner,
        case=case,
        referral_source="hospital_discharge",
        started_on=START,
        planned_end_on=START + datetime.timedelta(weeks=8),
        goals=["Walk to the shop"],
        over_six_weeks_reason="A second fall",
    )
    charged = [
        episode_selectors.weekly_charge_for_case(
            case=case, week_starts=START + datetime.timedelta(weeks=week), weekly_charge=Decimal("90.00")
        )
        for week in range(8)
    ]
    assert charged == [Decimal("0.00")] * 6 + [Decimal("90.00")] * 2
