from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from casework.core.models import TimeStampedModel, VersionedModel
from casework.subjectaccess.choices import RedactionReason, RequestStatus
from casework.subjectaccess.deadline import MAX_EXTENSION_MONTHS


class SubjectAccessRequest(TimeStampedModel, VersionedModel):
    """A person's request for everything held about them (UK GDPR Art 15), handled by one organisation on
    behalf of every organisation of the initiative that holds their data.

    The due date is kept (recomputed by the service at every step) so that lists can sort and flag by it.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    requester_name = models.CharField(max_length=200)
    requested = models.TextField(help_text="What the requester asked for, in their words")
    received_on = models.DateField()
    identity_verified_on = models.DateField(null=True, blank=True)
    identity_evidence = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=24, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    extension_letter_sent_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True, help_text="Empty while the clock is stopped")
    bundle = models.JSONField(null=True, blank=True)
    bundle_prepared_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_months__lte=MAX_EXTENSION_MONTHS),
                name="sar_extension_at_most_two_months",
            ),
            models.CheckConstraint(
                condition=Q(extension_months=0) | Q(extension_letter_sent_on__isnull=False),
                name="sar_extension_has_letter",
            ),
            models.CheckConstraint(
                condition=Q(identity_verified_on__isnull=True)
                | Q(identity_verified_on__gte=F("received_on")),
                name="sar_identity_after_receipt",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.RELEASED) | Q(released_at__isnull=False),
                name="sar_released_has_time",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "due_on"], name="sar_org_status_due")]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("subjectaccess:request_detail", args=[self.pk])


class ClockPause(models.Model):
    """A stretch when the clock stood still: clarification asked, and (once it came) received."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="pauses")
    asked_on = models.DateField()
    question = models.TextField()
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["asked_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("asked_on")),
                name="sar_pause_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["request"], condition=Q(answered_on__isnull=True), name="sar_one_open_pause"
            ),
        ]

    def __str__(self) -> str:
        return f"Clarification asked {self.asked_on}"


class Redaction(TimeStampedModel):
    """Something in the bundle withheld before release (a row, or one field of it), and why."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="redactions")
    section = models.CharField(max_length=64)
    record_id = models.CharField(max_length=64)
    field = models.CharField(max_length=64, blank=True, help_text="Empty: the whole record")
    reason = models.CharField(max_length=32, choices=RedactionReason.choices)
    explanation = models.TextField()

    class Meta:
        ordering = ["section", "record_id", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "section", "record_id", "field"], name="sar_redaction_once"
            ),
            models.CheckConstraint(condition=~Q(explanation=""), name="sar_redaction_has_explanation"),
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.record_id} {self.field}".strip()
