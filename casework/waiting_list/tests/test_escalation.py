"""Escalation: once per breach, at two levels, however often the sweep runs."""

import datetime

import pytest
from django.urls import reverse

from casework.contacts.models import Message
from casework.core import clock, jobs
from casework.tasks.models import Task
from casework.waiting_list import services
from casework.waiting_list.escalation import escalation_sweep
from casework.waiting_list.models import Escalation, WaitingListSettings

WEDNESDAY = datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)


@pytest.fixture
def entry(world, unallocated):
    with clock.frozen_at(WEDNESDAY):
        return services.waiting_list_add(
            user=world.duty_officer,
            case=unallocated,
            list_kind="assessment",
            priority="urgent",
            rag="red",
            rag_reason="No heating",
        )  # due Fri 4 Dec


def _on(day):
    return clock.frozen_at(datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC))


def test_nothing_is_escalated_before_the_due_date_has_passed(world, entry):
    assert escalation_sweep(today=datetime.date(2026, 12, 4)) == {"level_1": 0, "level_2": 0}


def test_a_breach_alerts_the_team_managers_and_makes_one_task_however_often_it_runs(world, entry):
    with _on(datetime.date(2026, 12, 5)):
        assert escalation_sweep() == {"level_1": 1, "level_2": 0}
        assert escalation_sweep() == {"level_1": 0, "level_2": 0}
    escalation = Escalation.objects.get()
    assert (escalation.level, escalation.breached_due_on) == (1, datetime.date(2026, 12, 4))
    task = Task.objects.get(kind="escalation")
    # The case has no team yet, so the task goes to a team manager of the organisation.
    assert task.assigned_to_user == world.team_manager and task.case == entry.case
    alert = Message.objects.get(to_user=world.team_manager)
    assert entry.case.reference in alert.body and alert.from_user is None


def test_the_second_level_goes_to_the_escalation_contact_after_the_further_period(world, entry):
    from tests.factories import MembershipFactory, UserFactory

    head = UserFactory(username="head_of_service")
    MembershipFactory(user=head, organisation=world.county, role="team_manager")
    WaitingListSettings.objects.create(
        organisation=world.county, escalation_contact=head, second_level_working_days=2
    )
    with _on(datetime.date(2026, 12, 7)):
        assert escalation_sweep() == {"level_1": 1, "level_2": 0}
    # 2 working days after Friday 4th is Tuesday 8th; still waiting on Wednesday 9th.
    with _on(datetime.date(2026, 12, 8)):
        assert escalation_sweep() == {"level_1": 0, "level_2": 0}
    with _on(datetime.date(2026, 12, 9)):
        assert escalation_sweep() == {"level_1": 0, "level_2": 1}
        assert escalation_sweep() == {"level_1": 0, "level_2": 0}
    assert Message.objects.filter(to_user=head, body__contains="needs a decision").count() == 1
    assert Task.objects.filter(kind="escalation", assigned_to_user=head).count() == 1


def test_with_no_escalation_contact_the_second_level_tells_the_organisation_admins(world, entry, login):
    # As the demo ships: no escalation contact. The second level must still tell someone, and say whom.
    with _on(datetime.date(2026, 12, 7)):
        escalation_sweep()
    with _on(datetime.date(2026, 12, 17)):
        assert escalation_sweep() == {"level_1": 0, "level_2": 1}
    second = Escalation.objects.get(level=2)
    assert second.notified == world.org_admin
    assert (
        second.alerted
        == f"the organisation admins, as no escalation contact is set ({world.org_admin.display_name})"
    )
    assert Message.objects.filter(to_user=world.org_admin, body__contains="needs a decision").count() == 1
    first = Escalation.objects.get(level=1)
    assert first.alerted == f"the team managers ({world.team_manager.display_name})"
    page = login(world.team_manager).get(reverse("cases:case_waiting", args=[entry.case.pk])).content.decode()
    assert "to the organisation admins, as no escalation contact is set" in page


def test_a_new_due_date_is_a_new_breach_and_leaving_the_list_stops_it(world, entry):
    with _on(datetime.date(2026, 12, 5)):
        escalation_sweep()
    services.waiting_list_reprioritise(
        user=world.team_manager,
        entry=entry,
        version=entry.version,
        priority="normal",
        rag="amber",
        reason="Heater delivered",
        trigger="call",
    )
    entry.refresh_from_db()  # normal: 20 working days from 2 December
    with _on(entry.due_on + datetime.timedelta(days=1)):
        assert escalation_sweep()["level_1"] == 1
    assert Escalation.objects.filter(entry=entry, level=1).count() == 2
    services.waiting_list_exit(user=world.team_manager, entry=entry, reason="no_longer_needed")
    with _on(entry.due_on + datetime.timedelta(days=30)):
        assert escalation_sweep() == {"level_1": 0, "level_2": 0}


