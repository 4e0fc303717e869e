"""The retention schedule (record classes), legal holds, dry runs and their candidates, appraisals and the
tombstones that disposal leaves. A tombstone and a candidate hold no personal data: ids, references, dates."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from casework.core.models import TimeStampedModel, VersionedModel
from casework.retention.choices import (
    Action,
    Covers,
    Decision,
    HoldReason,
    PeriodUnit,
    RecordKind,
    RunStatus,
    Trigger,
)


class RecordClass(TimeStampedModel, VersionedModel):
    """A row of the retention schedule: what it covers, the trigger its period runs from, the period and the
    action when it has run. A class with no organisation is the default every organisation starts from; an
    organisation's own class of the same coverage replaces it for that organisation."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="record_classes",
    )
    name = models.CharField(max_length=120)
    covers = models.CharField(max_length=24, choices=Covers.choices)
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    period = models.PositiveSmallIntegerField()
    period_unit = models.CharField(max_length=8, choices=PeriodUnit.choices, default=PeriodUnit.YEARS)
    action = models.CharField(max_length=8, choices=Action.choices)

    class Meta:
        ordering = ["covers", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "covers"], name="retention_class_once_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["covers"], condition=Q(organisation__isnull=True), name="retention_class_one_default"
            ),
            models.CheckConstraint(condition=Q(period__gte=1), name="retention_class_period_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def period_display(self) -> str:
        unit = self.get_period_unit_display().lower()
        return f"{self.period} {unit[:-1] if self.period == 1 else unit}"


class LegalHold(TimeStampedModel):
    """A hold on a person's or a case's records (an inquiry, litigation, an Ombudsman complaint): while it is
    not lifted, nothing of the record is listed for disposal or disposed of."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    # The record held, by id (not a foreign key: the hold, lifted, outlives the record it held).
    kind = models.CharField(max_length=8, choices=RecordKind.choices)
    object_id = models.BigIntegerField()
    record_reference = models.CharField(max_length=20, blank=True, help_text="The case's reference")
    reason = models.CharField(max_length=16, choices=HoldReason.choices)
    reference = models.CharField(max_length=100, help_text="The inquiry's, claim's or complaint's reference")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lifted_at__isnull=True) & Q(lifted_by__isnull=True))
                | (Q(lifted_at__isnull=False) & Q(lifted_by__isnull=False)),
                name="retention_hold_lifted_by_someone",
            ),
        ]
        indexes = [
            models.Index(
                fields=["kind", "object_id"],
                condition=Q(lifted_at__isnull=True),
                name="retention_hold_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} hold {self.reference}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class DisposalRun(TimeStampedModel):
    """A pass over the organisation's schedule. A dry run lists what is due and why (its candidates); a real
    run disposes of the candidates of a dry run that were appraised for destruction."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    dry_run = models.BooleanField(default=True)
    source_run = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="disposal_runs"
    )
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    as_of = models.DateField(help_text="The day the periods are counted to")
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dry_run=True, source_run__isnull=True)
                | Q(dry_run=False, source_run__isnull=False),
                name="retention_real_run_has_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{'Dry run' if self.dry_run else 'Disposal run'} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("retention:run_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else (100 if self.finished_at else 0)


class DisposalCandidate(models.Model):
    """A record a dry run found due, under which class and why. No personal data: the id, the case's
    reference, the dates."""

    run = models.ForeignKey(DisposalRun, on_delete=models.CASCADE, related_name="candidates")
    kind = models.CharField(max_length=8, choices=RecordKind.choices)
    object_id = models.BigIntegerField()
    reference = models.CharField(max_length=20, blank=True)
    record_class = models.ForeignKey(RecordClass, on_delete=models.PROTECT, related_name="+")
    class_version = models.PositiveIntegerField()
    action = models.CharField(max_length=8, choices=Action.choices)
    trigger_on = models.DateField()
    due_on = models.DateField()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "kind", "object_id"], name="retention_candidate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"

    @property
    def why(self) -> str:
        return (
            f"{self.record_class.name}: {self.record_class.get_trigger_display().lower()} on "
            f"{self.trigger_on:%-d %B %Y}, {self.record_class.period_display} ran out on "
            f"{self.due_on:%-d %B %Y} ({self.get_action_display().lower()})"
        )


class Appraisal(TimeStampedModel):
    """A person's recorded decision about a record that is due: destroy it, keep it (with the justification)
    or extend its retention to a later review. Nothing is disposed of without one."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    candidate = models.OneToOneField(
        DisposalCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="appraisal"
    )
    kind = models.CharField(max_length=8, choices=RecordKind.choices)
    object_id = models.BigIntegerField()
    decision = models.CharField(max_length=8, choices=Decision.choices)
    reason = models.TextField()
    review_on = models.DateField(null=True, blank=True, help_text="For an extension: when it is due again")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="retention_appraisal_has_reason"),
            models.CheckConstraint(
                condition=Q(decision=Decision.EXTEND, review_on__isnull=False)
                | (~Q(decision=Decision.EXTEND) & Q(review_on__isnull=True)),
                name="retention_appraisal_extension_has_date",
            ),
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="retention_appraisal_record")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.kind} {self.object_id}"


class Tombstone(models.Model):
    """What was disposed of, under which class, when, by whom and on whose appraisal. No personal data."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=RecordKind.choices)
    former_id = models.BigIntegerField()
    reference = models.CharField(max_length=20, blank=True)
    record_class = models.ForeignKey(RecordClass, on_delete=models.PROTECT, related_name="+")
    class_version = models.PositiveIntegerField()
    appraisal = models.OneToOneField(Appraisal, on_delete=models.PROTECT, related_name="tombstone")
    run = models.ForeignKey(
        DisposalRun, null=True, blank=True, on_delete=models.PROTECT, related_name="tombstones"
    )
    disposed_at = models.DateTimeField()
    disposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rows_deleted = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-disposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "former_id"], name="retention_tombstone_once"),
        ]

    def __str__(self) -> str:
        return f"Disposed {self.kind} {self.former_id}"
