"""Direct payments' records (Care Act s31-33; the Care and Support (Direct Payments) Regulations 2014): a
case's agreement with the version of the support plan it pays for, the payments its schedule makes, the
audit returns of how the money was spent, and the decision on any surplus above the contingency
(docs/adr/0025)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from casework.core.models import TimeStampedModel, VersionedModel
from casework.plans.dp_choices import (
    AccountType,
    AgreementStatus,
    ContributionBasis,
    DirectPaymentRecipient,
    PaymentFrequency,
    PaymentStatus,
    SurplusDecision,
)


class DirectPaymentAgreement(TimeStampedModel, VersionedModel):
    """A direct payment agreement: drafted, signed (on the date the recipient signed it), active (its
    payments scheduled) and ended. One agreement at a time on a case is not ended; ended ones stay readable.

    `weekly_amount` is the personal budget a week; `weekly_contribution` the person's assessed contribution.
    Net: the council pays the difference. Gross: it pays the whole and invoices the contribution."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    support_plan = models.ForeignKey("plans.SupportPlan", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    recipient = models.CharField(max_length=16, choices=DirectPaymentRecipient.choices)
    recipient_name = models.CharField(
        max_length=200, blank=True, help_text="The nominated or authorised person's name"
    )
    weekly_amount = models.DecimalField(max_digits=10, decimal_places=2)
    weekly_contribution = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    contribution_basis = models.CharField(max_length=8, choices=ContributionBasis.choices)
    frequency = models.CharField(max_length=16, choices=PaymentFrequency.choices)
    account_type = models.CharField(max_length=24, choices=AccountType.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["draft", "signed", "active"]),
                name="dp_agreement_one_current",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values), name="dp_agreement_status"
            ),
            models.CheckConstraint(
                condition=Q(recipient="person")
                | Q(recipient__in=["nominated", "authorised"], recipient_name__gt=""),
                name="dp_agreement_recipient_named",
            ),
            models.CheckConstraint(
                condition=Q(contribution_basis__in=ContributionBasis.values)
                & Q(frequency__in=PaymentFrequency.values)
                & Q(account_type__in=AccountType.values),
                name="dp_agreement_choices",
            ),
            models.CheckConstraint(
                condition=Q(weekly_amount__gt=0, weekly_contribution__gte=0)
                & Q(weekly_contribution__lte=F("weekly_amount")),
                name="dp_agreement_amounts",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="dp_agreement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "ended"]) | Q(signed_on__isnull=False),
                name="dp_agreement_signed_when_signed",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(started_at__isnull=False),
                name="dp_agreement_started_when_active",
            ),
        ]
        indexes = [models.Index(fields=["case", "status"], name="dp_agreement_case_idx")]

    def __str__(self) -> str:
        return f"Direct payment agreement on {self.case_id} ({self.get_status_display().lower()})"

    @property
    def is_current(self) -> bool:
        return self.status != AgreementStatus.ENDED


class DirectPaymentPayment(TimeStampedModel, VersionedModel):
    """A payment the agreement's schedule makes: what the council pays for the period from `due_on` to
    `period_ends` and, gross, what the person is invoiced for it. Scheduled, then paid, or held."""

    agreement = models.ForeignKey(DirectPaymentAgreement, on_delete=models.PROTECT, related_name="payments")
    due_on = models.DateField()
    period_ends = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    invoiced = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    status = models.CharField(max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.SCHEDULED)
    status_note = models.TextField(blank=True)

    class Meta:
        ordering = ["agreement", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "due_on"], name="dp_payment_one_a_day"),
            models.CheckConstraint(condition=Q(status__in=PaymentStatus.values), name="dp_payment_status"),
            models.CheckConstraint(
                condition=Q(period_ends__gte=F("due_on")), name="dp_payment_period_after_due"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0, invoiced__gte=0), name="dp_payment_amounts"),
        ]

    def __str__(self) -> str:
        return f"Direct payment due {self.due_on} on {self.agreement_id}"


class DirectPaymentAuditReturn(TimeStampedModel):
    """How the direct payment was spent over a period: what was spent, the balance held at its end, whether
    the receipts were checked, and the surplus above the contingency allowed (the organisation's weeks of
    payments) that it identified."""

    agreement = models.ForeignKey(
        DirectPaymentAgreement, on_delete=models.PROTECT, related_name="audit_returns"
    )
    period_starts = models.DateField()
    period_ends = models.DateField()
    spent = models.DecimalField(max_digits=12, decimal_places=2)
    balance_held = models.DecimalField(max_digits=12, decimal_places=2)
    receipts_checked = models.BooleanField(default=False)
    contingency_allowed = models.DecimalField(max_digits=12, decimal_places=2)
    surplus_identified = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["agreement", "-period_starts"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period_starts"], name="dp_audit_return_one_a_period"
            ),
            models.CheckConstraint(
                condition=Q(period_ends__gte=F("period_starts")), name="dp_audit_return_period"
            ),
            models.CheckConstraint(
                condition=Q(spent__gte=0, balance_held__gte=0, surplus_identified__gte=0),
                name="dp_audit_return_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"Audit return {self.period_starts} to {self.period_ends} on {self.agreement_id}"


class SurplusRecovery(TimeStampedModel, VersionedModel):
    """A surplus an audit return identified (the balance over the contingency allowed): to recover, or for
    the person to keep, decided with a reason."""

    audit_return = models.OneToOneField(
        DirectPaymentAuditReturn, on_delete=models.PROTECT, related_name="surplus_recovery"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    decision = models.CharField(max_length=16, choices=SurplusDecision.choices, blank=True)
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="dp_surplus_amount"),
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True)
                | Q(decision__in=SurplusDecision.values, decided_at__isnull=False, reason__gt=""),
                name="dp_surplus_decided_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Surplus of {self.amount} on audit return {self.audit_return_id}"

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)
