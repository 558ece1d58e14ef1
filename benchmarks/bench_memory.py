"""Bounded memory: ``dataclean clean --chunk-size`` on 1M and 5M rows, peak memory against size.

Two data profiles (``--data``, both by default):

* ``realistic``: ``realistic_data`` rows (identifiers, phones, emails and addresses nearly unique
  per person), written in 1M-row pieces with their own seeds and running record ids
  (:func:`realistic_data.write_realistic_pieces`), so the 5M file holds 5M different rows, not
  five copies, and the generator holds one piece at a time. The suite is the
  ``dataclean suite init`` draft of the first file, generated once and used for every size (the
  same checks at every size);
* ``messy``: ``_data.messy_extract`` (values repeat: a few thousand distinct phones) through
  ``expectations/social_care_person.yml``; beyond 1M rows the generated rows are repeated with
  new record ids.

For each size the real command line runs in a child process:

    dataclean clean FILE --suite SUITE --chunk-size 250000 --output DIR

and the script prints its wall seconds, CPU seconds (user + system) and peak resident memory
(``os.wait4``: that one process's own rusage, so neither this script nor the data generator
counts). The baseline, in the same run and on the same file: pandas reading the file in chunks of
the same size (every value as text, as dataclean reads it) and writing it back, the floor of any
bounded-memory file-to-file job. Goal: dataclean's peak is flat from 1M to 5M rows (it depends on
the chunk size, not on the file size).

    python benchmarks/bench_memory.py [--data realistic,messy] [--sizes 1000000,5000000]
                                      [--chunk-size 250000] [--keep DIR]

``--profile ROWS`` instead runs the chunked clean in this process under ``tracemalloc`` and
prints, after each chunk, the Python heap, the current and peak resident memory and what
pyarrow's memory pool holds, to show what grows with the file.
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


def write_realistic(path: Path, rows: int) -> None:
    """``rows`` realistic rows as CSV, in 1M-row pieces (see the module docstring)."""
    sys.path.insert(0, str(HERE))
    from realistic_data import write_realistic_pieces

    pieces = write_realistic_pieces(path, rows, seed=40)
    first = pieces[0]
    print(
        f"  {path.name}: {len(pieces)} piece(s); distinct per column in the first: "
        + ", ".join(f"{c} {n:,}" for c, n in first.items()),
        flush=True,
    )


def draft_suite(data: Path, suite: Path) -> None:
    """``dataclean suite init`` on ``data``: the suite a new user starts from."""
    cmd = [sys.executable, "-m", "dataclean.cli", "--no-progress", "suite", "init", str(data), "--output", str(suite)]
    subprocess.run(cmd, check=True, capture_output=True, env=_env())


def write_in_child(data_profile: str, path: Path, rows: int) -> None:
    """Write the data file from a child process. Not from this one: on Linux a child's peak RSS
    (``ru_maxrss``) starts from its parent's peak at the time it was started (``execve`` keeps the
    high-water mark of the memory image it replaces), so a parent that had generated the data
    would lend every measured child its own peak."""
    cmd = [sys.executable, __file__, "--write", data_profile, str(rows), str(path)]
    subprocess.run(cmd, check=True, env=_env())


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}


def measure(cmd: list[str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit code) of one child process."""
    env = _env()
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty child cannot block
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if proc.returncode not in (0, 1):  # 1 = quality gate failed: the messy data is meant to fail it
        raise SystemExit(f"{cmd[:4]} exited {proc.returncode}:\n{err[-3000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


PANDAS_FLOOR = """
import sys, pandas as pd
src, dst, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(dst, "w", encoding="utf-8", newline="") as out:
    for i, chunk in enumerate(pd.read_csv(src, dtype=str, keep_default_na=False, chunksize=size)):
        chunk.to_csv(out, index=False, header=i == 0)
"""


def run(profiles: list[str], sizes: list[int], chunk_size: int, keep: Path | None) -> None:
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="dataclean-bench-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"dataclean clean --chunk-size {chunk_size:,}; cpu count {os.cpu_count()}, load {os.getloadavg()[0]:.1f}")
    try:
        for data_profile in profiles:
            run_profile(data_profile, sizes, chunk_size, work, keep=keep is not None)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def run_profile(data_profile: str, sizes: list[int], chunk_size: int, work: Path, *, keep: bool) -> None:
    """One data profile at every size: the pandas floor and the dataclean CLI on the same file."""
    print()
    rows = []
    suite = SUITE
    for size in sizes:
        data = work / f"{data_profile}_{size}.csv"
        if not data.exists():
            write_in_child(data_profile, data, size)
        if data_profile == "realistic" and suite == SUITE:
            suite = work / "realistic_suite.yml"  # the first file's draft, for every size
            if not suite.exists():
                draft_suite(data, suite)
        if not rows:
            print(f"profile {data_profile}, suite {suite.name}")
            print()
            print(
                "| rows | file MB | floor wall s | floor CPU s | floor peak MB | dataclean wall s | dataclean CPU s "
                "| CPU x floor | dataclean peak MB | exit |"
            )
            print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
        mb = data.stat().st_size / 2**20
        out = work / f"out_{data_profile}_{size}"
        shutil.rmtree(out, ignore_errors=True)
        clean_cmd = [
            sys.executable, "-m", "dataclean.cli", "--no-progress", "clean", str(data), "--suite", str(suite),
            "--chunk-size", str(chunk_size), "--output", str(out), "--reference-date", "2026-11-24", "-q",
        ]  # fmt: skip
        floor_cmd = [sys.executable, "-c", PANDAS_FLOOR, str(data), str(work / "floor.csv"), str(chunk_size)]
        f_sec, f_cpu, f_mb, _ = measure(floor_cmd)
        d_sec, d_cpu, d_mb, code = measure(clean_cmd)
        assert (out / "_SUCCESS").exists(), "the clean run left no _SUCCESS manifest"
        rows.append((size, f_mb, d_mb))
        print(
            f"| {size:,} | {mb:,.0f} | {f_sec:.1f} | {f_cpu:.1f} | {f_mb:,.0f} | {d_sec:.1f} | {d_cpu:.1f} "
            f"| {d_cpu / f_cpu:.2f} | {d_mb:,.0f} | {code} |",
            flush=True,
        )
        (work / "floor.csv").unlink(missing_ok=True)
        if not keep:
            shutil.rmtree(out, ignore_errors=True)
            data.unlink()
    if len(rows) > 1:
        (n0, f0, d0), (n1, f1, d1) = rows[0], rows[-1]
        print()
        print(
            f"{data_profile}: dataclean peak from {n0:,} to {n1:,} rows {d1 - d0:+,.0f} MB "
            f"({(d1 - d0) / d0 * 100:+.0f}%); pandas floor {f1 - f0:+,.0f} MB"
        )


def _rss_mb() -> float:
    """This process's current resident memory (Linux ``/proc``; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # pragma: no cover - not Linux
        return 0.0


def profile(data_profile: str, size: int, chunk_size: int, trace: bool = True) -> None:
    """Per-chunk Python heap, current and peak RSS and pyarrow's pool of the chunked clean, in
    this process."""
    import resource
    import tracemalloc

    import pyarrow as pa

    import dataclean.io as io_module
    from dataclean.jobs import chunked

    work = Path(tempfile.mkdtemp(prefix="dataclean-bench-memory-"))
    try:
        data = work / "people.csv"
        suite = SUITE
        write_in_child(data_profile, data, size)  # so this process's peak is the clean's own
        if data_profile == "realistic":
            suite = work / "suite.yml"
            draft_suite(data, suite)
        seen = {"n": 0}
        real = io_module.iter_table_chunks
        pool = pa.default_memory_pool()
        print(f"pyarrow pool: {pool.backend_name}")

        def watched(*args, **kwargs):
            for chunk in real(*args, **kwargs):
                heap, top = (x / 2**20 for x in tracemalloc.get_traced_memory())
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                print(
                    f"chunk {seen['n']:3d}: heap {heap:7.1f} MB (peak {top:7.1f}), RSS {_rss_mb():7.1f} MB "
                    f"(peak {peak:7.1f}), arrow pool {pool.bytes_allocated() / 2**20:6.1f} MB",
                    flush=True,
                )
                seen["n"] += 1
                yield chunk

        io_module.iter_table_chunks = watched
        if trace:
            tracemalloc.start(10)
        chunked.clean_file_chunked(data, suite, work / "out", chunk_size=chunk_size, reference_date="2026-11-24")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"end: RSS {_rss_mb():7.1f} MB (peak {peak:7.1f}), arrow pool {pool.bytes_allocated() / 2**20:6.1f} MB")
        if trace:
            snap = tracemalloc.take_snapshot()
            print("largest live allocations at the end:")
            for stat in snap.statistics("traceback")[:8]:
                print(f"  {stat.size / 2**20:8.1f} MB  {stat.traceback.format()[-1].strip()}")
    finally:
        io_module.iter_table_chunks = real
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="realistic,messy", help="data profiles: realistic, messy or both")
    parser.add_argument("--sizes", default="1000000,5000000", help="comma-separated row counts")
    parser.add_argument("--chunk-size", type=int, default=250_000)
    parser.add_argument("--keep", help="keep the generated files and outputs in this folder")
    parser.add_argument("--profile", type=int, metavar="ROWS", help="profile one chunked clean of ROWS rows")
    parser.add_argument("--no-trace", action="store_true", help="--profile without tracemalloc (RSS only)")
    parser.add_argument("--write", nargs=3, metavar=("PROFILE", "ROWS", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        data_profile, n, path = args.write
        (write_realistic if data_profile == "realistic" else write_extract)(Path(path), int(n))
        return
    profiles = [p.strip() for p in args.data.split(",") if p.strip()]
    unknown = set(profiles) - {"realistic", "messy"}
    if unknown:
        parser.error(f"unknown data profile(s) {', '.join(sorted(unknown))}: use realistic, messy")
    if args.profile:
        profile(profiles[0], args.profile, args.chunk_size, trace=not args.no_trace)
        return
    run(profiles, [int(s) for s in args.sizes.split(",")], args.chunk_size, Path(args.keep) if args.keep else None)


if __name__ == "__main__":
    main()
