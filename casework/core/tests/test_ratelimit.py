"""Rate limits counted in the database: fixed windows, shared by every connection, purged when they end."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from casework.core import clock
from casework.core.jobs import registered_jobs
from casework.core.models import RateLimitWindow
from casework.core.ratelimit import (
    minutes_text,
    rate_limit_hit,
    rate_limit_hold,
    rate_limit_holds,
    rate_limit_reached,
)

T0 = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
TEN_MINUTES = datetime.timedelta(minutes=10)


def test_hits_count_up_within_the_window_and_a_new_window_starts_after_it(db):
    with clock.frozen_at(T0):
        assert rate_limit_hit("k", window=TEN_MINUTES).count == 1
    with clock.frozen_at(T0 + datetime.timedelta(minutes=9, seconds=59)):
        second = rate_limit_hit("k", window=TEN_MINUTES)
    assert (second.count, second.ends_at) == (2, T0 + TEN_MINUTES)  # the window does not slide
    with clock.frozen_at(T0 + TEN_MINUTES):
        fresh = rate_limit_hit("k", window=TEN_MINUTES)
    assert (fresh.count, fresh.ends_at) == (1, T0 + 2 * TEN_MINUTES)
    assert RateLimitWindow.objects.get(key="k").count == 1


def test_keys_count_apart(db):
    with clock.frozen_at(T0):
        rate_limit_hit("a", window=TEN_MINUTES)
        rate_limit_hit("a", window=TEN_MINUTES)
        assert rate_limit_hit("b", window=TEN_MINUTES).count == 1


def test_a_limit_is_reached_only_while_its_window_holds_as_many(db):
    with clock.frozen_at(T0):
        assert rate_limit_reached("k", limit=2) is None  # no window at all
        rate_limit_hit("k", window=TEN_MINUTES)
        assert rate_limit_reached("k", limit=2) is None
        rate_limit_hit("k", window=TEN_MINUTES)
        assert rate_limit_reached("k", limit=2) == T0 + TEN_MINUTES
    with clock.frozen_at(T0 + TEN_MINUTES):
        assert rate_limit_reached("k", limit=2) is None
        assert rate_limit_holds(2, T0 + TEN_MINUTES, limit=2) is None


def test_holding_a_window_keeps_its_count_until_then(db):
    with clock.frozen_at(T0):
        rate_limit_hit("k", window=TEN_MINUTES)
        rate_limit_hold("k", until=T0 + datetime.timedelta(hours=1))
    with clock.frozen_at(T0 + datetime.timedelta(minutes=59)):
        assert rate_limit_reached("k", limit=1) == T0 + datetime.timedelta(hours=1)
        assert rate_limit_hit("k", window=TEN_MINUTES).count == 2


def test_the_hourly_job_deletes_ended_windows_only(db):
    spec = registered_jobs()["core.rate_limits_purge"]
    assert spec.every == datetime.timedelta(hours=1)
    with clock.frozen_at(T0):
        rate_limit_hit("ended", window=TEN_MINUTES)
        rate_limit_hit("running", window=datetime.timedelta(hours=1))
    with clock.frozen_at(T0 + TEN_MINUTES):
        assert spec.func() == 1
        assert spec.func() == 0
    assert list(RateLimitWindow.objects.values_list("key", flat=True)) == ["running"]


def test_minutes_are_rounded_up_for_people():
    assert minutes_text(1) == "1 minute"
    assert minutes_text(60) == "1 minute"
    assert minutes_text(61) == "2 minutes"
    assert minutes_text(600) == "10 minutes"


def _in_another_connection(function):
    """Run `function` in a thread, which has a database connection of its own (as another worker has)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except Exception as error:  # noqa: BLE001 - raised again below
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.mark.django_db(transaction=True)
def test_a_window_is_shared_by_every_connection():
    def hit():
        return rate_limit_hit("shared", window=TEN_MINUTES).count

    assert [hit(), _in_another_connection(hit), hit(), _in_another_connection(hit)] == [1, 2, 3, 4]
    assert _in_another_connection(lambda: rate_limit_reached("shared", limit=4)) is not None


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite's test database is in memory, where a second writer is refused at once "
    "instead of waiting its turn (a database file, as in production, waits 20 s)",
)
@pytest.mark.django_db(transaction=True)
def test_hits_from_many_connections_at_once_are_each_counted_once():
    counts, errors, start = [], [], threading.Barrier(6)

    def hit():
        try:
            start.wait()
            for _ in range(5):
                counts.append(rate_limit_hit("shared", window=TEN_MINUTES).count)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hit) for _ in range(6)]
    [thread.start() for thread in threads]
    [thread.join() for thread in threads]
    assert errors == []
    assert sorted(counts) == list(range(1, 31))
    assert RateLimitWindow.objects.get(key="shared").count == 30
