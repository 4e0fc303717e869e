"""Matching with Splink 5 on DuckDB: training, incremental matching, clusters, waterfalls, bad input.

No database: the records are Parquet files in a temporary folder.
"""

import copy
import hashlib
import math

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from casework.risk.pipeline import matching
from casework.risk.pipeline.matching import (
    COMPARISONS,
    RECORD_COLUMNS,
    Thresholds,
    match_incremental,
    train,
    waterfall_for,
    write_records,
)
from casework.risk.pipeline.synthetic import scenario

ANN = {
    "source": "test",
    "nhs_number": "9990000018",
    "given_name": "Ann",
    "family_name": "Smith",
    "date_of_birth": "1950-04-03",
    "postcode": "RG40 1AB",
    "uprn": "100000000001",
}


def rec(unique_id, **fields):
    return {"unique_id": unique_id, **ANN, **fields}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("matching")
    s = scenario(3000, seed=11)
    existing = write_records(s.existing, folder / "existing.parquet")
    new = write_records(s.new, folder / "new.parquet")
    everything = write_records(s.existing + s.new, folder / "all.parquet")
    model = train(everything, seed=3)
    return {"scenario": s, "existing": existing, "new": new, "all": everything, "model": model, "dir": folder}


def test_the_model_carries_its_provenance(world):
    model = world["model"]
    meta = model["casework"]
    assert meta["training_data_sha256"] == hashlib.sha256(world["all"].read_bytes()).hexdigest()
    assert meta["splink_version"] == "5.0.0"
    assert meta["seed"] == 3
    assert meta["records"] == len(world["scenario"].existing) + len(world["scenario"].new)
    assert meta["trained_at"].endswith("+00:00")
    assert [c["output_column_name"] for c in model["comparisons"]] == list(COMPARISONS)
    assert model["sql_dialect"] == "duckdb"
    assert meta["untrained"] == []


def parameters(model):
    """Every trained m and u, in order ((comparison, level, "m"|"u") -> value)."""
    return {
        (c["output_column_name"], level["label_for_charts"], key): level[f"{key}_probability"]
        for c in model["comparisons"]
        for level in c["comparison_levels"]
        for key in ("m", "u")
        if not level.get("is_null_level")
    }


def test_training_is_reproducible_with_its_seed(world):
    """The same seed gives the same model (up to the rounding of DuckDB's parallel sums)."""
    model = world["model"]
    again = train(world["all"], seed=3)
    assert parameters(again) == pytest.approx(parameters(model), rel=1e-9)
    assert again["probability_two_random_records_match"] == model["probability_two_random_records_match"]
    other = train(world["all"], seed=4)
    assert parameters(other) != pytest.approx(parameters(model), rel=1e-9)


def test_the_trained_weights_point_the_right_way(world):
    weights = {
        (r["comparison"], r["level"]): r["match_weight"] for r in matching.model_summary(world["model"])
    }
    for comparison in COMPARISONS:
        assert weights[(comparison, "exact")] > 5
        assert weights[(comparison, "different")] < 0
    assert weights[("date_of_birth", "day and month swapped")] > weights[("date_of_birth", "within a year")]
    assert (
        weights[("given_name", "very similar (Jaro-Winkler >= 0.92)")]
        > weights[("given_name", "similar (Jaro-Winkler >= 0.80)")]
    )


def test_one_decision_per_new_record_in_file_order(world):
    decisions = match_incremental(world["new"], world["existing"], world["model"])
    new_ids = [r["unique_id"] for r in world["scenario"].new]
    assert [d.new_id for d in decisions] == new_ids
    position = {rid: i for i, rid in enumerate(new_ids)}
    existing_ids = {r["unique_id"] for r in world["scenario"].existing}
    thresholds = Thresholds()
    outcomes = {d.outcome for d in decisions}
    assert outcomes == {"link", "review", "new"}
    for d in decisions:
        assert d.outcome == thresholds.outcome(d.probability) or d.outcome == "review"
        if d.outcome == "new":
            assert d.existing_id is None and d.waterfall == ()
            continue
        # A candidate is in the index or earlier in the new file.
        assert d.existing_id in existing_ids or position[d.existing_id] < position[d.new_id]
        assert d.waterfall[0]["comparison"] == "prior"
        assert [bar["comparison"] for bar in d.waterfall[1:]] == list(COMPARISONS)
        total = sum(bar["match_weight"] for bar in d.waterfall)
        if 1e-9 < d.probability < 1 - 1e-9:
            assert total == pytest.approx(math.log2(d.probability / (1 - d.probability)), abs=1e-6)
    within = [d for d in decisions if d.outcome == "link" and d.existing_id not in existing_ids]
    assert within, "duplicates inside the new file are found"


def test_thresholds_decide_the_outcome(world):
    strict = match_incremental(
        world["new"], world["existing"], world["model"], Thresholds(link=1.0, review=0.5)
    )
    assert {d.outcome for d in strict} <= {"review", "new"}
    assert all(d.existing_id is not None for d in strict if d.probability >= 0.5)


