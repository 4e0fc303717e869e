"""Task services: making a task (the rules, idempotent effect keys), completing, reassigning, moving the due
date and cancelling; every change audited with the case and person, stale versions refused."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from casework.audit.models import AuditEvent
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.tasks import selectors, services
from casework.tasks.errors import TaskClosed
from casework.tasks.models import Task
from tests.factories import CaseFactory, HouseholdFactory, MembershipFactory, TeamFactory, UserFactory


def _reload(task):
    return Task.objects.get(pk=task.pk)


def _events(verb):
    return list(AuditEvent.objects.filter(verb=verb))


# Making a task.


def test_a_worker_adds_a_task_about_a_case(world, case, today):
    task = services.task_create(
        user=world.practitioner,
        case=case,
        title="  Ring the GP surgery  ",
        due_date=today,
        assigned_to_user=world.practitioner,
        kind="follow_up",
    )
    assert task.title == "Ring the GP surgery"
    assert (task.organisation, task.person, task.status, task.version) == (
        world.county,
        world.person,
        "open",
        1,
    )
    assert task.created_by == world.practitioner
    [event] = _events("tasks.task_created")
    assert (event.case_id, event.person_id, event.actor, event.organisation_id) == (
        case.pk,
        world.person.pk,
        world.practitioner,
        world.county.pk,
    )
    assert event.object_id == str(task.pk)
    assert event.changes["due_date"] == {"before": None, "after": "2026-03-16"}


def test_a_background_job_adds_a_task_with_no_user(world, case, make_task):
    task = make_task(case=case, kind="recontact", source="job:recontact")
    assert task.created_by is None
    [event] = _events("tasks.task_created")
    assert event.actor is None and event.organisation_id == world.county.pk


def test_the_same_effect_key_gives_the_same_task(world, case, make_task):
    key = f"recontact:case:{case.pk}:2026-12-01"
    first = make_task(case=case, kind="recontact", effect_key=key)
    second = make_task(case=case, kind="recontact", effect_key=key, title="Something else")
    assert second.pk == first.pk and second.title == first.title
    assert Task.objects.filter(effect_key=key).count() == 1
    assert len(_events("tasks.task_created")) == 1


def test_an_effect_key_made_meanwhile_by_another_run_is_returned(world, case, make_task, monkeypatch):
    """Two runs of a job racing: the second finds no task, then loses the insert; it gets the first's task."""
    key = "advice:contact:7"
    real_check = services._check_due_date
    made = []

    def other_run_first(due_date, kind):
        real_check(due_date, kind)
        if not made:
            made.append(None)  # the other run's own check comes through here too
            made[0] = make_task(case=case, effect_key=key, title="From the other run")

    monkeypatch.setattr(services, "_check_due_date", other_run_first)
    task = make_task(case=case, effect_key=key)
    assert task.pk == made[0].pk
    assert Task.objects.filter(effect_key=key).count() == 1


def test_tasks_without_effect_keys_are_not_merged(world, case, make_task):
    make_task(case=case)
    make_task(case=case)
    assert Task.objects.count() == 2


def test_a_blank_effect_key_is_refused(world, case, make_task):
    with pytest.raises(ValidationFailed):
        make_task(case=case, effect_key="  ")


def test_the_assignee_must_work_in_the_owning_organisation(world, case, make_task):
    with pytest.raises(ValidationFailed) as refused:
        make_task(case=case, assigned_to_user=world.district_worker)
    assert refused.value.field == "assigned_to"
    assert "does not do casework at Test County Council" in refused.value.message
    district_team = TeamFactory(organisation=world.district, name="District Team")
    with pytest.raises(ValidationFailed, match="District Team is not a team of Test County Council"):
        make_task(case=case, assigned_to_team=district_team)


def test_read_only_roles_cannot_be_given_tasks(world, case, make_task):
    for who in (world.case_manager, world.auditor, world.org_admin):
        with pytest.raises(ValidationFailed):
            make_task(case=case, assigned_to_user=who)


def test_the_creator_must_see_the_case(world, case):
    with pytest.raises(PermissionRefused):
        services.task_create(
            user=world.district_worker,
            case=case,
            title="Look",
            due_date=clock.today(),
            assigned_to_user=world.district_worker,
        )
    with pytest.raises(PermissionRefused):
        services.task_create(
            user=world.case_manager,
            case=case,
            title="Look",
            due_date=clock.today(),
            assigned_to_user=world.practitioner,
        )


def test_the_creator_must_see_the_person(world):
    with pytest.raises(PermissionRefused):
        services.task_create(
            user=world.practitioner2,
            person=world.restricted_person,
            title="Visit",
            due_date=clock.today(),
            assigned_to_user=world.practitioner2,
        )


