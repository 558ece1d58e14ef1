"""Deduplication quality, time and memory at 10k, 100k and 1M synthetic records.

For each size, in separate processes (so peak memory is each run's own):

* ``dataclean``: ``dataclean.linkage.dedupe`` end to end (standardisation included);
* ``plain splink``: splink on the raw columns with one straightforward comparison per column
  (exact or Jaro-Winkler), blocking on NHS number, date of birth, and postcode + surname,
  u by random sampling and EM on date of birth and postcode, clustered at 0.95.

Quality is pairwise: every pair of records in one cluster against the pairs of records of one
true person. Targets on a 2-core machine: F1 >= 0.99 at every size; 1M records in <= 45 s with
peak memory <= 3 GB; dataclean faster than plain splink.

    python benchmarks/bench_linkage.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

PEOPLE_PER_RECORD = 1 / 1.36  # records() gives about 1.36 records per person at duplicate_rate 0.3


def run_one(method: str, records: int, seed: int) -> dict:
    import logging

    logging.disable(logging.WARNING)
    from dataclean import linkage, synth

    t = time.perf_counter()
    recs = synth.records(int(records * PEOPLE_PER_RECORD), seed=seed)
    gen = time.perf_counter() - t
    truth = synth.pairs_from_truth(recs)
    data = recs.drop(columns=["person_id"])
    t = time.perf_counter()
    if method == "dataclean":
        result = linkage.dedupe(data)
        clusters = result.clusters
    else:
        clusters = plain_splink(data)
    seconds = time.perf_counter() - t
    scores = linkage.pairwise_scores(linkage.cluster_pairs(clusters, "record_id"), truth)
    return {
        "method": method,
        "records": len(recs),
        "seconds": seconds,
        "generate_s": gen,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **scores,
    }


def plain_splink(data):
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = data.rename(columns={"record_id": "unique_id"})
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ExactMatch("nhs_number"),
            cl.ExactMatch("nino"),
            cl.JaroWinklerAtThresholds("forename"),
            cl.JaroWinklerAtThresholds("surname"),
            cl.ExactMatch("date_of_birth"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("address"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("email"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nhs_number"),
            block_on("date_of_birth"),
            block_on("postcode", "surname"),
        ],
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(df), settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95).as_pandas_dataframe()
    return clusters.rename(columns={"unique_id": "record_id"})[["record_id", "cluster_id"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--methods", default="dataclean,plain_splink")
    ap.add_argument("--child", nargs=3, metavar=("METHOD", "RECORDS", "SEED"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        method, records, seed = args.child
        print(json.dumps(run_one(method, int(records), int(seed))))
        return
    print(f"{'records':>10} {'method':<14}{'precision':>10}{'recall':>8}{'F1':>8}{'seconds':>9}{'peak MB':>9}")
    for size in (int(s) for s in args.sizes.split(",")):
        for method in args.methods.split(","):
            proc = subprocess.run(
                [sys.executable, __file__, "--child", method, str(size), "7"], capture_output=True, text=True
            )
            if proc.returncode != 0:
                print(f"{size:>10,} {method:<14} failed: {proc.stderr.strip().splitlines()[-1][:150]}", flush=True)
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            print(
                f"{r['records']:>10,} {method:<14}{r['precision']:>10.4f}{r['recall']:>8.4f}{r['f1']:>8.4f}"
                f"{r['seconds']:>9.1f}{r['peak_mb']:>9,.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
