"""Record matching with Splink 5 on DuckDB: train a model, match new records incrementally, explain a pair.

Records are Parquet files with RECORD_COLUMNS (all strings or null; date_of_birth ISO "YYYY-MM-DD"). They are
standardised in DuckDB before Splink sees them (names upper case, letters only, accents removed; postcodes
upper case with one space, invalid ones dropped; NHS numbers and UPRNs digits only), so that the caller can
hand over what it imported.

The model is Fellegi-Sunter (Splink's) over six comparisons: NHS number (exact), given and family name
(exact / swapped with each other / Jaro-Winkler >= 0.92 / >= 0.80), date of birth (exact / day and month
swapped / same year and month / within a year), postcode (exact / same district) and UPRN (exact). Candidate
pairs come from blocking rules (BLOCKING_RULES): a pair that no rule finds is never compared, which is what
keeps matching a new file against millions of records fast, and what bounds recall.

DuckDB runs in this process beside the main database; Splink's PostgreSQL and SQLite backends are never used.
`_database_api` is the one place the backend is chosen (see the package docstring on Spark).
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import ColumnExpression, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.duckdb.database_api import DuckDBAPI

RECORD_COLUMNS = (
    "unique_id",
    "source",
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "uprn",
)
COMPARISONS = ("nhs_number", "given_name", "family_name", "date_of_birth", "postcode", "uprn")
DISTRICT = "^[A-Z]{1,2}[0-9][A-Z0-9]?"
THREADS = 2

# The pairs that are compared at all. Each catches matches the others miss: a moved person by name and date
# of birth, a misspelt name by the other name and birth year, swapped names by the swap itself or by the
# address and date of birth, a missing date of birth by the two names.
BLOCKING_RULES = (
    block_on("nhs_number"),
    block_on("family_name", "substr(date_of_birth, 1, 4)"),
    block_on("postcode", "substr(given_name, 1, 1)"),
    block_on("given_name", "date_of_birth"),
    block_on("uprn", "substr(given_name, 1, 1)"),
    block_on("postcode", "date_of_birth"),
    block_on("given_name", "family_name"),
    CustomRule("l.given_name = r.family_name and l.family_name = r.given_name"),
)

# Standardisation, in DuckDB SQL, from the imported strings to what the model compares.
_LETTERS = "nullif(regexp_replace(upper(strip_accents(trim(cast({c} as varchar)))), '[^A-Z]', '', 'g'), '')"
_DIGITS = "nullif(regexp_replace(cast({c} as varchar), '[^0-9]', '', 'g'), '')"
_POSTCODE = "regexp_replace(upper(cast(postcode as varchar)), '[^A-Z0-9]', '', 'g')"
STANDARDISE = {
    "unique_id": "cast(unique_id as varchar)",
    "source": "cast(source as varchar)",
    "nhs_number": f"case when length({_DIGITS.format(c='nhs_number')}) = 10 "
    f"then {_DIGITS.format(c='nhs_number')} end",
    "given_name": _LETTERS.format(c="given_name"),
    "family_name": _LETTERS.format(c="family_name"),
    "date_of_birth": "strftime(try_cast(try_strptime(cast(date_of_birth as varchar), '%Y-%m-%d') as date), "
    "'%Y-%m-%d')",
    "postcode": f"case when regexp_full_match({_POSTCODE}, '[A-Z]{{1,2}}[0-9][A-Z0-9]?[0-9][A-Z]{{2}}') "
    f"then left({_POSTCODE}, length({_POSTCODE}) - 3) || ' ' || right({_POSTCODE}, 3) end",
    "uprn": f"cast(try_cast({_DIGITS.format(c='uprn')} as hugeint) as varchar)",
}


def _name_comparison(col: str, other: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=col,
        comparison_description=col.replace("_", " "),
        comparison_levels=[
            cll.NullLevel(col),
            cll.ExactMatchLevel(col).configure(label_for_charts="exact"),
            cll.ColumnsReversedLevel(col, other, symmetrical=True).configure(
                label_for_charts=f"swapped with {other.replace('_', ' ')}"
            ),
            cll.JaroWinklerLevel(col, 0.92).configure(label_for_charts="very similar (Jaro-Winkler >= 0.92)"),
            cll.JaroWinklerLevel(col, 0.80).configure(label_for_charts="similar (Jaro-Winkler >= 0.80)"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def comparisons() -> list[ComparisonCreator]:
    dob = "date_of_birth"
    return [
        cl.CustomComparison(
            output_column_name="nhs_number",
            comparison_description="NHS number",
            comparison_levels=[
                cll.NullLevel("nhs_number"),
                cll.ExactMatchLevel("nhs_number").configure(label_for_charts="exact"),
                cll.ElseLevel().configure(label_for_charts="different"),
            ],
        ),
        _name_comparison("given_name", "family_name"),
        _name_comparison("family_name", "given_name"),
        cl.CustomComparison(
            output_column_name=dob,
            comparison_description="date of birth",
            comparison_levels=[
                cll.NullLevel(dob),
                cll.ExactMatchLevel(dob).configure(label_for_charts="exact"),
                cll.CustomLevel(
                    f"substr({dob}_l, 1, 4) = substr({dob}_r, 1, 4) "
                    f"AND substr({dob}_l, 6, 2) = substr({dob}_r, 9, 2) "
                    f"AND substr({dob}_l, 9, 2) = substr({dob}_r, 6, 2)",
                    label_for_charts="day and month swapped",
                ),
                cll.CustomLevel(
                    f"substr({dob}_l, 1, 7) = substr({dob}_r, 1, 7)", label_for_charts="same year and month"
                ),
                cll.AbsoluteDateDifferenceLevel(
                    dob, input_is_string=True, threshold=1, metric="year"
                ).configure(label_for_charts="within a year"),
                cll.ElseLevel().configure(label_for_charts="different"),
            ],
        ),
        cl.CustomComparison(
            output_column_name="postcode",
            comparison_description="postcode",
            comparison_levels=[
                cll.NullLevel("postcode"),
                cll.ExactMatchLevel("postcode").configure(label_for_charts="exact"),
                cll.ExactMatchLevel(ColumnExpression("postcode").regex_extract(DISTRICT)).configure(
                    label_for_charts="same district"
                ),
                cll.ElseLevel().configure(label_for_charts="different"),
            ],
        ),
        cl.CustomComparison(
            output_column_name="uprn",
            comparison_description="UPRN",
            comparison_levels=[
                cll.NullLevel("uprn"),
                cll.ExactMatchLevel("uprn").configure(label_for_charts="exact"),
                cll.ElseLevel().configure(label_for_charts="different"),
            ],
        ),
    ]


def settings() -> SettingsCreator:
    """The model's settings before training: every record may match any other, across and within sources."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=list(comparisons()),
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
    )


