"""The cleansing pipeline: standardise, validate, quarantine, optionally deduplicate, and account
for every row.

``clean(df, suite)`` returns a :class:`CleanResult` with

* ``clean``: the standardised rows that passed every critical completeness / validity /
  consistency expectation (or, with ``dedupe=True``, one surviving record per person);
* ``quarantine``: the input rows (as they came in) that failed, with ``quarantine_reasons``;
* ``merged``: with ``dedupe=True``, records folded into a survivor (``record_id``, ``survivor_id``);
* ``audit``: one row per changed cell (row, record id, column, rule, before, after), both values
  masked unless ``show_values=True`` (the CLI's ``--reveal``);
* ``before`` and ``after`` scorecards.

Invariant (tested): ``rows in == len(clean) + len(quarantine) + len(merged)``. The input frame is
never modified. Duplicate identifiers are *not* quarantined (they are a uniqueness finding, for
the deduplicator to resolve); failing warnings are reported but never quarantine a row.
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dataclean._core import mask_value
from dataclean.exceptions import ConfigError
from dataclean.scorecard.build import check_columns, validate
from dataclean.scorecard.model import Scorecard
from dataclean.suite import Suite, load_suite

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, float], None]
AUDIT_COLUMNS = ("row", "record_id", "column", "rule", "before", "after")
#: Dimensions whose critical failures send a row to quarantine.
QUARANTINE_DIMENSIONS = frozenset({"completeness", "validity", "consistency", "accuracy"})


@dataclass
class CleanResult:
    clean: pd.DataFrame
    quarantine: pd.DataFrame
    audit: pd.DataFrame
    before: Scorecard
    after: Scorecard
    merged: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["record_id", "survivor_id"]))
    rows_in: int = 0
    timings: Mapping[str, float] = field(default_factory=dict)
    linkage: Any = None
    #: Row counts when the frames are not held in memory (chunked runs write them to disk).
    counts: Mapping[str, int] | None = None
    #: Notes about the input that are not errors (trimmed headers...), for logs and summaries.
    notes: list[str] = field(default_factory=list)
    #: Files written by :func:`clean_file` (final names, after the all-or-nothing commit).
    outputs: list[Path] = field(default_factory=list)

    def _counts(self) -> Mapping[str, int]:
        return self.counts or {
            "rows_clean": len(self.clean),
            "rows_quarantined": len(self.quarantine),
            "rows_merged": len(self.merged),
            "cells_changed": len(self.audit),
        }

    @property
    def accounted(self) -> bool:
        c = self._counts()
        return self.rows_in == c["rows_clean"] + c["rows_quarantined"] + c["rows_merged"]

    def summary(self) -> dict[str, Any]:
        return {
            "rows_in": self.rows_in,
            **self._counts(),
            "score_before": self.before.overall_score,
            "score_after": self.after.overall_score,
            "passed": self.after.passed,
        }

    def summary_text(self) -> str:
        s = self.summary()
        before = "n/a" if s["score_before"] is None else f"{100 * s['score_before']:.1f}%"
        after = "n/a" if s["score_after"] is None else f"{100 * s['score_after']:.1f}%"
        return (
            f"{s['rows_in']:,} rows in: {s['rows_clean']:,} clean, {s['rows_quarantined']:,} quarantined, "
            f"{s['rows_merged']:,} merged into a survivor; {s['cells_changed']:,} cells standardised; "
            f"score {before} -> {after}"
        )

    def _repr_html_(self) -> str:
        from html import escape

        return (
            f"<p><b>dataclean.clean</b>: {escape(self.summary_text())}</p>"
            f"<h4>After cleansing</h4>{self.after._repr_html_()}"
        )


def _ids(df: pd.DataFrame, suite: Suite) -> pd.Series:
    if suite.id_column and suite.id_column in df.columns:
        return df[suite.id_column].astype("string")
    return pd.Series(df.index.astype(str), index=df.index, dtype="string")


def _masked(values: pd.Series | np.ndarray, show_values: bool) -> np.ndarray:
    """Values as text, masked with :func:`mask_value` once per distinct value unless shown."""
    text = pd.Series(values).astype("string")
    if show_values:
        return text.to_numpy(dtype=object, na_value=None)
    codes, uniq = pd.factorize(text, use_na_sentinel=False)
    return np.array([mask_value(u) for u in uniq], dtype=object)[codes]


def _audit(
    df: pd.DataFrame,
    suite: Suite,
    standardised: Mapping[str, Any],
    ids: pd.Series,
    *,
    show_values: bool = False,
) -> pd.DataFrame:
    parts = []
    for col, res in standardised.items():
        changed = res.changed.to_numpy(dtype=bool)
        if not changed.any():
            continue
        kind = suite.columns[col].kind
        before = _masked(df.loc[changed, col].to_numpy(), show_values)
        after = _masked(res.value[changed].to_numpy(), show_values)
        parts.append(
            pd.DataFrame(
                {
                    "row": df.index[changed].astype(str),
                    "record_id": ids[changed].to_numpy(),
                    "column": col,
                    "rule": f"standardise:{kind}",
                    "before": before,
                    "after": after,
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in AUDIT_COLUMNS})
    return pd.concat(parts, ignore_index=True).astype("string")


def _quarantine_mask(failures: pd.DataFrame, index: pd.Index) -> tuple[np.ndarray, pd.Series]:
    crit = failures[(failures["severity"] == "critical") & failures["dimension"].isin(QUARANTINE_DIMENSIONS)]
    if crit.empty:
        return np.zeros(len(index), dtype=bool), pd.Series(dtype="string")
    label = crit["column"] + ":" + crit["reason"].fillna(crit["expectation"])
    reasons = label.groupby(crit["row"]).agg(lambda s: "; ".join(dict.fromkeys(s)))
    rows = index.astype(str)
    mask = rows.isin(reasons.index)
    return np.asarray(mask, dtype=bool), reasons


def clean(
    data: pd.DataFrame,
    suite: Suite | str | Path,
    *,
    dedupe: bool = False,
    reference_date: _dt.date | str | None = None,
    show_values: bool = False,
    progress: ProgressFn | None = None,
    dataset: str | None = None,
    spark: Any = None,
    output: str | Path | None = None,
) -> CleanResult:
    """Cleanse ``data`` with ``suite``; see the module docstring. ``data`` is never modified.

    A pyspark DataFrame (or ``spark=`` a SparkSession) runs on Spark
    (:func:`dataclean.engines.spark.clean`): Parquet datasets written to ``output``.
    """
    from dataclean.engines import is_spark_dataframe

    if spark is not None or is_spark_dataframe(data):
        from dataclean.engines import spark as spark_engine

        return spark_engine.clean(
            data,
            suite,
            spark=spark,
            output=output,
            dedupe=dedupe,
            reference_date=reference_date,
            show_values=show_values,
            dataset=dataset,
        )
    step = progress or (lambda stage, frac: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if not isinstance(suite, Suite):
        suite = load_suite(suite)
    if reference_date is not None:
        suite = suite.with_reference_date(reference_date)
    dataset = dataset or suite.name
    check_columns(data, suite, source=dataset)
    original_index = data.index
    # work on positions so duplicate or odd index labels cannot confuse row accounting
    data = data.set_axis(pd.RangeIndex(len(data)), axis=0)
    if suite.id_column and data[suite.id_column].duplicated().any():
        log.warning(
            "%s: the id column %r has duplicate values; rows are tracked by position too",
            dataset,
            suite.id_column,
        )
    rows_in = len(data)

    step("scoring the input", 0.05)
    # every field is standardised once; the three scorecards reuse the results (a field module on
    # raw values, or on the canonical values it produced, gives the same validity and reasons)
    from dataclean.scorecard.build import standardise_for_checks

    _, standardised = standardise_for_checks(data, suite)
    before = validate(
        data,
        suite,
        standardise=False,
        dedupe=False,
        show_values=show_values,
        stage="before",
        dataset=dataset,
        precomputed=standardised,
    ).scorecard
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
    ids = _ids(data, suite)
    audit = _audit(data, suite, report.standardised, ids, show_values=show_values)

    step("quarantining", 0.6)
    qmask, reasons = _quarantine_mask(report.failures, data.index)
    # clean = the standardised frame where valid; invalid values kept as they were (audit says so)
    standardised_frame = report.data
    clean_df = standardised_frame.loc[~qmask].copy()
    quarantine = data.loc[qmask].copy()
    quarantine["quarantine_reasons"] = reasons.reindex(data.index[qmask].astype(str)).to_numpy()

    merged = pd.DataFrame({"record_id": pd.Series(dtype="string"), "survivor_id": pd.Series(dtype="string")})
    linkage = None
    if dedupe:
        if suite.dedupe is None:
            raise ConfigError(f"suite {suite.name!r} has no 'dedupe:' block, so --dedupe cannot run", source=suite.path)
        step("deduplicating", 0.7)
        t = time.perf_counter()
        clean_df, merged, linkage = _merge_duplicates(clean_df, suite)
        timings["dedupe"] = time.perf_counter() - t

    step("scoring the output", 0.85)
    t = time.perf_counter()
    after = validate(
        clean_df,
        suite,
        standardise=False,
        dedupe=False,
        show_values=show_values,
        stage="after",
        dataset=dataset,
        precomputed=None if dedupe else standardised,  # merged rows take golden values: recompute
    ).scorecard
    timings["after"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    # back to the caller's row labels (scoring ran on positions, which are always unique)
    clean_df = clean_df.set_axis(original_index[clean_df.index.to_numpy()], axis=0)
    quarantine = quarantine.set_axis(original_index[quarantine.index.to_numpy()], axis=0)
    result = CleanResult(clean_df, quarantine, audit, before, after, merged, rows_in, timings, linkage)
    if not result.accounted:  # pragma: no cover - guarded by tests; never silently lose rows
        raise AssertionError(f"row accounting failed: {result.summary()}")
    step("done", 1.0)
    return result


def _merge_duplicates(clean_df: pd.DataFrame, suite: Suite) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """Replace each cluster of duplicate records by its golden record; list the merged ones."""
    from dataclean.linkage import dedupe as run_dedupe
    from dataclean.linkage.config import LinkageConfig

    config = LinkageConfig.from_dict(suite.dedupe or {}, source=suite.path)
    id_col = config.id_column
    result = run_dedupe(clean_df, config)
    clusters = result.clusters[[id_col, "cluster_id"]].astype({id_col: "string"})
    ids = clean_df[id_col].astype("string")
    cluster_of = pd.Series(clusters["cluster_id"].to_numpy(), index=clusters[id_col].to_numpy())
    cid = ids.map(cluster_of)
    golden = result.golden_records
    survivor_col = next((c for c in ("survivor_id", id_col) if c in golden.columns), None)
    if survivor_col is None:
        raise AssertionError("golden records carry no survivor id")
    survivor_of = pd.Series(golden[survivor_col].astype("string").to_numpy(), index=golden["cluster_id"].to_numpy())
    survivor = cid.map(survivor_of).fillna(ids)
    is_survivor = survivor == ids
    merged = pd.DataFrame(
        {"record_id": ids[~is_survivor].to_numpy(), "survivor_id": survivor[~is_survivor].to_numpy()}
    ).astype("string")
    keep_cols = [c for c in clean_df.columns if c in golden.columns]
    golden_rows = golden.set_index(golden[survivor_col].astype("string"))[keep_cols]
    survivors = clean_df.loc[is_survivor.to_numpy()].copy()
    updated = golden_rows.reindex(survivors[id_col].astype("string").to_numpy())
    for c in keep_cols:
        if c == id_col:
            continue
        vals = updated[c].to_numpy()
        survivors[c] = np.where(pd.isna(vals), survivors[c].to_numpy(dtype=object), vals)
    return survivors, merged, result


def _output_stem(source: str | Path) -> tuple[str, str]:
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


def clean_file(
    path: str | Path,
    suite: Suite | str | Path,
    output: str | Path,
    *,
    dedupe: bool = False,
    reference_date: _dt.date | str | None = None,
    formats: Iterable[str] = ("json", "md", "html"),
    chunk_size: int | None = None,
    show_values: bool = False,
    progress: ProgressFn | None = None,
    read_options: Mapping[str, Any] | None = None,
) -> CleanResult:
    """Clean a file (``"-"`` for standard input) and write the results into ``output`` (see
    :func:`write_outputs`), all or nothing. ``read_options`` go to :func:`dataclean.io.read_table`
    (``sheet``, ``delimiter``, ``encoding``, ``fmt``)."""
    from dataclean.io import NOTES_ATTR, read_table

    options = {k: v for k, v in (read_options or {}).items() if v is not None}
    if chunk_size:
        from dataclean.chunked import clean_file_chunked

        return clean_file_chunked(
            path,
            suite,
            output,
            chunk_size=chunk_size,
            reference_date=reference_date,
            formats=formats,
            show_values=show_values,
            progress=progress,
            dedupe=dedupe,
            read_options=options,
        )
    if not isinstance(suite, Suite):
        suite = load_suite(suite)  # a bad suite fails before the file is read
    df = read_table(path, **options)
    notes = list(df.attrs.get(NOTES_ATTR, []))
    result = clean(
        df,
        suite,
        dedupe=dedupe,
        reference_date=reference_date,
        show_values=show_values,
        progress=progress,
        dataset="stdin" if str(path) == "-" else Path(path).name,
    )
    result.notes = notes
    paths = write_outputs(result, path, output, formats=formats)
    result.outputs = list(paths.values())
    return result


def write_outputs(
    result: CleanResult, source: str | Path, output: str | Path, *, formats: Iterable[str] = ("json", "md", "html")
) -> dict[str, Path]:
    """Write clean data (same format as ``source``), quarantine, audit, merged, both scorecards and
    ``summary.json`` into ``output``, all or nothing (:class:`dataclean.io.StagedOutput`): the row
    accounting is checked before anything is renamed into place, and ``_SUCCESS`` comes last."""
    import json

    from dataclean.io import StagedOutput, write_table
    from dataclean.scorecard.render import write_scorecard

    check_accounting(result.rows_in, result._counts())
    stem, suffix = _output_stem(source)
    with StagedOutput(output) as stage:
        staged = {
            "clean": write_table(result.clean, stage.path(f"{stem}.clean{suffix}", rows=len(result.clean))),
            "quarantine": write_table(
                result.quarantine, stage.path(f"{stem}.quarantine{suffix}", rows=len(result.quarantine))
            ),
            "audit": write_table(result.audit, stage.path("audit.csv", rows=len(result.audit))),
            "merged": write_table(result.merged, stage.path("merged.csv", rows=len(result.merged))),
        }
        for stage_name, card in (("before", result.before), ("after", result.after)):
            for fmt, p in write_scorecard(card, stage.stage, formats, prefix=f"{stage_name}_").items():
                staged[f"{stage_name}_{fmt}"] = p
        summary = {**result.summary(), "notes": list(result.notes)}
        staged["summary"] = stage.path("summary.json")
        staged["summary"].write_text(json.dumps(summary, indent=2), encoding="utf-8")
        stage.commit({"command": "clean", **summary})
        paths = {k: stage.final(p) for k, p in staged.items()}
    paths["success"] = Path(output) / StagedOutput.MARKER
    return paths
