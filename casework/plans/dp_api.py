"""Direct payments in the API (/api/v1/plans/cases/{case_id}/direct-payments...): read them; draft the
agreement, record its signature, start it (its payments scheduled), end it; schedule payments further on
(idempotent); mark a payment paid or held; record an audit return; decide a surplus. The same selectors,
services and permissions as the pages: 404 for a case you may not open, 403 for what you may not do, 409 for
a stale record or a rule of the records, 422 naming the field."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Router, Schema, Status
from pydantic import Field, StringConstraints

from casework.cases.models import Case
from casework.cases.selectors import case_get_for_user
from casework.core.api import EventDate, Id, InputSchema, Name, Note, PlannedDate, SaidNote, Version, one_of
from casework.core.errors import DomainError
from casework.plans import dp_schedule
from casework.plans import dp_selectors as selectors
from casework.plans import dp_services as services
from casework.plans.dp_choices import (
    AccountType,
    ContributionBasis,
    DirectPaymentRecipient,
    PaymentFrequency,
    PaymentStatus,
    SurplusDecision,
)
from casework.plans.dp_models import DirectPaymentAgreement, DirectPaymentAuditReturn
from casework.reviews.selectors import dp_first_review_due

router = Router(tags=["plans"])

# Money as text, so the contract bounds it exactly and nothing is lost to floating point.
WeeklyPounds = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,5}(\.[0-9]{1,2})?$", max_length=8),
    Field(description="Pounds a week, up to 99999.99, as text: 250 or 250.50"),
]
Pounds = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,7}(\.[0-9]{1,2})?$", max_length=10),
    Field(description="Pounds, up to 9999999.99, as text: 1200 or 1200.50"),
]


class DirectPaymentPaymentOut(Schema):
    version: int
    due_on: datetime.date
    period_ends: datetime.date = Field(description="The last day the payment covers")
    amount: Decimal = Field(description="What the council pays")
    invoiced: Decimal = Field(description="What the person is invoiced for the period (gross only)")
    status: str = Field(description="scheduled, paid or held")
    status_note: str


class SurplusRecoveryOut(Schema):
    version: int
    amount: Decimal = Field(description="The balance over the contingency allowed")
    decision: str = Field(description="recover or keep; blank: not decided yet")
    reason: str
    decided_at: datetime.datetime | None


class DirectPaymentAuditReturnOut(Schema):
    id: int
    period_starts: datetime.date
    period_ends: datetime.date
    spent: Decimal
    balance_held: Decimal
    receipts_checked: bool
    contingency_allowed: Decimal = Field(description="8 weeks of the council's payments")
    surplus_identified: Decimal
    notes: str
    surplus_recovery: SurplusRecoveryOut | None


class DirectPaymentAgreementOut(Schema):
    id: int
    version: int
    case_id: int
    support_plan_number: int = Field(description="The version of the support plan it pays for")
    status: str = Field(description="draft, signed, active or ended")
    recipient: str = Field(description="person, nominated or authorised")
    recipient_name: str
    weekly_amount: Decimal = Field(description="The personal budget a week")
    weekly_contribution: Decimal = Field(description="The person's assessed contribution a week")
    contribution_basis: str = Field(description="net or gross")
    weekly_council_pays: Decimal
    frequency: str = Field(description="four_weekly or monthly")
    account_type: str = Field(description="managed_account, own_bank_account or prepaid_card")
    starts_on: datetime.date
    ends_on: datetime.date | None
    signed_on: datetime.date | None
    started_at: datetime.datetime | None
    ended_reason: str
    payments: list[DirectPaymentPaymentOut]
    audit_returns: list[DirectPaymentAuditReturnOut]


class CaseDirectPaymentsOut(Schema):
    current: DirectPaymentAgreementOut | None = Field(description="The agreement not ended, if any")
    ended: list[DirectPaymentAgreementOut] = Field(description="Ended agreements, newest first")
    first_payment_on: datetime.date | None
    first_review_due: datetime.date | None = Field(
        description="The organisation's interval (at most 6 months) after the first payment"
    )


class DirectPaymentAgreementIn(InputSchema):
    recipient: one_of(DirectPaymentRecipient)  # type: ignore[valid-type]
    recipient_name: Name = Field("", description="The nominated or authorised person (not the person)")
    weekly_amount: WeeklyPounds
    weekly_contribution: WeeklyPounds = "0"
    contribution_basis: one_of(ContributionBasis)  # type: ignore[valid-type]
    frequency: one_of(PaymentFrequency)  # type: ignore[valid-type]
    account_type: one_of(AccountType)  # type: ignore[valid-type]
    starts_on: PlannedDate
    ends_on: PlannedDate | None = None


class DirectPaymentSignIn(InputSchema):
    version: Version
    signed_on: EventDate


class DirectPaymentVersionIn(InputSchema):
    version: Version


class DirectPaymentEndIn(InputSchema):
    version: Version
    ends_on: PlannedDate = Field(description="The agreement's last day")
    reason: SaidNote


class DirectPaymentGenerateIn(InputSchema):
    until: PlannedDate | None = Field(None, description="Schedule payments due up to this day (12 months on)")


class DirectPaymentMarkIn(InputSchema):
    due_on: PlannedDate
    version: Version = Field(description="The payment's version you read")
    status: one_of(PaymentStatus)  # type: ignore[valid-type]
    note: Note = Field("", description="Why it is held")


class DirectPaymentAuditReturnIn(InputSchema):
    period_starts: EventDate
    period_ends: EventDate
    spent: Pounds
    balance_held: Pounds
    receipts_checked: bool
    notes: Note = ""


class SurplusDecisionIn(InputSchema):
    version: Version = Field(description="The surplus's version you read")
    decision: one_of(SurplusDecision)  # type: ignore[valid-type]
    reason: SaidNote


def _return_out(r: DirectPaymentAuditReturn) -> dict[str, Any]:
    recovery = getattr(r, "surplus_recovery", None)
    return {
        **{
            name: getattr(r, name)
            for name in DirectPaymentAuditReturnOut.model_fields
            if name != "surplus_recovery"
        },
        "surplus_recovery": recovery,
    }


def _agreement_out(a: DirectPaymentAgreement) -> dict[str, Any]:
    skip = {"support_plan_number", "weekly_council_pays", "payments", "audit_returns"}
    return {
        **{name: getattr(a, name) for name in DirectPaymentAgreementOut.model_fields if name not in skip},
        "support_plan_number": a.support_plan.number,
        "weekly_council_pays": dp_schedule.weekly_paid(
            a.weekly_amount, a.weekly_contribution, a.contribution_basis
        ),
        "payments": list(a.payments.all()),
        "audit_returns": [_return_out(r) for r in a.audit_returns.all()],
    }


def _case(request: Any, case_id: int, purpose: str = "read_by_api") -> Case:
    return case_get_for_user(user=request.user, case_id=case_id, purpose=purpose)


def _found(request: Any, case: Case, purpose: str = "read_by_api") -> selectors.CaseDirectPayments:
    return selectors.case_direct_payments_get_for_user(user=request.user, case=case, purpose=purpose)


def _out(request: Any, case: Case) -> dict[str, Any]:
    found = _found(request, case)
    first = found.first_payment_on
    return {
        "current": _agreement_out(found.current) if found.current else None,
        "ended": [_agreement_out(a) for a in found.ended],
        "first_payment_on": first,
        "first_review_due": dp_first_review_due(case=case, first_payment_on=first) if first else None,
    }


def _current(request: Any, case: Case) -> DirectPaymentAgreement:
    current = _found(request, case, "opened_for_change").current
    if current is None:
        raise DomainError("The case has no direct payment agreement: draft one first.")
    return current


def _audited(request: Any, case: Case) -> DirectPaymentAgreement:
    audited = _found(request, case, "opened_for_change").audited
    if audited is None:
        raise DomainError("The case has no direct payment agreement that has started.")
    return audited


@router.get(
    "/cases/{case_id}/direct-payments",
    response=CaseDirectPaymentsOut,
    summary="The case's direct payments: the agreement, its payments, audit returns and surplus decisions",
)
def direct_payments_get(request: Any, case_id: Id) -> dict[str, Any]:
    return _out(request, _case(request, case_id))


@router.post(
    "/cases/{case_id}/direct-payments",
    response={201: CaseDirectPaymentsOut},
    summary="Draft a direct payment agreement for the support plan that takes the budget as one",
)
def direct_payment_create(request: Any, case_id: Id, payload: DirectPaymentAgreementIn) -> Any:
    case = _case(request, case_id, "opened_for_change")
    services.dp_agreement_create(
        user=request.user,
        case=case,
        recipient=payload.recipient,
        recipient_name=payload.recipient_name,
        weekly_amount=Decimal(payload.weekly_amount),
        weekly_contribution=Decimal(payload.weekly_contribution),
        contribution_basis=payload.contribution_basis,
        frequency=payload.frequency,
        account_type=payload.account_type,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, _out(request, case))


@router.post(
    "/cases/{case_id}/direct-payments/sign",
    response=CaseDirectPaymentsOut,
    summary="Record the date the recipient signed the draft agreement",
)
def direct_payment_sign(request: Any, case_id: Id, payload: DirectPaymentSignIn) -> dict[str, Any]:
    case = _case(request, case_id, "opened_for_change")
    services.dp_agreement_sign(
        user=request.user,
        agreement=_current(request, case),
        version=payload.version,
        signed_on=payload.signed_on,
    )
    return _out(request, case)


@router.post(
    "/cases/{case_id}/direct-payments/start",
    response=CaseDirectPaymentsOut,
    summary="Start the signed agreement: its payments are scheduled for the next 12 months",
)
def direct_payment_start(request: Any, case_id: Id, payload: DirectPaymentVersionIn) -> dict[str, Any]:
    case = _case(request, case_id, "opened_for_change")
    services.dp_agreement_start(user=request.user, agreement=_current(request, case), version=payload.version)
    return _out(request, case)


@router.post(
    "/cases/{case_id}/direct-payments/end",
    response=CaseDirectPaymentsOut,
    summary="End the agreement on its last day, with the reason (later scheduled payments are withdrawn)",
)
def direct_payment_end(request: Any, case_id: Id, payload: DirectPaymentEndIn) -> dict[str, Any]:
    case = _case(request, case_id, "opened_for_change")
    services.dp_agreement_end(
        user=request.user,
        agreement=_current(request, case),
        version=payload.version,
        ends_on=payload.ends_on,
        reason=payload.reason,
    )
    return _out(request, case)


@router.post(
    "/cases/{case_id}/direct-payments/payments/generate",
    response=CaseDirectPaymentsOut,
    summary="Schedule the active agreement's payments further on (idempotent)",
)
def direct_payments_generate(request: Any, case_id: Id, payload: DirectPaymentGenerateIn) -> dict[str, Any]:
    case = _case(request, case_id, "opened_for_change")
    services.dp_payments_generate(user=request.user, agreement=_current(request, case), until=payload.until)
    return _out(request, case)


@router.post(
    "/cases/{case_id}/direct-payments/payments/mark",
    response=CaseDirectPaymentsOut,
    summary="Mark the payment due on a day paid, held (with the reason) or scheduled again",
)
def direct_payment_mark(request: Any, case_id: Id, payload: DirectPaymentMarkIn) -> dict[str, Any]:
    case = _case(request, case_id, "opened_for_change")
    services.dp_payment_mark(user=request.user, agreement=_current(request, case), **payload.model_dump())
    return _out(request, case)


@router.post(
    "/cases/{case_id}/direct-payments/audit-returns",
    response={201: CaseDirectPaymentsOut},
    summary="Record an audit return: a balance over 8 weeks of payments is a surplus to decide",
)
def direct_payment_audit_return(request: Any, case_id: Id, payload: DirectPaymentAuditReturnIn) -> Any:
    case = _case(request, case_id, "opened_for_change")
    services.dp_audit_return_record(
        user=request.user,
        agreement=_audited(request, case),
        period_starts=payload.period_starts,
        period_ends=payload.period_ends,
        spent=Decimal(payload.spent),
        balance_held=Decimal(payload.balance_held),
        receipts_checked=payload.receipts_checked,
        notes=payload.notes,
    )
    return Status(201, _out(request, case))


@router.post(
    "/cases/{case_id}/direct-payments/surplus/decide",
    response=CaseDirectPaymentsOut,
    summary="Decide the surplus waiting: recover it, or let the person keep it, with the reason",
)
def direct_payment_surplus_decide(request: Any, case_id: Id, payload: SurplusDecisionIn) -> dict[str, Any]:
    case = _case(request, case_id, "opened_for_change")
    recovery = _found(request, case, "opened_for_change").undecided_surplus
    if recovery is None:
        raise DomainError("No surplus is waiting for a decision.")
    services.dp_surplus_decide(
        user=request.user,
        recovery=recovery,
        version=payload.version,
        decision=payload.decision,
        reason=payload.reason,
    )
    return _out(request, case)
