"""Resource allocation and personal budgets' records: the organisation's RAS questionnaire (a draft, and
published versions that never change), its budget settings (the difference threshold and the approval limits
per role), a case's indicative budget (with the questionnaire version it used) and its personal budget with
the approvals it had."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.core.models import TimeStampedModel, VersionedModel
from casework.plans.budget_choices import ApprovalDecision, PersonalBudgetStatus, QuestionnaireStatus


class RasQuestionnaire(TimeStampedModel, VersionedModel):
    """The organisation's RAS questionnaire and points-to-pounds table (`content`, as plans/ras/questionnaire
    as_json). A draft is edited; publishing it gives it the next `number`, after which it never changes: a
    change is a new draft, published as the next number, and budgets keep the number they used."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.DRAFT
    )
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Its version once published")
    content = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(status="draft"), name="ras_questionnaire_one_draft"
            ),
            models.UniqueConstraint(
                fields=["organisation", "number"], name="ras_questionnaire_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True, published_at__isnull=True)
                | Q(status="published", number__isnull=False, published_at__isnull=False),
                name="ras_questionnaire_numbered_when_published",
            ),
        ]

    def __str__(self) -> str:
        return f"RAS questionnaire {self.number or 'draft'} of {self.organisation_id}"


class BudgetSettings(TimeStampedModel, VersionedModel):
    """The organisation's rules for personal budgets: the difference from the indicative budget above which a
    reason is needed, and the annual limit up to which each approving role approves (`approval_limits`:
    {role: "49000.00", or null for no limit}; a role not in it does not approve); and the working days a
    financial assessment is due in once started (no surprise bills)."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    difference_threshold_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("10"))
    approval_limits = models.JSONField(default=dict, blank=True)
    financial_assessment_working_days = models.PositiveSmallIntegerField(
        default=20, help_text="Working days from starting a financial assessment to its due date (1 to 60)"
    )

    class Meta:
        verbose_name_plural = "budget settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(difference_threshold_percent__gte=0, difference_threshold_percent__lte=100),
                name="budget_settings_threshold_percent",
            ),
            models.CheckConstraint(
                condition=Q(
                    financial_assessment_working_days__gte=1, financial_assessment_working_days__lte=60
                ),
                name="budget_settings_fa_working_days",
            ),
        ]

    def __str__(self) -> str:
        return f"Budget settings of {self.organisation_id}"


class IndicativeBudget(TimeStampedModel):
    """The indicative weekly budget from the worker's answers to a published questionnaire version, with its
    breakdown per answer (`lines`). A new one supersedes the current one, which stays readable."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(RasQuestionnaire, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    points = models.PositiveIntegerField()
    weekly_amount = models.DecimalField(max_digits=10, decimal_places=2)
    lines = models.JSONField(default=list)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(superseded_at__isnull=True), name="indicative_budget_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"Indicative budget £{self.weekly_amount} a week on {self.case_id}"


class PersonalBudget(TimeStampedModel, VersionedModel):
    """The personal budget (Care Act s26): the cost to the council, what the person pays (from the completed
    financial assessment, if any) and what the council pays; its difference from the indicative budget, with
    a reason when over the organisation's threshold; approved within the approvers' limits."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    indicative = models.ForeignKey(IndicativeBudget, on_delete=models.PROTECT, related_name="+")
    financial_assessment = models.ForeignKey(
        "plans.FinancialAssessment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=24, choices=PersonalBudgetStatus.choices, default=PersonalBudgetStatus.DRAFT
    )
    weekly_cost = models.DecimalField(max_digits=10, decimal_places=2)
    person_pays_weekly = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    council_pays_weekly = models.DecimalField(max_digits=10, decimal_places=2)
    annual_cost = models.DecimalField(max_digits=12, decimal_places=2)
    difference_weekly = models.DecimalField(max_digits=10, decimal_places=2)
    difference_reason = models.TextField(blank=True)
    awaiting_role = models.CharField(max_length=40, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(superseded_at__isnull=True), name="personal_budget_one_current"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PersonalBudgetStatus.values), name="personal_budget_status"
            ),
            models.CheckConstraint(
                condition=Q(status="approved", approved_at__isnull=False, approved_by__isnull=False)
                | (~Q(status="approved") & Q(approved_at__isnull=True)),
                name="personal_budget_approved_when_approved",
            ),
            models.CheckConstraint(
                condition=Q(weekly_cost__gte=0, council_pays_weekly__gte=0),
                name="personal_budget_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "awaiting_role"], name="personal_budget_awaiting_idx")]

    def __str__(self) -> str:
        return f"Personal budget £{self.weekly_cost} a week on {self.case_id}"


class BudgetApproval(models.Model):
    """One approver's decision on a personal budget: who, when, their role and limit, and how much."""

    budget = models.ForeignKey(PersonalBudget, on_delete=models.PROTECT, related_name="approvals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=40)
    annual_limit = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    annual_cost = models.DecimalField(max_digits=12, decimal_places=2)
    decision = models.CharField(max_length=16, choices=ApprovalDecision.choices)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=ApprovalDecision.values), name="budget_approval_decision"
            ),
            models.CheckConstraint(
                condition=~Q(decision="approved")
                | Q(annual_limit__isnull=True)
                | Q(annual_cost__lte=models.F("annual_limit")),
                name="budget_approval_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.user_id} on {self.budget_id}"
