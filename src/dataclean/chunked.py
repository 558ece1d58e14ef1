"""Bounded-memory cleansing of CSV / Parquet files larger than memory.

The file is read in chunks (:func:`dataclean.io.iter_table_chunks`); each chunk goes through the
same :func:`dataclean.pipeline.clean` as the in-memory path and its outputs are appended to the
output files. Scorecards are rebuilt from per-chunk counts: column-map expectations add up
exactly; uniqueness is recomputed over the whole file from 64-bit hashes of the values (8 bytes a
row, so 5M rows cost 40 MB), which gives the same counts as the in-memory path. Table-level
expectations (row counts, column sets) pass only if they pass on every chunk. Deduplication needs
the whole file and is not available here.
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dataclean.exceptions import ConfigError
from dataclean.scorecard.build import build_scorecard
from dataclean.scorecard.model import ExpectationScore, Scorecard
from dataclean.suite import Suite, load_suite

log = logging.getLogger(__name__)
_UNIQUE = "expect_column_values_to_be_unique"


class _Tally:
    """Adds up per-chunk expectation scores for one stage (before / after)."""

    def __init__(self) -> None:
        self.first: dict[str, ExpectationScore] = {}
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        self.all_success: dict[str, bool] = {}
        self.examples: dict[str, list[str]] = defaultdict(list)
        self.reasons: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: dict[str, str] = {}
        self.hashes: dict[str, list[np.ndarray]] = defaultdict(list)
        self.rows = 0

    def add(self, card: Scorecard, frame: pd.DataFrame, suite: Suite) -> None:
        self.rows += card.row_count
        for e in card.expectations:
            self.first.setdefault(e.key, e)
            c = self.counts[e.key]
            c[0] += e.element_count
            c[1] += e.missing_count
            c[2] += e.unexpected_count
            self.all_success[e.key] = self.all_success.get(e.key, True) and e.success
            if len(self.examples[e.key]) < 5:
                self.examples[e.key].extend(e.examples[: 5 - len(self.examples[e.key])])
            for r, n in e.reasons.items():
                self.reasons[e.key][r] += n
            if e.error:
                self.errors[e.key] = e.error
        for spec in suite.expectations:
            if spec.type == _UNIQUE:
                col = spec.kwargs["column"]
                values = frame[col].dropna()
                self.hashes[spec.key].append(
                    pd.util.hash_pandas_object(values.astype("string"), index=False).to_numpy()
                )

    def scores(self) -> list[ExpectationScore]:
        out = []
        for key, first in self.first.items():
            element, missing, unexpected = self.counts[key]
            if first.type == _UNIQUE and key in self.hashes:
                h = np.concatenate(self.hashes[key]) if self.hashes[key] else np.array([], dtype=np.uint64)
                _, inverse, counts = np.unique(h, return_inverse=True, return_counts=True)
                unexpected = int((counts[inverse] > 1).sum())
                missing = element - len(h)
            evaluated = element - missing
            is_map = first.type.startswith(("expect_column_values", "expect_column_pair", "expect_multicolumn"))
            if is_map:
                score = None if evaluated <= 0 else 1 - unexpected / evaluated
                mostly = first.mostly if first.mostly is not None else 1.0
                success = evaluated <= 0 or unexpected / evaluated <= 1 - mostly + 1e-12
            else:
                success = self.all_success[key]
                score = 1.0 if success else 0.0
            if key in self.errors:
                success, score = False, 0.0
            out.append(
                replace(
                    first,
                    element_count=element,
                    missing_count=missing,
                    unexpected_count=unexpected,
                    score=score,
                    success=success and key not in self.errors,
                    examples=tuple(self.examples[key]),
                    reasons=dict(self.reasons[key]),
                    error=self.errors.get(key),
                )
            )
        return out


class _Appender:
    """Appends frames to one output file: CSV (header once) or Parquet (one row group per chunk)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: Any = None
        self.wrote = False

    def write(self, df: pd.DataFrame) -> None:
        if self.path.suffix.lower() == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(df, preserve_index=False)
            if self.writer is None:
                self.writer = pq.ParquetWriter(self.path, table.schema)
            self.writer.write_table(table.cast(self.writer.schema))
        else:
            df.to_csv(self.path, mode="a" if self.wrote else "w", header=not self.wrote, index=False)
        self.wrote = True

    def close(self, empty_columns: Iterable[str]) -> None:
        if self.writer is not None:
            self.writer.close()
        elif not self.wrote:
            pd.DataFrame(columns=list(empty_columns)).to_csv(self.path, index=False)


