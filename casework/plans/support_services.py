"""Writes of support plans: saving a version (any change is the next version; the old stays readable),
the worker's and the person's sign-offs, activation within the activator's approval limit, and suspending and
restarting a real service (a hospital admission and discharge, respite agreed in the plan).

Keyword-only, atomic and audited; a stale write is refused (ConflictError), never silently lost."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from casework.accounts.models import Organisation, User
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record, audited_write_if_version
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, ValidationFailed, stale_message
from casework.core.permissions import has_perm, require_perm
from casework.directory.models import Service
from casework.plans import no_surprise
from casework.plans import support_charges as charges
from casework.plans.budgets import approval_limit_for, role_name
from casework.plans.support_choices import (
    BudgetManagement,
    PersonSigner,
    ServiceFrequency,
    ServiceStatus,
    SupportPlanStatus,
    SuspensionReason,
)
from casework.plans.support_models import ServiceSuspension, SupportPlan, SupportService

REFUSED_RECORD = "Only the case's workers and team managers can record its support plan."
REFUSED_ACTIVATE = (
    "Only the team managers and case managers of the organisation holding the case activate support plans."
)
REFUSED_ON_BEHALF = "Only the duty desk of the organisation holding this open case can act on it."
CLOSED = "This case is closed: raise a new case instead."
STALE_PLAN = stale_message("the support plan", did="changed", then="check it and try again")
STALE_SERVICE = stale_message("this service", did="changed", then="check it and try again")
TEXT_LENGTH = 10000
NOTE_LENGTH = 4000
NAME_LENGTH = 200
MAX_SERVICES = 30
MAX_UNITS = Decimal("999999.99")
MAX_UNIT_COST = Decimal("99999.99")


@dataclass(frozen=True)
class ServiceIn:
    """A service as the worker plans it. `reference` names a service of an earlier version it continues
    ("" for a new one). The provider is a directory service or an organisation, never both."""

    service_type: str
    frequency: str
    units: Decimal
    unit_cost: Decimal
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    provider_service_id: str | None = None
    provider_organisation_id: int | None = None
    reference: str = ""


def _gbp(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def _require_record(user: User, case: Case) -> None:
    require_perm(user, "plans.record_support_plan_case", case, REFUSED_RECORD if case.is_open else CLOSED)


def _require_service_change(user: User, case: Case, on_behalf_of: User | None) -> None:
    """Whoever records the plan changes its services; the duty desk (who may record contacts on the open case)
    does so for one of the case's workers who is away, named as `on_behalf_of`."""
    if on_behalf_of is None or on_behalf_of.pk == user.pk:
        _require_record(user, case)
        return
    require_perm(user, "contacts.record_contact_case", case, REFUSED_ON_BEHALF if case.is_open else CLOSED)
    if not has_perm(on_behalf_of, "plans.record_support_plan_case", case):
        raise DomainError("You can only act for one of the case's workers.")


def _text(value: str, name: str, *, required: bool = False, length: int = TEXT_LENGTH) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationFailed(f"Enter the {name.replace('_', ' ')}", field=name)
    if len(cleaned) > length:
        raise ValidationFailed(f"Use at most {length} characters", field=name)
    return cleaned