def write_records(records: Iterable[dict], path: Path) -> Path:
    """Write records (dicts with RECORD_COLUMNS; other keys are dropped) to a Parquet file."""
    rows = list(records)
    table = pa.table(
        {col: pa.array([_as_text(r.get(col)) for r in rows], type=pa.string()) for col in RECORD_COLUMNS}
    )
    pq.write_table(table, path)
    return path


def _as_text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _database_api(con: duckdb.DuckDBPyConnection) -> DuckDBAPI:
    return DuckDBAPI(connection=con)


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    _rows(con, f"SET threads = {THREADS}")
    return con


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Run a statement to completion (DuckDB 2 refuses new work while a result is unread)."""
    return con.execute(sql, params or []).fetchall()


def _load(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> int:
    """Standardise a Parquet file of records into a DuckDB table; the number of rows."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no records file at {path}")
    found = [row[0] for row in _rows(con, "DESCRIBE SELECT * FROM read_parquet(?)", [str(path)])]
    missing = [col for col in RECORD_COLUMNS if col not in found]
    if missing:
        raise ValueError(f"{path.name} lacks the column(s) {', '.join(missing)}")
    select = ", ".join(f"{STANDARDISE[col]} AS {col}" for col in RECORD_COLUMNS)
    _rows(
        con,
        f"CREATE TABLE {table} AS SELECT {select}, file_row_number AS row_number "
        f"FROM read_parquet(?, file_row_number = true)",
        [str(path)],
    )
    counts = "count(*) FILTER (WHERE unique_id IS NULL), count(*) - count(DISTINCT unique_id)"
    bad = _rows(con, f"SELECT {counts} FROM {table}")[0]
    if bad[0]:
        raise ValueError(f"{path.name}: {bad[0]} record(s) have no unique_id")
    if bad[1]:
        raise ValueError(f"{path.name}: unique_id is repeated ({bad[1]} duplicate(s))")
    _rows(con, f"CREATE VIEW {table}_records AS SELECT {', '.join(RECORD_COLUMNS)} FROM {table}")
    return _rows(con, f"SELECT count(*) FROM {table}")[0][0]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _count_pairs(con: duckdb.DuckDBPyConnection, table: str, keys: Sequence[str]) -> int:
    """How many pairs a simple equality block on keys gives (to skip an EM block with nothing in it)."""
    condition = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    return _rows(
        con,
        f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM "
        f"(SELECT count(*) AS n FROM {table} WHERE {condition} GROUP BY {', '.join(keys)})",
    )[0][0]


