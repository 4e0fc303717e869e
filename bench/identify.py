#!/usr/bin/env python
"""Identify at council scale (part of make bench): matching three sources of a million records each with
Splink on DuckDB, beside bare Splink on the same files with the same trained model, and the cohort.

Each figure is printed beside its floor or target, measured in the same run, and written to
bench/identify-results.json. Each matching run is a child process, so its peak memory is its own (read
from the kernel's rusage when it ends). Sizes: BENCH_IDENTIFY_RECORDS per source (default 1,000,000),
BENCH_IDENTIFY_NEW (the new file matched against them, default 10,000), BENCH_COHORT_PEOPLE (1,000,000).

The figures:
- floor: bare Splink, link_and_dedupe over the three files at once: predict (at the review threshold) and
  cluster at the link threshold, nothing else;
- Casework's matching run: the sources matched in turn as Casework matches each import (predict_between
  the index and predict_within the new file, best candidate per record, thresholds, clusters over 10
  held for review), with precision and recall of its automatic links against the generated truth;
- a new file of BENCH_IDENTIFY_NEW records matched against the whole index, against Casework's full run;
- the cohort: a model version's rules over BENCH_COHORT_PEOPLE people, against 30 s.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RECORDS = int(os.environ.get("BENCH_IDENTIFY_RECORDS", 1_000_000))
NEW = int(os.environ.get("BENCH_IDENTIFY_NEW", 10_000))
COHORT_PEOPLE = int(os.environ.get("BENCH_COHORT_PEOPLE", 1_000_000))
TRAIN_RECORDS = int(os.environ.get("BENCH_IDENTIFY_TRAIN", 200_000))
SOURCES = ("housing_benefit", "nhs_shielded", "gp_frailty")
SEED = 20261205
MEMORY_LIMIT_MB = 4096
RUN_RATIO = 1.15
INCREMENTAL_RATIO = 0.2
COHORT_SECONDS = 30.0


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Child steps (run in their own process) ----------------------------------------------------------------


def _model(work: Path) -> dict:
    return json.loads((work / "model.json").read_text())


def step_floor(work: Path) -> dict:
    """Bare Splink: the three files as one link_and_dedupe job, predict and cluster."""
    import duckdb
    from splink import DuckDBAPI, Linker

    from casework.risk.pipeline import matching

    model = {k: v for k, v in _model(work).items() if k != "casework"}
    model["link_type"] = "link_and_dedupe"
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {matching.THREADS}")
    started = time.perf_counter()
    tables = []
    for source in SOURCES:
        matching._load(con, work / f"{source}.parquet", source)
        tables.append(f"{source}_records")
    db = DuckDBAPI(connection=con)
    linker = Linker([db.register(t, dataset_display_name=t) for t in tables], model)
    pairs = linker.inference.predict(threshold_match_probability=0.80)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, 0.99)
    count = con.execute(f"SELECT count(DISTINCT cluster_id) FROM {clusters.physical_name}").fetchone()[0]
    return {"seconds": time.perf_counter() - started, "clusters": count}


def step_casework(work: Path) -> dict:
    """Casework's run: each source matched in turn against the index built so far."""
    import pyarrow.parquet as pq

    from casework.risk.pipeline import matching

    model = _model(work)
    thresholds = matching.Thresholds()
    truth = json.loads((work / "truth.json").read_text())
    started = time.perf_counter()
    index = work / "index.parquet"
    decisions = []
    for number, source in enumerate(SOURCES):
        path = work / f"{source}.parquet"
        if number == 0:
            # The first source has nothing to match against but itself.
            empty = work / "empty.parquet"
            pq.write_table(pq.read_table(path).slice(0, 0), empty)
            found = matching.match_incremental(path, empty, model, thresholds)
            pq.write_table(pq.read_table(path), index)
        else:
            found = matching.match_incremental(path, index, model, thresholds)
            merged = pq.read_table(index).to_batches() + pq.read_table(path).to_batches()
            import pyarrow as pa

            pq.write_table(pa.Table.from_batches(merged), index)
        decisions.extend(found)
        say(f"  matched {source}: {len(found):,} records")
    seconds = time.perf_counter() - started
    links = [d for d in decisions if d.outcome == "link"]
    correct = sum(1 for d in links if truth[d.new_id] == truth[d.existing_id])
    seen: set[str] = set()
    matchable = 0
    for source in SOURCES:
        ids = pq.read_table(work / f"{source}.parquet", columns=["unique_id"]).column(0).to_pylist()
        people = [truth[i] for i in ids]
        matchable += sum(1 for person in people if person in seen)
        seen.update(people)
    linked_right = len({d.new_id for d in links if truth[d.new_id] == truth[d.existing_id]})
    return {
        "seconds": seconds,
        "links": len(links),
        "reviews": sum(1 for d in decisions if d.outcome == "review"),
        "precision": correct / len(links) if links else 1.0,
        "recall": linked_right / matchable if matchable else 1.0,
    }


