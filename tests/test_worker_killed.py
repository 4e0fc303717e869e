"""A real worker process killed half-way through sending a letter, then run again: exactly one letter.

The worker runs against a scratch database of its own (SQLite file, or a PostgreSQL database when the suite
runs on PostgreSQL), set up with migrate, so that it is a separate process seeing committed data only, like
production.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = """
from tests.factories import CaseFactory, InitiativeFactory, PersonFactory
from casework.core.jobs import enqueue
initiative = InitiativeFactory()
person = PersonFactory(created_by_organisation=initiative.lead_organisation, address_line_1="4 Mill Lane",
                       town="Casterbridge", postcode="DT1 1AA")
case = CaseFactory(person=person, initiative=initiative, raised_by_organisation=initiative.lead_organisation)
enqueue("letters.send", kind="invite_contact", case_id=case.pk, effect_key=f"invite:{case.pk}")
"""
COUNT = (
    "from casework.letters.models import Letter; from django_tasks_db.models import DBTaskResult; "
    "print(Letter.objects.count(), ','.join(sorted(DBTaskResult.objects.values_list('status', flat=True))))"
)


@pytest.fixture
def scratch(tmp_path):
    """(environment, outbox) for subprocesses on a database of their own."""
    url = os.environ.get("DATABASE_URL", "")
    name = None
    if url.startswith("postgres"):
        import psycopg

        base = url.rsplit("/", 1)[0]
        name = f"casework_killed_{os.getpid()}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{base}/{name}"
    else:
        url = f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    outbox = tmp_path / "outbox"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "CASEWORK_VAR_DIR": str(tmp_path),
        "CASEWORK_LETTERS_DIR": str(outbox),
        "PYTHONPATH": str(REPO),
    }
    env.pop("CASEWORK_JOB_PAUSE_AT", None)
    yield env, outbox
    if name:
        import psycopg

        with psycopg.connect(f"{url.rsplit('/', 1)[0]}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(env, *args, timeout=240):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _state(env):
    letters, statuses = _manage(env, "shell", "-c", COUNT).strip().splitlines()[-1].split()
    return int(letters), statuses


def test_a_worker_killed_while_sending_a_letter_leaves_exactly_one_letter(scratch):
    env, outbox = scratch
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "shell", "-c", SEED)
    assert _state(env) == (0, "READY")

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "casework_worker", "--interval", "0.2", "--no-schedule"],
        cwd=REPO,
        env={**env, "CASEWORK_JOB_PAUSE_AT": "letters.after_send"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while not list(outbox.glob("*.pdf")):
            assert worker.poll() is None, worker.stdout.read().decode()[-3000:]
            assert time.monotonic() < deadline, "the worker never reached the letter"
            time.sleep(0.2)
        # The PDF has gone to the printer's folder; the worker is stopped dead before its transaction commits.
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _state(env) == (0, "RUNNING")

    # A new worker finds the job its dead colleague left running, runs it again, and sends one letter.
    _manage(env, "casework_worker", "--batch", "--no-schedule", "--stale-after", "0")
    assert _state(env) == (1, "SUCCESSFUL")
    assert len(list(outbox.glob("*.pdf"))) == 1
    # And running the worker again changes nothing.
    _manage(env, "casework_worker", "--batch", "--no-schedule", "--stale-after", "0")
    assert _state(env) == (1, "SUCCESSFUL") and len(list(outbox.glob("*.pdf"))) == 1
