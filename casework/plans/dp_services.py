"""Writes of direct payments (docs/adr/0025): the agreement (drafted for the support plan that says the budget
is taken as a direct payment, signed, started, ended), its payments (generated from the schedule, idempotent;
marked paid or held), audit returns, and the decision on a surplus above the contingency.

Keyword-only, atomic, audited with the case, policy-checked (plans.manage_direct_payments_case); a change to a
record checks the version the caller read (ConflictError). Bad input changes nothing (ValidationFailed naming
the field); a rule against the stored records is a DomainError."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from casework.accounts.models import User
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.cases.models import Case
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.plans import dp_schedule
from casework.plans.dp_choices import (
    AccountType,
    AgreementStatus,
    ContributionBasis,
    DirectPaymentRecipient,
    PaymentFrequency,
    PaymentStatus,
    SurplusDecision,
)
from casework.plans.dp_models import (
    DirectPaymentAgreement,
    DirectPaymentAuditReturn,
    DirectPaymentPayment,
    SurplusRecovery,
)
from casework.plans.support_choices import BudgetManagement, SupportPlanStatus
from casework.plans.support_models import SupportPlan

REFUSED = "Only the case's workers and team managers can manage its direct payments."
CLOSED = "This case is closed: raise a new case instead."
STALE = stale_message("this direct payment agreement", did="changed", then="check it and try again")
STALE_PAYMENT = stale_message("this payment", did="changed", then="check it and try again")
STALE_SURPLUS = stale_message("this surplus", did="decided", then="check the decision")
NO_PLAN = (
    "A direct payment needs a support plan, signed or active, that takes the budget as a direct payment: "
    "record that in the support plan first."
)
MAX_WEEKLY = Decimal("99999.99")
MAX_AMOUNT = Decimal("9999999.99")
HORIZON_MONTHS = 12


def _require_manage(user: User, case: Case) -> None:
    require_perm(user, "plans.manage_direct_payments_case", case, REFUSED if case.is_open else CLOSED)


def _audit(user: User, verb: str, obj: Any, case: Case, changes: dict[str, Any]) -> None:
    audit_record(
        user=user,
        verb=verb,
        obj=obj,
        case_id=case.pk,
        person_id=case.person_id,
        changes=to_json_safe(changes),
    )


def _created(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: {"before": None, "after": value} for name, value in fields.items()}


def _fail(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)


def dp_support_plan_for(*, case: Case) -> SupportPlan | None:
    """The version of the case's support plan a direct payment pays for: the active one, else a draft signed
    off by both; only when it takes the budget as a direct payment."""
    plans = SupportPlan.objects.filter(
        case=case,
        status__in=[SupportPlanStatus.ACTIVE, SupportPlanStatus.DRAFT],
        budget_management=BudgetManagement.DIRECT_PAYMENT,
    ).order_by("-number")
    for plan in plans:
        if plan.status == SupportPlanStatus.ACTIVE or plan.is_signed:
            return plan
    return None


# --- The agreement ---


def dp_agreement_problems(
    *,
    recipient: str,
    recipient_name: str,
    weekly_amount: Decimal,
    weekly_contribution: Decimal,
    contribution_basis: str,
    frequency: str,
    account_type: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
) -> dict[str, str]:
    """What is wrong with an agreement's terms ({field: message})."""
    errors: dict[str, str] = {}
    if recipient not in DirectPaymentRecipient.values:
        errors["recipient"] = "Choose who receives the direct payment."
    elif recipient != DirectPaymentRecipient.PERSON and not recipient_name.strip():
        errors["recipient_name"] = "Enter the name of the nominated or authorised person."
    if not Decimal(0) < weekly_amount <= MAX_WEEKLY:
        errors["weekly_amount"] = f"The weekly amount must be above £0 and at most £{MAX_WEEKLY:,}."
    if weekly_contribution < 0:
        errors["weekly_contribution"] = "The weekly contribution cannot be negative."
    elif weekly_contribution > weekly_amount:
        errors["weekly_contribution"] = "The weekly contribution cannot be more than the weekly amount."
    if contribution_basis not in ContributionBasis.values:
        errors["contribution_basis"] = "Choose net or gross."
    if frequency not in PaymentFrequency.values:
        errors["frequency"] = "Choose how often it is paid."
    if account_type not in AccountType.values:
        errors["account_type"] = "Choose the account it is paid into."
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The end must be on or after the start."
    return errors


