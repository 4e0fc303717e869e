"""Support plans' records (Care Act s24, s25): a case's plan in versions (a change makes the next version;
the old ones stay readable), its services (a directory service or an organisation as provider), the
sign-offs, its activation within the activator's approval limit, and the periods a service is suspended."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.core.models import TimeStampedModel, VersionedModel
from casework.plans.support_choices import (
    BudgetManagement,
    PersonSigner,
    ServiceFrequency,
    ServiceStatus,
    SupportPlanStatus,
    SuspensionReason,
)


class SupportPlan(TimeStampedModel, VersionedModel):
    """One version (`number`) of a case's support plan. A draft is signed off and activated; activating it
    supersedes the active version. Any change is saved as the next version (a new draft)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=SupportPlanStatus.choices, default=SupportPlanStatus.DRAFT
    )
    outcomes = models.TextField(help_text="The outcomes the person wants, in their words")
    needs = models.TextField(help_text="The eligible needs met, and how")
    informal_support = models.TextField(blank=True)
    community_assets = models.TextField(blank=True)
    contingency = models.TextField(blank=True)
    budget_management = models.CharField(max_length=32, choices=BudgetManagement.choices)
    weekly_cost = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    annual_cost = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    worker_signed_at = models.DateTimeField(null=True, blank=True)
    worker_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_signer = models.CharField(max_length=16, choices=PersonSigner.choices, blank=True)
    person_signer_name = models.CharField(max_length=200, blank=True)
    person_not_signed_reason = models.TextField(blank=True)
    person_signed_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    activator_role = models.CharField(max_length=40, blank=True)
    activator_limit = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="support_plan_number_unique"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="draft"), name="support_plan_one_draft"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="active"), name="support_plan_one_active"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SupportPlanStatus.values), name="support_plan_status"
            ),
            models.CheckConstraint(
                condition=Q(budget_management__in=BudgetManagement.values),
                name="support_plan_budget_management",
            ),
            models.CheckConstraint(
                condition=Q(person_signer="")
                | Q(person_signer="not_signed", person_not_signed_reason__gt="")
                | Q(person_signer__in=["person", "representative"], person_signer_name__gt=""),
                name="support_plan_person_sign_off",
            ),
            models.CheckConstraint(
                condition=Q(activated_at__isnull=True)
                | Q(
                    activated_by__isnull=False,
                    worker_signed_at__isnull=False,
                    person_signed_at__isnull=False,
                ),
                name="support_plan_signed_before_active",
            ),
            models.CheckConstraint(
                condition=Q(activator_limit__isnull=True) | Q(annual_cost__lte=models.F("activator_limit")),
                name="support_plan_activated_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"Support plan version {self.number} on {self.case_id}"

    @property
    def is_signed(self) -> bool:
        """Signed by the worker, and by the person or their representative (or a reason recorded why not)."""
        return self.worker_signed_at is not None and self.person_signed_at is not None


class SupportService(TimeStampedModel, VersionedModel):
    """A service in a version of the plan. `reference` stays the same across versions: the same service,
    continued; its state and suspensions follow it when a new version is activated."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="services")
    reference = models.CharField(max_length=12)
    provider_service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service_type = models.CharField(max_length=200)
    frequency = models.CharField(max_length=16, choices=ServiceFrequency.choices)
    units = models.DecimalField(max_digits=8, decimal_places=2)
    unit_cost = models.DecimalField(max_digits=10, decimal_places=2)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED)

    class Meta:
        ordering = ["plan", "starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "reference"], name="support_service_reference_unique"),
            models.CheckConstraint(
                condition=Q(provider_service__isnull=False, provider_organisation__isnull=True)
                | Q(provider_service__isnull=True, provider_organisation__isnull=False),
                name="support_service_one_provider",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="support_service_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(units__gt=0, unit_cost__gte=0), name="support_service_units_and_cost"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ServiceStatus.values), name="support_service_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} ({self.reference})"


class ServiceSuspension(TimeStampedModel):
    """A period a service is suspended (a hospital admission, respite agreed in the plan): no charge for it.
    `ends_on` is the last suspended day, set when the service restarts (None: still suspended)."""

    service = models.ForeignKey(SupportService, on_delete=models.PROTECT, related_name="suspensions")
    reason = models.CharField(max_length=24, choices=SuspensionReason.choices)
    note = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="service_suspension_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=SuspensionReason.values), name="service_suspension_reason"
            ),
            models.UniqueConstraint(
                fields=["service"], condition=Q(ends_on__isnull=True), name="service_suspension_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} from {self.starts_on} on {self.service_id}"
