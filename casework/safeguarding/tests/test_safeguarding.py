"""Safeguarding concerns: 999 first, routed to the safeguarding team as a task due today, strictest access."""

import pytest
from django.urls import reverse

from casework.allocation.services import case_accept
from casework.core import clock
from casework.core.errors import ValidationFailed
from casework.safeguarding import policies, selectors, services
from casework.tasks.models import Task
from tests.factories import CaseFactory, MembershipFactory, UserFactory


@pytest.fixture
def safeguarder(world):
    user = UserFactory(username="safeguarder")
    MembershipFactory(user=user, organisation=world.county, team=world.safeguarding_team, role="practitioner")
    return user


@pytest.fixture
def case(world):
    return case_accept(user=world.practitioner, case=CaseFactory(person=world.person))


def _raise(world, case, **extra):
    data = {"at_risk": "adult", "what_happened": "Bruises on her arms; said her son pushed her",
            "immediate_danger": False, "abuse_types": ["physical", "domestic"]}
    data.update(extra)
    return services.concern_raise(user=world.duty_officer, person=world.person, case=case, **data)


def test_immediate_danger_needs_999_first(world, case):
    with pytest.raises(ValidationFailed) as error:
        _raise(world, case, immediate_danger=True)
    assert error.value.field == "called_999"
    concern = _raise(world, case, immediate_danger=True, called_999=True)
    assert concern.called_999


def test_routed_to_the_safeguarding_team_as_a_task_due_today(world, case):
    concern = _raise(world, case)
    task = Task.objects.get(kind="safeguarding")
    assert task.assigned_to_team == world.safeguarding_team
    assert task.due_date == clock.today()
    assert concern.routed_to_team == world.safeguarding_team


def test_only_safeguarding_team_allocated_worker_and_managers_see_it(world, case, safeguarder):
    concern = _raise(world, case)
    allowed = {"safeguarder": safeguarder, "practitioner": world.practitioner, "team_manager": world.team_manager,
               "case_manager": world.case_manager}
    refused = {"practitioner2": world.practitioner2, "duty_officer": world.duty_officer, "auditor": world.auditor,
               "district_worker": world.district_worker, "org_admin": world.org_admin}
    for name, user in {**allowed, **refused}.items():
        visible = selectors.concern_list_visible(user=user).filter(pk=concern.pk).exists()
        assert policies.can_view_concern(user, concern) is visible is (name in allowed), name


def test_detail_page_refusal_is_404(login, world, case):
    concern = _raise(world, case)
    url = reverse("safeguarding:concern_detail", args=[concern.pk])
    assert login(world.practitioner2).get(url).status_code == 404
    assert "Bruises" in login(world.practitioner).get(url).content.decode()


def test_raise_page(login, world, case):
    client = login(world.practitioner)
    url = reverse("safeguarding:concern_raise") + f"?case={case.pk}"
    assert "call 999 now" in client.get(url).content.decode()
    response = client.post(url, {"at_risk": "adult", "what_happened": "Said she is frightened to go home",
                                 "immediate_danger": "yes"})
    assert "call 999 now, then confirm" in response.content.decode()
    response = client.post(url, {"at_risk": "adult", "what_happened": "Said she is frightened to go home",
                                 "immediate_danger": "yes", "called_999": "on", "abuse_types": ["domestic"]})
    assert response.status_code == 302
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Safeguarding concern" in page


def test_the_case_flag_shows_to_colleagues_without_the_detail(login, world, case):
    _raise(world, case)
    assert selectors.case_has_concern(case=case)
    page = login(world.practitioner2).get(case.get_absolute_url()).content.decode()
    assert "Safeguarding concern raised" in page
    assert "Bruises" not in page


@pytest.mark.parametrize("who", ["restricted_person", "district_person"])
def test_a_concern_is_never_blocked_by_who_can_open_the_record(world, who):
    person = getattr(world, who)
    user = world.practitioner if who == "restricted_person" else world.district_worker
    if who == "district_person":
        from tests.factories import TeamFactory

        TeamFactory(organisation=world.district, name="District safeguarding", is_safeguarding=True)
    concern = services.concern_raise(user=user, person=person, at_risk="adult", what_happened="Seen with bruises",
                                     immediate_danger=False)
    assert Task.objects.filter(kind="safeguarding", source=f"safeguarding:{concern.pk}").exists()