def _check_service(index: int, service: ServiceIn) -> None:
    where = f"services.{index}"
    if not service.service_type.strip() or len(service.service_type) > NAME_LENGTH:
        raise ValidationFailed(
            f"Enter the type of service in at most {NAME_LENGTH} characters",
            field=f"{where}.service_type",
        )
    if service.frequency not in ServiceFrequency.values:
        raise ValidationFailed("Choose how often the service is given", field=f"{where}.frequency")
    if not Decimal("0") < service.units <= MAX_UNITS:
        raise ValidationFailed(
            f"Enter the units, more than 0 and at most {MAX_UNITS}",
            field=f"{where}.units",
        )
    if not Decimal("0") <= service.unit_cost <= MAX_UNIT_COST:
        raise ValidationFailed(
            f"Enter the unit cost, from £0 to {_gbp(MAX_UNIT_COST)}",
            field=f"{where}.unit_cost",
        )
    if service.ends_on is not None and service.ends_on < service.starts_on:
        raise ValidationFailed(
            "The end date must be the same as or after the first day of the service", field=f"{where}.ends_on"
        )
    if (service.provider_service_id is None) == (service.provider_organisation_id is None):
        raise ValidationFailed(
            "Choose a provider: a directory service or an organisation, not both",
            field=f"{where}.provider",
        )
    if service.provider_service_id is not None:
        try:
            found = Service.objects.filter(pk=service.provider_service_id).exists()
        except (ValueError, ValidationError):  # not a UUID
            found = False
        if not found:
            raise ValidationFailed("No such directory service", field=f"{where}.provider_service_id")
    if (
        service.provider_organisation_id is not None
        and not Organisation.objects.filter(pk=service.provider_organisation_id).exists()
    ):
        raise ValidationFailed("No such organisation", field=f"{where}.provider_organisation_id")


def _cost(service: ServiceIn | SupportService) -> charges.ServiceCost:
    return charges.ServiceCost(
        frequency=service.frequency,
        units=service.units,
        unit_cost=service.unit_cost,
        starts_on=service.starts_on,
        ends_on=service.ends_on,
    )


def support_plan_save(
    *,
    user: User,
    case: Case,
    based_on: int | None,
    outcomes: str,
    needs: str,
    budget_management: str,
    services: Sequence[ServiceIn] = (),
    informal_support: str = "",
    community_assets: str = "",
    contingency: str = "",
) -> SupportPlan:
    """Save the plan as its next version, a draft (`based_on`: the latest version number read, None when there
    is none); a draft it replaces is superseded, and the active version stays active until the new one is
    activated. Its weekly and annual cost follow from its services. Audited as "plans.support_plan_saved".
    Raises PermissionRefused, ValidationFailed, ConflictError (somebody saved a version since)."""
    _require_record(user, case)
    fields: dict[str, Any] = {
        "outcomes": _text(outcomes, "outcomes", required=True),
        "needs": _text(needs, "needs", required=True),
        "informal_support": _text(informal_support, "informal_support"),
        "community_assets": _text(community_assets, "community_assets"),
        "contingency": _text(contingency, "contingency"),
    }
    if budget_management not in BudgetManagement.values:
        raise ValidationFailed("Choose how the budget is managed", field="budget_management")
    if len(services) > MAX_SERVICES:
        raise ValidationFailed(f"A plan has at most {MAX_SERVICES} services", field="services")
    for index, service in enumerate(services):
        _check_service(index, service)
    references = [s.reference for s in services if s.reference]
    if len(references) != len(set(references)):
        raise ValidationFailed("A service is listed twice", field="services")
    weekly, annual = charges.plan_costs(_cost(s) for s in services)
    with transaction.atomic():
        latest = SupportPlan.objects.select_for_update().filter(case=case).order_by("-number").first()
        if (latest.number if latest else None) != based_on:
            raise ConflictError(STALE_PLAN)
        draft = SupportPlan.objects.filter(case=case, status=SupportPlanStatus.DRAFT).first()
        if draft is not None:
            SupportPlan.objects.filter(pk=draft.pk).update(
                status=SupportPlanStatus.SUPERSEDED, superseded_at=clock.now()
            )
        try:
            with transaction.atomic():
                plan = SupportPlan.objects.create(
                    case=case,
                    number=(latest.number if latest else 0) + 1,
                    budget_management=budget_management,
                    weekly_cost=weekly,
                    annual_cost=annual,
                    created_by=user,
                    modified_by=user,
                    **fields,
                )
        except IntegrityError:  # somebody saved the same next version at the same moment
            raise ConflictError(STALE_PLAN) from None
        SupportService.objects.bulk_create(
            SupportService(
                plan=plan,
                reference=s.reference or secrets.token_hex(4),
                provider_service_id=s.provider_service_id,
                provider_organisation_id=s.provider_organisation_id,
                service_type=s.service_type.strip(),
                frequency=s.frequency,
                units=s.units,
                unit_cost=s.unit_cost,
                starts_on=s.starts_on,
                ends_on=s.ends_on,
                created_by=user,
                modified_by=user,
            )
            for s in services
        )
        no_surprise.financial_assessment_for_plan(user=user, case=case, plan=plan, services=services)
        audit_record(
            user=user,
            verb="plans.support_plan_saved",
            obj=plan,
            case_id=case.pk,
            person_id=case.person_id,
            changes=to_json_safe(
                {
                    "number": {"before": latest.number if latest else None, "after": plan.number},
                    "budget_management": {
                        "before": latest.budget_management if latest else None,
                        "after": budget_management,
                    },
                    "services": {"before": None, "after": len(services)},
                    "annual_cost": {"before": latest.annual_cost if latest else None, "after": annual},
                }
            ),
        )
    return plan


