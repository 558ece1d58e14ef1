"""Local Spark against the embedded engines, for validate and dedupe, at 100k and 1M rows.

Each run is its own process, so its seconds, CPU seconds and peak memory are its own:

* ``validate``: the shipped social care person suite (its ``dedupe:`` block left out, as in
  ``bench_validate.py``) on the 15-column messy extract of ``_data.py``, read from Parquet and
  validated: pandas (``dataclean.validate`` on ``pd.read_parquet``) against Spark
  (``dataclean.validate`` on ``spark.read.parquet``; failures written as Parquet). The two
  scorecards must be equal.
* ``dedupe``: ``dataclean.linkage.dedupe`` on ``dataclean.synth.records`` read from Parquet:
  DuckDB against Spark (``backend=spark``; outputs written as Parquet). F1 against the
  generator's truth for both.

Spark runs on ``local[*]`` with dataclean's defaults. The session is started, and its Python
workers warmed up (a validate of 2,000 rows; a linkage preparation of 200), before the clock
starts: the figures are what a job pays on a running session; start-up is printed separately.
Peak memory is the whole process tree's resident memory (driver, JVM and Python workers for
Spark), sampled every 0.2 s. CPU seconds are user + system of the whole tree, start-up and data
reading included (as last sampled).
The ratio is Spark / embedded seconds (above 1: Spark is slower).
A Spark dedupe also prints its stages' seconds and the number of Spark jobs it ran (a figure
the machine's load does not change).

    python benchmarks/bench_spark.py [--rows 100000,1000000] [--tasks validate,dedupe]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

REFERENCE = dt.date(2026, 11, 24)
PEOPLE_PER_RECORD = 1 / 1.36  # synth.records gives about 1.36 records per person


def _card(card) -> dict:
    d = card.to_dict()
    for k in ("generated_at", "timings", "dataset"):
        d.pop(k, None)
    return d


def _session(master: str) -> tuple[object, float]:
    from dataclean.engines.spark import get_session

    t = time.perf_counter()
    spark = get_session(master=master)
    # start the Python workers (mapInPandas) before timing
    spark.range(100).mapInPandas(lambda it: it, "id long").count()
    return spark, time.perf_counter() - t


def _spark_jobs(spark) -> int:
    """Spark jobs run so far on this session (their count, unlike their seconds, does not depend
    on how loaded the machine is)."""
    ids = spark.sparkContext.statusTracker().getJobIdsForGroup(None)
    return max(ids) + 1 if ids else 0


def child_validate(engine: str, data: Path, out: Path, master: str) -> dict:
    import pandas as pd

    import dataclean

    suite = dataclean.load_suite("social_care_person").with_reference_date(REFERENCE)
    startup = 0.0
    if engine == "spark":
        spark, startup = _session(master)
        # warm-up: the first job on a fresh session imports the field modules and
        # great-expectations in every Python worker (minutes on a loaded machine)
        t = time.perf_counter()
        dataclean.validate(spark.read.parquet(str(data)).limit(2000), suite, dedupe=False)
        startup += time.perf_counter() - t
        t = time.perf_counter()
        report = dataclean.validate(spark.read.parquet(str(data)), suite, dedupe=False)
    else:
        t = time.perf_counter()
        report = dataclean.validate(pd.read_parquet(data), suite, dedupe=False)
    seconds = time.perf_counter() - t
    out.write_text(json.dumps(_card(report.scorecard), sort_keys=True, default=str), encoding="utf-8")
    return {"seconds": seconds, "startup": startup}


def child_dedupe(engine: str, data: Path, out: Path, master: str) -> dict:
    import pandas as pd

    from dataclean import linkage

    startup, stages = 0.0, ""
    if engine == "spark":
        spark, startup = _session(master)
        from dataclean.engines.spark import prepare_spark
        from dataclean.linkage.config import LinkageConfig

        # warm-up: the linkage preparation's imports in every Python worker
        t = time.perf_counter()
        sample = spark.read.parquet(str(data)).limit(200)
        prepare_spark(sample, LinkageConfig.infer(sample.columns)).count()
        startup += time.perf_counter() - t
        jobs = _spark_jobs(spark)
        t = time.perf_counter()
        result = linkage.dedupe(spark.read.parquet(str(data)), backend=spark)
        seconds = time.perf_counter() - t
        jobs = _spark_jobs(spark) - jobs
        clusters = result.clusters.toPandas()
        stages = ", ".join(f"{k} {v:.1f}" for k, v in result.timings.items() if k != "total")
        stages += f"; {jobs} Spark jobs"
    else:
        t = time.perf_counter()
        result = linkage.dedupe(pd.read_parquet(data))
        seconds = time.perf_counter() - t
        clusters = result.clusters
    truth = pd.read_parquet(data.with_suffix(".truth.parquet"))
    pairs = set(zip(truth["a"], truth["b"]))
    f1 = linkage.pairwise_scores(linkage.cluster_pairs(clusters, "record_id"), pairs)["f1"]
    return {"seconds": seconds, "startup": startup, "f1": f1, "stages": stages, "records": len(clusters)}


def _tree_sample(proc, cpu: dict[int, float]) -> int:
    """The resident memory of ``proc`` and its descendants; their CPU seconds so far into
    ``cpu`` (per process: the JVM and Spark's Python workers are not reaped by the child, so
    ``getrusage`` would miss them)."""
    import psutil

    total = 0
    with contextlib.suppress(psutil.Error):
        for p in [proc, *proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error), p.oneshot():
                total += p.memory_info().rss
                t = p.cpu_times()
                cpu[p.pid] = max(cpu.get(p.pid, 0.0), t.user + t.system)
    return total


def run_child(task: str, engine: str, data: Path, out: Path, master: str) -> dict:
    """This script as a child process: its result, CPU seconds and the tree's peak memory."""
    import psutil

    cmd = [sys.executable, __file__, "--child", task, engine, str(data), str(out), "--master", master]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, cpu = [0], {}
    done = threading.Event()

    def sample() -> None:
        ps = psutil.Process(proc.pid)
        while not done.is_set():
            peak[0] = max(peak[0], _tree_sample(ps, cpu))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"{task} on {engine} failed ({proc.returncode}):\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["cpu"] = sum(cpu.values())
    result["peak_mb"] = peak[0] / 2**20
    return result


