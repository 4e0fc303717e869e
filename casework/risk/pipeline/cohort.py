"""The cohort (SAVVI's risk index): one row per subject that a rule puts in a category.

Reproducible by construction: the rows are sorted by subject key and carry the fired rule ids in rule
order, so the same rules over the same subjects give identical rows and an identical fingerprint, whatever
order the subjects came in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from casework.risk.pipeline.rules import CompiledRules, Rule, Subject


@dataclass(frozen=True)
class CohortRow:
    subject_key: str
    category: str
    rule_ids: tuple[str, ...]


def generate(
    subjects: Iterable[Subject], rules: Sequence[Rule], category_rank: Mapping[str, int]
) -> list[CohortRow]:
    """Rows only for subjects with a category, sorted by subject_key.

    Raises ValueError for an invalid rule, an unranked category or a subject key given twice (its factors
    should have been merged into one subject before this runs).
    """
    compiled = CompiledRules(rules, category_rank)
    rows: list[CohortRow] = []
    seen: set[str] = set()
    for subject in subjects:
        if subject.key in seen:
            raise ValueError(f"subject {subject.key!r} is given more than once")
        seen.add(subject.key)
        category, fired = compiled.evaluate(subject)
        if category is not None:
            rows.append(CohortRow(subject.key, category, fired))
    rows.sort(key=lambda row: row.subject_key)
    return rows


def canonical_json(rows: Sequence[CohortRow]) -> str:
    """The rows as compact JSON, sorted by subject key: the text the fingerprint is taken of."""
    ordered = sorted(rows, key=lambda row: (row.subject_key, row.category, row.rule_ids))
    return json.dumps(
        [[row.subject_key, row.category, list(row.rule_ids)] for row in ordered],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def fingerprint(rows: Sequence[CohortRow]) -> str:
    """The SHA-256 (hex) of the canonical JSON of the rows."""
    return hashlib.sha256(canonical_json(rows).encode("utf-8")).hexdigest()