def test_a_restricted_persons_task_goes_to_a_named_worker_not_a_team(world, make_task):
    with pytest.raises(ValidationFailed, match="record is restricted"):
        make_task(person=world.restricted_person, assigned_to_team=world.team)
    with pytest.raises(ValidationFailed, match="cannot see Alex Hidden's record"):
        make_task(person=world.restricted_person, assigned_to_user=world.practitioner2)
    task = make_task(person=world.restricted_person, assigned_to_user=world.practitioner)
    assert task.organisation == world.county


def test_a_person_task_needs_a_relationship_for_a_team(world, make_task):
    with pytest.raises(ValidationFailed, match="could not see Dennis Marsh's record"):
        make_task(person=world.district_person, assigned_to_team=world.team)


def test_a_due_date_in_the_past_is_refused_except_for_urgent_kinds(world, case, make_task, today):
    yesterday = today - datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        make_task(case=case, due_date=yesterday, kind="follow_up")
    assert refused.value.field == "due_date"
    assert make_task(
        case=case, due_date=yesterday, kind="safeguarding", assigned_to_team=world.team
    ).is_overdue
    assert make_task(case=case, due_date=yesterday, kind="escalation").is_overdue


def test_a_task_about_nobody_is_a_team_to_do(world, make_task):
    with pytest.raises(ValidationFailed, match="team's to-do"):
        make_task(assigned_to_user=world.practitioner)
    task = services.task_create(
        user=world.team_manager,
        title="Restock the leaflets",
        due_date=clock.today(),
        assigned_to_team=world.team,
    )
    assert (task.organisation, task.case, task.person) == (world.county, None, None)


def test_the_person_must_be_the_cases_person(world, case, make_task):
    with pytest.raises(ValidationFailed) as refused:
        make_task(case=case, person=world.restricted_person)
    assert refused.value.field == "person"


def test_a_household_case_task_may_name_a_current_member(world, make_task):
    household = HouseholdFactory(created_by_organisation=world.county)
    household.memberships.create(person=world.person, start_date=datetime.date(2020, 1, 1), role="member")
    case = CaseFactory(
        person=None,
        household=household,
        initiative=world.initiative,
        raised_by_organisation=world.county,
        responsible_organisation=world.county,
        area="RG40",
    )
    task = make_task(case=case, assigned_to_team=world.team)
    assert task.person is None
    assert _events("tasks.task_created")[0].person_id is None
    assert make_task(case=case, person=world.person, assigned_to_team=world.team).person == world.person
    with pytest.raises(ValidationFailed, match="not in the household"):
        make_task(case=case, person=world.district_person, assigned_to_team=world.team)


def test_exactly_one_assignee(world, case, make_task):
    with pytest.raises(ValidationFailed, match="one worker or to one team"):
        make_task(case=case, assigned_to_user=world.practitioner, assigned_to_team=world.team)
    with pytest.raises(ValidationFailed, match="one worker or to one team"):
        make_task(case=case, assigned_to_user=None, assigned_to_team=None)