def step_incremental(work: Path) -> dict:
    """A new file matched against the whole index (the three sources)."""
    from casework.risk.pipeline import matching

    started = time.perf_counter()
    found = matching.match_incremental(work / "new.parquet", work / "index.parquet", _model(work))
    return {"seconds": time.perf_counter() - started, "records": len(found)}


STEPS = {"floor": step_floor, "casework": step_casework, "incremental": step_incremental}


def run_child(step: str, work: Path) -> dict:
    """Run a step in a child process; its result with the child's peak memory (MB)."""
    out = work / f"{step}.json"
    process = subprocess.Popen([sys.executable, __file__, "--step", step, str(work)])
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"the {step} step failed (status {status})")
    result = json.loads(out.read_text())
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


# --- The parent: data, training, steps, the table ----------------------------------------------------------


def make_data(work: Path) -> None:
    """Three sources of RECORDS records each (80% of a population each, so most people are in two or three),
    a new file of NEW records, and the truth."""
    from casework.risk.pipeline import matching, synthetic

    rng = random.Random(SEED)
    population = synthetic.people(int(RECORDS * 1.25), seed=SEED)
    truth: dict[str, str] = {}
    for number, source in enumerate(SOURCES):
        chosen = rng.sample(population, RECORDS)
        copies = synthetic.corrupt(chosen, seed=SEED + number, rate=0.1, source=source)
        truth.update((c["unique_id"], p["unique_id"]) for p, c in zip(chosen, copies, strict=True))
        matching.write_records(copies, work / f"{source}.parquet")
        say(f"  {source}: {len(copies):,} records")
    chosen = rng.sample(population, NEW)
    copies = synthetic.corrupt(chosen, seed=SEED + 9, rate=0.1, source="council_tax_reduction")
    matching.write_records(copies, work / "new.parquet")
    (work / "truth.json").write_text(json.dumps(truth))


def train(work: Path) -> float:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from casework.risk.pipeline import matching

    per_source = TRAIN_RECORDS // len(SOURCES)
    sample = pa.concat_tables([pq.read_table(work / f"{s}.parquet").slice(0, per_source) for s in SOURCES])
    pq.write_table(sample, work / "training.parquet")
    started = time.perf_counter()
    model = matching.train(work / "training.parquet", seed=1)
    (work / "model.json").write_text(json.dumps(model))
    return time.perf_counter() - started


