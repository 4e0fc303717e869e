"""The cohort in the API (/api/v1/risk/cohorts): generate one from a risk model version, see cohorts and
their rows (people, category, the rules and factors that put them there). Only the lead's initiative admins
and risk analysts; 404 for anyone else's cohort."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from casework.core.api import Id, InputSchema, Page, PageParams, paginate
from casework.risk import cohort_selectors, cohort_services, selectors

router = Router(tags=["risk"])

CategoryCode = Annotated[str, StringConstraints(max_length=40, pattern=r"^[A-Za-z0-9_-]*$")]
AreaCode = Annotated[str, StringConstraints(max_length=8, pattern=r"^[A-Za-z0-9]*$")]


class CohortIn(InputSchema):
    model_version_id: Id = Field(description="The risk model version to run (it is frozen by its first run)")


class CohortOut(Schema):
    id: int
    model_version_id: int
    status: str = Field(description="queued, running, done or failed")
    generated_at: datetime.datetime | None
    reference_date: datetime.date | None = Field(description="The day ages were taken on")
    people_considered: int = Field(description="Matched people with risk factors")
    people_in_cohort: int
    factors_deleted: int = Field(description="Factors of people in no category, deleted by the run")
    counts: dict[str, dict[str, int]] = Field(description="{category code: {postcode district: people}}")
    fingerprint: str = Field(description="SHA-256 of the rows: the same version over the same data gives it")


class CohortFactorOut(Schema):
    code: str
    source: str
    extracted_on: datetime.date | None
    factor_date: datetime.date | None


class CohortReasonOut(Schema):
    rule_id: str
    description: str
    category: str
    factors: list[CohortFactorOut]


class CohortRowOut(Schema):
    id: int
    person_id: int
    category: str
    area: str
    rule_ids: list[str]
    explanation: str = Field(description='e.g. "High: R3 council tax arrears + R7 aged 75 or over"')
    reasons: list[CohortReasonOut]

    @staticmethod
    def resolve_category(row: Any) -> str:
        return str(row.category.code)


class CohortRowQuery(InputSchema):
    category: CategoryCode = Field("", description="Only this category (its code)")
    area: AreaCode = Field("", description="Only this postcode district")


@router.get("/cohorts", response=Page[CohortOut], summary="The initiative's cohorts, newest first")
def cohort_list(request, page: Query[PageParams]):
    rows, meta = paginate(cohort_selectors.cohort_list_for_user(user=request.user), page)
    return {"items": rows, **meta}


@router.post("/cohorts", response={202: CohortOut}, summary="Generate a cohort (a job does the work)")
def cohort_create(request, payload: CohortIn):
    model_version = selectors.risk_model_version_get_for_user(
        user=request.user, version_id=payload.model_version_id
    )
    return Status(202, cohort_services.cohort_start(user=request.user, model_version=model_version))


@router.get("/cohorts/{cohort_id}", response=CohortOut, summary="A cohort's status and counts")
def cohort_get(request, cohort_id: Id):
    return cohort_selectors.cohort_get_for_user(user=request.user, cohort_id=cohort_id)


@router.get(
    "/cohorts/{cohort_id}/rows",
    response=Page[CohortRowOut],
    summary="The people in a cohort, by category and area, with why (recorded: who saw which)",
)
def cohort_rows(request, cohort_id: Id, page: Query[PageParams], query: Query[CohortRowQuery]):
    cohort = cohort_selectors.cohort_get_for_user(user=request.user, cohort_id=cohort_id)
    rows, meta = paginate(
        cohort_selectors.cohort_rows_for_user(
            user=request.user, cohort=cohort, category=query.category, area=query.area
        ),
        page,
    )
    cohort_selectors.cohort_rows_viewed(user=request.user, cohort=cohort, rows=rows)
    return {"items": rows, **meta}


class CohortRaiseIn(InputSchema):
    category: CategoryCode = Field("", description="Only this category (its code); empty: every category")
    area: AreaCode = Field("", description="Only this postcode district; empty: every area")


class CohortRaisedOut(Schema):
    raised: int = Field(description="Cases raised (origin risk index, with the person's category)")
    already_open: int = Field(description="People not given a second case: they have an open one")
    allocated: int = Field(description="Cases the allocation rules routed to an organisation")
    not_allocated: int = Field(description="Cases no rule could route: left for the initiative admin")


@router.post(
    "/cohorts/{cohort_id}/raise-cases",
    response=CohortRaisedOut,
    summary="Raise cases from a cohort (all, or a category and area); raising again changes nothing",
)
def cohort_raise_cases(request, cohort_id: Id, payload: CohortRaiseIn):
    cohort = cohort_selectors.cohort_get_for_user(user=request.user, cohort_id=cohort_id)
    return cohort_services.cohort_raise_cases(
        user=request.user, cohort=cohort, category=payload.category, area=payload.area
    )
