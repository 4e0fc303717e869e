"""No surprise bills (issue 16): a case moving on to Planning warns when no financial assessment has been
started, so that what the person will pay is known before any chargeable service is planned and starts. The
worker may go on (a person may be found to pay nothing, or decline to be assessed: light-touch), but must say
they considered it; the acknowledgement is kept in the stage move's audit event."""

from __future__ import annotations

from casework.careact.gates import subject_first_name
from casework.cases.choices import CaseStage
from casework.cases.gates import WARN, GateResult, register_stage_gate
from casework.cases.models import Case
from casework.plans.models import FinancialAssessment

FINANCIAL_ASSESSMENT_NOT_STARTED = "financial_assessment_not_started"


def financial_assessment_gate(case: Case) -> list[GateResult]:
    """Warn when the case has no financial assessment, started or completed."""
    if FinancialAssessment.objects.filter(case_id=case.pk).exists():
        return []
    name = subject_first_name(case)
    return [
        GateResult(
            WARN,
            FINANCIAL_ASSESSMENT_NOT_STARTED,
            (
                f"No financial assessment has been started for {name}. Start one now so that what they will "
                "pay is known before any chargeable service starts."
            ),
        )
    ]


def register_financial_assessment_gates() -> None:
    register_stage_gate(CaseStage.PLANNING, financial_assessment_gate)