def train(records: Path, *, seed: int = 1, max_pairs: int = 1_000_000) -> dict:
    """Train a model on a Parquet file of records (unsupervised: no labels are needed).

    The prior (how likely two random records are the same person) is estimated from NHS number and exact
    name-and-birth-date agreement; u (how often non-matches agree) from max_pairs random pairs (seeded, so a
    run can be repeated); m (how often matches agree) by expectation maximisation on two blocks, each
    capped at max_pairs. Returns Splink's model JSON with a "casework" key: the training data's SHA-256,
    when it was trained, Splink's version and the seed.
    """
    if max_pairs < 1:
        raise ValueError("max_pairs must be at least 1")
    with _connect() as con:
        count = _load(con, records, "training")
        if count < 2:
            raise ValueError(f"{Path(records).name} has {count} record(s); training needs at least two")
        db = _database_api(con)
        linker = Linker(db.register("training_records", dataset_display_name="training"), settings())
        linker.training.estimate_probability_two_random_records_match(
            [block_on("nhs_number"), block_on("given_name", "family_name", "date_of_birth")], recall=0.8
        )
        if not linker.misc.save_model_to_json()["probability_two_random_records_match"] > 0:
            raise ValueError(
                "no two records agree on NHS number, or on both names and date of birth, so how often two "
                "records are the same person cannot be estimated: train on more records"
            )
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        # Each block trains the comparisons it does not use: names and addresses on date of birth, date of
        # birth (and addresses) on the two names.
        for keys in (("date_of_birth",), ("given_name", "family_name")):
            if _count_pairs(con, "training", keys):
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*keys), max_pairs=max_pairs
                )
        model = linker.misc.save_model_to_json()
    model["casework"] = {
        "training_data_sha256": _sha256(Path(records)),
        "trained_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "splink_version": splink.__version__,
        "seed": seed,
        "records": count,
        "max_pairs": max_pairs,
        # Levels the data never showed: Splink falls back to its defaults for them; the approver should know.
        "untrained": untrained_levels(model),
    }
    return model


def untrained_levels(model: dict) -> list[str]:
    """The comparison levels without an estimated m or u ("uprn: exact (m)")."""
    return [
        f"{c['output_column_name']}: {level.get('label_for_charts', '')} ({key})"
        for c in model["comparisons"]
        for level in c["comparison_levels"]
        if not level.get("is_null_level")
        for key in ("m", "u")
        if f"{key}_probability" not in level
    ]


@dataclass(frozen=True)
class Thresholds:
    link: float = 0.99
    review: float = 0.80
    max_cluster: int = 10

    def __post_init__(self):
        if not 0 < self.review <= self.link <= 1:
            raise ValueError(
                f"thresholds must satisfy 0 < review <= link <= 1; got review {self.review}, link {self.link}"
            )
        if self.max_cluster < 2:
            raise ValueError(f"max_cluster must be at least 2; got {self.max_cluster}")

    def outcome(self, probability: float) -> str:
        if probability >= self.link:
            return "link"
        return "review" if probability >= self.review else "new"


@dataclass(frozen=True)
class MatchDecision:
    new_id: str  # unique_id of the incoming record
    existing_id: str | None  # unique_id of the best candidate (None: no candidate at or above review)
    probability: float
    outcome: str  # "link" | "review" | "new"
    waterfall: tuple[dict, ...]  # per comparison: {"comparison", "level", "match_weight"}, the prior first


