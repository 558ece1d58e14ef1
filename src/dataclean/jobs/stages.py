"""The stages of a clean run that the in-memory and the chunked runners share.

:func:`clean_frame` cleans one frame (the whole file in memory, or one chunk): score the input,
standardise and validate, write the audit, quarantine, optionally deduplicate, score the output.
The result type (:class:`CleanResult`), the audit and quarantine columns, the row accounting and
the writers of ``summary.json`` and the before/after scorecards live here once;
:mod:`dataclean.jobs.clean` and :mod:`dataclean.jobs.chunked` both build on them.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from dataclean._core import StandardiseResult
from dataclean.exceptions import ConfigError
from dataclean.jobs.records import (  # noqa: F401  (re-exported: the stages' public names)
    AUDIT_COLUMNS,
    QUARANTINE_DIMENSIONS,
    CleanResult,
    _masked,
    audit,
    empty_audit,
    empty_merged,
    ids,
    mask_texts,
    quarantine_mask,
)
from dataclean.jobs.scopes import expectation_scope, is_column_map
from dataclean.jobs.validate import PARTIAL_UNEXPECTED, check_columns, run_gx, standardise_results, validate
from dataclean.scorecard.build import ValidationReport, _exception_message, _score_results, build_scorecard
from dataclean.scorecard.model import Scorecard
from dataclean.suite import ExpectationSpec, Suite

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, float], None]


# ------------------------------------------------------------------------------ one frame, in memory
def clean_frame(
    data: pd.DataFrame,
    suite: Suite,
    *,
    dedupe: bool = False,
    show_values: bool = False,
    progress: ProgressFn | None = None,
    dataset: str,
) -> CleanResult:
    """Clean one pandas frame with a loaded ``suite`` (reference date already applied); see
    :func:`dataclean.jobs.clean.clean`. ``data`` is never modified."""
    step = progress or (lambda stage, frac: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    check_columns(data, suite, source=dataset)
    original_index = data.index
    # work on positions so duplicate or odd index labels cannot confuse row accounting
    data = data.set_axis(pd.RangeIndex(len(data)), axis=0)
    _warn_duplicate_ids(data, suite, dataset)

    step("scoring the input", 0.05)
    standardised, before = _score_input(data, suite, show_values, dataset)
    timings["before"] = time.perf_counter() - t0

    step("standardising and validating", 0.35)
    t = time.perf_counter()
    report = validate(
        data,
        suite,
        standardise=True,
        dedupe=False,
        show_values=show_values,
        stage="standardised",
        dataset=dataset,
        precomputed=standardised,
    )
    timings["standardise_validate"] = time.perf_counter() - t
    audit_rows = audit(data, suite, report.standardised, ids(data, suite), show_values=show_values)

    step("quarantining", 0.6)
    clean_df, quarantine = split_quarantine(data, report.data, report.failures)

    merged, linkage = empty_merged(), None
    if dedupe:
        step("deduplicating", 0.7)
        t = time.perf_counter()
        clean_df, merged, linkage = merge_duplicates(clean_df, suite)
        timings["dedupe"] = time.perf_counter() - t

    step("scoring the output", 0.85)
    t = time.perf_counter()
    if dedupe:  # merged rows take golden values: standardise and check them again
        after = _score(clean_df, suite, "after", None, show_values, dataset).scorecard
    else:
        after = score_kept_rows(clean_df, suite, report, standardised, show_values=show_values, dataset=dataset)
    timings["after"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    # back to the caller's row labels (scoring ran on positions, which are always unique)
    clean_df, quarantine = (f.set_axis(original_index[f.index.to_numpy()], axis=0) for f in (clean_df, quarantine))
    result = CleanResult(clean_df, quarantine, audit_rows, before, after, merged, len(data), timings, linkage)
    if not result.accounted:  # pragma: no cover - guarded by tests; never silently lose rows
        raise AssertionError(f"row accounting failed: {result.summary()}")
    step("done", 1.0)
    return result


def _score_input(
    data: pd.DataFrame, suite: Suite, show_values: bool, dataset: str
) -> tuple[dict[str, StandardiseResult], Scorecard]:
    """Standardise every field once and score the input as it came in. The three scorecards reuse
    the results (a field module on raw values, or on the canonical values it produced, gives the
    same validity and reasons)."""
    standardised = standardise_results(data, suite)
    return standardised, _score(data, suite, "before", standardised, show_values, dataset).scorecard


def _warn_duplicate_ids(data: pd.DataFrame, suite: Suite, dataset: str) -> None:
    if suite.id_column and data[suite.id_column].duplicated().any():
        log.warning(
            "%s: the id column %r has duplicate values; rows are tracked by position too", dataset, suite.id_column
        )


def _score(
    frame: pd.DataFrame,
    suite: Suite,
    stage: str,
    standardised: Mapping[str, StandardiseResult] | None,
    show_values: bool,
    dataset: str,
) -> Any:
    """Validate ``frame`` as it is (no standardising: ``standardised`` results are reused)."""
    return validate(
        frame,
        suite,
        standardise=False,
        dedupe=False,
        show_values=show_values,
        stage=stage,
        dataset=dataset,
        precomputed=standardised,
    )


def score_kept_rows(
    kept: pd.DataFrame,
    suite: Suite,
    report: ValidationReport,
    standardised: Mapping[str, StandardiseResult],
    *,
    show_values: bool,
    dataset: str,
) -> Scorecard:
    """The ``after`` scorecard of ``kept``, rows of the checked frame ``report.data`` with the same
    labels and values: what GX would say running the suite on ``kept``, without running it again
    where the checked frame's results already tell. A single-column row-by-row expectation judges
    each row alone, so its results on ``kept`` are its results on the checked frame restricted to
    those rows; uniqueness, pair, multi-column, table and aggregate expectations (and any result
    that does not have the expected shape) run again on ``kept``."""
    t = time.perf_counter()
    by_key = {e.key: e for e in suite.expectations}
    results: list[Any] = []
    rerun: list[ExpectationSpec] = []
    for r in report.gx_results or []:
        spec = by_key.get((r.expectation_config.meta or {}).get("dataclean_key"))
        if spec is None:
            continue
        restricted = _restricted_result(r, spec, report.data, kept.index) if len(kept) else None
        if restricted is None:
            rerun.append(spec)
        else:
            results.append(restricted)
    if rerun:
        results += run_gx(kept, replace(suite, expectations=tuple(rerun)), standardised)
    scores, _ = _score_results(results, suite, kept, kept, show_values=show_values, standardised=standardised)
    timings = {"standardise": 0.0, "great_expectations": time.perf_counter() - t}
    return build_scorecard(scores, suite, row_count=len(kept), dataset=dataset, stage="after", timings=timings)


def _restricted_result(result: Any, spec: ExpectationSpec, frame: pd.DataFrame, kept: pd.Index) -> Any:
    """A GX column-map result on ``frame`` restricted to the rows ``kept`` (a subset of its row
    labels), or None when the expectation is not one whose rows are judged alone or the result
    lacks what is needed (then GX runs it again)."""
    res = result.result or {}
    if (
        len(spec.columns) != 1
        or expectation_scope(spec.type) != "row"
        or not is_column_map(spec.type)
        or _exception_message(result.exception_info)
        or not all(k in res for k in ("element_count", "unexpected_count", "unexpected_index_list"))
    ):
        return None
    column = frame[spec.columns[0]]
    index_list = pd.Index(res["unexpected_index_list"])
    partial = list(res.get("partial_unexpected_list") or [])
    nulls = column.isna().to_numpy(dtype=bool)
    if (
        res["element_count"] != len(frame)
        or len(index_list) != res["unexpected_count"]
        or not _same_values(partial, column.loc[index_list[: len(partial)]].tolist())
        or ("missing_count" in res and res["missing_count"] != int(nulls.sum()))
    ):
        return None
    keep = np.zeros(len(frame), dtype=bool)
    keep[frame.index.get_indexer(kept)] = True
    failing = index_list[keep[frame.index.get_indexer(index_list)]] if len(index_list) else index_list
    restricted = {
        "element_count": len(kept),
        "unexpected_count": len(failing),
        "unexpected_index_list": failing.tolist(),
        "partial_unexpected_list": column.loc[failing[:PARTIAL_UNEXPECTED]].tolist(),
    }
    if "missing_count" in res:
        restricted["missing_count"] = int(nulls[keep].sum())
    return SimpleNamespace(
        expectation_config=result.expectation_config,
        result=restricted,
        exception_info=result.exception_info,
        success=None,
    )


def _same_values(a: list[Any], b: list[Any]) -> bool:
    """Element-wise equality that treats two missing values as the same (False when unsure)."""
    try:
        return len(a) == len(b) and all(
            bool(pd.isna(y)) if pd.isna(x) else bool(x == y) for x, y in zip(a, b, strict=True)
        )
    except (TypeError, ValueError):  # not scalars: let GX decide
        return False


def split_quarantine(
    data: pd.DataFrame, standardised_frame: pd.DataFrame, failures: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clean, quarantine): the standardised rows with no critical failure (invalid values kept as
    they were: the audit says so), and the input rows that have one, with ``quarantine_reasons``."""
    qmask, reasons = quarantine_mask(failures, data.index)
    clean_df = standardised_frame.loc[~qmask].copy()
    quarantine = data.loc[qmask].copy()
    quarantine["quarantine_reasons"] = reasons.reindex(data.index[qmask].astype(str)).to_numpy()
    return clean_df, quarantine