def clean_file_chunked(
    path: str | Path,
    suite: Suite | str | Path,
    output: str | Path,
    *,
    chunk_size: int = 250_000,
    reference_date: _dt.date | str | None = None,
    formats: Iterable[str] = ("json", "md", "html"),
    show_values: bool = False,
    progress: Callable[[str, float], None] | None = None,
    dedupe: bool = False,
) -> Any:
    """Clean ``path`` chunk by chunk into ``output``; returns a CleanResult whose frames are empty
    (the data is on disk) but whose counts and scorecards cover the whole file."""
    from dataclean.io import iter_table_chunks
    from dataclean.pipeline import CleanResult, clean
    from dataclean.scorecard.render import write_scorecard

    if dedupe:
        raise ConfigError("deduplication needs the whole file in memory; run without --chunk-size to dedupe")
    if not isinstance(suite, Suite):
        suite = load_suite(suite)
    if reference_date is None and suite.reference_date is None:
        reference_date = _dt.date.today()  # one date for every chunk, even across midnight
    if reference_date is not None:
        suite = suite.with_reference_date(reference_date)
    path = Path(path)
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower() if path.suffix.lower() in (".csv", ".parquet", ".tsv", ".txt") else ".csv"
    clean_out = _Appender(out / f"{path.stem}.clean{suffix}")
    quarantine_out = _Appender(out / f"{path.stem}.quarantine{suffix}")
    audit_out = _Appender(out / "audit.csv")
    before, after = _Tally(), _Tally()
    rows_in = rows_clean = rows_quarantined = cells_changed = 0
    t0 = time.perf_counter()
    columns: list[str] = []
    total_bytes = max(path.stat().st_size, 1)
    for chunk in iter_table_chunks(path, chunk_size):
        columns = list(chunk.columns)
        res = clean(chunk, suite, show_values=show_values, dataset=path.name)
        before.add(res.before, chunk, suite)
        after.add(res.after, res.clean, suite)
        clean_out.write(res.clean)
        quarantine_out.write(res.quarantine)
        audit_out.write(res.audit)
        rows_in += res.rows_in
        rows_clean += len(res.clean)
        rows_quarantined += len(res.quarantine)
        cells_changed += len(res.audit)
        if progress:
            progress(f"cleaned {rows_in:,} rows", min(0.95, rows_in * 200 / total_bytes))
        log.info("chunk done: %d rows so far", rows_in)
    clean_out.close(columns)
    quarantine_out.close([*columns, "quarantine_reasons"])
    audit_out.close(["row", "record_id", "column", "rule", "before", "after"])
    cards = {}
    for stage, tally in (("before", before), ("after", after)):
        cards[stage] = build_scorecard(tally.scores(), suite, row_count=tally.rows, dataset=path.name, stage=stage)
        write_scorecard(cards[stage], out, formats, prefix=f"{stage}_")
    empty = pd.DataFrame()
    counts = {
        "rows_clean": rows_clean,
        "rows_quarantined": rows_quarantined,
        "rows_merged": 0,
        "cells_changed": cells_changed,
    }
    result = CleanResult(
        empty,
        empty,
        empty,
        cards["before"],
        cards["after"],
        rows_in=rows_in,
        timings={"total": time.perf_counter() - t0},
        counts=counts,
    )
    if not result.accounted:  # pragma: no cover - never lose rows
        raise AssertionError(f"row accounting failed: {result.summary()}")
    import json

    (out / "summary.json").write_text(
        json.dumps({**result.summary(), "chunk_size": chunk_size}, indent=2), encoding="utf-8"
    )
    return result
