"""Retention in the API: the schedule's classes, legal holds, dry runs with what they found due, appraisal
and disposal. The same services and rules as the pages."""

from __future__ import annotations

import datetime

from ninja import Query, Router, Schema, Status
from pydantic import Field

from casework.core.api import (
    Id,
    InputSchema,
    Page,
    PageParams,
    PlannedDate,
    SaidName,
    SaidNote,
    Version,
    one_of,
)
from casework.core.permissions import require_perm
from casework.core.querysets import Pager
from casework.retention import selectors, services
from casework.retention.choices import Action, Decision, HoldReason, PeriodUnit, RecordKind

router = Router(tags=["retention"])


class RecordClassOut(Schema):
    id: int
    organisation_id: int | None = Field(description="Empty for a default class")
    name: str
    covers: str = Field(description="advice_only, closed_case, deceased or direct_payment")
    trigger: str = Field(description="last_contact, closure, death or direct_payment_end")
    period: int = Field(ge=1)
    period_unit: str = Field(description="years or months")
    action: str = Field(description="review, destroy or keep")
    version: int


class RecordClassChangeIn(InputSchema):
    version: Version
    name: SaidName
    period: int = Field(ge=1, le=1800)
    period_unit: one_of(PeriodUnit)  # type: ignore[valid-type]
    action: one_of(Action)  # type: ignore[valid-type]
    reason: SaidNote


class LegalHoldOut(Schema):
    id: int
    organisation_id: int
    kind: str = Field(description="case or person")
    object_id: int
    record_reference: str = Field(description="The case's reference (empty for a person)")
    reason: str = Field(description="inquiry, litigation or ombudsman")
    reference: str
    placed_at: datetime.datetime
    lifted_at: datetime.datetime | None
    lift_reason: str


class LegalHoldIn(InputSchema):
    kind: one_of(RecordKind)  # type: ignore[valid-type]
    identifier: str = Field(
        min_length=1, max_length=20, pattern=r"^[0-9A-Za-z-]+$", description="Case reference or person number"
    )
    reason: one_of(HoldReason)  # type: ignore[valid-type]
    reference: SaidName


class HoldLiftIn(InputSchema):
    reason: SaidNote


class DisposalRunOut(Schema):
    id: int
    organisation_id: int
    dry_run: bool
    source_run_id: int | None = Field(description="For a disposal: the dry run whose records it disposes of")
    status: str = Field(description="queued, running, done or failed")
    as_of: datetime.date
    total: int
    processed: int
    counts: dict[str, int]
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


class CandidateOut(Schema):
    id: int
    kind: str = Field(description="case or person")
    object_id: int
    reference: str
    record_class_id: int
    class_version: int
    action: str
    trigger_on: datetime.date
    due_on: datetime.date
    why: str
    decision: str | None = Field(description="The appraisal's decision, empty until appraised")

    @staticmethod
    def resolve_decision(candidate) -> str | None:
        appraisal = getattr(candidate, "appraisal", None)
        return appraisal.decision if appraisal else None


class AppraisalIn(InputSchema):
    candidate_ids: list[Id] = Field(min_length=1, max_length=500)
    decision: one_of(Decision)  # type: ignore[valid-type]
    reason: SaidNote
    review_on: PlannedDate | None = Field(None, description="For an extension: when to review it again")


def _organisation_id(request) -> int:
    return selectors.organisation_for_user(user=request.user).pk


@router.get("/classes", response=list[RecordClassOut], summary="Your organisation's retention schedule")
def class_list(request):
    require_perm(request.user, services.GOVERN)
    return selectors.record_class_list_for_organisation(organisation_id=_organisation_id(request))


@router.post(
    "/classes/{class_id}/change",
    response=RecordClassOut,
    summary="Change a class of the schedule, with the reason (a default becomes your organisation's own)",
)
def class_change(request, class_id: Id, payload: RecordClassChangeIn):
    record_class = selectors.record_class_get_for_user(user=request.user, class_id=class_id)
    organisation = selectors.organisation_for_user(user=request.user, schedule=True)
    return services.record_class_change(
        user=request.user, organisation_id=organisation.pk, record_class=record_class,
        version=payload.version, name=payload.name, period=payload.period, period_unit=payload.period_unit,
        action=payload.action, reason=payload.reason,
    )  # fmt: skip