def merge_duplicates(clean_df: pd.DataFrame, suite: Suite) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """Replace each cluster of duplicate records by its golden record; list the merged ones."""
    from dataclean.linkage import dedupe as run_dedupe
    from dataclean.linkage.config import LinkageConfig

    if suite.dedupe is None:
        raise ConfigError(f"suite {suite.name!r} has no 'dedupe:' block, so --dedupe cannot run", source=suite.path)
    config = LinkageConfig.from_dict(suite.dedupe or {}, source=suite.path)
    id_col = config.id_column
    result = run_dedupe(clean_df, config)
    clusters = result.clusters[[id_col, "cluster_id"]].astype({id_col: "string"})
    record_ids = clean_df[id_col].astype("string")
    cluster_of = pd.Series(clusters["cluster_id"].to_numpy(), index=clusters[id_col].to_numpy())
    golden = result.golden_records
    survivor_col = next((c for c in ("survivor_id", id_col) if c in golden.columns), None)
    if survivor_col is None:
        raise AssertionError("golden records carry no survivor id")
    survivor_of = pd.Series(golden[survivor_col].astype("string").to_numpy(), index=golden["cluster_id"].to_numpy())
    survivor = record_ids.map(cluster_of).map(survivor_of).fillna(record_ids)
    is_survivor = survivor == record_ids
    merged = pd.DataFrame(
        {"record_id": record_ids[~is_survivor].to_numpy(), "survivor_id": survivor[~is_survivor].to_numpy()}
    ).astype("string")
    survivors = _take_golden_values(clean_df.loc[is_survivor.to_numpy()].copy(), golden, survivor_col, id_col)
    return survivors, merged, result