def _splink_settings(model: dict) -> dict:
    if not isinstance(model, dict) or "comparisons" not in model:
        raise ValueError("the model is not a Splink model (it has no comparisons)")
    clean = {k: v for k, v in model.items() if k != "casework"}
    clean["retain_matching_columns"] = True
    clean["retain_intermediate_calculation_columns"] = True
    return clean


def _level_labels(model: dict) -> dict[str, dict[int, str]]:
    """Per comparison, its gamma (comparison vector value) to the level's label, as Splink numbers them:
    the null level -1, the others counting down to 0 ("all other comparisons")."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        counter = sum(1 for lv in levels if not lv.get("is_null_level")) - 1
        by_gamma: dict[int, str] = {}
        for level in levels:
            label = level.get("label_for_charts") or level.get("sql_condition", "")
            if level.get("is_null_level"):
                by_gamma[-1] = "missing"
            else:
                by_gamma[counter] = label
                counter -= 1
        labels[comparison["output_column_name"]] = by_gamma
    return labels


def _prior_weight(model: dict) -> float:
    p = model["probability_two_random_records_match"]
    return math.log2(p / (1 - p))


def _waterfall(row: dict, model: dict, labels: dict[str, dict[int, str]]) -> tuple[dict, ...]:
    bars = [
        {"comparison": "prior", "level": "two records picked at random", "match_weight": _prior_weight(model)}
    ]
    for name, by_gamma in labels.items():
        gamma = int(row[f"gamma_{name}"])
        bars.append(
            {
                "comparison": name,
                "level": by_gamma.get(gamma, str(gamma)),
                "match_weight": float(row[f"mw_{name}"]),
            }
        )
    return tuple(bars)


def match_incremental(
    new: Path, existing: Path, model: dict, thresholds: Thresholds = Thresholds()
) -> list[MatchDecision]:
    """Match each record of a new file against the existing index, and against the records before it in the
    new file (duplicates inside it), without re-linking the index.

    Splink's predict_between(new, existing) and predict_within(new) score the blocked candidate pairs; each
    new record's best candidate (highest probability, then lowest id) gives its decision: "link" at or above
    thresholds.link, "review" at or above thresholds.review, else "new" (existing_id None). A candidate inside
    the new file is always an earlier record of it, so decisions applied in file order find their target
    resolved. Records joined by links at or above thresholds.link form clusters; a cluster of more than
    max_cluster records never links automatically: its links become "review". Decisions are in the new
    file's order.
    """
    settings_dict = _splink_settings(model)
    labels = _level_labels(model)
    with _connect() as con:
        rows, edges = _best_candidates(con, new, existing, settings_dict, labels, thresholds.link)
    too_big = _nodes_in_large_clusters(edges, thresholds.max_cluster)
    decisions = []
    for row in rows:
        probability = float(row["match_probability"]) if row["match_probability"] is not None else 0.0
        outcome = thresholds.outcome(probability)
        if outcome == "link" and row["new_id"] in too_big:
            outcome = "review"
        if outcome == "new":
            decisions.append(MatchDecision(row["new_id"], None, probability, "new", ()))
        else:
            waterfall = _waterfall(row, model, labels)
            decisions.append(MatchDecision(row["new_id"], row["other_id"], probability, outcome, waterfall))
    return decisions


def _best_candidates(
    con: duckdb.DuckDBPyConnection,
    new: Path,
    existing: Path,
    settings_dict: dict,
    labels: dict[str, dict[int, str]],
    link: float,
) -> tuple[list[dict], list[tuple[str, str]]]:
    """Each new record's best candidate (a row per new record, in file order; candidate columns None when
    there is none), and every scored pair at or above the link threshold (for clusters)."""
    _load(con, new, "new")
    _load(con, existing, "existing")
    clash = _rows(con, "SELECT count(*), min(n.unique_id) FROM new n JOIN existing e USING (unique_id)")[0]
    if clash[0]:
        raise ValueError(f"{clash[0]} new record(s) reuse an existing unique_id, e.g. {clash[1]!r}")
    db = _database_api(con)
    new_df = db.register("new_records", dataset_display_name="new")
    existing_df = db.register("existing_records", dataset_display_name="existing")
    linker = Linker(existing_df, settings_dict)
    between = linker.inference.predict_between(new_df, existing_df, warning_mode="never")
    within = linker.inference.predict_within(new_df, warning_mode="never")

    mw_cols = ", ".join(f"gamma_{c}, mw_{c}" for c in labels)
    # Orient every pair as (new record, candidate): for pairs inside the new file, the later record is the
    # new one and the earlier its candidate.
    _rows(
        con,
        f"""
        CREATE TABLE candidates AS
        SELECT CASE WHEN nl.unique_id IS NOT NULL THEN p.unique_id_l ELSE p.unique_id_r END AS new_id,
               CASE WHEN nl.unique_id IS NOT NULL THEN p.unique_id_r ELSE p.unique_id_l END AS other_id,
               p.match_probability, p.match_weight, {mw_cols}
        FROM {between.physical_name} p LEFT JOIN new nl ON nl.unique_id = p.unique_id_l
        UNION ALL
        SELECT CASE WHEN a.row_number > b.row_number THEN p.unique_id_l ELSE p.unique_id_r END,
               CASE WHEN a.row_number > b.row_number THEN p.unique_id_r ELSE p.unique_id_l END,
               p.match_probability, p.match_weight, {mw_cols}
        FROM {within.physical_name} p
        JOIN new a ON a.unique_id = p.unique_id_l JOIN new b ON b.unique_id = p.unique_id_r
        """,
    )
    best = con.execute(
        """
        SELECT n.unique_id AS new_id, c.* EXCLUDE (new_id)
        FROM new n LEFT JOIN (
            SELECT * FROM candidates
            QUALIFY row_number() OVER (PARTITION BY new_id ORDER BY match_probability DESC, other_id) = 1
        ) c ON c.new_id = n.unique_id
        ORDER BY n.row_number
        """
    )
    columns = [d[0] for d in best.description]
    rows = [dict(zip(columns, values, strict=True)) for values in best.fetchall()]
    edges = _rows(con, "SELECT new_id, other_id FROM candidates WHERE match_probability >= ?", [link])
    return rows, edges


def _nodes_in_large_clusters(edges: Iterable[tuple[str, str]], max_cluster: int) -> set[str]:
    """The records in connected components of more than max_cluster records."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
        graph[b].add(a)
    seen: set[str] = set()
    large: set[str] = set()
    for start in graph:
        if start in seen:
            continue
        seen.add(start)
        component, stack = [start], [start]
        while stack:
            for neighbour in graph[stack.pop()]:
                if neighbour not in seen:
                    seen.add(neighbour)
                    component.append(neighbour)
                    stack.append(neighbour)
        if len(component) > max_cluster:
            large.update(component)
    return large


