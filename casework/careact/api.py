"""The Care Act steps in the API: read a case's steps and history; record advocacy decisions (the advocate in
place, a manager's exception), prevention, financial information and eligibility (with the criteria's result).

The same selectors, services and permissions as the pages: 404 for a case you may not open, 403 for recording
what you may not, 409 for a stale record (send `replaces_id` and `version` of the record you read), 422 naming
the field.
"""

from __future__ import annotations

import datetime
import uuid

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from casework.careact import eligibility as rules
from casework.careact import selectors, services
from casework.careact.choices import AdvocacyActivity, EligibilityKind, FinancialInformationMethod
from casework.careact.models import AdvocacyDecision
from casework.cases.selectors import case_get_for_user
from casework.core import limits
from casework.core.api import (
    Code,
    EventDate,
    Id,
    InputSchema,
    Name,
    Note,
    SaidNote,
    Version,
    etag,
    expected_version,
    one_of,
)

router = Router(tags=["careact"])


class RecordOut(Schema):
    id: int
    version: int
    case_id: int
    created_at: datetime.datetime
    created_by_id: int | None
    superseded_at: datetime.datetime | None
    superseded_by_id: int | None


class AdvocacyDecisionOut(RecordOut):
    activity: str
    difficulty_understanding: bool
    difficulty_retaining: bool
    difficulty_using_or_weighing: bool
    difficulty_communicating: bool
    appropriate_person: bool
    appropriate_person_name: str
    appropriate_person_relationship: str
    referral_to: str
    referral_on: datetime.date | None
    advocate_name: str
    advocate_organisation: str
    advocate_from: datetime.date | None
    exception_reason: str
    exception_at: datetime.datetime | None
    exception_by_id: int | None
    notes: str
    advocate_needed: bool
    may_start: bool = Field(description="Whether the activity may start as far as advocacy goes")


class PreventionOut(RecordOut):
    services_considered: list[str]
    directory_services: list[dict]
    why_not_enough: str

    @staticmethod
    def resolve_services_considered(obj) -> list[str]:
        return obj.services_list


class FinancialInformationOut(RecordOut):
    method: str
    given_on: datetime.date
    notes: str


class EligibilityResultOut(Schema):
    kind: str
    eligible: bool
    conditions: dict[str, bool]
    outcomes_counted: list[str]
    reasons: list[str]


class EligibilityOut(RecordOut):
    kind: str
    condition_1: bool
    health_deteriorating: bool
    outcomes: dict[str, list[str]]
    significant_impact_on_wellbeing: bool
    cared_for: str
    computed_eligible: bool
    computed_reasons: list[str]
    computed_outcomes: list[str]
    confirmed_eligible: bool
    reason: str
    differs: bool


class StepsOut(Schema):
    case_id: int
    advocacy: list[AdvocacyDecisionOut]
    prevention: PreventionOut | None
    financial_information: FinancialInformationOut | None
    eligibility: list[EligibilityOut]
    assessment_problem: str | None = Field(description="Why the assessment may not start yet, or null")
    support_blocks: list[str]
    support_warnings: list[str]


class HistoryOut(Schema):
    advocacy: list[AdvocacyDecisionOut]
    prevention: list[PreventionOut]
    financial_information: list[FinancialInformationOut]
    eligibility: list[EligibilityOut]


def _advocacy(decision: AdvocacyDecision) -> AdvocacyDecision:
    decision.may_start = not decision.advocate_needed or decision.advocate_in_place or decision.has_exception
    return decision


def _case(request, case_id: int, purpose: str = "read_by_api"):
    return case_get_for_user(user=request.user, case_id=case_id, purpose=purpose)


@router.get("/cases/{case_id}", response=StepsOut, summary="The current Care Act records of a case")
def steps(request, case_id: Id):
    steps = selectors.care_act_steps_get_for_user(
        user=request.user, case=_case(request, case_id), purpose="read_by_api"
    )
    return {
        "case_id": case_id,
        "advocacy": [_advocacy(d) for _a, _l, d in steps.advocacy if d],
        "prevention": steps.prevention,
        "financial_information": steps.financial_information,
        "eligibility": [d for _k, _l, d in steps.eligibility if d],
        "assessment_problem": steps.assessment_problem,
        "support_blocks": steps.support_blocks,
        "support_warnings": steps.support_warnings,
    }


@router.get(
    "/cases/{case_id}/history",
    response=HistoryOut,
    summary="Every Care Act record of a case, current and replaced, newest first",
)
def history(request, case_id: Id):
    history = selectors.care_act_history_get_for_user(user=request.user, case=_case(request, case_id))
    return {
        "advocacy": [_advocacy(d) for d in history.advocacy],
        "prevention": history.prevention,
        "financial_information": history.financial_information,
        "eligibility": history.eligibility,
    }


class ReplacesIn(InputSchema):
    replaces_id: Id | None = Field(None, description="The current record you read, if any")
    version: Version | None = Field(None, description="Its version")


class AdvocacyIn(ReplacesIn):
    activity: one_of(AdvocacyActivity)
    difficulty_understanding: bool
    difficulty_retaining: bool
    difficulty_using_or_weighing: bool
    difficulty_communicating: bool
    appropriate_person: bool
    appropriate_person_name: str = Field("", max_length=200)
    appropriate_person_relationship: str = Field("", max_length=100)
    referral_to: str = Field("", max_length=200)
    referral_on: EventDate | None = None
    notes: Note = ""


@router.post(
    "/cases/{case_id}/advocacy",
    response={201: AdvocacyDecisionOut},
    summary="Record whether the person needs an independent advocate for an activity",
)
def advocacy_decide(request, case_id: Id, payload: AdvocacyIn, response: HttpResponse):
    decision = services.advocacy_decision_record(
        user=request.user, case=_case(request, case_id, "opened_for_change"), **payload.model_dump()
    )
    response["ETag"] = etag(decision.version)
    return Status(201, _advocacy(decision))


