from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from casework.assessments.choices import (
    FINISHED_NEED_STATUSES,
    AssessmentMethod,
    AssessmentStatus,
    NeedCategory,
    NeedStatus,
)
from casework.core.models import TimeStampedModel, VersionedModel


class NeedDefinition(TimeStampedModel, VersionedModel):
    """A need that every partner of an initiative records the same way (SAVVI Need Definition).

    Kept by the lead organisation's initiative admins. A definition is retired, never deleted: needs recorded
    against it keep pointing at it.
    """

    initiative = models.ForeignKey(
        "accounts.Initiative", on_delete=models.PROTECT, related_name="need_definitions"
    )
    code = models.SlugField(max_length=50, help_text="Stable, for exports and the API: lower case, no spaces")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=24, choices=NeedCategory.choices)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="need_definition_code_unique"),
            models.UniqueConstraint(fields=["initiative", "name"], name="need_definition_name_unique"),
            models.CheckConstraint(
                condition=Q(category__in=NeedCategory.values), name="need_definition_category"
            ),
            models.CheckConstraint(condition=~Q(code="") & ~Q(name=""), name="need_definition_named"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class AssessmentForm(TimeStampedModel):
    """An organisation's assessment form. Its questions live in versions; the newest is the one used."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="assessment_forms"
    )
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="assessment_form_code_unique"),
            models.CheckConstraint(condition=~Q(code="") & ~Q(name=""), name="assessment_form_named"),
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentFormVersion(models.Model):
    """One version of a form's schema (see schema.py). Never changed once written: a change is a new
    version."""

    form = models.ForeignKey(AssessmentForm, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    schema = models.JSONField()
    change_note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["form_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="assessment_form_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="assessment_form_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.form.name}, version {self.number}"


class Assessment(TimeStampedModel, VersionedModel):
    """A situation assessment on a case (SAVVI): private to the organisation responsible for the case.

    `situation` and `response` are the SAVVI synopses (the situation; the response it needs): the summary a
    consent may allow to be shared. The answers are kept with the form version they were given to.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="assessments")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The responsible organisation that made it",
    )
    form_version = models.ForeignKey(
        AssessmentFormVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    method = models.CharField(max_length=16, choices=AssessmentMethod.choices)
    answers = models.JSONField(default=dict)
    situation = models.TextField(blank=True)
    response = models.TextField(blank=True)
    risk_category = models.ForeignKey(
        "cases.RiskCategory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The assessed risk category",
    )
    privacy_notice_given = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AssessmentStatus.values), name="assessment_status"),
            models.CheckConstraint(
                condition=Q(status="in_progress", completed_at__isnull=True)
                | Q(status="completed", completed_at__isnull=False),
                name="assessment_completed_when",
            ),
        ]
        indexes = [models.Index(fields=["case", "started_at"], name="assessment_case_idx")]

    def __str__(self) -> str:
        return f"{self.form_version.form.name} on {self.case.reference}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:assessment_detail", args=[self.pk])

    @property
    def is_completed(self) -> bool:
        return self.status == AssessmentStatus.COMPLETED


class Need(TimeStampedModel, VersionedModel):
    """A need of the person on a case, recorded against the initiative's need definitions, with its status."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="needs")
    definition = models.ForeignKey(NeedDefinition, on_delete=models.PROTECT, related_name="needs")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="needs"
    )
    note = models.TextField(blank=True)
    status = models.CharField(max_length=24, choices=NeedStatus.choices, default=NeedStatus.IDENTIFIED)
    status_changed_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=NeedStatus.values), name="need_status"),
        ]
        indexes = [
            models.Index(fields=["case", "status"], name="need_case_idx"),
            models.Index(fields=["definition", "status"], name="need_definition_idx"),
        ]

    def __str__(self) -> str:
        return self.definition.name

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_NEED_STATUSES


class NeedStatusChange(models.Model):
    """The history of a need's status: who changed it, from which organisation, when and why."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=24, choices=NeedStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=NeedStatus.choices)
    note = models.TextField(blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
