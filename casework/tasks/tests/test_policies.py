"""Task access for every persona, and the predicates agree with their queryset twins."""

import pytest

from casework.core import clock
from casework.tasks import policies, selectors, services
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def tasks(world, case, make_task):
    return {
        "mine": make_task(case=case),
        "team": make_task(case=case, assigned_to_team=world.team),
        "safeguarding": make_task(case=case, kind="safeguarding", assigned_to_team=world.safeguarding_team),
        "restricted": make_task(person=world.restricted_person),
        "to_do": make_task(assigned_to_team=world.team, title="Restock the leaflets"),
        "colleague": make_task(person=world.person, assigned_to_user=world.practitioner2),
        "district": make_task(person=world.district_person, assigned_to_user=world.district_worker),
        "added_by_me": services.task_create(
            user=world.practitioner,
            case=case,
            title="Chase the OT",
            due_date=clock.today(),
            assigned_to_user=world.practitioner,
        ),
    }


VIEWERS = {
    "mine": {"practitioner", "team_manager"},
    "team": {"practitioner", "practitioner2", "team_manager"},
    "safeguarding": {"team_manager"},
    # Only named users see a restricted person's record, team managers included.
    "restricted": {"practitioner"},
    "to_do": {"practitioner", "practitioner2", "team_manager"},
    "colleague": {"practitioner2", "team_manager"},
    "district": {"district_worker"},
    "added_by_me": {"practitioner", "team_manager"},
}
CANCELLERS = {
    "mine": {"team_manager"},
    "team": {"team_manager"},
    "safeguarding": {"team_manager"},
    "restricted": set(),
    "to_do": {"team_manager"},
    "colleague": {"team_manager"},
    "district": set(),  # made by a job and the district has no team manager
    "added_by_me": {"practitioner", "team_manager"},
}


def test_view_matrix(persona, tasks):
    name, user = persona
    for key, task in tasks.items():
        assert policies.can_view_task(user, task) is (name in VIEWERS[key]), key


def test_everyone_who_sees_a_task_here_may_act_on_it(persona, tasks):
    name, user = persona
    for key, task in tasks.items():
        expected = name in VIEWERS[key]
        assert policies.can_complete_task(user, task) is expected, key
        assert policies.can_reassign_task(user, task) is expected, key
        assert policies.can_reschedule_task(user, task) is expected, key


def test_cancel_matrix(persona, tasks):
    name, user = persona
    for key, task in tasks.items():
        assert policies.can_cancel_task(user, task) is (name in CANCELLERS[key]), key


def test_a_case_manager_in_the_team_sees_its_tasks_but_cannot_act(world, tasks):
    reader = UserFactory(username="team_case_manager")
    MembershipFactory(user=reader, organisation=world.county, role="case_manager", team=world.team)
    assert policies.can_view_task(reader, tasks["team"])
    assert not policies.can_complete_task(reader, tasks["team"])
    assert not policies.can_view_task(reader, tasks["mine"])


def test_a_task_follows_its_case_out_of_sight(world, case, tasks):
    """When the case moves to another organisation, its old organisation's tasks about it are hidden."""
    from casework.cases.models import Case

    Case.objects.filter(pk=case.pk).update(responsible_organisation=world.district)
    moved = type(tasks["team"]).objects.get(pk=tasks["team"].pk)
    assert not policies.can_view_task(world.practitioner, moved)
    assert moved.pk not in set(
        selectors.task_list_visible(user=world.practitioner).values_list("pk", flat=True)
    )


def test_add_matrix(persona, world, case):
    name, user = persona
    editors = {"practitioner", "practitioner2", "team_manager", "duty_officer"}
    assert policies.can_add_task(user) is (
        name in editors | {"district_worker", "delivery_worker", "outsider"}
    )
    assert policies.can_add_task_for_case(user, case) is (name in editors)
    assert policies.can_add_task_for_person(user, world.person) is (name in editors)
    assert policies.can_add_task_for_person(user, world.restricted_person) is (name == "practitioner")


def test_list_pages_matrix(persona):
    name, user = persona
    assert policies.can_view_my_tasks(user) is (
        name
        in {
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "district_worker",
            "delivery_worker",
            "outsider",
        }
    )
    assert policies.can_view_team_tasks(user) is (name in {"practitioner", "practitioner2", "team_manager"})


def test_predicates_agree_with_queryset_twins(persona, tasks):
    _name, user = persona
    visible = set(selectors.task_list_visible(user=user).values_list("pk", flat=True))
    actionable = set(selectors.task_list_actionable(user=user).values_list("pk", flat=True))
    cancellable = set(selectors.task_list_cancellable(user=user).values_list("pk", flat=True))
    for key, task in tasks.items():
        assert (task.pk in visible) is policies.can_view_task(user, task), key
        assert (task.pk in actionable) is policies.can_complete_task(user, task), key
        assert (task.pk in cancellable) is policies.can_cancel_task(user, task), key
