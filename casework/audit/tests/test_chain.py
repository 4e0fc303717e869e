"""The audit trail is append-only and hash-chained; audit_verify finds the first tampered event.

Change events are chained as written; access events once chain_pending_access_events has run (ADR 7),
as the fixture does, so both chains are checked here as they stand after chaining."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from casework.audit.models import AccessEvent, AuditEvent, ChainHead
from casework.audit.services import access_record, audit_record, chain_pending_access_events
from casework.audit.verify import audit_verify_all
from casework.core.context import request_context


@pytest.fixture
def events(world):
    with request_context("req-123456789", "web"):
        made = [
            audit_record(
                user=world.practitioner,
                verb="people.person_changed",
                obj=world.person,
                person_id=world.person.pk,
                changes={"phone": {"before": "", "after": str(n)}},
            )
            for n in range(5)
        ]
        access_record(
            user=world.auditor, verb="people.record_viewed", obj=world.person, person_id=world.person.pk
        )
    chain_pending_access_events()
    return made


def test_events_link_to_the_one_before(events):
    assert events[0].sequence == 1
    assert events[0].prev_hash == "0" * 64
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert events[0].request_id == "req-123456789"
    assert ChainHead.objects.get(name="audit").last_hash == events[-1].hash


def test_an_intact_trail_verifies(events, capsys):
    assert all(report.problem is None for report in audit_verify_all())
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "audit chain: 5 events, intact" in out
    assert "access chain: 1 events, intact" in out


def test_events_cannot_be_changed_or_deleted_through_the_app(events):
    event = AuditEvent.objects.get(pk=events[0].pk)
    event.reason = "covering tracks"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_edited_row_is_reported_and_the_command_fails(events, capsys):
    table = AuditEvent._meta.db_table
    _raw(f"UPDATE {table} SET reason = %s WHERE sequence = %s", ["nothing to see", 3])
    report = audit_verify_all()[0]
    assert report.problem.sequence == 3
    assert "content has changed" in report.problem.problem
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert "TAMPERED audit chain: event 3" in capsys.readouterr().out


def test_an_edited_change_payload_is_reported(events):
    table = AuditEvent._meta.db_table
    _raw(
        f"UPDATE {table} SET changes = %s WHERE sequence = %s",
        ['{"phone": {"before": "", "after": "999"}}', 2],
    )
    assert audit_verify_all()[0].problem.sequence == 2


def test_a_deleted_row_is_reported(events):
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE sequence = %s", [2])
    problem = audit_verify_all()[0].problem
    assert problem.sequence == 2
    assert "missing" in problem.problem


def test_removing_the_last_events_is_reported(events):
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE sequence >= %s", [4])
    problem = audit_verify_all()[0].problem
    assert "later events are missing" in problem.problem


def test_a_rehashed_row_breaks_the_next_link(events):
    # Someone who recomputes an edited row's own hash still breaks the link from the event after it.
    from casework.audit.chain import event_hash
    from casework.audit.services import hashed_fields

    event = AuditEvent.objects.get(sequence=2)
    event.reason = "forged"
    forged = event_hash(prev_hash=event.prev_hash, fields=hashed_fields(event))
    _raw(
        f"UPDATE {AuditEvent._meta.db_table} SET reason = %s, hash = %s WHERE sequence = %s",
        ["forged", forged, 2],
    )
    problem = audit_verify_all()[0].problem
    assert problem.sequence == 3
    assert "link" in problem.problem


def test_access_chain_is_checked_too(events):
    _raw(f"UPDATE {AccessEvent._meta.db_table} SET verb = %s WHERE sequence = %s", ["people.nothing", 1])
    reports = audit_verify_all()
    assert reports[0].problem is None
    assert reports[1].problem.sequence == 1
