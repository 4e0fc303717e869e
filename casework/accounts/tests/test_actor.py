"""actor_for resolves a user's memberships in one query, once per request, and never across requests."""

from casework.accounts.models import Membership, User
from casework.accounts.selectors import actor_for
from tests.factories import InitiativeFactory, MembershipFactory


def test_memberships_and_led_initiatives_come_in_one_query(world, django_assert_num_queries):
    user = User.objects.get(pk=world.team_manager.pk)
    MembershipFactory(user=user, organisation=world.district, role="auditor")
    with django_assert_num_queries(1):
        actor = actor_for(user)
    assert actor.organisation_ids == {world.county.pk, world.district.pk}
    assert actor.roles_by_organisation == {world.county.pk: {"team_manager"}, world.district.pk: {"auditor"}}
    assert actor.team_ids == {world.team.pk}
    assert actor.initiative_ids == {world.initiative.pk}
    assert actor.lead_organisation_by_initiative == {world.initiative.pk: world.county.pk}
    assert actor.primary_organisation_id == world.county.pk
    assert actor.organisation_names == {
        world.county.pk: "Test County Council",
        world.district.pk: "Test District Council",
    }
    assert actor.organisation_kinds[world.district.pk] == {"responsible"}
    assert actor.safeguarding_team_ids == frozenset()
    with django_assert_num_queries(0):
        assert actor_for(user) is actor


def test_an_organisation_leading_two_initiatives_leads_both(world):
    second = InitiativeFactory(lead_organisation=world.county)
    world.county.initiative = world.initiative  # the county still belongs to its first initiative
    world.county.save()
    actor = actor_for(User.objects.get(pk=world.practitioner.pk))
    assert actor.lead_organisation_by_initiative == {
        world.initiative.pk: world.county.pk,
        second.pk: world.county.pk,
    }
    assert actor.has_lead_role("practitioner", second.pk)


def test_a_removed_membership_is_gone_on_the_next_request(world):
    # Each request loads its own user object, so nothing resolved for one request outlives it.
    assert actor_for(User.objects.get(pk=world.practitioner.pk)).organisation_ids == {world.county.pk}
    Membership.objects.filter(user=world.practitioner).update(is_active=False)
    assert actor_for(User.objects.get(pk=world.practitioner.pk)).organisation_ids == frozenset()


def test_the_safeguarding_teams_and_delivery_organisations_come_with_the_memberships(
    world, django_assert_num_queries
):
    from casework.referrals.selectors import delivery_organisation_ids
    from casework.safeguarding.policies import safeguarding_team_ids

    user = User.objects.get(pk=world.practitioner.pk)
    MembershipFactory(user=user, organisation=world.county, role="practitioner", team=world.safeguarding_team)
    MembershipFactory(user=user, organisation=world.foodbank, role="practitioner")
    with django_assert_num_queries(1):
        assert safeguarding_team_ids(user) == {world.safeguarding_team.pk}
        assert delivery_organisation_ids(user=user) == {world.foodbank.pk}
