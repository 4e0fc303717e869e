"""Closing a case: with an outcome from the initiative's list, a note, and optionally a planned re-contact
date.

The list of outcomes is the initiative's own (kept by its lead organisation's initiative admins, so that every
partner closes cases the same way and the initiative can count them). Until an admin changes it, the
initiative uses DEFAULT_OUTCOMES. A case is closed only when its needs are finished with (none found, or all
resolved, no longer relevant or rejected). Closing marks the hit-rate flag for someone the risk index (the
latest cohort) had not picked out.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from casework.accounts.selectors import actor_for, team_managers_of
from casework.assessments.selectors import needs_found_on_case, needs_open_on_case
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.cases.choices import CaseOrigin, CaseStage, CaseStatus
from casework.cases.models import Case, CaseOutcome
from casework.cases.services import _require_work, case_stage_complete, case_stage_start, case_update
from casework.core import clock
from casework.core.errors import DomainError, ValidationFailed
from casework.core.permissions import require_perm
from casework.risk import cohort_selectors
from casework.tasks.choices import TaskKind
from casework.tasks.models import Task
from casework.tasks.services import task_create
from casework.waiting_list.choices import ExitReason
from casework.waiting_list.services import waiting_list_exit_for_case

# (code, label, description): the outcomes an initiative starts with.
DEFAULT_OUTCOMES: list[tuple[str, str, str]] = [
    ("needs_met", "Needs met", "Every need found has been resolved"),
    ("no_needs_found", "No needs found", "The person is managing and needs nothing from us now"),
    ("declined_support", "Declined support", "The person did not want the support offered"),
    ("referred_elsewhere", "Referred elsewhere", "Another organisation is meeting the person's needs"),
    ("could_not_contact", "Could not make contact", "Every contact attempt failed"),
    ("moved_away", "Moved away", "The person has moved out of the area"),
    ("died", "Died", "The person has died"),
]
REFUSED = "Only the lead organisation's initiative admins keep the list of closing outcomes."
_CODE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    description: str
    retired: bool = False


def outcome_list(*, initiative_id: int, include_retired: bool = False) -> list[Outcome]:
    """The initiative's closing outcomes in their order: its own list, or the defaults until it has one."""
    rows = list(CaseOutcome.objects.filter(initiative_id=initiative_id).order_by("rank", "label"))
    if not rows:
        return [Outcome(code, label, description) for code, label, description in DEFAULT_OUTCOMES]
    return [
        Outcome(r.code, r.label, r.description, r.retired_at is not None)
        for r in rows
        if include_retired or r.retired_at is None
    ]


def outcome_label(*, initiative_id: int, code: str) -> str:
    return next(
        (o.label for o in outcome_list(initiative_id=initiative_id, include_retired=True) if o.code == code),
        code.replace("_", " ").capitalize(),
    )


def _materialise_defaults(initiative_id: int, user) -> None:
    """Write the default list as the initiative's own before its first change."""
    if CaseOutcome.objects.filter(initiative_id=initiative_id).exists():
        return
    CaseOutcome.objects.bulk_create(
        [
            CaseOutcome(
                initiative_id=initiative_id,
                code=code,
                label=label,
                description=description,
                rank=rank,
                created_by=user,
                modified_by=user,
            )
            for rank, (code, label, description) in enumerate(DEFAULT_OUTCOMES, start=1)
        ]
    )


def case_outcome_add(
    *, user, initiative_id: int, code: str, label: str, description: str = ""
) -> CaseOutcome:
    """Add an outcome to the end of the initiative's list. Audited as "cases.outcome_added"."""
    require_perm(user, "cases.manage_outcomes", initiative_id, REFUSED)
    code, label = (code or "").strip().lower(), " ".join((label or "").split())
    if not _CODE.match(code):
        raise ValidationFailed(
            "Enter a code of lower-case letters, numbers and underscores, like moved_away", field="code"
        )
    if not label:
        raise ValidationFailed("Enter the outcome as workers will see it", field="label")
    with transaction.atomic():
        _materialise_defaults(initiative_id, user)
        if CaseOutcome.objects.filter(initiative_id=initiative_id, code=code).exists():
            raise ValidationFailed(f"The code {code} is already used", field="code")
        rank = (
            CaseOutcome.objects.filter(initiative_id=initiative_id).aggregate(r=Max("rank"))["r"] or 0
        ) + 1
        outcome = CaseOutcome.objects.create(
            initiative_id=initiative_id,
            code=code,
            label=label,
            rank=rank,
            description=(description or "").strip(),
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="cases.outcome_added",
            obj=outcome,
            changes={"code": {"before": None, "after": code}, "label": {"before": None, "after": label}},
        )
    return outcome


def case_outcome_set_retired(*, user, initiative_id: int, code: str, retired: bool) -> CaseOutcome:
    """Stop offering an outcome for new closures, or offer it again; closed cases keep theirs."""
    require_perm(user, "cases.manage_outcomes", initiative_id, REFUSED)
    with transaction.atomic():
        _materialise_defaults(initiative_id, user)
        outcome = (
            CaseOutcome.objects.select_for_update().filter(initiative_id=initiative_id, code=code).first()
        )
        if outcome is None:
            raise ValidationFailed("No such outcome", field="code")
        if retired == (outcome.retired_at is not None):
            raise DomainError(f"‘{outcome.label}’ is {'already retired' if retired else 'in use already'}.")
        if (
            retired
            and not CaseOutcome.objects.filter(initiative_id=initiative_id, retired_at__isnull=True)
            .exclude(pk=outcome.pk)
            .exists()
        ):
            raise DomainError("Keep at least one outcome in use: cases must close with one.")
        before = outcome.retired_at
        outcome.retired_at, outcome.modified_by = (clock.now() if retired else None), user
        outcome.save(update_fields=["retired_at", "modified_by", "modified_at"])
        audit_record(
            user=user,
            verb="cases.outcome_retired" if retired else "cases.outcome_reinstated",
            obj=outcome,
            changes=to_json_safe({"retired_at": {"before": before, "after": outcome.retired_at}}),
        )
    return outcome


