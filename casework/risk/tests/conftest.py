"""Identify's test world: the root world, a risk analyst at the lead (the county), and sources of each
format."""

from pathlib import Path

import pytest

from casework.risk import services
from tests.factories import MembershipFactory, UserFactory

FIXTURES = Path(__file__).parent / "fixtures"
CTR_MAPPING = {
    "person_reference": "claim_ref",
    "given_names": "forename",
    "family_name": "surname",
    "birth_date": "dob",
    "nhs_number": "nhs_no",
    "postcode": "post_code",
    "attribute": "reason",
}


@pytest.fixture
def risk_world(world):
    world.risk_analyst = UserFactory(username="risk_analyst")
    MembershipFactory(user=world.risk_analyst, organisation=world.county, role="risk_analyst")
    # A risk analyst at a responsible organisation leads nothing: Identify is not theirs.
    world.district_analyst = UserFactory(username="district_analyst")
    MembershipFactory(user=world.district_analyst, organisation=world.district, role="risk_analyst")
    return world


def make_source(user, initiative_id, *, name="Council tax reduction", file_format="savvi_csv", **extra):
    data = {
        "name": name,
        "owner": "Wessex revenues and benefits",
        "lawful_basis": "UK GDPR 6(1)(e): public task (Care Act 2014 s.2, prevention)",
        "file_format": file_format,
        "column_mapping": {},
        "fixed_values": {},
        **extra,
    }
    return services.risk_source_create(user=user, initiative_id=initiative_id, data=data)


@pytest.fixture
def savvi_source(risk_world):
    return make_source(risk_world.risk_analyst, risk_world.initiative.pk)


@pytest.fixture
def ctr_source(risk_world):
    return make_source(
        risk_world.risk_analyst,
        risk_world.initiative.pk,
        name="CTR extract",
        file_format="csv",
        column_mapping=CTR_MAPPING,
        fixed_values={"attribute_scheme": "council_tax_reduction"},
    )
