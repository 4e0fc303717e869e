"""No surprise bills (issue 16): the services running or suspended under an active support plan whose case has
no completed financial assessment, oldest first, so that a manager sees who may get a backdated bill before it
happens. With each, the state of the assessment: not started, started and due, or overdue."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from casework.accounts.models import AnyUser
from casework.audit.services import access_record
from casework.core.errors import PermissionRefused
from casework.plans.backlog_policies import charging_backlog_organisation_ids
from casework.plans.models import FinancialAssessment
from casework.plans.support_models import SupportService


@dataclass(frozen=True)
class Backlog:
    services: QuerySet[SupportService]
    organisation_ids: frozenset[int]


def charging_backlog_queryset(organisation_ids: frozenset[int]) -> QuerySet[SupportService]:
    """The services, annotated with the case's current financial assessment (if any started), oldest first."""
    current = FinancialAssessment.objects.filter(
        case_id=OuterRef("plan__case_id"), superseded_at__isnull=True
    )
    completed = current.filter(status="completed")
    return (
        SupportService.objects.filter(
            plan__status="active",
            status__in=["running", "suspended"],
            plan__case__responsible_organisation_id__in=organisation_ids,
        )
        .exclude(Exists(completed))
        .annotate(
            assessment_started_on=Subquery(current.values("started_on")[:1]),
            assessment_due_on=Subquery(current.values("due_on")[:1]),
        )
        .select_related("plan__case__person", "provider_organisation", "provider_service")
        .order_by("starts_on", "id")
    )


def charging_backlog_list_for_user(*, user: AnyUser) -> Backlog:
    """The backlog of the organisations the user may see it for (else PermissionRefused); the list's read is
    recorded once."""
    ids = charging_backlog_organisation_ids(user)
    if not ids:
        raise PermissionRefused("Only team managers, case managers and organisation admins see this report.")
    access_record(user=user, verb="plans.charging_backlog_viewed", details={"organisations": sorted(ids)})
    return Backlog(charging_backlog_queryset(ids), ids)
