"""Writes of support planning: financial assessments (started with a due date, completed with the
calculator's result). Keyword-only, atomic, audited with the case; two people at once never overwrite each
other's work silently (ConflictError)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from casework.accounts.models import User
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.core.working_days import add_working_days
from casework.plans.budget_models import BudgetApproval, IndicativeBudget, PersonalBudget
from casework.plans.charging.calculator import (
    Assessment,
    AssessmentInput,
    CapitalItem,
    CapitalKind,
    DreItem,
    Household,
    IncomeItem,
    IncomeKind,
    InputError,
    Path,
    assess,
)
from casework.plans.charging.rates import RateTable
from casework.plans.choices import FinancialAssessmentStatus
from casework.plans.dp_models import (
    DirectPaymentAgreement,
    DirectPaymentAuditReturn,
    DirectPaymentPayment,
    SurplusRecovery,
)
from casework.plans.episode_models import CrisisEpisode, EnablementEpisode, EnablementNote
from casework.plans.figures_selectors import rate_table_in_force_with_version
from casework.plans.models import BudgetSettings, FinancialAssessment
from casework.plans.support_models import ServiceSuspension, SupportPlan, SupportService

REFUSED = "Only the case's workers and team managers can record its financial assessment."
CLOSED = "This case is closed: raise a new case instead."
STALE = stale_message("this financial assessment", did="changed", then="check it and try again")
# Working days from starting a financial assessment to its due date, until the organisation sets its own
# (BudgetSettings.financial_assessment_working_days).
FINANCIAL_ASSESSMENT_WORKING_DAYS = 20


def _require_record(user: User, case: Case) -> None:
    require_perm(user, "plans.record_financial_assessment_case", case, REFUSED if case.is_open else CLOSED)


def rates_and_version_for(*, case: Case) -> tuple[RateTable, int]:
    """The rate table for an assessment made today and the organisation's version of its figures (0: as
    seeded). Raises DomainError when no table covers today."""
    try:
        return rate_table_in_force_with_version(
            organisation_id=holding_organisation_id(case), day=clock.today()
        )
    except LookupError as error:
        raise DomainError(
            f"There are no charging figures for today: {error}. Ask your organisation admin."
        ) from None


def inputs_as_json(data: AssessmentInput) -> dict[str, Any]:
    """The calculator's inputs as JSON (money as strings, so nothing is lost to floating point)."""
    household = data.household
    return {
        "path": data.path.value,
        "household": {name: getattr(household, name) for name in household.__dataclass_fields__},
        "capital": [{"kind": item.kind.value, "amount": str(item.amount)} for item in data.capital],
        "notional_capital": str(data.notional_capital),
        "income": [{"kind": item.kind.value, "weekly": str(item.weekly)} for item in data.income],
        "housing_costs": str(data.housing_costs),
        "dre_itemised": None
        if data.dre_itemised is None
        else [{"label": item.label, "weekly": str(item.weekly)} for item in data.dre_itemised],
        "weekly_cost_of_care": None if data.weekly_cost_of_care is None else str(data.weekly_cost_of_care),
        "main_home_disregarded": data.main_home_disregarded,
    }


def inputs_from_json(data: dict[str, Any]) -> AssessmentInput:
    """The inputs back from inputs_as_json (to show a completed assessment's answers again)."""
    dre = data.get("dre_itemised")
    cost = data.get("weekly_cost_of_care")
    return AssessmentInput(
        path=Path(data["path"]),
        household=Household(**data["household"]),
        capital=tuple(CapitalItem(CapitalKind(i["kind"]), Decimal(i["amount"])) for i in data["capital"]),
        notional_capital=Decimal(data["notional_capital"]),
        income=tuple(IncomeItem(IncomeKind(i["kind"]), Decimal(i["weekly"])) for i in data["income"]),
        housing_costs=Decimal(data["housing_costs"]),
        dre_itemised=None if dre is None else tuple(DreItem(i["label"], Decimal(i["weekly"])) for i in dre),
        weekly_cost_of_care=None if cost is None else Decimal(cost),
        main_home_disregarded=bool(data.get("main_home_disregarded")),
    )


def _lines_as_json(result: Assessment) -> list[dict[str, Any]]:
    return [
        {
            "section": line.section,
            "label": line.label,
            "amount": str(line.amount),
            "citation": line.citation,
            "to_confirm": line.to_confirm,
            "counted": line.counted,
        }
        for line in result.lines
    ]


def financial_assessment_working_days(*, organisation_id: int) -> int:
    """The organisation's working days from starting a financial assessment to its due date (its budget
    settings; FINANCIAL_ASSESSMENT_WORKING_DAYS until it sets them)."""
    found = (
        BudgetSettings.objects.filter(organisation_id=organisation_id)
        .values_list("financial_assessment_working_days", flat=True)
        .first()
    )
    return found or FINANCIAL_ASSESSMENT_WORKING_DAYS


