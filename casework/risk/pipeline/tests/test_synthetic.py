"""The labelled synthetic population, and the matching quality gate measured on it (no database).

The gate: at least 1,000 labelled pairs, precision >= 0.99 and recall >= 0.95 for automatic links at the
default thresholds, with a model trained unsupervised on the same records (the truth is used only to score).
"""

import time
from collections import Counter
from types import SimpleNamespace

import nhs_number as nhs
import pytest

from casework.risk.pipeline.matching import RECORD_COLUMNS, match_incremental, train, write_records
from casework.risk.pipeline.synthetic import (
    corrupt,
    labelled_pairs,
    people,
    precision_recall,
    scenario,
)


def test_people_are_seeded_households_with_valid_test_nhs_numbers():
    first = people(500, seed=5)
    assert first == people(500, seed=5)
    assert first != people(500, seed=6)
    assert len(first) == 500
    assert all(set(p) == set(RECORD_COLUMNS) for p in first)
    assert len({p["unique_id"] for p in first}) == 500
    assert all(nhs.is_valid(p["nhs_number"]) and p["nhs_number"].startswith("999") for p in first)
    # Households: addresses are shared, mostly with one family name.
    sizes = Counter(p["uprn"] for p in first)
    assert max(sizes.values()) >= 3
    assert sum(1 for size in sizes.values() if size > 1) > 50


def test_corrupt_copies_in_order_with_fresh_ids_and_only_the_sources_fields():
    truth = people(300, seed=1)
    clean = corrupt(truth, seed=2, rate=0, source="housing_benefit")
    assert len(clean) == len(truth)
    for person, copy in zip(truth, clean, strict=True):
        assert (
            copy["unique_id"].startswith("housing_benefit-") and person["unique_id"] not in copy["unique_id"]
        )
        assert copy["source"] == "housing_benefit"
        assert copy["nhs_number"] is None  # housing benefit does not hold NHS numbers
        assert {k: copy[k] for k in ("given_name", "family_name", "date_of_birth", "postcode", "uprn")} == {
            k: person[k] for k in ("given_name", "family_name", "date_of_birth", "postcode", "uprn")
        }
    messy = corrupt(truth, seed=2, rate=0.5, source="gp_frailty")
    assert messy == corrupt(truth, seed=2, rate=0.5, source="gp_frailty")
    changed = Counter(
        col
        for person, copy in zip(truth, messy, strict=True)
        for col in RECORD_COLUMNS
        if copy[col] != person[col]
    )
    assert changed["uprn"] == 300  # the GP list holds no UPRNs
    for col in ("given_name", "family_name", "date_of_birth", "postcode", "nhs_number"):
        assert 30 < changed[col] < 300, col
    swapped = sum(
        1
        for p, c in zip(truth, messy, strict=True)
        if c["family_name"] and c["family_name"] == p["given_name"]
    )
    assert swapped > 5
    with pytest.raises(ValueError, match="rate must be between 0 and 1"):
        corrupt(truth, seed=1, rate=2)


def test_labelled_pairs_hold_every_true_pair_and_hard_non_matches():
    s = scenario(800, seed=2)
    pairs = labelled_pairs(s)
    existing = {r["unique_id"] for r in s.existing}
    order = {r["unique_id"]: i for i, r in enumerate(s.new)}
    for new_id, other, same in pairs:
        assert (s.truth[new_id] == s.truth[other]) is same
        assert other in existing or order[other] < order[new_id]
    expected = sum(
        1 for r in s.new for o in s.existing if s.truth[o["unique_id"]] == s.truth[r["unique_id"]]
    ) + sum(
        1
        for r in s.new
        for o in s.new[: order[r["unique_id"]]]
        if s.truth[o["unique_id"]] == s.truth[r["unique_id"]]
    )
    assert sum(same for *_, same in pairs) == expected
    assert sum(not same for *_, same in pairs) > len(s.new) // 2
    persons_in_new = {s.truth[r["unique_id"]] for r in s.new}
    persons_in_index = {s.truth[r["unique_id"]] for r in s.existing}
    assert persons_in_new - persons_in_index, "some people in the new file are not in the index"


def test_precision_recall_counts_links_only():
    truth = [
        ("n1", "e1", True),
        ("n2", "e2", True),
        ("n3", "e3", True),
        ("n1", "e9", False),
        ("n4", "n1", True),
    ]

    def decision(new_id, existing_id, outcome):
        return SimpleNamespace(new_id=new_id, existing_id=existing_id, outcome=outcome)

    decisions = [
        decision("n1", "e1", "link"),
        decision("n2", "e7", "link"),  # wrong person
        decision("n3", "e3", "review"),  # right, but not automatic
        decision("n4", "n1", "link"),  # a duplicate inside the new file
        decision("n5", None, "new"),
    ]
    assert precision_recall(decisions, truth) == (2 / 3, 2 / 4)
    assert precision_recall([], truth) == (1.0, 0.0)


def test_matching_quality_on_the_labelled_fixture(tmp_path):
    started = time.perf_counter()
    s = scenario(10_000, seed=7, rate=0.1)
    existing = write_records(s.existing, tmp_path / "existing.parquet")
    new = write_records(s.new, tmp_path / "new.parquet")
    model = train(write_records(s.existing + s.new, tmp_path / "all.parquet"), seed=1)
    decisions = match_incremental(new, existing, model)
    pairs = labelled_pairs(s)
    precision, recall = precision_recall(decisions, pairs)
    elapsed = time.perf_counter() - started

    assert len(pairs) >= 1000 and sum(same for *_, same in pairs) >= 1000
    outcomes = Counter(d.outcome for d in decisions)
    report = f"precision {precision:.4f} recall {recall:.4f} {dict(outcomes)} in {elapsed:.1f}s"
    assert precision >= 0.99, report
    assert recall >= 0.95, report
    assert outcomes["review"] > 0 and outcomes["new"] > 0, report
    assert elapsed < 45, report
