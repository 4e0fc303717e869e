"""The task lists: overdue first then by due date (with the clock moved), my tasks, team tasks for members and
for team managers, the status filter, and a case's and a person's tasks."""

import datetime

import pytest

from casework.core import clock
from casework.tasks import selectors, services
from tests.factories import MembershipFactory, TeamFactory, UserFactory

from .conftest import NOON, TODAY


def _titles(qs):
    return [task.title for task in qs]


@pytest.fixture
def dated(world, case, make_task):
    """Tasks for world.practitioner made a fortnight before TODAY, due on different days around it."""
    with clock.frozen_at(NOON - datetime.timedelta(days=14)):
        made = {
            title: make_task(case=case, title=title, due_date=TODAY + datetime.timedelta(days=offset))
            for title, offset in [
                ("next week", 7),
                ("today", 0),
                ("last week", -7),
                ("yesterday", -1),
                ("tomorrow", 1),
            ]
        }
    return made


def test_my_tasks_are_overdue_first_then_by_due_date(world, dated, today):
    tasks = list(selectors.my_tasks(user=world.practitioner))
    assert _titles(tasks) == ["last week", "yesterday", "today", "tomorrow", "next week"]
    assert [task.is_overdue for task in tasks] == [True, True, False, False, False]
    assert [task.is_due_today for task in tasks] == [False, False, True, False, False]


def test_with_every_status_open_overdue_tasks_still_come_first(world, dated, today):
    services.task_complete(user=world.practitioner, task=dated["last week"], version=1)
    mixed = selectors.my_tasks(user=world.practitioner, status="all")
    # The finished one is not overdue any more, so it goes by its due date among the rest.
    assert _titles(mixed) == ["yesterday", "last week", "today", "tomorrow", "next week"]
    assert _titles(selectors.my_tasks(user=world.practitioner, status="done")) == ["last week"]
    assert "last week" not in _titles(selectors.my_tasks(user=world.practitioner))


def test_moving_the_clock_makes_tasks_overdue(world, dated):
    with clock.frozen_at(NOON + datetime.timedelta(days=8)):
        overdue = [task.title for task in selectors.my_tasks(user=world.practitioner) if task.is_overdue]
    assert overdue == ["last week", "yesterday", "today", "tomorrow", "next week"]
    with clock.frozen_at(NOON - datetime.timedelta(days=8)):
        assert not any(task.is_overdue for task in selectors.my_tasks(user=world.practitioner))


def test_my_tasks_are_only_mine(world, case, make_task):
    make_task(case=case, assigned_to_team=world.team)
    make_task(case=case, assigned_to_user=world.practitioner2)
    mine = make_task(case=case)
    assert list(selectors.my_tasks(user=world.practitioner)) == [mine]


def test_team_tasks_for_a_member_are_their_teams_tasks(world, case, make_task):
    team_task = make_task(case=case, assigned_to_team=world.team)
    make_task(case=case, assigned_to_user=world.practitioner2)
    make_task(case=case, kind="safeguarding", assigned_to_team=world.safeguarding_team)
    assert list(selectors.team_tasks(user=world.practitioner)) == [team_task]


def test_team_tasks_for_a_manager_include_their_members_tasks(world, case, make_task, today):
    south = TeamFactory(organisation=world.county, name="Locality Team South")
    southerner = UserFactory(username="southerner")
    MembershipFactory(user=southerner, organisation=world.county, role="practitioner", team=south)
    north = make_task(case=case, assigned_to_team=world.team, due_date=today + datetime.timedelta(days=3))
    member = make_task(case=case, assigned_to_user=world.practitioner2, due_date=today)
    south_task = make_task(
        case=case, assigned_to_user=southerner, due_date=today + datetime.timedelta(days=1)
    )
    duty = make_task(case=case, assigned_to_user=world.duty_officer)  # in no team
    everything = list(selectors.team_tasks(user=world.team_manager))
    assert everything == [member, south_task, north]
    assert duty not in everything
    assert list(selectors.team_tasks(user=world.team_manager, team_id=south.pk)) == [south_task]
    assert list(selectors.team_tasks(user=world.team_manager, team_id=world.team.pk)) == [member, north]
    # A practitioner cannot look at another team's list.
    assert list(selectors.team_tasks(user=world.practitioner, team_id=south.pk)) == []
    assert [team.name for team in selectors.team_list_for_tasks(user=world.team_manager)] == [
        "Locality Team North",
        "Locality Team South",
        "Safeguarding Team",
    ]
    assert [team.name for team in selectors.team_list_for_tasks(user=world.practitioner)] == [
        "Locality Team North"
    ]


def test_tasks_for_a_case_and_a_person(world, case, make_task):
    about_case = make_task(case=case, assigned_to_team=world.team)
    about_person = make_task(person=world.person, assigned_to_team=world.team)
    hidden = make_task(case=case, assigned_to_user=world.practitioner2)
    assert list(selectors.tasks_for_case(user=world.practitioner, case=case)) == [about_case]
    assert set(selectors.tasks_for_person(user=world.practitioner, person=world.person)) == {
        about_case,
        about_person,
    }
    assert hidden in selectors.tasks_for_case(user=world.team_manager, case=case)


@pytest.fixture
def subject_cases(world, case):
    """The county's cases about world.person, about the restricted person, and about a household of both."""
    from casework.allocation import services as allocation
    from casework.people.models import HouseholdMembership
    from tests.factories import CaseFactory, HouseholdFactory

    household = HouseholdFactory(created_by_organisation=world.county)
    for person in (world.person, world.restricted_person):
        HouseholdMembership.objects.create(household=household, person=person, start_date=TODAY)
    restricted = CaseFactory(person=world.restricted_person)
    household_case = CaseFactory(
        person=None,
        household=household,
        initiative=world.initiative,
        raised_by_organisation=world.county,
        responsible_organisation=world.county,
        area="RG40",
    )
    return {
        "person": case,
        "restricted": allocation.case_accept(user=world.practitioner, case=restricted),
        "household": allocation.case_accept(user=world.practitioner, case=household_case),
    }


def test_a_cases_tasks_are_those_the_policy_lets_each_persona_see(persona, world, subject_cases, make_task):
    from casework.tasks.policies import can_view_task

    person, restricted, household = (subject_cases[key] for key in ("person", "restricted", "household"))
    made = [
        make_task(case=person, assigned_to_team=world.team),
        make_task(case=person, assigned_to_user=world.practitioner2),
        make_task(case=restricted),  # the restricted person's, to the practitioner named on them
        make_task(case=household, assigned_to_team=world.team),
        make_task(case=household, person=world.person, assigned_to_team=world.team),
        make_task(case=household, person=world.restricted_person),
    ]
    _name, user = persona
    for case in (person, restricted, household):
        expected = {task for task in made if task.case_id == case.pk and can_view_task(user, task)}
        assert set(selectors.tasks_for_case(user=user, case=case)) == expected, case


def test_overdue_count(world, dated, today):
    assert selectors.task_count_overdue(user=world.practitioner) == 2
    assert selectors.task_count_overdue(user=world.practitioner2) == 0
