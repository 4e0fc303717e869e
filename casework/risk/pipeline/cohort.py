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

from casework.risk.pipeline.rules import CompiledRules, Rule, Subject, describe


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


def factors_in(when: object) -> frozenset[str]:
    """Every "scheme/term" an expression names (its {"factor": ...} leaves), however deep."""
    found: set[str] = set()
    if isinstance(when, dict):
        if isinstance(when.get("factor"), str):
            found.add(when["factor"])
        for value in when.values():
            found |= factors_in(value)
    elif isinstance(when, list):
        for value in when:
            found |= factors_in(value)
    return frozenset(found)


def evidence(row: CohortRow, subject: Subject, rules: Sequence[Rule]) -> dict[str, tuple[str, ...]]:
    """{rule id: the subject's factors that rule names, sorted} for each rule that fired for the row: what
    put the subject in the cohort (a rule over age or area alone has none)."""
    by_id = {rule.id: rule for rule in rules}
    return {
        rule_id: tuple(sorted(factors_in(by_id[rule_id].when) & subject.factors)) for rule_id in row.rule_ids
    }


def not_in_cohort(subject_keys: Iterable[str], rows: Sequence[CohortRow]) -> frozenset[str]:
    """The subjects that got no category: their factors are deleted when the cohort is generated."""
    kept = {row.subject_key for row in rows}
    return frozenset(key for key in subject_keys if key not in kept)


def counts(rows: Sequence[CohortRow], areas: Mapping[str, str]) -> dict[str, dict[str, int]]:
    """{category: {area: rows}} (area "" when not known), keys sorted: the cohort by category and area."""
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        by_area = table.setdefault(row.category, {})
        area = areas.get(row.subject_key, "")
        by_area[area] = by_area.get(area, 0) + 1
    return {category: dict(sorted(table[category].items())) for category in sorted(table)}


def explain_row(
    row: CohortRow,
    rules: Sequence[Rule],
    category_rank: Mapping[str, int],
    category_labels: Mapping[str, str],
) -> str:
    """Why the row's subject is in its category, from the rules that fired:
    "High: R3 council tax arrears + R7 aged 75 or over" ("; also Medium: R5 ..." for lower categories)."""
    by_id = {rule.id: rule for rule in rules}
    by_category: dict[str, list[Rule]] = {}
    for rule_id in row.rule_ids:
        rule = by_id[rule_id]
        by_category.setdefault(rule.category, []).append(rule)
    parts = []
    for cat in sorted(by_category, key=lambda c: category_rank[c]):
        reasons = " + ".join(f"{r.id} {r.description or describe(r.when)}" for r in by_category[cat])
        parts.append(f"{category_labels.get(cat, cat)}: {reasons}")
    return parts[0] + "".join(f"; also {p}" for p in parts[1:]) if parts else ""
