"""No surprise bills (issue 16), the writes that make a backdated bill impossible by construction:

- planning a chargeable service starts a financial assessment (when the case has none current) and gives the
  case's worker, or its team, a task to complete it by its due date, the organisation's working days away;
- an estimate letter tells the person what they are estimated to pay a week before any chargeable service
  starts, and a plan whose chargeable service would start without one is not activated.

"Chargeable" is support_charges.is_chargeable: a service costing something with at least one day outside free
enablement (the first 6 weeks of an enablement episode). Called by support_services in their transactions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from casework.accounts.models import User
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.cases.models import Case
from casework.core import clock
from casework.core.errors import DomainError
from casework.core.permissions import require_perm
from casework.letters.choices import LetterKind
from casework.letters.models import Letter
from casework.letters.services import letter_send
from casework.plans import support_charges as charges
from casework.plans.charging.enablement import EnablementPeriod
from casework.plans.choices import FinancialAssessmentStatus
from casework.plans.episode_models import EnablementEpisode
from casework.plans.models import FinancialAssessment
from casework.plans.services import open_financial_assessment
from casework.plans.support_choices import SupportPlanStatus
from casework.plans.support_models import SupportPlan, SupportService
from casework.tasks.selectors import case_task_assignee
from casework.tasks.services import task_create

TASK_TITLE = "Complete the financial assessment"
REFUSED_LETTER = (
    "Only the case's workers and team managers can send the estimate of what the person will pay."
)
CLOSED = "This case is closed: raise a new case instead."
ESTIMATE_WORDING = "This is an estimate, subject to a financial assessment."


def _gbp(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def enablement_periods(case: Case) -> tuple[EnablementPeriod, ...]:
    """The case's enablement episodes as the charging rules read them."""
    return tuple(
        EnablementPeriod(starts, ends)
        for starts, ends in EnablementEpisode.objects.filter(case=case).values_list("started_on", "ended_on")
    )


def _cost(service) -> charges.ServiceCost:
    return charges.ServiceCost(
        frequency=service.frequency,
        units=service.units,
        unit_cost=service.unit_cost,
        starts_on=service.starts_on,
        ends_on=service.ends_on,
    )


def chargeable(services: Iterable, enablement: Sequence[EnablementPeriod]) -> list:
    """The services (ServiceIn or SupportService) the person may be charged for."""
    return [s for s in services if charges.is_chargeable(_cost(s), enablement)]


# --- 1. Planning a chargeable service opens a financial assessment and a task ---


def financial_assessment_for_plan(*, user: User, case: Case, plan: SupportPlan, services: Sequence) -> None:
    """After the plan's version is saved (in its transaction): when it plans a chargeable service and the case
    has no current financial assessment (started or completed), start one and open the task "Complete the
    financial assessment" for the case's worker (else its allocated team), due when the assessment is.

    Saving again finds the assessment and does nothing: one assessment, one task (its effect key names the
    assessment). Audited as "plans.financial_assessment_started" (started because of the plan) and
    "tasks.task_created"."""
    if not chargeable(services, enablement_periods(case)):
        return
    current = (
        FinancialAssessment.objects.select_for_update().filter(case=case, superseded_at__isnull=True).first()
    )
    if current is not None:
        return
    record = open_financial_assessment(
        user=user, case=case, current=None, because=f"support plan version {plan.number}"
    )
    worker, team = case_task_assignee(case=case)
    if worker is None and team is None:
        return  # nobody to give it to: the charging backlog and the Planning gate show it instead
    task_create(
        user=user,
        title=TASK_TITLE,
        due_date=record.due_on,
        assigned_to_user=worker,
        assigned_to_team=team,
        case=case,
        details=(
            f"Version {plan.number} of the support plan has a chargeable service. Complete the financial "
            f"assessment by {record.due_on:%-d %B %Y} so that the person knows what they will pay before it "
            "starts."
        ),
        source=f"financial_assessment:{record.pk}",
        effect_key=f"plans.financial_assessment.{record.pk}",
    )


# --- 2. An estimate letter before any chargeable service starts ---


@dataclass(frozen=True)
class Estimate:
    """What the person is estimated to pay a week, and from what."""

    weekly: Decimal
    assessed: bool  # from a completed financial assessment (else the full weekly cost of the services)
    weekly_cost: Decimal  # what the chargeable services cost a week
    services: tuple[SupportService, ...]


