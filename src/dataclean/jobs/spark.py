"""validate and clean on Spark: the same scorecards, clean / quarantined rows and audit as the
pandas engine, computed on the executors, with outputs written as Parquet datasets.

Stages: standardise on the executors (:func:`dataclean.engines.spark.standardise`), check each
partition and combine (:mod:`dataclean.jobs.spark_checks`), then build the scorecards and write.
Nothing proportional to the data is collected to the driver: only per-partition counts, at most
five masked examples per expectation, and small summaries.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from dataclean.engines import is_spark_dataframe
from dataclean.engines.spark import (
    ROW,
    from_pandas,
    get_session,
    read_table,
    split_suite,
    standardise,
    work_dir,
)
from dataclean.engines.spark import (
    dedupe as spark_dedupe,
)
from dataclean.engines.spark.frames import _NATIVE_GLOBAL, _q
from dataclean.exceptions import ConfigError
from dataclean.jobs.spark_checks import _REC, _combine, _unique_failures, _unique_on_spark, check

log = logging.getLogger(__name__)


@dataclass
class SparkValidationReport:
    """What :func:`validate` returns on Spark: the scorecard, and the failures as a Parquet
    dataset (``failures_path``) read back as a Spark DataFrame (``failures``)."""

    scorecard: Any
    failures: Any
    failures_path: str
    data: Any = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return bool(self.scorecard.passed)

    def write(self, directory: str | Path, formats: tuple[str, ...] = ("json",)) -> dict[str, Path]:
        """Write ``scorecard.<ext>`` per format and the failures as ``failures.parquet/``."""
        from dataclean.scorecard.render import write_scorecard

        out = write_scorecard(self.scorecard, directory, formats)
        target = Path(directory) / "failures.parquet"
        if Path(self.failures_path).resolve() != target.resolve():
            self.failures.write.mode("overwrite").parquet(str(target))
        out["failures"] = target
        return out

    def _repr_html_(self) -> str:
        return self.scorecard._repr_html_()


def _spark_clean_result() -> type:
    from dataclean.jobs.records import CleanResult

    @dataclass
    class SparkCleanResult(CleanResult):
        """A :class:`~dataclean.pipeline.CleanResult` whose frames are Spark DataFrames read back
        from the Parquet datasets in ``paths`` (counts come from ``counts``)."""

        paths: dict[str, Path] = field(default_factory=dict)

    return SparkCleanResult


def __getattr__(name: str) -> Any:
    if name == "SparkCleanResult":  # built on first use: pipeline imports great-expectations
        cls = _spark_clean_result()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


def _spark_clean_result_cls() -> type:
    return globals().get("SparkCleanResult") or __getattr__("SparkCleanResult")


def _check_suite_columns(sdf: Any, suite: Any, dataset: str) -> None:
    from dataclean.scorecard.build import check_columns

    check_columns(pd.DataFrame(columns=list(sdf.columns)), suite, source=dataset)


def _prepare_suite(suite: Any, reference_date: Any) -> Any:
    from dataclean.suite import Suite, load_suite

    if not isinstance(suite, Suite):
        suite = load_suite(suite)
    if reference_date is not None:
        suite = suite.with_reference_date(reference_date)
    elif suite.reference_date is None:
        # one date for every executor, even across midnight
        suite = suite.with_reference_date(_dt.date.today())
    return suite


@dataclass
class _Input:
    """The data of a run as a Spark DataFrame, with its session and names."""

    sdf: Any
    spark: Any
    dataset: str | None
    stem: str | None


def _as_input(data: Any, spark: Any, dataset: str | None, source_name: str | None = None) -> _Input:
    """A Spark DataFrame as it is, a pandas frame handed to Spark, or a file read with Spark."""
    if not is_spark_dataframe(data):
        spark = get_session(spark)
        if isinstance(data, pd.DataFrame):
            data = from_pandas(spark, data)
        else:
            dataset = dataset or Path(data).name
            source_name = source_name or Path(data).stem
            data = read_table(spark, data)
    spark = get_session(spark if spark is not None else data.sparkSession)
    return _Input(data, spark, dataset, source_name)


def _validate_scores(layout: Any, suite: Any, show_values: bool) -> tuple[list[Any], Any, list[Any]]:
    """(expectation scores, the per-partition records (persisted), uniqueness failure frames)."""
    from pyspark.sql import functions as F

    _, native = split_suite(suite)
    records = check(layout, suite, "validate", show_values=show_values)
    score_rows = records.filter(F.col(_REC) == "score").collect()
    unique, unique_failures = _unique_on_spark(layout.checked(), native, show_values)
    return _combine(score_rows, suite, "validate", unique), records, unique_failures


def _write_failures(records: Any, unique_failures: list[Any], suite: Any, path: str) -> None:
    """Row-level and uniqueness failures as one Parquet dataset (never collected)."""
    from pyspark.sql import functions as F

    from dataclean.scorecard.build import FAILURE_COLUMNS

    failures = records.filter(F.col(_REC) == "failure").select(*FAILURE_COLUMNS)
    for f in _unique_failures(unique_failures, suite.id_column):
        failures = failures.unionByName(f)
    failures.write.mode("overwrite").parquet(path)
    records.unpersist()
    for _, dups in unique_failures:
        dups.unpersist()


def validate(
    data: Any,
    suite: Any,
    *,
    spark: Any = None,
    reference_date: _dt.date | str | None = None,
    show_values: bool = False,
    dedupe: bool | None = None,
    stage: str | None = None,
    dataset: str | None = None,
    failures_path: str | Path | None = None,
) -> SparkValidationReport:
    """Validate a Spark DataFrame (or a file read with Spark) against a suite on Spark.

    The scorecard has the same counts, scores and reasons as :func:`dataclean.validate` on the
    same rows. Row-level failures are written to ``failures_path`` (default: a folder under the
    session's checkpoint folder) as Parquet and returned as a Spark DataFrame.
    """
    from dataclean.scorecard.build import build_scorecard

    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    suite = _prepare_suite(suite, reference_date)
    run = _as_input(data, spark, dataset)
    dataset = run.dataset or suite.name
    _check_suite_columns(run.sdf, suite, dataset)
    layout = standardise(run.sdf, suite)
    timings["standardise"] = time.perf_counter() - t0
    t = time.perf_counter()
    scores, records, unique_failures = _validate_scores(layout, suite, show_values)
    timings["checks"] = time.perf_counter() - t
    path = str(failures_path or Path(work_dir(run.spark)) / f"dataclean-failures-{uuid.uuid4().hex[:12]}")
    _write_failures(records, unique_failures, suite, path)
    duplicates = None
    if suite.dedupe is not None and (dedupe is None or dedupe):
        t = time.perf_counter()
        duplicates = _duplicate_persons(run.sdf, suite, run.spark)
        scores.append(duplicates)
        timings["dedupe"] = time.perf_counter() - t
    layout.sdf.unpersist()
    timings["total"] = time.perf_counter() - t0
    card = build_scorecard(
        scores, suite, row_count=layout.rows, dataset=dataset, stage=stage, duplicates=duplicates, timings=timings
    )
    log.info("validated %d rows on Spark against suite %s: score %s", layout.rows, suite.name, card.overall_score)
    return SparkValidationReport(card, run.spark.read.parquet(path), path, run.sdf, timings)


def _duplicate_persons(sdf: Any, suite: Any, spark: Any) -> Any:
    """The suite's dedupe block on Spark, scored under uniqueness (as the pandas engine does)."""
    from dataclean.linkage.config import LinkageConfig
    from dataclean.scorecard.build import duplicate_persons_score

    config = LinkageConfig.from_dict(suite.dedupe or {}, source=suite.path)
    return duplicate_persons_score(spark_dedupe(sdf, config, spark=spark).summary())


def _check_quarantine_is_row_level(suite: Any) -> None:
    from dataclean.jobs.records import QUARANTINE_DIMENSIONS

    for e in suite.expectations:
        if e.type in _NATIVE_GLOBAL and e.severity == "critical" and e.dimension in QUARANTINE_DIMENSIONS:
            raise ConfigError(
                f"expectation {e.key} ({e.type}) is critical and scored as {e.dimension}, so it would "
                "quarantine rows; the Spark engine quarantines on row-level checks only. Score it "
                "under uniqueness (dimension: uniqueness) or run clean with --engine pandas.",
                source=suite.path,
            )


@dataclass
class _Split:
    """A clean run's rows after the checks: quarantined ones flagged, the clean ones checked."""

    layout: Any
    records: Any  # per-partition score / failure / audit / quarantine records (persisted)
    score_rows: list[Any]
    flagged: Any  # the standardised rows with ``quarantine_reasons`` (null when clean)
    clean: Any  # the clean rows: row number and the checked values

    @property
    def quarantined(self) -> Any:
        from pyspark.sql import functions as F

        columns = [_q(c) for c in self.layout.columns]
        return (
            self.flagged.filter(F.col("quarantine_reasons").isNotNull())
            .orderBy(ROW)
            .select(*columns, F.col("quarantine_reasons"))
        )


def _split_rows(layout: Any, suite: Any, show_values: bool) -> _Split:
    from pyspark.sql import functions as F

    records = check(layout, suite, "clean", show_values=show_values)
    score_rows = records.filter(F.col(_REC) == "score").collect()
    quarantined = records.filter(F.col(_REC) == "quarantine").select(
        F.col("row").cast("long").alias(ROW), F.col("reason").alias("quarantine_reasons")
    )
    flagged = layout.sdf.join(quarantined, ROW, "left")
    pos = {c: i for i, c in enumerate(layout.std)}
    checked_cols = [F.col(f"__dc_chk_{pos[c]}").alias(c) if c in pos else _q(c) for c in layout.columns]
    clean_sdf = flagged.filter(F.col("quarantine_reasons").isNull()).select(ROW, *checked_cols)
    return _Split(layout, records, score_rows, flagged, clean_sdf)


def _write_clean_outputs(split: _Split, merged: Any, paths: dict[str, Path], spark: Any) -> dict[str, int]:
    """The clean, quarantine, audit and merged datasets; their row counts, read back."""
    from pyspark.sql import functions as F

    from dataclean.jobs.records import AUDIT_COLUMNS

    split.clean.orderBy(ROW).drop(ROW).write.mode("overwrite").parquet(str(paths["clean"]))
    split.quarantined.write.mode("overwrite").parquet(str(paths["quarantine"]))
    audit = split.records.filter(F.col(_REC) == "audit").select(*AUDIT_COLUMNS)
    audit.write.mode("overwrite").parquet(str(paths["audit"]))
    merged.write.mode("overwrite").parquet(str(paths["merged"]))
    names = {"rows_clean": "clean", "rows_quarantined": "quarantine", "rows_merged": "merged", "cells_changed": "audit"}
    return {k: int(spark.read.parquet(str(paths[v])).count()) for k, v in names.items()}


def _clean_cards(split: _Split, suite: Any, run: Any, counts: dict[str, int], opts: dict[str, Any]) -> tuple:
    """The before and after scorecards: after is recomputed on the written rows when
    duplicates were merged (survivors take golden values), as the pandas engine does."""
    from dataclean.scorecard.build import build_scorecard

    _, native = split_suite(suite)
    show_values, dataset = opts["show_values"], opts["dataset"]
    before_u, before_f = _unique_on_spark(split.layout.raw(), native, show_values)
    before = build_scorecard(
        _combine(split.score_rows, suite, "before", before_u),
        suite,
        row_count=0,
        dataset=dataset,
        stage="before",
    )
    before = replace(before, row_count=split.layout.rows)
    after_f: list[Any] = []
    if opts["dedupe"]:
        after_frame = run.spark.read.parquet(str(opts["paths"]["clean"]))
        after = validate(
            after_frame, suite, spark=run.spark, show_values=show_values, dedupe=False, stage="after", dataset=dataset
        ).scorecard
    else:
        after_u, after_f = _unique_on_spark(split.clean, native, show_values)
        after_scores = _combine(split.score_rows, suite, "after", after_u)
        after = build_scorecard(after_scores, suite, row_count=counts["rows_clean"], dataset=dataset, stage="after")
    for _, d in (*before_f, *after_f):
        d.unpersist()
    return before, after


def _clean_paths(out: Path, stem: str) -> dict[str, Path]:
    return {
        "clean": out / f"{stem}.clean.parquet",
        "quarantine": out / f"{stem}.quarantine.parquet",
        "audit": out / "audit.parquet",
        "merged": out / "merged.parquet",
    }


def clean(
    data: Any,
    suite: Any,
    *,
    spark: Any = None,
    output: str | Path | None = None,
    dedupe: bool = False,
    reference_date: _dt.date | str | None = None,
    show_values: bool = False,
    dataset: str | None = None,
    formats: Sequence[str] = ("json", "md", "html"),
    source_name: str | None = None,
) -> Any:
    """Cleanse a Spark DataFrame (or a file read with Spark) on Spark and write Parquet datasets.

    The same rows are clean, quarantined (with the same reasons) and audited as with
    :func:`dataclean.clean`; the before and after scorecards are equal. Writes into ``output``
    (default: a folder under the session's checkpoint folder): ``<name>.clean.parquet/``,
    ``<name>.quarantine.parquet/``, ``audit.parquet/``, ``merged.parquet/``, the scorecards and
    ``summary.json``. Returns a :class:`SparkCleanResult` whose frames are Spark DataFrames read
    back from those datasets.
    """
    from dataclean.scorecard.render import write_scorecard

    t0 = time.perf_counter()
    suite = _prepare_suite(suite, reference_date)
    _check_quarantine_is_row_level(suite)
    if dedupe and suite.dedupe is None:
        raise ConfigError(f"suite {suite.name!r} has no 'dedupe:' block, so --dedupe cannot run", source=suite.path)
    run = _as_input(data, spark, dataset, source_name)
    dataset = run.dataset or suite.name
    _check_suite_columns(run.sdf, suite, dataset)
    out = Path(output) if output is not None else Path(work_dir(run.spark)) / f"dataclean-clean-{uuid.uuid4().hex[:12]}"
    out.mkdir(parents=True, exist_ok=True)
    paths = _clean_paths(out, run.stem or dataset.rsplit(".", 1)[0])
    split = _split_rows(standardise(run.sdf, suite), suite, show_values)
    merged = run.spark.createDataFrame([], "record_id string, survivor_id string")
    linkage = None
    if dedupe:
        split.clean, merged, linkage = _merge_duplicates(split.clean, suite, run.spark)
    counts = _write_clean_outputs(split, merged, paths, run.spark)
    opts = {"show_values": show_values, "dataset": dataset, "dedupe": dedupe, "paths": paths}
    before, after = _clean_cards(split, suite, run, counts, opts)
    split.records.unpersist()
    split.layout.sdf.unpersist()
    for stage_name, card in {"before": before, "after": after}.items():
        for fmt, p in write_scorecard(card, out, tuple(formats), prefix=f"{stage_name}_").items():
            paths[f"{stage_name}_{fmt}"] = p
    read = {k: run.spark.read.parquet(str(paths[k])) for k in ("clean", "quarantine", "audit", "merged")}
    result = _spark_clean_result_cls()(
        **read,
        before=before,
        after=after,
        rows_in=split.layout.rows,
        timings={"total": time.perf_counter() - t0},
        linkage=linkage,
        counts=counts,
        paths=paths,
    )
    if not result.accounted:  # never silently lose rows
        raise AssertionError(f"row accounting failed: {result.summary()}")
    (out / "summary.json").write_text(json.dumps({**result.summary(), "engine": "spark"}, indent=2), encoding="utf-8")
    paths["summary"] = out / "summary.json"
    return result


def _merge_duplicates(clean_sdf: Any, suite: Any, spark: Any) -> tuple[Any, Any, Any]:
    """:func:`dataclean.jobs.stages.merge_duplicates` on Spark: each cluster of duplicate records
    becomes its survivor with the golden record's values; the others are listed as merged."""
    from pyspark.sql import functions as F

    from dataclean.linkage.config import LinkageConfig

    config = LinkageConfig.from_dict(suite.dedupe or {}, source=suite.path)
    id_col = config.id_column
    result = spark_dedupe(clean_sdf.drop(ROW), config, spark=spark)
    golden = result.golden_records
    keep = [c for c in clean_sdf.columns if c in golden.columns and c not in (id_col, ROW)]
    g = golden.select(
        "cluster_id",
        F.col("survivor_id").cast("string").alias("__dc_survivor"),
        *[_q(c).alias(f"__dc_g_{c}") for c in keep],
    )
    clusters = result.clusters.select(_q(id_col).cast("string").alias("__dc_id"), "cluster_id")
    j = (
        clean_sdf.withColumn("__dc_id", _q(id_col).cast("string"))
        .join(clusters, "__dc_id", "left")
        .join(g, "cluster_id", "left")
        .withColumn("__dc_survivor", F.coalesce("__dc_survivor", "__dc_id"))
    )
    is_survivor = F.col("__dc_survivor") == F.col("__dc_id")
    merged = j.filter(~is_survivor).select(
        F.col("__dc_id").alias("record_id"), F.col("__dc_survivor").alias("survivor_id")
    )
    cols = [F.coalesce(F.col(f"__dc_g_{c}"), _q(c)).alias(c) if c in keep else _q(c) for c in clean_sdf.columns]
    survivors = j.filter(is_survivor).select(*cols)
    return survivors, merged, result
