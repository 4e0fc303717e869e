"""The cohort (SAVVI's risk index): one run of a risk model version over the matched factors, and a row for
each person it put in a category, with the rules that fired and the factors (with their sources and dates)
that made them fire. People with no category get no row, and their factors are deleted by the same run."""

from django.db import models
from django.urls import reverse

from casework.core.models import TimeStampedModel


class CohortStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Generating"
    DONE = "done", "Generated"
    FAILED = "failed", "Failed"


class Cohort(TimeStampedModel):
    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="+")
    model_version = models.ForeignKey(
        "risk.RiskModelVersion", on_delete=models.PROTECT, related_name="cohorts"
    )
    status = models.CharField(max_length=16, choices=CohortStatus.choices, default=CohortStatus.QUEUED)
    generated_at = models.DateTimeField(null=True, blank=True)
    # The reference date ages are taken on.
    reference_date = models.DateField(null=True, blank=True)
    people_considered = models.PositiveIntegerField(default=0)
    people_in_cohort = models.PositiveIntegerField(default=0)
    factors_deleted = models.PositiveIntegerField(default=0)
    # {category code: {area: people}}
    counts = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["initiative", "status", "-generated_at"], name="risk_cohort_latest_idx")
        ]

    def __str__(self) -> str:
        return f"Cohort {self.pk} ({self.model_version_id})"

    def get_absolute_url(self) -> str:
        return reverse("risk:cohort_detail", args=[self.pk])


class CohortRow(models.Model):
    """A person in the cohort: their category, the rules that fired (in rule order) and, for each, the
    factors with their source and dates:
    [{"rule_id": "R3", "description": "council tax arrears", "category": "high",
      "factors": [{"code": "council_tax_reduction/arrears", "source": "CTR", "extracted_on": "2026-11-01",
                   "factor_date": null}]}]"""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="rows")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("cases.RiskCategory", on_delete=models.PROTECT, related_name="+")
    area = models.CharField(max_length=8, blank=True, help_text="Postcode district")
    rule_ids = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    explanation = models.CharField(max_length=500, help_text='"High: R3 council tax arrears + R7 ..."')
    # The case raised from this row (raising again skips it).
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="risk_cohort_row_person_once"),
        ]
        indexes = [
            models.Index(fields=["cohort", "category", "area"], name="risk_cohort_row_cat_area_idx"),
            models.Index(fields=["person", "cohort"], name="risk_cohort_row_person_idx"),
        ]

    def __str__(self) -> str:
        return self.explanation
