"""The persona-matrix world for the tests that ask each persona about each permission, built once a module."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from casework.safeguarding import services as safeguarding_services
from tests.factories import CaseFactory, MembershipFactory, UserFactory
from tests.security.world import build_matrix_world


@pytest.fixture(scope="module")
def twin_world(django_db_setup, django_db_blocker):
    """The persona-matrix world, built once for the module and rolled back at its end, with a concern on a
    case no worker holds (where a missing worker and a signed-out user must not match)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_matrix_world()
            world.safeguarding_lead = world.safeguarding_team.memberships.order_by("id").first().user
            world.debt_worker = UserFactory(username="debt_worker")
            MembershipFactory(user=world.debt_worker, organisation=world.debt_advice, role="practitioner")
            world.anonymous = AnonymousUser()
            world.unallocated_case = CaseFactory(person=world.person)
            safeguarding_services.concern_raise(
                user=world.duty_officer,
                person=world.person,
                case=world.unallocated_case,
                at_risk="adult",
                what_happened="Found on the floor",
                immediate_danger=False,
            )
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
