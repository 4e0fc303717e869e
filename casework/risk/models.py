"""Identify (SAVVI Find): sources of data, their imports and imported records, and the versioned risk model.

Provenance: every factor names its source, its import (and so the file's SHA-256) and the day the source
extracted it. A risk model version that has run is never changed again (services.py refuses); a new version
is a copy.
"""

import json

from django.db import models
from django.db.models import Q
from django.urls import reverse

from casework.core.models import TimeStampedModel, VersionedModel
from casework.risk.choices import AttributeType, ImportStatus, Resolution, SourceFormat


class RiskSource(TimeStampedModel, VersionedModel):
    """Where risk factor data comes from (council tax reduction, a GP practice's frailty list), who owns it,
    on what lawful basis the lead receives it, and how its files' columns map onto a person and a factor."""

    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    owner = models.CharField(
        max_length=200, help_text="The source organisation (and team) that sends the data"
    )
    lawful_basis = models.TextField()
    file_format = models.CharField(max_length=16, choices=SourceFormat.choices)
    # {field: column} for a council extract (the fields are importing.FIELDS); empty for the SAVVI CSV.
    column_mapping = models.JSONField(default=dict, blank=True)
    # {field: value} given to every row, e.g. {"attribute_scheme": "council_tax_reduction"}.
    fixed_values = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "name"], name="risk_source_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("risk:source_detail", args=[self.pk])


class RiskImport(TimeStampedModel):
    """One file of a source, imported once: the same SHA-256 for the same source is the same import."""

    source = models.ForeignKey(RiskSource, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.BigIntegerField(default=0)
    # When the source extracted the data (a row's own ExtractedOn, where it has one, wins for its factors).
    extracted_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    # A page upload waits in the uploads folder for its job; the command line's file is read where it is.
    stored_path = models.CharField(max_length=500, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    records_created = models.PositiveIntegerField(default=0)
    factors_created = models.PositiveIntegerField(default=0)
    records_linked = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "file_sha256"], name="risk_import_file_once"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source})"

    def get_absolute_url(self) -> str:
        return reverse("risk:import_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class RiskImportProblem(models.Model):
    """A row that was not imported: its line and why (never the row's values: the source has them)."""

    risk_import = models.ForeignKey(RiskImport, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField()
    field = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["line", "id"]
        indexes = [models.Index(fields=["risk_import", "line"], name="risk_problem_line_idx")]

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}"


class SourceRecord(TimeStampedModel):
    """One person as one import describes them (the rows of one PersonReference), and whom they are."""

    risk_import = models.ForeignKey(RiskImport, on_delete=models.PROTECT, related_name="records")
    source = models.ForeignKey(RiskSource, on_delete=models.PROTECT, related_name="records")
    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="+")
    line = models.PositiveIntegerField(help_text="The first line of the file about the person")
    person_reference = models.CharField(max_length=100)
    nhs_number = models.CharField(max_length=10, blank=True)
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    alias = models.CharField(max_length=200, blank=True)
    # As SAVVI allows: "YYYY-MM-DD", "YYYY-MM" or "YYYY".
    birth_date = models.CharField(max_length=10, blank=True)
    gender = models.CharField(max_length=10, blank=True)
    uprn = models.BigIntegerField(null=True, blank=True)
    address = models.CharField(max_length=500, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    resolution = models.CharField(max_length=16, choices=Resolution.choices, default=Resolution.UNRESOLVED)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # How it was resolved: "nhs_number" (the deterministic first pass); the Splink pass adds its own.
    resolved_by = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["line", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk_import", "person_reference"], name="risk_record_reference_once_per_import"
            ),
            models.CheckConstraint(
                condition=Q(resolution__in=["linked", "new_person"], person__isnull=False)
                | Q(resolution__in=["unresolved", "in_review"], person__isnull=True),
                name="risk_record_person_when_resolved",
            ),
        ]
        indexes = [
            models.Index(fields=["initiative", "resolution"], name="risk_record_resolution_idx"),
            models.Index(fields=["nhs_number"], name="risk_record_nhs_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.person_reference}"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_name) if part)


