"""The support plan's stage gate (cases/gates.py, ADR 0005): long-term support cannot start without an
eligibility determination and a signed support plan (signed by the worker, and by the person or their
representative or with the reason they did not sign recorded)."""

from __future__ import annotations

from casework.careact.choices import EligibilityKind
from casework.careact.current import eligibility_current
from casework.careact.gates import subject_first_name
from casework.cases.choices import CaseStage
from casework.cases.gates import BLOCK, GateResult, register_stage_gate
from casework.cases.models import Case
from casework.plans.support_selectors import support_plan_signed

ELIGIBILITY_NOT_DETERMINED = "eligibility_not_determined"
SUPPORT_PLAN_NOT_SIGNED = "support_plan_not_signed"


def support_plan_gate(case: Case) -> list[GateResult]:
    """Stage gate for Support: an eligibility determination and a signed support plan first."""
    name = subject_first_name(case)
    results = []
    if not any(eligibility_current(case=case, kind=kind) for kind in EligibilityKind.values):
        results.append(
            GateResult(
                BLOCK,
                ELIGIBILITY_NOT_DETERMINED,
                f"Record the eligibility determination for {name} before long-term support starts.",
            )
        )
    if not support_plan_signed(case=case):
        results.append(
            GateResult(
                BLOCK,
                SUPPORT_PLAN_NOT_SIGNED,
                (
                    f"The support plan must be signed off by the worker and by {name} or their "
                    "representative (or the reason they could not sign recorded) before support starts."
                ),
            )
        )
    return results


def register_support_plan_gates() -> None:
    register_stage_gate(CaseStage.SUPPORT, support_plan_gate)
