"""Reads of support planning, scoped to the user through the case (the queryset twins of policies.py).
Reading a financial assessment writes an AccessEvent: it is personal data."""

from __future__ import annotations

from django.db.models import QuerySet

from casework.accounts.models import User
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.cases.selectors import case_list_visible, case_list_workable
from casework.core.errors import PermissionRefused
from casework.core.export import Section, model_rows
from casework.core.permissions import has_perm
from casework.plans.budget_models import IndicativeBudget, PersonalBudget
from casework.plans.dp_models import (
    DirectPaymentAgreement,
    DirectPaymentAuditReturn,
    DirectPaymentPayment,
    SurplusRecovery,
)
from casework.plans.episode_models import CrisisEpisode, EnablementEpisode, EnablementNote
from casework.plans.models import FinancialAssessment
from casework.plans.support_models import ServiceSuspension, SupportPlan, SupportService

REFUSED_VIEW = "Only those who may open the case can read its financial assessment."


def case_list_financial_assessment_visible(*, user: User) -> QuerySet[Case]:
    """Cases whose financial assessment the user may read (twin of plans.view_financial_assessment_case)."""
    return case_list_visible(user=user)


def case_list_financial_assessment_recordable(*, user: User) -> QuerySet[Case]:
    """Cases the user may assess (twin of plans.record_financial_assessment_case)."""
    return case_list_workable(user=user)


def financial_assessment_current_get_for_user(
    *, user: User, case: Case, purpose: str = "viewed"
) -> FinancialAssessment | None:
    """The case's current financial assessment, or None. Raises PermissionRefused when the user may not read
    it. Writes an AccessEvent when there is one."""
    if not has_perm(user, "plans.view_financial_assessment_case", case):
        raise PermissionRefused(REFUSED_VIEW)
    current = FinancialAssessment.objects.filter(case=case, superseded_at__isnull=True).first()
    if current is not None:
        access_record(
            user=user,
            verb=f"plans.financial_assessment_{purpose}",
            obj=current,
            case_id=case.pk,
            person_id=case.person_id,
        )
    return current


def financial_assessment_history_for_user(*, user: User, case: Case) -> list[FinancialAssessment]:
    """Every financial assessment of the case, newest first (for the section's history). Audited once."""
    if not has_perm(user, "plans.view_financial_assessment_case", case):
        raise PermissionRefused(REFUSED_VIEW)
    rows = list(FinancialAssessment.objects.filter(case=case).order_by("-created_at", "-id"))
    if rows:
        access_record(
            user=user,
            verb="plans.financial_assessments_listed",
            case_id=case.pk,
            person_id=case.person_id,
            details={"count": len(rows)},
        )
    return rows


def plans_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    return [
        ("financial_assessments", model_rows(FinancialAssessment.objects.filter(case__person_id=person_id))),
        ("indicative_budgets", model_rows(IndicativeBudget.objects.filter(case__person_id=person_id))),
        ("personal_budgets", model_rows(PersonalBudget.objects.filter(case__person_id=person_id))),
        ("crisis_episodes", model_rows(CrisisEpisode.objects.filter(case__person_id=person_id))),
        ("enablement_episodes", model_rows(EnablementEpisode.objects.filter(case__person_id=person_id))),
        ("enablement_notes", model_rows(EnablementNote.objects.filter(episode__case__person_id=person_id))),
        ("support_plans", model_rows(SupportPlan.objects.filter(case__person_id=person_id))),
        ("support_services", model_rows(SupportService.objects.filter(plan__case__person_id=person_id))),
        (
            "service_suspensions",
            model_rows(ServiceSuspension.objects.filter(service__plan__case__person_id=person_id)),
        ),
        (
            "direct_payment_agreements",
            model_rows(DirectPaymentAgreement.objects.filter(case__person_id=person_id)),
        ),
        (
            "direct_payments",
            model_rows(DirectPaymentPayment.objects.filter(agreement__case__person_id=person_id)),
        ),
        (
            "direct_payment_audit_returns",
            model_rows(DirectPaymentAuditReturn.objects.filter(agreement__case__person_id=person_id)),
        ),
        (
            "direct_payment_surplus_recoveries",
            model_rows(SurplusRecovery.objects.filter(audit_return__agreement__case__person_id=person_id)),
        ),
    ]
