# Fixtures reused from other apps are imported here; a fixture that takes one as an argument shadows
# its import, hence the F811 noqa on those.
import pytest

from casework.assessments import services as assessments
from casework.assessments.tests.conftest import (  # noqa: F401
    NEEDS_CHECK_ANSWERS,
    active_case,
    assessment,
    forms,
    needs,
)
from casework.consent.tests.conftest import (  # noqa: F401
    consent,
    debt_advice,
    record_consent,
    risk,
    unallocated,
)
from casework.referrals import services

SITUATION = "Widowed last year; not eating well; worried about bills"
RESPONSE = "Food parcels for a month, then a debt advice appointment"


@pytest.fixture
def completed(world, assessment):  # noqa: F811 (fixture argument)
    """The active case's needs check, completed with its situation and response summaries."""
    return assessments.assessment_save(
        user=world.practitioner,
        assessment=assessment,
        version=assessment.version,
        answers=NEEDS_CHECK_ANSWERS,
        situation=SITUATION,
        response=RESPONSE,
        privacy_notice_given=True,
        complete=True,
    )


@pytest.fixture
def food(world, active_case, needs, completed):  # noqa: F811 (fixture argument)
    return assessments.need_record(
        user=world.practitioner,
        case=active_case,
        definition=needs["food"],
        note="Cupboards bare since her pension was stopped",
        assessment=completed,
    )


@pytest.fixture
def debt(world, active_case, needs, completed):  # noqa: F811 (fixture argument)
    return assessments.need_record(
        user=world.practitioner,
        case=active_case,
        definition=needs["debt_advice"],
        note="Owes the energy company",
        assessment=completed,
    )


def refer(world, case, need_list, *, basis, organisation=None, user=None, **kwargs):
    values = {
        "circumstances": "Lives alone on the second floor",
        "instructions": "Phone before visiting",
        **kwargs,
    }
    return services.referral_make(
        user=user or world.practitioner,
        case=case,
        delivery_organisation=organisation or world.foodbank,
        needs=need_list,
        basis=basis,
        **values,
    )


@pytest.fixture
def referral(world, active_case, food, consent):  # noqa: F811 (fixture argument)
    """The food need referred to the foodbank under the person's consent (contact details and needs)."""
    food.refresh_from_db()
    return refer(world, active_case, [food], basis=consent)
