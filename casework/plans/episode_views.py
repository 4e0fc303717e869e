"""Pages of crisis and enablement episodes (shown in the case workspace's "Episodes" section,
episode_navigation.py). Thin: the forms check shape, episode_services the rules."""

from __future__ import annotations

from typing import Any

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casework.cases.selectors import case_get_for_user
from casework.core.pages import require_page_perm, run_form_service
from casework.plans import episode_selectors as selectors
from casework.plans import episode_services as services
from casework.plans.episode_forms import (
    CrisisCloseForm,
    CrisisEpisodeForm,
    EnablementEndForm,
    EnablementNoteForm,
    EnablementStartForm,
)


def _back(case, anchor: str = "") -> str:
    return reverse("cases:case_episodes", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _case_for_recording(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(
        request.user,
        "plans.record_episode_case",
        case,
        services.REFUSED if case.is_open else services.CLOSED,
    )
    return case


def _page(request, template: str, case, **context: Any):
    return render(request, f"plans/episodes/{template}", {"case": case, **context})


@require_http_methods(["GET", "POST"])
def crisis_record(request, case_id: int):
    """Record a crisis and the start of the rapid response."""
    case = _case_for_recording(request, case_id)
    form = CrisisEpisodeForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.crisis_episode_record(
                user=request.user,
                case=case,
                requested_at=data["requested_at"],
                response_started_at=data["response_started_at"],
                responded_by=data["responded_by"],
                summary=data["summary"],
            ),
            "The crisis response is recorded.",
            fields={"requested_at": "requested_on", "response_started_at": "started_on"},
        )
    ):
        return redirect(_back(case, "crisis"))
    return _page(request, "crisis_form.html", case, form=form)


@require_http_methods(["GET", "POST"])
def crisis_close(request, case_id: int, crisis_id: int):
    """Close a crisis episode with its outcome."""
    case = _case_for_recording(request, case_id)
    episode = selectors.crisis_episode_get_for_user(
        user=request.user, case=case, episode_id=crisis_id, purpose="opened_for_change"
    )
    form = CrisisCloseForm(request.POST or None, initial={"version": episode.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.crisis_episode_close(
                user=request.user,
                episode=episode,
                version=data["version"],
                outcome=data["outcome"],
                outcome_notes=data["outcome_notes"],
            ),
            "The crisis episode is closed.",
        )
    ):
        return redirect(_back(case, "crisis"))
    return _page(request, "crisis_close.html", case, form=form, episode=episode)


@require_http_methods(["GET", "POST"])
def enablement_start(request, case_id: int):
    """Start an enablement episode: where it came from, its dates and the person's goals."""
    case = _case_for_recording(request, case_id)
    form = EnablementStartForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.enablement_episode_start(
                user=request.user,
                case=case,
                referral_source=data["referral_source"],
                started_on=data["started_on"],
                planned_end_on=data["planned_end_on"],
                goals=form.goal_list(),
                over_six_weeks_reason=data["over_six_weeks_reason"],
            ),
            "The enablement episode is started.",
        )
    ):
        return redirect(_back(case, "enablement"))
    return _page(request, "enablement_start.html", case, form=form)


def _enablement(request, case, episode_id: int):
    return selectors.enablement_episode_get_for_user(
        user=request.user, case=case, episode_id=episode_id, purpose="opened_for_change"
    )


@require_http_methods(["GET", "POST"])
def enablement_note(request, case_id: int, enablement_id: int):
    """Add a weekly progress note."""
    case = _case_for_recording(request, case_id)
    episode = _enablement(request, case, enablement_id)
    form = EnablementNoteForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.enablement_note_add(
                user=request.user,
                episode=episode,
                week_starting=data["week_starting"],
                progress=data["progress"],
            ),
            "The progress note is added.",
        )
    ):
        return redirect(_back(case, "enablement"))
    return _page(request, "enablement_note.html", case, form=form, episode=episode)


@require_http_methods(["GET", "POST"])
def enablement_end(request, case_id: int, enablement_id: int):
    """End an enablement episode with its outcome."""
    case = _case_for_recording(request, case_id)
    episode = _enablement(request, case, enablement_id)
    form = EnablementEndForm(request.POST or None, initial={"version": episode.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.enablement_episode_end(
                user=request.user,
                episode=episode,
                version=data["version"],
                ended_on=data["ended_on"],
                outcome=data["outcome"],
                ended_early_reason=data["ended_early_reason"],
                outcome_notes=data["outcome_notes"],
            ),
            "The enablement episode has ended.",
        )
    ):
        return redirect(_back(case, "enablement"))
    return _page(request, "enablement_end.html", case, form=form, episode=episode)
