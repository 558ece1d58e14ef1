"""Bounded-memory cleansing of CSV / Parquet files larger than memory.

The file is streamed in chunks (:func:`dataclean.io.iter_table_chunks`, pyarrow's streaming CSV
reader); each chunk goes through the same stages as the in-memory path
(:func:`dataclean.jobs.stages.clean_frame`)
and its outputs are appended to staged output files, renamed into place only when the whole file
is done and every row is accounted for (:class:`dataclean.io.StagedOutput`).

Scorecards come out the same as the in-memory path's, expectation type by expectation type:

* row-by-row expectations (GX column-map, column-pair-map and multicolumn-map types, dataclean's
  kind validity, value lengths, regexes, sets...) add up their per-chunk counts exactly and are
  scored with :func:`dataclean.scorecard.build.expectation_score`, the score builder the in-memory
  path uses;
* cross-row uniqueness (``expect_column_values_to_be_unique``,
  ``expect_compound_columns_to_be_unique``) is recomputed over the whole file from 64-bit hashes
  of the values, spilled to a temporary file (8 bytes a row on disk, not in memory) and counted
  at the end bucket by bucket (:class:`_HashSpill`), so memory does not grow with the file;
* table-level expectations see the whole file's row count and columns;
* aggregate expectations (means, medians, distinct-value sets, unique-value counts...) are run
  once at the end on the columns they name, kept from every chunk: memory grows with those
  columns only (none in the bundled suites).

Deduplication needs the whole file and is not available here.
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dataclean.exceptions import ConfigError
from dataclean.jobs.scopes import CROSS_ROW_UNIQUE, CROSS_ROW_WHOLE, SHAPE, expectation_scope  # noqa: F401
from dataclean.jobs.stages import (
    AUDIT_COLUMNS,
    CleanResult,
    check_accounting,
    clean_frame,
    output_stem,
    write_scorecards,
    write_summary,
)
from dataclean.jobs.validate import check_columns, validate
from dataclean.scorecard.build import build_scorecard, expectation_score
from dataclean.scorecard.model import ExpectationScore, Scorecard
from dataclean.suite import Suite, load_suite

log = logging.getLogger(__name__)


def _hash_rows(frame: pd.DataFrame, columns: tuple[str, ...], ignore_row_if: str) -> np.ndarray:
    """64-bit hashes of the rows a uniqueness expectation evaluates (nulls skipped as GX does)."""
    sub = frame[list(columns)]
    null = sub.isna().to_numpy()
    if len(columns) == 1 or ignore_row_if == "any_value_is_missing":
        keep = ~null.any(axis=1)
    elif ignore_row_if == "never":
        keep = np.ones(len(sub), dtype=bool)
    else:  # all_values_are_missing (GX's default)
        keep = ~null.all(axis=1)
    return pd.util.hash_pandas_object(sub.loc[keep].astype("string"), index=False).to_numpy()


def _release_between_chunks() -> None:
    """Give back what the last chunk left behind before the next is read: reference cycles (GX
    validation objects hold the frames they checked) and pyarrow's pooled buffers."""
    import gc

    gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover - pyarrow < 9
        pass


def _rows_in_repeats(hashes: np.ndarray) -> int:
    """How many values of ``hashes`` occur more than once, every copy counted (sorts in place)."""
    if len(hashes) < 2:
        return 0
    hashes.sort()
    same = hashes[1:] == hashes[:-1]  # value i+1 repeats value i
    repeated = np.zeros(len(hashes), dtype=bool)
    repeated[1:] = same
    repeated[:-1] |= same
    return int(np.count_nonzero(repeated))


