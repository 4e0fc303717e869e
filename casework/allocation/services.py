"""Allocation: choosing the responsible organisation by the lead's rules, and assigning workers within it."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any, cast

from django.db import transaction
from django.db.models import Q

from casework.accounts.models import Organisation, User
from casework.accounts.selectors import actor_for
from casework.allocation.models import AllocationPolicy, AllocationRule, NamedArea
from casework.allocation.rules import (
    CaseFacts,
    Decision,
    ExistingRelationship,
    OrganisationFacts,
    RuleFacts,
    choose_organisation,
)
from casework.audit.services import audit_record
from casework.cases.choices import OPEN_STATUSES, AssignmentRole, CaseStage, CaseStatus
from casework.cases.models import Case
from casework.cases.services import (
    case_assignment_start,
    case_assignments_end,
    case_stage_complete,
    case_stage_start,
    case_update,
)
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.tasks.services import tasks_hand_over_for_transfer
from casework.waiting_list.choices import ALLOCATION_LISTS, ExitReason
from casework.waiting_list.services import waiting_list_exit_for_case, waiting_list_hand_over


class AllocationContext:
    """The rules, organisations and fallback of one initiative, loaded once for any number of cases."""

    def __init__(self, initiative_id: int):
        self.initiative_id = initiative_id
        policy = AllocationPolicy.objects.filter(initiative_id=initiative_id).first()
        if policy is None:
            raise DomainError("Set a fallback organisation for the initiative before allocating cases.")
        self.fallback_id = policy.fallback_organisation_id
        named = {
            a.name: frozenset(a.postcode_districts)
            for a in NamedArea.objects.filter(initiative_id=initiative_id)
        }
        self.organisations = {
            org.pk: OrganisationFacts(
                id=org.pk,
                name=org.name,
                districts=_expand(org.areas, named),
                capabilities=frozenset(org.capabilities),
                is_responsible="responsible" in org.kinds,
            )
            for org in Organisation.objects.filter(initiative_id=initiative_id)
        }
        self.rules = [
            RuleFacts(
                id=rule.pk,
                position=rule.position,
                name=rule.name,
                risk_category_ids=frozenset(c.pk for c in rule.risk_categories.all()),
                risk_category_labels=tuple(c.label for c in rule.risk_categories.all()),
                districts=_expand(rule.areas, named),
                area_labels=tuple(rule.areas),
                required_capabilities=frozenset(rule.required_capabilities),
                use_existing_relationship=rule.use_existing_relationship,
                organisation_id=rule.organisation_id,
            )
            for rule in AllocationRule.objects.filter(initiative_id=initiative_id, is_active=True)
            .prefetch_related("risk_categories")
            .order_by("position", "id")
        ]
        self.recent_days = {
            r.pk: r.recent_days for r in AllocationRule.objects.filter(initiative_id=initiative_id)
        }

    def facts_for(self, case: Case) -> CaseFacts:
        subject = Q(person_id=case.person_id) if case.person_id else Q(household_id=case.household_id)
        recent = clock.now() - datetime.timedelta(days=max(self.recent_days.values(), default=365))
        others = (
            Case.objects.filter(subject)
            .exclude(pk=case.pk)
            .filter(responsible_organisation__isnull=False)
            .filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=recent))
            .select_related("primary_worker")
            .order_by("-raised_at")
        )
        existing_worker = None
        relationships = []
        for other in others:
            # Filtered on a responsible organisation; the worker was read with the case (None if its id is).
            responsible_id = cast(int, other.responsible_organisation_id)
            if other.primary_worker is not None and other.status in OPEN_STATUSES and existing_worker is None:
                existing_worker = ExistingRelationship(
                    responsible_id,
                    f"worker, {other.primary_worker.display_name}, on case {other.reference}",
                )
            state = "open" if other.status in OPEN_STATUSES else "recent"
            relationships.append(ExistingRelationship(responsible_id, f"{state} case {other.reference}"))
        return CaseFacts(
            risk_category_id=case.risk_category_id,
            risk_category_label=case.risk_category.label if case.risk_category is not None else "none",
            district=case.area,
            existing_worker=existing_worker,
            relationships=tuple(relationships),
        )

    def decide(self, case: Case) -> Decision:
        return choose_organisation(self.facts_for(case), self.rules, self.organisations, self.fallback_id)


def _expand(areas: Iterable[str], named: dict[str, frozenset[str]]) -> frozenset[str]:
    districts: set[str] = set()
    for area in areas:
        districts |= named.get(area, {area.strip().upper()})
    return frozenset(districts)


def _allocate_with(context: AllocationContext, *, user: User, case: Case, version: int | None) -> Decision:
    decision = context.decide(case)
    now = clock.now()
    with transaction.atomic():
        if case.stage == CaseStage.INTAKE:
            case_stage_complete(case=case, stage=CaseStage.INTAKE, user=user, at=now)
            case_stage_start(case=case, stage=CaseStage.AWAITING_ALLOCATION, user=user, at=now)
        case_update(
            user=user,
            case=case,
            version=version,
            verb="cases.case_allocated",
            fields={
                "responsible_organisation_id": decision.organisation_id,
                "allocation_rule_id": decision.rule_id,
                "allocation_explanation": decision.explanation,
                "allocated_team_id": None,
                "stage": CaseStage.AWAITING_ALLOCATION,
            },
            reason=decision.explanation,
        )
    return decision


def case_allocate(*, user: User, case: Case, version: int | None = None) -> Decision:
    """Apply the initiative's allocation rules to one case and record which rule matched and why."""
    require_perm(
        user,
        "allocation.allocate_case",
        case,
        "Only the lead organisation's initiative admins allocate cases.",
    )
    return _allocate_with(AllocationContext(case.initiative_id), user=user, case=case, version=version)


