"""Writes of crisis and enablement episodes. Keyword-only, atomic, audited with the case; a change to an
episode checks the version the caller read (ConflictError). Bad input changes nothing (ValidationFailed
naming the field)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction

from casework.accounts.models import User
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.cases.models import Case
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.plans.charging.enablement import FREE_WEEKS, free_until
from casework.plans.episode_choices import CrisisOutcome, EnablementOutcome, EndedEarlyReason, ReferralSource
from casework.plans.episode_models import CrisisEpisode, EnablementEpisode, EnablementNote

REFUSED = "Only the case's workers and team managers can record its crisis and enablement episodes."
CLOSED = "This case is closed: raise a new case instead."
STALE = stale_message("this episode", did="changed", then="check it and try again")
OVER_SIX_WEEKS = (
    f"Enablement is planned for at most {FREE_WEEKS} weeks (free until {{until}}): "
    "give the reason it needs longer, or bring the planned end forward."
)
MAX_GOALS = 20


def _require_record(user: User, case: Case) -> None:
    require_perm(user, "plans.record_episode_case", case, REFUSED if case.is_open else CLOSED)


def _audit(user: User, verb: str, obj: Any, case: Case, changes: dict[str, Any]) -> None:
    audit_record(
        user=user,
        verb=verb,
        obj=obj,
        case_id=case.pk,
        person_id=case.person_id,
        changes=to_json_safe({k: {"before": None, "after": v} for k, v in changes.items()}),
    )


# --- Crisis and rapid response ---


def crisis_episode_record(
    *,
    user: User,
    case: Case,
    requested_at: datetime.datetime,
    response_started_at: datetime.datetime,
    responded_by: str,
    summary: str = "",
) -> CrisisEpisode:
    """Record a crisis and the start of the rapid response. Audited as "plans.crisis_episode_recorded".
    Raises PermissionRefused, ValidationFailed."""
    _require_record(user, case)
    errors: dict[str, str] = {}
    now = clock.now()
    if requested_at > now:
        errors["requested_at"] = "When the response was asked for must be in the past."
    if response_started_at > now:
        errors["response_started_at"] = "When the response started must be in the past."
    elif response_started_at < requested_at:
        errors["response_started_at"] = "The response must start after it was asked for."
    if not responded_by.strip():
        errors["responded_by"] = "Enter who responded."
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        episode = CrisisEpisode.objects.create(
            case=case,
            requested_at=requested_at,
            response_started_at=response_started_at,
            responded_by=responded_by.strip(),
            summary=summary.strip(),
            created_by=user,
            modified_by=user,
        )
        _audit(
            user,
            "plans.crisis_episode_recorded",
            episode,
            case,
            {
                "requested_at": requested_at,
                "response_started_at": response_started_at,
                "responded_by": responded_by,
            },
        )
    return episode


def crisis_episode_close(
    *, user: User, episode: CrisisEpisode, version: int, outcome: str, outcome_notes: str = ""
) -> CrisisEpisode:
    """Close a crisis episode with its outcome. Audited as "plans.crisis_episode_closed". Raises
    PermissionRefused, ValidationFailed, DomainError (already closed), ConflictError."""
    case = episode.case
    _require_record(user, case)
    if outcome not in CrisisOutcome.values:
        raise ValidationFailed("Choose the outcome.", field="outcome")
    if episode.closed_at is not None:
        raise DomainError("This crisis episode is already closed.")
    fields = {"outcome": outcome, "closed_at": clock.now(), "outcome_notes": outcome_notes.strip()}
    with transaction.atomic():
        changes = episode.write_if_version(version=version, fields=fields, user=user, stale_message=STALE)
        audit_record(
            user=user,
            verb="plans.crisis_episode_closed",
            obj=episode,
            case_id=case.pk,
            person_id=case.person_id,
            changes=to_json_safe(changes),
        )
    return episode


# --- Enablement ---


def _clean_goals(goals: list[str]) -> list[str]:
    cleaned = [goal.strip() for goal in goals if goal.strip()]
    if not cleaned:
        raise ValidationFailed("Enter at least one goal, in the person's words.", field="goals")
    if len(cleaned) > MAX_GOALS:
        raise ValidationFailed(f"Enter at most {MAX_GOALS} goals.", field="goals")
    return cleaned


def enablement_plan_problems(
    *, started_on: datetime.date, planned_end_on: datetime.date, over_six_weeks_reason: str
) -> dict[str, str]:
    """What is wrong with an enablement's dates ({field: message}): the planned end before the start, or more
    than 6 weeks after it without a reason (a warning the reason overrides)."""
    if planned_end_on < started_on:
        return {"planned_end_on": "The planned end must be on or after the start."}
    until = free_until(started_on)
    if planned_end_on > until and not over_six_weeks_reason.strip():
        return {"over_six_weeks_reason": OVER_SIX_WEEKS.format(until=until.strftime("%-d %B %Y"))}
    return {}


def enablement_episode_start(
    *,
    user: User,
    case: Case,
    referral_source: str,
    started_on: datetime.date,
    planned_end_on: datetime.date,
    goals: list[str],
    over_six_weeks_reason: str = "",
    crisis_episode_id: int | None = None,
) -> EnablementEpisode:
    """Start an enablement episode (one open at a time). Audited as "plans.enablement_episode_started".
    Raises PermissionRefused, ValidationFailed, DomainError (one already open)."""
    _require_record(user, case)
    if referral_source not in ReferralSource.values:
        raise ValidationFailed("Choose where the referral came from.", field="referral_source")
    errors = enablement_plan_problems(
        started_on=started_on, planned_end_on=planned_end_on, over_six_weeks_reason=over_six_weeks_reason
    )
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)
    cleaned = _clean_goals(goals)
    if (
        crisis_episode_id is not None
        and not CrisisEpisode.objects.filter(case=case, pk=crisis_episode_id).exists()
    ):
        raise DomainError("There is no such crisis episode on this case.", field="crisis_episode_id")
    reason = over_six_weeks_reason.strip() if planned_end_on > free_until(started_on) else ""
    try:
        with transaction.atomic():
            episode = EnablementEpisode.objects.create(
                case=case,
                referral_source=referral_source,
                crisis_episode_id=crisis_episode_id,
                started_on=started_on,
                planned_end_on=planned_end_on,
                over_six_weeks_reason=reason,
                goals=cleaned,
                created_by=user,
                modified_by=user,
            )
            _audit(
                user,
                "plans.enablement_episode_started",
                episode,
                case,
                {
                    "referral_source": referral_source,
                    "started_on": started_on,
                    "planned_end_on": planned_end_on,
                    "over_six_weeks_reason": reason,
                    "goals": cleaned,
                },
            )
    except IntegrityError:
        raise DomainError("An enablement episode is already open on this case: end it first.") from None
    return episode


def enablement_note_add(
    *, user: User, episode: EnablementEpisode, week_starting: datetime.date, progress: str
) -> EnablementNote:
    """Add a weekly progress note to an open enablement episode. Audited as "plans.enablement_note_added".
    Raises PermissionRefused, ValidationFailed, DomainError (ended)."""
    case = episode.case
    _require_record(user, case)
    if not episode.is_open:
        raise DomainError("This enablement episode has ended: its notes are closed.")
    if not progress.strip():
        raise ValidationFailed("Enter the progress this week.", field="progress")
    if week_starting > clock.today():
        raise ValidationFailed("The week must not be ahead.", field="week_starting")
    if week_starting < episode.started_on - datetime.timedelta(days=6):
        # A rule against the stored episode, not the input alone: a conflict (409) naming the field.
        raise DomainError("The week must be within the episode: it started later.", field="week_starting")
    with transaction.atomic():
        note = EnablementNote.objects.create(
            episode=episode,
            week_starting=week_starting,
            progress=progress.strip(),
            created_by=user,
            modified_by=user,
        )
        _audit(user, "plans.enablement_note_added", episode, case, {"week_starting": week_starting})
    return note


def enablement_episode_end(
    *,
    user: User,
    episode: EnablementEpisode,
    version: int,
    ended_on: datetime.date,
    outcome: str,
    ended_early_reason: str = "",
    outcome_notes: str = "",
) -> EnablementEpisode:
    """End an enablement episode with its outcome (ended early: with a reason code). Audited as
    "plans.enablement_episode_ended". Raises PermissionRefused, ValidationFailed, DomainError,
    ConflictError."""
    case = episode.case
    _require_record(user, case)
    if not episode.is_open:
        raise DomainError("This enablement episode has already ended.")
    errors: dict[str, str] = {}
    if outcome not in EnablementOutcome.values:
        errors["outcome"] = "Choose the outcome."
    if outcome == EnablementOutcome.ENDED_EARLY and ended_early_reason not in EndedEarlyReason.values:
        errors["ended_early_reason"] = "Choose why it ended early."
    if ended_on > clock.today():
        errors["ended_on"] = "The end must not be ahead."
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)
    if ended_on < episode.started_on:
        # A rule against the stored episode, not the input alone: a conflict (409) naming the field.
        raise DomainError("The end must be on or after the start of the episode.", field="ended_on")
    fields = {
        "ended_on": ended_on,
        "outcome": outcome,
        "ended_early_reason": ended_early_reason if outcome == EnablementOutcome.ENDED_EARLY else "",
        "outcome_notes": outcome_notes.strip(),
    }
    try:
        with transaction.atomic():
            changes = episode.write_if_version(version=version, fields=fields, user=user, stale_message=STALE)
            audit_record(
                user=user,
                verb="plans.enablement_episode_ended",
                obj=episode,
                case_id=case.pk,
                person_id=case.person_id,
                changes=to_json_safe(changes),
            )
    except IntegrityError:
        raise ConflictError(STALE) from None
    return episode
