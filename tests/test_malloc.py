"""glibc's malloc thresholds raised once (dataclean._malloc): large numpy temporaries freed by one
call are kept for the next instead of being unmapped and faulted in again."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from dataclean import _malloc

_CYCLES = """
import resource
import numpy as np
{prime}
def cycle():  # three live 20 MiB temporaries, written, then freed together
    blocks = [np.ones(20 * 2**20, dtype=np.uint8) for _ in range(3)]
    del blocks
cycle(); cycle()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
cycle(); cycle()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(prime: str) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_CYCLES.format(prime=prime))],
        capture_output=True, text=True, check=True, env=env, timeout=120,
    )
    return int(out.stdout.split()[-1])


@pytest.mark.skipif(not _malloc.is_glibc(), reason="glibc's malloc thresholds: this C library is not glibc")
def test_prime_keeps_freed_temporaries_mapped():
    """In a fresh process glibc gives the freed 60 MiB back to the OS and the next cycle faults it
    in again; once primed the same cycles fault (nearly) nothing."""
    plain = _faults("")
    primed = _faults("from dataclean import _malloc\nassert _malloc.prime()")
    assert plain >= 20, plain  # 120 MiB faulted in again (in 4 KiB or 2 MiB pages)
    assert primed * 4 < plain, (primed, plain)


def test_prime_runs_once_and_can_be_turned_off(monkeypatch):
    monkeypatch.setattr(_malloc, "_done", False)
    monkeypatch.setattr(_malloc, "is_glibc", lambda: True)
    monkeypatch.setenv("DATACLEAN_MALLOC_PRIME", "0")
    assert _malloc.prime() is False  # turned off: nothing done, and not tried again
    monkeypatch.setattr(_malloc, "_done", False)
    monkeypatch.delenv("DATACLEAN_MALLOC_PRIME")
    assert _malloc.prime() is True
    assert _malloc.prime() is False  # once per process
    monkeypatch.setattr(_malloc, "_done", False)
    monkeypatch.setattr(_malloc, "is_glibc", lambda: False)
    assert _malloc.prime() is False  # other C libraries: nothing to do


def test_large_columns_prime_and_small_ones_do_not():
    """``to_text`` primes for columns of PRIME_MIN_ROWS rows or more (in a fresh process)."""
    code = """
    import pandas as pd
    from dataclean import _core, _malloc
    _core.to_text(pd.Series(["a"] * (_core.PRIME_MIN_ROWS - 1), dtype="string"))
    small = _malloc._done
    _core.to_text(pd.Series(["a"] * _core.PRIME_MIN_ROWS, dtype="string"))
    print(small, _malloc._done)
    """
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