def test_the_database_refuses_two_assignees_and_an_unfinished_done(world, case, make_task):
    task = make_task(case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(assigned_to_team=world.team)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(status="done")


def test_title_and_kind_are_checked(world, case, make_task):
    with pytest.raises(ValidationFailed, match="Enter what needs to be done"):
        make_task(case=case, title="   ")
    with pytest.raises(ValidationFailed, match="200 characters or fewer"):
        make_task(case=case, title="x" * 201)
    with pytest.raises(ValidationFailed, match="kind of task"):
        make_task(case=case, kind="chores")


# Completing.


def test_completing_records_who_when_and_the_note(world, case, make_task, today):
    task = make_task(case=case)
    services.task_complete(user=world.practitioner, task=task, note="Rails fitted, she is happy", version=1)
    task = _reload(task)
    assert (task.status, task.completed_by, task.completion_note, task.version) == (
        "done",
        world.practitioner,
        "Rails fitted, she is happy",
        2,
    )
    assert task.completed_at == clock.now()
    [event] = _events("tasks.task_completed")
    assert (event.case_id, event.person_id, event.actor) == (case.pk, world.person.pk, world.practitioner)
    assert event.changes["status"] == {"before": "open", "after": "done"}


def test_a_done_task_cannot_be_completed_again(world, case, make_task):
    task = make_task(case=case)
    services.task_complete(user=world.practitioner, task=task, version=1)
    with pytest.raises(TaskClosed, match="already completed on .* by Staff"):
        services.task_complete(user=world.practitioner, task=_reload(task), version=2)


def test_a_stale_version_is_refused_and_changes_nothing(world, case, make_task):
    task = make_task(case=case)
    stale = _reload(task)
    services.task_update_due(
        user=world.practitioner,
        task=task,
        due_date=task.due_date + datetime.timedelta(days=1),
        reason="She is away",
        version=1,
    )
    with pytest.raises(ConflictError, match="Somebody else changed this task"):
        services.task_complete(user=world.practitioner, task=stale, version=stale.version)
    assert _reload(task).status == "open"
    assert not _events("tasks.task_completed")


def test_someone_not_responsible_cannot_complete(world, case, make_task):
    task = make_task(case=case)
    with pytest.raises(PermissionRefused):
        services.task_complete(user=world.practitioner2, task=task, version=1)


def test_a_job_may_complete_a_task(world, case, make_task):
    task = services.task_complete(user=None, task=make_task(case=case), version=1)
    assert task.completed_by is None and _reload(task).completed_at is not None


# Reassigning.


def test_reassigning_to_a_colleague_and_to_a_team(world, case, make_task):
    task = make_task(case=case)
    services.task_reassign(
        user=world.practitioner, task=task, to_user=world.practitioner2, reason="On leave", version=1
    )
    assert _reload(task).assigned_to_user == world.practitioner2
    [event] = _events("tasks.task_reassigned")
    assert event.reason == "On leave" and event.case_id == case.pk
    assert event.changes["assigned_to_user_id"] == {
        "before": world.practitioner.pk,
        "after": world.practitioner2.pk,
    }
    services.task_reassign(
        user=world.team_manager, task=task, to_team=world.team, reason="Anyone can", version=2
    )
    task = _reload(task)
    assert (task.assigned_to_user, task.assigned_to_team) == (None, world.team)


def test_reassigning_needs_a_reason_and_someone_new_who_could_do_it(world, case, make_task):
    task = make_task(case=case)
    with pytest.raises(ValidationFailed, match="Enter why"):
        services.task_reassign(
            user=world.practitioner, task=task, to_user=world.practitioner2, reason=" ", version=1
        )
    with pytest.raises(DomainError, match="already with"):
        services.task_reassign(
            user=world.practitioner, task=task, to_user=world.practitioner, reason="x", version=1
        )
    with pytest.raises(ValidationFailed, match="does not do casework"):
        services.task_reassign(
            user=world.practitioner, task=task, to_user=world.district_worker, reason="x", version=1
        )
    assert not _events("tasks.task_reassigned")


# The due date.


def test_moving_the_due_date(world, case, make_task, today):
    task = make_task(case=case)
    later = today + datetime.timedelta(days=30)
    services.task_update_due(
        user=world.practitioner, task=task, due_date=later, reason="She asked", version=1
    )
    assert _reload(task).due_date == later
    [event] = _events("tasks.due_date_changed")
    assert event.changes["due_date"]["after"] == later.isoformat() and event.person_id == world.person.pk
    with pytest.raises(ValidationFailed, match="already due on that date"):
        services.task_update_due(user=world.practitioner, task=task, due_date=later, reason="x", version=2)
    with pytest.raises(ValidationFailed, match="today or in the future"):
        services.task_update_due(
            user=world.practitioner,
            task=task,
            due_date=today - datetime.timedelta(days=1),
            reason="x",
            version=2,
        )
    with pytest.raises(ValidationFailed, match="Enter why"):
        services.task_update_due(user=world.practitioner, task=task, due_date=today, reason="", version=2)


# Cancelling.


def test_the_assignee_cannot_cancel_a_task_someone_else_set(world, case, make_task):
    task = make_task(case=case)
    with pytest.raises(PermissionRefused):
        services.task_cancel(user=world.practitioner, task=task, reason="Not needed", version=1)
    services.task_cancel(user=world.team_manager, task=task, reason="Not needed", version=1)
    task = _reload(task)
    assert (task.status, task.cancelled_by, task.cancellation_reason) == (
        "cancelled",
        world.team_manager,
        "Not needed",
    )
    [event] = _events("tasks.task_cancelled")
    assert event.reason == "Not needed" and event.case_id == case.pk
    with pytest.raises(TaskClosed, match="cancelled"):
        services.task_complete(user=world.practitioner, task=task, version=task.version)


def test_whoever_added_a_task_may_cancel_it(world, case):
    task = services.task_create(
        user=world.practitioner,
        case=case,
        title="Chase the OT",
        due_date=clock.today(),
        assigned_to_user=world.practitioner,
    )
    with pytest.raises(ValidationFailed, match="Enter why"):
        services.task_cancel(user=world.practitioner, task=task, reason="", version=1)
    services.task_cancel(user=world.practitioner, task=task, reason="OT rang first", version=1)
    assert _reload(task).status == "cancelled"


# Who a case's task should go to.


def test_case_task_assignee_is_the_primary_worker_else_the_team(world, case):
    assert selectors.case_task_assignee(case=case) == (world.practitioner, None)
    waiting = CaseFactory(person=world.person, allocated_team=world.team)
    assert selectors.case_task_assignee(case=waiting) == (None, world.team)
    assert selectors.case_task_assignee(case=CaseFactory(person=world.person)) == (None, None)


# Handing over on transfer.


def test_a_transferred_cases_open_tasks_go_to_the_new_organisations_team(world, case, today):
    from casework.allocation.services import case_transfer

    district_team = TeamFactory(organisation=world.district, name="Housing Team")
    TeamFactory(organisation=world.district, name="A Safeguarding Team", is_safeguarding=True)
    open_task = services.task_create(
        user=world.practitioner,
        case=case,
        title="Ring the GP",
        due_date=today,
        assigned_to_user=world.practitioner,
        kind="follow_up",
    )
    done = services.task_create(
        user=world.practitioner,
        case=case,
        title="Done already",
        due_date=today,
        assigned_to_user=world.practitioner,
        kind="follow_up",
    )
    services.task_complete(user=world.practitioner, task=done, version=done.version)
    concern = services.task_create(
        user=world.practitioner,
        case=case,
        title="Safeguarding concern",
        due_date=today,
        assigned_to_team=world.safeguarding_team,
        kind="safeguarding",
    )

    case_transfer(
        user=world.team_manager, case=case, organisation=world.district, reason="They hold the tenancy"
    )

    moved = _reload(open_task)
    assert (moved.organisation, moved.assigned_to_team, moved.assigned_to_user) == (
        world.district,
        district_team,
        None,
    )
    assert _reload(done).organisation == world.county
    assert (_reload(concern).organisation, _reload(concern).assigned_to_team) == (
        world.county,
        world.safeguarding_team,
    )
    [event] = _events("tasks.task_handed_over")
    assert event.object_id == str(open_task.pk) and "transferred to Test District Council" in event.reason
    housing_worker = UserFactory(username="housing_worker")
    MembershipFactory(
        user=housing_worker, organisation=world.district, role="practitioner", team=district_team
    )
    assert moved in selectors.team_tasks(user=housing_worker)
    assert open_task not in selectors.my_tasks(user=world.practitioner)


def test_transfer_is_refused_when_nobody_there_could_take_the_open_tasks(world, case, today):
    from casework.allocation.services import case_transfer
    from casework.cases.models import Case

    services.task_create(
        user=world.practitioner,
        case=case,
        title="Ring the GP",
        due_date=today,
        assigned_to_user=world.practitioner,
        kind="follow_up",
    )
    with pytest.raises(ValidationFailed, match="no team to take over"):
        case_transfer(user=world.team_manager, case=case, organisation=world.district, reason="Tenancy")
    assert Case.objects.get(pk=case.pk).responsible_organisation == world.county
    assert not _events("tasks.task_handed_over")


# A background job's tasks, made together.


def test_a_jobs_tasks_are_made_together_once_each_and_audited_each(world, case, today):
    specs = [
        services.JobTask(
            case=case, title="Check in", due_date=today, effect_key=f"job:{n}", assigned_to_team=world.team
        )
        for n in range(3)
    ]
    made = services.tasks_create_for_job(tasks=specs + [specs[0]])
    assert sorted(made) == ["job:0", "job:1", "job:2"]
    assert {t.organisation_id for t in made.values()} == {world.county.pk}
    assert {t.person_id for t in made.values()} == {case.person_id}
    again = services.tasks_create_for_job(tasks=specs)
    assert {k: t.pk for k, t in again.items()} == {k: t.pk for k, t in made.items()}
    assert Task.objects.count() == 3
    assert sorted(int(e.object_id) for e in _events("tasks.task_created")) == sorted(
        t.pk for t in made.values()
    )


def test_a_jobs_tasks_are_refused_together_when_one_could_not_be_done(world, case, today):
    elsewhere = TeamFactory(organisation=world.district, name="District team")
    specs = [
        services.JobTask(
            case=case, title="Check in", due_date=today, effect_key="job:ok", assigned_to_team=world.team
        ),
        services.JobTask(
            case=case,
            title="Check in",
            due_date=today,
            effect_key="job:elsewhere",
            assigned_to_team=elsewhere,
        ),
    ]
    with pytest.raises(ValidationFailed, match="District team is not a team of the organisation holding"):
        services.tasks_create_for_job(tasks=specs)
    with pytest.raises(ValidationFailed, match="could not see case"):
        services.tasks_create_for_job(
            tasks=[
                services.JobTask(
                    case=case,
                    title="Check in",
                    due_date=today,
                    effect_key="job:outsider",
                    assigned_to_user=world.district_worker,
                )
            ]
        )
    assert not Task.objects.exists() and not _events("tasks.task_created")
