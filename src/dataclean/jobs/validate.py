"""Validate a frame or file against a suite: the orchestration behind :func:`dataclean.validate`.

1. check the data has the suite's columns (a clear :class:`DataFileError` naming the missing ones);
2. standardise the suite's standardisable columns *where possible*: a valid value is replaced by
   its canonical form (so ``943 476 5919`` and ``9434765919`` count as the same for uniqueness),
   an invalid value is kept as it was (so validity still sees it), missing stays missing;
3. run the compiled GX suite on that frame (ephemeral context, no progress bars, no fingerprint),
   reusing the standardisation results instead of running the field modules again;
4. optionally run the suite's ``dedupe:`` block (linkage) and score duplicate persons;
5. hand the results to :mod:`dataclean.scorecard.build`, which scores them.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from dataclean import registry
from dataclean._core import StandardiseResult
from dataclean.engines.native import PARTIAL_UNEXPECTED, run_suite
from dataclean.io import string_dtype
from dataclean.scorecard.build import (
    ValidationReport,
    _score_results,
    build_scorecard,
    check_columns,
    duplicate_persons_score,
)
from dataclean.scorecard.model import ExpectationScore
from dataclean.suite import Suite, load_suite

log = logging.getLogger(__name__)

#: the suite's checks on a frame (native engine, GX only where needed), kept under its old name
#: (:func:`dataclean.engines.native.run_suite`)
run_gx = run_suite
#: Failing values GX lists per expectation (scorecard examples are the first few).

__all__ = ["PARTIAL_UNEXPECTED", "ValidationReport", "check_columns", "run_gx", "standardise_for_checks", "validate"]


def validate(
    data: pd.DataFrame | str | Path,
    suite: Suite | str | Path,
    *,
    reference_date: _dt.date | str | None = None,
    show_values: bool = False,
    standardise: bool = True,
    dedupe: bool | None = None,
    stage: str | None = None,
    dataset: str | None = None,
    precomputed: Mapping[str, StandardiseResult] | None = None,
    spark: Any = None,
) -> ValidationReport:
    """Validate ``data`` against ``suite`` and return a :class:`ValidationReport`.

    ``data`` may be a DataFrame (never modified) or a path read with :func:`dataclean.io.read_table`.
    ``reference_date`` overrides the suite's (timeliness and date-of-birth checks; default today).
    ``show_values`` puts raw failing values in examples (default: masked). ``dedupe`` runs the
    suite's ``dedupe:`` block and scores duplicate persons under uniqueness (default: when present).
    ``precomputed`` standardisation results (same rows) are reused instead of standardising again.

    A pyspark DataFrame, or any data with ``spark=`` a SparkSession, is validated on Spark
    (:func:`dataclean.jobs.spark.validate`): the same scorecard, with failures as Parquet.
    """
    from dataclean.engines import is_spark_dataframe

    if spark is not None or is_spark_dataframe(data):
        from dataclean.jobs import spark as spark_engine

        return spark_engine.validate(  # type: ignore[return-value]
            data, suite, spark=spark, reference_date=reference_date, show_values=show_values, dedupe=dedupe,
            stage=stage, dataset=dataset,
        )  # fmt: skip
    timer = Timer()
    suite = _resolve_suite(suite, reference_date)
    data, dataset = _read_input(data, suite, dataset, timer)
    with timer("standardise"):
        if standardise:
            frame, standardised = standardise_for_checks(data, suite, precomputed=precomputed)
        else:
            frame, standardised = data, dict(precomputed or {})
    with timer("great_expectations"):
        gx_results = run_gx(frame, suite, standardised)
    duplicates = None
    if suite.dedupe is not None and (dedupe is None or dedupe):
        with timer("dedupe"):
            duplicates = _duplicate_persons(data, suite)
    with timer("scorecard"):
        scores, failures = _score_results(
            gx_results, suite, frame, data, show_values=show_values, standardised=standardised
        )
        if duplicates is not None:
            scores.append(duplicates)
        card = build_scorecard(
            scores, suite, row_count=len(data), dataset=dataset, stage=stage, duplicates=duplicates,
            timings=timer.timings,
        )  # fmt: skip
    timer.total()
    log.info("validated %d rows against suite %s: score %s", len(data), suite.name, card.overall_score)
    return ValidationReport(card, failures, frame, standardised, gx_results)


class Timer:
    """Seconds per stage of a job (``with timer("read"): ...``) in ``timings``, plus ``total``."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.timings: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - t

    def total(self) -> dict[str, float]:
        self.timings["total"] = time.perf_counter() - self.start
        return self.timings


