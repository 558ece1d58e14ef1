"""Local Spark against the embedded engines, for validate and dedupe, at 100k and 1M rows.

For each size, in one process:

* ``validate``: the shipped social care person suite (its ``dedupe:`` block left out, as in
  ``bench_validate.py``) on the 15-column messy extract of ``_data.py``, read from Parquet and
  validated: pandas (``dataclean.validate`` on the frame) against Spark (``dataclean.validate`` on
  ``spark.read.parquet``; failures written as Parquet). Same scorecard required.
* ``dedupe``: ``dataclean.linkage.dedupe`` on ``dataclean.synth.records`` (with the truth, so
  F1 is reported too): DuckDB against Spark (``backend=spark``).

The Spark session (``local[*]``, dataclean's defaults) is started once before timing and warmed
up on 2,000 rows, so the figures are what a long-running job pays, not JVM start-up; start-up is
printed separately. The ratio is Spark seconds / embedded seconds (above 1: Spark is slower).

    python benchmarks/bench_spark.py [--rows 100000,1000000] [--tasks validate,dedupe]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _data import messy_extract

REFERENCE = dt.date(2026, 11, 24)
PEOPLE_PER_RECORD = 1 / 1.36  # synth.records gives about 1.36 records per person


def _card(card) -> dict:
    d = card.to_dict()
    for k in ("generated_at", "timings", "dataset"):
        d.pop(k, None)
    return d


def bench_validate(spark, rows: int, workdir: Path) -> dict:
    import pandas as pd

    import dataclean

    suite = dataclean.load_suite("social_care_person").with_reference_date(REFERENCE)
    path = workdir / f"extract_{rows}.parquet"
    messy_extract(rows, seed=1).to_parquet(path, index=False)
    t = time.perf_counter()
    embedded = dataclean.validate(pd.read_parquet(path), suite, dedupe=False)
    t_embedded = time.perf_counter() - t
    t = time.perf_counter()
    on_spark = dataclean.validate(spark.read.parquet(str(path)), suite, dedupe=False)
    t_spark = time.perf_counter() - t
    same = _card(embedded.scorecard) == _card(on_spark.scorecard)
    return {"task": "validate", "rows": rows, "embedded": t_embedded, "spark": t_spark, "same": same}


def bench_dedupe(spark, rows: int) -> dict:
    from dataclean import linkage, synth
    from dataclean.engines.spark import from_pandas

    records = synth.records(int(rows * PEOPLE_PER_RECORD), seed=2)
    truth = synth.pairs_from_truth(records)
    data = records.drop(columns=["person_id"])
    t = time.perf_counter()
    duck = linkage.dedupe(data)
    t_embedded = time.perf_counter() - t
    sdf = from_pandas(spark, data).repartition(int(spark.conf.get("spark.sql.shuffle.partitions")))
    sdf = sdf.cache()
    sdf.count()
    t = time.perf_counter()
    on_spark = linkage.dedupe(sdf, backend=spark)
    clusters = on_spark.clusters.toPandas()
    t_spark = time.perf_counter() - t
    f1_duck = linkage.pairwise_scores(linkage.cluster_pairs(duck.clusters, "record_id"), truth)["f1"]
    f1_spark = linkage.pairwise_scores(linkage.cluster_pairs(clusters, "record_id"), truth)["f1"]
    sdf.unpersist()
    stages = ", ".join(f"{k} {v:.1f}" for k, v in on_spark.timings.items() if k != "total")
    return {
        "task": "dedupe",
        "rows": len(data),
        "embedded": t_embedded,
        "spark": t_spark,
        "same": f"F1 {f1_duck:.4f} / {f1_spark:.4f}",
        "stages": f"spark stages (s): {stages}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="100000", help="comma-separated sizes (default 100000)")
    ap.add_argument("--tasks", default="validate,dedupe")
    ap.add_argument("--master", default="local[*]")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    from dataclean.engines.spark import get_session

    t = time.perf_counter()
    spark = get_session(master=args.master)
    startup = time.perf_counter() - t
    workdir = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    tasks = args.tasks.split(",")
    t = time.perf_counter()
    if "validate" in tasks:
        bench_validate(spark, 2000, workdir)  # warm-up: Python workers, imports
    if "dedupe" in tasks:
        bench_dedupe(spark, 2000)
    warmup = time.perf_counter() - t
    print(f"Spark {spark.version} on {args.master}: session start {startup:.1f} s, warm-up {warmup:.1f} s")
    print(f"{'task':<9} {'rows':>9} {'embedded s':>11} {'spark s':>9} {'ratio':>7}  check")
    for rows in [int(r) for r in args.rows.split(",")]:
        for task in tasks:
            r = bench_validate(spark, rows, workdir) if task == "validate" else bench_dedupe(spark, rows)
            engine = "pandas" if task == "validate" else "duckdb"
            check = f"same scorecard: {r['same']}" if task == "validate" else r["same"] + " (duckdb / spark)"
            print(
                f"{task:<9} {r['rows']:>9,} {r['embedded']:>9.1f} ({engine}) {r['spark']:>7.1f} "
                f"{r['spark'] / r['embedded']:>6.1f}x  {check}",
                flush=True,
            )
            if "stages" in r:
                print(f"{'':<9} {'':>9} {r['stages']}", flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
