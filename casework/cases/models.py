from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from casework.cases.choices import AssignmentRole, CaseOrigin, CaseStage, CaseStatus, Priority
from casework.core.models import TimeStampedModel, VersionedModel
from casework.core.querysets import PagesByKeyQuerySet


class RiskCategory(models.Model):
    """A risk category of an initiative's stratification policy (SAVVI: local, defined in the policy)."""

    initiative = models.ForeignKey(
        "accounts.Initiative", on_delete=models.PROTECT, related_name="risk_categories"
    )
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField(default=0, help_text="Lower is more at risk; used for sorting")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["initiative_id", "rank", "label"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="risk_category_code_unique")
        ]
        verbose_name_plural = "risk categories"

    def __str__(self) -> str:
        return self.label


# The cases a team worklist lists (allocation.selectors.team_worklist_for_scope): its indexes hold only these.
WORKLIST = Q(primary_worker__isnull=True, stage="awaiting_allocation", status="planned")


class Case(TimeStampedModel, VersionedModel):
    """A discrete episode of work about one person or one household."""

    # Not a field: {user id: assignment role} remembered by cases.policies.remember_assignment_roles.
    _assignment_roles: dict[int, str]

    reference = models.CharField(max_length=20, unique=True)
    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    raised_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(max_length=32, choices=CaseOrigin.choices)
    risk_category = models.ForeignKey(
        RiskCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    summary = models.TextField(blank=True, help_text="Why the case was raised")
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.PLANNED)
    stage = models.CharField(max_length=24, choices=CaseStage.choices, default=CaseStage.INTAKE)
    # Postcode district of the subject when the case was raised: the area used by allocation and worklists.
    area = models.CharField(max_length=8, blank=True)
    raised_at = models.DateTimeField()
    allocated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    responsible_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_cases",
    )
    allocated_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    primary_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_cases",
    )
    allocation_rule = models.ForeignKey(
        "allocation.AllocationRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    allocation_explanation = models.TextField(blank=True)
    # Closing: the outcome (a code from the initiative's list, see closing.py), a note, and a planned
    # re-contact.
    outcome = models.CharField(max_length=40, blank=True)
    closure_note = models.TextField(blank=True)
    recontact_on = models.DateField(null=True, blank=True)
    # Hit rate (SAVVI Improve): closed with needs found for someone the risk index had not picked out.
    found_outside_risk_index = models.BooleanField(default=False)

    objects = PagesByKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(household__isnull=True))
                | (Q(person__isnull=True) & Q(household__isnull=False)),
                name="case_has_one_subject",
            ),
        ]
        indexes = [
            # Team worklists: an organisation's cases awaiting a worker, most urgent and oldest first. It
            # covers the team, area and risk category filters and the risk sort too, so counting a filtered
            # list or choosing the page's rows by risk reads the index alone (allocation.selectors).
            models.Index(
                fields=["responsible_organisation", "-priority", "raised_at", "id"],
                include=["allocated_team", "area", "risk_category"],
                condition=WORKLIST,
                name="case_worklist_idx",
            ),
            # The worklist's other sorts and the team filter, each read in order from its own index
            # (issue 14). Small: they hold only the cases awaiting allocation.
            models.Index(
                fields=["responsible_organisation", "raised_at", "id"],
                include=["allocated_team"],
                condition=WORKLIST,
                name="case_worklist_raised_idx",
            ),
            models.Index(
                fields=["responsible_organisation", "area", "-priority", "raised_at", "id"],
                include=["allocated_team"],
                condition=WORKLIST,
                name="case_worklist_area_idx",
            ),
            models.Index(
                fields=["allocated_team", "-priority", "raised_at", "id"],
                include=["responsible_organisation"],
                condition=WORKLIST,
                name="case_worklist_team_idx",
            ),
            models.Index(fields=["primary_worker", "status"], name="case_primary_idx"),
            models.Index(fields=["initiative", "status", "raised_at"], name="case_index_idx"),
            # The case index of a whole initiative (the lead's), newest or oldest first (its default), by
            # priority and by area: a page read in order instead of a million cases sorted (issue 14).
            models.Index(fields=["initiative", "raised_at", "id"], name="case_index_raised_idx"),
            models.Index(
                fields=["initiative", "-priority", "raised_at", "id"], name="case_index_priority_idx"
            ),
            models.Index(
                fields=["initiative", "area", "-priority", "raised_at", "id"], name="case_index_area_idx"
            ),
            models.Index(fields=["person", "raised_at"], name="case_person_idx"),
            models.Index(fields=["household", "raised_at"], name="case_household_idx"),
            # Re-contact dates coming up (the waiting-lists issue turns each into a task on the day).
            models.Index(
                fields=["recontact_on"], condition=Q(recontact_on__isnull=False), name="case_recontact_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def subject_name(self) -> str:
        return self.person.shown_name if self.person is not None else str(self.household)

    @property
    def is_open(self) -> bool:
        return self.status in (CaseStatus.PLANNED, CaseStatus.ACTIVE, CaseStatus.ON_HOLD)


class CaseOutcome(TimeStampedModel):
    """An outcome a case can close with, from the initiative's list (kept by its initiative admins)."""

    initiative = models.ForeignKey(
        "accounts.Initiative", on_delete=models.PROTECT, related_name="case_outcomes"
    )
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    rank = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["initiative_id", "rank", "label"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="case_outcome_code_unique"),
            models.CheckConstraint(condition=~Q(code="") & ~Q(label=""), name="case_outcome_named"),
        ]

    def __str__(self) -> str:
        return self.label


class CaseAssignment(TimeStampedModel):
    """A worker on a case: the primary worker, a secondary worker, or a case manager for oversight."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    role = models.CharField(max_length=16, choices=AssignmentRole.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=Q(ended_at__isnull=True),
                name="one_current_assignment_per_user",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(ended_at__isnull=True, role="primary"),
                name="one_current_primary_worker",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"], name="assignment_user_idx")]


class StageProgress(models.Model):
    """Work on one stage of a case. Restarting from a stage resets later progress; rows are never deleted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_progress")
    stage = models.CharField(max_length=24, choices=CaseStage.choices)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    reset_at = models.DateTimeField(null=True, blank=True)
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reset_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage"],
                condition=Q(reset_at__isnull=True),
                name="one_live_progress_per_stage",
            ),
        ]

    def __str__(self) -> str:
        state = "reset" if self.reset_at else "completed" if self.completed_at else "started"
        return f"{self.get_stage_display()} of case {self.case_id}, {state}"


class CaseNote(TimeStampedModel):
    """A worker's note on a case, often about the stage being amended."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    stage = models.CharField(max_length=24, choices=CaseStage.choices)
    text = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
