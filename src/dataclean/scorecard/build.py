"""Turn the results of a suite's checks into a :class:`Scorecard`: the one scoring core.

Engines run the checks (the GX adapter in memory and per chunk, Spark); the jobs in
:mod:`dataclean.jobs` orchestrate them (read, standardise, run, deduplicate). This module only
scores what they return, the same way for every path:

* :func:`expectation_score` scores one expectation from its counts: the share of evaluated
  (non-missing) rows that pass (:func:`map_score`), success when that share reaches ``mostly``;
  an expectation that raised scores 0 and fails;
* :func:`_score_results` reads a list of GX validation results into those scores plus row-level
  failures with reason codes and masked examples (no raw values by default);
* :func:`build_scorecard` aggregates: each dimension the weighted mean of its expectations,
  overall the weighted mean of the assessed dimensions, with the suite's thresholds.

It imports no engine (GX, linkage, Spark): results come in as plain objects.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dataclean import registry
from dataclean._core import StandardiseResult, mask_value
from dataclean.checks.types import KIND_OF_VALID_TYPE
from dataclean.exceptions import DataFileError
from dataclean.scorecard.model import (
    DIMENSIONS,
    ColumnScore,
    DimensionScore,
    ExpectationScore,
    Scorecard,
)
from dataclean.suite import ExpectationSpec, Suite

log = logging.getLogger(__name__)

FAILURE_COLUMNS = ("row", "record_id", "column", "expectation", "dimension", "severity", "reason")
#: The failures table's columns: Arrow-backed strings (a file with most rows failing has a million
#: failure rows: built and written without a Python object per row).
FAILURE_DTYPE = pd.StringDtype("pyarrow")
_MAX_EXAMPLES = 5


@dataclass
class ValidationReport:
    """What :func:`dataclean.validate` returns: the scorecard, row-level failures and the checked frame."""

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
        from dataclean.io import write_csv

        path = Path(directory) / "failures.csv"
        write_csv(self.failures, path)
        out["failures"] = path
        return out

    def _repr_html_(self) -> str:
        return self.scorecard._repr_html_()


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


def map_score(element: int, missing: int, unexpected: int, mostly: float | None) -> tuple[float | None, bool]:
    """(score, success) of a row-by-row expectation from its counts: the one scoring rule shared by
    the in-memory, chunked and Spark paths. The score is the share of evaluated (non-missing) rows
    that pass; success means that share reaches ``mostly`` (1.0 when not given), as in GX."""
    evaluated = element - missing
    if evaluated <= 0:
        return None, True
    return 1.0 - unexpected / evaluated, (evaluated - unexpected) / evaluated >= (1.0 if mostly is None else mostly)


def expectation_score(
    spec: ExpectationSpec | ExpectationScore,
    *,
    element: int,
    missing: int,
    unexpected: int,
    score: float | None = None,
    success: bool | None = None,
    examples: tuple[str, ...] = (),
    reasons: Mapping[str, int] | None = None,
    error: str | None = None,
) -> ExpectationScore:
    """The :class:`ExpectationScore` of one expectation from its counts: the score builder every
    engine calls (in memory, per chunk, Spark).

    ``spec`` is the suite's :class:`~dataclean.suite.ExpectationSpec` (or an earlier score of the
    same expectation). Score and success come from :func:`map_score` unless given (aggregate
    expectations pass or fail as a whole); an ``error`` (the expectation raised) scores 0 and fails.
    """
    if score is None and success is None:
        score, success = map_score(element, missing, unexpected, _mostly(spec))
    if error:
        score, error = 0.0, error[:300]
    return ExpectationScore(
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
        success=bool(success) and not error,
        mostly=_mostly(spec),
        examples=tuple(examples),
        reasons=dict(reasons or {}),
        error=error,
        description=spec.description,
    )


def _mostly(spec: ExpectationSpec | ExpectationScore) -> float | None:
    return spec.mostly if isinstance(spec, ExpectationScore) else spec.kwargs.get("mostly")


def empty_failures() -> pd.DataFrame:
    """A failures table with no rows (string columns :data:`FAILURE_COLUMNS`)."""
    return pd.DataFrame({c: pd.Series(dtype=FAILURE_DTYPE) for c in FAILURE_COLUMNS})


def _exception_message(info: Any) -> str | None:
    if not info:
        return None
    if "raised_exception" in info:
        return info.get("exception_message") if info.get("raised_exception") else None
    msgs = [v.get("exception_message") for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return "; ".join(dict.fromkeys(m for m in msgs if m)) or None


def _score_results(
    gx_results: list[Any],
    suite: Suite,
    frame: pd.DataFrame,
    raw: pd.DataFrame,
    *,
    show_values: bool,
    standardised: Mapping[str, StandardiseResult] | None = None,
) -> tuple[list[ExpectationScore], pd.DataFrame]:
    """Scores and row-level failures from GX validation results (one per expectation, in any
    order; results of expectations not in ``suite`` are ignored). ``raw`` is the data as it came
    in: failing rows' reasons and record ids are read from it (or from ``standardised``, the
    field results of those raw values, when they cover the failing rows)."""
    ids = raw[suite.id_column] if suite.id_column else None
    by_key = {e.key: e for e in suite.expectations}
    by_column = {c: (suite.columns[c].kind, r) for c, r in (standardised or {}).items() if c in suite.columns}
    scores: list[ExpectationScore] = []
    failure_parts: list[pd.DataFrame] = []
    for r in gx_results:
        spec = by_key.get((r.expectation_config.meta or {}).get("dataclean_key"))
        if spec is None:  # not one of ours: ignore rather than guess
            continue
        res = r.result or {}
        index_list = res.get("unexpected_index_list") or []
        row_reasons = _row_reasons(r, spec, raw, index_list, by_column)
        reasons = {str(k): int(v) for k, v in row_reasons.value_counts().items()} if row_reasons is not None else {}
        examples = tuple(example(v, show_values) for v in (res.get("partial_unexpected_list") or [])[:_MAX_EXAMPLES])
        if "element_count" in res:
            counts: dict[str, Any] = {
                "element": int(res.get("element_count") or 0),
                "missing": int(res.get("missing_count") or 0),
                "unexpected": int(res.get("unexpected_count") or 0),
            }
        else:  # aggregate / table expectation: pass or fail
            ok = bool(r.success)
            counts = {"element": 1, "missing": 0, "unexpected": 0 if ok else 1, "score": float(ok), "success": ok}
        error = _exception_message(r.exception_info)
        scores.append(expectation_score(spec, **counts, examples=examples, reasons=reasons, error=error))
        if index_list:
            failure_parts.append(failure_rows(index_list, spec, ids, row_reasons))
    failures = pd.concat(failure_parts, ignore_index=True) if failure_parts else empty_failures()
    order = {e.key: i for i, e in enumerate(suite.expectations)}
    scores.sort(key=lambda s: order.get(s.key, len(order)))
    return scores, failures


def _result_kind(result: Any) -> str | None:
    """The field kind a result's expectation checks the validity of (dataclean's kind validity
    types, ``expect_column_values_to_be_valid_<kind>``), read from the result itself."""
    config = getattr(result, "expectation_config", None)
    return KIND_OF_VALID_TYPE.get(getattr(config, "type", None) or "")


def _row_reasons(
    result: Any,
    spec: ExpectationSpec,
    raw: pd.DataFrame,
    index_list: list,
    standardised: Mapping[str, tuple[str | None, StandardiseResult]] | None = None,
) -> pd.Series | None:
    """The field module's reason code for each failing row of a kind-validity expectation."""
    if not index_list or len(spec.columns) != 1:
        return None
    kind = _result_kind(result)
    if kind is None:
        return None
    column = spec.columns[0]
    known = _known_reasons(standardised, column, kind, index_list)
    if known is not None:
        return known
    return registry.get(kind).reason_series(raw.loc[index_list, column]).fillna("invalid")