@transaction.atomic
def dp_agreement_create(
    *,
    user: User,
    case: Case,
    recipient: str,
    weekly_amount: Decimal,
    weekly_contribution: Decimal,
    contribution_basis: str,
    frequency: str,
    account_type: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    recipient_name: str = "",
) -> DirectPaymentAgreement:
    """Draft a direct payment agreement for the case's support plan (one not ended at a time). Audited as
    "plans.dp_agreement_created". Raises PermissionRefused, ValidationFailed, DomainError."""
    _require_manage(user, case)
    _fail(
        dp_agreement_problems(
            recipient=recipient,
            recipient_name=recipient_name,
            weekly_amount=weekly_amount,
            weekly_contribution=weekly_contribution,
            contribution_basis=contribution_basis,
            frequency=frequency,
            account_type=account_type,
            starts_on=starts_on,
            ends_on=ends_on,
        )
    )
    plan = dp_support_plan_for(case=case)
    if plan is None:
        raise DomainError(NO_PLAN)
    fields: dict[str, Any] = {
        "support_plan_id": plan.pk,
        "recipient": recipient,
        "recipient_name": recipient_name.strip() if recipient != DirectPaymentRecipient.PERSON else "",
        "weekly_amount": weekly_amount,
        "weekly_contribution": weekly_contribution,
        "contribution_basis": contribution_basis,
        "frequency": frequency,
        "account_type": account_type,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    try:
        with transaction.atomic():
            agreement = DirectPaymentAgreement.objects.create(
                case=case, created_by=user, modified_by=user, **fields
            )
    except IntegrityError:
        raise DomainError(
            "The case has a direct payment agreement already: end it before drafting another."
        ) from None
    _audit(user, "plans.dp_agreement_created", agreement, case, _created(fields))
    return agreement


@transaction.atomic
def dp_agreement_sign(
    *, user: User, agreement: DirectPaymentAgreement, version: int, signed_on: datetime.date
) -> DirectPaymentAgreement:
    """Record the date the recipient signed the draft agreement. Audited as "plans.dp_agreement_signed".
    Raises PermissionRefused, ValidationFailed, DomainError, ConflictError."""
    case = agreement.case
    _require_manage(user, case)
    if signed_on > clock.today():
        raise ValidationFailed("The date it was signed must not be ahead.", field="signed_on")
    if agreement.status != AgreementStatus.DRAFT:
        raise DomainError("This agreement is signed already.")
    changes = agreement.write_if_version(
        version=version,
        fields={"status": AgreementStatus.SIGNED, "signed_on": signed_on},
        user=user,
        stale_message=STALE,
    )
    _audit(user, "plans.dp_agreement_signed", agreement, case, changes)
    return agreement


@transaction.atomic
def dp_agreement_start(
    *, user: User, agreement: DirectPaymentAgreement, version: int
) -> DirectPaymentAgreement:
    """Start the signed agreement: it becomes active and its payments are scheduled (dp_payments_generate).
    Audited as "plans.dp_agreement_started". Raises PermissionRefused, DomainError, ConflictError."""
    case = agreement.case
    _require_manage(user, case)
    if agreement.status != AgreementStatus.SIGNED:
        raise DomainError("Only a signed agreement can start: record the signature first.")
    changes = agreement.write_if_version(
        version=version,
        fields={"status": AgreementStatus.ACTIVE, "started_at": clock.now()},
        user=user,
        stale_message=STALE,
    )
    _audit(user, "plans.dp_agreement_started", agreement, case, changes)
    dp_payments_generate(user=user, agreement=agreement)
    return agreement


@transaction.atomic
def dp_agreement_end(
    *, user: User, agreement: DirectPaymentAgreement, version: int, ends_on: datetime.date, reason: str
) -> DirectPaymentAgreement:
    """End the agreement on `ends_on` (its last day) with the reason. Scheduled payments after it are
    withdrawn and the last one is paid to the end by the day; paid and held payments stay. Audited as
    "plans.dp_agreement_ended". Raises PermissionRefused, ValidationFailed, DomainError, ConflictError."""
    case = agreement.case
    _require_manage(user, case)
    if not reason.strip():
        raise ValidationFailed("Enter why the direct payment is ending.", field="reason")
    if agreement.status == AgreementStatus.ENDED:
        raise DomainError("This agreement has ended already.")
    if ends_on < agreement.starts_on:
        raise DomainError("The end must be on or after the start of the agreement.", field="ends_on")
    changes = agreement.write_if_version(
        version=version,
        fields={"status": AgreementStatus.ENDED, "ends_on": ends_on, "ended_reason": reason.strip()},
        user=user,
        stale_message=STALE,
    )
    expected = {
        p.due_on: p
        for p in dp_schedule.schedule(
            starts_on=agreement.starts_on,
            frequency=agreement.frequency,
            weekly_amount=agreement.weekly_amount,
            weekly_contribution=agreement.weekly_contribution,
            basis=agreement.contribution_basis,
            until=ends_on,
            ends_on=ends_on,
        )
    }
    withdrawn = 0
    for payment in DirectPaymentPayment.objects.filter(agreement=agreement, status=PaymentStatus.SCHEDULED):
        due = expected.get(payment.due_on)
        if due is None:
            payment.delete()
            withdrawn += 1
        elif (payment.amount, payment.invoiced, payment.period_ends) != (
            due.amount,
            due.invoiced,
            due.period_ends,
        ):
            payment.write_if_version(
                version=payment.version,
                fields={"amount": due.amount, "invoiced": due.invoiced, "period_ends": due.period_ends},
                user=user,
                stale_message=STALE_PAYMENT,
            )
    _audit(user, "plans.dp_agreement_ended", agreement, case, {**changes, "payments_withdrawn": withdrawn})
    return agreement


# --- Payments ---


@transaction.atomic
def dp_payments_generate(
    *, user: User, agreement: DirectPaymentAgreement, until: datetime.date | None = None
) -> list[DirectPaymentPayment]:
    """Schedule the active agreement's payments due up to `until` (default: 12 months on), none after its
    end. Idempotent: a payment already scheduled for a date is left as it is; returns those added. Audited
    as "plans.dp_payments_generated" when it adds any. Raises PermissionRefused, DomainError."""
    case = agreement.case
    _require_manage(user, case)
    # One generation at a time for an agreement: the second waits and then finds the first's payments.
    locked = DirectPaymentAgreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.status != AgreementStatus.ACTIVE:
        raise DomainError("Payments are scheduled for an active agreement only: start it first.")
    horizon = until or dp_schedule.add_months(clock.today(), HORIZON_MONTHS)
    existing = set(DirectPaymentPayment.objects.filter(agreement=locked).values_list("due_on", flat=True))
    missing = [
        DirectPaymentPayment(
            agreement=locked,
            due_on=p.due_on,
            period_ends=p.period_ends,
            amount=p.amount,
            invoiced=p.invoiced,
            created_by=user,
            modified_by=user,
        )
        for p in dp_schedule.schedule(
            starts_on=locked.starts_on,
            frequency=locked.frequency,
            weekly_amount=locked.weekly_amount,
            weekly_contribution=locked.weekly_contribution,
            basis=locked.contribution_basis,
            until=horizon,
            ends_on=locked.ends_on,
        )
        if p.due_on not in existing
    ]
    if missing:
        DirectPaymentPayment.objects.bulk_create(missing)
        _audit(
            user,
            "plans.dp_payments_generated",
            locked,
            case,
            {
                "payments": {"before": len(existing), "after": len(existing) + len(missing)},
                "first_due_on": {"before": None, "after": missing[0].due_on},
                "last_due_on": {"before": None, "after": missing[-1].due_on},
            },
        )
    return missing


@transaction.atomic
def dp_payment_mark(
    *,
    user: User,
    agreement: DirectPaymentAgreement,
    due_on: datetime.date,
    version: int,
    status: str,
    note: str = "",
) -> DirectPaymentPayment:
    """Mark the payment due on `due_on` paid, or held (with the reason), or scheduled again after a hold. A
    paid payment stays paid. Audited as "plans.dp_payment_marked". Raises PermissionRefused,
    ValidationFailed, DomainError, ConflictError."""
    case = agreement.case
    _require_manage(user, case)
    if status not in PaymentStatus.values:
        raise ValidationFailed("Choose paid, held or scheduled.", field="status")
    if status == PaymentStatus.HELD and not note.strip():
        raise ValidationFailed("Enter why the payment is held.", field="note")
    payment = DirectPaymentPayment.objects.filter(agreement=agreement, due_on=due_on).first()
    if payment is None:
        raise DomainError("No payment of this agreement is due on that date.", field="due_on")
    if payment.status == PaymentStatus.PAID:
        raise DomainError("This payment has been paid: it cannot change.")
    if status == PaymentStatus.PAID and due_on > clock.today():
        raise DomainError("A payment cannot be paid before it is due.", field="due_on")
    changes = payment.write_if_version(
        version=version,
        fields={"status": status, "status_note": note.strip()},
        user=user,
        stale_message=STALE_PAYMENT,
    )
    _audit(user, "plans.dp_payment_marked", payment, case, {**changes, "due_on": due_on})
    return payment


# --- Audit returns and surplus ---


@transaction.atomic
def dp_audit_return_record(
    *,
    user: User,
    agreement: DirectPaymentAgreement,
    period_starts: datetime.date,
    period_ends: datetime.date,
    spent: Decimal,
    balance_held: Decimal,
    receipts_checked: bool,
    notes: str = "",
) -> DirectPaymentAuditReturn:
    """Record an audit return for a period of the started agreement. The contingency allowed is 8 weeks of
    the council's payments; a balance above it is a surplus, to be decided (dp_surplus_decide) before the
    next return. Audited as "plans.dp_audit_return_recorded". Raises PermissionRefused, ValidationFailed,
    DomainError."""
    case = agreement.case
    _require_manage(user, case)
    errors: dict[str, str] = {}
    if period_ends < period_starts:
        errors["period_ends"] = "The end of the period must be on or after its start."
    elif period_ends > clock.today():
        errors["period_ends"] = "The period must have ended: its end must not be ahead."
    if not Decimal(0) <= spent <= MAX_AMOUNT:
        errors["spent"] = f"What was spent must be between £0 and £{MAX_AMOUNT:,}."
    if not Decimal(0) <= balance_held <= MAX_AMOUNT:
        errors["balance_held"] = f"The balance held must be between £0 and £{MAX_AMOUNT:,}."
    _fail(errors)
    if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.ENDED):
        raise DomainError("Audit returns are for an agreement that has started.")
    if period_starts < agreement.starts_on:
        raise DomainError(
            "The period must start on or after the start of the agreement.", field="period_starts"
        )
    returns = DirectPaymentAuditReturn.objects.filter(agreement=agreement)
    if returns.filter(period_starts__lte=period_ends, period_ends__gte=period_starts).exists():
        raise DomainError("An audit return covers part of that period already.", field="period_starts")
    if SurplusRecovery.objects.filter(audit_return__agreement=agreement, decision="").exists():
        raise DomainError("Decide the surplus of the last audit return first.")
    weekly = dp_schedule.weekly_paid(
        agreement.weekly_amount, agreement.weekly_contribution, agreement.contribution_basis
    )
    allowed = dp_schedule.contingency_allowed(weekly)
    found = dp_schedule.surplus(balance_held, allowed)
    fields: dict[str, Any] = {
        "period_starts": period_starts,
        "period_ends": period_ends,
        "spent": spent,
        "balance_held": balance_held,
        "receipts_checked": receipts_checked,
        "contingency_allowed": allowed,
        "surplus_identified": found,
        "notes": notes.strip(),
    }
    audit_return = DirectPaymentAuditReturn.objects.create(
        agreement=agreement, created_by=user, modified_by=user, **fields
    )
    _audit(user, "plans.dp_audit_return_recorded", audit_return, case, _created(fields))
    if found > 0:
        recovery = SurplusRecovery.objects.create(
            audit_return=audit_return, amount=found, created_by=user, modified_by=user
        )
        _audit(user, "plans.dp_surplus_identified", recovery, case, _created({"amount": found}))
    return audit_return


@transaction.atomic
def dp_surplus_decide(
    *, user: User, recovery: SurplusRecovery, version: int, decision: str, reason: str
) -> SurplusRecovery:
    """Decide a surplus: recover it, or let the person keep it, with the reason. Audited as
    "plans.dp_surplus_decided". Raises PermissionRefused, ValidationFailed, DomainError, ConflictError."""
    case = recovery.audit_return.agreement.case
    _require_manage(user, case)
    errors: dict[str, str] = {}
    if decision not in SurplusDecision.values:
        errors["decision"] = "Choose whether to recover the surplus or let the person keep it."
    if not reason.strip():
        errors["reason"] = "Enter the reason for the decision."
    _fail(errors)
    if recovery.is_decided:
        raise DomainError("This surplus has been decided already.")
    try:
        with transaction.atomic():
            changes = recovery.write_if_version(
                version=version,
                fields={
                    "decision": decision,
                    "reason": reason.strip(),
                    "decided_at": clock.now(),
                    "decided_by_id": user.pk,
                },
                user=user,
                stale_message=STALE_SURPLUS,
            )
    except IntegrityError:
        raise ConflictError(STALE_SURPLUS) from None
    _audit(user, "plans.dp_surplus_decided", recovery, case, changes)
    return recovery
