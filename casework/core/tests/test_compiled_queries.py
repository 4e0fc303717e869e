"""CompiledRows runs SQL compiled once and gives what values() gives, read afresh each time."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.accounts.models import Membership
from casework.audit.models import AccessEvent
from casework.audit.services import access_record
from casework.core.compiled_queries import CompiledRows


def test_rows_are_what_values_gives_with_types_converted(world):
    access_record(
        user=world.practitioner,
        verb="people.record_viewed",
        person_id=world.person.pk,
        details={"cases": [1, 2]},
    )
    qs = AccessEvent.objects.values("id", "occurred_at", "details", "sequence")
    assert CompiledRows(qs).rows() == list(qs)
    [row] = CompiledRows(qs).rows()
    assert isinstance(row["occurred_at"], datetime.datetime)
    assert row["occurred_at"].tzinfo is datetime.UTC  # as Django's own loader gives it
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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_statement_is_prepared_once_per_connection_with_its_literals(world):
    compiled = CompiledRows(Membership.objects.filter(user=world.practitioner, is_active=True).values("role"))
    assert compiled.rows() == compiled.rows() == [{"role": "practitioner"}]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, parameter_types::text FROM pg_prepared_statements WHERE statement = %s",
            [compiled.statement],
        )
        assert cursor.fetchall() == [(compiled.statement, "{}")]  # one statement, no parameters


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_query_log_shows_the_statement_run(world):
    compiled = CompiledRows(Membership.objects.filter(user=world.practitioner).values("role"))
    with CaptureQueriesContext(connection) as queries:
        compiled.rows()
    assert [query["sql"] for query in queries.captured_queries] == [compiled.statement]
    assert f'"user_id" = {world.practitioner.pk}' in compiled.statement
