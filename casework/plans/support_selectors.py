"""Reads of support plans: a case's plan (the draft, the active version and every version before), read
through the case and writing an AccessEvent. The queryset twins of support_policies.py are here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from casework.accounts.models import User
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.core.errors import PermissionRefused
from casework.core.permissions import has_perm
from casework.plans.budget_selectors import (
    case_list_budget_approvable,
    case_list_budget_recordable,
    case_list_budget_visible,
)
from casework.plans.support_choices import SupportPlanStatus
from casework.plans.support_models import ServiceSuspension, SupportPlan, SupportService

REFUSED_VIEW = "Only those who may open the case can read its support plan."


# --- The queryset twins ---


def case_list_support_plan_visible(*, user: User) -> QuerySet[Case]:
    """Cases whose support plan the user may read (twin of plans.view_support_plan_case)."""
    return case_list_budget_visible(user=user)


def case_list_support_plan_recordable(*, user: User) -> QuerySet[Case]:
    """Cases whose support plan the user may record (twin of plans.record_support_plan_case)."""
    return case_list_budget_recordable(user=user)


def case_list_support_plan_activatable(*, user: User) -> QuerySet[Case]:
    """Open cases whose support plan the user may activate (twin of plans.activate_support_plan_case)."""
    return case_list_budget_approvable(user=user)


# --- A case's plan ---


def _with_services() -> Prefetch[Any]:
    return Prefetch(
        "services",
        queryset=SupportService.objects.select_related("provider_service", "provider_organisation")
        .prefetch_related(
            Prefetch("suspensions", queryset=ServiceSuspension.objects.order_by("starts_on", "id"))
        )
        .order_by("starts_on", "id"),
    )


@dataclass
class CaseSupportPlan:
    draft: SupportPlan | None
    active: SupportPlan | None
    versions: list[SupportPlan] = field(default_factory=list)  # every version, newest first (no services)

    @property
    def latest(self) -> SupportPlan | None:
        return self.draft or self.active

    @property
    def latest_number(self) -> int | None:
        return self.versions[0].number if self.versions else None


def _require_view(user: User, case: Case) -> None:
    if not has_perm(user, "plans.view_support_plan_case", case):
        raise PermissionRefused(REFUSED_VIEW)


def support_plan_data(*, case: Case) -> CaseSupportPlan:
    """The case's draft and active plans with their services, and the list of versions; no access check:
    for services that have checked already."""
    current = list(
        SupportPlan.objects.filter(case=case, status__in=[SupportPlanStatus.DRAFT, SupportPlanStatus.ACTIVE])
        .select_related("worker_signed_by", "activated_by")
        .prefetch_related(_with_services())
    )
    versions = list(
        SupportPlan.objects.filter(case=case)
        .only("id", "case_id", "number", "status", "created_at")
        .order_by("-number")
    )
    return CaseSupportPlan(
        draft=next((p for p in current if p.status == SupportPlanStatus.DRAFT), None),
        active=next((p for p in current if p.status == SupportPlanStatus.ACTIVE), None),
        versions=versions,
    )


def case_support_plan_get_for_user(*, user: User, case: Case, purpose: str = "viewed") -> CaseSupportPlan:
    """The case's draft and active support plan (with services and suspensions) and its versions, in a fixed
    number of queries. Raises PermissionRefused; writes an AccessEvent when there is a plan."""
    _require_view(user, case)
    found = support_plan_data(case=case)
    if found.latest is not None:
        access_record(
            user=user,
            verb=f"plans.support_plan_{purpose}",
            obj=found.latest,
            case_id=case.pk,
            person_id=case.person_id,
        )
    return found


def support_plan_version_get_for_user(*, user: User, case: Case, number: int) -> SupportPlan:
    """One version of the case's plan, with its services. Raises PermissionRefused, Http404; writes an
    AccessEvent."""
    _require_view(user, case)
    plan = (
        SupportPlan.objects.filter(case=case, number=number)
        .select_related("worker_signed_by", "activated_by")
        .prefetch_related(_with_services())
        .first()
    )
    if plan is None:
        raise Http404("No such version of the support plan")
    access_record(
        user=user,
        verb="plans.support_plan_version_viewed",
        obj=plan,
        case_id=case.pk,
        person_id=case.person_id,
    )
    return plan


def support_plan_signed(*, case: Case) -> bool:
    """Whether the case has a signed plan (active, or a draft with both sign-offs): for the stage gate."""
    return SupportPlan.objects.filter(
        case=case,
        status__in=[SupportPlanStatus.DRAFT, SupportPlanStatus.ACTIVE],
        worker_signed_at__isnull=False,
        person_signed_at__isnull=False,
    ).exists()


def support_plan_versions_get_for_user(*, user: User, case: Case) -> list[SupportPlan]:
    """Every version of the case's plan, newest first, with services. Raises PermissionRefused; writes an
    AccessEvent when there is one."""
    _require_view(user, case)
    plans = list(
        SupportPlan.objects.filter(case=case)
        .select_related("worker_signed_by", "activated_by")
        .prefetch_related(_with_services())
        .order_by("-number")
    )
    if plans:
        access_record(
            user=user,
            verb="plans.support_plan_versions_viewed",
            obj=plans[0],
            case_id=case.pk,
            person_id=case.person_id,
        )
    return plans
