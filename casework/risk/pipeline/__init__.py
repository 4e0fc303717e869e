"""Identify's pure pipeline: risk rules, the cohort, and record matching. It imports no Django.

The Django app (`casework.risk`) keeps the models, imports, review queue and pages; it hands this package
plain values and files and stores what comes back. A test (tests/test_no_django.py) fails if any module
here loads Django, so the pipeline can run in a worker, a notebook or a Spark driver.

- `rules`: declarative rules over risk factors, age and area (all / any / not), three-valued for unknown
  facts; `evaluate` and `explain` ("High: R3 council tax arrears + R7 aged 75 or over").
- `cohort`: `generate` gives one row per subject with a category, sorted, and `fingerprint` its SHA-256, so
  the same model version over the same imports is shown to give identical output.
- `matching`: Splink 5 on DuckDB. `train` (u by seeded random sampling, m by EM, both capped by max_pairs)
  returns the model JSON with its provenance; `match_incremental` scores a new file against the existing
  index with Splink's `predict_between` and against itself with `predict_within` (never re-linking the
  index), takes each new record's best candidate, applies the link / review thresholds and the cluster-size
  cap, and gives every decision its match-weight waterfall; `waterfall_for` explains one pair.
- `synthetic`: a seeded, labelled population (households, typos, swapped names, moves, missing dates) and
  `precision_recall`, for the quality gate in tests/test_synthetic.py and the benchmark.

How it scales
-------------
On one machine DuckDB does the work in this process: records are Parquet files, DuckDB standardises them and
Splink's SQL runs in DuckDB (two threads; incremental matching touches only the blocks of the new records).
Splink's published figures (about 5 million records on a 4-core laptop) and a measured link of 3 x 1 million
records (predict and cluster in about 78 s on 2 cores) keep a council's data on one machine.

Past one machine (national-scale linkage), Splink runs the same model on Spark. The one change is the
database API that Splink is given, in `matching._database_api`:

    DuckDBAPI(connection=con)   ->   SparkAPI(spark_session=spark)

and with it the model setting `"sql_dialect": "duckdb"` becomes `"spark"`: the comparisons are built from
Splink's dialect-neutral creators (`matching.settings()`), so a model is retrained, or its settings
regenerated, on Spark rather than edited by hand. The standardising SQL (STANDARDISE) would then run as
Spark SQL over the same Parquet files. This path is described, not exercised: Spark is not installed here.
"""
