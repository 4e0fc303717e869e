"""Crisis and enablement episodes in the API (/api/v1/plans/cases/{case_id}/episodes...): read them, record a
crisis and close it with its outcome, start an enablement, add a weekly note, end it with its outcome. The
same selectors, services and permissions as the pages: 404 for a case you may not open, 403 for recording
what you may not, 409 for a stale record, 422 naming the field."""

from __future__ import annotations

import datetime

from ninja import Router, Schema, Status
from pydantic import Field

from casework.cases.selectors import case_get_for_user
from casework.core import limits
from casework.core.api import (
    EventDate,
    Id,
    InputSchema,
    Note,
    PlannedDate,
    PlausibleDateTime,
    SaidName,
    SaidNote,
    Version,
    one_of,
)
from casework.plans import episode_selectors as selectors
from casework.plans import episode_services as services
from casework.plans.episode_choices import CrisisOutcome, EnablementOutcome, EndedEarlyReason, ReferralSource
from casework.plans.episode_models import CrisisEpisode, EnablementEpisode

router = Router(tags=["plans"])


class CrisisEpisodeOut(Schema):
    id: int
    version: int
    case_id: int
    requested_at: datetime.datetime
    response_started_at: datetime.datetime
    response_hours: float = Field(description="Hours from the request to the start of the response")
    responded_by: str
    summary: str
    outcome: str = Field(description="Blank while open; else one of the crisis outcomes")
    closed_at: datetime.datetime | None
    outcome_notes: str


class EnablementNoteOut(Schema):
    id: int
    week_starting: datetime.date
    progress: str
    created_at: datetime.datetime


class EnablementEpisodeOut(Schema):
    id: int
    version: int
    case_id: int
    referral_source: str
    crisis_episode_id: int | None
    started_on: datetime.date
    planned_end_on: datetime.date
    free_until: datetime.date = Field(description="The last day of the free 6 weeks")
    over_six_weeks_reason: str
    goals: list[str]
    ended_on: datetime.date | None
    outcome: str = Field(description="Blank while open")
    ended_early_reason: str
    outcome_notes: str
    notes: list[EnablementNoteOut]

    @staticmethod
    def resolve_notes(obj: EnablementEpisode) -> list:
        return list(obj.notes.all())


class CaseEpisodesOut(Schema):
    crisis: list[CrisisEpisodeOut]
    enablement: list[EnablementEpisodeOut]


class CrisisEpisodeIn(InputSchema):
    requested_at: PlausibleDateTime = Field(description="When the rapid response was asked for (not ahead)")
    response_started_at: PlausibleDateTime = Field(description="When the response started (not ahead)")
    responded_by: SaidName
    summary: Note = ""


class CrisisEpisodeCloseIn(InputSchema):
    version: Version
    outcome: one_of(CrisisOutcome)  # type: ignore[valid-type]
    outcome_notes: Note = ""


class EnablementEpisodeIn(InputSchema):
    referral_source: one_of(ReferralSource)  # type: ignore[valid-type]
    started_on: PlannedDate
    planned_end_on: PlannedDate = Field(
        description="At most 6 weeks on, unless over_six_weeks_reason says why"
    )
    goals: list[SaidNote] = Field(min_length=1, max_length=limits.MAX_CHOSEN)
    over_six_weeks_reason: Note = ""
    crisis_episode_id: Id | None = None


class EnablementNoteIn(InputSchema):
    week_starting: EventDate
    progress: SaidNote


class EnablementEpisodeEndIn(InputSchema):
    version: Version
    ended_on: EventDate
    outcome: one_of(EnablementOutcome)  # type: ignore[valid-type]
    ended_early_reason: one_of(EndedEarlyReason, blank=True) = ""  # type: ignore[valid-type]
    outcome_notes: Note = ""


def _case(request, case_id: int, purpose: str = "read_by_api"):
    return case_get_for_user(user=request.user, case_id=case_id, purpose=purpose)


@router.get(
    "/cases/{case_id}/episodes",
    response=CaseEpisodesOut,
    summary="The case's crisis and enablement episodes, newest first",
)
def episodes_get(request, case_id: Id):
    found = selectors.case_episodes_get_for_user(
        user=request.user, case=_case(request, case_id), purpose="read_by_api"
    )
    return {"crisis": found.crisis, "enablement": found.enablement}


@router.post(
    "/cases/{case_id}/episodes/crisis",
    response={201: CrisisEpisodeOut},
    summary="Record a crisis and the start of the rapid response",
)
def crisis_episode_record(request, case_id: Id, payload: CrisisEpisodeIn):
    episode = services.crisis_episode_record(
        user=request.user, case=_case(request, case_id, "opened_for_change"), **payload.model_dump()
    )
    return Status(201, episode)


@router.post(
    "/cases/{case_id}/episodes/crisis/{crisis_id}/close",
    response=CrisisEpisodeOut,
    summary="Close a crisis episode with its outcome",
)
def crisis_episode_close(request, case_id: Id, crisis_id: Id, payload: CrisisEpisodeCloseIn):
    case = _case(request, case_id, "opened_for_change")
    episode: CrisisEpisode = selectors.crisis_episode_get_for_user(
        user=request.user, case=case, episode_id=crisis_id, purpose="opened_for_change"
    )
    return services.crisis_episode_close(user=request.user, episode=episode, **payload.model_dump())


@router.post(
    "/cases/{case_id}/episodes/enablement",
    response={201: EnablementEpisodeOut},
    summary="Start an enablement episode (free for 6 weeks; a longer plan needs a reason)",
)
def enablement_episode_start(request, case_id: Id, payload: EnablementEpisodeIn):
    episode = services.enablement_episode_start(
        user=request.user, case=_case(request, case_id, "opened_for_change"), **payload.model_dump()
    )
    return Status(201, episode)


def _enablement(request, case_id: int, episode_id: int) -> EnablementEpisode:
    case = _case(request, case_id, "opened_for_change")
    return selectors.enablement_episode_get_for_user(
        user=request.user, case=case, episode_id=episode_id, purpose="opened_for_change"
    )


@router.post(
    "/cases/{case_id}/episodes/enablement/{enablement_id}/notes",
    response={201: EnablementEpisodeOut},
    summary="Add a weekly progress note to an open enablement episode",
)
def enablement_note_add(request, case_id: Id, enablement_id: Id, payload: EnablementNoteIn):
    episode = _enablement(request, case_id, enablement_id)
    services.enablement_note_add(user=request.user, episode=episode, **payload.model_dump())
    return Status(201, _enablement(request, case_id, enablement_id))


@router.post(
    "/cases/{case_id}/episodes/enablement/{enablement_id}/end",
    response=EnablementEpisodeOut,
    summary="End an enablement episode with its outcome (ended early: with the reason code)",
)
def enablement_episode_end(request, case_id: Id, enablement_id: Id, payload: EnablementEpisodeEndIn):
    episode = _enablement(request, case_id, enablement_id)
    return services.enablement_episode_end(user=request.user, episode=episode, **payload.model_dump())