def on_risk_index(case: Case) -> bool:
    """Whether the risk index had picked the person out: the case came from it, or the person (a member of
    the household, for a household's case) is in the initiative's latest cohort as it stood when the case
    was raised (a self-referral or a concern is checked against it). A risk category set by hand is not the
    index."""
    if case.origin == CaseOrigin.RISK_INDEX:
        return True
    return cohort_selectors.on_risk_index(
        initiative_id=case.initiative_id,
        person_id=case.person_id,
        household_id=case.household_id,
        at=case.raised_at,
    )


def case_close(
    *,
    user,
    case: Case,
    outcome: str,
    note: str = "",
    recontact_on: datetime.date | None = None,
    version: int | None = None,
) -> Case:
    """Close an active case with an outcome: it moves to Closing (if not there) and is finished.

    Refused (nothing changed) while any need is still open, for an outcome not on the initiative's list, or
    for a re-contact date that is not in the future. Raises PermissionRefused, ValidationFailed, DomainError,
    ConflictError. Audited as "cases.closed".
    """

    _require_work(user, case)
    if case.status != CaseStatus.ACTIVE:
        raise DomainError(
            "Only an active case can be closed: resume it first."
            if case.status == CaseStatus.ON_HOLD
            else "Accept the case before closing it, or cancel it."
        )
    offered = {o.code: o for o in outcome_list(initiative_id=case.initiative_id)}
    if outcome not in offered:
        raise ValidationFailed("Select the outcome", field="outcome")
    today = clock.today()
    if recontact_on is not None and recontact_on <= today:
        raise ValidationFailed(
            "The date to contact the person again must be in the future", field="recontact_on"
        )
    open_needs = needs_open_on_case(case=case)
    if open_needs:
        listed = ", ".join(f"{n.definition.name} ({n.get_status_display().lower()})" for n in open_needs)
        raise DomainError(f"Update the needs still open before closing the case: {listed}.", field="outcome")
    needs_found = needs_found_on_case(case=case)
    if outcome == "no_needs_found" and needs_found:
        raise ValidationFailed("Needs were found on this case: choose another outcome", field="outcome")
    found_outside = needs_found and not on_risk_index(case)
    now = clock.now()
    with transaction.atomic():
        if case.stage != CaseStage.CLOSING:
            case_stage_complete(case=case, stage=case.stage, user=user, at=now)
            case_stage_start(case=case, stage=CaseStage.CLOSING, user=user, at=now)
        case_stage_complete(case=case, stage=CaseStage.CLOSING, user=user, at=now)

        waiting_list_exit_for_case(user=user, case=case, reason=ExitReason.CASE_CLOSED)
        case_update(
            user=user,
            case=case,
            version=version,
            verb="cases.closed",
            reason=(note or "").strip(),
            fields={
                "stage": CaseStage.CLOSING,
                "status": CaseStatus.FINISHED,
                "closed_at": now,
                "outcome": outcome,
                "closure_note": (note or "").strip(),
                "recontact_on": recontact_on,
                "found_outside_risk_index": found_outside,
            },
        )
    return case


# The re-contact job runs hourly; a worker stopped over a long weekend still raises the tasks it missed.
CATCH_UP_DAYS = 7


def recontact_tasks_raise(*, today: datetime.date | None = None) -> int:
    """A task for the responsible organisation on the re-contact date of each closed case (once per case and
    date: the task's effect key). Goes to the case's team, else its last worker, else a team manager."""

    today = today or clock.today()
    due = Case.objects.filter(
        status=CaseStatus.FINISHED,
        recontact_on__lte=today,
        recontact_on__gt=today - datetime.timedelta(days=CATCH_UP_DAYS),
    ).select_related("allocated_team", "primary_worker", "responsible_organisation", "person", "household")
    raised = 0

    for case in due.iterator(chunk_size=500):
        key = f"cases.recontact:{case.pk}:{case.recontact_on.isoformat()}"
        if Task.objects.filter(effect_key=key).exists():
            continue
        organisation_id = case.responsible_organisation_id or case.raised_by_organisation_id
        if case.allocated_team_id:
            assignee = {"assigned_to_team": case.allocated_team}
        elif (
            case.primary_worker_id
            and organisation_id in actor_for(case.primary_worker).editing_organisation_ids
        ):
            assignee = {"assigned_to_user": case.primary_worker}
        else:
            managers = team_managers_of(organisation_id=organisation_id)
            if not managers:
                continue
            assignee = {"assigned_to_user": managers[0]}
        closed_with = outcome_label(initiative_id=case.initiative_id, code=case.outcome)
        task_create(
            user=None,
            title=f"Contact {case.subject_name} again ({case.reference})",
            due_date=case.recontact_on,
            case=case,
            kind=TaskKind.RECONTACT,
            effect_key=key,
            details=f"Planned when the case closed ({closed_with}). Raise a new case if they need support.",
            source="cases.recontact",
            **assignee,
        )
        raised += 1
    return raised
