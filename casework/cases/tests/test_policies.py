"""Case access for every persona, and the predicates agree with their queryset twins."""

import pytest

from casework.allocation import services as allocation
from casework.cases import policies, selectors
from tests.factories import CaseFactory

VIEWERS = {"practitioner", "practitioner2", "team_manager", "duty_officer", "case_manager", "auditor"}
INDEX_VIEWERS = VIEWERS | {"org_admin", "initiative_admin"}  # every user of the lead organisation


@pytest.fixture
def cases(world, risk):
    unallocated = CaseFactory(person=world.person, risk_category=risk["low"])
    active = allocation.case_accept(
        user=world.practitioner, case=CaseFactory(person=world.person, risk_category=risk["high"])
    )
    district = CaseFactory(person=world.district_person)
    elsewhere = CaseFactory(person=world.elsewhere_person)
    intake = CaseFactory(person=world.person, responsible_organisation=None, stage="intake")
    return {
        "unallocated": unallocated,
        "active": active,
        "district": district,
        "elsewhere": elsewhere,
        "intake": intake,
    }


def test_view_matrix(persona, world, cases):
    name, user = persona
    expected = {
        "unallocated": name in VIEWERS,
        "active": name in VIEWERS,
        "intake": name in VIEWERS,
        "district": name in {"district_worker", "district_auditor"},
        "elsewhere": name == "outsider",
    }
    for key, case in cases.items():
        assert policies.can_view_case(user, case) is expected[key], key


def test_case_index_matrix(persona, world, cases):
    name, user = persona
    for key, case in cases.items():
        if key == "elsewhere":
            expected = name == "outsider"
        elif key == "district":
            expected = name in INDEX_VIEWERS | {"district_worker", "district_auditor"}
        else:
            expected = name in INDEX_VIEWERS
        assert policies.can_view_case_index(user, case) is expected, key


def test_work_matrix(persona, world, cases):
    name, user = persona
    assert policies.can_work_case(user, cases["active"]) is (name in {"practitioner", "team_manager"})
    # The district's case, taken by its worker: theirs to work, and nobody's in the county.
    district = allocation.case_accept(user=world.district_worker, case=cases["district"])
    assert policies.can_work_case(user, district) is (name == "district_worker")


def test_predicates_agree_with_queryset_twins(persona, world, cases):
    _name, user = persona
    visible = set(selectors.case_list_visible(user=user).values_list("pk", flat=True))
    index = set(selectors.case_list_index(user=user).values_list("pk", flat=True))
    workable = set(selectors.case_list_workable(user=user).values_list("pk", flat=True))
    for case in cases.values():
        assert (case.pk in visible) is policies.can_view_case(user, case)
        assert (case.pk in index) is policies.can_view_case_index(user, case)
        assert (case.pk in workable) is policies.can_work_case(user, case)


def test_my_cases_matrix(persona, world):
    name, user = persona
    assert policies.can_list_my_cases(user) is (
        name
        in {
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "district_worker",
            "delivery_worker",
            "outsider",
        }
    )
