"""Resource allocation and budgets in the API (/api/v1/plans/cases/{case_id}/budget...): the questionnaire a
case's indicative budget uses, the indicative budget broken down per answer, the personal budget's three
figures, sending it for approval, approving it within the approver's limit or referring it up. The same
selectors, services and permissions as the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Router, Schema, Status
from pydantic import Field, StringConstraints

from casework.cases.policies import holding_organisation_id
from casework.cases.selectors import case_get_for_user
from casework.core.api import Code, Id, InputSchema, Note, Version
from casework.core.errors import DomainError
from casework.core.permissions import require_perm
from casework.plans import budget_selectors as selectors
from casework.plans import budgets
from casework.plans.budget_models import BudgetApproval, IndicativeBudget, PersonalBudget, RasQuestionnaire
from casework.plans.ras import questionnaire as ras

router = Router(tags=["plans"])

# A weekly amount as text, up to £99,999.99 (what a personal budget may cost a week).
WeeklyMoney = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,5}(\.[0-9]{1,2})?$", max_length=8),
    Field(description="Pounds a week, up to 99999.99, as text: 250 or 250.50"),
]


class RasAnswerOut(Schema):
    key: str
    text: str
    points: int


class RasQuestionOut(Schema):
    key: str
    text: str
    answers: list[RasAnswerOut]


class RasBandOut(Schema):
    from_points: int = Field(description="The band applies from this many points")
    weekly: Decimal = Field(description="Pounds a week at from_points")
    per_point: Decimal = Field(description="Pounds a week more for each point above from_points")


class RasQuestionnaireOut(Schema):
    id: int
    number: int = Field(description="The published version")
    published_at: datetime.datetime
    questions: list[RasQuestionOut]
    bands: list[RasBandOut]


class BudgetLineOut(Schema):
    question_key: str
    question: str
    answer_key: str
    answer: str
    points: int
    weekly: Decimal = Field(description="This answer's share of the weekly amount")


class IndicativeBudgetOut(Schema):
    id: int
    questionnaire_id: int
    questionnaire_number: int = Field(description="The questionnaire version it used")
    points: int
    weekly_amount: Decimal
    lines: list[BudgetLineOut]
    created_at: datetime.datetime


class BudgetApprovalOut(Schema):
    user: str = Field(description="Who decided")
    role: str
    annual_limit: Decimal | None = Field(description="Their limit when they decided (null: none)")
    annual_cost: Decimal
    decision: str = Field(description="approved, or passed_up (agreed and referred up: over their limit)")
    decided_at: datetime.datetime


class PersonalBudgetOut(Schema):
    id: int
    version: int
    status: str = Field(description="draft, awaiting_approval or approved")
    weekly_cost: Decimal = Field(description="The cost to the council, a week")
    person_pays_weekly: Decimal | None = Field(
        description="From the completed financial assessment (null: none)"
    )
    council_pays_weekly: Decimal
    annual_cost: Decimal
    indicative_weekly: Decimal
    difference_weekly: Decimal = Field(description="The weekly cost minus the indicative budget")
    difference_reason: str
    awaiting_role: str = Field(description="The level it awaits approval from (empty: none)")
    approved_at: datetime.datetime | None
    approvals: list[BudgetApprovalOut]


class CaseBudgetOut(Schema):
    indicative: IndicativeBudgetOut | None
    personal: PersonalBudgetOut | None


class BudgetAnswerIn(InputSchema):
    question: Code = Field(description="The question's key")
    answer: Code = Field(description="The chosen answer's key")


class IndicativeBudgetIn(InputSchema):
    questionnaire_id: Id = Field(description="The published questionnaire you answered")
    answers: list[BudgetAnswerIn] = Field(max_length=ras.MAX_QUESTIONS)


class PersonalBudgetIn(InputSchema):
    version: Version | None = Field(description="The current personal budget's version you read (null: none)")
    weekly_cost: WeeklyMoney
    difference_reason: Note = ""


class PersonalBudgetActionIn(InputSchema):
    version: Version = Field(description="The personal budget's version you read")


def _questionnaire_out(record: RasQuestionnaire) -> dict:
    content = ras.from_json(record.content)
    return {
        "id": record.pk,
        "number": record.number,
        "published_at": record.published_at,
        "questions": [
            {
                "key": q.key,
                "text": q.text,
                "answers": [{"key": a.key, "text": a.text, "points": a.points} for a in q.answers],
            }
            for q in content.questions
        ],
        "bands": [
            {"from_points": b.from_points, "weekly": b.weekly, "per_point": b.per_point}
            for b in content.bands
        ],
    }


def _indicative_out(record: IndicativeBudget) -> dict:
    return {
        "id": record.pk,
        "questionnaire_id": record.questionnaire_id,
        "questionnaire_number": record.questionnaire.number,
        "points": record.points,
        "weekly_amount": record.weekly_amount,
        "lines": record.lines,
        "created_at": record.created_at,
    }


def _approval_out(approval: BudgetApproval) -> dict:
    return {
        "user": approval.user.display_name,
        "role": approval.role,
        "annual_limit": approval.annual_limit,
        "annual_cost": approval.annual_cost,
        "decision": approval.decision,
        "decided_at": approval.decided_at,
    }


def _personal_out(record: PersonalBudget, approvals: list[BudgetApproval]) -> dict:
    return {
        "id": record.pk,
        "version": record.version,
        "status": record.status,
        "weekly_cost": record.weekly_cost,
        "person_pays_weekly": record.person_pays_weekly,
        "council_pays_weekly": record.council_pays_weekly,
        "annual_cost": record.annual_cost,
        "indicative_weekly": record.indicative.weekly_amount,
        "difference_weekly": record.difference_weekly,
        "difference_reason": record.difference_reason,
        "awaiting_role": record.awaiting_role,
        "approved_at": record.approved_at,
        "approvals": [_approval_out(a) for a in approvals],
    }


def _case(request, case_id: int, purpose: str = "read_by_api"):
    return case_get_for_user(user=request.user, case_id=case_id, purpose=purpose)


def _budget_out(request, case) -> dict:
    found = selectors.case_budget_get_for_user(user=request.user, case=case, purpose="read_by_api")
    return {
        "indicative": _indicative_out(found.indicative) if found.indicative else None,
        "personal": _personal_out(found.personal, found.approvals) if found.personal else None,
    }


@router.get(
    "/cases/{case_id}/budget",
    response=CaseBudgetOut,
    summary="The case's indicative budget (per answer) and personal budget (three figures, approvals)",
)
def case_budget_get(request, case_id: Id):
    return _budget_out(request, _case(request, case_id))


@router.get(
    "/cases/{case_id}/budget/questionnaire",
    response=RasQuestionnaireOut | None,
    summary="The published questionnaire the case's indicative budget is worked out with (null: none)",
)
def case_budget_questionnaire(request, case_id: Id):
    case = _case(request, case_id)
    require_perm(request.user, "plans.view_budget_case", case, selectors.REFUSED_VIEW)
    record = selectors.ras_questionnaire_current(organisation_id=holding_organisation_id(case))
    return _questionnaire_out(record) if record else None


@router.post(
    "/cases/{case_id}/budget/indicative",
    response={201: CaseBudgetOut},
    summary="Work out the indicative budget from answers to the current published questionnaire",
)
def indicative_budget_record(request, case_id: Id, payload: IndicativeBudgetIn):
    case = _case(request, case_id, "opened_for_change")
    budgets.indicative_budget_record(
        user=request.user,
        case=case,
        questionnaire_id=payload.questionnaire_id,
        answers=[(item.question, item.answer) for item in payload.answers],
    )
    return Status(201, _budget_out(request, case))


@router.post(
    "/cases/{case_id}/budget/personal",
    response=CaseBudgetOut,
    summary="Set the personal budget's weekly cost (with a reason when it differs over the threshold)",
)
def personal_budget_save(request, case_id: Id, payload: PersonalBudgetIn):
    case = _case(request, case_id, "opened_for_change")
    budgets.personal_budget_save(
        user=request.user,
        case=case,
        version=payload.version,
        weekly_cost=Decimal(payload.weekly_cost),
        difference_reason=payload.difference_reason,
    )
    return _budget_out(request, case)


def _current(request, case) -> PersonalBudget:
    found = selectors.case_budget_get_for_user(user=request.user, case=case, purpose="opened_for_change")
    if found.personal is None:
        raise DomainError("There is no personal budget on this case: set one first.")
    return found.personal


@router.post(
    "/cases/{case_id}/budget/personal/submit",
    response=CaseBudgetOut,
    summary="Send the draft personal budget for approval (to the lowest level of the approval chain)",
)
def personal_budget_submit(request, case_id: Id, payload: PersonalBudgetActionIn):
    case = _case(request, case_id, "opened_for_change")
    budgets.personal_budget_submit(user=request.user, budget=_current(request, case), version=payload.version)
    return _budget_out(request, case)


@router.post(
    "/cases/{case_id}/budget/personal/approve",
    response=CaseBudgetOut,
    summary="Approve the personal budget: only within your annual approval limit",
)
def personal_budget_approve(request, case_id: Id, payload: PersonalBudgetActionIn):
    case = _case(request, case_id, "opened_for_change")
    budgets.personal_budget_approve(
        user=request.user, budget=_current(request, case), version=payload.version
    )
    return _budget_out(request, case)


@router.post(
    "/cases/{case_id}/budget/personal/refer-up",
    response=CaseBudgetOut,
    summary="Agree a personal budget over your approval limit and refer it up to the next level",
)
def personal_budget_refer_up(request, case_id: Id, payload: PersonalBudgetActionIn):
    case = _case(request, case_id, "opened_for_change")
    budgets.personal_budget_refer_up(
        user=request.user, budget=_current(request, case), version=payload.version
    )
    return _budget_out(request, case)
