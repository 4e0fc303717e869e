import io
import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.backends import ModelBackend
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from casework.accounts.models import Initiative, Membership, Organisation, Team, User
from casework.audit.models import AuditEvent
from casework.core import clock
from casework.demo.builder import DEMO_USERNAMES, PRODUCTION_REFUSAL, build_demo
from casework.people.identifiers import name_key, normalise_nhs_number, normalise_postcode
from casework.people.models import Household, HouseholdMembership, Person, PersonRelationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_mode(settings):
    # pytest-django runs tests with DEBUG off; the demo exists only in development mode.
    settings.DEBUG = True
    return settings


@pytest.fixture
def demo(dev_mode):
    return build_demo(people=60, seed=2026, progress_stream=io.StringIO())


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_command_builds_the_initiative_and_prints_the_logins(dev_mode, capsys):
    output = run()

    initiative = Initiative.objects.get()
    assert initiative.name == "Wessex County vulnerability initiative"
    orgs = {o.name: o for o in Organisation.objects.all()}
    assert len(orgs) == 6
    county = orgs["Wessex County Council"]
    assert initiative.lead_organisation == county
    assert county.kinds == ["lead", "responsible"]
    assert county.organisation_type == "local_authority"
    assert set(county.capabilities) == {"home_visits", "phone", "letters", "face_to_face"}
    assert sorted(tuple(o.kinds) for o in orgs.values()) == sorted(
        [
            ("lead", "responsible"),
            ("responsible",),
            ("responsible",),
            ("responsible",),
            ("delivery",),
            ("delivery",),
        ]
    )
    assert all(o.initiative == initiative for o in orgs.values())
    # The responsible partners split the county's districts between them.
    partner_areas = [set(o.areas) for o in orgs.values() if o.kinds == ["responsible"]]
    assert set().union(*partner_areas) == set(county.areas)
    assert sum(len(a) for a in partner_areas) == len(county.areas)
    # The councils have safeguarding teams; the housing association and the charities do not (their concerns
    # go to the county's, the lead's).
    assert sorted(Team.objects.filter(is_safeguarding=True).values_list("organisation__name", "name")) == [
        ("Kingsbere District Council", "Community Safety and Safeguarding"),
        ("Wessex County Council", "Safeguarding Team"),
    ]

    people = list(Person.objects.all())
    assert 290 <= len(people) <= 300
    assert 170 <= Household.objects.count() <= 230
    numbers = [p.nhs_number for p in people if p.nhs_number]
    assert 0.6 <= len(numbers) / len(people) <= 0.8
    assert len(numbers) == len(set(numbers))
    assert all(normalise_nhs_number(n) == n and n.startswith("999") for n in numbers)
    for person in people:
        assert normalise_postcode(person.postcode) == person.postcode
        assert person.postcode_district in person.created_by_organisation.areas
    by_creator = {
        o.name: sum(1 for p in people if p.created_by_organisation_id == o.pk) for o in orgs.values()
    }
    assert max(by_creator, key=by_creator.get) == "Wessex County Council"
    assert sum(1 for count in by_creator.values() if count) == 4  # delivery organisations create nobody

    # People are bulk-loaded under one audit event; cases are made through the services, with their histories.
    assert AuditEvent.objects.filter(verb__startswith="people.").count() == 0
    seeded = AuditEvent.objects.get(verb="demo.seeded")
    assert seeded.changes["people"]["after"] == len(people)

    for username in DEMO_USERNAMES:
        assert re.search(rf"^\s+{username}\s+{re.escape(django_settings.DEMO_PASSWORD)}\s", output, re.M)
    assert f"http://127.0.0.1:{django_settings.PORT}/" in output


