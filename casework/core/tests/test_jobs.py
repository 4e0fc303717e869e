"""Durable jobs: queued in the database, retried with back-off, failures recorded, stale ones run again."""

import datetime

import pytest
from django_tasks_db.models import DBTaskResult

from casework.core import clock, jobs
from casework.core.models import JobFailure

CALLS = []


@jobs.job("tests.flaky", retries=2)
def flaky(*, fail_times: int, organisation_id: int | None = None):
    CALLS.append(fail_times)
    if len(CALLS) <= fail_times:
        raise RuntimeError(f"failure {len(CALLS)}")
    return "done"


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()


def _time_passes():
    """The queue reads the real clock: make every waiting retry due now, and say how long it was to wait."""
    from django.utils import timezone

    waiting = DBTaskResult.objects.filter(status="READY").order_by("enqueued_at").last()
    delay = (waiting.run_after - waiting.enqueued_at).total_seconds()
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )
    return round(delay)


def test_a_job_is_queued_and_run(db):
    jobs.enqueue("tests.flaky", fail_times=0)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert jobs.run_pending() == 1
    assert CALLS == [0] and DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_failing_job_is_retried_with_back_off_then_succeeds(db):
    jobs.enqueue("tests.flaky", fail_times=1)
    assert jobs.run_pending() == 1
    assert jobs.run_pending() == 0  # the retry waits
    assert _time_passes() == jobs.RETRY_DELAYS[0]
    assert jobs.run_pending() == 1
    assert len(CALLS) == 2 and not JobFailure.objects.exists()


def test_after_the_last_try_the_failure_is_listed_with_the_error(db, world):
    jobs.enqueue("tests.flaky", fail_times=99, organisation_id=world.county.pk)
    assert jobs.run_pending() == 1
    for delay in jobs.RETRY_DELAYS[:2]:
        assert _time_passes() == delay
        assert jobs.run_pending() == 1
    failure = JobFailure.objects.get()
    assert (failure.job, failure.attempts, failure.organisation) == ("tests.flaky", 3, world.county)
    assert "failure 3" in failure.error and "RuntimeError" in failure.traceback
    assert not DBTaskResult.objects.filter(status="READY").exists()  # no more tries


def test_a_job_whose_worker_died_is_run_again(db):
    jobs.enqueue("tests.flaky", fail_times=0)
    DBTaskResult.objects.update(status="RUNNING", started_at=clock.now() - datetime.timedelta(hours=1))
    assert jobs.run_pending() == 0
    assert jobs.recover_stale(datetime.timedelta(minutes=10)) == 1
    assert jobs.run_pending() == 1 and CALLS == [0]


def test_unknown_jobs_are_refused(db):
    with pytest.raises(KeyError):
        jobs.enqueue("tests.nothing")


def test_the_org_admin_sees_and_clears_failures(world, login):
    failure = JobFailure.objects.create(
        job="letters.send",
        arguments={"letter_id": 7},
        attempts=4,
        error="No address for the person",
        failed_at=clock.now(),
        organisation=world.county,
    )
    JobFailure.objects.create(
        job="letters.send",
        arguments={},
        attempts=4,
        error="Elsewhere's",
        failed_at=clock.now(),
        organisation=world.elsewhere,
    )
    client = login(world.org_admin)
    page = client.get("/accounts/jobs/failures").content.decode()
    assert "No address for the person" in page and "Elsewhere" not in page
    client.post("/accounts/jobs/failures", {"failure": failure.pk})
    failure.refresh_from_db()
    assert failure.resolved_by == world.org_admin
    assert "No failed jobs." in client.get("/accounts/jobs/failures").content.decode()
    assert login(world.team_manager).get("/accounts/jobs/failures").status_code == 403