def waterfall_for(record_a: dict, record_b: dict, model: dict) -> tuple[dict, ...]:
    """The match-weight waterfall for one pair of records (for the review page): the prior, then each
    comparison's level and weight; the weights add up to the pair's match weight."""
    settings_dict = _splink_settings(model)
    labels = _level_labels(model)
    select = ", ".join(f"{STANDARDISE[col]} AS {col}" for col in RECORD_COLUMNS)
    with _connect() as con:
        for name, record in (("a", record_a), ("b", record_b)):
            # Scored whatever the ids: they are replaced, so that two copies of one record also score.
            values = {col: _as_text(record.get(col)) for col in RECORD_COLUMNS} | {"unique_id": name}
            con.register(
                f"raw_{name}", pa.table({c: pa.array([v], type=pa.string()) for c, v in values.items()})
            )
            _rows(con, f"CREATE TABLE pair_{name} AS SELECT {select} FROM raw_{name}")
        db = _database_api(con)
        linker = Linker(db.register("pair_a", dataset_display_name="a"), settings_dict)
        scored = linker.inference.score_pair(
            db.register("pair_a", table_name="score_a"), db.register("pair_b", table_name="score_b")
        )
        row = scored.as_record_list()[0]
    return _waterfall(row, model, labels)


def model_summary(model: dict) -> list[dict[str, Any]]:
    """Each comparison level's match weight when it applies (log2 m/u), for a page describing the model."""
    out = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            out.append(
                {
                    "comparison": comparison["output_column_name"],
                    "level": level.get("label_for_charts", ""),
                    "m": m,
                    "u": u,
                    "match_weight": weight,
                }
            )
    return out
