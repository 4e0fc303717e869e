"""Reads of a case's crisis and enablement episodes, through the case, writing an AccessEvent. The queryset
twins of episode_policies.py are here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from casework.accounts.models import User
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.cases.selectors import case_list_visible, case_list_workable
from casework.core.errors import PermissionRefused
from casework.core.permissions import has_perm
from casework.plans.charging.enablement import EnablementPeriod, weekly_charge_for_week
from casework.plans.episode_models import CrisisEpisode, EnablementEpisode, EnablementNote

REFUSED_VIEW = "Only those who may open the case can read its crisis and enablement episodes."


def case_list_episodes_visible(*, user: User) -> QuerySet[Case]:
    """Cases whose episodes the user may read (twin of plans.view_episodes_case)."""
    return case_list_visible(user=user)


def case_list_episodes_recordable(*, user: User) -> QuerySet[Case]:
    """Cases whose episodes the user may record (twin of plans.record_episode_case)."""
    return case_list_workable(user=user)


@dataclass
class CaseEpisodes:
    crisis: list[CrisisEpisode] = field(default_factory=list)
    enablement: list[EnablementEpisode] = field(default_factory=list)

    @property
    def open_enablement(self) -> EnablementEpisode | None:
        return next((episode for episode in self.enablement if episode.is_open), None)


def _require_view(user: User, case: Case) -> None:
    if not has_perm(user, "plans.view_episodes_case", case):
        raise PermissionRefused(REFUSED_VIEW)


def case_episodes_get_for_user(*, user: User, case: Case, purpose: str = "viewed") -> CaseEpisodes:
    """The case's crisis and enablement episodes, newest first, enablement with its notes, in three queries
    whatever their number. Raises PermissionRefused; writes an AccessEvent when there are any."""
    _require_view(user, case)
    crisis = list(CrisisEpisode.objects.filter(case=case).select_related("created_by"))
    enablement = list(
        EnablementEpisode.objects.filter(case=case)
        .select_related("created_by")
        .prefetch_related(Prefetch("notes", EnablementNote.objects.select_related("created_by")))
    )
    if crisis or enablement:
        access_record(
            user=user,
            verb=f"plans.episodes_{purpose}",
            obj=(enablement or crisis)[0],
            case_id=case.pk,
            person_id=case.person_id,
        )
    return CaseEpisodes(crisis=crisis, enablement=enablement)


def crisis_episode_get_for_user(
    *, user: User, case: Case, episode_id: int, purpose: str = "viewed"
) -> CrisisEpisode:
    """One crisis episode of the case. Raises Http404, PermissionRefused; writes an AccessEvent."""
    _require_view(user, case)
    episode = CrisisEpisode.objects.filter(case=case, pk=episode_id).first()
    if episode is None:
        raise Http404("There is no such crisis episode on this case.")
    access_record(
        user=user,
        verb=f"plans.crisis_episode_{purpose}",
        obj=episode,
        case_id=case.pk,
        person_id=case.person_id,
    )
    return episode


def enablement_episode_get_for_user(
    *, user: User, case: Case, episode_id: int, purpose: str = "viewed"
) -> EnablementEpisode:
    """One enablement episode of the case, with its notes. Raises Http404, PermissionRefused; writes an
    AccessEvent."""
    _require_view(user, case)
    episode = (
        EnablementEpisode.objects.filter(case=case, pk=episode_id)
        .prefetch_related(Prefetch("notes", EnablementNote.objects.select_related("created_by")))
        .first()
    )
    if episode is None:
        raise Http404("There is no such enablement episode on this case.")
    access_record(
        user=user,
        verb=f"plans.enablement_episode_{purpose}",
        obj=episode,
        case_id=case.pk,
        person_id=case.person_id,
    )
    return episode


# --- What charging asks of enablement ---


def enablement_periods_for_case(*, case: Case) -> list[EnablementPeriod]:
    """The dates of the case's enablement episodes (for charging: no personal detail, no AccessEvent)."""
    return [
        EnablementPeriod(starts=starts, ends=ends)
        for starts, ends in EnablementEpisode.objects.filter(case=case).values_list("started_on", "ended_on")
    ]


def weekly_charge_for_case(*, case: Case, week_starts: datetime.date, weekly_charge: Decimal) -> Decimal:
    """What the person on the case is charged for the week starting `week_starts`, given their assessed
    weekly charge: nothing for any day within the free 6 weeks of an enablement episode (charging/
    enablement.py). Every charge for a week goes through here."""
    return weekly_charge_for_week(weekly_charge, week_starts, enablement_periods_for_case(case=case))
