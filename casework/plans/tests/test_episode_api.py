"""Crisis and enablement episodes in the API: the same rules as the pages."""

from __future__ import annotations

import datetime

import pytest

from casework.audit.models import AuditEvent
from casework.core import clock
from casework.plans.episode_models import EnablementEpisode

pytestmark = pytest.mark.django_db


def test_the_api_records_a_crisis_and_an_enablement_to_its_outcome(api, world, case):
    worker = api(world.practitioner)
    base = f"/plans/cases/{case.pk}/episodes"
    assert worker.get(base).json() == {"crisis": [], "enablement": []}
    now = clock.now()
    crisis = worker.post(
        f"{base}/crisis",
        {
            "requested_at": (now - datetime.timedelta(hours=5)).isoformat(),
            "response_started_at": (now - datetime.timedelta(hours=3)).isoformat(),
            "responded_by": "Rapid response team",
        },
    )
    assert crisis.status_code == 201, crisis.content
    assert crisis.json()["response_hours"] == 2.0
    closed = worker.post(
        f"{base}/crisis/{crisis.json()['id']}/close",
        {"version": 1, "outcome": "discharged_to_enablement"},
    )
    assert closed.status_code == 200, closed.content
    today = clock.today()
    too_long = {
        "referral_source": "crisis",
        "started_on": today.isoformat(),
        "planned_end_on": (today + datetime.timedelta(weeks=8)).isoformat(),
        "goals": ["Make my own breakfast"],
        "crisis_episode_id": crisis.json()["id"],
    }
    refused = worker.post(f"{base}/enablement", too_long)
    assert refused.status_code == 422 and "over_six_weeks_reason" in refused.content.decode()
    assert not EnablementEpisode.objects.filter(case=case).exists()
    started = worker.post(f"{base}/enablement", too_long | {"over_six_weeks_reason": "Waiting for a hoist."})
    assert started.status_code == 201, started.content
    episode = started.json()
    assert episode["free_until"] == (today + datetime.timedelta(days=41)).isoformat()
    noted = worker.post(
        f"{base}/enablement/{episode['id']}/notes",
        {"week_starting": today.isoformat(), "progress": "Walked."},
    )
    assert noted.status_code == 201 and noted.json()["notes"][0]["progress"] == "Walked."
    no_reason = worker.post(
        f"{base}/enablement/{episode['id']}/end",
        {"version": 1, "ended_on": today.isoformat(), "outcome": "ended_early"},
    )
    assert no_reason.status_code == 422 and "ended_early_reason" in no_reason.content.decode()
    ended = worker.post(
        f"{base}/enablement/{episode['id']}/end",
        {
            "version": 1,
            "ended_on": today.isoformat(),
            "outcome": "ended_early",
            "ended_early_reason": "admitted_to_hospital",
        },
    )
    assert ended.status_code == 200, ended.content
    assert ended.json()["outcome"] == "ended_early"
    stale = worker.post(
        f"{base}/enablement/{episode['id']}/end",
        {"version": 1, "ended_on": today.isoformat(), "outcome": "no_ongoing_needs"},
    )
    assert stale.status_code == 409
    verbs = set(AuditEvent.objects.filter(case_id=case.pk).values_list("verb", flat=True))
    assert {"plans.crisis_episode_recorded", "plans.enablement_episode_ended"} <= verbs
    assert len(worker.get(base).json()["enablement"]) == 1


def test_only_the_case_workers_record_episodes(api, world, case):
    body = {
        "referral_source": "community",
        "started_on": clock.today().isoformat(),
        "planned_end_on": clock.today().isoformat(),
        "goals": ["Shop"],
    }
    assert api(world.auditor).post(f"/plans/cases/{case.pk}/episodes/enablement", body).status_code == 403
    assert api(world.auditor).get(f"/plans/cases/{case.pk}/episodes").status_code == 200
