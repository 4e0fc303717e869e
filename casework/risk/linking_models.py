"""Identify's record linkage: Splink matching models (approved before use), thresholds per initiative,
matching runs over an import, and the clerical review queue with its decisions kept as labels.

A matching run records the model version and the thresholds it used, so a record's resolution can always be
traced to the model that made it. Review decisions are labels (MatchLabel) for evaluating the model; undoing a
wrong link withdraws its label rather than deleting it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from casework.core.models import TimeStampedModel, VersionedModel


class MatchingRunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Matching"
    DONE = "done", "Matched"
    FAILED = "failed", "Failed"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    LINKED = "linked", "Linked: the same person"
    KEPT_APART = "kept_apart", "Kept apart: different people"
    UNDONE = "undone", "Link undone"


class ReviewDecision(models.TextChoices):
    LINK = "link", "Link: they are the same person"
    KEEP_APART = "keep_apart", "Keep apart: they are different people"
    SKIP = "skip", "Skip: decide later"


class MatchingModel(TimeStampedModel):
    """One trained Splink model of an initiative (Splink's JSON with its provenance), numbered. Used only
    once a person has approved it; the newest approved one is used by new runs."""

    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    model_json = models.JSONField()
    training_data_sha256 = models.CharField(max_length=64)
    seed = models.IntegerField()
    splink_version = models.CharField(max_length=20)
    training_records = models.PositiveIntegerField(default=0)
    trained_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "number"], name="risk_matching_model_number_once"),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True, approved_by__isnull=True)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="risk_matching_model_approved_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Matching model {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("risk:matching_model_detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class MatchingSettings(TimeStampedModel, VersionedModel):
    """An initiative's matching thresholds: link at or above `link_threshold`, review from
    `review_threshold`, a new person below; a cluster larger than `max_cluster` never links by itself."""

    initiative = models.OneToOneField("accounts.Initiative", on_delete=models.PROTECT, related_name="+")
    link_threshold = models.FloatField(default=0.99)
    review_threshold = models.FloatField(default=0.80)
    max_cluster = models.PositiveSmallIntegerField(default=10)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(review_threshold__gt=0)
                & Q(review_threshold__lte=models.F("link_threshold"))
                & Q(link_threshold__lte=1),
                name="risk_matching_thresholds_ordered",
            ),
            models.CheckConstraint(condition=Q(max_cluster__gte=2), name="risk_matching_cluster_from_two"),
        ]

    def __str__(self) -> str:
        return f"Link ≥ {self.link_threshold}, review ≥ {self.review_threshold}"


class MatchingRun(TimeStampedModel):
    """Matching an import's unresolved records: the model version and thresholds it used, and what came of
    it. At most one unfinished run per import."""

    risk_import = models.ForeignKey("risk.RiskImport", on_delete=models.PROTECT, related_name="matching_runs")
    matching_model = models.ForeignKey(MatchingModel, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(
        max_length=16, choices=MatchingRunStatus.choices, default=MatchingRunStatus.QUEUED
    )
    link_threshold = models.FloatField()
    review_threshold = models.FloatField()
    max_cluster = models.PositiveSmallIntegerField()
    records_matched = models.PositiveIntegerField(default=0)
    records_linked = models.PositiveIntegerField(default=0)
    people_created = models.PositiveIntegerField(default=0)
    records_in_review = models.PositiveIntegerField(default=0)
    households_joined = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk_import"],
                condition=Q(status__in=["queued", "running"]),
                name="risk_matching_run_one_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"Matching run {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("risk:matching_run_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (MatchingRunStatus.DONE, MatchingRunStatus.FAILED)


class ReviewItem(TimeStampedModel, VersionedModel):
    """An uncertain pair for clerical review: an imported record and its best candidate, an existing person
    (or an earlier record of the same file that has no person yet), with the match-weight waterfall."""

    run = models.ForeignKey(MatchingRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey("risk.SourceRecord", on_delete=models.PROTECT, related_name="review_items")
    candidate_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    candidate_record = models.ForeignKey(
        "risk.SourceRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    probability = models.FloatField()
    waterfall = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    skipped_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(status="open"), name="risk_review_one_open_per_record"
            ),
            models.CheckConstraint(
                condition=Q(candidate_person__isnull=False) | Q(candidate_record__isnull=False),
                name="risk_review_has_a_candidate",
            ),
        ]
        indexes = [models.Index(fields=["initiative", "status"], name="risk_review_queue_idx")]

    def __str__(self) -> str:
        return f"Review {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("risk:review_item", args=[self.pk])

    @property
    def match_weight(self) -> float:
        return sum(float(bar["match_weight"]) for bar in self.waterfall)


class MatchLabel(models.Model):
    """A person's decision on a pair (same person or not), kept to evaluate matching models. An undone link
    keeps its label, withdrawn."""

    review_item = models.ForeignKey(ReviewItem, on_delete=models.PROTECT, related_name="labels")
    record = models.ForeignKey("risk.SourceRecord", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_match = models.BooleanField()
    matching_model = models.ForeignKey(
        MatchingModel, null=True, blank=True, on_delete=models.PROTECT, related_name="labels"
    )
    probability = models.FloatField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{'Match' if self.is_match else 'Not a match'}: record {self.record_id}"