def _draft(plan: SupportPlan) -> None:
    if plan.status != SupportPlanStatus.DRAFT:
        raise DomainError("Only the draft of the support plan is signed off and activated.")


def support_plan_sign_worker(*, user: User, plan: SupportPlan, version: int) -> SupportPlan:
    """The worker signs off the draft. Audited as "plans.support_plan_signed_by_worker". Raises
    PermissionRefused, DomainError (not a draft, signed already), ConflictError."""
    case = plan.case
    _require_record(user, case)
    _draft(plan)
    if plan.worker_signed_at is not None:
        raise DomainError("The worker has signed this version already.")
    audited_write_if_version(
        user=user,
        obj=plan,
        version=version,
        fields={"worker_signed_at": clock.now(), "worker_signed_by": user},
        stale_message=STALE_PLAN,
        verb="plans.support_plan_signed_by_worker",
        case_id=case.pk,
        person_id=case.person_id,
        changes={"worker_signed_by": {"before": None, "after": user.pk}},
    )
    return plan


def support_plan_sign_person(
    *, user: User, plan: SupportPlan, version: int, signer: str, name: str = "", reason: str = ""
) -> SupportPlan:
    """Record the person's sign-off (`signer` "person" or "representative", with the name of who signed), or
    that they did not sign ("not_signed", with the reason why). Audited as
    "plans.support_plan_signed_by_person". Raises PermissionRefused, ValidationFailed, DomainError,
    ConflictError."""
    case = plan.case
    _require_record(user, case)
    _draft(plan)
    if plan.person_signed_at is not None:
        raise DomainError("The person's sign-off is recorded already for this version.")
    if signer not in PersonSigner.values:
        raise ValidationFailed("Choose who signed, or that nobody could", field="signer")
    name = _text(name, "name", length=NAME_LENGTH)
    reason = _text(reason, "reason", length=NOTE_LENGTH)
    if signer == PersonSigner.NOT_SIGNED and not reason:
        raise ValidationFailed("Give the reason the plan was not signed", field="reason")
    if signer != PersonSigner.NOT_SIGNED and not name:
        raise ValidationFailed("Enter the name of who signed", field="name")
    audited_write_if_version(
        user=user,
        obj=plan,
        version=version,
        fields={
            "person_signer": signer,
            "person_signer_name": name if signer != PersonSigner.NOT_SIGNED else "",
            "person_not_signed_reason": reason if signer == PersonSigner.NOT_SIGNED else "",
            "person_signed_at": clock.now(),
        },
        stale_message=STALE_PLAN,
        verb="plans.support_plan_signed_by_person",
        case_id=case.pk,
        person_id=case.person_id,
        changes={"person_signer": {"before": None, "after": signer}},
        reason=reason,
    )
    return plan


