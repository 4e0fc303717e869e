"""The risk index's hit rate in the API (/api/v1/risk/hit-rate): the same figures and rules as the page (the
lead's initiative admins and risk analysts only)."""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from casework.core.api import Code, EventDate, Id, InputSchema
from casework.core.errors import PermissionRefused, ValidationFailed
from casework.reporting import hit_rate
from casework.reporting.policies import hit_rate_initiative_ids

router = Router(tags=["risk"])


class HitRateParams(InputSchema):
    category: Id | None = Field(None, description="Only cases of this risk category (its id)")
    area: Code = Field("", max_length=8, description="Only cases of this postcode district")
    raised_from: EventDate | None = Field(None, description="Only cases raised on or after this day")
    raised_to: EventDate | None = Field(None, description="Only cases raised on or before this day")


class HitRateFiguresOut(Schema):
    group: str = Field(description="The month raised (YYYY-MM), the category or the area; '' for all")
    index_cases: int = Field(description="Cases raised from the risk index")
    index_contacted: int = Field(description="Of those, reached by a contact and not declined")
    index_with_needs: int = Field(description="Of those, a need found")
    hit_rate: float | None = Field(description="index_with_needs / index_contacted; null with no cases")
    index_never_reached: int
    index_declined: int
    cases_with_needs: int
    needs_outside_index: int = Field(description="Cases with needs whose person was not on the index")
    miss_rate: float | None = Field(description="needs_outside_index / cases_with_needs; null with no cases")


class HitRateOut(Schema):
    initiative_id: int
    overall: HitRateFiguresOut
    by_month: list[HitRateFiguresOut]
    by_category: list[HitRateFiguresOut]
    by_area: list[HitRateFiguresOut]


def _out(group: str, figures: hit_rate.HitRate) -> dict:
    return {
        "group": group,
        **{name: getattr(figures, name) for name in HitRateFiguresOut.model_fields if name != "group"},
    }


@router.get(
    "",
    response=HitRateOut,
    summary="The risk index's hit rate and miss rate, overall and by month raised, risk category and area",
)
def hit_rate_get(request, filters: Query[HitRateParams]):
    ids = hit_rate_initiative_ids(request.user)
    if not ids:
        raise PermissionRefused(
            "Only the lead organisation's initiative admins and risk analysts see the hit rate."
        )
    if filters.raised_from and filters.raised_to and filters.raised_to < filters.raised_from:
        raise ValidationFailed("The end date must be the same as or after the start date", field="raised_to")
    report = hit_rate.hit_rate_for_user(
        user=request.user,
        initiative_id=min(ids),
        filters=hit_rate.Filters(
            category_id=filters.category,
            area=filters.area.strip().upper(),
            raised_from=filters.raised_from,
            raised_to=filters.raised_to,
        ),
    )
    return {
        "initiative_id": report.initiative_id,
        "overall": _out("", report.overall),
        "by_month": [_out(g, f) for g, f in report.by_month],
        "by_category": [_out(g, f) for g, f in report.by_category],
        "by_area": [_out(g, f) for g, f in report.by_area],
    }
