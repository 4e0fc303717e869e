"""Reads of a case's direct payments, through the case and writing an AccessEvent; the queryset twins of
dp_policies.py; and, for the reviews app, the date of a case's first direct payment (the first review is due
within 6 months of it: dp_schedule.first_review_due)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, Prefetch, QuerySet

from casework.accounts.models import User
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.core.errors import PermissionRefused
from casework.core.permissions import has_perm
from casework.plans.dp_choices import AgreementStatus, PaymentStatus
from casework.plans.dp_models import (
    DirectPaymentAgreement,
    DirectPaymentAuditReturn,
    DirectPaymentPayment,
    SurplusRecovery,
)
from casework.plans.support_selectors import (
    case_list_support_plan_recordable,
    case_list_support_plan_visible,
)

REFUSED_VIEW = "Only those who may open the case can read its direct payments."
STARTED = (AgreementStatus.ACTIVE, AgreementStatus.ENDED)


# --- The queryset twins ---


def case_list_direct_payments_visible(*, user: User) -> QuerySet[Case]:
    """Cases whose direct payments the user may read (twin of plans.view_direct_payments_case)."""
    return case_list_support_plan_visible(user=user)


def case_list_direct_payments_manageable(*, user: User) -> QuerySet[Case]:
    """Cases whose direct payments the user may manage (twin of plans.manage_direct_payments_case)."""
    return case_list_support_plan_recordable(user=user)


# --- A case's direct payments ---


@dataclass
class CaseDirectPayments:
    agreements: list[DirectPaymentAgreement] = field(default_factory=list)  # newest first

    @property
    def current(self) -> DirectPaymentAgreement | None:
        return next((a for a in self.agreements if a.is_current), None)

    @property
    def ended(self) -> list[DirectPaymentAgreement]:
        return [a for a in self.agreements if not a.is_current]

    @property
    def audited(self) -> DirectPaymentAgreement | None:
        """The agreement an audit return is for: the newest that has started (active, else ended)."""
        return next((a for a in self.agreements if a.status in STARTED), None)

    @property
    def undecided_surplus(self) -> SurplusRecovery | None:
        """The surplus waiting for a decision (at most one: a return waits for the last one's decision)."""
        for agreement in self.agreements:
            for audit_return in agreement.audit_returns.all():
                recovery: SurplusRecovery | None = getattr(audit_return, "surplus_recovery", None)
                if recovery is not None and not recovery.is_decided:
                    return recovery
        return None

    @property
    def first_payment_on(self) -> datetime.date | None:
        return _first_payment(p for a in self.agreements if a.status in STARTED for p in a.payments.all())


def _first_payment(payments: Iterable[DirectPaymentPayment]) -> datetime.date | None:
    return min((p.due_on for p in payments if p.status != PaymentStatus.HELD), default=None)


def _with_everything() -> list[Prefetch[Any]]:
    return [
        Prefetch("payments", queryset=DirectPaymentPayment.objects.order_by("due_on")),
        Prefetch(
            "audit_returns",
            queryset=DirectPaymentAuditReturn.objects.select_related(
                "surplus_recovery", "surplus_recovery__decided_by"
            ).order_by("-period_starts"),
        ),
    ]


def direct_payments_data(*, case: Case) -> CaseDirectPayments:
    """The case's agreements, newest first, with their payments, audit returns and surplus decisions, in
    three queries whatever their number; no access check: for services that have checked already."""
    agreements = list(
        DirectPaymentAgreement.objects.filter(case=case)
        .select_related("support_plan")
        .prefetch_related(*_with_everything())
        .order_by("-starts_on", "-id")
    )
    return CaseDirectPayments(agreements=agreements)


def case_direct_payments_get_for_user(
    *, user: User, case: Case, purpose: str = "viewed"
) -> CaseDirectPayments:
    """The case's direct payment agreements with their schedules, audit returns and surplus decisions, in a
    fixed number of queries. Raises PermissionRefused; writes an AccessEvent when there are any."""
    if not has_perm(user, "plans.view_direct_payments_case", case):
        raise PermissionRefused(REFUSED_VIEW)
    found = direct_payments_data(case=case)
    if found.agreements:
        access_record(
            user=user,
            verb=f"plans.direct_payments_{purpose}",
            obj=found.agreements[0],
            case_id=case.pk,
            person_id=case.person_id,
        )
    return found


# --- For the reviews app ---


def dp_first_payment_date(case: Case) -> datetime.date | None:
    """The date of the case's first direct payment (of an agreement started, not held), or None when none
    is scheduled: the first review is due within 6 months of it. Dates only: no access check, no
    AccessEvent (the caller has read the case)."""
    found: datetime.date | None = (
        DirectPaymentPayment.objects.filter(agreement__case=case, agreement__status__in=STARTED)
        .exclude(status=PaymentStatus.HELD)
        .aggregate(first=Min("due_on"))["first"]
    )
    return found


def dp_first_payment_dates(*, case_ids: Iterable[int]) -> dict[int, datetime.date]:
    """dp_first_payment_date for many cases in one query (for worklists): {case id: date}, cases with none
    left out."""
    rows = (
        DirectPaymentPayment.objects.filter(
            agreement__case_id__in=list(case_ids), agreement__status__in=STARTED
        )
        .exclude(status=PaymentStatus.HELD)
        .values("agreement__case_id")
        .annotate(first=Min("due_on"))
        .values_list("agreement__case_id", "first")
    )
    return {case_id: first for case_id, first in rows}
