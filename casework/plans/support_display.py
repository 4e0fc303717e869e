"""What the support plan's pages and its PDF show of a version: each service with its provider, its weekly
cost and whether it is charged for now (nothing is charged while a service is suspended)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from casework.plans import support_charges as charges
from casework.plans.support_choices import ServiceStatus
from casework.plans.support_models import ServiceSuspension, SupportPlan, SupportService

CHARGED = {
    ServiceStatus.PLANNED: "Not yet: it starts when the plan is active",
    ServiceStatus.RUNNING: "Yes",
    ServiceStatus.SUSPENDED: "No: suspended",
    ServiceStatus.ENDED: "No: ended",
}


@dataclass(frozen=True)
class ServiceRow:
    service: SupportService
    provider: str
    weekly_cost: Decimal
    charged: str
    open_suspension: ServiceSuspension | None
    suspensions: list[ServiceSuspension]


@dataclass(frozen=True)
class PlanRows:
    plan: SupportPlan
    services: list[ServiceRow]


def provider_name(service: SupportService) -> str:
    if service.provider_service is not None:
        return service.provider_service.name
    return service.provider_organisation.name if service.provider_organisation is not None else ""


def service_row(service: SupportService) -> ServiceRow:
    """A service of a plan read with its providers and suspensions (support_selectors' prefetch)."""
    suspensions = list(service.suspensions.all())
    cost = charges.ServiceCost(
        frequency=service.frequency,
        units=service.units,
        unit_cost=service.unit_cost,
        starts_on=service.starts_on,
        ends_on=service.ends_on,
    )
    return ServiceRow(
        service=service,
        provider=provider_name(service),
        weekly_cost=charges.pounds(charges.weekly_cost(cost)),
        charged=CHARGED.get(ServiceStatus(service.status), ""),
        open_suspension=next((s for s in suspensions if s.ends_on is None), None),
        suspensions=suspensions,
    )


def plan_rows(plan: SupportPlan) -> PlanRows:
    return PlanRows(plan=plan, services=[service_row(s) for s in plan.services.all()])
