"""fill_foreign_keys: one query per table pointed to, whatever the number of rows and keys."""

from casework.cases.models import Case
from casework.core.related import fill_foreign_keys
from tests.factories import CaseFactory, PersonFactory


def test_keys_to_one_table_are_read_in_one_query(world, django_assert_num_queries):
    CaseFactory(person=PersonFactory(created_by_organisation=world.county), responsible_organisation=None)
    CaseFactory(
        person=PersonFactory(created_by_organisation=world.district), primary_worker=world.practitioner
    )
    rows = list(Case.objects.order_by("raised_by_organisation__name"))
    with django_assert_num_queries(2):
        fill_foreign_keys(rows, "responsible_organisation", "raised_by_organisation", "primary_worker")
    with django_assert_num_queries(0):
        assert [(c.raised_by_organisation.name, c.responsible_organisation) for c in rows] == [
            ("Test County Council", None),
            ("Test District Council", world.district),
        ]
        assert [c.primary_worker for c in rows] == [None, world.practitioner]


def test_nothing_is_read_for_no_rows_or_no_keys(world, django_assert_num_queries):
    CaseFactory(person=PersonFactory(created_by_organisation=world.county))
    rows = list(Case.objects.all())
    with django_assert_num_queries(0):
        fill_foreign_keys([], "primary_worker")
        fill_foreign_keys(rows, "primary_worker", "allocation_rule")
        assert rows[0].primary_worker is None and rows[0].allocation_rule is None


def test_rows_of_several_models_share_the_query_for_a_table(world, django_assert_num_queries):
    from casework.people.models import Person

    case = CaseFactory(person=PersonFactory(created_by_organisation=world.county))
    rows = [Case.objects.get(pk=case.pk), Person.objects.get(pk=case.person_id)]
    with django_assert_num_queries(1):
        fill_foreign_keys(rows, "responsible_organisation", "created_by_organisation")
    with django_assert_num_queries(0):
        assert rows[0].responsible_organisation == rows[1].created_by_organisation == world.county