def test_the_sweep_runs_as_a_scheduled_job(world, entry):
    with _on(datetime.date(2026, 12, 5)):
        assert "waiting_list.escalation_sweep" in jobs.schedule_tick()
        assert "waiting_list.escalation_sweep" not in jobs.schedule_tick()  # not due again for 15 minutes
        jobs.run_pending()
    assert Escalation.objects.count() == 1


def test_escalations_show_on_the_case_and_the_list(world, login, entry):
    with _on(datetime.date(2026, 12, 5)):
        escalation_sweep()
        client = login(world.team_manager)
        assert "Escalated</strong>" in client.get("/waiting-list/").content.decode()
        page = client.get(reverse("cases:case_waiting", args=[entry.case.pk])).content.decode()
        assert f"to the team managers ({world.team_manager.display_name}), due date 4 Dec 2026 passed" in page


def _waiting(world, risk, people, *, team=None):
    from tests.factories import CaseFactory

    with clock.frozen_at(WEDNESDAY):
        return [
            services.waiting_list_add(
                user=world.duty_officer,
                case=CaseFactory(person=person, risk_category=risk["high"], allocated_team=team),
                list_kind="assessment",
                priority="urgent",
                rag="red",
                rag_reason="No heating",
            )
            for person in people
        ]


def test_a_sweep_writes_a_table_at_a_time_so_its_queries_do_not_grow_with_the_breaches(world, risk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.audit.verify import audit_verify_all
    from tests.factories import PersonFactory

    def sweep_queries(count, day):
        _waiting(
            world,
            risk,
            [PersonFactory(created_by_organisation=world.county) for _ in range(count)],
            team=world.team,
        )
        with _on(day), CaptureQueriesContext(connection) as queries:
            assert escalation_sweep()["level_1"] == count
        return len(queries)

    few, many = sweep_queries(2, datetime.date(2026, 12, 5)), sweep_queries(20, datetime.date(2026, 12, 5))
    assert many == few
    assert Escalation.objects.count() == Task.objects.filter(kind="escalation").count() == 22
    assert set(Task.objects.filter(kind="escalation").values_list("assigned_to_team", flat=True)) == {
        world.team.pk
    }
    assert Message.objects.filter(to_user=world.team_manager).count() == 22
    from casework.audit.models import AuditEvent

    assert AuditEvent.objects.filter(verb="waiting_list.escalated").count() == 22
    assert AuditEvent.objects.filter(verb="tasks.task_created", object_type="tasks.task").count() >= 22
    assert all(
        report.problem is None for report in audit_verify_all()
    )  # the events written together are chained as one at a time would be


def test_a_restricted_persons_breach_is_never_given_to_a_team_that_cannot_see_it(world, risk):
    (entry,) = _waiting(world, risk, [world.restricted_person], team=world.team)
    with _on(datetime.date(2026, 12, 5)):
        assert escalation_sweep()["level_1"] == 1
    escalation = Escalation.objects.get(entry=entry)
    # The team manager is alerted, but cannot open the record, so no task is made that nobody could see.
    assert escalation.notified == world.team_manager and escalation.task is None
    assert not Task.objects.filter(kind="escalation").exists()


def test_when_another_sweep_escalated_one_first_the_rest_are_still_escalated_once(world, risk, monkeypatch):
    from casework.waiting_list import escalation as module
    from tests.factories import PersonFactory

    entries = _waiting(
        world, risk, [PersonFactory(created_by_organisation=world.county) for _ in range(3)], team=world.team
    )
    real = module._recipients
    raced = []

    def racing(entry, level, cache):
        if not raced:  # between our look-up and our insert, another sweep escalates the second entry
            raced.append(
                Escalation.objects.create(
                    entry=entries[1], level=1, breached_due_on=entries[1].due_on, raised_at=clock.now()
                )
            )
        return real(entry, level, cache)

    monkeypatch.setattr(module, "_recipients", racing)
    with _on(datetime.date(2026, 12, 5)):
        # The batch's insert collides and is rolled back whole, the racing row with it; one by one, each is
        # made.
        assert escalation_sweep()["level_1"] == 3
        assert escalation_sweep()["level_1"] == 0
    assert sorted(Escalation.objects.values_list("entry_id", flat=True)) == sorted(e.pk for e in entries)
    assert Task.objects.filter(kind="escalation").count() == 3