class _HashSpill:
    """64-bit row hashes appended to an anonymous temporary file, and the number of rows whose
    hash occurs more than once, counted in passes over hash buckets of at most ``bucket`` values
    (memory: one bucket, whatever the file size)."""

    def __init__(self, bucket: int = 2_000_000) -> None:
        import tempfile

        self.file = tempfile.TemporaryFile(prefix="dataclean-hashes-")  # noqa: SIM115 - closed in close()
        self.count = 0
        self.bucket = bucket

    def add(self, hashes: np.ndarray) -> None:
        self.file.write(np.ascontiguousarray(hashes, dtype=np.uint64).tobytes())
        self.count += len(hashes)

    def _blocks(self, size: int = 1_000_000) -> Iterable[np.ndarray]:
        self.file.seek(0)
        while True:
            block = np.fromfile(self.file, dtype=np.uint64, count=size)
            if not len(block):
                return
            yield block

    def duplicated_rows(self) -> int:
        """Rows whose hash is not unique (every copy counts, as GX counts unexpected rows).

        Each bucket is sorted in place and a hash counts when it equals a neighbour: about 10
        bytes a hash at the peak. (``np.unique(..., return_counts=True)`` took five or six times
        the bucket: some 130 MB at 5M rows, memory that grew with the file up to the bucket cap.)"""
        passes = max(1, -(-self.count // self.bucket))
        self.file.flush()
        total = 0
        for b in range(passes):
            parts = [blk[blk % np.uint64(passes) == b] if passes > 1 else blk for blk in self._blocks()]
            if not parts:
                break
            hashes = parts[0] if len(parts) == 1 else np.concatenate(parts)
            del parts
            total += _rows_in_repeats(hashes)
            del hashes
        return total

    def close(self) -> None:
        self.file.close()


class _Tally:
    """Adds up per-chunk expectation scores for one stage (before / after)."""

    def __init__(self, suite: Suite) -> None:
        self.suite = suite
        self.scope = {e.key: expectation_scope(e.type) for e in suite.expectations}
        self.first: dict[str, ExpectationScore] = {}
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        self.examples: dict[str, list[str]] = defaultdict(list)
        self.reasons: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: dict[str, str] = {}
        self.hashes: dict[str, _HashSpill] = {}
        self.kept: list[pd.DataFrame] = []
        self.shape: pd.DataFrame | None = None
        self.rows = 0
        self.whole_columns = sorted(
            {c for e in suite.expectations if self.scope[e.key] == "aggregate" for c in e.columns}
        )

    def add(self, card: Scorecard, frame: pd.DataFrame) -> None:
        self.rows += card.row_count
        if self.shape is None:
            self.shape = frame.iloc[:0].copy()  # column names and types, no rows
        for e in card.expectations:
            self.first.setdefault(e.key, e)
            c = self.counts[e.key]
            c[0] += e.element_count
            c[1] += e.missing_count
            c[2] += e.unexpected_count
            if len(self.examples[e.key]) < 5:
                self.examples[e.key].extend(e.examples[: 5 - len(self.examples[e.key])])
            for r, n in e.reasons.items():
                self.reasons[e.key][r] += n
            if e.error:
                self.errors[e.key] = e.error
        for spec in self.suite.expectations:
            if self.scope[spec.key] == "unique":
                ignore = str(spec.kwargs.get("ignore_row_if", "all_values_are_missing"))
                if spec.key not in self.hashes:
                    self.hashes[spec.key] = _HashSpill()
                self.hashes[spec.key].add(_hash_rows(frame, spec.columns, ignore))
        if self.whole_columns:
            self.kept.append(frame[self.whole_columns].copy())

    def _whole_file_scores(self, stage: str) -> dict[str, ExpectationScore]:
        """Table and aggregate expectations, run once on what the whole file gives them."""
        out: dict[str, ExpectationScore] = {}
        table = [e for e in self.suite.expectations if self.scope[e.key] == "table"]
        aggregate = [e for e in self.suite.expectations if self.scope[e.key] == "aggregate"]
        runs = []
        if table:
            rows_only = [e for e in table if "row_count" in e.type]
            shape = [e for e in table if "row_count" not in e.type]
            if rows_only:
                runs.append((pd.DataFrame(index=pd.RangeIndex(self.rows)), rows_only))
            if shape:
                runs.append((self.shape if self.shape is not None else pd.DataFrame(), shape))
        if aggregate:
            kept = (
                pd.concat(self.kept, ignore_index=True)
                if self.kept
                else pd.DataFrame({c: pd.Series(dtype="string") for c in self.whole_columns})
            )
            runs.append((kept, aggregate))
        for frame, specs in runs:
            names = {c for e in specs for c in e.columns}
            sub = replace(
                self.suite,
                columns={c: s for c, s in self.suite.columns.items() if c in names},
                expectations=tuple(specs),
                standardise=(),
                dedupe=None,
                id_column=None,
            )
            card = validate(frame, sub, standardise=False, dedupe=False, stage=stage).scorecard
            out.update({e.key: e for e in card.expectations})
        return out

    def scores(self, stage: str) -> list[ExpectationScore]:
        whole = self._whole_file_scores(stage)
        out = []
        for spec in self.suite.expectations:
            key = spec.key
            if key in whole:
                out.append(whole[key])
            elif key in self.first:  # else no chunk at all (empty file): nothing to add up
                out.append(self._added_up(key))
        return out

    def _added_up(self, key: str) -> ExpectationScore:
        """One row-by-row or uniqueness expectation's score over every chunk."""
        element, missing, unexpected = self.counts[key]
        if self.scope[key] == "unique":
            spill = self.hashes.get(key)
            unexpected = spill.duplicated_rows() if spill else 0
            missing = element - (spill.count if spill else 0)
        if key in self.errors:  # as in memory: an expectation that raised counts as one failure
            element, missing, unexpected = 1, 0, 1
        return expectation_score(
            self.first[key],
            element=element,
            missing=missing,
            unexpected=unexpected,
            examples=tuple(self.examples[key]),
            reasons=dict(self.reasons[key]),
            error=self.errors.get(key),
        )

    def close(self) -> None:
        for spill in self.hashes.values():
            spill.close()
        self.hashes.clear()


class _Appender:
    """Appends frames to one output file: CSV (header once, pyarrow's writer) or Parquet (one row
    group per chunk). Counts the rows it wrote."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: Any = None
        self.handle: Any = None
        self.rows = 0

    def write(self, df: pd.DataFrame) -> None:
        from dataclean.io import _csv_sep, write_csv

        if self.path.suffix.lower() == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(df, preserve_index=False)
            if self.writer is None:
                self.writer = pq.ParquetWriter(self.path, table.schema)
            self.writer.write_table(table.cast(self.writer.schema))
        else:
            first = self.handle is None
            if first:
                self.handle = open(self.path, "wb")  # noqa: SIM115 - closed in close()
            write_csv(df, self.handle, sep=_csv_sep(self.path), header=first)
        self.rows += len(df)

    def close(self, empty_columns: Iterable[str]) -> None:
        if self.writer is not None:
            self.writer.close()
        elif self.handle is not None:
            self.handle.close()
        else:
            from dataclean.io import write_table

            write_table(pd.DataFrame({c: pd.Series(dtype="string") for c in empty_columns}), self.path)


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
    read_options: Mapping[str, Any] | None = None,
) -> CleanResult:
    """Clean ``path`` chunk by chunk into ``output``, all or nothing; returns a CleanResult whose
    frames are empty (the data is on disk) but whose counts and scorecards cover the whole file."""
    from dataclean.io import StagedOutput

    if dedupe:
        raise ConfigError("deduplication needs the whole file in memory; run without --chunk-size to dedupe")
    if not isinstance(suite, Suite):
        suite = load_suite(suite)
    if reference_date is None and suite.reference_date is None:
        reference_date = _dt.date.today()  # one date for every chunk, even across midnight
    if reference_date is not None:
        suite = suite.with_reference_date(reference_date)
    t0 = time.perf_counter()
    with StagedOutput(output) as stage:
        run = _ChunkedRun(path, suite, stage, show_values=show_values)
        run.clean_chunks(chunk_size, progress, read_options)
        counts = run.close_outputs()
        cards = {name: run.scorecard(name) for name in ("before", "after")}
        write_scorecards(stage, cards["before"], cards["after"], formats)
        result = CleanResult(
            pd.DataFrame(),
            pd.DataFrame(),
            pd.DataFrame(),
            cards["before"],
            cards["after"],
            rows_in=run.rows_in,
            timings={"total": time.perf_counter() - t0},
            counts=counts,
            notes=run.notes,
        )
        manifest = write_summary(stage, result, chunk_size=chunk_size)
    result.outputs = [Path(output) / name for name in manifest["files"]] + [Path(output) / StagedOutput.MARKER]
    return result


class _ChunkedRun:
    """One chunked clean: the staged output files, the before/after tallies and the counts."""

    def __init__(self, path: str | Path, suite: Suite, stage: Any, *, show_values: bool) -> None:
        self.path, self.suite, self.stage, self.show_values = path, suite, stage, show_values
        self.dataset = "stdin" if str(path) == "-" else Path(path).name
        stem, suffix = output_stem(path)
        if suffix not in (".csv", ".parquet", ".tsv", ".psv", ".txt"):
            suffix = ".csv"
        self.clean_out = _Appender(stage.path(f"{stem}.clean{suffix}"))
        self.quarantine_out = _Appender(stage.path(f"{stem}.quarantine{suffix}"))
        self.audit_out = _Appender(stage.path("audit.csv"))
        self.tallies = {"before": _Tally(suite), "after": _Tally(suite)}
        self.rows_in = self.cells_changed = 0
        self.columns: list[str] = []
        self.notes: list[str] = []

    def clean_chunks(
        self, chunk_size: int, progress: Callable[[str, float], None] | None, read_options: Mapping[str, Any] | None
    ) -> None:
        from dataclean.io import iter_table_chunks

        total_bytes = max(Path(self.path).stat().st_size, 1) if str(self.path) != "-" else 0
        for chunk in iter_table_chunks(self.path, chunk_size, notes=self.notes, **dict(read_options or {})):
            self._clean_chunk(chunk)
            if progress and total_bytes:
                progress(f"cleaned {self.rows_in:,} rows", min(0.95, self.rows_in * 200 / total_bytes))
            log.info("chunk done: %d rows so far", self.rows_in)
            del chunk
            _release_between_chunks()

    def _clean_chunk(self, chunk: pd.DataFrame) -> None:
        if not self.columns:
            check_columns(chunk, self.suite, source=self.dataset)
        self.columns = [str(c) for c in chunk.columns]
        res = clean_frame(chunk, self.suite, show_values=self.show_values, dataset=self.dataset)
        self.tallies["before"].add(res.before, chunk)
        self.tallies["after"].add(res.after, res.clean)
        self.clean_out.write(res.clean)
        self.quarantine_out.write(res.quarantine)
        self.audit_out.write(res.audit)
        self.rows_in += res.rows_in
        self.cells_changed += len(res.audit)

    def close_outputs(self) -> dict[str, int]:
        """Close the data files, check the row accounting and record row counts for the manifest."""
        self.clean_out.close(self.columns)
        self.quarantine_out.close([*self.columns, "quarantine_reasons"])
        self.audit_out.close(AUDIT_COLUMNS)
        counts = {
            "rows_clean": self.clean_out.rows,
            "rows_quarantined": self.quarantine_out.rows,
            "rows_merged": 0,
            "cells_changed": self.cells_changed,
        }
        check_accounting(self.rows_in, counts)
        for out in (self.clean_out, self.quarantine_out, self.audit_out):
            self.stage.rows[out.path.name] = out.rows
        return counts

    def scorecard(self, stage_name: str) -> Scorecard:
        tally = self.tallies[stage_name]
        card = build_scorecard(
            tally.scores(stage_name), self.suite, row_count=tally.rows, dataset=self.dataset, stage=stage_name
        )
        tally.close()  # the hash files (anonymous: nothing is left on disk even if this never runs)
        return card
