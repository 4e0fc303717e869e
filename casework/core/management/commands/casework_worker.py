"""Run background jobs and the schedule: `python manage.py casework_worker` (make run starts one)."""

from __future__ import annotations

import datetime
import os
import signal
import socket
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from casework.core import jobs


class Command(BaseCommand):
    help = (
        "Run queued background jobs (letters, escalation sweeps, re-contact dates, reminders) and enqueue "
        "scheduled ones when they are due. Stop with Ctrl+C or SIGTERM: the job in hand finishes first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when there is no work"
        )
        parser.add_argument("--batch", action="store_true", help="Run what is ready (and due) now, then exit")
        parser.add_argument("--no-schedule", action="store_true", help="Do not enqueue scheduled jobs")
        parser.add_argument(
            "--stale-after",
            type=float,
            default=None,
            help="Seconds after which a job still marked running is run again (its worker died); "
            "default CASEWORK_JOB_STALE_SECONDS",
        )

    def handle(self, *args, interval=1.0, batch=False, no_schedule=False, stale_after=None, **options):
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        worker_id = f"{socket.gethostname()}-{os.getpid()}"
        stale = datetime.timedelta(seconds=stale_after) if stale_after is not None else None
        names = ", ".join(sorted(jobs.registered_jobs()))
        self.stdout.write(f"Casework worker {worker_id}: jobs {names}")
        last_recovery = 0.0
        while not self.stopping:
            close_old_connections()
            if time.monotonic() - last_recovery > 30 or batch:
                jobs.recover_stale(stale)
                last_recovery = time.monotonic()
            if not no_schedule:
                for name in jobs.schedule_tick():
                    self.stdout.write(f"Scheduled {name}")
            ran = jobs.run_pending(max_tasks=1, worker_id=worker_id)
            if ran:
                continue
            if batch:
                break
            time.sleep(interval)
        self.stdout.write("Casework worker stopped")

    def _stop(self, signum, frame):
        if self.stopping:
            raise SystemExit(1)
        self.stdout.write("Stopping after the job in hand (again to stop at once)")
        self.stopping = True
