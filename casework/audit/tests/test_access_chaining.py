"""Access events are recorded by one INSERT and chained afterwards, once each, in order (ADR 7)."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from casework.accounts.selectors import actor_for
from casework.audit.chain import GENESIS_HASH, event_hash
from casework.audit.models import AccessEvent, ChainHead
from casework.audit.services import access_record, chain_pending_access_events, hashed_fields
from casework.audit.verify import audit_verify_all, chain_verify


def _view(world, n=0):
    return access_record(
        user=world.practitioner,
        verb="people.record_viewed",
        obj=world.person,
        person_id=world.person.pk,
        details={"n": n},
    )


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_recording_a_view_is_one_insert_and_takes_no_lock(world, django_assert_num_queries):
    actor_for(world.practitioner)  # resolved once per request, before anything is recorded
    with django_assert_num_queries(1) as queries:
        event = _view(world)
    assert queries.captured_queries[0]["sql"].startswith("INSERT")
    stored = AccessEvent.objects.get(pk=event.pk)
    assert (stored.sequence, stored.prev_hash, stored.hash) == (None, None, None)
    assert stored.actor_id == world.practitioner.pk
    assert stored.organisation_id == world.county.pk


def test_a_recorded_view_is_stored_with_every_field_as_given(world):
    event = access_record(
        user=world.practitioner,
        verb="cases.list_read_by_api",
        obj=world.person,
        person_id=world.person.pk,
        case_id=42,
        reason="Checking the referral",
        details={"scope": "worklist", "cases": [3, 1, 2], "note": 'é \u2019 "quoted"'},
        organisation_id=world.district.pk,
    )
    stored = AccessEvent.objects.get(pk=event.pk)
    fields = [field.attname for field in AccessEvent._meta.concrete_fields]
    assert {name: getattr(stored, name) for name in fields} == {name: getattr(event, name) for name in fields}
    assert stored.details == {"scope": "worklist", "cases": [3, 1, 2], "note": 'é \u2019 "quoted"'}
    assert (stored.organisation_id, stored.case_id) == (world.district.pk, 42)
    assert stored.reason == "Checking the referral"
    assert not event._state.adding


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_views_are_recorded_by_one_prepared_insert(world):
    actor_for(world.practitioner)
    events = [_view(world, n) for n in range(3)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['INSERT INTO "audit_accessevent"%'],
        )
        assert cursor.fetchone() == (1,)  # one statement, prepared once, for every view
    assert [e.details for e in AccessEvent.objects.filter(pk__in=[e.pk for e in events])] == [
        {"n": 0},
        {"n": 1},
        {"n": 2},
    ]


def test_chaining_gives_every_view_one_place_in_the_order_recorded(world):
    events = [_view(world, n) for n in range(5)]
    assert chain_pending_access_events() == 5
    chained = list(AccessEvent.objects.order_by("sequence"))
    assert [e.pk for e in chained] == [e.pk for e in events]
    assert [e.sequence for e in chained] == [1, 2, 3, 4, 5]
    assert chained[0].prev_hash == GENESIS_HASH
    for before, after in zip(chained, chained[1:], strict=False):
        assert after.prev_hash == before.hash
    for event in chained:
        assert event.hash == event_hash(prev_hash=event.prev_hash, fields=hashed_fields(event))
    head = ChainHead.objects.get(name="access")
    assert (head.last_sequence, head.last_hash) == (5, chained[-1].hash)
    assert chain_verify(AccessEvent).problem is None


def test_chaining_again_changes_nothing(world):
    [_view(world, n) for n in range(3)]
    chain_pending_access_events()
    before = list(AccessEvent.objects.values_list("pk", "sequence", "hash"))
    assert chain_pending_access_events() == 0
    assert list(AccessEvent.objects.values_list("pk", "sequence", "hash")) == before


def test_later_views_continue_the_chain(world):
    first = _view(world, 1)
    chain_pending_access_events()
    second = _view(world, 2)
    assert chain_pending_access_events() == 1
    first, second = AccessEvent.objects.get(pk=first.pk), AccessEvent.objects.get(pk=second.pk)
    assert second.sequence == 2
    assert second.prev_hash == first.hash


def test_chaining_works_through_a_long_backlog_in_batches(world):
    events = [_view(world, n) for n in range(7)]
    assert chain_pending_access_events(batch_size=3) == 7
    chained = AccessEvent.objects.order_by("sequence").values_list("pk", flat=True)
    assert list(chained) == [e.pk for e in events]
    assert chain_verify(AccessEvent).problem is None


def test_verifying_chains_what_is_pending_first(world, capsys):
    [_view(world, n) for n in range(2)]
    call_command("audit_verify")
    assert "access chain: 2 events, intact" in capsys.readouterr().out
    assert not AccessEvent.objects.filter(sequence__isnull=True).exists()


def test_an_edit_after_chaining_is_detected(world):
    [_view(world, n) for n in range(3)]
    chain_pending_access_events()
    _raw(f"UPDATE {AccessEvent._meta.db_table} SET details = %s WHERE sequence = %s", ['{"n": 99}', 2])
    problem = audit_verify_all()[1].problem
    assert problem.sequence == 2
    assert "content has changed" in problem.problem


def test_emptying_a_chained_events_chain_fields_is_detected(world):
    # Making a chained view look pending again only moves it to the end of the chain: its old place is a gap.
    [_view(world, n) for n in range(3)]
    chain_pending_access_events()
    _raw(
        f"UPDATE {AccessEvent._meta.db_table} SET sequence = NULL, prev_hash = NULL, hash = NULL "
        "WHERE sequence = %s",
        [2],
    )
    problem = audit_verify_all()[1].problem
    assert problem.sequence == 2
    assert "missing" in problem.problem


def test_a_deleted_chained_view_is_detected(world):
    [_view(world, n) for n in range(3)]
    chain_pending_access_events()
    _raw(f"DELETE FROM {AccessEvent._meta.db_table} WHERE sequence = %s", [3])
    assert "later events are missing" in audit_verify_all()[1].problem.problem


def test_the_chain_fields_are_set_whole_or_not_at_all(world):
    from django.db import IntegrityError, transaction

    event = _view(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw(f"UPDATE {AccessEvent._meta.db_table} SET sequence = 1 WHERE id = %s", [event.pk])


def test_the_command_chains_what_is_pending(world, capsys):
    [_view(world, n) for n in range(2)]
    call_command("chain_access_events")
    assert "access chain: 2 events chained" in capsys.readouterr().out
    assert chain_verify(AccessEvent).checked == 2


@pytest.mark.django_db(transaction=True)
def test_runs_at_the_same_time_chain_each_view_once(world):
    if connection.vendor == "sqlite":
        pytest.skip("needs a server database: SQLite test databases are one in-memory connection")
    [_view(world, n) for n in range(60)]
    counts, errors = [], []

    def run():
        try:
            counts.append(chain_pending_access_events(batch_size=7))
            for n in range(10):  # views keep arriving while others chain
                _view(world, 100 + n)
            counts.append(chain_pending_access_events(batch_size=7))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    counts.append(chain_pending_access_events())
    assert sum(counts) == 100
    assert sorted(AccessEvent.objects.values_list("sequence", flat=True)) == list(range(1, 101))
    report = chain_verify(AccessEvent)
    assert report.problem is None
    assert report.checked == 100


def test_the_worker_chains_views_every_minute(world):
    import datetime

    from casework.core.jobs import registered_jobs

    spec = registered_jobs()["audit.chain_access_events"]
    assert spec.every == datetime.timedelta(minutes=1)
    [_view(world, n) for n in range(2)]
    assert spec.func() == 2
    assert spec.func() == 0