def _known_reasons(
    standardised: Mapping[str, tuple[str | None, StandardiseResult]] | None, column: str, kind: str, index_list: list
) -> pd.Series | None:
    """The reasons of the failing rows from the run's own field results (the field module gives
    the same reason for the same value), or None when they cannot be used: another kind, row
    labels they do not hold once each, or dates of birth (whose results depend on a reference
    date that ``reason_series`` is not given)."""
    found_kind, res = (standardised or {}).get(column, (None, None))
    if res is None or found_kind != kind or kind == "date_of_birth":
        return None
    reasons = res.reason
    if not reasons.index.is_unique:
        return None
    idx = pd.Index(index_list)
    pos = reasons.index.get_indexer(idx)
    if (pos < 0).any():
        return None
    return reasons.iloc[pos].set_axis(idx).fillna("invalid")


def failure_rows(
    index_list: list, spec: ExpectationSpec, ids: pd.Series | None, row_reasons: pd.Series | None
) -> pd.DataFrame:
    """One failures row (:data:`FAILURE_COLUMNS`) per failing row label of ``spec``, in Arrow:
    row labels and integer ids cast to text, text ids and reasons kept as they are, the
    expectation's fields repeated (no Python object per row for these)."""
    import pyarrow as pa

    idx = pd.Index(index_list)
    n = len(idx)

    def repeated(text: str) -> Any:
        return pd.array(pa.repeat(pa.scalar(text, pa.string()), n), dtype=FAILURE_DTYPE)

    def as_text(values: pd.Series | pd.Index) -> Any:
        """The texts ``astype("string")`` writes, missing values missing."""
        if isinstance(values.dtype, pd.StringDtype):
            return pd.Series(values).astype(FAILURE_DTYPE).array
        if pd.api.types.is_integer_dtype(values.dtype):  # numpy or nullable integers, in Arrow
            return pd.array(pa.array(values, from_pandas=True).cast(pa.string()), dtype=FAILURE_DTYPE)
        text = pd.Series(values).astype(str).to_numpy(dtype=object)  # floats, objects: Python's str
        return pd.array(pa.array(text, pa.string(), mask=np.asarray(pd.isna(values), dtype=bool)), dtype=FAILURE_DTYPE)

    if row_reasons is None:
        reason = repeated(spec.type.removeprefix("expect_"))
    else:
        reason = row_reasons.astype(FAILURE_DTYPE).array
    record_id = pd.array(pa.nulls(n, pa.string()), dtype=FAILURE_DTYPE) if ids is None else as_text(ids.loc[idx])
    return pd.DataFrame(
        {
            "row": as_text(idx),
            "record_id": record_id,
            "column": repeated(",".join(spec.columns)),
            "expectation": repeated(spec.key),
            "dimension": repeated(spec.dimension),
            "severity": repeated(spec.severity),
            "reason": reason,
        }
    )


