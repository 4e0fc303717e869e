"""Who sees a concern: the predicate and its queryset twin, for every persona, and for no one signed out."""

from django.contrib.auth.models import AnonymousUser

from casework.core.permissions import has_perm
from casework.safeguarding import policies, selectors, services
from tests.factories import CaseFactory


def _raise(world, case):
    return services.concern_raise(
        user=world.duty_officer,
        person=world.person,
        case=case,
        at_risk="adult",
        what_happened="Bruises on her arms",
        immediate_danger=False,
    )


def test_a_signed_out_user_never_sees_a_concern_on_a_case_with_no_worker(world):
    # The allocated worker sees the concern: with no worker and no user, None must not equal None.
    concern = _raise(world, CaseFactory(person=world.person))
    assert concern.case.primary_worker_id is None
    anonymous = AnonymousUser()
    assert has_perm(anonymous, "safeguarding.view_concern", concern) is False
    assert not selectors.concern_list_visible(user=anonymous).filter(pk=concern.pk).exists()
    assert policies.can_view_concern_list(anonymous) is False
    assert policies.can_raise_concern(anonymous) is False