class RiskFactor(models.Model):
    """A single fact about a person (SAVVI Risk Factor, a scheme and a term), with where it came from."""

    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="factors")
    source = models.ForeignKey(RiskSource, on_delete=models.PROTECT, related_name="+")
    risk_import = models.ForeignKey(RiskImport, on_delete=models.PROTECT, related_name="factors")
    attribute_type = models.CharField(max_length=16, choices=AttributeType.choices)
    scheme = models.CharField(max_length=100)
    term = models.CharField(max_length=100)
    factor_date = models.DateField(null=True, blank=True)
    source_system = models.CharField(max_length=200, blank=True)
    extracted_on = models.DateField(null=True, blank=True)
    line = models.PositiveIntegerField()

    class Meta:
        ordering = ["scheme", "term"]
        constraints = [
            models.UniqueConstraint(fields=["record", "scheme", "term"], name="risk_factor_once_per_record"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """ "scheme/term", as the risk model's rules name a factor."""
        return f"{self.scheme}/{self.term}"


class RiskModel(TimeStampedModel):
    """An initiative's risk model (SAVVI: risk stratification policy): its versions say what it is."""

    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    # The number of the last rule id given ("R7": 7), so that a removed rule's id is never given again.
    last_rule_number = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "name"], name="risk_model_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class RiskModelVersion(TimeStampedModel, VersionedModel):
    """One version of a risk model. Once it has run (`first_run_at`), nothing of it changes again."""

    model = models.ForeignKey(RiskModel, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    purpose = models.TextField()
    legal_basis = models.TextField()
    area = models.CharField(max_length=200, help_text="Where the initiative looks: its jurisdiction")
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )
    first_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["model__name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["model", "number"], name="risk_model_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model.name}, version {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("risk:version_detail", args=[self.pk])

    @property
    def has_run(self) -> bool:
        return self.first_run_at is not None


class RiskModelCategory(models.Model):
    """One of the initiative's risk categories in a model version, with its rank there (1 is the highest)."""

    model_version = models.ForeignKey(RiskModelVersion, on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey("cases.RiskCategory", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["model_version", "category"], name="risk_model_category_once"),
            models.UniqueConstraint(fields=["model_version", "rank"], name="risk_model_category_rank_once"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="risk_model_category_rank_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.category}"


class RiskFactorDefinition(models.Model):
    """A risk factor a model version uses: a scheme and a term, and what it means in plain English."""

    model_version = models.ForeignKey(
        RiskModelVersion, on_delete=models.CASCADE, related_name="factor_definitions"
    )
    scheme = models.CharField(max_length=100)
    term = models.CharField(max_length=100)
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["scheme", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_version", "scheme", "term"], name="risk_factor_definition_once"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.scheme}/{self.term}"


class RiskRule(models.Model):
    """A declarative rule of a model version: when its expression holds, the subject is in its category.

    `rule_id` ("R3") is stable: a copy keeps it, and the cohort names the rules that fired by it."""

    model_version = models.ForeignKey(RiskModelVersion, on_delete=models.CASCADE, related_name="rules")
    rule_id = models.CharField(max_length=20)
    category = models.ForeignKey("cases.RiskCategory", on_delete=models.PROTECT, related_name="+")
    when = models.JSONField()
    description = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField()
    # Bumped by every change (risk_rule_update), so that a stale edit is refused instead of lost.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["model_version", "rule_id"], name="risk_rule_id_once"),
        ]

    def __str__(self) -> str:
        return self.rule_id

    @property
    def when_json(self) -> str:
        """The expression as its JSON, for the model's page."""
        return json.dumps(self.when)


# Record linkage (Splink models, thresholds, matching runs, clerical review) lives in its own module.
from casework.risk.cohort_models import Cohort, CohortRow  # noqa: E402, F401
from casework.risk.linking_models import (  # noqa: E402, F401 (Django finds the models here)
    MatchingModel,
    MatchingRun,
    MatchingSettings,
    MatchLabel,
    ReviewItem,
)
