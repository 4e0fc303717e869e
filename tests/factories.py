"""factory_boy factories shared by every app's tests. Made-up data only."""

import datetime

import factory
from django.conf import settings

from casework.accounts.models import Initiative, Membership, Organisation, Team, User
from casework.core.references import next_reference
from casework.people.identifiers import name_key
from casework.people.models import Household, Person


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kinds = ["responsible"]


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Initiative {n}")
    lead_organisation = factory.SubFactory(OrganisationFactory, kinds=["lead", "responsible"])

    @factory.post_generation
    def join_lead(obj, create, extracted, **kwargs):
        obj.lead_organisation.initiative = obj
        obj.lead_organisation.save(update_fields=["initiative"])


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Plain names that never collide with the people in the tests' records.
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    last_name = factory.LazyAttribute(lambda u: u.username.replace("_", " ").title().replace(" ", ""))
    password = factory.PostGenerationMethodCall("set_password", settings.DEMO_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "practitioner"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    given_name_key = factory.LazyAttribute(lambda p: name_key(p.given_name))
    family_name_key = factory.LazyAttribute(lambda p: name_key(p.family_name))
    date_of_birth = factory.Faker(
        "date_between", start_date=datetime.date(1930, 1, 1), end_date=datetime.date(2000, 1, 1)
    )
    postcode = "RG40 1AA"
    initiative = factory.LazyAttribute(lambda p: p.created_by_organisation.initiative)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    name = factory.Sequence(lambda n: f"Household {n}")
    postcode = "RG40 1AA"
    initiative = factory.LazyAttribute(lambda h: h.created_by_organisation.initiative)


class RiskCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.RiskCategory"
        django_get_or_create = ("initiative", "code")

    code = factory.Sequence(lambda n: f"risk{n}")
    label = factory.LazyAttribute(lambda r: r.code.title())
    rank = 1


class CaseFactory(factory.django.DjangoModelFactory):
    """A case; by default held by the person's organisation and waiting on its team worklist."""

    class Meta:
        model = "cases.Case"

    # From the counter the services take references from: a case raised later never takes one of these.
    reference = factory.LazyFunction(lambda: next_reference(name="case", prefix="CW"))
    person = factory.SubFactory(PersonFactory)
    initiative = factory.LazyAttribute(lambda c: c.person.initiative)
    raised_by_organisation = factory.LazyAttribute(lambda c: c.person.created_by_organisation)
    responsible_organisation = factory.LazyAttribute(lambda c: c.raised_by_organisation)
    origin = "risk_index"
    status = "planned"
    stage = "awaiting_allocation"
    area = factory.LazyAttribute(lambda c: c.person.postcode.split(" ")[0])
    raised_at = factory.Faker("date_time_between", start_date="-90d", end_date="-1d", tzinfo=datetime.UTC)


def found_in_search(user, *people) -> None:
    """Search the index for each person as `user` does at the front door, so their cards may open (ADR 3)."""
    from casework.people.selectors import person_index_search

    for person in people:
        if person.nhs_number:
            person_index_search(user=user, nhs_number=person.nhs_number)
        else:
            person_index_search(user=user, family_name=person.family_name, date_of_birth=person.date_of_birth)
