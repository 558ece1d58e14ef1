"""Every script in examples/ runs (in a fresh process, from a temporary folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "examples").glob("*.py"))
#: scripts whose exit code is a verdict rather than success
EXPECTED_EXIT = {"ci_gate.py": (0, 1)}
#: scripts whose first argument is not an output folder
NO_ARGS = {"ci_gate.py"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs(script: Path, tmp_path: Path):
    args = [] if script.name in NO_ARGS else [str(tmp_path / "out")]
    proc = subprocess.run(
        [sys.executable, str(script), *args], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    allowed = EXPECTED_EXIT.get(script.name, (0,))
    assert proc.returncode in allowed, proc.stderr[-4000:]
    assert proc.stdout.strip(), "an example should show its result"
