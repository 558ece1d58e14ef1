"""Data-quality assertions for test suites: :func:`assert_passes` and the pytest plugin's fixture::

    from dataclean.testing import assert_passes

    assert_passes("data/people.csv", "expectations/social_care_person.yml", fail_under=0.95)

A failing check raises :class:`DataQualityAssertionError` (an ``AssertionError``, so every test
runner reports it as a test failure) whose message lists the failed expectations with *masked*
examples of failing values, their reason codes and the first failing rows; the
:class:`~dataclean.scorecard.build.ValidationReport` is on ``.report`` for further assertions.

With dataclean installed, pytest loads :mod:`dataclean.pytest_plugin` (entry point ``pytest11``),
which offers the ``dataclean_check`` fixture: the same check, and with
``--dataclean-report-dir DIR`` each checked dataset's scorecard is written there.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from dataclean.scorecard.build import ValidationReport
    from dataclean.suite import Suite

__all__ = ["DataQualityAssertionError", "assert_passes", "failure_message"]

#: failed expectations listed in a message before "... and N more"
MAX_LISTED = 20
#: failing row labels listed per expectation
MAX_ROWS = 5


class DataQualityAssertionError(AssertionError):
    """The data failed its quality gate. ``report`` holds the full validation report."""

    def __init__(self, message: str, report: ValidationReport) -> None:
        super().__init__(message)
        self.report = report


def _pct(x: float | None) -> str:
    return "not assessed" if x is None else f"{100 * x:.1f}%"


def failure_message(report: ValidationReport, *, fail_under: float | None = None) -> str:
    """A readable, multi-line account of why ``report`` failed (values masked as in the scorecard)."""
    card = report.scorecard
    head = (
        f"data quality check failed: {card.dataset} against suite {card.suite!r}: overall "
        f"{_pct(card.overall_score)} (suite threshold {_pct(card.overall_threshold)}"
        + (f", fail_under {_pct(fail_under)}" if fail_under is not None else "")
        + f"), {card.row_count:,} rows"
    )
    lines = [head]
    reasons = list(card.failure_reasons)
    if fail_under is not None and (card.overall_score is None or card.overall_score < fail_under):
        reasons.append(f"overall score {_pct(card.overall_score)} is below fail_under {_pct(fail_under)}")
    if reasons:
        lines.append("why:")
        lines += [f"  - {r}" for r in reasons]
    failed = card.failed_expectations
    if failed:
        lines.append(f"failed expectations ({len(failed)} of {len(card.expectations)}):")
        rows_by_key: dict[str, list[str]] = {}
        if len(report.failures):
            first = report.failures.groupby("expectation", sort=False)["row"].head(MAX_ROWS)
            for key, row in zip(report.failures.loc[first.index, "expectation"], first):
                rows_by_key.setdefault(str(key), []).append(str(row))
        for e in failed[:MAX_LISTED]:
            cols = ", ".join(e.columns) or "(table)"
            lines.append(f"  - {e.key}: {e.type}  [{cols}; {e.dimension}; {e.severity}]")
            if e.error:
                lines.append(f"      error: {e.error}")
                continue
            detail = f"{e.unexpected_count:,} of {e.evaluated_count:,} rows failed (score {_pct(e.score)})"
            if e.mostly is not None and e.mostly < 1:
                detail += f", mostly {e.mostly:g}"
            lines.append("      " + detail)
            if e.reasons:
                lines.append("      reasons: " + ", ".join(f"{k} {v:,}" for k, v in e.reasons.items()))
            if e.examples:
                lines.append("      examples (masked): " + ", ".join(e.examples))
            if e.key in rows_by_key:
                more = e.unexpected_count - len(rows_by_key[e.key])
                lines.append(
                    "      rows: " + ", ".join(rows_by_key[e.key]) + (f" (+{more:,} more)" if more > 0 else "")
                )
        if len(failed) > MAX_LISTED:
            lines.append(f"  ... and {len(failed) - MAX_LISTED} more failed expectations")
    return "\n".join(lines)


def assert_passes(
    data: pd.DataFrame | str | Path,
    suite: Suite | str | Path,
    *,
    fail_under: float | None = None,
    reference_date: _dt.date | str | None = None,
    dedupe: bool | None = None,
) -> ValidationReport:
    """Validate ``data`` against ``suite``; raise :class:`DataQualityAssertionError` unless it passes.

    ``data`` is a DataFrame (never modified) or a file path; ``suite`` a :class:`~dataclean.suite.Suite`,
    a suite file or the name of a bundled suite. The data passes when the suite's own gate passes
    (thresholds, no red dimension, no failed critical expectation) and, if ``fail_under`` is given
    (0-1), the overall score is at least ``fail_under``. Returns the report when it passes.

    Failing values in the message are masked (``94******18``); the report's scorecard holds the
    same masked examples.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this function's
    from dataclean.exceptions import ConfigError
    from dataclean.jobs.validate import validate

    if fail_under is not None and not 0 <= fail_under <= 1:
        raise ConfigError(f"fail_under must be between 0 and 1, not {fail_under!r} (90% is 0.9)")
    report = validate(data, suite, reference_date=reference_date, dedupe=dedupe, show_values=False)
    card = report.scorecard
    ok = card.passed
    if fail_under is not None and (card.overall_score is None or card.overall_score < fail_under):
        ok = False
    if not ok:
        raise DataQualityAssertionError(failure_message(report, fail_under=fail_under), report)
    return report
