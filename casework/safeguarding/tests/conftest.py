import pytest

from casework.referrals.tests.conftest import (  # noqa: F401
    active_case,
    assessment,
    completed,
    consent,
    debt_advice,
    food,
    forms,
    needs,
    referral,
    risk,
    unallocated,
)
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture
def housing(world):
    """A housing association of the initiative with no safeguarding team: a worker and a manager in its
    tenancy team, and a tenant it holds a case about (world.housing_worker, world.housing_manager,
    world.tenant, world.tenancy_case)."""
    org = OrganisationFactory(
        name="Test Housing Association",
        initiative=world.initiative,
        kinds=["responsible"],
        organisation_type="housing",
    )
    team = TeamFactory(organisation=org, name="Tenancy Sustainment")
    world.housing = org
    world.housing_worker = UserFactory(username="housing_worker")
    MembershipFactory(user=world.housing_worker, organisation=org, team=team, role="practitioner")
    world.housing_manager = UserFactory(username="housing_manager")
    MembershipFactory(user=world.housing_manager, organisation=org, team=team, role="team_manager")
    world.tenant = PersonFactory(created_by_organisation=org, given_name="Tess", family_name="Durbeyfield")
    world.tenancy_case = CaseFactory(person=world.tenant)
    return org


@pytest.fixture
def district_safeguarding(world):
    """The district council's own safeguarding team, with its lead in it (world.district_safeguarder)."""
    team = TeamFactory(organisation=world.district, name="District Safeguarding", is_safeguarding=True)
    world.district_safeguarder = UserFactory(username="district_safeguarder")
    MembershipFactory(
        user=world.district_safeguarder, organisation=world.district, team=team, role="practitioner"
    )
    return team
