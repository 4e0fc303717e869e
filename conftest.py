"""Named personas shared by every test: who they are decides what they may see.

world.county (lead + responsible), world.district (responsible), world.foodbank (delivery) are in one
initiative; world.elsewhere is an organisation of another initiative.
"""

from types import SimpleNamespace

import pytest
from django.test import Client

from tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)


def _user(username, organisation, role, team=None):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=organisation, role=role, team=team)
    return user


def build_world() -> SimpleNamespace:
    """The personas and people of the `world` fixture (for fixtures of a wider scope that build it once)."""
    initiative = InitiativeFactory(
        name="Test county initiative", lead_organisation__name="Test County Council"
    )
    county = initiative.lead_organisation
    district = OrganisationFactory(name="Test District Council", initiative=initiative, kinds=["responsible"])
    foodbank = OrganisationFactory(name="Test Foodbank", initiative=initiative, kinds=["delivery"])
    other_initiative = InitiativeFactory(name="Other initiative", lead_organisation__name="Other Council")
    elsewhere = other_initiative.lead_organisation
    team = TeamFactory(organisation=county, name="Locality Team North")
    safeguarding = TeamFactory(organisation=county, name="Safeguarding Team", is_safeguarding=True)
    w = SimpleNamespace(
        initiative=initiative,
        county=county,
        district=district,
        foodbank=foodbank,
        elsewhere=elsewhere,
        other_initiative=other_initiative,
        team=team,
        safeguarding_team=safeguarding,
    )
    w.practitioner = _user("practitioner", county, "practitioner", team)
    w.practitioner2 = _user("practitioner2", county, "practitioner", team)
    w.team_manager = _user("team_manager", county, "team_manager", team)
    w.duty_officer = _user("duty_officer", county, "duty_officer")
    # The county's safeguarding team has someone in it: a team nobody is in is passed over (no one sees it).
    w.safeguarder = _user("safeguarder", county, "practitioner", safeguarding)
    w.case_manager = _user("case_manager", county, "case_manager")
    w.auditor = _user("auditor", county, "auditor")
    w.org_admin = _user("org_admin", county, "org_admin")
    w.initiative_admin = _user("initiative_admin", county, "initiative_admin")
    w.district_worker = _user("district_worker", district, "practitioner")
    w.district_auditor = _user("district_auditor", district, "auditor")
    w.delivery_worker = _user("delivery_worker", foodbank, "practitioner")
    w.outsider = _user("outsider", elsewhere, "practitioner")
    w.no_roles = UserFactory(username="no_roles")
    w.person = PersonFactory(
        created_by_organisation=county, given_name="Margaret", family_name="Thornton", nhs_number="9434765919"
    )
    w.restricted_person = PersonFactory(
        created_by_organisation=county, given_name="Alex", family_name="Hidden", is_restricted=True
    )
    w.restricted_person.restricted_access.create(user=w.practitioner, granted_by=w.team_manager)
    w.district_person = PersonFactory(
        created_by_organisation=district, given_name="Dennis", family_name="Marsh"
    )
    w.elsewhere_person = PersonFactory(
        created_by_organisation=elsewhere, given_name="Elsie", family_name="Far"
    )
    return w


@pytest.fixture
def world(db):
    return build_world()


PERSONAS = [
    "practitioner",
    "practitioner2",
    "team_manager",
    "duty_officer",
    "case_manager",
    "auditor",
    "org_admin",
    "initiative_admin",
    "district_worker",
    "district_auditor",
    "delivery_worker",
    "outsider",
    "no_roles",
]


@pytest.fixture(params=PERSONAS)
def persona(request, world):
    return request.param, getattr(world, request.param)


def mark_mfa_verified(client, user) -> None:
    """Finish the client's sign-in as a real one ends: a user who must use MFA, or has a device, gets the
    session verified with their device (one made if need be); anyone else a session knowing they have none."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casework.accounts.mfa import mfa_required
    from casework.accounts.middleware import NO_DEVICE_SESSION_KEY

    cached = hasattr(user, "_casework_actor")
    required = mfa_required(user)
    if not cached:
        # The test goes on with this user object: it must not keep memberships read before the test adds more.
        user.__dict__.pop("_casework_actor", None)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session = client.session
    if required or device is not None:
        device = device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    else:
        # As the session is after its first request: its user has no device, so no lookup on each request.
        session[NO_DEVICE_SESSION_KEY] = user.pk
    session.save()


_force_login = Client.force_login


@pytest.fixture(autouse=True)
def force_login_passes_mfa(monkeypatch):
    """client.force_login stands for a finished sign-in, the second factor included, for every test: MFA stays
    on in the test settings, and casework/accounts/tests/test_mfa*.py test it through the real steps (their
    `unverified_login` signs in with the password only)."""

    def force_login(self, user, backend=None):
        _force_login(self, user, backend)
        mark_mfa_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def frozen_now():
    """The clock stopped at the present moment (casework.core.clock), which the test is given."""
    from casework.core import clock

    moment = clock.now()
    with clock.frozen_at(moment):
        yield moment


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api(client):
    """An API client for a user: a fresh bearer token, JSON bodies, paths under /api/v1."""
    from casework.accounts.tokens import api_token_issue
    from tests.api.conftest import ApiClient

    def _for(user):
        return ApiClient(client, api_token_issue(user=user))

    return _for
