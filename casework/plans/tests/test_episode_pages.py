"""The pages of crisis and enablement episodes, in the case's "Episodes" section: a worker records a crisis
and its outcome, starts enablement (a plan over 6 weeks needs a reason), adds a weekly note and ends it with
a reason code. Bad input re-renders with the error summary and changes nothing; who may not is refused."""

from __future__ import annotations

import datetime

import pytest

from casework.core import clock
from casework.plans.episode_models import CrisisEpisode, EnablementEpisode

pytestmark = pytest.mark.django_db


def _date(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_a_worker_records_a_crisis_and_its_outcome(login, world, case):
    client = login(world.practitioner)
    section = client.get(f"/cases/{case.pk}/episodes")
    assert section.status_code == 200 and "No crisis response has been recorded" in section.content.decode()
    url = f"/plans/cases/{case.pk}/episodes/crisis"
    assert client.get(url).status_code == 200
    now = clock.now().astimezone()
    earlier = now - datetime.timedelta(hours=4)
    body = {
        **_date("requested_on", earlier.date()),
        "requested_time": earlier.strftime("%H:%M"),
        **_date("started_on", now.date()),
        "started_time": "25:00",
        "responded_by": "Rapid response team",
    }
    bad = client.post(url, body)
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert not CrisisEpisode.objects.exists()
    started = now - datetime.timedelta(hours=2)
    body |= {**_date("started_on", started.date()), "started_time": started.strftime("%H:%M")}
    assert client.post(url, body).status_code == 302
    episode = CrisisEpisode.objects.get()
    close = f"/plans/cases/{case.pk}/episodes/crisis/{episode.pk}/close"
    assert client.post(close, {"version": 1, "outcome": "admission_avoided"}).status_code == 302
    section = client.get(f"/cases/{case.pk}/episodes").content.decode()
    assert "Hospital admission avoided" in section


def test_a_worker_takes_enablement_from_start_to_outcome(login, world, case):
    client = login(world.practitioner)
    today = clock.today()
    start = f"/plans/cases/{case.pk}/episodes/enablement"
    body = {
        "referral_source": "hospital_discharge",
        **_date("started_on", today),
        **_date("planned_end_on", today + datetime.timedelta(weeks=7)),
        "goals": "Make my own breakfast\nWalk to the shop",
    }
    warned = client.post(start, body)
    assert warned.status_code == 200 and "give the reason it needs longer" in warned.content.decode()
    assert not EnablementEpisode.objects.exists()
    assert client.post(start, body | {"over_six_weeks_reason": "Waiting for a stairlift"}).status_code == 302
    episode = EnablementEpisode.objects.get()
    assert episode.goals == ["Make my own breakfast", "Walk to the shop"]
    note = f"/plans/cases/{case.pk}/episodes/enablement/{episode.pk}/note"
    assert client.get(note).status_code == 200
    added = client.post(note, {**_date("week_starting", today), "progress": "Made toast with support."})
    assert added.status_code == 302
    end = f"/plans/cases/{case.pk}/episodes/enablement/{episode.pk}/end"
    early = {"version": 1, **_date("ended_on", today), "outcome": "ended_early"}
    refused = client.post(end, early)
    assert refused.status_code == 200 and "Choose why it ended early" in refused.content.decode()
    assert client.post(end, early | {"ended_early_reason": "declined"}).status_code == 302
    section = client.get(f"/cases/{case.pk}/episodes").content.decode()
    assert "Made toast with support." in section and "declined further enablement" in section


def test_those_who_may_only_read_cannot_record(login, world, case):
    client = login(world.auditor)
    assert client.get(f"/cases/{case.pk}/episodes").status_code == 200
    assert client.get(f"/plans/cases/{case.pk}/episodes/enablement").status_code == 403


def test_the_section_reads_in_constant_queries(login, world, case, django_assert_max_num_queries):
    from casework.plans import episode_services as services

    today = clock.today()
    for n in range(3):
        episode = services.enablement_episode_start(
            user=world.practitioner,
            case=case,
            referral_source="community",
            started_on=today - datetime.timedelta(days=10 * (n + 1)),
            planned_end_on=today,
            goals=["Shop"],
        )
        services.enablement_note_add(
            user=world.practitioner, episode=episode, week_starting=today, progress="ok"
        )
        services.enablement_episode_end(
            user=world.practitioner, episode=episode, version=1, ended_on=today, outcome="no_ongoing_needs"
        )
    client = login(world.practitioner)
    client.get(f"/cases/{case.pk}/episodes")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        client.get(f"/cases/{case.pk}/episodes")
    services.enablement_episode_start(
        user=world.practitioner,
        case=case,
        referral_source="crisis",
        started_on=today,
        planned_end_on=today,
        goals=["More"],
    )
    with django_assert_max_num_queries(len(three.captured_queries)):
        client.get(f"/cases/{case.pk}/episodes")
