"""Stage 2 of validate and clean on Spark: each partition runs the suite's row-level
expectations through great-expectations' pandas engine on its rows (exactly as
:func:`dataclean.validate` does on a whole frame) and emits per-expectation counts, masked
examples, reason counts and one record per failure; uniqueness is decided over the whole
DataFrame by Spark on the standardised values; the per-partition counts are combined into the
scorecard's expectation scores with the same arithmetic as GX on one frame.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from dataclean.engines.spark.frames import (
    ROW,
    _iter_partition,
    _plain,
    _q,
    _Standardised,
    _to_pandas_types,
    map_in_pandas,
    split_suite,
)

_REC = "__dc_rec"


def _score_schema() -> Any:
    from pyspark.sql import types as T

    s, L = T.StringType(), T.LongType()
    return T.StructType(
        [
            T.StructField(_REC, s, False),
            T.StructField("stage", s, True),
            T.StructField("part", L, True),
            T.StructField("key", s, True),
            T.StructField("ord", L, True),
            T.StructField("element", L, True),
            T.StructField("missing", L, True),
            T.StructField("unexpected", L, True),
            T.StructField("error", s, True),
            T.StructField("examples", s, True),
            T.StructField("reasons", s, True),
            # failure / audit / quarantine rows
            T.StructField("row", s, True),
            T.StructField("record_id", s, True),
            T.StructField("column", s, True),
            T.StructField("expectation", s, True),
            T.StructField("dimension", s, True),
            T.StructField("severity", s, True),
            T.StructField("reason", s, True),
            T.StructField("rule", s, True),
            T.StructField("before", s, True),
            T.StructField("after", s, True),
        ]
    )


def _restore(batch: pd.DataFrame, layout: _Standardised) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """(raw frame, checked frame, standardised results) for one partition, indexed by row number."""
    from dataclean._core import STATUS_DTYPE, StandardiseResult

    index = pd.Index(batch[ROW].to_numpy(dtype=np.int64))
    raw = _to_pandas_types(batch[list(layout.columns)], set(layout.string_cols)).set_axis(index, axis=0)
    checked = raw.copy(deep=False)
    results: dict[str, Any] = {}
    for i, col in enumerate(layout.std):
        checked[col] = pd.array(batch[f"__dc_chk_{i}"].to_numpy(dtype=object), dtype="string")
        value = pd.Series(batch[f"__dc_val_{i}"].to_numpy(dtype=object), index=index, dtype="string", name=col)
        status = pd.Series(
            pd.Categorical(batch[f"__dc_st_{i}"].to_numpy(dtype=object), dtype=STATUS_DTYPE), index=index
        )
        reason = pd.Series(batch[f"__dc_rs_{i}"].to_numpy(dtype=object), index=index, dtype="string", name="reason")
        results[col] = StandardiseResult(value=value, status=status.rename("status"), reason=reason)
    return raw, checked, results


def _score_records(stage: str, part: int, scores: list[Any], order: Mapping[str, int]) -> list[dict[str, Any]]:
    return [
        {
            _REC: "score",
            "stage": stage,
            "part": part,
            "key": s.key,
            "ord": order.get(s.key, 0),
            "element": s.element_count,
            "missing": s.missing_count,
            "unexpected": s.unexpected_count,
            "error": s.error,
            "examples": json.dumps(list(s.examples)),
            "reasons": json.dumps(s.reasons),
        }
        for s in scores
    ]


def _null_counts(frame: pd.DataFrame, specs: Sequence[Any]) -> list[dict[str, Any]]:
    """element/missing counts of the uniqueness expectations on one partition's frame."""
    out = []
    for spec in specs:
        cols = list(spec.columns)
        if spec.type == "expect_compound_columns_to_be_unique":
            nulls = frame[cols].isna()
            how = spec.kwargs.get("ignore_row_if", "all_values_are_missing")
            ignored = nulls.all(axis=1) if how == "all_values_are_missing" else nulls.any(axis=1)
            missing = int(ignored.sum()) if how != "never" else 0
        else:
            missing = int(frame[cols[0]].isna().sum())
        out.append({"key": spec.key, "element": len(frame), "missing": missing})
    return out