@router.get("/holds", response=Page[LegalHoldOut], summary="Legal holds of your organisations")
def hold_list(request, page: Query[PageParams]):
    require_perm(request.user, services.GOVERN)
    shown = selectors.hold_list_for_user(user=request.user, pager=Pager.of_params(page))
    return {"items": shown.rows, **shown.meta()}


@router.post("/holds", response={201: LegalHoldOut}, summary="Place a legal hold on a case or a person")
def hold_place(request, payload: LegalHoldIn):
    require_perm(request.user, services.GOVERN)
    hold = services.hold_place(
        user=request.user, organisation_id=_organisation_id(request), kind=payload.kind,
        identifier=payload.identifier, reason=payload.reason, reference=payload.reference,
    )  # fmt: skip
    return Status(201, hold)


@router.post("/holds/{hold_id}/lift", response=LegalHoldOut, summary="Lift a legal hold, with the reason")
def hold_lift(request, hold_id: Id, payload: HoldLiftIn):
    hold = selectors.hold_get_for_user(user=request.user, hold_id=hold_id)
    services.hold_lift(user=request.user, hold=hold, reason=payload.reason)
    return selectors.hold_get_for_user(user=request.user, hold_id=hold_id)


@router.get("/dry-runs", response=Page[DisposalRunOut], summary="Dry runs and disposal runs, newest first")
def run_list(request, page: Query[PageParams]):
    require_perm(request.user, services.GOVERN)
    shown = selectors.run_list_for_user(user=request.user, pager=Pager.of_params(page))
    return {"items": shown.rows, **shown.meta()}


@router.post("/dry-runs", response={201: DisposalRunOut}, summary="Start a dry run of the schedule")
def run_start(request):
    require_perm(request.user, services.GOVERN)
    run = services.dry_run_start(user=request.user, organisation_id=_organisation_id(request))
    return Status(201, run)


@router.get("/dry-runs/{disposal_run_id}", response=DisposalRunOut, summary="A run: its status and counts")
def run_detail(request, disposal_run_id: Id):
    return selectors.run_get_for_user(user=request.user, run_id=disposal_run_id)


@router.get(
    "/dry-runs/{disposal_run_id}/candidates",
    response=Page[CandidateOut],
    summary="What the dry run found due, and why",
)
def run_candidates(request, disposal_run_id: Id, page: Query[PageParams]):
    run = selectors.run_get_for_user(user=request.user, run_id=disposal_run_id)
    shown = selectors.candidate_list_for_run(run=run, pager=Pager.of_params(page))
    return {"items": shown.rows, **shown.meta()}


@router.post(
    "/dry-runs/{disposal_run_id}/appraisals",
    response={201: list[CandidateOut]},
    summary="Record one appraisal (destroy, keep, extend) with its reason for records of the dry run",
)
def run_appraise(request, disposal_run_id: Id, payload: AppraisalIn):
    run = selectors.run_get_for_user(user=request.user, run_id=disposal_run_id)
    candidates = list(selectors.candidate_list(run=run).filter(pk__in=payload.candidate_ids))
    services.appraisal_record(
        user=request.user, run=run, candidates=candidates, decision=payload.decision, reason=payload.reason,
        review_on=payload.review_on,
    )  # fmt: skip
    return Status(201, list(selectors.candidate_list(run=run).filter(pk__in=payload.candidate_ids)))


@router.post(
    "/dry-runs/{disposal_run_id}/dispose",
    response={201: DisposalRunOut},
    summary="Dispose of the dry run's records appraised for destruction (a disposal run, in the background)",
)
def run_dispose(request, disposal_run_id: Id):
    run = selectors.run_get_for_user(user=request.user, run_id=disposal_run_id)
    return Status(201, services.disposal_run_start(user=request.user, source_run=run))
