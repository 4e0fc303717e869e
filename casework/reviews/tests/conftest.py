from decimal import Decimal

import pytest

from casework.careact.tests.steps import record_no_advocacy_needed
from casework.cases.tests.conftest import active_case, risk, unallocated  # noqa: F401 (fixtures reused)
from casework.plans import budgets
from casework.plans import support_services as plans
from casework.plans.tests.steps import record_signed_plan


@pytest.fixture
def limits(world):
    """Team managers activate up to £49,000 a year."""
    return budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=Decimal("10"),
        approval_limits={"team_manager": Decimal("49000"), "case_manager": None},
    )


@pytest.fixture
def case(active_case):  # noqa: F811
    """Margaret Thornton's case, accepted by world.practitioner."""
    return active_case


@pytest.fixture
def active_plan(world, case, limits):
    """The case's support plan, signed and activated by the team manager."""
    plan = record_signed_plan(user=world.practitioner, case=case)
    return plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)


@pytest.fixture
def review_may_start(world, case):
    """No substantial difficulty being involved in a review: the advocacy gate lets it start."""
    return record_no_advocacy_needed(user=world.practitioner, case=case, activity="review")
