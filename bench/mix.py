"""The realistic-mix load run of make bench (issue 14): bench/locustfile.py, headless, on loopback only."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIX_P95_RATIO_TARGET = 15.0  # the mix's p95 within 15x the floor (the team worklist's raw SQL)


def _top(qs, column: str, n: int = 8) -> list:
    from django.db.models import Count

    return list(
        qs.order_by().values(column).annotate(n=Count("id")).order_by("-n").values_list(column, flat=True)[:n]
    )


def mix_data(*, tokens: dict[str, str], people: list) -> dict:
    """What the simulated users need from the data: cases each may open, people to look for, filter values."""
    from casework.accounts.models import Membership, Team, User
    from casework.allocation.selectors import team_worklist
    from casework.cases.models import RiskCategory
    from casework.cases.selectors import my_cases

    cases = {}
    for username in ("bench.worker", "bench.manager"):
        user = User.objects.get(username=username)
        # Their own cases, and cases on their worklist (opened before accepting one).
        ids = list(my_cases(user=user).values_list("id", flat=True)[:200])
        ids += list(team_worklist(user=user).values_list("id", flat=True)[:100])
        cases[username] = ids
    # Contacts are recorded on the practitioner's own cases only.
    worker = User.objects.get(username="bench.worker")
    cases["bench.worker"] = (
        list(my_cases(user=worker).values_list("id", flat=True)[:200]) or cases["bench.worker"]
    )
    membership = Membership.objects.filter(user=worker).select_related("organisation").first()
    organisation_id = membership.organisation_id
    from casework.waiting_list.models import WaitingListEntry

    return {
        "cases": cases,
        "people": [
            {
                "nhs_number": p.nhs_number,
                "family_name": p.family_name,
                "date_of_birth": p.date_of_birth.isoformat(),
            }
            for p in people
        ],
        "areas": _top(team_worklist(user=worker), "area") or ["A1"],
        "waiting_areas": _top(
            WaitingListEntry.objects.filter(organisation_id=organisation_id, exited_on__isnull=True), "area"
        )
        or ["A1"],
        "risk_category_ids": list(
            RiskCategory.objects.filter(initiative_id=membership.organisation.initiative_id).values_list(
                "id", flat=True
            )
        ),
        "team_ids": list(Team.objects.filter(organisation_id=organisation_id).values_list("id", flat=True)),
        "tokens": tokens,
    }


def run_mix(*, port: int, seconds: int, users: int, data: dict, say) -> dict:
    """Run the mix; the aggregate over every request: count, failures, requests/s, p50 and p95 (ms)."""
    locust = Path(sys.executable).parent / "locust"
    if not locust.exists():
        raise RuntimeError("locust is not installed: pip install -e '.[dev]'")
    with tempfile.TemporaryDirectory() as tmp:
        data_file = Path(tmp) / "mix.json"
        data_file.write_text(json.dumps(data))
        prefix = str(Path(tmp) / "mix")
        # The users arrive over the first part of the run, each signing in; the figures are of the rest of it
        # (--reset-stats), when all of them are at work (signing in again now and then, among the rest).
        spawn_rate = max(1, users // 20)
        ramp = users / spawn_rate
        if seconds <= ramp + 10:
            raise RuntimeError(f"BENCH_MIX_SECONDS must be over {ramp + 10:.0f} for {users} users")
        say(f"Realistic mix: {users} users, arriving over {ramp:.0f} s, then {seconds - ramp:.0f} s measured")
        completed = subprocess.run(
            [
                str(locust),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(spawn_rate),
                "--reset-stats",
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                "10",
            ],
            env={**os.environ, "BENCH_MIX_DATA": str(data_file)},
            capture_output=True,
            text=True,
        )
        rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))
        failures = list(csv.DictReader(open(f"{prefix}_failures.csv")))
    if completed.returncode not in (0, 1):  # 1: some requests failed, reported below
        raise RuntimeError(f"locust exited with {completed.returncode}: {completed.stderr[-2000:]}")
    total = next(row for row in rows if row["Name"] == "Aggregated")
    per_request = {
        row["Name"]: {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"] or 0),
            "p95_ms": float(row["95%"] or 0),
        }
        for row in rows
        if row["Name"] != "Aggregated"
    }
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": int(total["Request Count"]) / (seconds - ramp),
        "measured_seconds": seconds - ramp,
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "by_request": per_request,
        "failure_examples": [
            {"name": f["Name"], "error": f["Error"][:300], "occurrences": f["Occurrences"]}
            for f in failures[:10]
        ],
    }