def _run_local(frame: pd.DataFrame, raw: pd.DataFrame, local: Any, show_values: bool, cache: dict) -> tuple[list, Any]:
    """The partition's row-level checks, run as the pandas engine runs them
    (:func:`dataclean.engines.native.run_suite`: the native engine where it gives GX's results, GX
    for the rest), so a worker imports great-expectations only when the suite needs it."""
    from dataclean.engines.native import run_suite
    from dataclean.scorecard.build import _score_results

    if not local.expectations:
        return [], None
    results = run_suite(frame, local, {column: result for column, (_, result) in cache.items()})
    return _score_results(results, local, frame, raw, show_values=show_values)


def _check_partition(
    iterator: Iterator[pd.DataFrame],
    layout: _Standardised,
    suite: Any,
    local: Any,
    native: tuple[Any, ...],
    mode: str,
    show_values: bool,
) -> Iterator[pd.DataFrame]:
    """Per partition: validate (mode "validate") or the three scorings of clean (mode "clean")."""
    from dataclean.scorecard.build import FAILURE_COLUMNS

    batch = _iter_partition(iterator)
    if batch is None:
        return
    raw, checked, results = _restore(batch, layout)
    part = int(raw.index.min())
    order = {e.key: i for i, e in enumerate(suite.expectations)}
    cache = {c: (suite.columns[c].kind, r) for c, r in results.items() if c in suite.columns}
    records: list[dict[str, Any]] = []

    def nulls(stage: str, frame: pd.DataFrame) -> None:
        for d in _null_counts(frame, native):
            records.append({_REC: "score", "stage": stage, "part": part, "ord": order[d["key"]], "unexpected": 0, **d})

    def failures_out(failures: pd.DataFrame, stage: str) -> None:
        if failures is None or failures.empty:
            return
        f = failures[list(FAILURE_COLUMNS)].astype(object).where(failures.notna(), None)
        f = f.assign(**{_REC: "failure", "stage": stage, "ord": failures["expectation"].map(order).to_numpy()})
        records.extend(f.to_dict("records"))

    if mode == "validate":
        scores, failures = _run_local(checked, raw, local, show_values, cache)
        records.extend(_score_records("validate", part, scores, order))
        nulls("validate", checked)
        failures_out(failures, "validate")
    else:
        from dataclean.jobs.records import audit as _audit
        from dataclean.jobs.records import ids as _ids
        from dataclean.jobs.records import quarantine_mask as _quarantine_mask

        before, _ = _run_local(raw, raw, local, show_values, cache)
        records.extend(_score_records("before", part, before, order))
        nulls("before", raw)
        _, failures = _run_local(checked, raw, local, show_values, cache)
        if failures is None:
            failures = pd.DataFrame({c: pd.Series(dtype="string") for c in FAILURE_COLUMNS})
        qmask, reasons = _quarantine_mask(failures, raw.index)
        after, _ = _run_local(checked.loc[~qmask], raw.loc[~qmask], local, show_values, cache)
        records.extend(_score_records("after", part, after, order))
        nulls("after", checked.loc[~qmask])
        for row in raw.index[qmask].astype(str):
            records.append({_REC: "quarantine", "row": row, "reason": reasons.get(row)})
        audit = _audit(raw, suite, results, _ids(raw, suite), show_values=show_values)
        if not audit.empty:
            a = audit.astype(object).where(audit.notna(), None).assign(**{_REC: "audit"})
            records.extend(a.to_dict("records"))
    if records:
        out = pd.DataFrame.from_records(records)
        names = [f.name for f in _score_schema().fields]
        out = out.reindex(columns=names)
        yield _plain(out, {"part", "ord", "element", "missing", "unexpected"})


