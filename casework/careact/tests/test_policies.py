"""Who reads and records the Care Act steps: a persona matrix; each predicate agrees with its twin."""

import pytest

from casework.careact import selectors
from casework.core.permissions import has_perm

VIEW = {"practitioner", "practitioner2", "team_manager", "duty_officer", "case_manager", "auditor"}
RECORD = {"practitioner", "team_manager"}
EXCEPTION = {"team_manager"}


def test_permission_matrix(world, case, persona):
    name, user = persona
    assert has_perm(user, "careact.view_steps_case", case) == (name in VIEW)
    assert has_perm(user, "careact.record_steps_case", case) == (name in RECORD)
    assert has_perm(user, "careact.record_advocacy_exception_case", case) == (name in EXCEPTION)


@pytest.mark.parametrize(
    ("permission", "twin"),
    [
        ("careact.view_steps_case", selectors.case_list_steps_visible),
        ("careact.record_steps_case", selectors.case_list_steps_recordable),
        ("careact.record_advocacy_exception_case", selectors.case_list_advocacy_exception),
    ],
)
def test_predicates_agree_with_their_querysets(world, case, district_case, persona, permission, twin):
    _name, user = persona
    listed = set(twin(user=user).values_list("pk", flat=True))
    for each in (case, district_case):
        assert has_perm(user, permission, each) == (each.pk in listed)


def test_the_district_holds_its_own_case(world, district_case):
    assert has_perm(world.district_worker, "careact.record_steps_case", district_case)
    assert not has_perm(world.practitioner, "careact.view_steps_case", district_case)  # the lead does not
    assert not has_perm(world.team_manager, "careact.record_advocacy_exception_case", district_case)
