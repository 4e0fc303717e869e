"""No surprise bills: moving on to Planning warns until a financial assessment has been started; the move
goes ahead only with the warning acknowledged, and the acknowledgement is kept."""

import pytest

from casework.audit.models import AuditEvent
from casework.careact.tests.steps import record_no_advocacy_needed
from casework.cases import services as case_services
from casework.cases.errors import WarningsNotAcknowledged
from casework.cases.gates import stage_warnings
from casework.cases.models import Case
from casework.plans import services as plans
from casework.plans.charging_gates import FINANCIAL_ASSESSMENT_NOT_STARTED


@pytest.fixture
def assessing(world, case):
    record_no_advocacy_needed(user=world.practitioner, case=case)
    return case_services.case_move_stage(user=world.practitioner, case=case, stage="assessment")


def test_planning_warns_until_a_financial_assessment_is_started(world, assessing):
    (warning,) = stage_warnings(case=assessing, stage="planning")
    assert warning.code == FINANCIAL_ASSESSMENT_NOT_STARTED
    assert warning.message.startswith("No financial assessment has been started for Margaret.")
    with pytest.raises(WarningsNotAcknowledged):
        case_services.case_move_stage(user=world.practitioner, case=assessing, stage="planning")
    assert Case.objects.get(pk=assessing.pk).stage == "assessment"
    plans.financial_assessment_start(user=world.practitioner, case=assessing)
    assert stage_warnings(case=assessing, stage="planning") == []
    case_services.case_move_stage(user=world.practitioner, case=assessing, stage="planning")
    assert Case.objects.get(pk=assessing.pk).stage == "planning"


def test_the_worker_may_go_on_having_considered_it_and_that_is_kept(world, assessing):
    case_services.case_move_stage(
        user=world.practitioner,
        case=assessing,
        stage="planning",
        acknowledged=[FINANCIAL_ASSESSMENT_NOT_STARTED],
    )
    moved = AuditEvent.objects.filter(verb="cases.stage_moved").latest("sequence")
    assert FINANCIAL_ASSESSMENT_NOT_STARTED in str(moved.changes)
