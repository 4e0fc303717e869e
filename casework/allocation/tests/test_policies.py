"""Who may allocate, accept, assign and transfer cases and keep the rules, for every persona; each predicate
agrees with its queryset twin."""

import pytest

from casework.allocation import policies, selectors
from casework.allocation import services as allocation
from casework.core.permissions import has_perm, registered_permissions
from tests.factories import CaseFactory

ALLOCATION_PERMISSIONS = {
    "allocation.accept_case",
    "allocation.assign_case",
    "allocation.allocate_case",
    "allocation.transfer_case",
    "allocation.manage_allocation_rules",
}
# Each case permission and the queryset twin that must hold the same cases.
TWINS = {
    "allocation.accept_case": selectors.case_list_acceptable,
    "allocation.assign_case": selectors.case_list_assignable,
    "allocation.allocate_case": selectors.case_list_allocatable,
    "allocation.transfer_case": selectors.case_list_transferable,
}


@pytest.fixture
def cases(world, risk):
    active = allocation.case_accept(
        user=world.practitioner, case=CaseFactory(person=world.person, risk_category=risk["high"])
    )
    closed = CaseFactory(person=world.person, status="closed", stage="closing")
    return {
        "unallocated": CaseFactory(person=world.person, risk_category=risk["low"]),
        "active": active,
        "intake": CaseFactory(person=world.person, responsible_organisation=None, stage="intake"),
        "district": CaseFactory(person=world.district_person),
        "elsewhere": CaseFactory(person=world.elsewhere_person),
        "closed": closed,
    }


def test_the_allocation_permissions_are_allocations_own():
    registered = set(registered_permissions())
    assert ALLOCATION_PERMISSIONS <= registered
    assert not {f"cases.{name.split('.', 1)[1]}" for name in ALLOCATION_PERMISSIONS} & registered


def test_accept_matrix(persona, world, cases):
    name, user = persona
    assert policies.can_accept_case(user, cases["unallocated"]) is (
        name in {"practitioner", "practitioner2", "team_manager"}
    )
    assert policies.can_accept_case(user, cases["district"]) is (name == "district_worker")
    assert policies.can_accept_case(user, cases["active"]) is False
    assert policies.can_accept_case(user, cases["intake"]) is False


def test_assign_matrix(persona, world, cases):
    name, user = persona
    for key in ("unallocated", "active"):
        assert policies.can_assign_case(user, cases[key]) is (name == "team_manager"), key
    assert policies.can_assign_case(user, cases["intake"]) is False
    assert policies.can_assign_case(user, cases["closed"]) is False


def test_allocate_and_transfer_matrix(persona, world, cases):
    name, user = persona
    assert policies.can_allocate_case(user, cases["intake"]) is (name == "initiative_admin")
    assert policies.can_allocate_case(user, cases["unallocated"]) is (name == "initiative_admin")
    assert policies.can_allocate_case(user, cases["active"]) is False
    assert policies.can_transfer_case(user, cases["active"]) is (name in {"initiative_admin", "team_manager"})
    # No responsible organisation yet: allocate it, there is nothing to transfer.
    assert policies.can_transfer_case(user, cases["intake"]) is False
    assert policies.can_transfer_case(user, cases["closed"]) is False


def test_manage_allocation_rules_matrix(persona, world):
    name, user = persona
    assert policies.can_manage_allocation_rules(user) is (name == "initiative_admin")
    assert policies.can_manage_allocation_rules(user, world.initiative.pk) is (name == "initiative_admin")
    assert set(selectors.allocation_rule_initiatives_for_user(user=user).values_list("pk", flat=True)) == (
        {world.initiative.pk} if name == "initiative_admin" else set()
    )


def test_predicates_agree_with_queryset_twins(persona, world, cases):
    _name, user = persona
    for permission, twin in TWINS.items():
        allowed = set(twin(user=user).values_list("pk", flat=True))
        for key, case in cases.items():
            assert (case.pk in allowed) is has_perm(user, permission, case), (permission, key)
    initiatives = set(selectors.allocation_rule_initiatives_for_user(user=user).values_list("pk", flat=True))
    for initiative_id in {world.initiative.pk, world.elsewhere_person.initiative_id}:
        assert (initiative_id in initiatives) is has_perm(
            user, "allocation.manage_allocation_rules", initiative_id
        )
    assert bool(initiatives) is has_perm(user, "allocation.manage_allocation_rules")