def test_a_cluster_larger_than_the_cap_goes_to_review(tmp_path, world):
    existing = write_records([rec(f"e{i}") for i in range(3)], tmp_path / "existing.parquet")
    new = write_records([rec("n1", given_name="ann", postcode="rg401ab")], tmp_path / "new.parquet")
    capped = match_incremental(new, existing, world["model"], Thresholds(max_cluster=3))
    assert [(d.existing_id, d.outcome) for d in capped] == [("e0", "review")]
    assert capped[0].probability > 0.99
    allowed = match_incremental(new, existing, world["model"], Thresholds(max_cluster=4))
    assert [(d.existing_id, d.outcome) for d in allowed] == [("e0", "link")]


def test_swapped_names_and_a_move_are_still_found(tmp_path, world):
    existing = write_records(
        [rec("e1"), rec("e2", given_name="Bob", date_of_birth="1980-01-01")], tmp_path / "e.pq"
    )
    new = write_records(
        [rec("n1", given_name="Smith", family_name="Ann", nhs_number=None, postcode="SL4 2ZZ", uprn=None)],
        tmp_path / "n.pq",
    )
    [decision] = match_incremental(new, existing, world["model"])
    assert decision.existing_id == "e1"
    levels = {bar["comparison"]: bar["level"] for bar in decision.waterfall}
    assert levels["given_name"] == "swapped with family name"
    assert levels["postcode"] == "different"
    assert levels["nhs_number"] == "missing"


def test_waterfall_for_a_pair_standardises_first(world):
    a = rec("x", nhs_number="999 000 0018", postcode="rg40 1ab", given_name=" ann ")
    b = rec("x", date_of_birth="1950-03-04", family_name="Smithe")
    bars = waterfall_for(a, b, world["model"])
    levels = {bar["comparison"]: bar["level"] for bar in bars}
    assert levels == {
        "prior": "two records picked at random",
        "nhs_number": "exact",
        "given_name": "exact",
        "family_name": "very similar (Jaro-Winkler >= 0.92)",
        "date_of_birth": "day and month swapped",
        "postcode": "exact",
        "uprn": "exact",
    }
    different = waterfall_for(a, rec("y", given_name="Zed", nhs_number="9990000026"), world["model"])
    assert sum(b["match_weight"] for b in different) < sum(b["match_weight"] for b in bars)


def test_bad_files_are_refused_with_a_reason(tmp_path, world):
    good = write_records([rec("e1")], tmp_path / "good.parquet")
    with pytest.raises(ValueError, match="no records file"):
        match_incremental(tmp_path / "missing.parquet", good, world["model"])
    pq.write_table(pa.table({"unique_id": ["a"], "given_name": ["Ann"]}), tmp_path / "thin.parquet")
    with pytest.raises(ValueError, match="lacks the column"):
        match_incremental(tmp_path / "thin.parquet", good, world["model"])
    twice = write_records([rec("n1"), rec("n1")], tmp_path / "twice.parquet")
    with pytest.raises(ValueError, match="unique_id is repeated"):
        match_incremental(twice, good, world["model"])
    clash = write_records([rec("e1")], tmp_path / "clash.parquet")
    with pytest.raises(ValueError, match="reuse an existing unique_id"):
        match_incremental(clash, good, world["model"])
    with pytest.raises(ValueError, match="not a Splink model"):
        match_incremental(good, good, {"casework": {}})
    with pytest.raises(ValueError, match="training needs at least two"):
        train(good)
    strangers = write_records(
        [rec("a"), rec("b", given_name="Bob", nhs_number=None, date_of_birth="1970-01-01")], tmp_path / "s.pq"
    )
    with pytest.raises(ValueError, match="cannot be estimated: train on more records"):
        train(strangers)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"link": 0.8, "review": 0.9}, "review <= link"),
        ({"review": 0}, "0 < review"),
        ({"link": 1.2}, "link <= 1"),
        ({"max_cluster": 1}, "at least 2"),
    ],
)
def test_thresholds_must_make_sense(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Thresholds(**kwargs)


def test_records_round_trip_through_parquet(tmp_path):
    path = write_records(
        [rec("a", uprn=100000000001, extra="dropped"), {"unique_id": "b"}], tmp_path / "r.pq"
    )
    table = pq.read_table(path)
    assert table.column_names == list(RECORD_COLUMNS)
    rows = table.to_pylist()
    assert rows[0]["uprn"] == "100000000001"
    assert rows[1] == {col: ("b" if col == "unique_id" else None) for col in RECORD_COLUMNS}


def test_levels_the_data_never_showed_are_listed(world):
    model = copy.deepcopy(world["model"])
    del model["comparisons"][5]["comparison_levels"][1]["m_probability"]
    assert matching.untrained_levels(model) == ["uprn: exact (m)"]