def estimate_for(*, case: Case, plan: SupportPlan) -> Estimate:
    """The estimate for the plan's chargeable services: the completed financial assessment's weekly charge
    (never more than the services cost), else their full weekly cost (the most the person could pay)."""
    listed = tuple(chargeable(plan.services.all(), enablement_periods(case)))
    weekly_cost = charges.pounds(sum((charges.weekly_cost(_cost(s)) for s in listed), Decimal("0")))
    assessment = FinancialAssessment.objects.filter(
        case=case, superseded_at__isnull=True, status=FinancialAssessmentStatus.COMPLETED
    ).first()
    if assessment is None or assessment.weekly_charge is None:
        return Estimate(weekly_cost, False, weekly_cost, listed)
    weekly = weekly_cost if assessment.pays_full_cost else min(assessment.weekly_charge, weekly_cost)
    return Estimate(weekly, True, weekly_cost, listed)


def _plan_to_estimate(case: Case) -> SupportPlan:
    plan = (
        SupportPlan.objects.filter(case=case, status=SupportPlanStatus.DRAFT).first()
        or SupportPlan.objects.filter(case=case, status=SupportPlanStatus.ACTIVE).first()
    )
    if plan is None:
        raise DomainError("There is no support plan to estimate from: write one first.")
    return plan


def _service_line(service: SupportService) -> str:
    if service.frequency == charges.ONE_OFF:
        once = _gbp(charges.pounds(service.units * service.unit_cost))
        return f"{service.service_type} on {service.starts_on:%-d %B %Y} ({once} once)"
    weekly = _gbp(charges.pounds(charges.weekly_cost(_cost(service))))
    return f"{service.service_type} from {service.starts_on:%-d %B %Y} ({weekly} a week)"


def charge_estimate_letter_send(*, user: User, case: Case) -> Letter:
    """Send the person the estimate of what they will pay a week for the chargeable services of the plan's
    draft (else its active version), from the completed financial assessment or, without one, the services'
    full cost "subject to a financial assessment". Once per version of the plan: sending again returns the
    letter sent. Audited as "letters.sent" and "plans.charge_estimate_sent". Raises PermissionRefused,
    DomainError (no plan, nothing chargeable, no postal address)."""
    require_perm(user, "plans.record_support_plan_case", case, REFUSED_LETTER if case.is_open else CLOSED)
    plan = _plan_to_estimate(case)
    estimate = estimate_for(case=case, plan=plan)
    if not estimate.services:
        raise DomainError(
            "The plan has no chargeable service (each is free enablement or costs nothing): there is "
            "nothing to estimate."
        )
    names = "; ".join(_service_line(s) for s in estimate.services)
    with transaction.atomic():
        letter = letter_send(
            kind=LetterKind.CHARGE_ESTIMATE,
            case=case,
            effect_key=f"plans.charge_estimate.{plan.pk}.{plan.version}",
            user=user,
            extra={
                "estimate_weekly": _gbp(estimate.weekly),
                "estimate_cost": _gbp(estimate.weekly_cost),
                "estimate_assessed": "yes" if estimate.assessed else "",
                "estimate_services": names,
            },
        )
        audit_record(
            user=user,
            verb="plans.charge_estimate_sent",
            obj=plan,
            case_id=case.pk,
            person_id=case.person_id,
            changes=to_json_safe(
                {
                    "letter": {"before": None, "after": letter.pk},
                    "estimate_weekly": {"before": None, "after": estimate.weekly},
                    "assessed": {"before": None, "after": estimate.assessed},
                }
            ),
        )
    return letter


def first_estimate_sent_on(case: Case) -> datetime.date | None:
    """The day the first estimate letter went to the person on the case (None: never)."""
    sent = (
        Letter.objects.filter(case=case, kind=LetterKind.CHARGE_ESTIMATE)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return timezone.localdate(sent) if sent is not None else None


def services_awaiting_estimate(*, case: Case, plan: SupportPlan, before: SupportPlan | None) -> list:
    """The plan's chargeable services that would start without an estimate letter sent on or before their
    first day. A service continuing one of the active version (`before`) has started already: left out."""
    carried = {s.reference for s in before.services.all()} if before is not None else set()
    new = [s for s in plan.services.all() if s.reference not in carried]
    listed = chargeable(new, enablement_periods(case))
    if not listed:
        return []
    sent_on = first_estimate_sent_on(case)
    return [s for s in listed if sent_on is None or sent_on > s.starts_on]


def require_estimate_sent(*, case: Case, plan: SupportPlan, before: SupportPlan | None) -> None:
    """Refuse (DomainError) to start a chargeable service before the person was sent the estimate."""
    waiting = services_awaiting_estimate(case=case, plan=plan, before=before)
    if waiting:
        first = waiting[0]
        raise DomainError(
            "Send the person the estimate of what they will pay before a chargeable service starts: "
            f"{first.service_type} starts on {first.starts_on:%-d %B %Y} and no estimate letter was sent "
            "on or before that day."
            + (
                " Move its start to today or later, then send the letter."
                if first.starts_on < clock.today()
                else ""
            )
        )
