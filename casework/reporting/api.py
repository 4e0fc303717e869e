"""Reporting in the API: the risk index's hit rate (/api/v1/risk/hit-rate; the lead's initiative admins
and risk analysts only) and the dashboards (/api/v1/reporting/dashboard; ADR 24): the same figures and rules
as the pages."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Query, Router, Schema
from pydantic import Field

from casework.core import clock
from casework.core.api import Code, EventDate, Id, InputSchema
from casework.core.errors import PermissionRefused, ValidationFailed
from casework.reporting import dashboard, hit_rate
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


# --- Dashboards (ADR 24): /api/v1/reporting/dashboard ------------------------------------------------------

dashboard_router = Router(tags=["reporting"])


class DashboardParams(InputSchema):
    scope: Literal["team", "organisation", "initiative"] | None = Field(
        None,
        description="Which dashboard: a team's, an organisation's or the whole initiative's (the first "
        "the user may open when not given)",
    )
    scope_id: Id | None = Field(None, description="The team, organisation or initiative (its id)")
    period_from: EventDate | None = Field(None, description="Only what happened on or after this day")
    period_to: EventDate | None = Field(None, description="Only what happened on or before this day")
    team: Id | None = Field(None, description="Only this team's cases (its id)")
    area: Code = Field("", max_length=8, description="Only cases of this postcode district")


class DashboardScopeOut(Schema):
    kind: str = Field(description="team, organisation or initiative")
    id: int
    name: str


class DashboardRowOut(Schema):
    label: str
    values: list[float | None] = Field(
        description="One value a column, in the order of `columns`; null where hidden (a count from 1 to 4 "
        "across organisations) or where there is nothing to divide by"
    )
    link: str = Field(description="Drill-through to the records behind the row, '' where the user may not")


class DashboardFigureOut(Schema):
    key: str = Field(description="Stable: the CSV is at /reports/dashboard/{key}.csv")
    title: str
    first_column: str
    columns: list[str]
    rows: list[DashboardRowOut]
    unit: str = Field(description="'%' for rates, '' for counts and days")
    note: str


class DashboardFiltersOut(Schema):
    period_from: datetime.date | None
    period_to: datetime.date | None
    team: int | None
    area: str


class DashboardOut(Schema):
    scope: DashboardScopeOut
    scopes: list[DashboardScopeOut] = Field(description="Every dashboard the user may open")
    filters: DashboardFiltersOut
    as_at: datetime.date
    crosses_organisations: bool = Field(
        description="True for the whole initiative: counts under 5 are hidden"
    )
    figures: list[DashboardFigureOut]


@dashboard_router.get(
    "/dashboard",
    response=DashboardOut,
    summary="A dashboard's figures: the same figures, filters, suppression and permissions as the page",
)
def dashboard_get(request, filters: Query[DashboardParams]):
    scopes = dashboard.dashboard_scopes_for(request.user)
    if not scopes:
        raise PermissionRefused(dashboard.REFUSED)
    if filters.period_from and filters.period_to and filters.period_to < filters.period_from:
        raise ValidationFailed("The end date must be the same as or after the start date", field="period_to")
    if (filters.scope is None) != (filters.scope_id is None):
        raise ValidationFailed("Give both scope and scope_id, or neither", field="scope_id")
    if filters.scope is None:
        scope = scopes[0]
    else:
        scope = next(
            (s for s in scopes if (s.kind, s.id) == (filters.scope, filters.scope_id)),
            dashboard.Scope(filters.scope, filters.scope_id or 0),
        )
    chosen = dashboard.Filters(
        period_from=filters.period_from,
        period_to=filters.period_to,
        team_id=filters.team,
        area=filters.area.strip().upper(),
    )
    report = dashboard.dashboard_for_user(
        user=request.user,
        scope=scope,
        filters=chosen,
        today=clock.today(),
        links=dashboard.waiting_links(request.user, scope, chosen),
    )
    return {
        "scope": _scope_out(report.scope),
        "scopes": [_scope_out(s) for s in scopes],
        "filters": {
            "period_from": chosen.period_from,
            "period_to": chosen.period_to,
            "team": chosen.team_id,
            "area": chosen.area,
        },
        "as_at": report.today,
        "crosses_organisations": report.scope.crosses_organisations,
        "figures": [
            {
                "key": t.key,
                "title": t.title,
                "first_column": t.first_column,
                "columns": list(t.columns),
                "rows": [{"label": r.label, "values": list(r.values), "link": r.link} for r in t.rows],
                "unit": t.unit,
                "note": t.note,
            }
            for t in report.tables
        ],
    }


def _scope_out(scope: dashboard.Scope) -> dict:
    return {"kind": scope.kind, "id": scope.id, "name": scope.name}