def write_data(task: str, rows: int, workdir: Path) -> Path:
    if task == "validate":
        from _data import messy_extract

        path = workdir / f"extract_{rows}.parquet"
        messy_extract(rows, seed=1).to_parquet(path, index=False)
        return path
    import pandas as pd

    from dataclean import synth

    records = synth.records(int(rows * PEOPLE_PER_RECORD), seed=2)
    path = workdir / f"records_{rows}.parquet"
    records.drop(columns=["person_id"]).to_parquet(path, index=False)
    truth = sorted(synth.pairs_from_truth(records))
    pd.DataFrame(truth, columns=["a", "b"]).to_parquet(path.with_suffix(".truth.parquet"), index=False)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="100000", help="comma-separated sizes (default 100000)")
    ap.add_argument("--tasks", default="validate,dedupe")
    ap.add_argument("--master", default="local[*]")
    ap.add_argument("--child", nargs=4, metavar=("TASK", "ENGINE", "DATA", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    if args.child:
        task, engine, data, out = args.child
        call = child_validate if task == "validate" else child_dedupe
        print(json.dumps(call(engine, Path(data), Path(out), args.master)))
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    print(f"Spark on {args.master}; each run in its own process; seconds exclude Spark start-up (shown)")
    head = f"{'task':<9}{'rows':>10}  {'engine':<7}{'seconds':>9}{'CPU s':>9}{'peak MB':>9}  {'ratio':>6}  check"
    print(head)
    for rows in [int(r) for r in args.rows.split(",")]:
        for task in args.tasks.split(","):
            data = write_data(task, rows, workdir)
            embedded = "pandas" if task == "validate" else "duckdb"
            res = {
                e: run_child(task, e, data, workdir / f"{task}_{rows}_{e}.json", args.master)
                for e in (embedded, "spark")
            }
            base = res[embedded]
            for engine, r in res.items():
                if task == "validate":
                    same = (workdir / f"{task}_{rows}_{embedded}.json").read_text() == (
                        workdir / f"{task}_{rows}_spark.json"
                    ).read_text()
                    check = f"same scorecard: {same}" if engine == "spark" else ""
                else:
                    check = f"F1 {r['f1']:.4f}"
                ratio = f"{r['seconds'] / base['seconds']:>5.1f}x" if engine == "spark" else ""
                if engine == "spark":
                    check += f" (start-up and warm-up {r['startup']:.1f} s)"
                n = r.get("records", rows)
                print(
                    f"{task:<9}{n:>10,}  {engine:<7}{r['seconds']:>9.1f}{r['cpu']:>9.1f}{r['peak_mb']:>9,.0f}  "
                    f"{ratio:>6}  {check}",
                    flush=True,
                )
                if r.get("stages"):
                    print(f"{'':<21}spark stages (s): {r['stages']}", flush=True)


if __name__ == "__main__":
    main()