def support_plan_activate(*, user: User, plan: SupportPlan, version: int) -> SupportPlan:
    """Activate the signed draft: only within the activator's approval limit (the organisation's budget
    approval limits). The active version it replaces is superseded; its services' state and suspensions
    carry on in the services of the same reference. Audited as "plans.support_plan_activated" with who, their
    role and limit, and the annual cost. A chargeable service new in this version starts only when an estimate
    letter went to the person on or before its first day (no surprise bills). Raises PermissionRefused,
    DomainError (not signed, over the limit, no estimate letter), ConflictError."""
    case = plan.case
    require_perm(user, "plans.activate_support_plan_case", case, REFUSED_ACTIVATE if case.is_open else CLOSED)
    _draft(plan)
    if not plan.is_signed:
        raise DomainError(
            "The plan must be signed off by the worker and by the person or their representative (or the "
            "reason they did not sign recorded) before it is activated."
        )
    level = approval_limit_for(user=user, organisation_id=holding_organisation_id(case))
    if level is None:
        raise DomainError("You hold no role with an approval limit: ask your organisation admin.")
    if not level.covers(plan.annual_cost):
        raise DomainError(
            f"{_gbp(plan.annual_cost)} a year is over your approval limit of "
            f"{_gbp(level.annual_limit or Decimal())} as {role_name(level.role)}: ask someone whose limit "
            "covers it to activate the plan."
        )
    now = clock.now()
    with transaction.atomic():
        before = (
            SupportPlan.objects.select_for_update()
            .filter(case=case, status=SupportPlanStatus.ACTIVE)
            .prefetch_related("services__suspensions")
            .first()
        )
        no_surprise.require_estimate_sent(case=case, plan=plan, before=before)
        if before is not None:
            SupportPlan.objects.filter(pk=before.pk).update(
                status=SupportPlanStatus.SUPERSEDED, superseded_at=now
            )
        audited_write_if_version(
            user=user,
            obj=plan,
            version=version,
            fields={
                "status": SupportPlanStatus.ACTIVE,
                "activated_at": now,
                "activated_by": user,
                "activator_role": level.role,
                "activator_limit": level.annual_limit,
            },
            stale_message=STALE_PLAN,
            verb="plans.support_plan_activated",
            case_id=case.pk,
            person_id=case.person_id,
            changes=to_json_safe(
                {
                    "status": {"before": SupportPlanStatus.DRAFT, "after": SupportPlanStatus.ACTIVE},
                    "annual_cost": {"before": None, "after": plan.annual_cost},
                    "activator_role": {"before": None, "after": level.role},
                    "activator_limit": {"before": None, "after": level.annual_limit},
                    "replaces": {"before": None, "after": before.number if before else None},
                }
            ),
        )
        _carry_services(plan, before)
    return plan


def _carry_services(plan: SupportPlan, before: SupportPlan | None) -> None:
    """The new version's services run; one continuing a service of the version before takes its state and
    its suspensions (copied: the old version's stay as they were)."""
    old = {s.reference: s for s in before.services.all()} if before is not None else {}
    SupportService.objects.filter(plan=plan).update(status=ServiceStatus.RUNNING)
    for service in SupportService.objects.filter(plan=plan, reference__in=list(old)):
        continued = old[service.reference]
        SupportService.objects.filter(pk=service.pk).update(status=continued.status)
        ServiceSuspension.objects.bulk_create(
            ServiceSuspension(
                service=service,
                reason=s.reason,
                note=s.note,
                starts_on=s.starts_on,
                ends_on=s.ends_on,
                on_behalf_of_id=s.on_behalf_of_id,
                created_by_id=s.created_by_id,
                modified_by_id=s.modified_by_id,
            )
            for s in continued.suspensions.all()
        )


def _running(service: SupportService) -> Case:
    plan = service.plan
    if plan.status != SupportPlanStatus.ACTIVE:
        raise DomainError("Only the services of the active support plan are suspended and restarted.")
    return plan.case


