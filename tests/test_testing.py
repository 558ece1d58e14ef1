"""dataclean.testing.assert_passes and the pytest plugin (fixture ``dataclean_check``), run with pytester."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from dataclean.exceptions import ConfigError
from dataclean.fields import nhs_number
from dataclean.gx import ensure_registered
from dataclean.jobs.validate import validate  # before pytester's module snapshot, so it is not reloaded
from dataclean.testing import DataQualityAssertionError, assert_passes

pytest_plugins = ["pytester"]
ensure_registered()

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "data" / "planted_suite.yml"
NHS = [n + str(nhs_number.checksum(n)) for n in ("999000001", "999000002", "999000003", "999000004", "999000005")]
BAD_NHS = NHS[0][:9] + str((int(NHS[0][9]) + 1) % 10)  # wrong check digit
PLUGIN_INSTALLED = any(
    ep.value == "dataclean.pytest_plugin" for ep in importlib.metadata.entry_points(group="pytest11")
)


def people(nhs: list[str | None]) -> pd.DataFrame:
    n = len(nhs)
    return pd.DataFrame(
        {
            "record_id": [f"R{i}" for i in range(n)],
            "nhs_number": nhs,
            "date_of_birth": ["1950-01-01"] * n,
            "date_of_death": [None] * n,
            "last_updated": ["2025-12-01"] * n,
        }
    )


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    plugin = [] if PLUGIN_INSTALLED else ["-p", "dataclean.pytest_plugin"]
    return pytester.runpytest(*plugin, "-p", "no:cacheprovider", *args)


# ------------------------------------------------------------------------------ assert_passes
def test_assert_passes_returns_the_report_for_good_data(tmp_path):
    path = tmp_path / "people.csv"
    people(NHS[:5]).to_csv(path, index=False)
    report = assert_passes(path, SUITE)
    assert report.passed and report.scorecard.dataset == "people.csv"
    assert report.scorecard.row_count == 5


def test_assert_passes_failure_message_lists_failures_with_masked_values():
    frame = people([*NHS[:4], BAD_NHS, "UNKNOWN"])
    before = frame.copy()
    with pytest.raises(DataQualityAssertionError) as err:
        assert_passes(frame, SUITE)
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is not touched
    message = str(err.value)
    assert isinstance(err.value, AssertionError) and not err.value.report.passed
    assert "against suite 'planted'" in message and "6 rows" in message
    assert "expect_column_values_to_be_valid_nhs_number" in message
    assert "invalid_checksum 1" in message
    masked = BAD_NHS[:2] + "*" * 6 + BAD_NHS[-2:]
    assert f"examples (masked): {masked}" in message
    assert BAD_NHS not in message  # never the raw identifier
    assert "rows: 4" in message  # the failing row label
    assert "why:" in message and "critical expectation" in message


def test_fail_under_fails_data_that_meets_the_suite_but_not_the_bar():
    report = assert_passes(people(NHS[:5]), SUITE, fail_under=0.5)
    assert report.scorecard.overall_score == pytest.approx(1.0)
    frame = people(NHS[:5])
    frame.loc[4, "last_updated"] = "2020-01-01"  # stale: timeliness 80 %, overall below 100 %
    card = validate(frame, SUITE).scorecard
    assert card.overall_score < 1.0
    with pytest.raises(DataQualityAssertionError, match=r"below fail_under 100\.0%"):
        assert_passes(frame, SUITE, fail_under=1.0)
    with pytest.raises(ConfigError, match="between 0 and 1"):
        assert_passes(frame, SUITE, fail_under=95)


# ------------------------------------------------------------------------------ the pytest plugin
def _data_files(pytester: pytest.Pytester) -> None:
    people(NHS[:5]).to_csv(pytester.path / "good.csv", index=False)
    people([*NHS[:4], BAD_NHS]).to_csv(pytester.path / "bad.csv", index=False)


def test_fixture_passes_and_fails_tests_with_a_readable_message(pytester: pytest.Pytester):
    _data_files(pytester)
    pytester.makepyfile(
        test_quality=f"""
        SUITE = {str(SUITE)!r}

        def test_good(dataclean_check):
            report = dataclean_check("good.csv", SUITE)
            assert report.passed

        def test_bad(dataclean_check):
            dataclean_check("bad.csv", SUITE)
        """
    )
    result = _run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    masked = BAD_NHS[:2] + "******" + BAD_NHS[-2:]
    result.stdout.fnmatch_lines(
        [
            "*data quality check failed: bad.csv against suite 'planted'*",
            "*failed expectations (*",
            "*expect_column_values_to_be_valid_nhs_number*",
            f"*examples (masked): {masked}*",
        ]
    )
    assert BAD_NHS not in out
    assert "def check(" not in out  # the plugin's frames are hidden from the traceback


def test_fixture_writes_scorecards_with_report_dir(pytester: pytest.Pytester):
    _data_files(pytester)
    pytester.makepyfile(
        test_quality=f"""
        def test_good(dataclean_check):
            dataclean_check("good.csv", {str(SUITE)!r}, fail_under=0.9)
            dataclean_check("bad.csv", {str(SUITE)!r})
        """
    )
    result = _run(pytester, "--dataclean-report-dir", "quality")
    result.assert_outcomes(failed=1)
    first = pytester.path / "quality" / "test_quality.py_test_good"
    second = pytester.path / "quality" / "test_quality.py_test_good-2"
    assert (first / "scorecard.json").exists() and (first / "scorecard.html").exists()
    assert '"passed": false' in (second / "scorecard.json").read_text(encoding="utf-8")  # written on failure too


def test_fixture_is_listed_by_pytest(pytester: pytest.Pytester):
    result = _run(pytester, "--fixtures")
    result.stdout.fnmatch_lines(["*fixtures defined from dataclean.pytest_plugin*", "dataclean_check*", "*fail_under*"])


def test_entry_point_loads_the_plugin_without_p(tmp_path):
    """pytest finds the plugin through the pytest11 entry point declared in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entry = project["project"]["entry-points"]["pytest11"]
    assert entry == {"dataclean": "dataclean.pytest_plugin"}
    spec = importlib.util.find_spec("dataclean.pytest_plugin")
    assert spec is not None and Path(spec.origin).resolve().is_relative_to(ROOT / "src")
    # a stand-in installed distribution carrying exactly that entry point
    site = tmp_path / "site"
    dist = site / "dataclean_entrypoint_probe-0.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: dataclean-entrypoint-probe\nVersion: 0.0\n")
    (dist / "entry_points.txt").write_text(
        "[pytest11]\n" + "".join(f"{k} = {v}\n" for k, v in entry.items()), encoding="utf-8"
    )
    work = tmp_path / "work"
    work.mkdir()
    (work / "test_it.py").write_text("def test_it(dataclean_check):\n    assert callable(dataclean_check)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(ROOT / "src")]))
    if PLUGIN_INSTALLED:  # installed (pip install -e .): the other tests here already load it without -p
        (ep,) = [e for e in importlib.metadata.entry_points(group="pytest11") if e.value == "dataclean.pytest_plugin"]
        assert ep.name == "dataclean" and ep.load().dataclean_check is not None
        return
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_it.py"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "1 passed" in proc.stdout
