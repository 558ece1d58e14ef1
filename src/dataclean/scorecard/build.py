"""Run a suite through great-expectations and turn the results into a :class:`Scorecard`.

The flow for :func:`validate`:

1. check the data has the suite's columns (a clear :class:`DataFileError` naming the missing ones);
2. standardise the suite's standardisable columns *where possible*: a valid value is replaced by
   its canonical form (so ``943 476 5919`` and ``9434765919`` count as the same for uniqueness),
   an invalid value is kept as it was (so validity still sees it), missing stays missing;
3. run the compiled GX suite on that frame (ephemeral context, no progress bars, no fingerprint);
4. score each expectation over the rows it evaluated (nulls count against completeness only),
   each dimension as the weighted mean of its expectations, overall as the weighted mean of the
   assessed dimensions, and apply the thresholds;
5. collect row-level failures with reason codes, and masked examples (no raw values by default).
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dataclean import registry
from dataclean._core import StandardiseResult, mask_value
from dataclean.exceptions import DataFileError
from dataclean.scorecard.model import (
    DIMENSIONS,
    ColumnScore,
    DimensionScore,
    ExpectationScore,
    Scorecard,
)
from dataclean.suite import Suite, load_suite

log = logging.getLogger(__name__)

FAILURE_COLUMNS = ("row", "record_id", "column", "expectation", "dimension", "severity", "reason")
_MAX_EXAMPLES = 5


@dataclass
class ValidationReport:
    """What :func:`validate` returns: the scorecard, row-level failures and the checked frame."""

    scorecard: Scorecard
    failures: pd.DataFrame
    data: pd.DataFrame
    standardised: Mapping[str, StandardiseResult] = field(default_factory=dict)
    gx_results: Any = None

    @property
    def passed(self) -> bool:
        return self.scorecard.passed

    def write(self, directory: str | Path, formats: tuple[str, ...] = ("json",)) -> dict[str, Path]:
        """Write ``scorecard.<ext>`` per format, plus ``failures.csv``. Returns paths by format."""
        from dataclean.scorecard.render import write_scorecard

        out = write_scorecard(self.scorecard, directory, formats)
        path = Path(directory) / "failures.csv"
        self.failures.to_csv(path, index=False)
        out["failures"] = path
        return out

    def _repr_html_(self) -> str:
        return self.scorecard._repr_html_()


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

    A pyspark DataFrame, or any data with ``spark=`` a SparkSession, is validated on Spark
    (:func:`dataclean.engines.spark.validate`): the same scorecard, with failures as Parquet.
    """
    from dataclean.engines import is_spark_dataframe

    if spark is not None or is_spark_dataframe(data):
        from dataclean.engines import spark as spark_engine

        return spark_engine.validate(  # type: ignore[return-value]
            data,
            suite,
            spark=spark,
            reference_date=reference_date,
            show_values=show_values,
            dedupe=dedupe,
            stage=stage,
            dataset=dataset,
        )
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if not isinstance(suite, Suite):
        suite = load_suite(suite)
    if reference_date is not None:
        suite = suite.with_reference_date(reference_date)
    if not isinstance(data, pd.DataFrame):
        from dataclean.io import read_table

        dataset = dataset or Path(data).name
        data = read_table(data)
        timings["read"] = time.perf_counter() - t0
    dataset = dataset or suite.name
    check_columns(data, suite, source=dataset)

    t = time.perf_counter()
    if standardise:
        frame, standardised = standardise_for_checks(data, suite, precomputed=precomputed)
    else:
        frame, standardised = data, dict(precomputed or {})
    timings["standardise"] = time.perf_counter() - t

    t = time.perf_counter()
    from dataclean.gx import validate_frame_by_columns
    from dataclean.gx.expectations import precomputed

    cache = {col: (suite.columns[col].kind, res) for col, res in standardised.items() if col in suite.columns}
    with precomputed(cache):
        gx_results = validate_frame_by_columns(
            frame, suite.to_gx(), result_format={"result_format": "COMPLETE", "partial_unexpected_count": 20}
        )
    timings["great_expectations"] = time.perf_counter() - t

    duplicates = None
    if suite.dedupe is not None and (dedupe is None or dedupe):
        t = time.perf_counter()
        duplicates = _duplicate_persons(data, suite)
        timings["dedupe"] = time.perf_counter() - t

    t = time.perf_counter()
    scores, failures = _score_results(gx_results, suite, frame, data, show_values=show_values)
    if duplicates is not None:
        scores.append(duplicates)
    card = build_scorecard(
        scores,
        suite,
        row_count=len(data),
        dataset=dataset,
        stage=stage,
        duplicates=duplicates,
        timings=timings,
    )
    timings["scorecard"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    log.info("validated %d rows against suite %s: score %s", len(data), suite.name, card.overall_score)
    return ValidationReport(card, failures, frame, standardised, gx_results)


def check_columns(df: pd.DataFrame, suite: Suite, *, source: str | None = None) -> None:
    """Raise DataFileError naming every suite column the data lacks (with did-you-mean)."""
    import difflib

    missing = [c for c in suite.required_columns if c not in df.columns]
    if not missing:
        return
    parts = []
    for c in missing:
        close = difflib.get_close_matches(c, [str(x) for x in df.columns], n=1)
        parts.append(f"{c!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    where = f"{source}: " if source else ""
    raise DataFileError(
        f"{where}the data has no column {', '.join(parts)} required by suite {suite.name!r}. "
        f"Rename the data's columns or edit the suite's 'columns:' section. "
        f"Data columns: {', '.join(map(str, df.columns))}"
    )


def standardise_for_checks(
    df: pd.DataFrame, suite: Suite, *, precomputed: Mapping[str, StandardiseResult] | None = None
) -> tuple[pd.DataFrame, dict[str, StandardiseResult]]:
    """A copy of ``df`` with each standardisable column canonical where valid, raw where invalid.

    ``precomputed`` results (same rows) are reused instead of standardising those columns again.
    """
    out = df.copy(deep=False)
    results: dict[str, StandardiseResult] = {}
    for col in suite.standardise:
        kind = suite.columns[col].kind
        if kind is None:
            continue
        if precomputed and col in precomputed:
            res = precomputed[col]
            results[col] = res
            raw = df[col] if isinstance(df[col].dtype, pd.StringDtype) else df[col].astype("string")
            out[col] = res.value.where(res.valid, raw)
            continue
        module = registry.get(kind)
        if kind == "date_of_birth" and suite.reference_date is not None:
            res = module.standardise_series(df[col], reference_date=suite.reference_date)
        else:
            res = module.standardise_series(df[col])
        results[col] = res
        raw = df[col] if isinstance(df[col].dtype, pd.StringDtype) else df[col].astype("string")
        out[col] = res.value.where(res.valid, raw)
    return out, results


def map_score(element: int, missing: int, unexpected: int, mostly: float | None) -> tuple[float | None, bool]:
    """(score, success) of a row-by-row expectation from its counts: the one scoring rule shared by
    the in-memory and the chunked paths. The score is the share of evaluated (non-missing) rows
    that pass; success means that share reaches ``mostly`` (1.0 when not given), as in GX."""
    evaluated = element - missing
    if evaluated <= 0:
        return None, True
    return 1.0 - unexpected / evaluated, (evaluated - unexpected) / evaluated >= (1.0 if mostly is None else mostly)


def _exception_message(info: Any) -> str | None:
    if not info:
        return None
    if "raised_exception" in info:
        return info.get("exception_message") if info.get("raised_exception") else None
    msgs = [v.get("exception_message") for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return "; ".join(dict.fromkeys(m for m in msgs if m)) or None


def _score_results(
    gx_results: list[Any], suite: Suite, frame: pd.DataFrame, raw: pd.DataFrame, *, show_values: bool
) -> tuple[list[ExpectationScore], pd.DataFrame]:
    id_col = suite.id_column
    ids = raw[id_col] if id_col else None
    by_key = {e.key: e for e in suite.expectations}
    scores: list[ExpectationScore] = []
    failure_parts: list[pd.DataFrame] = []
    for r in gx_results:
        cfg = r.expectation_config
        key = (cfg.meta or {}).get("dataclean_key")
        spec = by_key.get(key)
        if spec is None:  # not one of ours: ignore rather than guess
            continue
        res = r.result or {}
        error = _exception_message(r.exception_info)
        if "element_count" in res:
            element = int(res.get("element_count") or 0)
            missing = int(res.get("missing_count") or 0)
            unexpected = int(res.get("unexpected_count") or 0)
            score, success = map_score(element, missing, unexpected, spec.kwargs.get("mostly"))
        else:  # aggregate / table expectation: pass or fail
            element, missing, unexpected = 1, 0, 0 if r.success else 1
            score, success = (1.0 if r.success else 0.0), bool(r.success)
        if error:
            score = 0.0
            error = error[:300]
        index_list = res.get("unexpected_index_list") or []
        row_reasons = _row_reasons(spec, raw, index_list)
        reasons = {str(k): int(v) for k, v in row_reasons.value_counts().items()} if row_reasons is not None else {}
        examples = tuple(_example(v, show_values) for v in (res.get("partial_unexpected_list") or [])[:_MAX_EXAMPLES])
        scores.append(
            ExpectationScore(
                key=spec.key,
                type=spec.type,
                columns=spec.columns,
                dimension=spec.dimension,
                severity=spec.severity,
                weight=spec.weight,
                element_count=element,
                missing_count=missing,
                unexpected_count=unexpected,
                score=score,
                success=success and not error,
                mostly=spec.kwargs.get("mostly"),
                examples=examples,
                reasons=reasons,
                error=error,
                description=spec.description,
            )
        )
        if index_list:
            failure_parts.append(_failure_rows(index_list, spec, ids, row_reasons))
    failures = (
        pd.concat(failure_parts, ignore_index=True)
        if failure_parts
        else pd.DataFrame({c: pd.Series(dtype="string") for c in FAILURE_COLUMNS})
    )
    order = {e.key: i for i, e in enumerate(suite.expectations)}
    scores.sort(key=lambda s: order.get(s.key, len(order)))
    return scores, failures


def _row_reasons(spec: Any, raw: pd.DataFrame, index_list: list) -> pd.Series | None:
    """The field module's reason code for each failing row of a kind-validity expectation."""
    from dataclean.gx.expectations import KIND_EXPECTATIONS

    if not index_list or len(spec.columns) != 1:
        return None
    kind = next((k for k, cls in KIND_EXPECTATIONS.items() if cls.expectation_type == spec.type), None)
    if kind is None:
        return None
    return registry.get(kind).reason_series(raw.loc[index_list, spec.columns[0]]).fillna("invalid")


def _failure_rows(index_list: list, spec: Any, ids: pd.Series | None, row_reasons: pd.Series | None) -> pd.DataFrame:
    idx = pd.Index(index_list)
    reason: Any = spec.type.removeprefix("expect_") if row_reasons is None else row_reasons.to_numpy()
    return pd.DataFrame(
        {
            "row": idx.astype(str),
            "record_id": ids.loc[idx].astype("string").to_numpy() if ids is not None else pd.NA,
            "column": ",".join(spec.columns),
            "expectation": spec.key,
            "dimension": spec.dimension,
            "severity": spec.severity,
            "reason": reason,
        }
    ).astype("string")


def _example(value: Any, show: bool) -> str:
    if isinstance(value, (list, tuple)):
        return " / ".join(_example(v, show) for v in value)
    if isinstance(value, dict):
        return " / ".join(_example(v, show) for v in value.values())
    if show:
        return "<missing>" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return mask_value(value)


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


def duplicate_persons_score(summary: dict[str, Any]) -> ExpectationScore:
    """The uniqueness score of a linkage run's summary (``records``, ``duplicate_records``): the
    same for every engine."""
    records = int(summary["records"])
    dup = int(summary["duplicate_records"])
    return ExpectationScore(
        key="g_duplicate_persons",
        type="dataclean_duplicate_persons",
        columns=(),
        dimension="uniqueness",
        severity="warning",
        weight=1.0,
        element_count=records,
        missing_count=0,
        unexpected_count=dup,
        score=None if records == 0 else 1.0 - dup / records,
        success=dup == 0,
        description="records that linkage says are further records of a person already present",
    )


def _status(score: float | None, threshold: float, margin: float) -> str:
    if score is None:
        return "not_assessed"
    if score < threshold:
        return "red"
    if score < min(threshold + margin, 1.0):
        return "amber"
    return "green"


def _wmean(pairs: list[tuple[float, float]]) -> float | None:
    total = sum(w for _, w in pairs)
    return None if not pairs or total == 0 else sum(s * w for s, w in pairs) / total


def build_scorecard(
    scores: list[ExpectationScore],
    suite: Suite,
    *,
    row_count: int,
    dataset: str,
    stage: str | None = None,
    duplicates: ExpectationScore | None = None,
    timings: Mapping[str, float] | None = None,
) -> Scorecard:
    """Aggregate expectation scores into dimension, column and overall scores with thresholds."""
    th = suite.thresholds
    by_dim: dict[str, list[ExpectationScore]] = defaultdict(list)
    for s in scores:
        by_dim[s.dimension].append(s)
    dims = []
    for name in DIMENSIONS:
        members = by_dim.get(name, [])
        score = _wmean([(s.score, s.weight) for s in members if s.score is not None])
        threshold = th.dimensions.get(name, th.overall)
        dims.append(
            DimensionScore(
                name=name,
                score=score,
                threshold=threshold if score is not None else th.dimensions.get(name),
                status=_status(score, threshold, th.amber_margin),
                expectations=len(members),
                failed_expectations=sum(not s.success for s in members),
                weight=suite.dimension_weights.get(name, 1.0),
            )
        )
    overall = _wmean([(d.score, d.weight) for d in dims if d.score is not None])
    reasons: list[str] = []
    if overall is None:
        reasons.append("no dimension could be assessed")
    elif overall < th.overall:
        reasons.append(f"overall score {overall:.3f} is below the threshold {th.overall:.3f}")
    for d in dims:
        if d.status == "red":
            reasons.append(f"{d.name} score {d.score:.3f} is below its threshold {d.threshold:.3f}")
    for s in scores:
        if s.severity == "critical" and not s.success:
            why = f" ({s.error})" if s.error else f" ({s.unexpected_count} of {s.evaluated_count} rows)"
            reasons.append(f"critical expectation {s.key} failed{why}")
    passed = not reasons
    status = "red" if not passed else _status(overall, th.overall, th.amber_margin)

    columns = []
    for col in suite.required_columns:
        members = [s for s in scores if col in s.columns]
        per_dim: dict[str, float | None] = {}
        for name in DIMENSIONS:
            ds = [(s.score, s.weight) for s in members if s.dimension == name and s.score is not None]
            if ds:
                per_dim[name] = _wmean(ds)
        col_score = _wmean([(v, 1.0) for v in per_dim.values() if v is not None])
        spec = suite.columns.get(col)
        columns.append(ColumnScore(col, spec.role if spec else None, col_score, per_dim))

    return Scorecard(
        suite=suite.name,
        dataset=dataset,
        row_count=row_count,
        overall_score=overall,
        overall_threshold=th.overall,
        status=status,
        passed=passed,
        dimensions=tuple(dims),
        columns=tuple(columns),
        expectations=tuple(scores),
        failure_reasons=tuple(reasons),
        generated_at=_dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        reference_date=(suite.reference_date or _dt.date.today()).isoformat(),
        stage=stage,
        duplicates=(
            {"records": duplicates.element_count, "duplicate_records": duplicates.unexpected_count}
            if duplicates is not None
            else None
        ),
        timings=dict(timings or {}),
    )