def open_financial_assessment(
    *, user: User, case: Case, current: FinancialAssessment | None, because: str = ""
) -> FinancialAssessment:
    """Start a financial assessment superseding `current` (read under select_for_update by the caller, in its
    transaction), due in the organisation's working days. No permission check: the callers make it. Audited
    as "plans.financial_assessment_started" (`because`: what started it, when not the worker by hand)."""
    today = clock.today()
    working_days = financial_assessment_working_days(organisation_id=holding_organisation_id(case))
    try:
        with transaction.atomic():
            if current is not None:
                FinancialAssessment.objects.filter(pk=current.pk).update(superseded_at=clock.now())
            record = FinancialAssessment.objects.create(
                case=case,
                started_on=today,
                due_on=add_working_days(today, working_days),
                created_by=user,
                modified_by=user,
            )
    except IntegrityError:
        raise ConflictError(STALE) from None
    if current is not None:
        FinancialAssessment.objects.filter(pk=current.pk).update(superseded_by=record)
    changes: dict[str, Any] = {
        "due_on": {"before": None, "after": record.due_on},
        "working_days": {"before": None, "after": working_days},
        "supersedes": {"before": None, "after": current.pk if current else None},
    }
    if because:
        changes["started_because"] = {"before": None, "after": because}
    audit_record(
        user=user,
        verb="plans.financial_assessment_started",
        obj=record,
        case_id=case.pk,
        person_id=case.person_id,
        changes=to_json_safe(changes),
    )
    return record


def financial_assessment_start(
    *, user: User, case: Case, replaces_id: int | None = None
) -> FinancialAssessment:
    """Start a financial assessment, due in the organisation's working days (its budget settings, 20 by
    default); it supersedes the current one (a reassessment). `replaces_id` is the current one the caller saw
    (None: none).

    Audited as "plans.financial_assessment_started". Raises PermissionRefused, ConflictError."""
    _require_record(user, case)
    with transaction.atomic():
        current = (
            FinancialAssessment.objects.select_for_update()
            .filter(case=case, superseded_at__isnull=True)
            .first()
        )
        if (current.pk if current else None) != replaces_id:
            raise ConflictError(STALE)
        if current is not None and current.status == FinancialAssessmentStatus.STARTED:
            raise DomainError("A financial assessment is already in progress: complete it first.")
        return open_financial_assessment(user=user, case=case, current=current)


def financial_assessment_complete(
    *, user: User, assessment: FinancialAssessment, version: int, data: AssessmentInput
) -> FinancialAssessment:
    """Complete a started assessment with the calculator's result from `data`, using today's rate table.

    Audited as "plans.financial_assessment_completed" with the weekly charge. Raises PermissionRefused,
    ValidationFailed (inputs it cannot assess), DomainError (not in progress), ConflictError."""
    case = assessment.case
    _require_record(user, case)
    if assessment.status != FinancialAssessmentStatus.STARTED or not assessment.is_current:
        raise DomainError("Only the financial assessment in progress can be completed: start a new one.")
    table, figures_version = rates_and_version_for(case=case)
    try:
        result = assess(data, table)
    except InputError as error:
        raise ValidationFailed(str(error)) from None
    fields = {
        "status": FinancialAssessmentStatus.COMPLETED,
        "completed_at": clock.now(),
        "path": data.path.value,
        "tax_year": table.tax_year,
        "figures_version": figures_version,
        "inputs": inputs_as_json(data),
        "lines": _lines_as_json(result),
        "weekly_charge": result.weekly_charge,
        "pays_full_cost": result.pays_full_cost,
        "uses_figures_to_confirm": result.to_confirm,
    }
    with transaction.atomic():
        changes = assessment.write_if_version(version=version, fields=fields, user=user, stale_message=STALE)
        audit_record(
            user=user,
            verb="plans.financial_assessment_completed",
            obj=assessment,
            case_id=case.pk,
            person_id=case.person_id,
            changes=to_json_safe({k: v for k, v in changes.items() if k not in ("inputs", "lines")}),
        )
    return assessment


def plans_dispose(*, case_id: int) -> int:
    """Delete what plans holds on a case whose records are being disposed of (retention): support plans with
    their services and suspensions, direct payment agreements with their payments, audit returns and
    recoveries, budgets with their approvals, financial assessments (the chain of versions unlinked first)
    and crisis and enablement episodes with their notes. Each table in one statement, the rows that refer to
    others first; the case's reviews go before (reviews_dispose: a review refers to the plan it reviewed).
    Only retention calls it, having checked the permission, the appraisal and holds, and it audits the
    disposal. Returns rows deleted, in a constant number of queries."""
    deleted = 0
    for rows in (
        ServiceSuspension.objects.filter(service__plan__case_id=case_id),
        SupportService.objects.filter(plan__case_id=case_id),
        SurplusRecovery.objects.filter(audit_return__agreement__case_id=case_id),
        DirectPaymentAuditReturn.objects.filter(agreement__case_id=case_id),
        DirectPaymentPayment.objects.filter(agreement__case_id=case_id),
        DirectPaymentAgreement.objects.filter(case_id=case_id),
        SupportPlan.objects.filter(case_id=case_id),
        BudgetApproval.objects.filter(budget__case_id=case_id),
        PersonalBudget.objects.filter(case_id=case_id),
        IndicativeBudget.objects.filter(case_id=case_id),
    ):
        deleted += rows.delete()[0]
    assessments = FinancialAssessment.objects.filter(case_id=case_id)
    assessments.filter(superseded_by__isnull=False).update(superseded_by=None)
    deleted += assessments.delete()[0]
    for episodes in (
        EnablementNote.objects.filter(episode__case_id=case_id),
        EnablementEpisode.objects.filter(case_id=case_id),
        CrisisEpisode.objects.filter(case_id=case_id),
    ):
        deleted += episodes.delete()[0]
    return deleted