def example(value: Any, show: bool) -> str:
    """A failing value as shown in a scorecard: masked unless ``show`` (lists and dicts joined)."""
    if isinstance(value, (list, tuple)):
        return " / ".join(example(v, show) for v in value)
    if isinstance(value, dict):
        return " / ".join(example(v, show) for v in value.values())
    if show:
        return "<missing>" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return mask_value(value)


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
    dims = _dimension_scores(scores, suite)
    overall = _wmean([(d.score, d.weight) for d in dims if d.score is not None])
    reasons = _failure_reasons(overall, dims, scores, th.overall)
    passed = not reasons
    return Scorecard(
        suite=suite.name,
        dataset=dataset,
        row_count=row_count,
        overall_score=overall,
        overall_threshold=th.overall,
        status="red" if not passed else _status(overall, th.overall, th.amber_margin),
        passed=passed,
        dimensions=dims,
        columns=_column_scores(scores, suite),
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


def _dimension_scores(scores: list[ExpectationScore], suite: Suite) -> tuple[DimensionScore, ...]:
    """Each dimension: the weighted mean of its expectations' scores, against its threshold."""
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
    return tuple(dims)


def _failure_reasons(
    overall: float | None, dims: tuple[DimensionScore, ...], scores: list[ExpectationScore], threshold: float
) -> list[str]:
    """Why the scorecard fails (empty when it passes): overall or a dimension below its threshold,
    or a critical expectation failed."""
    reasons: list[str] = []
    if overall is None:
        reasons.append("no dimension could be assessed")
    elif overall < threshold:
        reasons.append(f"overall score {overall:.3f} is below the threshold {threshold:.3f}")
    for d in dims:
        if d.status == "red":
            reasons.append(f"{d.name} score {d.score:.3f} is below its threshold {d.threshold:.3f}")
    for s in scores:
        if s.severity == "critical" and not s.success:
            why = f" ({s.error})" if s.error else f" ({s.unexpected_count} of {s.evaluated_count} rows)"
            reasons.append(f"critical expectation {s.key} failed{why}")
    return reasons


def _column_scores(scores: list[ExpectationScore], suite: Suite) -> tuple[ColumnScore, ...]:
    """Each suite column: its score per dimension and the mean of those."""
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
    return tuple(columns)


#: The name the Spark engine imports (until it calls :func:`example`).
_example = example
