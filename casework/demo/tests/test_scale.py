"""The scale data generator: counts, histories, a valid audit chain, sequences moved on, production
refused."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.audit.verify import audit_verify_all
from casework.cases.models import Case, CaseAssignment, StageProgress
from casework.contacts.models import ContactEvent
from casework.demo.scale import generate_scale_data
from casework.people.identifiers import normalise_nhs_number, normalise_postcode
from casework.people.models import Person
from tests.factories import PersonFactory


@pytest.fixture
def generated(db, settings):
    settings.DEBUG = True
    return generate_scale_data(people=300, cases=400, contacts=2500, seed=3, stream=io.StringIO())


def test_counts_are_exact(generated):
    from casework.waiting_list.models import Escalation, WaitingListEntry

    assert generated == {
        "people": 300,
        "cases": 400,
        "contacts": 2500,
        "waiting_entries": WaitingListEntry.objects.count(),
        "escalations": Escalation.objects.count(),
    }
    assert (
        WaitingListEntry.objects.filter(exited_on__isnull=True, list_kind="assessment").count()
        == Case.objects.filter(
            status="planned", stage="awaiting_allocation", responsible_organisation__isnull=False
        ).count()
    )
    assert Person.objects.count() == 300
    assert Case.objects.count() == 400
    assert ContactEvent.objects.count() == 2500


def test_data_is_valid_and_spread(generated):
    for person in Person.objects.exclude(nhs_number=None)[:50]:
        assert normalise_nhs_number(person.nhs_number) == person.nhs_number
        assert normalise_postcode(person.postcode) == person.postcode
    assert (
        Person.objects.exclude(nhs_number=None).values("nhs_number").distinct().count()
        == Person.objects.exclude(nhs_number=None).count()
    )
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"planned", "active", "finished"} <= statuses
    assert Case.objects.values("reference").distinct().count() == 400
    allocated = Case.objects.exclude(primary_worker=None)
    assert CaseAssignment.objects.count() == allocated.count()
    assert StageProgress.objects.filter(case__in=allocated).count() >= 3 * allocated.count()


def test_the_audit_chain_stays_valid(generated):
    assert all(report.problem is None for report in audit_verify_all())


def test_ordinary_inserts_work_afterwards(generated):
    person = PersonFactory(created_by_organisation=Case.objects.first().raised_by_organisation)
    assert person.pk > 300


def test_running_again_adds_more(generated):
    generate_scale_data(people=10, cases=10, contacts=10, stream=io.StringIO())
    assert Case.objects.count() == 410
    assert all(report.problem is None for report in audit_verify_all())


def test_refused_in_production_mode(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        call_command("generate_scale_data", "--people", "1", "--cases", "1", "--contacts", "1")


def test_the_escalation_sweep_on_generated_lists_does_one_days_work(generated):
    from casework.waiting_list.escalation import escalation_sweep
    from casework.waiting_list.models import WaitingListEntry

    counts = escalation_sweep()
    # Only breaches of the last day or two (or crossing the further period) are left for today's sweep.
    open_entries = WaitingListEntry.objects.filter(exited_on__isnull=True).count()
    assert counts["level_1"] + counts["level_2"] < open_entries / 4
    assert escalation_sweep() == {"level_1": 0, "level_2": 0}