def test_the_sixteen_demo_logins_can_sign_in_with_the_demo_password(demo, client):
    backend = ModelBackend()
    for username in DEMO_USERNAMES:
        assert backend.authenticate(None, username=username, password=django_settings.DEMO_PASSWORD), username
    roles = dict(
        Membership.objects.filter(user__username__in=DEMO_USERNAMES).values_list("user__username", "role")
    )
    assert roles == {
        "duty": "duty_officer",
        "worker": "practitioner",
        "worker2": "practitioner",
        "manager": "team_manager",
        "oversight": "case_manager",
        "orgadmin": "org_admin",
        "initiativeadmin": "initiative_admin",
        "auditor": "auditor",
        "safeguarding": "practitioner",
        "kingsbere.safeguarding": "practitioner",
        "partner": "practitioner",
        "kingsbere.housing": "practitioner",
        "trust.support": "practitioner",
        "foodbank": "practitioner",
        "adviser": "practitioner",
        "riskanalyst": "risk_analyst",
    }
    worker = Membership.objects.get(user__username="worker")
    assert (worker.organisation.name, worker.team.name) == ("Wessex County Council", "Locality Team North")
    assert (
        Membership.objects.get(user__username="partner").organisation.name
        == "Egdon Heath Housing Association"
    )
    safeguarding = Membership.objects.get(user__username="safeguarding")
    assert (safeguarding.organisation.name, safeguarding.team.name) == (
        "Wessex County Council",
        "Safeguarding Team",
    )
    foodbank = Membership.objects.get(user__username="foodbank")
    assert (foodbank.organisation.name, foodbank.team.name) == ("Casterbridge Foodbank", "Deliveries")
    assert Membership.objects.get(user__username="adviser").organisation.name == "Wessex Money Advice"
    for username, organisation, team in [
        ("kingsbere.housing", "Kingsbere District Council", "Housing Options Team"),
        ("kingsbere.safeguarding", "Kingsbere District Council", "Community Safety and Safeguarding"),
        ("trust.support", "Melchester and Shaston Community Trust", "Community Support Team"),
    ]:
        membership = Membership.objects.get(user__username=username)
        assert (membership.organisation.name, membership.team.name) == (organisation, team)
    # Everybody the demo makes is a demo login: nobody owns records without being able to sign in as them.
    assert not User.objects.exclude(username__in=DEMO_USERNAMES).exists()

    response = client.post(
        reverse("accounts:login"), {"username": "worker", "password": django_settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_people_are_valid_and_keyed_like_the_service_keys_them(demo):
    people = list(Person.objects.all())
    assert len(people) == 60
    today = clock.today()
    for person in people:
        person.full_clean(validate_unique=False)
        assert person.given_name_key == name_key(person.given_name)
        assert person.family_name_key == name_key(person.family_name)
        assert person.initiative == demo.initiative
        assert 18 <= person.age_on(today) <= 100
    numbers = [p.nhs_number for p in people if p.nhs_number]
    assert len(numbers) == len(set(numbers)) > 0


def test_households_have_history(demo):
    living = Person.objects.filter(date_of_death__isnull=True)
    current = HouseholdMembership.objects.filter(end_date__isnull=True)
    # Everyone alive lives in exactly one household now; the dead have an ended membership.
    assert sorted(current.values_list("person_id", flat=True)) == sorted(living.values_list("id", flat=True))
    movers = Person.objects.filter(
        household_memberships__end_date__isnull=False, date_of_death__isnull=True
    ).distinct()
    assert movers.count() >= 2
    for person in movers:
        earlier, now = (
            person.household_memberships.filter(end_date__isnull=False).get(),
            person.household_memberships.get(end_date__isnull=True),
        )
        assert earlier.household_id != now.household_id
        assert earlier.end_date < now.start_date
        assert person.postcode == now.household.postcode
    assert HouseholdMembership.objects.filter(role="householder").exists()
    assert HouseholdMembership.objects.filter(role="partner").exists()


def test_restricted_people_have_one_named_user(demo):
    restricted = Person.objects.filter(is_restricted=True)
    assert restricted.count() == 3
    named = set()
    for person in restricted:
        (username,) = person.restricted_access.values_list("user__username", flat=True)
        named.add(username)
    assert "worker" in named and named <= set(DEMO_USERNAMES)


def test_relationships_are_between_different_people(demo):
    relationships = PersonRelationship.objects.all()
    assert 8 <= relationships.count() <= 14
    assert {"carer", "family", "lasting_power_of_attorney", "advocate", "appropriate_person"} <= set(
        relationships.values_list("kind", flat=True)
    )
    assert not any(r.person_id == r.related_person_id for r in relationships)


def test_the_same_seed_builds_the_same_people(dev_mode):
    def build(seed):
        with transaction.atomic():
            build_demo(people=30, seed=seed, progress_stream=io.StringIO())
            rows = list(
                Person.objects.order_by("id").values_list(
                    "given_name", "family_name", "date_of_birth", "nhs_number", "postcode"
                )
            )
            transaction.set_rollback(True)
        return rows

    first = build(5)
    assert first == build(5)
    assert first != build(6)


def test_if_empty_on_a_seeded_database_adds_nothing_and_still_prints_the_logins(demo):
    before = (
        Organisation.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    output = run("--if-empty")
    assert (
        Organisation.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    ) == before
    assert "no demo data added" in output
    for username in DEMO_USERNAMES:
        assert username in output
    assert django_settings.DEMO_PASSWORD in output


def test_if_empty_on_an_empty_database_builds(dev_mode):
    output = run("--if-empty", "--people", "20")
    assert Person.objects.count() == 20
    assert "partner" in output


def test_refuses_without_if_empty_when_there_is_data(demo):
    people = Person.objects.count()
    with pytest.raises(CommandError, match="--if-empty"):
        run()
    assert Person.objects.count() == people
    assert Organisation.objects.count() == 6


@pytest.mark.parametrize("args", [(), ("--if-empty",)])
def test_refuses_in_production_mode(settings, args):
    settings.DEBUG = False
    with pytest.raises(CommandError, match=PRODUCTION_REFUSAL):
        run(*args)
    with pytest.raises(CommandError, match=PRODUCTION_REFUSAL):
        build_demo(people=20)
    assert not Organisation.objects.exists() and not User.objects.exists()


def test_every_demo_organisation_has_a_safeguarding_team_to_raise_concerns_to(demo):
    """The county and the district have their own; the others' concerns go to the county's, the lead's."""
    from casework.safeguarding.selectors import concern_route

    routes = {org.name: concern_route(organisation_id=org.pk) for org in Organisation.objects.all()}
    assert {name: (route.routing, route.name) for name, route in routes.items()} == {
        "Wessex County Council": ("own_team", "Safeguarding Team, Wessex County Council"),
        "Kingsbere District Council": (
            "own_team",
            "Community Safety and Safeguarding, Kingsbere District Council",
        ),
        "Egdon Heath Housing Association": ("lead_team", "Safeguarding Team, Wessex County Council"),
        "Melchester and Shaston Community Trust": ("lead_team", "Safeguarding Team, Wessex County Council"),
        "Casterbridge Foodbank": ("lead_team", "Safeguarding Team, Wessex County Council"),
        "Wessex Money Advice": ("lead_team", "Safeguarding Team, Wessex County Council"),
    }


def test_every_case_holding_demo_organisation_has_a_questionnaire_and_approval_limits(demo):
    from casework.plans.budget_models import BudgetSettings, RasQuestionnaire

    holders = [o for o in Organisation.objects.all() if {"lead", "responsible"} & set(o.kinds or [])]
    assert holders
    for organisation in holders:
        assert RasQuestionnaire.objects.filter(
            organisation=organisation, status="published", number=1
        ).exists()
        assert BudgetSettings.objects.filter(organisation=organisation).exists()
