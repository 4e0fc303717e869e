"""Cohort generation is pure and reproducible (no database)."""

import random
import time

import pytest

from casework.risk.pipeline.cohort import CohortRow, canonical_json, fingerprint, generate
from casework.risk.pipeline.rules import Rule, Subject

RANK = {"high": 1, "medium": 2}
RULES = [
    Rule("R3", "high", {"factor": "council_tax_reduction/arrears"}),
    Rule("R5", "medium", {"any": [{"factor": "nhs/shielded"}, {"age_at_least": 75}]}),
    Rule("R7", "high", {"all": [{"age_at_least": 75}, {"area_in": ["RG40"]}]}),
]
SUBJECTS = [
    Subject("p:3", frozenset({"nhs/shielded"}), 60, "RG41"),
    Subject("h:9", frozenset({"council_tax_reduction/arrears"}), None, ""),
    Subject("p:1", frozenset(), 80, "RG40"),
    Subject("p:2", frozenset({"housing_benefit/claimant"}), 30, "RG40"),
]


def test_rows_only_for_subjects_with_a_category_sorted_by_key():
    assert generate(SUBJECTS, RULES, RANK) == [
        CohortRow("h:9", "high", ("R3",)),
        CohortRow("p:1", "high", ("R5", "R7")),
        CohortRow("p:3", "medium", ("R5",)),
    ]


def test_the_same_input_in_any_order_gives_identical_output_and_fingerprint():
    first = generate(SUBJECTS, RULES, RANK)
    shuffled = list(SUBJECTS)
    random.Random(4).shuffle(shuffled)
    second = generate(iter(shuffled), RULES, RANK)
    assert second == first
    assert fingerprint(second) == fingerprint(first)
    assert len(fingerprint(first)) == 64


def test_the_fingerprint_changes_with_any_part_of_a_row():
    rows = generate(SUBJECTS, RULES, RANK)
    base = fingerprint(rows)
    assert fingerprint(rows[:-1]) != base
    assert fingerprint([CohortRow("h:9", "medium", ("R3",)), *rows[1:]]) != base
    assert fingerprint([CohortRow("h:9", "high", ("R3", "R5")), *rows[1:]]) != base
    assert canonical_json(rows[:1]) == '[["h:9","high",["R3"]]]'


def test_a_subject_given_twice_is_refused():
    with pytest.raises(ValueError, match="subject 'p:1' is given more than once"):
        generate([SUBJECTS[2], SUBJECTS[2]], RULES, RANK)


def test_a_hundred_thousand_subjects_in_a_few_seconds():
    rng = random.Random(1)
    factors = ["council_tax_reduction/arrears", "nhs/shielded", "housing_benefit/claimant", "x/y"]
    subjects = [
        Subject(
            f"p:{i}",
            frozenset(f for f in factors if rng.random() < 0.2),
            rng.choice([None, *range(18, 100)]),
            rng.choice(["", "RG40", "RG41"]),
        )
        for i in range(100_000)
    ]
    started = time.perf_counter()
    rows = generate(subjects, RULES, RANK)
    elapsed = time.perf_counter() - started
    assert 30_000 < len(rows) < 100_000
    # The bar is a million in 30 s; a tenth of that here, with room for a busy machine.
    assert elapsed < 3.0, elapsed


# --- Evidence, minimisation, counts, explanation (issue 15: the cohort) ---

from casework.risk.pipeline.cohort import counts, evidence, explain_row, factors_in, not_in_cohort  # noqa: E402

DESCRIBED = [
    Rule("R3", "high", {"factor": "council_tax_reduction/arrears"}, "council tax arrears"),
    Rule("R5", "medium", {"any": [{"factor": "nhs/shielded"}, {"age_at_least": 75}]}, "shielded or 75+"),
    Rule("R7", "high", {"age_at_least": 75}, "aged 75 or over"),
]


def test_factors_in_finds_every_factor_leaf():
    assert factors_in(
        {"all": [{"factor": "a/b"}, {"not": {"any": [{"factor": "c/d"}, {"age_under": 3}]}}]}
    ) == {
        "a/b",
        "c/d",
    }


def test_evidence_names_the_subjects_factors_behind_each_fired_rule():
    subject = Subject("p:1", frozenset({"council_tax_reduction/arrears", "housing/other"}), 80, "RG40")
    (row,) = generate([subject], DESCRIBED, RANK)
    assert row == CohortRow("p:1", "high", ("R3", "R5", "R7"))
    assert evidence(row, subject, DESCRIBED) == {
        "R3": ("council_tax_reduction/arrears",),
        "R5": (),
        "R7": (),
    }
    assert explain_row(row, DESCRIBED, RANK, {"high": "High", "medium": "Medium"}) == (
        "High: R3 council tax arrears + R7 aged 75 or over; also Medium: R5 shielded or 75+"
    )


def test_subjects_with_no_category_are_the_ones_whose_factors_go():
    rows = generate(SUBJECTS, RULES, RANK)
    assert not_in_cohort([s.key for s in SUBJECTS], rows) == {"p:2"}


def test_counts_by_category_and_area():
    rows = generate(SUBJECTS, RULES, RANK)
    areas = {s.key: s.area for s in SUBJECTS}
    assert counts(rows, areas) == {"high": {"": 1, "RG40": 1}, "medium": {"RG41": 1}}
