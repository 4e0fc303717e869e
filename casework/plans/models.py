"""Support planning's records. A financial assessment is started (with a date it is due by, so it cannot
drift), then completed with what the calculator found; a new assessment supersedes the current one, which
stays readable."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from casework.core import clock
from casework.core.models import TimeStampedModel, VersionedModel
from casework.plans.choices import AssessmentPath, FinancialAssessmentStatus


class FinancialAssessment(TimeStampedModel, VersionedModel):
    """A financial assessment of the person on a case (Care Act s17; SI 2014/2672).

    `inputs` are the calculator's inputs and `lines` its result, line by line with citations; `tax_year`
    and `figures_version` name the rate table it used (the organisation's version of the tax year's figures),
    so the figures can always be explained later."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=FinancialAssessmentStatus.choices, default=FinancialAssessmentStatus.STARTED
    )
    started_on = models.DateField()
    due_on = models.DateField(help_text="Started on plus the organisation's working days (20 by default)")
    completed_at = models.DateTimeField(null=True, blank=True)
    path = models.CharField(max_length=16, choices=AssessmentPath.choices, blank=True)
    tax_year = models.CharField(max_length=7, blank=True)
    figures_version = models.PositiveIntegerField(
        default=0, help_text="The organisation's version of the tax year's figures it used (0: as seeded)"
    )
    inputs = models.JSONField(default=dict, blank=True)
    lines = models.JSONField(default=list, blank=True)
    weekly_charge = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    pays_full_cost = models.BooleanField(default=False)
    uses_figures_to_confirm = models.BooleanField(default=False)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(superseded_at__isnull=True),
                name="financial_assessment_one_current",
            ),
            models.CheckConstraint(
                condition=Q(status__in=FinancialAssessmentStatus.values), name="financial_assessment_status"
            ),
            models.CheckConstraint(
                condition=Q(status="started", completed_at__isnull=True)
                | Q(status="completed", completed_at__isnull=False),
                name="financial_assessment_completed_when_completed",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="financial_assessment_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Financial assessment on {self.case_id} ({self.get_status_display().lower()})"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def is_overdue(self) -> bool:
        """Started and past its due date (the organisation's working days from starting)."""
        return self.status == FinancialAssessmentStatus.STARTED and self.due_on < clock.today()


from casework.plans.budget_models import (  # noqa: E402,F401  (resource allocation and budgets' models)
    BudgetApproval,
    BudgetSettings,
    IndicativeBudget,
    PersonalBudget,
    RasQuestionnaire,
)
from casework.plans.dp_models import (  # noqa: E402,F401  (direct payments' models)
    DirectPaymentAgreement,
    DirectPaymentAuditReturn,
    DirectPaymentPayment,
    SurplusRecovery,
)
from casework.plans.episode_models import (  # noqa: E402,F401  (crisis and enablement episodes' models)
    CrisisEpisode,
    EnablementEpisode,
    EnablementNote,
)
from casework.plans.figures_models import ChargingFigures  # noqa: E402,F401  (an organisation's figures)
from casework.plans.support_models import (  # noqa: E402,F401  (support plans' models)
    ServiceSuspension,
    SupportPlan,
    SupportService,
)
