"""Support planning in the API (/api/v1/plans): a case's financial assessment: read it, start it, complete it
with the calculator's inputs. The same selectors, services and permissions as the pages: 404 for a case you
may not open, 403 for recording what you may not, 409 for a stale record, 422 naming the field."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Router, Schema, Status
from pydantic import Field, StringConstraints

from casework.cases.selectors import case_get_for_user
from casework.core import limits
from casework.core.api import Id, InputSchema, Name, Version
from casework.core.errors import DomainError
from casework.plans import selectors, services
from casework.plans.charging.calculator import (
    AssessmentInput,
    CapitalItem,
    CapitalKind,
    DreItem,
    Household,
    IncomeItem,
    IncomeKind,
    Path,
)
from casework.plans.models import FinancialAssessment

router = Router(tags=["plans"])

# Money as text ("150" or "150.50"), so the contract bounds it exactly and nothing is lost to floating point.
Money = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,8}(\.[0-9]{1,2})?$", max_length=11),
    Field(description="Pounds, up to 99999999.99, as text: 150 or 150.50"),
]


class LineOut(Schema):
    section: str = Field(description="capital, income, allowances or charge")
    label: str
    amount: str = Field(description="Pounds, as a decimal string")
    citation: str = Field(description="The regulation, guidance paragraph or council policy it comes from")
    to_confirm: bool = Field(description="The figure is not yet confirmed for the tax year")
    counted: bool = Field(description="False: shown but left out (a disregard)")


class FinancialAssessmentOut(Schema):
    id: int
    version: int
    case_id: int
    status: str = Field(description="started or completed")
    started_on: datetime.date
    due_on: datetime.date
    completed_at: datetime.datetime | None
    path: str
    tax_year: str
    figures_version: int = Field(
        description="The organisation's version of the tax year's charging figures used (0: as seeded)"
    )
    weekly_charge: Decimal | None
    pays_full_cost: bool
    uses_figures_to_confirm: bool
    lines: list[LineOut]


class FinancialAssessmentStartIn(InputSchema):
    replaces_id: Id | None = Field(description="The current assessment you read (null: none)")


class AssessmentCapitalIn(InputSchema):
    kind: CapitalKind
    amount: Money


class AssessmentIncomeIn(InputSchema):
    kind: IncomeKind
    weekly: Money


class AssessmentDreIn(InputSchema):
    label: Name
    weekly: Money


class AssessmentHouseholdIn(InputSchema):
    age: int = Field(ge=18, le=130)
    couple: bool = False
    lone_parent: bool = False
    children: int = Field(0, ge=0, le=20)
    disability_premium: bool = False
    enhanced_disability_premium: bool = False
    carer_premium: bool = False
    receives_night_care: bool = False
    receives_savings_credit: bool = False


class FinancialAssessmentCompleteIn(InputSchema):
    version: Version = Field(description="The version of the assessment in progress you read")
    path: Path
    household: AssessmentHouseholdIn
    capital: list[AssessmentCapitalIn] = Field(default_factory=list, max_length=limits.MAX_CHOSEN)
    notional_capital: Money = "0"
    income: list[AssessmentIncomeIn] = Field(default_factory=list, max_length=limits.MAX_CHOSEN)
    housing_costs: Money = "0"
    dre_itemised: list[AssessmentDreIn] | None = Field(
        None,
        max_length=limits.MAX_CHOSEN,
        description="Itemised disability-related expenditure; null: standard",
    )
    weekly_cost_of_care: Money | None = None
    main_home_disregarded: bool = False

    def as_input(self) -> AssessmentInput:
        return AssessmentInput(
            path=self.path,
            household=Household(**self.household.model_dump()),
            capital=tuple(CapitalItem(i.kind, Decimal(i.amount)) for i in self.capital),
            notional_capital=Decimal(self.notional_capital),
            income=tuple(IncomeItem(i.kind, Decimal(i.weekly)) for i in self.income),
            housing_costs=Decimal(self.housing_costs),
            dre_itemised=None
            if self.dre_itemised is None
            else tuple(DreItem(i.label, Decimal(i.weekly)) for i in self.dre_itemised),
            weekly_cost_of_care=None
            if self.weekly_cost_of_care is None
            else Decimal(self.weekly_cost_of_care),
            main_home_disregarded=self.main_home_disregarded,
        )


def _case(request, case_id: int, purpose: str = "read_by_api"):
    return case_get_for_user(user=request.user, case_id=case_id, purpose=purpose)


@router.get(
    "/cases/{case_id}/financial-assessment",
    response=FinancialAssessmentOut | None,
    summary="The case's current financial assessment (null: none started)",
)
def financial_assessment_get(request, case_id: Id):
    current = selectors.financial_assessment_current_get_for_user(
        user=request.user, case=_case(request, case_id), purpose="read_by_api"
    )
    return current


@router.post(
    "/cases/{case_id}/financial-assessment/start",
    response={201: FinancialAssessmentOut},
    summary="Start a financial assessment, due in 20 working days (a new one replaces a completed one)",
)
def financial_assessment_start(request, case_id: Id, payload: FinancialAssessmentStartIn):
    record = services.financial_assessment_start(
        user=request.user, case=_case(request, case_id, "opened_for_change"), replaces_id=payload.replaces_id
    )
    return Status(201, record)


@router.post(
    "/cases/{case_id}/financial-assessment/complete",
    response=FinancialAssessmentOut,
    summary="Complete the assessment in progress with the evidence: the calculator gives the charge",
)
def financial_assessment_complete(request, case_id: Id, payload: FinancialAssessmentCompleteIn):
    case = _case(request, case_id, "opened_for_change")
    current: FinancialAssessment | None = selectors.financial_assessment_current_get_for_user(
        user=request.user, case=case, purpose="opened_for_change"
    )
    if current is None:
        raise DomainError("No financial assessment is in progress on this case: start one first.")
    return services.financial_assessment_complete(
        user=request.user, assessment=current, version=payload.version, data=payload.as_input()
    )


# Resource allocation and personal budgets (budget_api.py), under the same /plans prefix.
router.add_router("", "casework.plans.budget_api.router")
# Crisis and enablement episodes (episode_api.py), under the same /plans prefix.
router.add_router("", "casework.plans.episode_api.router")
router.add_router("", "casework.plans.support_api.router")
# Direct payments (dp_api.py), under the same /plans prefix.
router.add_router("", "casework.plans.dp_api.router")
