"""Durable background work on django-tasks (database backend): named jobs, retries with back-off, a schedule.

An app declares a job in its jobs.py:

    @job("waiting_list.escalation_sweep", every=datetime.timedelta(minutes=15))
    def escalation_sweep() -> int: ...

and starts one with `enqueue("letters.send", letter_id=3)`, usually inside the service's transaction, so that
the job exists only if the write it follows commits. Jobs take ids and call a service; their effects must be
idempotent (a unique effect key written in the same transaction as the effect), because a job may run twice:
retried after an error, or run again after its worker was killed (see `recover_stale`).

A failing job is retried after RETRY_DELAYS; after the last try it is recorded as a JobFailure, listed for the
organisation admin with the error.
"""

from __future__ import annotations

import datetime
import logging
import time
import traceback as tb
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from casework.core import clock
from casework.core.models import JobFailure, ScheduledJob
from casework.core.ratelimit import rate_limits_purge as purge

logger = logging.getLogger("casework.jobs")
RETRY_DELAYS = (30, 120, 600)  # seconds before the 2nd, 3rd and 4th tries


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., Any]
    every: datetime.timedelta | None
    retries: int


_JOBS: dict[str, JobSpec] = {}


def job(name: str, *, every: datetime.timedelta | None = None, retries: int = len(RETRY_DELAYS)):
    """Register a function as the job `name`; with `every`, the worker also runs it on that schedule."""

    def register(func):
        if name in _JOBS and _JOBS[name].func is not func:
            raise ValueError(f"Job {name} is registered twice")
        _JOBS[name] = JobSpec(name=name, func=func, every=every, retries=retries)
        return func

    return register


def registered_jobs() -> dict[str, JobSpec]:
    _autodiscover()
    return dict(_JOBS)


def _autodiscover() -> None:
    autodiscover_modules("jobs")


def enqueue(name: str, *, run_after: datetime.datetime | None = None, attempt: int = 1, **arguments: Any):
    """Queue the job with its (JSON) arguments; it runs when a worker takes it, not before `run_after`."""
    if name not in registered_jobs():
        raise KeyError(f"Unknown job {name!r}")
    runner = run_job.using(run_after=run_after) if run_after else run_job
    return runner.enqueue(name, arguments, attempt)


def checkpoint(name: str) -> None:
    """A point where a test may make the job stall (CASEWORK_JOB_PAUSE_AT), to kill its worker half-way."""
    if settings.CASEWORK_JOB_PAUSE_AT == name:
        logger.warning("Pausing at %s (CASEWORK_JOB_PAUSE_AT)", name)
        time.sleep(3600)


@task()
def run_job(name: str, arguments: dict, attempt: int = 1) -> Any:
    """The one django-tasks task: run a registered job; on an error retry later, and after the last try record
    the failure."""
    spec = registered_jobs()[name]
    try:
        return spec.func(**arguments)
    except Exception as error:
        if attempt <= spec.retries:
            delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
            logger.warning("Job %s failed (try %s), retrying in %ss: %s", name, attempt, delay, error)
            enqueue(
                name,
                run_after=clock.now() + datetime.timedelta(seconds=delay),
                attempt=attempt + 1,
                **arguments,
            )
        else:
            JobFailure.objects.create(
                job=name,
                arguments=arguments,
                attempts=attempt,
                error=str(error)[:2000],
                traceback=tb.format_exc()[-8000:],
                failed_at=clock.now(),
                organisation_id=arguments.get("organisation_id"),
            )
            logger.error("Job %s failed on its last try (%s): %s", name, attempt, error)
        raise


def schedule_tick(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every scheduled job that is due, once, however many workers tick at the same time."""

    now = now or clock.now()
    enqueued = []
    for spec in registered_jobs().values():
        if spec.every is None:
            continue
        ScheduledJob.objects.get_or_create(name=spec.name, defaults={"next_run_at": now})
        with transaction.atomic():
            row = ScheduledJob.objects.select_for_update().get(name=spec.name)
            if row.next_run_at > now:
                continue
            enqueue(spec.name)
            row.last_enqueued_at = now
            row.next_run_at = now + spec.every
            row.save(update_fields=["last_enqueued_at", "next_run_at"])
            enqueued.append(spec.name)
    return enqueued


def recover_stale(stale_after: datetime.timedelta | None = None) -> int:
    """Put back on the queue jobs that have been 'running' too long: their worker was killed or died."""

    stale_after = (
        stale_after
        if stale_after is not None
        else datetime.timedelta(seconds=settings.CASEWORK_JOB_STALE_SECONDS)
    )
    cutoff = clock.now() - stale_after
    recovered = DBTaskResult.objects.filter(status="RUNNING", started_at__lte=cutoff).update(
        status="READY", started_at=None
    )
    if recovered:
        logger.warning("Put %s stale job(s) back on the queue", recovered)
    return recovered


def run_pending(*, max_tasks: int | None = None, worker_id: str = "in-process") -> int:
    """Run every ready job in this process (what the worker does), and return how many ran. For tests and
    `casework_worker --batch`."""

    ran = 0
    while max_tasks is None or ran < max_tasks:
        with transaction.atomic():
            result = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if result is None:
                return ran
            result.claim(worker_id)
        _run_claimed(result)
        ran += 1
    return ran


def _run_claimed(result) -> None:
    try:
        value = result.task.call(*result.task_result.args, **result.task_result.kwargs)
    except Exception as error:  # the failure is recorded on the result; run_job has already retried it
        result.set_failed(error)
    else:
        result.set_successful(value)


@job("core.rate_limits_purge", every=datetime.timedelta(hours=1))
def rate_limits_purge() -> int:
    # An ended window counts nothing: deleting it only keeps the table small. Safe to run twice or at once.
    return purge()
