"""Triage on receipt, due dates from the organisation's timescales, reprioritising, leaving the list."""

import datetime

import pytest

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.waiting_list import selectors, services
from casework.waiting_list.models import WaitingListEntry

WEDNESDAY = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)


def _add(world, case, **kwargs):
    values = {
        "list_kind": "assessment",
        "priority": "normal",
        "rag": "amber",
        "rag_reason": "Managing for now",
    }
    values.update(kwargs)
    return services.waiting_list_add(
        user=kwargs.pop("user", world.duty_officer),
        case=case,
        **{k: v for k, v in values.items() if k != "user"},
    )


@pytest.fixture
def wednesday():
    with clock.frozen_at(WEDNESDAY):
        yield


def test_triage_on_receipt_sets_the_due_date_in_working_days(world, unallocated, wednesday):
    entry = _add(world, unallocated, priority="urgent", rag="red", rag_reason="Lives alone, no heating")
    assert (entry.received_on, entry.due_on) == (datetime.date(2026, 12, 2), datetime.date(2026, 12, 4))
    assert entry.triaged_by == world.duty_officer and entry.organisation == world.county
    assert Case.objects.get(pk=unallocated.pk).priority == "urgent"
    assert AuditEvent.objects.filter(verb="waiting_list.added").count() == 1
    assert AuditEvent.objects.filter(verb="cases.priority_changed").count() == 1


def test_the_organisations_timescales_are_used(world, unallocated, wednesday):
    services.timescale_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        list_kind="assessment",
        priority="normal",
        working_days=5,
    )
    assert _add(world, unallocated).due_on == datetime.date(2026, 12, 9)
    with pytest.raises(PermissionRefused):
        services.timescale_set(
            user=world.team_manager,
            organisation_id=world.county.pk,
            list_kind="assessment",
            priority="normal",
            working_days=5,
        )
    with pytest.raises(ValidationFailed):
        services.timescale_set(
            user=world.org_admin,
            organisation_id=world.county.pk,
            list_kind="assessment",
            priority="normal",
            working_days=0,
        )


def test_a_crisis_is_due_within_two_days_whatever_the_list(world, unallocated):
    with clock.frozen_at(datetime.datetime(2026, 12, 24, 9, 0, tzinfo=datetime.UTC)):
        entry = _add(world, unallocated, priority="urgent", rag="red", rag_reason="No food", crisis=True)
    # Urgent would be 2 working days (the 31st, over Christmas); a crisis is answered by the 26th.
    assert entry.due_on == datetime.date(2026, 12, 26)


def test_reprioritising_records_old_and_new_and_recomputes_the_due_date(world, unallocated, wednesday):
    entry = _add(world, unallocated, priority="low", rag="green", rag_reason="Stable")
    assert entry.due_on == datetime.date(2027, 3, 1)  # 60 working days, over Christmas and New Year
    services.waiting_list_reprioritise(
        user=world.team_manager,
        entry=entry,
        version=entry.version,
        priority="urgent",
        rag="red",
        reason="Fell at home last night",
        trigger="call",
    )
    entry.refresh_from_db()
    assert (entry.priority, entry.rag, entry.due_on) == ("urgent", "red", datetime.date(2026, 12, 4))
    change = selectors.reprioritisations_for(entry=entry).get()
    assert (change.old_priority, change.new_priority, change.old_due_on, change.trigger) == (
        "low",
        "urgent",
        datetime.date(2027, 3, 1),
        "call",
    )
    assert Case.objects.get(pk=unallocated.pk).priority == "urgent"


def test_a_stale_or_empty_reprioritisation_is_refused(world, unallocated, wednesday):
    entry = _add(world, unallocated)
    version = entry.version
    services.waiting_list_reprioritise(
        user=world.team_manager,
        entry=entry,
        version=version,
        priority="urgent",
        rag="red",
        reason="Concern from GP",
        trigger="concern",
    )
    with pytest.raises(ConflictError):
        services.waiting_list_reprioritise(
            user=world.duty_officer,
            entry=WaitingListEntry.objects.get(),
            version=version,
            priority="low",
            rag="green",
            reason="x",
        )
    with pytest.raises(ValidationFailed, match="Change the priority"):
        services.waiting_list_reprioritise(
            user=world.duty_officer,
            entry=entry,
            version=entry.version,
            priority="urgent",
            rag="red",
            reason="Same",
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"priority": "high"}, "priority"),
        ({"rag": "blue"}, "rag"),
        ({"rag_reason": " "}, "rag_reason"),
        ({"list_kind": "queue"}, "list_kind"),
        ({"received_on": datetime.date(2099, 1, 1)}, "received_on"),
    ],
)
def test_bad_triage_is_refused_and_nothing_saved(world, unallocated, kwargs, field):
    with pytest.raises(ValidationFailed) as refused:
        _add(world, unallocated, **kwargs)
    assert refused.value.field == field and not WaitingListEntry.objects.exists()


def test_one_open_entry_per_list_and_only_the_holder_triages(world, unallocated):
    _add(world, unallocated)
    with pytest.raises(DomainError, match="already waiting for an assessment"):
        _add(world, unallocated)
    _add(world, unallocated, list_kind="service")
    for name in ("district_worker", "delivery_worker", "case_manager", "auditor", "outsider"):
        with pytest.raises(PermissionRefused):
            _add(world, unallocated, list_kind="review", user=getattr(world, name))


def test_the_list_is_scoped_filtered_counted_and_ordered_by_due_date(world, risk, wednesday):
    from tests.factories import CaseFactory

    urgent = _add(world, CaseFactory(person=world.person), priority="urgent", rag="red", rag_reason="r")
    low = _add(world, CaseFactory(person=world.person), priority="low", rag="green", rag_reason="g")
    normal = _add(world, CaseFactory(person=world.person), rag_reason="a")
    assert list(selectors.waiting_list_ordered(user=world.team_manager)) == [urgent, normal, low]
    only_red = selectors.waiting_list_ordered(
        user=world.team_manager, filters=selectors.WaitingFilters(rag="red")
    )
    assert list(only_red) == [urgent]
    with clock.frozen_at(WEDNESDAY + datetime.timedelta(days=3)):  # Saturday: urgent is overdue
        counts = selectors.waiting_counts(selectors.waiting_list_ordered(user=world.team_manager))
        overdue = selectors.waiting_list_ordered(
            user=world.team_manager, filters=selectors.WaitingFilters(due="overdue")
        )
        assert list(overdue) == [urgent]
    assert counts == {"total": 3, "urgent": 1, "normal": 1, "low": 1, "overdue": 1, "due_soon": 0}
    for name in ("district_worker", "delivery_worker", "outsider", "initiative_admin", "no_roles"):
        assert not selectors.waiting_list_ordered(user=getattr(world, name)).exists(), name


def test_being_given_a_worker_takes_the_case_off_the_assessment_list(world, unallocated):
    from casework.allocation import services as allocation

    entry = _add(world, unallocated)
    service = _add(world, unallocated, list_kind="service")
    allocation.case_accept(user=world.practitioner, case=unallocated)
    entry.refresh_from_db()
    service.refresh_from_db()
    assert (entry.exited_on, entry.exit_reason) == (clock.today(), "allocated")
    assert service.is_open


def test_closing_the_case_takes_it_off_every_list(world, active_case):
    from casework.cases.closing import case_close

    entry = _add(world, active_case, list_kind="service")
    case_close(user=world.practitioner, case=active_case, outcome="declined_support")
    entry.refresh_from_db()
    assert entry.exit_reason == "case_closed"
