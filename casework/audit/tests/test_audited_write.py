"""audited_write_if_version: the versioned write and its audit event, together or not at all."""

import pytest

from casework.audit.models import AuditEvent
from casework.audit.services import audited_write_if_version
from casework.core.errors import ConflictError, stale_message
from casework.people.models import Person

STALE = stale_message("this record")


def _write(world, **kwargs):
    person = world.person
    arguments = {
        "user": world.practitioner,
        "obj": person,
        "version": person.version,
        "fields": {"phone": "01632 960001", "other_names": person.other_names},
        "stale_message": STALE,
        "verb": "people.person_changed",
        "person_id": person.pk,
        "reason": "They rang with a new number",
    }
    return audited_write_if_version(**(arguments | kwargs))


def test_the_write_bumps_the_version_and_records_each_field(world):
    before = world.person.version
    written = _write(world)

    stored = Person.objects.get(pk=world.person.pk)
    assert (stored.phone, stored.version, stored.modified_by) == (
        "01632 960001",
        before + 1,
        world.practitioner,
    )
    assert world.person.version == before + 1  # mirrored on the instance
    assert written == {
        "phone": {"before": "", "after": "01632 960001"},
        "other_names": {"before": "", "after": ""},
    }
    event = AuditEvent.objects.get(verb="people.person_changed")
    assert (event.object_type, event.object_id, event.person_id, event.actor_id, event.reason) == (
        "people.person",
        str(world.person.pk),
        world.person.pk,
        world.practitioner.pk,
        "They rang with a new number",
    )
    assert event.changes == written


def test_a_stale_version_writes_nothing_and_records_nothing(world):
    version = world.person.version
    Person.objects.filter(pk=world.person.pk).update(version=version + 1)  # somebody else saved first

    with pytest.raises(ConflictError) as refused:
        _write(world, version=version)

    assert refused.value.message == STALE
    assert Person.objects.get(pk=world.person.pk).phone == ""
    assert not AuditEvent.objects.filter(verb="people.person_changed").exists()


def test_changed_only_leaves_out_the_fields_that_kept_their_value(world):
    _write(world, changed_only=True)

    assert AuditEvent.objects.get(verb="people.person_changed").changes == {
        "phone": {"before": "", "after": "01632 960001"}
    }


def test_the_caller_may_say_the_changes_and_add_to_them(world):
    written = _write(
        world,
        changes={"phone": {"before": "", "after": "changed"}},
        extra_changes={"source": {"before": None, "after": "call"}},
    )

    assert written["phone"] == {"before": "", "after": "01632 960001"}
    assert AuditEvent.objects.get(verb="people.person_changed").changes == {
        "phone": {"before": "", "after": "changed"},
        "source": {"before": None, "after": "call"},
    }
