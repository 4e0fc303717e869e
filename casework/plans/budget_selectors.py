"""Reads of resource allocation and budgets. The questionnaire and settings are the organisation's (no
personal data); a case's budget is read through the case, writing an AccessEvent. The queryset twins of
budget_policies.py are here."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from casework.accounts.choices import Role
from casework.accounts.models import Organisation, User
from casework.accounts.selectors import actor_for
from casework.audit.services import access_record
from casework.cases.choices import OPEN_STATUSES
from casework.cases.models import Case
from casework.cases.policies import holder_q
from casework.cases.selectors import case_list_visible, case_list_workable
from casework.core.errors import PermissionRefused
from casework.core.permissions import has_perm
from casework.plans.budget_choices import APPROVING_ROLES, PersonalBudgetStatus, QuestionnaireStatus
from casework.plans.budget_models import (
    BudgetApproval,
    BudgetSettings,
    IndicativeBudget,
    PersonalBudget,
    RasQuestionnaire,
)
from casework.plans.ras.budget import Level

REFUSED_VIEW = "Only those who may open the case can read its budget."
DEFAULT_THRESHOLD_PERCENT = Decimal("10")


# --- The queryset twins ---


def organisation_list_budget_manageable(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose RAS and budget settings the user keeps (twin of plans.manage_budget_settings)."""
    return Organisation.objects.filter(pk__in=actor_for(user).organisations_with_role(Role.ORG_ADMIN))


def case_list_budget_visible(*, user: User) -> QuerySet[Case]:
    """Cases whose budget the user may read (twin of plans.view_budget_case)."""
    return case_list_visible(user=user)


def case_list_budget_recordable(*, user: User) -> QuerySet[Case]:
    """Cases whose budget the user may record (twin of plans.record_budget_case)."""
    return case_list_workable(user=user)


def case_list_budget_approvable(*, user: User) -> QuerySet[Case]:
    """Open cases whose budget the user may approve (twin of plans.approve_budget_case)."""
    approving = actor_for(user).organisations_with_role(*APPROVING_ROLES)
    if not approving:
        return Case.objects.none()
    return case_list_visible(user=user).filter(holder_q(approving), status__in=OPEN_STATUSES)


# --- The organisation's questionnaire and settings ---


def ras_questionnaire_current(*, organisation_id: int) -> RasQuestionnaire | None:
    """The organisation's latest published questionnaire (None: none published)."""
    return (
        RasQuestionnaire.objects.filter(organisation_id=organisation_id, status=QuestionnaireStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )


def ras_questionnaire_draft(*, organisation_id: int) -> RasQuestionnaire | None:
    return RasQuestionnaire.objects.filter(
        organisation_id=organisation_id, status=QuestionnaireStatus.DRAFT
    ).first()


def ras_questionnaire_list_published(*, organisation_id: int) -> list[RasQuestionnaire]:
    """Every published version, newest first, with who published it."""
    return list(
        RasQuestionnaire.objects.filter(organisation_id=organisation_id, status=QuestionnaireStatus.PUBLISHED)
        .select_related("published_by")
        .order_by("-number")
    )


def budget_settings_for(*, organisation_id: int) -> BudgetSettings:
    """The organisation's budget settings (unsaved defaults when never set: 10 %, nobody approves)."""
    found = BudgetSettings.objects.filter(organisation_id=organisation_id).first()
    if found is not None:
        return found
    return BudgetSettings(
        organisation_id=organisation_id,
        difference_threshold_percent=DEFAULT_THRESHOLD_PERCENT,
        approval_limits={},
    )


def approval_levels(settings: BudgetSettings) -> list[Level]:
    """The approval levels of the settings, as ras.budget reads them."""
    return [
        Level(role=role, annual_limit=None if limit is None else Decimal(str(limit)))
        for role, limit in (settings.approval_limits or {}).items()
        if role in APPROVING_ROLES
    ]


# --- A case's budget ---


@dataclass
class CaseBudget:
    indicative: IndicativeBudget | None
    personal: PersonalBudget | None
    approvals: list[BudgetApproval] = field(default_factory=list)


def case_budget_get_for_user(*, user: User, case: Case, purpose: str = "viewed") -> CaseBudget:
    """The case's current indicative and personal budgets and the personal budget's approvals, in three
    queries. Raises PermissionRefused when the user may not read them; writes an AccessEvent when there is
    one."""
    if not has_perm(user, "plans.view_budget_case", case):
        raise PermissionRefused(REFUSED_VIEW)
    indicative = (
        IndicativeBudget.objects.filter(case=case, superseded_at__isnull=True)
        .select_related("questionnaire", "created_by")
        .first()
    )
    personal = (
        PersonalBudget.objects.filter(case=case, superseded_at__isnull=True)
        .select_related("approved_by", "financial_assessment")
        .first()
    )
    approvals = list(personal.approvals.select_related("user")) if personal is not None else []
    if indicative is not None or personal is not None:
        access_record(
            user=user,
            verb=f"plans.budget_{purpose}",
            obj=personal or indicative,
            case_id=case.pk,
            person_id=case.person_id,
        )
    return CaseBudget(indicative=indicative, personal=personal, approvals=approvals)


def personal_budget_list_awaiting_for_user(*, user: User) -> QuerySet[PersonalBudget]:
    """Personal budgets awaiting the user's level of approval, on cases they may approve, oldest first."""
    roles = [role for role in APPROVING_ROLES if role in actor_for(user).roles]
    return (
        PersonalBudget.objects.filter(
            case__in=case_list_budget_approvable(user=user),
            status=PersonalBudgetStatus.AWAITING_APPROVAL,
            awaiting_role__in=roles,
            superseded_at__isnull=True,
        )
        .select_related("case")
        .order_by("modified_at", "id")
    )
