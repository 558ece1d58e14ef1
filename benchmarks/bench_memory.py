"""Bounded memory: ``dataclean clean --chunk-size`` on 1M and 5M rows, peak memory against size.

For each size a messy synthetic extract (``_data.messy_extract``, written in 250,000-row pieces so
the generator itself stays small) goes through the real command line in a child process:

    dataclean clean FILE --suite expectations/social_care_person.yml --chunk-size 250000 --output DIR

and the script prints wall seconds and the child's peak resident memory (``os.wait4``: that one
process's own rusage, so neither this script nor the data generator counts). The baseline, in the
same run and on the same file: pandas reading the file in chunks of the same size (every value as
text, as dataclean reads it) and writing it back, the floor of any bounded-memory file-to-file
job. Goal: dataclean's peak is flat from 1M to 5M rows (it depends on the chunk size, not on the
file size).

    python benchmarks/bench_memory.py [--sizes 1000000,5000000] [--chunk-size 250000] [--keep DIR]

``--profile`` instead runs the chunked clean in this process under ``tracemalloc`` and prints,
after each chunk, the Python heap and the resident memory, to show what grows with the file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
SUITE = ROOT / "expectations" / "social_care_person.yml"
PIECE = 250_000


def write_extract(path: Path, rows: int, *, base: int = 1_000_000) -> None:
    """A ``rows``-row messy extract as CSV. Up to ``base`` rows are generated, piece by piece;
    beyond that the generated rows are repeated with new record ids (``SC...`` becomes ``R2...``,
    ``R3...``), which keeps generation quick on a loaded machine; duplicate persons are part of
    the mess anyway."""
    sys.path.insert(0, str(HERE))
    from _data import messy_extract

    done = 0
    first = min(rows, base)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        while done < first:
            n = min(PIECE, first - done)
            df = messy_extract(n, seed=done // PIECE)
            df["record_id"] = [f"SC{i:08d}" for i in range(done, done + n)]  # unique over the file
            df.to_csv(fh, index=False, header=done == 0)
            done += n
    if rows <= first:
        return
    text = path.read_bytes()
    header_end = text.index(b"\n") + 1
    lines = text[header_end:].splitlines(keepends=True)
    with open(path, "ab") as fh:
        copy = 2
        while done < rows:
            n = min(first, rows - done)
            body = b"".join(lines[:n])
            fh.write(body.replace(b"\nSC", b"\nR%d" % copy).replace(b"SC", b"R%d" % copy, 1))
            done += n
            copy += 1


def measure(cmd: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit code) of one child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):  # 1 = quality gate failed: the messy data is meant to fail it
        raise SystemExit(f"{cmd[:4]} exited {proc.returncode}:\n{err[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, proc.returncode


PANDAS_FLOOR = """
import sys, pandas as pd
src, dst, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(dst, "w", encoding="utf-8", newline="") as out:
    for i, chunk in enumerate(pd.read_csv(src, dtype=str, keep_default_na=False, chunksize=size)):
        chunk.to_csv(out, index=False, header=i == 0)
"""


def run(sizes: list[int], chunk_size: int, keep: Path | None) -> None:
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="dataclean-bench-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    print(f"dataclean clean --chunk-size {chunk_size:,} (suite {SUITE.name}); cpu count {os.cpu_count()}")
    print()
    print(
        "| rows | file MB | pandas chunked read+write s | pandas peak MB "
        "| dataclean s | s per 1M rows | dataclean peak MB | exit |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    try:
        for size in sizes:
            data = work / f"people_{size}.csv"
            t = time.perf_counter()
            if not data.exists():
                write_extract(data, size)
            gen = time.perf_counter() - t
            mb = data.stat().st_size / 2**20
            out = work / f"out_{size}"
            shutil.rmtree(out, ignore_errors=True)
            clean_cmd = [
                sys.executable,
                "-m",
                "dataclean.cli",
                "clean",
                str(data),
                "--suite",
                str(SUITE),
                "--chunk-size",
                str(chunk_size),
                "--output",
                str(out),
                "-q",
            ]
            floor_cmd = [sys.executable, "-c", PANDAS_FLOOR, str(data), str(work / "floor.csv"), str(chunk_size)]
            f_sec, f_mb, _ = measure(floor_cmd)
            d_sec, d_mb, code = measure(clean_cmd)
            assert (out / "_SUCCESS").exists(), "the clean run left no _SUCCESS manifest"
            rows.append((size, mb, gen, f_sec, f_mb, d_sec, d_mb, code))
            print(
                f"| {size:,} | {mb:,.0f} | {f_sec:.1f} | {f_mb:,.0f} | {d_sec:.1f} | {d_sec / size * 1e6:.1f} | "
                f"{d_mb:,.0f} | {code} |",
                flush=True,
            )
            (work / "floor.csv").unlink(missing_ok=True)
            if not keep:
                shutil.rmtree(out, ignore_errors=True)
                data.unlink()
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = last[6] - first[6]
        print()
        print(
            f"peak memory from {first[0]:,} to {last[0]:,} rows: {growth:+,.0f} MB "
            f"({growth / first[6] * 100:+.0f}%; pandas floor {last[4] - first[4]:+,.0f} MB)"
        )


def profile(size: int, chunk_size: int) -> None:
    """Per-chunk Python heap and RSS of the chunked clean, in this process."""
    import resource
    import tracemalloc

    from dataclean import chunked
    from dataclean.io import iter_table_chunks

    work = Path(tempfile.mkdtemp(prefix="dataclean-bench-memory-"))
    try:
        data = work / "people.csv"
        write_extract(data, size)
        seen = {"n": 0}
        real = chunked.iter_table_chunks if hasattr(chunked, "iter_table_chunks") else iter_table_chunks

        def watched(*args, **kwargs):
            for chunk in real(*args, **kwargs):
                current, peak = tracemalloc.get_traced_memory()
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                heap, top = current / 2**20, peak / 2**20
                print(f"chunk {seen['n']:3d}: heap {heap:8.1f} MB (peak {top:8.1f}), max RSS {rss:8.1f} MB", flush=True)
                seen["n"] += 1
                yield chunk

        import dataclean.io as io_module

        io_module.iter_table_chunks = watched
        tracemalloc.start(10)
        chunked.clean_file_chunked(data, SUITE, work / "out", chunk_size=chunk_size)
        snap = tracemalloc.take_snapshot()
        print("largest live allocations at the end:")
        for stat in snap.statistics("traceback")[:8]:
            print(f"  {stat.size / 2**20:8.1f} MB  {stat.traceback.format()[-1].strip()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000,5000000", help="comma-separated row counts")
    parser.add_argument("--chunk-size", type=int, default=250_000)
    parser.add_argument("--keep", help="keep the generated files and outputs in this folder")
    parser.add_argument("--profile", type=int, metavar="ROWS", help="profile one chunked clean of ROWS rows")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.chunk_size)
        return
    run([int(s) for s in args.sizes.split(",")], args.chunk_size, Path(args.keep) if args.keep else None)


if __name__ == "__main__":
    main()
