"""What the Care Act steps say about starting an activity: the advocacy gate, and the stage gates.

`advocacy_problem` is for any app about to start an assessment, review or safeguarding enquiry. The cases app
runs the stage gates (cases/gates.py): moving to Assessment is blocked until advocacy is decided; moving to
Support is blocked until prevention is recorded and warned when financial information was not given.
"""

from __future__ import annotations

from casework.careact.choices import AdvocacyActivity
from casework.careact.current import (
    advocacy_decision_current,
    financial_information_current,
    prevention_current,
)
from casework.careact.models import AdvocacyDecision, FinancialInformationRecord, PreventionRecord
from casework.cases.choices import CaseStage
from casework.cases.gates import BLOCK, WARN, GateResult, register_stage_gate
from casework.cases.models import Case

ADVOCACY_NOT_DECIDED = "advocacy_not_decided"
ADVOCATE_NOT_IN_PLACE = "advocate_not_in_place"
PREVENTION_NOT_RECORDED = "prevention_not_recorded"
FINANCIAL_INFORMATION_NOT_GIVEN = "financial_information_not_given"

_ACTIVITY_WORDS: dict[str, str] = {
    AdvocacyActivity.ASSESSMENT: "the assessment",
    AdvocacyActivity.REVIEW: "the review",
    AdvocacyActivity.SAFEGUARDING_ENQUIRY: "the safeguarding enquiry",
}


def subject_first_name(case: Case) -> str:
    """How a sentence to the worker names the person: their given name, or "the household"."""
    return case.person.given_name if case.person is not None else "the household"


def advocacy_status(
    decision: AdvocacyDecision | None, *, case: Case, activity: str
) -> tuple[str, str] | None:
    """None when the activity may start as far as advocacy goes, else (code, sentence a worker can act on)."""
    name, words = subject_first_name(case), _ACTIVITY_WORDS.get(activity, "the activity")
    if decision is None:
        return (
            ADVOCACY_NOT_DECIDED,
            f"Record whether {name} needs an independent advocate before {words} starts.",
        )
    if decision.advocate_needed and not (decision.advocate_in_place or decision.has_exception):
        return ADVOCATE_NOT_IN_PLACE, (
            f"An advocate must be in place before {words} starts: {name} would have substantial difficulty "
            f"being involved and has nobody appropriate to support them. Record the advocate when one is "
            f"appointed, or ask a team manager to record an exception."
        )
    return None


def advocacy_problem_of(decision: AdvocacyDecision | None, *, case: Case, activity: str) -> str | None:
    status = advocacy_status(decision, case=case, activity=activity)
    return status[1] if status else None


def advocacy_problem(*, case: Case, activity: str) -> str | None:
    """None when the activity ("assessment", "review", "safeguarding_enquiry") may start as far as independent
    advocacy goes (Care Act s67, s68); otherwise a sentence the worker can act on."""
    return advocacy_problem_of(
        advocacy_decision_current(case=case, activity=activity), case=case, activity=activity
    )


def support_results(
    *,
    case: Case,
    prevention: PreventionRecord | None,
    financial_information: FinancialInformationRecord | None,
) -> list[GateResult]:
    """What the records say about starting long-term support: a block without prevention (Care Act s2), a
    warning without financial information."""
    name = subject_first_name(case)
    results = []
    if prevention is None:
        results.append(
            GateResult(
                BLOCK,
                PREVENTION_NOT_RECORDED,
                (
                    f"Record the prevention and community services considered for {name}, and why they "
                    "were not enough, before long-term support starts."
                ),
            )
        )
    if financial_information is None:
        results.append(
            GateResult(
                WARN,
                FINANCIAL_INFORMATION_NOT_GIVEN,
                (
                    f"There is no record that {name} was given information about charging and financial "
                    "assessment."
                ),
            )
        )
    return results


def assessment_gate(case: Case) -> list[GateResult]:
    """Stage gate for Assessment: blocked until advocacy for the assessment is decided and met."""
    status = advocacy_status(
        advocacy_decision_current(case=case, activity=AdvocacyActivity.ASSESSMENT),
        case=case,
        activity=AdvocacyActivity.ASSESSMENT,
    )
    return [GateResult(BLOCK, *status)] if status else []


def support_gate(case: Case) -> list[GateResult]:
    """Stage gate for Support (long-term support): prevention first, financial information given."""
    return support_results(
        case=case,
        prevention=prevention_current(case=case),
        financial_information=financial_information_current(case=case),
    )


def register_care_act_gates() -> None:
    register_stage_gate(CaseStage.ASSESSMENT, assessment_gate)
    register_stage_gate(CaseStage.SUPPORT, support_gate)