def cases_allocate_unallocated(
    *, user: User, initiative_id: int, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Allocate every open case of the initiative that has no responsible organisation yet.

    Each case commits on its own, so a conflict on one does not undo the others. Returns counts.
    """
    require_perm(
        user,
        "allocation.manage_allocation_rules",
        initiative_id,
        "Only the lead organisation's initiative admins allocate cases.",
    )
    context = AllocationContext(initiative_id)
    counts = {"allocated": 0, "skipped": 0}
    pending = (
        Case.objects.filter(
            initiative_id=initiative_id,
            responsible_organisation__isnull=True,
            status__in=OPEN_STATUSES,
            primary_worker__isnull=True,
        )
        .select_related("risk_category")
        .order_by("raised_at", "id")
    )
    for case in pending.iterator(chunk_size=500):
        try:
            _allocate_with(context, user=user, case=case, version=case.version)
            counts["allocated"] += 1
        except DomainError:
            counts["skipped"] += 1
        if progress:
            progress(counts["allocated"] + counts["skipped"])
    return counts


def cases_allocate_new(*, user: User, initiative_id: int, cases: Iterable[Case]) -> dict[str, int]:
    """Route cases just raised from the risk index by the initiative's allocation rules (each decision
    recorded on its case, as case_allocate does). Held by those who raise index cases; a case that cannot
    be routed stays unallocated for the initiative admin. Returns counts."""
    require_perm(
        user,
        "cases.raise_index_case",
        initiative_id,
        "Only the lead organisation's initiative admins and risk analysts raise cases from the risk index.",
    )
    context = AllocationContext(initiative_id)
    counts = {"allocated": 0, "skipped": 0}
    for case in cases:
        if case.initiative_id != initiative_id:
            raise ValidationFailed("A case belongs to another initiative", field="case")
        try:
            _allocate_with(context, user=user, case=case, version=case.version)
            counts["allocated"] += 1
        except DomainError:
            counts["skipped"] += 1
    return counts


def _check_member(case: Case, worker: User) -> None:
    if case.responsible_organisation_id not in actor_for(worker).casework_organisation_ids or not (
        actor_for(worker).editing_organisation_ids
    ):
        raise ValidationFailed(
            "Only practitioners of the responsible organisation can be assigned", field="worker"
        )


def _worker_team_id(worker: User, organisation_id: int | None) -> int | None:
    return (
        worker.memberships.filter(  # type: ignore[misc]  # no organisation: no membership matches
            organisation_id=organisation_id, is_active=True, team__isnull=False
        )
        .values_list("team_id", flat=True)
        .first()
    )


def _make_primary(
    *, user: User, case: Case, worker: User, version: int | None, verb: str, reason: str = ""
) -> Case:
    now = clock.now()
    fields: dict[str, Any] = {
        "primary_worker_id": worker.pk,
        "allocated_team_id": _worker_team_id(worker, case.responsible_organisation_id)
        or case.allocated_team_id,
    }
    with transaction.atomic():
        case_assignments_end(
            user=user, case=case, at=now, reason=reason or "Reassigned", role=AssignmentRole.PRIMARY
        )
        # A secondary worker who becomes primary stops being secondary.
        case_assignments_end(user=user, case=case, at=now, reason="Became primary worker", worker=worker)
        case_assignment_start(user=user, case=case, worker=worker, role=AssignmentRole.PRIMARY, at=now)
        if case.status == CaseStatus.PLANNED:
            case_stage_complete(case=case, stage=CaseStage.AWAITING_ALLOCATION, user=user, at=now)
            case_stage_start(case=case, stage=CaseStage.CONTACT, user=user, at=now)
            fields |= {"status": CaseStatus.ACTIVE, "stage": CaseStage.CONTACT, "allocated_at": now}
            waiting_list_exit_for_case(
                user=user, case=case, reason=ExitReason.ALLOCATED, list_kinds=ALLOCATION_LISTS
            )
        case_update(user=user, case=case, version=version, fields=fields, verb=verb, reason=reason)
    case.__dict__.pop("_assignment_roles", None)
    return case


def case_accept(*, user: User, case: Case, version: int | None = None) -> Case:
    """A practitioner takes an unallocated case from the team worklist: they become its primary worker."""
    require_perm(
        user, "allocation.accept_case", case, "This case is not waiting to be accepted by your organisation."
    )
    return _make_primary(user=user, case=case, worker=user, version=version, verb="cases.case_accepted")


def case_assign_worker(*, user: User, case: Case, worker: User, version: int | None = None) -> Case:
    """A team manager assigns an unallocated case to a practitioner of the responsible organisation."""
    require_perm(
        user,
        "allocation.assign_case",
        case,
        "Only team managers of the responsible organisation assign cases.",
    )
    if case.primary_worker_id is not None:
        raise DomainError("This case already has a worker: reassign it instead, with a reason.")
    if case.stage != CaseStage.AWAITING_ALLOCATION:
        raise DomainError("Only cases that have cleared intake and await allocation can be assigned.")
    _check_member(case, worker)
    return _make_primary(user=user, case=case, worker=worker, version=version, verb="cases.worker_assigned")


def case_reassign_worker(
    *, user: User, case: Case, worker: User, reason: str, version: int | None = None
) -> Case:
    """Give the case a new primary worker; the previous one loses editing access, the history stays."""
    require_perm(
        user, "allocation.assign_case", case, "Only team managers of the responsible organisation reassign."
    )
    if case.primary_worker_id is None:
        raise DomainError("This case has no worker yet: assign it instead.")
    if case.primary_worker_id == worker.pk:
        raise ValidationFailed(f"{worker.display_name} is already the primary worker", field="worker")
    if not reason.strip():
        raise ValidationFailed("Enter the reason for reassigning the case", field="reason")
    _check_member(case, worker)
    return _make_primary(
        user=user,
        case=case,
        worker=worker,
        version=version,
        verb="cases.worker_reassigned",
        reason=reason.strip(),
    )


def case_transfer(
    *, user: User, case: Case, organisation: Organisation, reason: str, version: int | None = None
) -> Case:
    """Change the responsible organisation (the lead) or hand the case over (the current one), with a reason.

    The case returns to the new organisation's worklist: workers and team are cleared, their history stays.
    """
    require_perm(
        user,
        "allocation.transfer_case",
        case,
        "Only the lead organisation or the responsible organisation's team managers can do this.",
    )
    if organisation.initiative_id != case.initiative_id or "responsible" not in organisation.kinds:
        raise ValidationFailed("Choose a responsible organisation of this initiative", field="organisation")
    if organisation.pk == case.responsible_organisation_id:
        raise ValidationFailed("The case is already with that organisation", field="organisation")
    if not reason.strip():
        raise ValidationFailed("Enter the reason for the change", field="reason")
    now = clock.now()
    from_organisation_id = case.responsible_organisation_id
    fields = {
        "responsible_organisation_id": organisation.pk,
        "allocated_team_id": None,
        "primary_worker_id": None,
        "allocation_rule_id": None,
        "allocation_explanation": f"Transferred from another organisation: {reason.strip()}",
    }
    with transaction.atomic():
        case_assignments_end(user=user, case=case, at=now, reason="Case transferred to another organisation")
        if case.status != CaseStatus.PLANNED:
            # Back to the new organisation's worklist; the work done so far stays on the record.
            fields |= {"status": CaseStatus.PLANNED, "stage": CaseStage.AWAITING_ALLOCATION}
            case_stage_start(case=case, stage=CaseStage.AWAITING_ALLOCATION, user=user, at=now)
        case_update(
            user=user,
            case=case,
            version=version,
            fields=fields,
            verb="cases.responsibility_transferred",
            reason=reason.strip(),
        )
        tasks_hand_over_for_transfer(
            user=user,
            case=case,
            # allocation.transfer_case refuses a case with no responsible organisation.
            from_organisation_id=cast(int, from_organisation_id),
            to_organisation=organisation,
        )
        waiting_list_hand_over(user=user, case=case, to_organisation_id=organisation.pk)
    case.__dict__.pop("_assignment_roles", None)
    return case


# The rules themselves, kept by the lead organisation's initiative admins.


def _require_rules_admin(user: User, initiative_id: int) -> None:
    require_perm(
        user,
        "allocation.manage_allocation_rules",
        initiative_id,
        "Only the lead organisation's initiative admins keep the allocation rules.",
    )


def allocation_rule_save(
    *,
    user: User,
    initiative_id: int,
    data: dict[str, Any],
    rule: AllocationRule | None = None,
    version: int | None = None,
) -> AllocationRule:
    """Create or change a rule. Needs a target organisation, or capabilities to choose one, or
    relationships."""
    _require_rules_admin(user, initiative_id)
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationFailed("Enter a name for the rule", field="name")
    organisation = data.get("organisation")
    if organisation is not None and organisation.initiative_id != initiative_id:
        raise ValidationFailed("Choose an organisation of this initiative", field="organisation")
    if not (
        organisation
        or data.get("required_capabilities")
        or data.get("use_existing_relationship")
        or data.get("areas")
    ):
        raise ValidationFailed(
            "Choose an organisation, or the area or capabilities that pick one", field="organisation"
        )
    areas = [
        a.strip().upper() if len(a.strip()) <= 4 else a.strip() for a in data.get("areas", []) if a.strip()
    ]
    fields = {
        "name": name,
        "areas": areas,
        "required_capabilities": list(data.get("required_capabilities", [])),
        "use_existing_relationship": bool(data.get("use_existing_relationship")),
        "recent_days": data.get("recent_days") or 365,
        "organisation": organisation,
        "is_active": data.get("is_active", True),
    }
    with transaction.atomic():
        if rule is None:
            position = (
                AllocationRule.objects.filter(initiative_id=initiative_id)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
                or 0
            ) + 1
            rule = AllocationRule.objects.create(
                initiative_id=initiative_id, position=position, created_by=user, modified_by=user, **fields
            )
            verb = "allocation.rule_created"
        else:
            updated = AllocationRule.objects.filter(pk=rule.pk, version=version or rule.version).update(
                **fields, version=(version or rule.version) + 1, modified_by=user, modified_at=clock.now()
            )
            if not updated:
                raise ConflictError(stale_message("this rule"))
            rule.refresh_from_db()
            verb = "allocation.rule_changed"
        rule.risk_categories.set(data.get("risk_categories", []))
        audit_record(
            user=user,
            verb=verb,
            obj=rule,
            changes={
                "rule": {
                    "before": None,
                    "after": {
                        **fields,
                        "organisation": organisation.pk if organisation else None,
                        "risk_categories": [c.pk for c in data.get("risk_categories", [])],
                    },
                }
            },
        )
    return rule


def allocation_rule_move(*, user: User, rule: AllocationRule, direction: int) -> None:
    """Swap a rule with its neighbour above (-1) or below (+1)."""
    _require_rules_admin(user, rule.initiative_id)
    rules = list(AllocationRule.objects.filter(initiative_id=rule.initiative_id).order_by("position", "id"))
    index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
    other = index + direction
    if not 0 <= other < len(rules):
        return
    rules[index], rules[other] = rules[other], rules[index]
    with transaction.atomic():
        for position, r in enumerate(rules, start=1):
            AllocationRule.objects.filter(pk=r.pk).update(position=position)
        audit_record(
            user=user,
            verb="allocation.rules_reordered",
            obj=rule,
            changes={"order": {"before": None, "after": [r.pk for r in rules]}},
        )


def allocation_policy_set_fallback(
    *, user: User, initiative_id: int, organisation: Organisation
) -> AllocationPolicy:
    _require_rules_admin(user, initiative_id)
    if organisation.initiative_id != initiative_id or "responsible" not in organisation.kinds:
        raise ValidationFailed("Choose a responsible organisation of this initiative", field="organisation")
    with transaction.atomic():
        policy, created = AllocationPolicy.objects.get_or_create(
            initiative_id=initiative_id, defaults={"fallback_organisation": organisation, "created_by": user}
        )
        before = None if created else policy.fallback_organisation_id
        if not created:
            AllocationPolicy.objects.filter(pk=policy.pk).update(
                fallback_organisation=organisation, version=policy.version + 1
            )
        audit_record(
            user=user,
            verb="allocation.fallback_set",
            obj=policy,
            changes={"fallback_organisation": {"before": before, "after": organisation.pk}},
        )
    policy.refresh_from_db()
    return policy
