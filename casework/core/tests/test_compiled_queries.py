"""CompiledRows runs SQL compiled once and gives what values() gives, read afresh each time."""

import datetime

from casework.accounts.models import Membership
from casework.audit.models import AccessEvent
from casework.audit.services import access_record
from casework.core.compiled_queries import CompiledRows


def test_rows_are_what_values_gives_with_types_converted(world):
    access_record(user=world.practitioner, verb="people.record_viewed", person_id=world.person.pk,
                  details={"cases": [1, 2]})
    qs = AccessEvent.objects.values("id", "occurred_at", "details", "sequence")
    assert CompiledRows(qs).rows() == list(qs)
    [row] = CompiledRows(qs).rows()
    assert isinstance(row["occurred_at"], datetime.datetime)
    assert row["details"] == {"cases": [1, 2]}


def test_rows_are_read_afresh_on_every_run(world):
    compiled = CompiledRows(Membership.objects.filter(user=world.practitioner, is_active=True).values("role"))
    assert compiled.rows() == [{"role": "practitioner"}]
    Membership.objects.filter(user=world.practitioner).update(is_active=False)
    assert compiled.rows() == []


def test_a_query_that_cannot_match_runs_nothing(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert CompiledRows(Membership.objects.none().values("role")).rows() == []
        assert CompiledRows(Membership.objects.filter(pk__in=[]).values("role")).rows() == []
