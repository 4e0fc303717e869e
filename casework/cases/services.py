"""Writes to cases: raise, move between stages and statuses, restart, workers, notes. Atomic and audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction

from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.cases import lifecycle
from casework.cases.choices import OPEN_STATUSES, AssignmentRole, CaseOrigin, CaseStage, CaseStatus, Priority
from casework.cases.errors import LifecycleRefused
from casework.cases.gates import stage_gates_check
from casework.cases.models import Case, CaseAssignment, CaseNote, RiskCategory, StageProgress
from casework.cases.policies import holding_organisation_id
from casework.cases.selectors import case_progress
from casework.core import clock
from casework.core.errors import DomainError, PermissionRefused, ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.core.references import next_reference
from casework.people.identifiers import postcode_district
from casework.people.models import Household, Person

STALE = stale_message("this case", then="check the case and try again")


def case_update(
    *,
    user: User,
    case: Case,
    version: int | None,
    fields: dict[str, Any],
    verb: str,
    reason: str = "",
    extra_changes: dict[str, Any] | None = None,
) -> Case:
    """Write `fields` to the case if it is still at `version`, bump the version and audit the change.

    Raises ConflictError when someone else changed the case first. Call inside a transaction.
    """
    # Foreign keys are given by attname (responsible_organisation_id), so before and after are both ids.
    changes = case.write_if_version(
        version=case.version if version is None else version, fields=fields, user=user, stale_message=STALE
    )
    audit_record(
        user=user,
        verb=verb,
        obj=case,
        case_id=case.pk,
        person_id=case.person_id,
        changes=to_json_safe({**changes, **(extra_changes or {})}),
        reason=reason,
    )
    return case


def case_stage_start(*, case: Case, stage: str, user: User, at: datetime.datetime) -> StageProgress:
    progress = StageProgress.objects.filter(case=case, stage=stage, reset_at__isnull=True).first()
    if progress is None:
        progress = StageProgress.objects.create(case=case, stage=stage, started_at=at, started_by=user)
    return progress


def case_stage_complete(*, case: Case, stage: str, user: User, at: datetime.datetime) -> None:
    case_stage_start(case=case, stage=stage, user=user, at=at)
    StageProgress.objects.filter(
        case=case, stage=stage, reset_at__isnull=True, completed_at__isnull=True
    ).update(completed_at=at, completed_by=user)


def _acting_organisation_id(user: User) -> int:
    actor = actor_for(user)
    if actor.primary_organisation_id in actor.editing_organisation_ids:
        return actor.primary_organisation_id
    if actor.editing_organisation_ids:
        return min(actor.editing_organisation_ids)
    raise PermissionRefused("You need a casework role to raise cases.")


def case_raise(
    *,
    user: User,
    person: Person | None = None,
    household: Household | None = None,
    origin: str,
    risk_category: RiskCategory | None = None,
    priority: str = Priority.NORMAL,
    summary: str = "",
    responsible_now: bool = False,
) -> Case:
    """Raise a case about a person or a household, planned and at intake.

    With `responsible_now` (a person contacting us, a concern we take on), the raising organisation becomes
    responsible and the case goes straight to the team worklist. Audited as "cases.case_raised".
    """
    require_perm(user, "cases.raise_case")
    if (person is None) == (household is None):
        raise ValidationFailed("A case is about one person or one household", field="person")
    if origin not in CaseOrigin.values:
        raise ValidationFailed("Select where the case came from", field="origin")
    if priority not in Priority.values:
        raise ValidationFailed("Select a priority", field="priority")
    subject = cast("Person | Household", person or household)  # one of them, checked above
    if risk_category is not None and risk_category.initiative_id != subject.initiative_id:
        raise ValidationFailed("That risk category belongs to another initiative", field="risk_category")
    return _case_create(
        user=user,
        person=person,
        household=household,
        subject=subject,
        organisation_id=_acting_organisation_id(user),
        origin=origin,
        risk_category=risk_category,
        priority=priority,
        summary=summary,
        responsible_now=responsible_now,
    )


def _case_create(
    *,
    user: User,
    person: Person | None,
    household: Household | None,
    subject: Person | Household,
    organisation_id: int,
    origin: str,
    risk_category: RiskCategory | None,
    priority: str,
    summary: str,
    responsible_now: bool,
) -> Case:
    now = clock.now()
    with transaction.atomic():
        case = Case.objects.create(
            reference=next_reference(name="case", prefix="CW"),
            initiative_id=subject.initiative_id,
            person=person,
            household=household,
            raised_by_organisation_id=organisation_id,
            origin=origin,
            risk_category=risk_category,
            priority=priority,
            summary=summary.strip(),
            status=CaseStatus.PLANNED,
            stage=CaseStage.AWAITING_ALLOCATION if responsible_now else CaseStage.INTAKE,
            area=postcode_district(subject.postcode),
            raised_at=now,
            responsible_organisation_id=organisation_id if responsible_now else None,
            created_by=user,
            modified_by=user,
        )
        case_stage_start(case=case, stage=CaseStage.INTAKE, user=user, at=now)
        if responsible_now:
            case_stage_complete(case=case, stage=CaseStage.INTAKE, user=user, at=now)
            case_stage_start(case=case, stage=CaseStage.AWAITING_ALLOCATION, user=user, at=now)
            case.allocation_explanation = "The organisation the person contacted became responsible (SAVVI)."
            Case.objects.filter(pk=case.pk).update(allocation_explanation=case.allocation_explanation)
        audit_record(
            user=user,
            verb="cases.case_raised",
            obj=case,
            case_id=case.pk,
            person_id=case.person_id,
            changes=to_json_safe(
                {
                    "reference": {"before": None, "after": case.reference},
                    "origin": {"before": None, "after": origin},
                    "priority": {"before": None, "after": priority},
                    "risk_category": {"before": None, "after": risk_category.pk if risk_category else None},
                    "responsible_organisation": {"before": None, "after": case.responsible_organisation_id},
                }
            ),
        )
    return case


@dataclass(frozen=True)
class IndexEntry:
    """A person the risk index (the cohort) puts in a category."""

    person: Person
    risk_category: RiskCategory


def cases_raise_from_index(
    *, user: User, initiative_id: int, raised_by_organisation_id: int, entries: Iterable[IndexEntry]
) -> dict[int, Case | None]:
    """Raise a case with origin risk index and its category for each person, at intake (the caller routes
    them by the allocation rules). A person with an open case is not given a second one.

    Returns {person id: the new case, or None where they had an open case}. Raises PermissionRefused
    (nothing made) unless the user may raise index cases for the initiative."""
    require_perm(
        user,
        "cases.raise_index_case",
        initiative_id,
        "Only the lead organisation's initiative admins and risk analysts raise cases from the risk index.",
    )
    entries = list(entries)
    if any(
        e.person.initiative_id != initiative_id or e.risk_category.initiative_id != initiative_id
        for e in entries
    ):
        raise ValidationFailed("A person or category belongs to another initiative", field="person")
    with transaction.atomic():
        open_ids = set(
            Case.objects.filter(
                person_id__in=[e.person.pk for e in entries], status__in=OPEN_STATUSES
            ).values_list("person_id", flat=True)
        )
        made: dict[int, Case | None] = {}
        for entry in entries:
            if entry.person.pk in open_ids or entry.person.pk in made:
                made.setdefault(entry.person.pk, None)
                continue
            made[entry.person.pk] = _case_create(
                user=user,
                person=entry.person,
                household=None,
                subject=entry.person,
                organisation_id=raised_by_organisation_id,
                origin=CaseOrigin.RISK_INDEX,
                risk_category=entry.risk_category,
                priority=Priority.NORMAL,
                summary=f"From the risk index: {entry.risk_category.label}",
                responsible_now=False,
            )
    return made


def _require_work(user: User, case: Case) -> None:
    require_perm(
        user,
        "cases.work_case",
        case,
        "Only the case's workers and team managers can change it."
        if case.is_open
        else "This case is closed: raise a new case instead.",
    )


def case_move_stage(
    *,
    user: User,
    case: Case,
    stage: str,
    version: int | None = None,
    note: str = "",
    acknowledged: Iterable[str] = (),
) -> Case:
    """Move the case on to a later stage, or back to an earlier one to amend it (later progress is kept).

    A forward move runs the target stage's gates (cases/gates.py); the warnings acknowledged by code are
    recorded in the "cases.stage_moved" audit event. Raises LifecycleRefused with the reason when the move is
    not in the lifecycle table or a gate blocks it, and WarningsNotAcknowledged for warnings not in
    `acknowledged`.
    """
    _require_work(user, case)
    if stage not in CaseStage.values:
        raise ValidationFailed("Select a stage", field="stage")

    completed, visited = case_progress(case=case)
    problem = lifecycle.stage_move_problem(
        case.stage, stage, status=case.status, completed=completed, visited=visited
    )
    if problem:
        raise LifecycleRefused(problem, field="stage")
    going_back = lifecycle.stage_index(stage) < lifecycle.stage_index(case.stage)
    warnings = [] if going_back else stage_gates_check(case=case, stage=stage, acknowledged=acknowledged)
    extra = (
        {"warnings_acknowledged": {"before": None, "after": [warning.as_dict() for warning in warnings]}}
        if warnings
        else None
    )
    now = clock.now()
    with transaction.atomic():
        previous = case.stage
        if not going_back:
            case_stage_complete(case=case, stage=previous, user=user, at=now)
        case_stage_start(case=case, stage=stage, user=user, at=now)
        case_update(
            user=user,
            case=case,
            version=version,
            fields={"stage": stage},
            verb="cases.stage_went_back" if going_back else "cases.stage_moved",
            reason=note,
            extra_changes=extra,
        )
        if note.strip():
            CaseNote.objects.create(
                case=case, stage=stage, text=note.strip(), created_by=user, modified_by=user
            )
    return case


def case_restart_from(*, user: User, case: Case, stage: str, reason: str, version: int | None = None) -> Case:
    """Restart the work from a stage: that stage's and every later stage's progress is reset, not deleted."""
    _require_work(user, case)
    if not reason or not reason.strip():
        raise ValidationFailed("Enter why the case must restart from this stage", field="reason")
    if case.status != CaseStatus.ACTIVE:
        raise LifecycleRefused("Only an active case can restart from a stage.", field="stage")
    problem = lifecycle.restart_problem(case.stage, stage)
    if problem:
        raise LifecycleRefused(problem, field="stage")
    now = clock.now()
    later = lifecycle.STAGE_ORDER[lifecycle.stage_index(stage) :]
    with transaction.atomic():
        reset = StageProgress.objects.filter(case=case, stage__in=later, reset_at__isnull=True).update(
            reset_at=now, reset_by=user, reset_reason=reason.strip()
        )
        case_stage_start(case=case, stage=stage, user=user, at=now)
        case_update(
            user=user,
            case=case,
            version=version,
            fields={"stage": stage},
            verb="cases.restarted",
            reason=reason.strip(),
            extra_changes={
                "stages_reset": {"before": None, "after": list(later)},
                "progress_rows_reset": {"before": None, "after": reset},
            },
        )
    return case


def case_change_status(
    *, user: User, case: Case, status: str, reason: str = "", version: int | None = None
) -> Case:
    """Put on hold, resume or cancel a case, as the lifecycle table allows. Finishing is
    closing.case_close."""
    _require_work(user, case)
    if status == CaseStatus.ACTIVE and case.status == CaseStatus.PLANNED:
        raise LifecycleRefused("A planned case becomes active when a worker accepts it.", field="status")
    if status not in CaseStatus.values:
        raise ValidationFailed("Select a status", field="status")
    problem = lifecycle.status_move_problem(case.status, status)
    if problem:
        raise LifecycleRefused(problem, field="status")
    if status == CaseStatus.FINISHED:
        raise LifecycleRefused("A case is finished by closing it with an outcome.", field="status")
    if status in (CaseStatus.ON_HOLD, CaseStatus.CANCELLED) and not reason.strip():
        raise ValidationFailed("Enter the reason", field="reason")
    now = clock.now()
    fields: dict[str, Any] = {"status": status}
    if status == CaseStatus.CANCELLED:
        fields["closed_at"] = now
    with transaction.atomic():
        case_update(
            user=user,
            case=case,
            version=version,
            fields=fields,
            verb=f"cases.status_{status}",
            reason=reason.strip(),
        )
    return case


def _check_worker_in_organisation(case: Case, worker: User) -> None:
    org = holding_organisation_id(case)
    if org not in actor_for(worker).casework_organisation_ids:
        raise ValidationFailed(
            "Only members of the responsible organisation can work on this case", field="user"
        )


def case_add_worker(
    *, user: User, case: Case, worker: User, role: str = AssignmentRole.SECONDARY
) -> CaseAssignment:
    """Add a secondary worker (they see and work the case) or a case manager (read-only oversight)."""
    require_perm(user, "cases.manage_workers_case", case)
    if role not in (AssignmentRole.SECONDARY, AssignmentRole.CASE_MANAGER):
        raise ValidationFailed(
            "Add a secondary worker or a case manager; the primary worker is assigned", field="role"
        )
    _check_worker_in_organisation(case, worker)
    if CaseAssignment.objects.filter(case=case, user=worker, ended_at__isnull=True).exists():
        raise DomainError(f"{worker.display_name} is already on this case.")
    if role == AssignmentRole.SECONDARY and worker.pk == case.primary_worker_id:
        raise DomainError(f"{worker.display_name} is the primary worker.")
    with transaction.atomic():
        assignment = CaseAssignment.objects.create(
            case=case, user=worker, role=role, started_at=clock.now(), created_by=user, modified_by=user
        )
        audit_record(
            user=user,
            verb="cases.worker_added",
            obj=case,
            case_id=case.pk,
            person_id=case.person_id,
            changes={"worker": {"before": None, "after": worker.pk}, "role": {"before": None, "after": role}},
        )
    case.__dict__.pop("_assignment_roles", None)
    return assignment


def case_remove_worker(*, user: User, case: Case, worker: User, reason: str = "") -> None:
    require_perm(user, "cases.manage_workers_case", case)
    with transaction.atomic():
        assignment = (
            CaseAssignment.objects.filter(case=case, user=worker, ended_at__isnull=True)
            .exclude(role=AssignmentRole.PRIMARY)
            .first()
        )
        if assignment is None:
            raise DomainError(
                f"{worker.display_name} is not a secondary worker or case manager on this case."
            )
        assignment.ended_at, assignment.end_reason, assignment.modified_by = clock.now(), reason.strip(), user
        assignment.save(update_fields=["ended_at", "end_reason", "modified_by", "modified_at"])
        audit_record(
            user=user,
            verb="cases.worker_removed",
            obj=case,
            case_id=case.pk,
            person_id=case.person_id,
            changes={
                "worker": {"before": worker.pk, "after": None},
                "role": {"before": assignment.role, "after": None},
            },
            reason=reason,
        )
    case.__dict__.pop("_assignment_roles", None)


def case_add_note(*, user: User, case: Case, text: str) -> CaseNote:
    _require_work(user, case)
    if not text.strip():
        raise ValidationFailed("Enter the note", field="text")
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case, stage=case.stage, text=text.strip(), created_by=user, modified_by=user
        )
        audit_record(
            user=user,
            verb="cases.note_added",
            obj=case,
            case_id=case.pk,
            person_id=case.person_id,
            changes={"note": {"before": None, "after": note.pk}},
        )
    return note


# Who works a case: the one place CaseAssignment is written (allocation and transfer call these inside their
# own transaction, which audits the move as a whole).


def case_assignments_end(
    *,
    user: User | None,
    case: Case,
    at: datetime.datetime,
    reason: str,
    role: str | None = None,
    worker: User | None = None,
) -> int:
    """End the case's current assignments (of `role`, or of `worker`, when given); how many ended."""
    current = CaseAssignment.objects.filter(case=case, ended_at__isnull=True)
    if role is not None:
        current = current.filter(role=role)
    if worker is not None:
        current = current.filter(user=worker)
    return current.update(ended_at=at, end_reason=reason, modified_by=user, modified_at=at)


def case_assignment_start(
    *, user: User | None, case: Case, worker: User, role: str, at: datetime.datetime
) -> CaseAssignment:
    """Start `worker` on the case in `role` from `at`."""
    return CaseAssignment.objects.create(
        case=case, user=worker, role=role, started_at=at, created_by=user, modified_by=user
    )


def case_dispose(*, case_id: int) -> int:
    """Delete a closed case with its notes, assignments and stage progress, once every other app has deleted
    what it holds on the case (retention). The caller has checked retention.govern_records and the
    appraisal, and audits the disposal; returns rows deleted. Raises django's ProtectedError while records
    elsewhere still refer to the case."""
    return Case.objects.filter(pk=case_id, closed_at__isnull=False).delete()[0]