class AdvocateIn(InputSchema):
    advocate_name: str = Field(max_length=200)
    advocate_organisation: str = Field("", max_length=200)
    advocate_from: EventDate
    version: Version | None = None


def _decision(request, case_id: int, decision_id: int) -> AdvocacyDecision:
    case = _case(request, case_id, "opened_for_change")
    return selectors.advocacy_decision_get_for_user(user=request.user, case=case, decision_id=decision_id)


@router.post(
    "/cases/{case_id}/advocacy/{decision_id}/advocate",
    response=AdvocacyDecisionOut,
    summary="Record that the advocate is in place",
)
def advocate(request, case_id: Id, decision_id: Id, payload: AdvocateIn, response: HttpResponse):
    decision = services.advocacy_advocate_record(
        user=request.user,
        decision=_decision(request, case_id, decision_id),
        advocate_name=payload.advocate_name,
        advocate_organisation=payload.advocate_organisation,
        advocate_from=payload.advocate_from,
        version=expected_version(request, payload.version),
    )
    response["ETag"] = etag(decision.version)
    return _advocacy(decision)


class ExceptionIn(InputSchema):
    reason: SaidNote
    version: Version | None = None


@router.post(
    "/cases/{case_id}/advocacy/{decision_id}/exception",
    response=AdvocacyDecisionOut,
    summary="A team manager lets the activity start before an advocate is in place",
)
def advocacy_exception(request, case_id: Id, decision_id: Id, payload: ExceptionIn, response: HttpResponse):
    decision = services.advocacy_exception_record(
        user=request.user,
        decision=_decision(request, case_id, decision_id),
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )
    response["ETag"] = etag(decision.version)
    return _advocacy(decision)


class PreventionIn(ReplacesIn):
    services_considered: list[Name] = Field(
        default_factory=list, max_length=limits.MAX_CHOSEN, description="Services considered, free text"
    )
    directory_service_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=limits.MAX_CHOSEN,
        description="Directory services considered (ids from /api/v1/directory)",
    )
    why_not_enough: SaidNote


@router.post(
    "/cases/{case_id}/prevention",
    response={201: PreventionOut},
    summary="Record the prevention and community services considered, and why they were not enough",
)
def prevention(request, case_id: Id, payload: PreventionIn):
    record = services.prevention_record(
        user=request.user,
        case=_case(request, case_id, "opened_for_change"),
        services_considered=payload.services_considered,
        directory_service_ids=[str(i) for i in payload.directory_service_ids],
        why_not_enough=payload.why_not_enough,
        replaces_id=payload.replaces_id,
        version=payload.version,
    )
    return Status(201, record)


class FinancialInformationIn(ReplacesIn):
    method: one_of(FinancialInformationMethod)
    given_on: EventDate
    notes: Note = ""


@router.post(
    "/cases/{case_id}/financial-information",
    response={201: FinancialInformationOut},
    summary="Record that information about charging and financial assessment was given",
)
def financial_information(request, case_id: Id, payload: FinancialInformationIn):
    record = services.financial_information_record(
        user=request.user, case=_case(request, case_id, "opened_for_change"), **payload.model_dump()
    )
    return Status(201, record)


class OutcomeIn(InputSchema):
    code: Code
    unable: bool = True
    ways: list[Code] = Field(default_factory=list, max_length=limits.MAX_CHOSEN)


class EligibilityIn(ReplacesIn):
    kind: one_of(EligibilityKind)
    condition_1: bool = Field(
        description="Adults: needs arise from or relate to a physical or mental impairment "
        "or illness. Carers: needs arise from providing necessary care"
    )
    health_deteriorating: bool = Field(False, description="Carers only")
    outcomes: list[OutcomeIn] = Field(
        default_factory=list,
        max_length=limits.MAX_CHOSEN,
        description="The outcomes the person is unable to achieve, each with its ways",
    )
    significant_impact_on_wellbeing: bool
    cared_for: str = Field("", max_length=200)
    confirmed_eligible: bool
    reason: Note


def _findings(outcomes: list[OutcomeIn]) -> list[rules.OutcomeFinding]:
    return [rules.OutcomeFinding(code=o.code, unable=o.unable, ways=frozenset(o.ways)) for o in outcomes]


@router.post(
    "/cases/{case_id}/eligibility",
    response={201: EligibilityOut},
    summary="Record an eligibility determination; the response carries the criteria's result too",
)
def eligibility(request, case_id: Id, payload: EligibilityIn):
    data = payload.model_dump(exclude={"outcomes"})
    record = services.eligibility_determination_record(
        user=request.user,
        case=_case(request, case_id, "opened_for_change"),
        outcomes=_findings(payload.outcomes),
        **data,
    )
    return Status(201, record)


class EligibilityCheckIn(InputSchema):
    kind: one_of(EligibilityKind)
    condition_1: bool
    health_deteriorating: bool = False
    outcomes: list[OutcomeIn] = Field(default_factory=list, max_length=limits.MAX_CHOSEN)
    significant_impact_on_wellbeing: bool


@router.post(
    "/eligibility/check",
    response=EligibilityResultOut,
    summary="What the eligibility criteria give for some findings (nothing is recorded)",
)
def eligibility_check(request, payload: EligibilityCheckIn):
    return rules.eligibility_check(
        kind=payload.kind,
        condition_1=payload.condition_1,
        outcomes=_findings(payload.outcomes),
        significant_impact_on_wellbeing=payload.significant_impact_on_wellbeing,
        health_deteriorating=payload.health_deteriorating,
    ).as_dict()
