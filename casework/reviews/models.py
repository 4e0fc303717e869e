"""Reviews of support plans (Care Act s27): planned, requested and unplanned reviews of a case's plan, what
the review found, its decision, and its sign-off by the authority and by the person; the requests for one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.core.models import TimeStampedModel, VersionedModel
from casework.reviews.choices import (
    OPEN_STATUSES,
    PersonSigner,
    RequestedBy,
    ReviewDecision,
    ReviewKind,
    ReviewReason,
    ReviewStatus,
)
from casework.reviews.schedule import (
    MAX_DIRECT_PAYMENT_FIRST_MONTHS,
    MAX_EVERY_MONTHS,
    MAX_FIRST_WEEKS,
    MIN_FIRST_WEEKS,
    ReviewIntervals,
)


class Review(TimeStampedModel, VersionedModel):
    """One review of a case's support plan (the version reviewed is kept). Due, then in progress, then
    awaiting sign-off once the decision is recorded, complete only when both the authority and the person
    (or their representative, or the reason they could not) have signed it off."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        "plans.SupportPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan_number = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=ReviewKind.choices)
    reason = models.CharField(max_length=32, choices=ReviewReason.choices)
    reason_detail = models.TextField(blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=24, choices=ReviewStatus.choices, default=ReviewStatus.DUE)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    # What the review found, in the person's words and the worker's.
    involved = models.TextField(blank=True, help_text="Who the person wanted involved")
    outcomes = models.JSONField(
        default=list, blank=True, help_text="Each outcome: met or not; the person's and worker's words"
    )
    working = models.TextField(blank=True)
    not_working = models.TextField(blank=True)
    changes_in_need = models.TextField(blank=True)
    safeguarding = models.TextField(blank=True)
    provider_helped = models.BooleanField(default=False, help_text="A provider reviewed as trusted assessor")
    provider_name = models.CharField(max_length=200, blank=True)
    decision = models.CharField(max_length=16, choices=ReviewDecision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    revised_plan = models.ForeignKey(
        "plans.SupportPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority_signed_at = models.DateTimeField(null=True, blank=True)
    person_signer = models.CharField(max_length=16, choices=PersonSigner.choices, blank=True)
    person_signer_name = models.CharField(max_length=200, blank=True)
    person_not_signed_reason = models.TextField(blank=True)
    person_signed_at = models.DateTimeField(null=True, blank=True)
    # Who recorded the person's sign-off: never the same user as the authority's.
    person_signed_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # The due date this review was last escalated for, while overdue (reviews/escalation.py): once per breach.
    escalated_for_due_on = models.DateField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status__in=OPEN_STATUSES), name="review_one_open_per_case"
            ),
            models.CheckConstraint(condition=Q(kind__in=ReviewKind.values), name="review_kind"),
            models.CheckConstraint(condition=Q(reason__in=ReviewReason.values), name="review_reason"),
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values), name="review_status"),
            models.CheckConstraint(
                condition=Q(kind="planned", reason="planned") | ~Q(kind="planned") & ~Q(reason="planned"),
                name="review_planned_reason",
            ),
            models.CheckConstraint(
                condition=Q(person_signer="")
                | Q(person_signer="not_signed", person_not_signed_reason__gt="")
                | Q(person_signer__in=["person", "representative"], person_signer_name__gt=""),
                name="review_person_sign_off",
            ),
            models.CheckConstraint(
                condition=~Q(status="complete")
                | Q(
                    authority_signed_at__isnull=False,
                    person_signed_at__isnull=False,
                    completed_at__isnull=False,
                    decision__gt="",
                ),
                name="review_complete_when_signed_by_both",
            ),
            models.CheckConstraint(
                condition=Q(authority_signed_by__isnull=True)
                | Q(person_signed_recorded_by__isnull=True)
                | ~Q(authority_signed_by=models.F("person_signed_recorded_by")),
                name="review_two_signers",
            ),
        ]
        indexes = [
            # The team worklist: open reviews by due date.
            models.Index(
                fields=["due_on", "id"], condition=Q(status__in=OPEN_STATUSES), name="review_open_due_idx"
            ),
            models.Index(fields=["case", "status"], name="review_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} review of {self.case_id} due {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReviewRequest(TimeStampedModel):
    """A review asked for (by the person, a carer, a provider, or at the duty desk): it lands with the
    allocated worker as a task, or on the waiting list ("waiting for a review") when nobody is allocated."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    requested_by = models.CharField(max_length=16, choices=RequestedBy.choices)
    requester_name = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=32, choices=ReviewReason.choices)
    details = models.TextField(blank=True)
    received_on = models.DateField()
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="requests")
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    waiting_entry = models.ForeignKey(
        "waiting_list.WaitingListEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_by__in=RequestedBy.values), name="review_requested_by"
            ),
            models.CheckConstraint(condition=~Q(reason="planned"), name="review_request_not_planned"),
        ]

    def __str__(self) -> str:
        return f"Review requested by {self.get_requested_by_display().lower()} on {self.received_on}"


class ReviewSettings(TimeStampedModel, VersionedModel):
    """The organisation's review intervals, within the guidance's limits (reviews/schedule.py): the first
    review `first_weeks` after a plan starts or changes, then every `every_months`; a direct payment's first
    `direct_payment_first_months` after its first payment. No row: the defaults (schedule.DEFAULT)."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    first_weeks = models.PositiveSmallIntegerField(default=MAX_FIRST_WEEKS)
    every_months = models.PositiveSmallIntegerField(default=MAX_EVERY_MONTHS)
    direct_payment_first_months = models.PositiveSmallIntegerField(default=MAX_DIRECT_PAYMENT_FIRST_MONTHS)

    class Meta:
        verbose_name_plural = "review settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(first_weeks__gte=MIN_FIRST_WEEKS, first_weeks__lte=MAX_FIRST_WEEKS),
                name="review_settings_first_weeks",
            ),
            models.CheckConstraint(
                condition=Q(every_months__gte=1, every_months__lte=MAX_EVERY_MONTHS),
                name="review_settings_every_months",
            ),
            models.CheckConstraint(
                condition=Q(
                    direct_payment_first_months__gte=1,
                    direct_payment_first_months__lte=MAX_DIRECT_PAYMENT_FIRST_MONTHS,
                ),
                name="review_settings_direct_payment_first_months",
            ),
        ]

    def __str__(self) -> str:
        return f"Review settings of {self.organisation_id}"

    @property
    def intervals(self) -> ReviewIntervals:
        return ReviewIntervals(
            first_weeks=self.first_weeks,
            every_months=self.every_months,
            direct_payment_first_months=self.direct_payment_first_months,
        )
