"""The cleansing job: standardise, validate, quarantine, optionally deduplicate, and account for
every row.

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

The stages live in :mod:`dataclean.jobs.stages` (shared with :mod:`dataclean.jobs.chunked`);
:func:`clean_file` runs a file in memory, or in chunks when given ``chunk_size``.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from dataclean.jobs.stages import (
    AUDIT_COLUMNS,
    QUARANTINE_DIMENSIONS,
    CleanResult,
    ProgressFn,
    check_accounting,
    clean_frame,
    output_stem,
    write_scorecards,
    write_summary,
)
from dataclean.jobs.validate import _resolve_suite
from dataclean.suite import Suite, load_suite

log = logging.getLogger(__name__)

__all__ = [
    "AUDIT_COLUMNS",
    "QUARANTINE_DIMENSIONS",
    "CleanResult",
    "ProgressFn",
    "check_accounting",
    "clean",
    "clean_file",
    "write_outputs",
]


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
    (:func:`dataclean.jobs.spark.clean`): Parquet datasets written to ``output``.
    """
    from dataclean.engines import is_spark_dataframe

    if spark is not None or is_spark_dataframe(data):
        from dataclean.jobs import spark as spark_engine

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
    suite = _resolve_suite(suite, reference_date)
    return clean_frame(
        data, suite, dedupe=dedupe, show_values=show_values, progress=progress, dataset=dataset or suite.name
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
    (``sheet``, ``delimiter``, ``encoding``, ``fmt``). With ``chunk_size`` the file is streamed in
    chunks of that many rows (:func:`dataclean.jobs.chunked.clean_file_chunked`)."""
    from dataclean.io import NOTES_ATTR, read_table

    options = {k: v for k, v in (read_options or {}).items() if v is not None}
    if chunk_size:
        from dataclean.jobs.chunked import clean_file_chunked

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
    from dataclean.io import StagedOutput, write_table

    check_accounting(result.rows_in, result._counts())
    stem, suffix = output_stem(source)
    with StagedOutput(output) as stage:
        staged = {
            "clean": write_table(result.clean, stage.path(f"{stem}.clean{suffix}", rows=len(result.clean))),
            "quarantine": write_table(
                result.quarantine, stage.path(f"{stem}.quarantine{suffix}", rows=len(result.quarantine))
            ),
            "audit": write_table(result.audit, stage.path("audit.csv", rows=len(result.audit))),
            "merged": write_table(result.merged, stage.path("merged.csv", rows=len(result.merged))),
        }
        staged.update(write_scorecards(stage, result.before, result.after, formats))
        staged["summary"] = stage.path("summary.json")
        write_summary(stage, result)
        paths = {k: stage.final(p) for k, p in staged.items()}
    paths["success"] = Path(output) / StagedOutput.MARKER
    return paths
