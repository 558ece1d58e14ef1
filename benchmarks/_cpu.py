"""Child-process timing for the whole-CLI benchmarks: wall seconds and CPU seconds.

On a shared machine the wall clock depends on what else runs; the CPU time a process spends
(user + system, all its threads) much less so. Ratios are given on both, measured in one run.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float


def run(cmd: list[str], *, ok_codes: tuple[int, ...] = (0,), src: str | None = None) -> Run:
    """Run ``cmd`` as a child process; ``src`` puts another source tree first on PYTHONPATH
    (``--compare-src``: the same command on, say, the main branch, in the same run)."""
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok_codes:
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu)


def floor(path: object, out: object) -> Run:
    """The plain pandas floor: read_csv + to_csv of the same file, in its own process."""
    from realistic_data import FLOOR_CODE

    return run([sys.executable, "-c", FLOOR_CODE, str(path), str(out)])


def header(target: str) -> str:
    columns = f"{'wall s':>8}{'x floor':>8}{'CPU s':>8}{'x floor':>8}"
    return f"{'run (whole process, file read included)':<48}{columns}  {target}"


def row(label: str, r: Run, base: Run, limit: float | None = None) -> str:
    verdict = "" if limit is None else ("ok" if r.cpu / base.cpu <= limit else "MISSED")
    return f"{label:<48}{r.wall:>8.2f}{r.wall / base.wall:>8.2f}{r.cpu:>8.2f}{r.cpu / base.cpu:>8.2f}  {verdict}"
