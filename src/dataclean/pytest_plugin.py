"""pytest plugin (entry point ``pytest11``): the ``dataclean_check`` fixture.

    def test_people_extract(dataclean_check):
        dataclean_check("data/people.csv", "expectations/social_care_person.yml", fail_under=0.95)

The fixture calls :func:`dataclean.testing.assert_passes`, so a failing dataset fails the test
with a message listing the failed expectations and masked examples. With
``--dataclean-report-dir DIR`` (or the ``dataclean_report_dir`` ini option) every checked
dataset's scorecard (JSON and HTML) is also written to ``DIR/<test name>/``, pass or fail.

This module is imported by pytest at start-up wherever dataclean is installed, so it imports
nothing heavy itself: validation (and great-expectations) loads on the first check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dataclean", "dataclean data-quality checks")
    group.addoption(
        "--dataclean-report-dir",
        default=None,
        metavar="DIR",
        help="write the scorecard (json, html) of each dataclean_check to DIR/<test name>/",
    )
    parser.addini("dataclean_report_dir", "default for --dataclean-report-dir", default="")


def _report_dir(config: pytest.Config) -> Path | None:
    value = config.getoption("--dataclean-report-dir") or config.getini("dataclean_report_dir")
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else Path(config.rootpath) / path


@pytest.fixture
def dataclean_check(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``dataclean_check(data, suite, *, fail_under=None, reference_date=None, dedupe=None)``.

    Validates ``data`` (DataFrame or file path) against ``suite`` (suite file, bundled suite name
    or :class:`~dataclean.suite.Suite`) and fails the test unless it passes; returns the
    :class:`~dataclean.scorecard.build.ValidationReport`.
    """
    out = _report_dir(request.config)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid).strip("_")[:150]
    calls = 0

    def check(data: Any, suite: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        nonlocal calls
        from dataclean.testing import DataQualityAssertionError, assert_passes

        calls += 1
        report = None
        try:
            report = assert_passes(data, suite, **kwargs)
        except DataQualityAssertionError as failure:
            report = failure.report
            raise
        finally:
            if out is not None and report is not None:
                report.write(out / (safe if calls == 1 else f"{safe}-{calls}"), ("json", "html"))
        return report

    return check
