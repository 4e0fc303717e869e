"""Support plans in the API (/api/v1/plans/cases/{case_id}/support-plan...): read the plan (draft, active
and every version), save the next version, the sign-offs, activation within your approval limit, and
suspending and restarting a service of the active plan. The same selectors, services and permissions as the
pages: 404 for a case you may not open, 403 for what you may not do, 409 for a stale record, 422 naming the
field."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Annotated

from ninja import Router, Schema, Status
from pydantic import Field, StringConstraints

from casework.cases.selectors import case_get_for_user
from casework.core.api import (
    Id,
    InputSchema,
    Name,
    Note,
    PlannedDate,
    SaidName,
    SaidText,
    Text,
    Version,
    one_of,
)
from casework.core.errors import DomainError, ValidationFailed
from casework.plans import no_surprise
from casework.plans import support_selectors as selectors
from casework.plans import support_services as services
from casework.plans.support_choices import BudgetManagement, PersonSigner, ServiceFrequency, SuspensionReason
from casework.plans.support_models import ServiceSuspension, SupportPlan, SupportService

router = Router(tags=["plans"])

# Units and unit costs as text, so the contract bounds them exactly and nothing is lost to floating point.
Units = Annotated[
    str,
    StringConstraints(pattern=r"^0*[1-9][0-9]{0,5}(\.[0-9]{1,2})?$|^0*\.([1-9][0-9]?|0[1-9])$", max_length=9),
    Field(description="Units (hours, visits, days) each time, above 0, up to 999999.99, as text: 7 or 7.5"),
]
UnitCost = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,5}(\.[0-9]{1,2})?$", max_length=8),
    Field(description="Pounds a unit, up to 99999.99, as text: 24 or 24.50"),
]
Reference = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{1,12}$", max_length=12)]


class SupportSuspensionOut(Schema):
    reason: str = Field(description="hospital_admission, respite or other")
    note: str
    starts_on: datetime.date
    ends_on: datetime.date | None = Field(description="The last suspended day (null: still suspended)")


class SupportServiceOut(Schema):
    reference: str = Field(description="The same across versions for the same service")
    version: int
    provider_service_id: uuid.UUID | None = Field(description="The directory service providing it")
    provider_organisation_id: int | None = Field(description="The organisation providing it")
    provider: str = Field(description="The provider's name")
    service_type: str
    frequency: str = Field(description="weekly, four_weekly or one_off")
    units: Decimal
    unit_cost: Decimal
    starts_on: datetime.date
    ends_on: datetime.date | None
    status: str = Field(description="planned, running, suspended or ended")
    suspensions: list[SupportSuspensionOut]


class SupportPlanOut(Schema):
    id: int
    number: int = Field(description="The plan's version number")
    version: int = Field(description="The record's version, for sign-offs and activation")
    status: str = Field(description="draft, active or superseded")
    outcomes: str
    needs: str
    informal_support: str
    community_assets: str
    contingency: str
    budget_management: str = Field(description="direct_payment, council_managed or individual_service_fund")
    weekly_cost: Decimal
    annual_cost: Decimal
    worker_signed_at: datetime.datetime | None
    person_signer: str = Field(description="person, representative, not_signed, or empty: not yet")
    person_signer_name: str
    person_not_signed_reason: str
    person_signed_at: datetime.datetime | None
    activated_at: datetime.datetime | None
    activator_role: str
    activator_limit: Decimal | None
    services: list[SupportServiceOut]


class SupportPlanVersionOut(Schema):
    number: int
    status: str
    created_at: datetime.datetime


class CaseSupportPlanOut(Schema):
    draft: SupportPlanOut | None
    active: SupportPlanOut | None
    versions: list[SupportPlanVersionOut] = Field(description="Every version, newest first")


class SupportServiceIn(InputSchema):
    reference: Reference | None = Field(None, description="The service of an earlier version it continues")
    provider_service_id: uuid.UUID | None = Field(None, description="A directory service, or...")
    provider_organisation_id: Id | None = Field(None, description="...an organisation: one of the two")
    service_type: SaidName
    frequency: one_of(ServiceFrequency)  # type: ignore[valid-type]
    units: Units
    unit_cost: UnitCost
    starts_on: PlannedDate
    ends_on: PlannedDate | None = None


class SupportPlanIn(InputSchema):
    based_on: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        description="The latest version number you read (null: there is none)"
    )
    outcomes: SaidText = Field(description="The outcomes the person wants, in their words")
    needs: SaidText = Field(description="The needs met, and how")
    informal_support: Text = ""
    community_assets: Text = ""
    contingency: Text = ""
    budget_management: one_of(BudgetManagement)  # type: ignore[valid-type]
    services: list[SupportServiceIn] = Field(default_factory=list, max_length=services.MAX_SERVICES)


class SupportPlanVersionIn(InputSchema):
    version: Version = Field(description="The draft's record version you read")


class SupportPlanPersonSignIn(InputSchema):
    version: Version
    signer: one_of(PersonSigner)  # type: ignore[valid-type]
    name: Name = Field("", description="Who signed: the person or their representative")
    reason: Note = Field("", description="Why nobody signed (signer not_signed)")


class SupportServiceSuspendIn(InputSchema):
    reference: Reference = Field(description="The service of the active plan")
    version: Version = Field(description="The service's version you read")
    reason: one_of(SuspensionReason)  # type: ignore[valid-type]
    starts_on: PlannedDate
    ends_on: PlannedDate | None = Field(None, description="The last day, when known (respite)")
    note: Note = ""


class SupportServiceRestartIn(InputSchema):
    reference: Reference = Field(description="The service of the active plan")
    version: Version
    restarts_on: PlannedDate
    note: Note = ""


def _suspension_out(s: ServiceSuspension) -> dict:
    return {"reason": s.reason, "note": s.note, "starts_on": s.starts_on, "ends_on": s.ends_on}


def _service_out(s: SupportService) -> dict:
    provider = s.provider_service.name if s.provider_service else None
    return {
        "reference": s.reference,
        "version": s.version,
        "provider_service_id": s.provider_service_id,
        "provider_organisation_id": s.provider_organisation_id,
        "provider": provider or (s.provider_organisation.name if s.provider_organisation else ""),
        "service_type": s.service_type,
        "frequency": s.frequency,
        "units": s.units,
        "unit_cost": s.unit_cost,
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "status": s.status,
        "suspensions": [_suspension_out(x) for x in s.suspensions.all()],
    }


PLAN_FIELDS = [name for name in SupportPlanOut.model_fields if name != "services"]


def _plan_out(plan: SupportPlan) -> dict:
    return {
        **{name: getattr(plan, name) for name in PLAN_FIELDS},
        "services": [_service_out(s) for s in plan.services.all()],
    }


def _case(request, case_id: int, purpose: str = "read_by_api"):
    return case_get_for_user(user=request.user, case_id=case_id, purpose=purpose)


def _found(request, case, purpose: str = "read_by_api") -> selectors.CaseSupportPlan:
    return selectors.case_support_plan_get_for_user(user=request.user, case=case, purpose=purpose)


def _out(request, case) -> dict:
    found = _found(request, case)
    return {
        "draft": _plan_out(found.draft) if found.draft else None,
        "active": _plan_out(found.active) if found.active else None,
        "versions": [
            {"number": v.number, "status": v.status, "created_at": v.created_at} for v in found.versions
        ],
    }


@router.get(
    "/cases/{case_id}/support-plan",
    response=CaseSupportPlanOut,
    summary="The case's support plan: its draft, its active version and the list of versions",
)
def case_support_plan_get(request, case_id: Id):
    return _out(request, _case(request, case_id))


@router.get(
    "/cases/{case_id}/support-plan/versions",
    response=list[SupportPlanOut],
    summary="Every version of the case's support plan as it was, newest first",
)
def support_plan_versions_get(request, case_id: Id):
    case = _case(request, case_id)
    return [_plan_out(p) for p in selectors.support_plan_versions_get_for_user(user=request.user, case=case)]


@router.post(
    "/cases/{case_id}/support-plan",
    response={201: CaseSupportPlanOut},
    summary="Save the support plan as its next version (a draft; the active version stays until activated)",
)
def support_plan_save(request, case_id: Id, payload: SupportPlanIn):
    case = _case(request, case_id, "opened_for_change")
    services.support_plan_save(
        user=request.user,
        case=case,
        based_on=payload.based_on,
        outcomes=payload.outcomes,
        needs=payload.needs,
        informal_support=payload.informal_support,
        community_assets=payload.community_assets,
        contingency=payload.contingency,
        budget_management=payload.budget_management,
        services=[
            services.ServiceIn(
                service_type=s.service_type,
                frequency=s.frequency,
                units=Decimal(s.units),
                unit_cost=Decimal(s.unit_cost),
                starts_on=s.starts_on,
                ends_on=s.ends_on,
                provider_service_id=str(s.provider_service_id) if s.provider_service_id else None,
                provider_organisation_id=s.provider_organisation_id,
                reference=s.reference or "",
            )
            for s in payload.services
        ],
    )
    return Status(201, _out(request, case))


def _draft(request, case) -> SupportPlan:
    found = _found(request, case, "opened_for_change")
    if found.draft is None:
        raise DomainError("There is no draft of the support plan: save one first.")
    return found.draft


@router.post(
    "/cases/{case_id}/support-plan/sign-worker",
    response=CaseSupportPlanOut,
    summary="The worker signs off the draft",
)
def support_plan_sign_worker(request, case_id: Id, payload: SupportPlanVersionIn):
    case = _case(request, case_id, "opened_for_change")
    services.support_plan_sign_worker(user=request.user, plan=_draft(request, case), version=payload.version)
    return _out(request, case)


class EstimateLetterOut(Schema):
    id: int = Field(description="The letter (read it at /letters/{letter_id})")
    subject: str
    sent_at: datetime.datetime


@router.post(
    "/cases/{case_id}/support-plan/estimate-letter",
    response={201: EstimateLetterOut},
    summary="Send the person the estimate of what they will pay a week before a chargeable service starts",
)
def charge_estimate_letter_send(request, case_id: Id):
    case = _case(request, case_id, "opened_for_change")
    letter = no_surprise.charge_estimate_letter_send(user=request.user, case=case)
    return Status(201, EstimateLetterOut(id=letter.pk, subject=letter.subject, sent_at=letter.sent_at))


@router.post(
    "/cases/{case_id}/support-plan/sign-person",
    response=CaseSupportPlanOut,
    summary="Record the person's or their representative's sign-off, or why nobody signed",
)
def support_plan_sign_person(request, case_id: Id, payload: SupportPlanPersonSignIn):
    case = _case(request, case_id, "opened_for_change")
    services.support_plan_sign_person(
        user=request.user,
        plan=_draft(request, case),
        version=payload.version,
        signer=payload.signer,
        name=payload.name,
        reason=payload.reason,
    )
    return _out(request, case)


@router.post(
    "/cases/{case_id}/support-plan/activate",
    response=CaseSupportPlanOut,
    summary="Activate the signed draft: only within your annual approval limit",
)
def support_plan_activate(request, case_id: Id, payload: SupportPlanVersionIn):
    case = _case(request, case_id, "opened_for_change")
    services.support_plan_activate(user=request.user, plan=_draft(request, case), version=payload.version)
    return _out(request, case)


def _service(request, case, reference: str) -> SupportService:
    found = _found(request, case, "opened_for_change")
    for service in found.active.services.all() if found.active else []:
        if service.reference == reference:
            return service
    raise ValidationFailed("No such service in the active support plan", field="reference")


@router.post(
    "/cases/{case_id}/support-plan/services/suspend",
    response=CaseSupportPlanOut,
    summary="Suspend a service of the active plan (a hospital admission; respite with its last day)",
)
def support_service_suspend(request, case_id: Id, payload: SupportServiceSuspendIn):
    case = _case(request, case_id, "opened_for_change")
    services.support_service_suspend(
        user=request.user,
        service=_service(request, case, payload.reference),
        version=payload.version,
        reason=payload.reason,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        note=payload.note,
    )
    return _out(request, case)


@router.post(
    "/cases/{case_id}/support-plan/services/restart",
    response=CaseSupportPlanOut,
    summary="Restart a suspended service (a discharge from hospital)",
)
def support_service_restart(request, case_id: Id, payload: SupportServiceRestartIn):
    case = _case(request, case_id, "opened_for_change")
    services.support_service_restart(
        user=request.user,
        service=_service(request, case, payload.reference),
        version=payload.version,
        restarts_on=payload.restarts_on,
        note=payload.note,
    )
    return _out(request, case)