def support_service_suspend(
    *,
    user: User,
    service: SupportService,
    version: int,
    reason: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    note: str = "",
    on_behalf_of: User | None = None,
) -> ServiceSuspension:
    """Suspend a running service from `starts_on` (a hospital admission; respite agreed in the plan, with its
    last day `ends_on`); nothing is charged for the suspended days. Without `ends_on` the service is suspended
    until it is restarted. `on_behalf_of`: the case's worker the duty desk acts for. Audited as
    "plans.support_service_suspended". Raises PermissionRefused, ValidationFailed, DomainError (not running),
    ConflictError."""
    case = _running(service)
    _require_service_change(user, case, on_behalf_of)
    if service.status != ServiceStatus.RUNNING:
        raise DomainError("Only a running service is suspended.")
    if reason not in SuspensionReason.values:
        raise ValidationFailed("Choose why the service is suspended", field="reason")
    note = _text(note, "note", length=NOTE_LENGTH)
    if reason == SuspensionReason.OTHER and not note:
        raise ValidationFailed("Say why the service is suspended", field="note")
    if starts_on < service.starts_on or (service.ends_on and starts_on > service.ends_on):
        raise ValidationFailed("The suspension must start while the service runs", field="starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed("The last day must be the same as or after the first day", field="ends_on")
    if ServiceSuspension.objects.filter(service=service, ends_on__gte=starts_on).exists():
        raise ValidationFailed("The service is already suspended then", field="starts_on")
    # A suspension with its last day known (respite) leaves the service running around it.
    status = ServiceStatus.SUSPENDED if ends_on is None else ServiceStatus.RUNNING
    with transaction.atomic():
        audited_write_if_version(
            user=user,
            obj=service,
            version=version,
            fields={"status": status},
            stale_message=STALE_SERVICE,
            verb="plans.support_service_suspended",
            case_id=case.pk,
            person_id=case.person_id,
            extra_changes=to_json_safe(
                {
                    "suspended_from": {"before": None, "after": starts_on},
                    "suspended_to": {"before": None, "after": ends_on},
                    "reason": {"before": None, "after": reason},
                    "on_behalf_of": {"before": None, "after": on_behalf_of.pk if on_behalf_of else None},
                }
            ),
            reason=note,
        )
        return ServiceSuspension.objects.create(
            service=service,
            reason=reason,
            note=note,
            starts_on=starts_on,
            ends_on=ends_on,
            on_behalf_of=on_behalf_of,
            created_by=user,
            modified_by=user,
        )


def support_service_restart(
    *,
    user: User,
    service: SupportService,
    version: int,
    restarts_on: datetime.date,
    note: str = "",
    on_behalf_of: User | None = None,
) -> SupportService:
    """Restart a suspended service on `restarts_on` (a discharge from hospital): the suspension ends the day
    before. `on_behalf_of`: the case's worker the duty desk acts for. Audited as
    "plans.support_service_restarted". Raises PermissionRefused, ValidationFailed, DomainError (not
    suspended), ConflictError."""
    case = _running(service)
    _require_service_change(user, case, on_behalf_of)
    open_ = ServiceSuspension.objects.filter(service=service, ends_on__isnull=True).first()
    if service.status != ServiceStatus.SUSPENDED or open_ is None:
        raise DomainError("Only a suspended service is restarted.")
    if restarts_on <= open_.starts_on:
        raise ValidationFailed(
            "The service restarts on a day after the first day it was suspended", field="restarts_on"
        )
    note = _text(note, "note", length=NOTE_LENGTH)
    with transaction.atomic():
        audited_write_if_version(
            user=user,
            obj=service,
            version=version,
            fields={"status": ServiceStatus.RUNNING},
            stale_message=STALE_SERVICE,
            verb="plans.support_service_restarted",
            case_id=case.pk,
            person_id=case.person_id,
            extra_changes=to_json_safe(
                {
                    "restarts_on": {"before": None, "after": restarts_on},
                    "on_behalf_of": {"before": None, "after": on_behalf_of.pk if on_behalf_of else None},
                }
            ),
            reason=note,
        )
        ServiceSuspension.objects.filter(pk=open_.pk).update(
            ends_on=restarts_on - datetime.timedelta(days=1), modified_by=user, modified_at=clock.now()
        )
    return service


def support_service_charge(
    *, service: SupportService, starts_on: datetime.date, ends_on: datetime.date
) -> Decimal:
    """What the service costs from `starts_on` to `ends_on`, nothing on its suspended days."""
    return charges.service_charge(
        _cost(service),
        [charges.Period(s.starts_on, s.ends_on) for s in service.suspensions.all()],
        starts_on=starts_on,
        ends_on=ends_on,
    )