def cohort_seconds() -> tuple[float, int]:
    """Rules of a model version over COHORT_PEOPLE people with random factors (pure, as the cohort run
    evaluates them once the factors are read)."""
    from casework.risk.pipeline import cohort, rules

    rng = random.Random(SEED)
    factors = ["council_tax_reduction/arrears", "nhs/shielded", "housing_benefit/claimant", "gp/frailty"]
    subjects = [
        rules.Subject(
            key=f"p:{n}",
            factors=frozenset(f for f in factors if rng.random() < 0.2),
            age=rng.randrange(18, 100),
            area=rng.choice(["RG40", "RG41", "RG12"]),
        )
        for n in range(COHORT_PEOPLE)
    ]
    arrears, frailty = {"factor": "council_tax_reduction/arrears"}, {"factor": "gp/frailty"}
    model_rules = [
        rules.Rule("R1", "high", {"all": [{"factor": "nhs/shielded"}, {"age_at_least": 75}]}),
        rules.Rule("R2", "high", {"all": [frailty, arrears]}),
        rules.Rule("R3", "medium", {"any": [arrears, frailty]}),
        rules.Rule("R4", "low", {"all": [{"factor": "housing_benefit/claimant"}, {"area_in": ["RG40"]}]}),
    ]
    started = time.perf_counter()
    rows = cohort.generate(subjects, model_rules, {"high": 1, "medium": 2, "low": 3})
    cohort.fingerprint(rows)
    return time.perf_counter() - started, len(rows)


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--step":
        work = Path(sys.argv[3])
        result = STEPS[sys.argv[2]](work)
        (work / f"{sys.argv[2]}.json").write_text(json.dumps(result))
        return 0
    results: dict = {"records_per_source": RECORDS, "sources": len(SOURCES), "new_file": NEW}
    with tempfile.TemporaryDirectory(prefix="casework-identify-") as folder:
        work = Path(folder)
        say(f"Identify bench: {len(SOURCES)} sources x {RECORDS:,} records, a new file of {NEW:,}")
        make_data(work)
        results["training_seconds"] = train(work)
        say(f"  trained on {TRAIN_RECORDS:,} records in {results['training_seconds']:.1f} s")
        for step in ("floor", "casework", "incremental"):
            results[step] = run_child(step, work)
            say(f"  {step}: {results[step]}")
    results["cohort_seconds"], results["cohort_rows"] = cohort_seconds()
    floor, run, new = results["floor"], results["casework"], results["incremental"]
    rows = [
        (
            "Matching run, 3 sources (Casework / bare Splink predict+cluster)",
            f"{run['seconds']:.1f} s / {floor['seconds']:.1f} s",
            f"{run['seconds'] / floor['seconds']:.2f}x",
            f"<= {RUN_RATIO}x",
            run["seconds"] / floor["seconds"] <= RUN_RATIO,
        ),
        (
            "Peak memory of the matching run (Casework / Splink)",
            f"{run['peak_mb']:.0f} / {floor['peak_mb']:.0f} MB",
            "",
            f"<= {MEMORY_LIMIT_MB} MB",
            run["peak_mb"] <= MEMORY_LIMIT_MB,
        ),
        (
            f"A new file of {NEW:,} against the index / the full run",
            f"{new['seconds']:.1f} s / {run['seconds']:.1f} s",
            f"{new['seconds'] / run['seconds']:.3f}x",
            f"<= {INCREMENTAL_RATIO}x",
            new["seconds"] / run["seconds"] <= INCREMENTAL_RATIO,
        ),
        (
            "Precision / recall of automatic links (generated truth)",
            f"{run['precision']:.4f} / {run['recall']:.4f}",
            "",
            ">= 0.99 / >= 0.95",
            run["precision"] >= 0.99 and run["recall"] >= 0.95,
        ),
        (
            f"Cohort rules over {COHORT_PEOPLE:,} people",
            f"{results['cohort_seconds']:.1f} s",
            "",
            f"<= {COHORT_SECONDS:.0f} s",
            results["cohort_seconds"] <= COHORT_SECONDS,
        ),
    ]
    results["table"] = [
        {"measure": m, "value": v, "ratio": r, "target": t, "pass": ok} for m, v, r, t, ok in rows
    ]
    print(f"\n{'Measure':<66} {'Value':<24} {'Ratio':<8} {'Target':<18} Result")
    for m, v, r, t, ok in rows:
        print(f"{m:<66} {v:<24} {r:<8} {t:<18} {'PASS' if ok else 'MISS'}")
    (ROOT / "bench" / "identify-results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
