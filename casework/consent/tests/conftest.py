# Fixtures reused from other apps are imported here; a fixture that takes one as an argument shadows
# its import, hence the F811 noqa on those.
import datetime

import pytest

from casework.cases.tests.conftest import active_case, risk, unallocated  # noqa: F401
from casework.consent import services
from casework.core import clock
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def debt_advice(world):
    """A second delivery organisation of the initiative, with a practitioner (world.debt_worker)."""
    org = OrganisationFactory(name="Test Debt Advice", initiative=world.initiative, kinds=["delivery"])
    world.debt_advice = org
    world.debt_worker = UserFactory(username="debt_worker")
    MembershipFactory(user=world.debt_worker, organisation=org, role="practitioner")
    return org


def record_consent(
    world,
    case,
    *,
    organisations=None,
    categories=("contact_details", "needs"),
    days_ago=0,
    expires_in=None,
    **kwargs,
):
    """Consent given by the person on the case, by its worker, covering the foodbank unless told otherwise."""
    today = clock.today()
    values = {
        "kind": "consent",
        "given_by": "person",
        "purpose": "To arrange food deliveries",
        "organisation_ids": [o.pk for o in (organisations or [world.foodbank])],
        "data_categories": list(categories),
        "given_on": today - datetime.timedelta(days=days_ago),
        "expires_on": today + datetime.timedelta(days=expires_in) if expires_in is not None else None,
        **kwargs,
    }
    return services.consent_record(user=world.practitioner, case=case, **values)


@pytest.fixture
def consent(world, active_case):  # noqa: F811 (fixture argument)
    """The person's consent on the active case to share contact details and needs with the foodbank."""
    return record_consent(world, active_case, days_ago=10)