def _resolve_suite(suite: Suite | str | Path, reference_date: _dt.date | str | None) -> Suite:
    """The suite (loaded from a path if need be), with ``reference_date`` applied when given."""
    if not isinstance(suite, Suite):
        suite = load_suite(suite)
    return suite.with_reference_date(reference_date) if reference_date is not None else suite


def _read_input(
    data: pd.DataFrame | str | Path, suite: Suite, dataset: str | None, timer: Timer
) -> tuple[pd.DataFrame, str]:
    """The frame to check (read from a path if need be) and its dataset name; checks its columns."""
    if not isinstance(data, pd.DataFrame):
        from dataclean.io import read_table

        dataset = dataset or Path(data).name
        with timer("read"):
            data = read_table(data)
    dataset = dataset or suite.name
    check_columns(data, suite, source=dataset)
    return data, dataset


def standardise_for_checks(
    df: pd.DataFrame, suite: Suite, *, precomputed: Mapping[str, StandardiseResult] | None = None
) -> tuple[pd.DataFrame, dict[str, StandardiseResult]]:
    """A copy of ``df`` with each standardisable column canonical where valid, raw where invalid.

    ``precomputed`` results (same rows) are reused instead of standardising those columns again.
    """
    results = standardise_results(df, suite, precomputed=precomputed)
    out = df.copy(deep=False)
    for col, res in results.items():
        raw = df[col] if isinstance(df[col].dtype, pd.StringDtype) else df[col].astype("string")
        # Arrow-backed text: the checks that run on this frame then take pyarrow's string kernels
        out[col] = res.value.where(res.valid, raw).astype(string_dtype())
    return out, results


def standardise_results(
    df: pd.DataFrame, suite: Suite, *, precomputed: Mapping[str, StandardiseResult] | None = None
) -> dict[str, StandardiseResult]:
    """The field results of each standardisable column of ``df`` (``precomputed`` ones reused),
    without building the standardised frame (:func:`standardise_for_checks` does both)."""
    results: dict[str, StandardiseResult] = {}
    for col in suite.standardise:
        kind = suite.columns[col].kind
        if kind is None:
            continue
        results[col] = (
            precomputed[col] if precomputed and col in precomputed else standardise_column(df[col], kind, suite)
        )
    return results


def standardise_column(column: pd.Series, kind: str, suite: Suite) -> StandardiseResult:
    """The field module's ``standardise_series`` for ``kind`` (dates of birth against the suite's
    reference date)."""
    module = registry.get(kind)
    if kind == "date_of_birth" and suite.reference_date is not None:
        return module.standardise_series(column, reference_date=suite.reference_date)
    return module.standardise_series(column)


def _duplicate_persons(data: pd.DataFrame, suite: Suite) -> ExpectationScore | None:
    """Run the suite's dedupe block and score duplicate persons under uniqueness."""
    try:
        from dataclean.linkage import dedupe as run_dedupe
        from dataclean.linkage import uniqueness_summary
        from dataclean.linkage.config import LinkageConfig
    except ImportError:  # pragma: no cover - linkage is part of the package
        log.warning("linkage is not available; duplicate persons not scored")
        return None
    config = LinkageConfig.from_dict(suite.dedupe or {}, source=suite.path)
    return duplicate_persons_score(uniqueness_summary(run_dedupe(data, config)))
