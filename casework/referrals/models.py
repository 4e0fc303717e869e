from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from casework.core.models import TimeStampedModel, VersionedModel
from casework.referrals.choices import ReferralStatus


class Referral(TimeStampedModel, VersionedModel):
    """A decision to direct one or more of a case's needs to a delivery organisation (SAVVI Referral), under a
    consent or lawful-basis record that covers it. What the delivery organisation may read is worked out from
    that record each time it looks (sharing.py), never copied here. The delivery organisation answers with a
    plan and actions (SAVVI Plan and Action) and need status updates."""

    # Not a field: "responsible" or "delivery", the side the reading user is on (referrals.selectors).
    side: str

    reference = models.CharField(max_length=20, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="+")
    referring_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    delivery_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    basis = models.ForeignKey("consent.ConsentRecord", on_delete=models.PROTECT, related_name="referrals")
    needs = models.ManyToManyField("assessments.Need", related_name="referrals")
    # A directory service the organisation runs, as it was on the day (feeds change; records must not).
    service_id = models.UUIDField(null=True, blank=True)
    service_snapshot = models.JSONField(default=dict, blank=True)
    circumstances = models.TextField(
        blank=True, help_text="Relevant circumstances, written for the organisation"
    )
    instructions = models.TextField(
        blank=True, help_text="Special instructions, written for the organisation"
    )
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response_note = models.TextField(blank=True, help_text="Why it was declined, or a note on accepting")
    plan = models.TextField(blank=True)
    plan_recorded_at = models.DateTimeField(null=True, blank=True)
    plan_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closing_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReferralStatus.values), name="referral_status"),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(response_note=""), name="referral_declined_with_reason"
            ),
            models.CheckConstraint(
                condition=Q(status="sent") | Q(responded_at__isnull=False), name="referral_responded_when"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="referral_closed_when"
            ),
            models.CheckConstraint(
                condition=~Q(delivery_organisation=models.F("referring_organisation")),
                name="referral_to_another_organisation",
            ),
        ]
        indexes = [
            # The delivery organisation's worklist: its referrals by status, newest first.
            models.Index(
                fields=["delivery_organisation", "status", "-sent_at"], name="referral_worklist_idx"
            ),
            models.Index(fields=["case", "sent_at"], name="referral_case_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("referrals:referral_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class ReferralAction(models.Model):
    """Something the delivery organisation did about a referral (SAVVI Action), on a day."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="actions")
    occurred_on = models.DateField()
    description = models.TextField()
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [models.CheckConstraint(condition=~Q(description=""), name="referral_action_described")]

    def __str__(self) -> str:
        return f"{self.occurred_on.isoformat()}: {self.description[:60]}"
