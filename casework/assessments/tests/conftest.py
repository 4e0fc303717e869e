import pytest

from casework.assessments import services
from casework.cases.tests.conftest import risk, unallocated  # noqa: F401


@pytest.fixture
def active_case(world, unallocated):  # noqa: F811
    """The case accepted by world.practitioner, with advocacy decided (not needed): it may be assessed."""
    from casework.allocation import services as allocation
    from casework.careact.tests.steps import record_no_advocacy_needed

    case = allocation.case_accept(user=world.practitioner, case=unallocated)
    record_no_advocacy_needed(user=world.practitioner, case=case)
    return case


@pytest.fixture
def forms(world):
    """The county's shipped forms, by code."""
    services.assessment_forms_install_standard(user=world.org_admin, organisation_id=world.county.pk)
    from casework.assessments.models import AssessmentForm

    return {f.code: f for f in AssessmentForm.objects.filter(organisation=world.county)}


@pytest.fixture
def needs(world):
    """Three of the initiative's need definitions, by code."""
    made = {}
    for code, name, category in [
        ("food", "Access to food", "food_and_shopping"),
        ("debt_advice", "Debt advice", "money"),
        ("loneliness", "Loneliness", "connection"),
    ]:
        made[code] = services.need_definition_create(
            user=world.initiative_admin,
            initiative_id=world.initiative.pk,
            code=code,
            name=name,
            category=category,
        )
    return made


NEEDS_CHECK_ANSWERS = {
    "how_are_you": "Struggling since my husband died",
    "feels_safe": True,
    "food": False,
    "money": True,
}


@pytest.fixture
def assessment(world, active_case, forms):
    """A short needs check started on the active case by its worker."""
    return services.assessment_start(
        user=world.practitioner, case=active_case, form=forms["needs_check"], method="phone"
    )