def _take_golden_values(survivors: pd.DataFrame, golden: pd.DataFrame, survivor_col: str, id_col: str) -> pd.DataFrame:
    """Each survivor's columns take its golden record's values where the golden record has one."""
    keep_cols = [c for c in survivors.columns if c in golden.columns]
    golden_rows = golden.set_index(golden[survivor_col].astype("string"))[keep_cols]
    updated = golden_rows.reindex(survivors[id_col].astype("string").to_numpy())
    for c in keep_cols:
        if c == id_col:
            continue
        vals = updated[c].to_numpy()
        survivors[c] = np.where(pd.isna(vals), survivors[c].to_numpy(dtype=object), vals)
    return survivors


# ------------------------------------------------------------------------------ writing the outputs
def output_stem(source: str | Path) -> tuple[str, str]:
    """(stem, suffix) for output data files: ``people.csv.gz`` -> ``("people", ".csv")``; stdin
    gives ``("stdin", ".csv")``."""
    from dataclean.io import split_suffix

    if str(source) == "-":
        return "stdin", ".csv"
    suffix, compression = split_suffix(source)
    name = Path(source).name
    stem = name[: -len(Path(name).suffix)] if compression else Path(name).stem
    if compression:
        stem = stem[: -len(suffix)] if stem.lower().endswith(suffix) else stem
    return stem, (suffix if suffix in (".csv", ".tsv", ".psv", ".txt", ".parquet", ".xlsx", ".xlsm") else ".csv")


def check_accounting(rows_in: int, counts: Mapping[str, int]) -> None:
    """Raise (an internal error: never silently lose rows) unless rows in = clean + quarantined +
    merged."""
    total = counts["rows_clean"] + counts["rows_quarantined"] + counts["rows_merged"]
    if rows_in != total:
        raise AssertionError(
            f"row accounting failed: {rows_in} rows in, but {counts['rows_clean']} clean + "
            f"{counts['rows_quarantined']} quarantined + {counts['rows_merged']} merged = {total}; "
            "nothing was written under a final name"
        )


def write_scorecards(stage: Any, before: Scorecard, after: Scorecard, formats: Iterable[str]) -> dict[str, Path]:
    """Write the before and after scorecards (``before_scorecard.json``...) into a staged output;
    returns the staged paths by ``<stage>_<format>``."""
    from dataclean.scorecard.render import write_scorecard

    out = {}
    for stage_name, card in (("before", before), ("after", after)):
        for fmt, p in write_scorecard(card, stage.stage, tuple(formats), prefix=f"{stage_name}_").items():
            out[f"{stage_name}_{fmt}"] = p
    return out


def write_summary(stage: Any, result: CleanResult, **extra: Any) -> dict[str, Any]:
    """Write ``summary.json`` (the result's summary, ``extra`` fields and notes) into a staged
    output and commit it (the manifest, ``_SUCCESS``, is written last). Returns the manifest."""
    summary = {**result.summary(), **extra, "notes": list(result.notes)}
    stage.path("summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return stage.commit({"command": "clean", **summary})