def check(layout: _Standardised, suite: Any, mode: str, *, show_values: bool = False) -> Any:
    """Stage 2 as a persisted Spark DataFrame of score / failure / audit / quarantine records."""
    from pyspark import StorageLevel

    local, native = split_suite(suite)
    shape = replace(layout, sdf=None)  # what the executors need, without the (driver-only) DataFrame

    def run(iterator: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        return _check_partition(iterator, shape, suite, local, native, mode, show_values)

    return map_in_pandas(layout.sdf, run, _score_schema()).persist(StorageLevel.MEMORY_AND_DISK)


@dataclass
class _Unique:
    unexpected: int
    examples: tuple[str, ...]


def _unique_on_spark(frame: Any, specs: Sequence[Any], show_values: bool) -> tuple[dict[str, _Unique], list[Any]]:
    """Duplicated non-missing values per uniqueness expectation (the frame GX would have seen):
    counts and the first five rows' masked values; plus Spark DataFrames of their failure rows."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from dataclean.scorecard.build import _example

    out: dict[str, _Unique] = {}
    failure_frames = []
    for spec in specs:
        cols = list(spec.columns)
        if spec.type == "expect_compound_columns_to_be_unique":
            how = spec.kwargs.get("ignore_row_if", "all_values_are_missing")
            if how == "all_values_are_missing":
                keep = F.lit(False)
                for c in cols:
                    keep = keep | _q(c).isNotNull()
            elif how == "any_value_is_missing":
                keep = F.lit(True)
                for c in cols:
                    keep = keep & _q(c).isNotNull()
            else:
                keep = F.lit(True)
        else:
            keep = _q(cols[0]).isNotNull()
        considered = frame.filter(keep)
        w = Window.partitionBy(*[_q(c) for c in cols])
        dups = considered.withColumn("__dc_n", F.count(F.lit(1)).over(w)).filter(F.col("__dc_n") > 1)
        dups = dups.drop("__dc_n").persist()
        n = dups.count()
        first = dups.orderBy(ROW).limit(5).collect() if n else []
        examples = tuple(
            _example(r[cols[0]] if len(cols) == 1 else {c: r[c] for c in cols}, show_values) for r in first
        )
        out[spec.key] = _Unique(int(n), examples)
        failure_frames.append((spec, dups))
    return out, failure_frames


def _unique_failures(failure_frames: list, id_column: str | None) -> Any:
    from pyspark.sql import functions as F

    parts = []
    for spec, dups in failure_frames:
        rec = _q(id_column).cast("string") if id_column else F.lit(None).cast("string")
        parts.append(
            dups.select(
                F.col(ROW).cast("string").alias("row"),
                rec.alias("record_id"),
                F.lit(",".join(spec.columns)).alias("column"),
                F.lit(spec.key).alias("expectation"),
                F.lit(spec.dimension).alias("dimension"),
                F.lit(spec.severity).alias("severity"),
                F.lit(spec.type.removeprefix("expect_")).alias("reason"),
            )
        )
    return parts


def _combine(rows: list[Any], suite: Any, stage: str, unique: Mapping[str, _Unique]) -> list[Any]:
    """ExpectationScores from per-partition score records: the counts summed, then the one score
    builder of every engine (:func:`dataclean.scorecard.build.expectation_score`)."""
    from dataclean.scorecard.build import expectation_score

    by_key: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        if r["stage"] == stage:
            by_key[r["key"]].append(r)
    scores = []
    for spec in suite.expectations:
        parts = sorted(by_key.get(spec.key, []), key=lambda r: r["part"])
        element = sum(int(r["element"] or 0) for r in parts)
        missing = sum(int(r["missing"] or 0) for r in parts)
        unexpected = sum(int(r["unexpected"] or 0) for r in parts)
        examples: list[str] = []
        reasons: dict[str, int] = defaultdict(int)
        error = next((r["error"] for r in parts if r["error"]), None)
        for r in parts:
            if len(examples) < 5 and r["examples"]:
                examples.extend(json.loads(r["examples"])[: 5 - len(examples)])
            for k, v in json.loads(r["reasons"] or "{}").items():
                reasons[k] += int(v)
        if spec.key in unique:
            unexpected = unique[spec.key].unexpected
            examples = list(unique[spec.key].examples)
        scores.append(
            expectation_score(
                spec,
                element=element,
                missing=missing,
                unexpected=unexpected,
                examples=tuple(examples),
                reasons=reasons,
                error=error,
            )
        )
    return scores
