"""The cleansing pipeline on 1M and 5M synthetic rows through the shipped person suite.

Each run is a separate process (so peak memory is that run's own): the file is written first in
500,000-row pieces, then ``dataclean.pipeline.clean_file`` cleans it, in memory or in bounded
memory (``--chunk-size``). Prints seconds, seconds per million rows and peak resident memory.
Baseline in the same run: reading the file and writing it back with pandas (the floor for any
file-to-file job). Targets on a 2-core machine: <= 30 s per million rows and peak memory under
2 GB at 5M rows.

Realistic profile (``--realistic-rows``, default 1,000,000; 0 to skip): whole ``dataclean clean``
CLI runs on a CSV of ``realistic_data`` rows (identifiers, phones, emails and addresses nearly
unique per person) with the ``dataclean suite init`` draft suite, in memory and chunked, against
a plain pandas ``read_csv`` + ``to_csv`` of the same file in the same run. Target (issue 9):
<= 4x that floor. ``--independent-rows N``: the same on ``independent_data`` rows (Faker en_GB's
own providers as they write values: data we did not shape).

    python benchmarks/bench_clean.py [--sizes 1000000,5000000] [--chunk-size 250000] [--realistic-rows 1000000]
        [--independent-rows 1000000]
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

HERE = Path(__file__).parent
SUITE = HERE.parent / "expectations" / "social_care_person.yml"


def _child(args: list[str]) -> dict:
    """Run this script in a child process; return its JSON result plus its peak RSS."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_file(path: Path, rows: int) -> None:
    sys.path.insert(0, str(HERE))
    from _data import messy_extract

    piece = 500_000
    for i, start in enumerate(range(0, rows, piece)):
        df = messy_extract(min(piece, rows - start), seed=100 + i)
        df["record_id"] = df["record_id"].str.replace("SC", f"SC{i}-", regex=False)
        df.to_csv(path, mode="a" if i else "w", header=not i, index=False)


def run_clean(path: Path, out: Path, chunk_size: int | None) -> dict:
    from dataclean.jobs.clean import clean_file

    t = time.perf_counter()
    result = clean_file(path, SUITE, out, chunk_size=chunk_size, reference_date="2026-11-24", formats=("json",))
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "peak_mb": _peak_mb(), **result.summary()}


def run_baseline(path: Path, out: Path) -> dict:
    import pandas as pd

    t = time.perf_counter()
    for i, chunk in enumerate(pd.read_csv(path, dtype="string", chunksize=250_000)):
        chunk.to_csv(out, mode="a" if i else "w", header=not i, index=False)
    return {"seconds": time.perf_counter() - t, "peak_mb": _peak_mb()}


def realistic(rows: int, chunk_size: int, compare_src: str | None = None, profile: str = "realistic") -> None:
    """Whole CLI runs of ``dataclean clean`` on ``profile`` rows (``realistic``: realistic_data.py;
    ``independent``: independent_data.py, Faker's own providers) against the pandas floor."""
    sys.path.insert(0, str(HERE))
    import _cpu
    from realistic_data import draft_suite

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data, suite = tmp / "people.csv", tmp / "suite.yml"
        # written by a child process: a child's peak RSS starts from its parent's peak (execve keeps
        # the high-water mark), so generating here would inflate the peaks measured below
        gen = [
            sys.executable,
            str(HERE / f"{profile}_data.py"),
            "--rows",
            str(rows),
            "--seed",
            "4",
            "--output",
            str(data),
        ]
        distinct = subprocess.run(gen, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        print(f"{profile} profile: {distinct.replace('distinct:', 'distinct per column:')}")
        draft_suite(data, suite)
        floor = _cpu.floor(data, tmp / "copy.csv")
        base = [sys.executable, "-m", "dataclean.cli", "--no-progress", "clean", str(data), "--suite", str(suite),
                "--reference-date", "2026-11-24", "--format", "json"]  # fmt: skip
        print(_cpu.header("target (CPU) <= 4x"))
        print(_cpu.row("pandas read_csv + to_csv (floor)", floor, floor))
        for tree, src in [("", None)] + ([(f" ({compare_src})", compare_src)] if compare_src else []):
            for label, extra in (
                ("dataclean clean, in memory", []),
                (f"dataclean clean, chunked {chunk_size:,}", ["--chunk-size", str(chunk_size)]),
            ):
                out = tmp / f"out{len(label)}{len(tree)}"
                r = _cpu.run([*base, "--output", str(out), *extra], ok_codes=(0, 1), src=src)
                print(_cpu.row(label + tree, r, floor, 4.0))
        print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000000,5000000", help="messy-profile sizes; empty to skip")
    ap.add_argument("--chunk-size", type=int, default=250_000)
    ap.add_argument(
        "--in-memory-up-to",
        type=int,
        default=1_000_000,
        help="also run the in-memory path for sizes up to this",
    )
    ap.add_argument("--realistic-rows", type=int, default=1_000_000, help="0: skip the realistic profile")
    ap.add_argument(
        "--independent-rows",
        type=int,
        default=0,
        help="also the independent profile (Faker's own providers, benchmarks/independent_data.py); 0: skip",
    )
    ap.add_argument("--compare-src", help="also run the realistic CLI with this source tree first (e.g. ../main/src)")
    ap.add_argument("--child", nargs=4, metavar=("MODE", "FILE", "OUT", "CHUNK"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        mode, file, out, chunk = args.child
        if mode == "write":
            write_file(Path(file), int(chunk))
            print(json.dumps({"ok": True}))
        elif mode == "baseline":
            print(json.dumps(run_baseline(Path(file), Path(out))))
        else:
            print(json.dumps(run_clean(Path(file), Path(out), int(chunk) or None), default=str))
        return

    if args.realistic_rows:
        realistic(args.realistic_rows, args.chunk_size, args.compare_src)
    if args.independent_rows:
        realistic(args.independent_rows, args.chunk_size, args.compare_src, profile="independent")
    if not args.sizes:
        return
    print(f"{'rows':>10} {'mode':<24}{'seconds':>9}{'s / 1M rows':>13}{'peak MB':>10}  clean / quarantined")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            data = Path(tmp) / f"people_{size}.csv"
            _child(["--child", "write", str(data), "-", str(size)])
            runs = [("pandas read+write (floor)", ["baseline", str(data), str(Path(tmp) / "copy.csv"), "0"])]
            if size <= args.in_memory_up_to:
                runs.append(("dataclean in memory", ["clean", str(data), str(Path(tmp) / "mem"), "0"]))
            runs.append(
                (
                    f"dataclean chunked {args.chunk_size:,}",
                    ["clean", str(data), str(Path(tmp) / "chunk"), str(args.chunk_size)],
                )
            )
            for label, child in runs:
                r = _child(["--child", *child])
                extra = f"  {r['rows_clean']:,} / {r['rows_quarantined']:,}" if "rows_clean" in r else ""
                print(
                    f"{size:>10,} {label:<24}{r['seconds']:>9.1f}{r['seconds'] / size * 1e6:>13.1f}"
                    f"{r['peak_mb']:>10,.0f}{extra}",
                    flush=True,
                )
            data.unlink()


if __name__ == "__main__":
    main()
