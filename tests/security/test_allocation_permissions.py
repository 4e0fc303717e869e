"""Issue 14: allocation's permissions (allocation/policies.py) agree with their queryset twins
(allocation/selectors.py) for every persona of the persona-matrix world, signed out included, on every case of
it and on a case waiting on the worklist; and each is held by someone and not by everyone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from casework.accounts.models import Initiative
from casework.allocation import selectors
from casework.cases.models import Case
from casework.core.permissions import has_perm, registered_permissions
from conftest import PERSONAS
from tests.factories import CaseFactory
from tests.security.world import build_matrix_world

pytestmark = pytest.mark.django_db

WORLD_PERSONAS = (*PERSONAS, "colleague", "anonymous")
# Each permission, what it is asked of, and its twin: the cases, or the initiatives, where it is held.
TWINS = {
    "allocation.accept_case": (Case, selectors.case_list_acceptable),
    "allocation.assign_case": (Case, selectors.case_list_assignable),
    "allocation.allocate_case": (Case, selectors.case_list_allocatable),
    "allocation.transfer_case": (Case, selectors.case_list_transferable),
    "allocation.manage_allocation_rules": (Initiative, selectors.allocation_rule_initiatives_for_user),
}


@pytest.fixture(scope="module")
def allocation_world(django_db_setup, django_db_blocker):
    """The persona-matrix world, built once and rolled back at the end, with a case on the county's worklist
    and one nobody holds yet."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_matrix_world()
            world.anonymous = AnonymousUser()
            CaseFactory(person=world.person)
            CaseFactory(person=world.person, responsible_organisation=None, stage="intake")
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _user(world, persona: str):
    user = getattr(world, persona)
    # A fresh object for a signed-in persona: no actor cached from building the world.
    return user if persona == "anonymous" else type(user).objects.get(pk=user.pk)


def _answers(world, permission: str, persona: str) -> list[tuple[object, bool, bool]]:
    """(record, the predicate's answer, whether the twin holds it), for every record of the kind."""
    model, twin = TWINS[permission]
    user = _user(world, persona)
    in_twin = set(twin(user=user).values_list("pk", flat=True))
    answers = []
    for record in model.objects.order_by("pk"):
        asked = record.pk if model is Initiative else record
        answers.append((record, has_perm(user, permission, asked), record.pk in in_twin))
    if model is Initiative:
        answers.append((None, has_perm(user, permission), bool(in_twin)))
    return answers


def test_every_allocation_permission_has_a_twin_here():
    assert {name for name in registered_permissions() if name.startswith("allocation.")} == set(TWINS)


@pytest.mark.parametrize("permission", sorted(TWINS))
def test_the_predicate_agrees_with_its_twin_for_every_persona(allocation_world, permission):
    disagreements = [
        f"{persona}: {record!r} predicate {held}, twin {twinned}"
        for persona in WORLD_PERSONAS
        for record, held, twinned in _answers(allocation_world, permission, persona)
        if held is not twinned
    ]
    assert not disagreements, "\n".join(disagreements)


@pytest.mark.parametrize("permission", sorted(TWINS))
def test_each_is_held_by_someone_and_not_by_everyone(allocation_world, permission):
    held = {
        persona
        for persona in WORLD_PERSONAS
        if any(answer for _record, answer, _ in _answers(allocation_world, permission, persona))
    }
    assert held and set(WORLD_PERSONAS) - held, (permission, held)
    assert "anonymous" not in held
