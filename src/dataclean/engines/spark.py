"""The Spark engine: validate, clean, dedupe and link a pyspark DataFrame on a SparkSession.

Design (the same answers as the pandas engine, computed on the executors):

* **Session** (:func:`get_session`): a session the caller passes, or the active one, is used as
  it is (never restarted, never reconfigured). Only when there is none does dataclean build a
  local one with the settings splink and Arrow need (the similarity jar from the splink wheel,
  a checkpoint folder, ``PYSPARK_PYTHON``, Arrow without silent fallback, few shuffle
  partitions, no UI).
* **Standardise** (``mapInPandas``): each Arrow batch goes through the field modules'
  ``standardise_series``, the same code as the pandas engine; per column the checked value
  (canonical where valid, raw where not), canonical value, status and reason travel as columns.
* **Check** (``mapInPandas``): each partition runs the suite's row-level expectations through
  great-expectations' pandas engine on its rows, exactly as :func:`dataclean.validate` does on a
  whole frame, and emits per-expectation counts, masked examples, reason counts and one row per
  failure. Counts add up across partitions; uniqueness is decided over the whole DataFrame by
  Spark on the standardised values. Failures are written as Parquet, never collected.
* **Linkage**: records are prepared in ``mapInPandas`` with the same field functions, registered
  with splink's Spark API as Spark DataFrames, clustered with splink's Spark connected components
  after the chaining guards are applied as Spark filters and joins, and golden records are
  chosen with window functions. Outputs are Parquet datasets named as the DuckDB engine's files.

Nothing proportional to the data is collected to the driver: only per-partition counts, at most
five masked examples per expectation, and small summaries.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dataclean.engines import is_spark_dataframe, is_spark_session
from dataclean.exceptions import BackendUnavailable, ConfigError, DataFileError

log = logging.getLogger(__name__)

ROW = "__dc_row"
_PID = "__dc_pid"
_POS = "__dc_pos"
_REC = "__dc_rec"
_STD_PREFIXES = ("__dc_chk_", "__dc_val_", "__dc_st_", "__dc_rs_")

#: Settings of a session dataclean builds itself (see shared notes on local Spark); a caller's
#: ``conf`` overrides any of them.
DEFAULT_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
    "spark.driver.memory": "2g",
    "spark.sql.session.timeZone": "UTC",
}

#: GX map expectations whose answer for a row depends on other rows (not run per partition).
_NATIVE_GLOBAL = frozenset({"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"})
_NON_LOCAL_METRICS = frozenset(
    {
        "column_values.unique",
        "compound_columns.unique",
        "column_values.increasing",
        "column_values.decreasing",
        "column_values.z_score.under_threshold",
        "column_values.not_outliers",
    }
)


def _pyspark() -> Any:
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise BackendUnavailable("the Spark engine needs pyspark: pip install 'dataclean[spark]'") from exc
    return SparkSession


# ---------------------------------------------------------------------------------------------
# session
# ---------------------------------------------------------------------------------------------

_OWN_WORKDIR: str | None = None


def similarity_jar() -> str:
    """Path of splink's Spark similarity UDF jar (shipped in the splink wheel; no download)."""
    from splink.backends.spark import similarity_jar_location

    return str(similarity_jar_location())


def parse_conf(items: Sequence[str] | None) -> dict[str, str]:
    """``["KEY=VALUE", ...]`` (the CLI's ``--spark-conf``) as a dict; ConfigError on a bad item."""
    out: dict[str, str] = {}
    for item in items or ():
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--spark-conf {item!r}: expected KEY=VALUE, e.g. spark.sql.shuffle.partitions=8")
        out[key.strip()] = value.strip()
    return out


def get_session(
    spark: Any = None,
    *,
    master: str | None = None,
    conf: Mapping[str, str] | None = None,
    app_name: str = "dataclean",
) -> Any:
    """The SparkSession to run on.

    ``spark`` (a session the caller built) or, failing that, the active session is returned
    untouched: dataclean never stops, restarts or reconfigures a session it did not build. With
    neither, a session is built on ``master`` (default ``local[*]``) with :data:`DEFAULT_CONF`,
    the similarity jar, a temporary checkpoint folder and ``PYSPARK_PYTHON`` set to this
    interpreter; ``conf`` overrides the defaults.
    """
    global _OWN_WORKDIR
    SparkSession = _pyspark()
    if spark is not None:
        if not is_spark_session(spark):
            raise ConfigError(f"spark must be a pyspark SparkSession, not {type(spark).__name__}")
        return spark
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    workdir = tempfile.mkdtemp(prefix="dataclean-spark-")
    settings = {**DEFAULT_CONF, "spark.sql.warehouse.dir": str(Path(workdir) / "warehouse")}
    try:
        settings["spark.jars"] = similarity_jar()
    except ImportError:  # pragma: no cover - splink is a dependency
        log.warning("splink's similarity jar not found; Spark linkage will not have jaro_winkler")
    settings.update(dict(conf or {}))
    builder = SparkSession.builder.master(master or "local[*]").appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(Path(workdir) / "checkpoints"))
    _OWN_WORKDIR = workdir
    log.info("started a Spark session on %s", master or "local[*]")
    return session


def work_dir(spark: Any) -> str:
    """A folder for intermediate Parquet: the session's checkpoint folder if it has one."""
    try:
        ckpt = spark.sparkContext.getCheckpointDir()
    except Exception:  # Spark Connect has no SparkContext
        ckpt = None
    if ckpt and str(ckpt).startswith("file:"):
        # a local checkpoint folder (Spark gives it as a URI); remote ones (hdfs:, dbfs:, s3:) are
        # not usable for the small JSON files written next to the datasets: use a local folder
        from urllib.parse import urlparse

        return urlparse(str(ckpt)).path
    global _OWN_WORKDIR
    if _OWN_WORKDIR is None:
        _OWN_WORKDIR = tempfile.mkdtemp(prefix="dataclean-spark-")
    return _OWN_WORKDIR


# ---------------------------------------------------------------------------------------------
# reading and converting
# ---------------------------------------------------------------------------------------------


def read_table(
    spark: Any,
    path: str | Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> Any:
    """Read a CSV/TSV, Parquet (file or dataset folder) or Excel file into a Spark DataFrame,
    with the same values as :func:`dataclean.io.read_table`: delimited text as strings, blank
    cells null, the delimiter sniffed, UTF-8 falling back to Windows-1252."""
    from dataclean import io

    p = Path(path)
    if p.is_dir() and (any(p.glob("*.parquet")) or (p / "_SUCCESS").exists()):
        return spark.read.parquet(str(p))
    fmt = io.sniff_format(p)
    io._check_file(p)
    if fmt == "parquet":
        return spark.read.parquet(str(p))
    compression = io.split_suffix(p)[1]
    if fmt == "excel" or compression is not None:
        # Excel and compressed text are read by the in-memory reader and handed to Spark
        return from_pandas(spark, io.read_table(p, sheet=sheet, delimiter=delimiter, encoding=encoding))
    # the in-memory reader's own decisions: encoding, delimiter, trimmed and completed header names
    plan = io._plan_csv(io._resolve(p, "csv"), encoding, delimiter)
    enc = plan.encoding
    if enc.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        enc = "UTF-8"
    elif enc.lower() in ("windows-1252", "cp1252"):
        enc = "windows-1252"
    elif enc.lower().startswith("utf-16"):
        return from_pandas(spark, io.read_table(p, delimiter=delimiter, encoding=encoding))
    header, sep = plan.names, plan.sep
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(f"_c{i}", StringType(), True) for i in range(len(header))])
    sdf = (
        spark.read.option("header", "true")
        .option("sep", sep)
        .option("encoding", enc)
        .option("quote", '"')
        .option("escape", '"')
        .option("mode", "FAILFAST")
        .schema(schema)
        .csv(str(p))
    )
    # blank cells are missing (as pandas' na_values=[""]); names from the header as Python read it
    return sdf.select(
        *[F.when(F.col(f"_c{i}") == "", None).otherwise(F.col(f"_c{i}")).alias(name) for i, name in enumerate(header)]
    )


def spark_schema_for(df: pd.DataFrame) -> Any:
    """A Spark schema for a pandas frame: text (string, object, category) as strings, numbers,
    booleans and datetimes as their Spark types. Never guessed from values, so an all-missing
    column is no problem (pyspark's own inference fails on it: CANNOT_DETERMINE_TYPE)."""
    from pyspark.sql import types as T

    fields = []
    for name, dtype in df.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype):
            t: Any = T.BooleanType()
        elif pd.api.types.is_integer_dtype(dtype):
            t = T.LongType()
        elif pd.api.types.is_float_dtype(dtype):
            t = T.DoubleType()
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            t = T.TimestampType()
        else:
            t = T.StringType()
        fields.append(T.StructField(str(name), t, True))
    return T.StructType(fields)


def from_pandas(spark: Any, df: pd.DataFrame) -> Any:
    """A Spark DataFrame from a pandas frame with an explicit schema (see :func:`spark_schema_for`).

    Text columns go over as strings with missing values as nulls (never the string ``'nan'``)."""
    schema = spark_schema_for(df)
    out = df.reset_index(drop=True).copy()
    for f in schema.fields:
        if f.dataType.typeName() == "string":
            col = out[f.name]
            text = col.astype("string") if not isinstance(col.dtype, pd.StringDtype) else col
            out[f.name] = text.astype(object).where(text.notna(), None)
        elif f.dataType.typeName() in ("long", "boolean") and out[f.name].isna().any():
            out[f.name] = out[f.name].astype(object).where(out[f.name].notna(), None)
    return spark.createDataFrame(out, schema=schema)


def _string_columns(sdf: Any) -> set[str]:
    return {f.name for f in sdf.schema.fields if f.dataType.typeName() == "string"}


def _to_pandas_types(batch: pd.DataFrame, string_cols: set[str]) -> pd.DataFrame:
    """Arrow batches give text as object columns; the pandas engine reads text as ``string``."""
    out = batch.copy(deep=False)
    for c in out.columns:
        if c in string_cols and not isinstance(out[c].dtype, pd.StringDtype):
            out[c] = out[c].astype("string")
    return out


def _plain(frame: pd.DataFrame, integer_cols: set[str] = frozenset()) -> pd.DataFrame:
    """Columns as plain Python objects (int or str, None for missing) for Arrow: the schema, not
    pandas' inference, decides their Spark types."""
    out = {}
    for c in frame.columns:
        values = frame[c]
        if c in integer_cols:
            ints = pd.Series(pd.array(values, dtype="Int64"), index=frame.index)
            out[c] = ints.astype(object).where(ints.notna(), None)
        else:
            out[c] = values.astype(object).where(values.notna(), None)
    return pd.DataFrame(out, index=frame.index)


def _iter_partition(iterator: Iterator[pd.DataFrame]) -> pd.DataFrame | None:
    frames = [b for b in iterator if len(b)]
    if not frames:
        return None
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# stage 1: standardise (mapInPandas) and number the rows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Standardised:
    """A Spark DataFrame holding the raw columns, a row number and per standardised column its
    checked value, canonical value, status and reason (``__dc_chk_<i>`` ... ``__dc_rs_<i>``)."""

    sdf: Any
    columns: tuple[str, ...]  # the input's columns, in order
    std: tuple[str, ...]  # the standardised columns (i is their position here)
    string_cols: frozenset[str]
    rows: int = 0  # number of rows (known from numbering them)

    def raw(self) -> Any:
        return self.sdf.select(ROW, *[_q(c) for c in self.columns])

    def checked(self) -> Any:
        from pyspark.sql import functions as F

        pos = {c: i for i, c in enumerate(self.std)}
        cols = [F.col(f"__dc_chk_{pos[c]}").alias(c) if c in pos else _q(c) for c in self.columns]
        return self.sdf.select(ROW, *cols)


def _q(name: str) -> Any:
    from pyspark.sql import functions as F

    return F.col(f"`{name.replace('`', '``')}`")


def _standardise_batches(
    iterator: Iterator[pd.DataFrame], std: tuple[str, ...], kinds: dict[str, str], ref: str | None, strings: set[str]
) -> Iterator[pd.DataFrame]:
    from pyspark import TaskContext

    from dataclean import registry

    ctx = TaskContext.get()
    pid = ctx.partitionId() if ctx is not None else 0
    pos = 0
    for batch in iterator:
        raw = _to_pandas_types(batch, strings)
        out = batch.copy(deep=False)
        for i, col in enumerate(std):
            module = registry.get(kinds[col])
            if kinds[col] == "date_of_birth" and ref is not None:
                res = module.standardise_series(raw[col], reference_date=_dt.date.fromisoformat(ref))
            else:
                res = module.standardise_series(raw[col])
            text = raw[col] if isinstance(raw[col].dtype, pd.StringDtype) else raw[col].astype("string")
            out[f"__dc_chk_{i}"] = res.value.where(res.valid, text).astype(object).where(lambda s: s.notna(), None)
            out[f"__dc_val_{i}"] = res.value.astype(object).where(res.value.notna(), None)
            out[f"__dc_st_{i}"] = res.status.astype(str)
            out[f"__dc_rs_{i}"] = res.reason.astype(object).where(res.reason.notna(), None)
        out[_PID] = pid
        out[_POS] = np.arange(pos, pos + len(batch), dtype=np.int64)
        pos += len(batch)
        yield out


def standardise(sdf: Any, suite: Any) -> _Standardised:
    """Stage 1: standardise the suite's columns on the executors and number the rows (0..n-1 in
    the DataFrame's order, as the pandas engine's positions). The result is persisted."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    columns = tuple(sdf.columns)
    if ROW in columns or any(c.startswith("__dc_") for c in columns):
        raise DataFileError("the data has columns starting with '__dc_', which dataclean reserves; rename them")
    std = tuple(c for c in suite.standardise if suite.columns[c].kind and c in columns)
    kinds = {c: suite.columns[c].kind for c in std}
    ref = suite.reference_date.isoformat() if suite.reference_date else None
    strings = _string_columns(sdf)
    fields = list(sdf.schema.fields)
    for i in range(len(std)):
        fields += [T.StructField(f"{p}{i}", T.StringType(), True) for p in _STD_PREFIXES]
    fields += [T.StructField(_PID, T.IntegerType(), False), T.StructField(_POS, T.LongType(), False)]
    schema = T.StructType(fields)

    def run(iterator: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        return _standardise_batches(iterator, std, kinds, ref, strings)

    staged = sdf.mapInPandas(run, schema).persist(StorageLevel.MEMORY_AND_DISK)
    sizes = {int(r[0]): int(r[1]) for r in staged.groupBy(_PID).count().collect()}
    n_parts = max(sizes) + 1 if sizes else 1
    offsets = np.concatenate([[0], np.cumsum([sizes.get(p, 0) for p in range(n_parts)])])[:-1]
    offset = F.element_at(F.array(*[F.lit(int(o)) for o in offsets]), F.col(_PID) + 1)
    numbered = staged.select((offset + F.col(_POS)).alias(ROW), *[c for c in staged.columns if c not in (_PID, _POS)])
    return _Standardised(numbered, columns, std, frozenset(strings), int(sum(sizes.values())))


# ---------------------------------------------------------------------------------------------
# stage 2: check (mapInPandas running the suite's row-level expectations per partition)
# ---------------------------------------------------------------------------------------------


def _is_row_local(etype: str) -> bool:
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )
    from great_expectations.expectations.registry import get_expectation_impl

    from dataclean.gx import ensure_registered

    ensure_registered()
    cls = get_expectation_impl(etype)
    if not issubclass(cls, ColumnMapExpectation | ColumnPairMapExpectation | MulticolumnMapExpectation):
        return False
    return getattr(cls, "map_metric", None) not in _NON_LOCAL_METRICS


def split_suite(suite: Any) -> tuple[Any, tuple[Any, ...]]:
    """(the suite restricted to row-level expectations, the uniqueness expectations Spark decides
    over the whole DataFrame). ConfigError naming any expectation the Spark engine cannot run."""
    local, native, unsupported = [], [], []
    for e in suite.expectations:
        if e.type in _NATIVE_GLOBAL:
            native.append(e)
        elif _is_row_local(e.type):
            local.append(e)
        else:
            unsupported.append(e)
    if unsupported:
        names = ", ".join(f"{e.key} ({e.type})" for e in unsupported)
        raise ConfigError(
            f"the Spark engine cannot run {names} yet: it evaluates row-level expectations and "
            "uniqueness. Run this suite with --engine pandas, or remove those expectations.",
            source=suite.path,
        )
    return replace(suite, expectations=tuple(local)), tuple(native)


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
    from dataclean.gx import validate_frame_by_columns
    from dataclean.gx.expectations import precomputed
    from dataclean.scorecard.build import _score_results

    if not local.expectations:
        return [], None
    with precomputed(cache):
        gx_results = validate_frame_by_columns(
            frame, local.to_gx(), result_format={"result_format": "COMPLETE", "partial_unexpected_count": 20}
        )
    return _score_results(gx_results, local, frame, raw, show_values=show_values)


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
        from dataclean.pipeline import _audit, _ids, _quarantine_mask

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

    return layout.sdf.mapInPandas(run, _score_schema()).persist(StorageLevel.MEMORY_AND_DISK)


# ---------------------------------------------------------------------------------------------
# combining per-partition scores; uniqueness over the whole DataFrame
# ---------------------------------------------------------------------------------------------


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
    """ExpectationScores from per-partition score records (same arithmetic as GX on one frame)."""
    from dataclean.scorecard.build import map_score
    from dataclean.scorecard.model import ExpectationScore

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
        score, success = map_score(element, missing, unexpected, spec.kwargs.get("mostly"))
        if error:
            score, success = 0.0, False
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
                success=bool(success),
                mostly=spec.kwargs.get("mostly"),
                examples=tuple(examples),
                reasons=dict(reasons),
                error=error,
                description=spec.description,
            )
        )
    return scores


# ---------------------------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------------------------


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
    from dataclean.pipeline import CleanResult

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
    from dataclean.scorecard.build import FAILURE_COLUMNS, build_scorecard

    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    suite_in = suite
    suite = _prepare_suite(suite, reference_date)
    if not is_spark_dataframe(data):
        spark = get_session(spark)
        if isinstance(data, pd.DataFrame):
            data = from_pandas(spark, data)
        else:
            dataset = dataset or Path(data).name
            data = read_table(spark, data)
    spark = get_session(spark if spark is not None else data.sparkSession)
    dataset = dataset or suite.name
    _check_suite_columns(data, suite, dataset)
    layout = standardise(data, suite)
    timings["standardise"] = time.perf_counter() - t0

    t = time.perf_counter()
    _, native = split_suite(suite)
    records = check(layout, suite, "validate", show_values=show_values)
    score_rows = records.filter(records[_REC] == "score").collect()
    unique, unique_failures = _unique_on_spark(layout.checked(), native, show_values)
    scores = _combine(score_rows, suite, "validate", unique)
    timings["checks"] = time.perf_counter() - t

    path = str(failures_path or Path(work_dir(spark)) / f"dataclean-failures-{uuid.uuid4().hex[:12]}")
    from pyspark.sql import functions as F

    row_failures = records.filter(F.col(_REC) == "failure").select(*FAILURE_COLUMNS)
    frames = [row_failures, *_unique_failures(unique_failures, suite.id_column)]
    failures = frames[0]
    for f in frames[1:]:
        failures = failures.unionByName(f)
    failures.write.mode("overwrite").parquet(path)
    records.unpersist()
    for _, dups in unique_failures:
        dups.unpersist()

    duplicates = None
    if suite.dedupe is not None and (dedupe is None or dedupe):
        t = time.perf_counter()
        duplicates = _duplicate_persons(data, suite, spark)
        scores.append(duplicates)
        timings["dedupe"] = time.perf_counter() - t
    rows = layout.rows
    layout.sdf.unpersist()
    timings["total"] = time.perf_counter() - t0
    card = build_scorecard(
        scores, suite, row_count=rows, dataset=dataset, stage=stage, duplicates=duplicates, timings=timings
    )
    del suite_in
    log.info("validated %d rows on Spark against suite %s: score %s", rows, suite.name, card.overall_score)
    return SparkValidationReport(card, spark.read.parquet(path), path, data, timings)


def _duplicate_persons(sdf: Any, suite: Any, spark: Any) -> Any:
    """The suite's dedupe block on Spark, scored under uniqueness (as the pandas engine does)."""
    from dataclean.linkage.config import LinkageConfig
    from dataclean.scorecard.build import duplicate_persons_score

    config = LinkageConfig.from_dict(suite.dedupe or {}, source=suite.path)
    return duplicate_persons_score(dedupe(sdf, config, spark=spark).summary())


# ---------------------------------------------------------------------------------------------
# clean
# ---------------------------------------------------------------------------------------------


def _check_quarantine_is_row_level(suite: Any) -> None:
    from dataclean.pipeline import QUARANTINE_DIMENSIONS

    for e in suite.expectations:
        if e.type in _NATIVE_GLOBAL and e.severity == "critical" and e.dimension in QUARANTINE_DIMENSIONS:
            raise ConfigError(
                f"expectation {e.key} ({e.type}) is critical and scored as {e.dimension}, so it would "
                "quarantine rows; the Spark engine quarantines on row-level checks only. Score it "
                "under uniqueness (dimension: uniqueness) or run clean with --engine pandas.",
                source=suite.path,
            )


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
    from pyspark.sql import functions as F

    from dataclean.pipeline import AUDIT_COLUMNS
    from dataclean.scorecard.build import build_scorecard
    from dataclean.scorecard.render import write_scorecard

    t0 = time.perf_counter()
    suite = _prepare_suite(suite, reference_date)
    _check_quarantine_is_row_level(suite)
    if not is_spark_dataframe(data):
        spark = get_session(spark)
        if isinstance(data, pd.DataFrame):
            data = from_pandas(spark, data)
        else:
            dataset = dataset or Path(data).name
            source_name = source_name or Path(data).stem
            data = read_table(spark, data)
    spark = get_session(spark if spark is not None else data.sparkSession)
    dataset = dataset or suite.name
    stem = source_name or dataset.rsplit(".", 1)[0]
    _check_suite_columns(data, suite, dataset)
    out = Path(output) if output is not None else Path(work_dir(spark)) / f"dataclean-clean-{uuid.uuid4().hex[:12]}"
    out.mkdir(parents=True, exist_ok=True)

    layout = standardise(data, suite)
    _, native = split_suite(suite)
    records = check(layout, suite, "clean", show_values=show_values)
    score_rows = records.filter(F.col(_REC) == "score").collect()
    quarantined = records.filter(F.col(_REC) == "quarantine").select(
        F.col("row").cast("long").alias(ROW), F.col("reason").alias("quarantine_reasons")
    )
    flagged = layout.sdf.join(quarantined, ROW, "left")
    is_q = F.col("quarantine_reasons").isNotNull()
    pos = {c: i for i, c in enumerate(layout.std)}
    checked_cols = [F.col(f"__dc_chk_{pos[c]}").alias(c) if c in pos else _q(c) for c in layout.columns]
    clean_sdf = flagged.filter(~is_q).select(ROW, *checked_cols)

    before_u, before_f = _unique_on_spark(layout.raw(), native, show_values)
    after_u, after_f = _unique_on_spark(clean_sdf, native, show_values)
    before = build_scorecard(
        _combine(score_rows, suite, "before", before_u), suite, row_count=0, dataset=dataset, stage="before"
    )
    paths = {
        "clean": out / f"{stem}.clean.parquet",
        "quarantine": out / f"{stem}.quarantine.parquet",
        "audit": out / "audit.parquet",
        "merged": out / "merged.parquet",
    }
    merged_sdf = spark.createDataFrame([], "record_id string, survivor_id string")
    linkage = None
    if dedupe:
        if suite.dedupe is None:
            raise ConfigError(f"suite {suite.name!r} has no 'dedupe:' block, so --dedupe cannot run", source=suite.path)
        clean_sdf, merged_sdf, linkage = _merge_duplicates(clean_sdf, suite, spark)
    clean_sdf.orderBy(ROW).drop(ROW).write.mode("overwrite").parquet(str(paths["clean"]))
    (
        flagged.filter(is_q)
        .orderBy(ROW)
        .select(*[_q(c) for c in layout.columns], "quarantine_reasons")
        .write.mode("overwrite")
        .parquet(str(paths["quarantine"]))
    )
    records.filter(F.col(_REC) == "audit").select(*AUDIT_COLUMNS).write.mode("overwrite").parquet(str(paths["audit"]))
    merged_sdf.write.mode("overwrite").parquet(str(paths["merged"]))
    rows_in = layout.rows
    counts = {
        "rows_clean": int(spark.read.parquet(str(paths["clean"])).count()),
        "rows_quarantined": int(spark.read.parquet(str(paths["quarantine"])).count()),
        "rows_merged": int(spark.read.parquet(str(paths["merged"])).count()),
        "cells_changed": int(spark.read.parquet(str(paths["audit"])).count()),
    }
    if dedupe:
        after_frame = spark.read.parquet(str(paths["clean"]))
        after = validate(
            after_frame, suite, spark=spark, show_values=show_values, dedupe=False, stage="after", dataset=dataset
        ).scorecard
    else:
        after_scores = _combine(score_rows, suite, "after", after_u)
        after = build_scorecard(after_scores, suite, row_count=counts["rows_clean"], dataset=dataset, stage="after")
    before = replace(before, row_count=rows_in)
    records.unpersist()
    for _, d in (*before_f, *after_f):
        d.unpersist()
    layout.sdf.unpersist()

    cards = {"before": before, "after": after}
    for stage_name, card in cards.items():
        for fmt, p in write_scorecard(card, out, tuple(formats), prefix=f"{stage_name}_").items():
            paths[f"{stage_name}_{fmt}"] = p
    result = _spark_clean_result_cls()(
        clean=spark.read.parquet(str(paths["clean"])),
        quarantine=spark.read.parquet(str(paths["quarantine"])),
        audit=spark.read.parquet(str(paths["audit"])),
        before=before,
        after=after,
        merged=spark.read.parquet(str(paths["merged"])),
        rows_in=rows_in,
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


# ---------------------------------------------------------------------------------------------
# linkage: dedupe / link on Spark
# ---------------------------------------------------------------------------------------------


def _prepared_schema() -> Any:
    from pyspark.sql import types as T

    from dataclean.linkage.prepare import FEATURES

    names = ["unique_id", *FEATURES, "claim_id", "property_id", "last_updated", "source"]
    return T.StructType([T.StructField(n, T.StringType(), True) for n in names])


def _prepare_batches(
    iterator: Iterator[pd.DataFrame], config: Any, source: str | None, prefix: str | None, strings: set[str]
) -> Iterator[pd.DataFrame]:
    from dataclean.linkage.prepare import prepare

    names = [f.name for f in _prepared_schema().fields]
    for batch in iterator:
        p = prepare(_to_pandas_types(batch, strings), config, source=source)
        if prefix is not None:
            p["unique_id"] = prefix + ":" + p["unique_id"]
        yield _plain(p[names])


def _source_id_column(sdf: Any, config: Any) -> str:
    """The id column's name in the data (``resolve_column`` tolerates stray spaces in headers)."""
    from dataclean.linkage import prepare as prep

    resolve = getattr(prep, "resolve_column", None)
    found = resolve(pd.DataFrame(columns=list(sdf.columns)), config.id_column) if resolve else None
    return found or config.id_column


def check_input_spark(sdf: Any, config: Any, *, name: str = "data", partial: bool = False) -> None:
    """:func:`dataclean.linkage.prepare.check_input` as one Spark aggregation (no rows collected)."""
    from pyspark.sql import functions as F

    from dataclean.linkage import prepare as prep

    # the column checks are the in-memory engine's own, on the schema alone (an empty frame)
    prep.check_input(pd.DataFrame(columns=list(sdf.columns)), config, name=name, partial=partial)
    id_column = _source_id_column(sdf, config)

    def columns_of(value: Any) -> list[str]:
        names = [value] if isinstance(value, str) else list(value or [])
        return [c for c in names if isinstance(c, str) and c in sdf.columns]

    roles = [(r, columns_of(c)) for r, c in config.columns.items() if r in prep.ROLE_FEATURES and columns_of(c)]
    ident = _q(id_column)
    populated = [sum((F.count(_q(c)) for c in cols), F.lit(0)) for _, cols in roles]
    aggs = [
        F.count(F.lit(1)).alias("n"),
        F.count(ident).alias("ids"),
        F.countDistinct(ident.cast("string")).alias("distinct_ids"),
        *[p.alias(f"role_{i}") for i, p in enumerate(populated)],
    ]
    row = sdf.agg(*aggs).collect()[0]
    if row["ids"] < row["n"]:
        raise DataFileError(
            f"{name}: {row['n'] - row['ids']} rows have no {config.id_column!r}; every record needs an id"
        )
    if row["distinct_ids"] < row["ids"]:
        raise DataFileError(
            f"{name}: {row['ids'] - row['distinct_ids']} duplicate values in the id column {config.id_column!r}; "
            "ids must be unique within a file"
        )
    usable = [r for i, (r, _) in enumerate(roles) if row[f"role_{i}"] > 0]
    if len(usable) < 2 and row["n"] > 1:
        raise ConfigError(
            f"{name}: linkage needs at least two populated identifying columns (roles); configured: "
            f"{', '.join(config.columns) or 'none'}"
        )


def prepare_spark(sdf: Any, config: Any, *, source: str | None = None, prefix: str | None = None) -> Any:
    """Linkage preparation (:func:`dataclean.linkage.prepare.prepare`) in ``mapInPandas``."""
    strings = _string_columns(sdf)

    def run(iterator: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        return _prepare_batches(iterator, config, source, prefix, strings)

    return sdf.mapInPandas(run, _prepared_schema())


def splink_api(spark: Any) -> Any:
    """splink's Spark API on this session, registered with the similarity functions.

    Lineage is broken with Parquet under the session's checkpoint folder when it has one, else
    by persisting (a caller's session is not given a checkpoint folder behind its back)."""
    try:
        from splink.backends.spark import SparkAPI
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise BackendUnavailable("Spark linkage needs pyspark: pip install 'dataclean[spark]'") from exc
    jars = spark.conf.get("spark.jars", "") or ""
    if "similarity" not in jars:
        raise ConfigError(
            "this SparkSession lacks splink's similarity jar (jaro_winkler and friends); start it with "
            f"spark.jars={similarity_jar()} (the jar ships in the splink wheel), or let dataclean build the session"
        )
    try:
        has_ckpt = bool(spark.sparkContext.getCheckpointDir())
    except Exception:
        has_ckpt = False
    parts = max(2, int(spark.conf.get("spark.sql.shuffle.partitions", "4") or 4))
    return SparkAPI(
        spark_session=spark,
        num_partitions_on_repartition=parts,
        break_lineage_method=None if has_ckpt else "persist",
    )


def to_spark_sql(sql: str) -> str:
    """Raw splink SQL written for DuckDB (double-quoted names, ``jaro_winkler_similarity``) in
    Spark's dialect. Under Spark a double-quoted name is a string literal, so untranslated
    DuckDB conditions would silently compare constants."""
    import re

    import sqlglot

    if not isinstance(sql, str) or sql.strip().upper() == "ELSE":
        return sql
    try:
        out = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    except Exception:  # leave SQL sqlglot cannot parse to splink, which reports it
        return sql
    return re.sub(r"\bJAROWINKLER_SIMILARITY\s*\(", "jaro_winkler(", out, flags=re.IGNORECASE)


def spark_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of splink settings with every raw SQL string (comparison levels, blocking rules)
    translated by :func:`to_spark_sql`; comparison and rule *objects* (splink's libraries, which
    know their dialect) are left as they are."""
    out = dict(settings)
    if out.get("sql_dialect") not in (None, "spark"):
        out["sql_dialect"] = "spark"
    comps = []
    for comp in out.get("comparisons", []):
        if isinstance(comp, Mapping) and "comparison_levels" in comp:
            levels = []
            for lv in comp["comparison_levels"]:
                if isinstance(lv, Mapping) and isinstance(lv.get("sql_condition"), str):
                    lv = {**lv, "sql_condition": to_spark_sql(lv["sql_condition"])}
                levels.append(lv)
            comp = {**comp, "comparison_levels": levels}
        comps.append(comp)
    if "comparisons" in out:
        out["comparisons"] = comps
    rules = []
    for rule in out.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, str):
            rule = to_spark_sql(rule)
        elif isinstance(rule, Mapping) and isinstance(rule.get("blocking_rule"), str):
            rule = {**rule, "blocking_rule": to_spark_sql(rule["blocking_rule"])}
            rule.pop("sql_dialect", None)
        rules.append(rule)
    if "blocking_rules_to_generate_predictions" in out:
        out["blocking_rules_to_generate_predictions"] = rules
    return out


class _SparkTraining:
    """``linker.training`` for :func:`dataclean.linkage.api._train` on Spark: raw SQL rules are
    translated to Spark's dialect and u is sampled in one chunk (each chunk costs Spark jobs)."""

    def __init__(self, training: Any) -> None:
        self._training = training

    def estimate_probability_two_random_records_match(self, rules: Any, *args: Any, **kwargs: Any) -> Any:
        rules = [to_spark_sql(r) if isinstance(r, str) else r for r in rules]
        return self._training.estimate_probability_two_random_records_match(rules, *args, **kwargs)

    def estimate_u_using_random_sampling(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("num_chunks", 1)
        return self._training.estimate_u_using_random_sampling(*args, **kwargs)

    def estimate_parameters_using_expectation_maximisation(self, rule: Any, *args: Any, **kwargs: Any) -> Any:
        rule = to_spark_sql(rule) if isinstance(rule, str) else rule
        return self._training.estimate_parameters_using_expectation_maximisation(rule, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._training, name)


class _SparkLinker:
    """A splink Linker whose ``training`` is :class:`_SparkTraining` (everything else as is)."""

    def __init__(self, linker: Any) -> None:
        self._linker = linker
        self.training = _SparkTraining(linker.training)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._linker, name)


def _readable_pairs_spark(predictions: Any, model: Mapping[str, Any]) -> Any:
    from pyspark.sql import functions as F

    cols = [
        F.col("unique_id_l").cast("string").alias("unique_id_l"),
        F.col("unique_id_r").cast("string").alias("unique_id_r"),
        (F.col("source_l") if "source_l" in predictions.columns else F.lit(None).cast("string")).alias("source_l"),
        (F.col("source_r") if "source_r" in predictions.columns else F.lit(None).cast("string")).alias("source_r"),
        F.col("match_probability").cast("double").alias("match_probability"),
        F.col("match_weight").cast("double").alias("match_weight"),
    ]
    for comp in model["comparisons"]:
        name = comp["output_column_name"]
        gamma = f"gamma_{name}"
        if gamma not in predictions.columns:
            continue
        non_null = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        label = F.when(F.col(gamma) == -1, F.lit("null"))
        for i, lv in enumerate(non_null):
            label = label.when(F.col(gamma) == len(non_null) - 1 - i, F.lit(lv.get("label_for_charts", "")))
        cols.append(label.alias(name))
        if f"bf_{name}" in predictions.columns:
            cols.append(F.round(F.col(f"bf_{name}").cast("double"), 4).alias(f"{name}_bayes_factor"))
    return predictions.select(*cols)


def cluster_spark(nodes: Any, pairs: Any, threshold: float, db_api: Any, *, max_rounds: int = 100) -> Any:
    """:func:`dataclean.linkage.api.cluster` distributed: ``unique_id``, ``cluster_id``.

    * pairs whose records hold different valid NHS numbers are dropped (a join and a filter);
    * links at or above :data:`~dataclean.linkage.api.STRONG_LINK` are clustered with splink's
      Spark connected components;
    * weaker links are decided in rounds, as the in-memory greedy pass would decide them in
      order of strength: in each round every group's strongest pending link is settled where it
      is also the strongest for the group at its other end (nothing stronger can change either
      group first). A link joining a lone record is taken; one joining two groups never is.

    The cluster id is the smallest record id in the cluster. ``nodes`` has ``unique_id`` and
    ``nhs``.
    """
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    from dataclean.linkage.api import STRONG_LINK

    nhs = nodes.select(F.col("unique_id").alias("id"), F.coalesce(F.col("nhs"), F.lit("")).alias("nhs"))
    edges = (
        pairs.filter(F.col("match_probability") >= threshold)
        .select("unique_id_l", "unique_id_r", "match_probability")
        .join(nhs.withColumnRenamed("id", "unique_id_l").withColumnRenamed("nhs", "nhs_l"), "unique_id_l", "left")
        .join(nhs.withColumnRenamed("id", "unique_id_r").withColumnRenamed("nhs", "nhs_r"), "unique_id_r", "left")
        .filter(~((F.col("nhs_l") != "") & (F.col("nhs_r") != "") & (F.col("nhs_l") != F.col("nhs_r"))))
        .select("unique_id_l", "unique_id_r", "match_probability")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    strong = edges.filter(F.col("match_probability") >= STRONG_LINK)
    node_ids = nodes.select("unique_id")
    cc = cluster_pairwise_predictions_at_threshold(
        node_ids, strong, db_api, node_id_column_name="unique_id", threshold_match_probability=STRONG_LINK
    ).as_spark_dataframe()
    comp = cc.select(
        F.col("unique_id").cast("string").alias("unique_id"), F.col("cluster_id").cast("string").alias("c")
    )
    comp = comp.persist(StorageLevel.MEMORY_AND_DISK)
    size = comp.groupBy("c").agg(F.count(F.lit(1)).alias("size"))

    weak = edges.filter(F.col("match_probability") < STRONG_LINK)
    # links between components (component ids), strongest first per pair of components
    pending = (
        weak.join(comp.withColumnRenamed("unique_id", "unique_id_l").withColumnRenamed("c", "a"), "unique_id_l")
        .join(comp.withColumnRenamed("unique_id", "unique_id_r").withColumnRenamed("c", "b"), "unique_id_r")
        .filter(F.col("a") != F.col("b"))
        .select(
            F.least("a", "b").alias("a"),
            F.greatest("a", "b").alias("b"),
            F.col("match_probability").alias("p"),
            F.least("unique_id_l", "unique_id_r").alias("t1"),
            F.greatest("unique_id_l", "unique_id_r").alias("t2"),
        )
        .localCheckpoint()
    )
    comp_size = size.localCheckpoint()
    pending = (
        pending.join(comp_size.withColumnRenamed("c", "a").withColumnRenamed("size", "sa"), "a")
        .join(comp_size.withColumnRenamed("c", "b").withColumnRenamed("size", "sb"), "b")
        .filter((F.col("sa") == 1) | (F.col("sb") == 1))
        .select("a", "b", "p", "t1", "t2")
    )
    # component -> the component it was merged into, accumulated over the rounds
    mapping = nodes.sparkSession.createDataFrame([], "c string, m string")
    for _ in range(max_rounds):
        if pending.limit(1).count() == 0:
            break
        # a total order on links: stronger first, then by record ids
        order = [F.col("p").desc(), F.col("t1"), F.col("t2")]
        ends = pending.select(F.col("a").alias("c"), "a", "b", "p", "t1", "t2").unionByName(
            pending.select(F.col("b").alias("c"), "a", "b", "p", "t1", "t2")
        )
        best = ends.withColumn("rank", F.row_number().over(Window.partitionBy("c").orderBy(*order))).filter(
            F.col("rank") == 1
        )
        mutual = best.groupBy("a", "b", "p", "t1", "t2").agg(F.count(F.lit(1)).alias("k")).filter(F.col("k") == 2)
        decided = (
            mutual.join(comp_size.withColumnRenamed("c", "a").withColumnRenamed("size", "sa"), "a")
            .join(comp_size.withColumnRenamed("c", "b").withColumnRenamed("size", "sb"), "b")
            .withColumn("take", (F.col("sa") == 1) | (F.col("sb") == 1))
            .localCheckpoint()
        )
        merges = decided.filter("take").select(
            F.greatest("a", "b").alias("c"), F.least("a", "b").alias("m"), (F.col("sa") + F.col("sb")).alias("size")
        )
        # rename merged components, re-size, and drop links now inside one component or settled
        renamed = merges.select("c", "m")
        mapping = (
            mapping.join(renamed.select(F.col("c").alias("m"), F.col("m").alias("m2")), "m", "left")
            .select("c", F.coalesce("m2", "m").alias("m"))
            .unionByName(renamed)
            .localCheckpoint()
        )

        def relabel(df: Any, col: str, renamed: Any = renamed) -> Any:
            r = renamed.select(F.col("c").alias(col), F.col("m").alias(f"{col}_m"))
            return df.join(r, col, "left").withColumn(col, F.coalesce(F.col(f"{col}_m"), F.col(col))).drop(f"{col}_m")

        settled = decided.select("a", "b", "t1", "t2").withColumn("settled", F.lit(True))
        comp_size = relabel(comp_size, "c").groupBy("c").agg(F.sum("size").alias("size")).localCheckpoint()
        # a link between two groups can never be taken (groups only grow): drop it now
        pending = (
            relabel(relabel(pending.join(settled, ["a", "b", "t1", "t2"], "left_anti"), "a"), "b")
            .filter(F.col("a") != F.col("b"))
            .select(F.least("a", "b").alias("a"), F.greatest("a", "b").alias("b"), "p", "t1", "t2")
            .join(comp_size.withColumnRenamed("c", "a").withColumnRenamed("size", "sa"), "a")
            .join(comp_size.withColumnRenamed("c", "b").withColumnRenamed("size", "sb"), "b")
            .filter((F.col("sa") == 1) | (F.col("sb") == 1))
            .select("a", "b", "p", "t1", "t2")
            .localCheckpoint()
        )
    else:
        log.warning("clustering: weak links still pending after %d rounds were not used", max_rounds)
    final = (
        comp.join(mapping, "c", "left")
        .select("unique_id", F.coalesce("m", "c").alias("c"))
        .withColumn("cluster_id", F.min("unique_id").over(Window.partitionBy("c")))
        .select("unique_id", "cluster_id")
    )
    edges.unpersist()
    return final


def golden_records_spark(originals: Any, prepared: Any, clusters: Any, config: Any) -> Any:
    """:func:`dataclean.linkage.golden.golden_records` with window functions and one aggregation.

    ``originals`` has the id column (``config.id_column``) and the fields; ``prepared`` has
    ``unique_id`` and ``source``; ``clusters`` maps ``unique_id`` to ``cluster_id``. Same
    survivor and per-field choices (and ``<field>__from`` lineage) as the in-memory version."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    id_col = config.id_column
    fields = [c for c in originals.columns if c not in (id_col, "unique_id")]
    updated_col = config.columns.get("last_updated")
    priority = {s: i for i, s in enumerate(config.source_priority)}
    prio_expr = F.lit(len(priority)).cast("double")
    for s_, i in reversed(list(priority.items())):
        prio_expr = F.when(F.col("_source") == s_, F.lit(float(i))).otherwise(prio_expr)
    complete = sum((F.when(_q(f).isNotNull(), 1).otherwise(0) for f in fields), F.lit(0))
    frame = (
        originals.join(prepared.select("unique_id", F.col("source").alias("_source")), "unique_id")
        .join(clusters.select("unique_id", F.col("cluster_id").alias("_cluster")), "unique_id")
        .withColumn("_id", _q(id_col).cast("string"))
        .withColumn("_complete", complete)
        .withColumn(
            "_updated",
            F.coalesce(_q(updated_col).cast("string"), F.lit("<NA>")) if updated_col else F.lit(""),
        )
        .withColumn("_priority", prio_expr)
    )
    by_cluster = Window.partitionBy("_cluster")
    survivor_order = Window.partitionBy("_cluster").orderBy(
        F.col("_complete").desc(), F.col("_updated").desc(), F.col("_priority").asc(), F.col("_id").asc()
    )
    frame = (
        frame.withColumn("_surv", (F.row_number().over(survivor_order) == 1).cast("int"))
        .withColumn("_records", F.count(F.lit(1)).over(by_cluster))
        .withColumn("_upd_rank", F.dense_rank().over(Window.partitionBy("_cluster").orderBy("_updated")))
    )
    aggs = [
        F.max(F.when(F.col("_surv") == 1, F.col("_id"))).alias("survivor_id"),
        F.first("_records").alias("records"),
    ]
    default = config.survivorship.get("default", "most_frequent")
    for i, f in enumerate(fields):
        rule = config.survivorship.get(f, default)
        if rule == "most_frequent":
            frame = frame.withColumn(f"_n{i}", F.count(F.lit(1)).over(Window.partitionBy("_cluster", _q(f))))
            keys = [-F.col(f"_n{i}"), -F.col("_surv"), -F.col("_upd_rank")]
        elif rule == "most_recent":
            keys = [-F.col("_upd_rank"), -F.col("_surv")]
        elif rule == "source_priority":
            keys = [F.col("_priority"), -F.col("_surv")]
        else:  # most_complete: the survivor's value, else the next most complete record's
            keys = [-F.col("_surv")]
        key = F.struct(_q(f).isNull().alias("k0"), *[k.alias(f"k{j + 1}") for j, k in enumerate(keys)], F.col("_id"))
        chosen = F.min_by(F.struct(_q(f).alias("v"), F.col("_id").alias("src")), key)
        aggs.append(chosen.alias(f"_pick{i}"))
    grouped = frame.groupBy(F.col("_cluster").alias("cluster_id")).agg(*aggs)
    cols = [F.col("cluster_id"), F.col("survivor_id"), F.col("survivor_id").alias(id_col), F.col("records")]
    for i, f in enumerate(fields):
        cols.append(F.col(f"_pick{i}.v").alias(f))
        cols.append(F.when(F.col(f"_pick{i}.v").isNotNull(), F.col(f"_pick{i}.src")).alias(f"{f}__from"))
    return grouped.select(*cols)


def _several_spark(joined: Any, column: str, count_name: str, list_name: str) -> Any:
    from pyspark.sql import functions as F

    rows = joined.filter(F.col(column).isNotNull())
    out = rows.groupBy("cluster_id").agg(
        F.countDistinct(column).alias(count_name),
        F.concat_ws("; ", F.array_sort(F.collect_set(column))).alias(list_name),
        F.concat_ws("; ", F.array_sort(F.collect_set("source"))).alias("sources"),
        F.count("unique_id").alias("records"),
    )
    return out.filter(F.col(count_name) > 1)


@dataclass
class SparkLinkageResult:
    """A linkage run on Spark: the outputs as Spark DataFrames, read back from the Parquet
    datasets in ``paths`` (``clusters.parquet/``, ``pairs.parquet/``, ``golden_records.parquet/``,
    ``review.parquet/``, fraud views, and ``model.json``): the DuckDB engine's names and columns."""

    pairs: Any
    clusters: Any
    golden_records: Any
    review: Any
    config: Any
    model: dict[str, Any]
    persons_in_multiple_claims: Any = None
    persons_with_multiple_properties: Any = None
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    splits: Any = None
    match_threshold: float | None = None
    estimates: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        from pyspark.sql import functions as F

        row = self.clusters.agg(F.count(F.lit(1)).alias("n"), F.countDistinct("cluster_id").alias("c")).collect()[0]
        records, clusters = int(row["n"]), int(row["c"] or 0)
        s: dict[str, Any] = {
            "records": records,
            "clusters": clusters,
            "duplicate_records": records - clusters,
            "duplicate_rate": (records - clusters) / records if records else 0.0,
            "scored_pairs": int(self.pairs.count()),
            "review_pairs": int(self.review.count()),
        }
        if self.persons_in_multiple_claims is not None:
            s["persons_in_multiple_claims"] = int(self.persons_in_multiple_claims.count())
        if self.persons_with_multiple_properties is not None:
            s["persons_with_multiple_properties"] = int(self.persons_with_multiple_properties.count())
        return s

    def write(self, directory: str | Path) -> dict[str, Path]:
        """Copy the datasets and model.json into ``directory`` (Parquet datasets)."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        for name in (
            "clusters",
            "pairs",
            "golden_records",
            "review",
            "persons_in_multiple_claims",
            "persons_with_multiple_properties",
            "splits",
        ):
            frame = getattr(self, name)
            if frame is None:
                continue
            target = out / f"{name}.parquet"
            if name not in self.paths or Path(self.paths[name]).resolve() != target.resolve():
                frame.write.mode("overwrite").parquet(str(target))
            paths[name] = target
        paths["model"] = out / "model.json"
        paths["model"].write_text(json.dumps(self.model, indent=2, default=str), encoding="utf-8")
        return paths


def _as_spark(spark: Any, frame: Any) -> Any:
    return frame if is_spark_dataframe(frame) else from_pandas(spark, frame)


def _new_linkage_api() -> bool:
    from dataclean.linkage import api

    return hasattr(api, "settings_creator")


def _threshold_grid() -> np.ndarray:
    return np.round(np.arange(0.5, 0.995, 0.01), 2)


def _quality_sums(pairs: Any, thresholds: Sequence[float]) -> tuple[int, float, list[tuple[float, int]]]:
    """(pairs, sum of probabilities, [(sum of probabilities, pairs) at or above each threshold]):
    one aggregation, so the model's own quality estimates need no pairs on the driver."""
    from pyspark.sql import functions as F

    p = F.col("match_probability")
    aggs = [F.count(F.lit(1)).alias("n"), F.sum(p).alias("total")]
    for i, t in enumerate(thresholds):
        aggs += [F.sum(F.when(p >= float(t), p)).alias(f"tp{i}"), F.count(F.when(p >= float(t), 1)).alias(f"f{i}")]
    row = pairs.agg(*aggs).collect()[0]
    return (
        int(row["n"]),
        float(row["total"] or 0.0),
        [(float(row[f"tp{i}"] or 0.0), int(row[f"f{i}"])) for i in range(len(thresholds))],
    )


def _estimate(n: int, total: float, tp: float, found: int) -> dict[str, float]:
    """:func:`dataclean.linkage.api.estimate_quality` from the sums."""
    if not n or total <= 0:
        return {}
    precision = tp / found if found else 1.0
    recall = tp / total
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def estimate_quality_spark(pairs: Any, threshold: float) -> dict[str, float]:
    n, total, sums = _quality_sums(pairs, [threshold])
    return _estimate(n, total, *sums[0])


def choose_threshold_spark(pairs: Any) -> tuple[float, dict[str, float]]:
    """:func:`dataclean.linkage.api.choose_threshold` over a Spark DataFrame of pairs."""
    grid = _threshold_grid()
    n, total, sums = _quality_sums(pairs, grid)
    best, best_f1, best_est = 0.95, -1.0, {}
    for t, (tp, found) in zip(grid, sums):
        est = _estimate(n, total, tp, found)
        if est and est["f1"] > best_f1 + 1e-9:
            best, best_f1, best_est = float(t), est["f1"], est
    return best, best_est


def split_incoherent_spark(allp: Any, pairs: Any, threshold: float, clusters: Any, checks: Any) -> tuple[Any, Any]:
    """:func:`dataclean.linkage.api.split_incoherent` cluster by cluster on the executors
    (``cogroup`` of each cluster's prepared records with its links, the in-memory function on
    each). Returns the new ``unique_id`` -> ``cluster_id`` and the moved records."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from dataclean.linkage import api

    limit = int(getattr(api, "MAX_CHECKED_CLUSTER", 500))
    cols = [
        c for c in ("nhs", "nino", "ident", "ident2", "dob", "fn", "fn_nick", "sn", "addr", "pc") if c in allp.columns
    ]
    sized = clusters.withColumn("__dc_size", F.count(F.lit(1)).over(Window.partitionBy("cluster_id")))
    checked = (
        sized.filter((F.col("__dc_size") > 1) & (F.col("__dc_size") <= limit))
        .select("unique_id", "cluster_id")
        .localCheckpoint()
    )
    # fresh column identities on each side (the same DataFrame is joined several times)
    records = checked.select(F.col("unique_id").alias("unique_id"), F.col("cluster_id").alias("cluster_id")).join(
        allp.select("unique_id", *cols), "unique_id"
    )
    cl = checked.select(F.col("unique_id").alias("unique_id_l"), F.col("cluster_id").alias("cluster_id"))
    cr = checked.select(F.col("unique_id").alias("unique_id_r"), F.col("cluster_id").alias("cluster_r"))
    links = (
        pairs.filter(F.col("match_probability") >= threshold)
        .select("unique_id_l", "unique_id_r", "match_probability")
        .join(cl, "unique_id_l")
        .join(cr, "unique_id_r")
        .filter(F.col("cluster_id") == F.col("cluster_r"))
        .drop("cluster_r")
    )
    out_schema = "unique_id string, cluster_id string, cluster_id_before string, reason string"

    def split(recs: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
        if recs.empty:
            return pd.DataFrame(columns=["unique_id", "cluster_id", "cluster_id_before", "reason"])
        recs = recs.sort_values("unique_id", kind="stable").reset_index(drop=True)
        ids = recs["unique_id"].astype(str)
        prepared = recs[cols].astype("string")
        for c in ("nhs", "nino", "ident", "ident2", "dob", "fn", "fn_nick", "sn", "addr", "pc"):
            if c not in prepared:
                prepared[c] = pd.Series(pd.NA, index=prepared.index, dtype="string")
        before = pd.Series(recs["cluster_id"].astype(object).to_numpy(), name="cluster_id")
        new, moved = api.split_incoherent(ids, edges, threshold, before, prepared, checks=checks)
        reason = pd.Series(moved["reason"].to_numpy(), index=moved["record"].astype(str).to_numpy())
        return pd.DataFrame(
            {
                "unique_id": ids.to_numpy(),
                "cluster_id": pd.Series(new).astype(str).to_numpy(),
                "cluster_id_before": before.astype(str).to_numpy(),
                "reason": ids.map(reason).astype(object).where(ids.isin(reason.index), None).to_numpy(),
            }
        )

    result = (
        records.groupBy("cluster_id")
        .cogroup(links.groupBy("cluster_id"))
        .applyInPandas(lambda r, e: split(r, e), out_schema)
    ).localCheckpoint()
    new_ids = clusters.join(
        result.select(F.col("unique_id").alias("unique_id"), F.col("cluster_id").alias("__dc_new")), "unique_id", "left"
    )
    updated = new_ids.select("unique_id", F.coalesce("__dc_new", "cluster_id").alias("cluster_id"))
    moved = result.filter(F.col("cluster_id") != F.col("cluster_id_before")).select(
        F.col("unique_id").alias("record"), "cluster_id_before", "cluster_id", "reason"
    )
    return updated, moved


def run_linkage(
    frames: Mapping[str, Any],
    config: Any,
    link_type: str,
    *,
    spark: Any = None,
    model_in: Any = None,
    source_configs: Mapping[str, Any] | None = None,
    output: str | Path | None = None,
    progress: Any = None,
) -> SparkLinkageResult:
    """dedupe / link / link-and-dedupe on Spark (the body of :func:`dataclean.linkage.dedupe`
    and friends when the backend is a SparkSession or the frames are Spark DataFrames)."""
    from pyspark.sql import functions as F
    from splink import Linker

    from dataclean.linkage import api, presets
    from dataclean.linkage.config import LinkageConfig
    from dataclean.linkage.prepare import FEATURES

    new_api = _new_linkage_api()  # the linkage module's generation (engine-neutral presets or not)
    step = progress or (lambda stage, fraction: None)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    notes: list[str] = []
    first = next(iter(frames.values()))
    spark = get_session(spark if spark is not None else (first.sparkSession if is_spark_dataframe(first) else None))
    frames = {name: _as_spark(spark, f) for name, f in frames.items()}
    first = next(iter(frames.values()))
    config = config or LinkageConfig.infer([str(c) for c in first.columns])
    if not isinstance(config, LinkageConfig):
        config = LinkageConfig.from_dict(config)
    per_source = {name: api._as_config((source_configs or {}).get(name)) or config for name in frames}
    id_names = {c.id_column for c in per_source.values()}
    out_id = config.id_column if len(id_names) == 1 else "record_id"
    multi = len(frames) > 1
    out = Path(output) if output is not None else Path(work_dir(spark)) / f"dataclean-linkage-{uuid.uuid4().hex[:12]}"
    out.mkdir(parents=True, exist_ok=True)

    step("preparing records", 0.05)
    prepared = []
    originals = []
    for name, sdf in frames.items():
        cfg = per_source[name]
        check_input_spark(sdf, cfg, name=name, partial=multi)
        p = prepare_spark(sdf, cfg, source=name if multi else None, prefix=name if multi else None)
        prepared.append(p)
        id_src = _source_id_column(sdf, cfg)
        ident = _q(id_src).cast("string")
        uid = F.concat(F.lit(name + ":"), ident) if multi else ident
        originals.append(
            sdf.withColumn("unique_id", uid).withColumnRenamed(id_src, out_id)
            if id_src != out_id
            else sdf.withColumn("unique_id", uid)
        )
    allp = prepared[0]
    for p in prepared[1:]:
        allp = allp.unionByName(p)
    from pyspark import StorageLevel

    allp = allp.persist(StorageLevel.MEMORY_AND_DISK)
    stats = allp.agg(
        F.count(F.lit(1)).alias("n"),
        F.countDistinct("unique_id").alias("ids"),
        *[F.count(f).alias(f) for f in (*FEATURES, "claim_id", "property_id")],
    ).collect()[0]
    n = int(stats["n"])
    if link_type != "dedupe_only" and int(stats["ids"]) < n:
        raise ConfigError("two frames share a name; give each a distinct source name")
    features = {f for f in FEATURES if int(stats[f] or 0) > 0}
    timings["prepare"] = time.perf_counter() - t0

    db_api = splink_api(spark)
    threshold: float | None = config.match_threshold
    estimates: dict[str, float] = {}
    pair_schema = (
        "unique_id_l string, unique_id_r string, source_l string, source_r string, "
        "match_probability double, match_weight double"
    )
    if n < 2:
        pairs = spark.createDataFrame([], pair_schema)
        model: dict[str, Any] = {"note": "fewer than two records: nothing to compare", "config": config.to_dict()}
    else:
        step("training the model", 0.2)
        t = time.perf_counter()
        run_id = uuid.uuid4().hex[:8]
        # only the prepared match columns go to the engine
        keep = ["unique_id", "source", *sorted(features)]
        inputs = [p.select(*keep) for p in prepared] if link_type != "dedupe_only" else [allp.select(*keep)]
        tables = [
            db_api.register(frame, dataset_display_name=f"dataclean_{run_id}_{i}") for i, frame in enumerate(inputs)
        ]
        table_arg = tables if len(tables) > 1 else tables[0]
        deterministic = config.training == "deterministic"
        if model_in is not None:
            settings: Any = spark_settings(api._load_model(model_in))
        elif new_api:
            if deterministic:
                rules = presets.deterministic_rules(features)
                if not rules:
                    raise ConfigError(
                        "deterministic training needs an identifier (NHS number, NINO or identifier) "
                        "and a date of birth"
                    )
            else:
                rules = api._budget_rules(table_arg, link_type, features, config, n, notes)
            settings = api.settings_creator(link_type, features, config, rules=rules)
        else:
            settings = spark_settings(api._settings(link_type, features, config))
        linker = Linker(table_arg, settings, log_level=None)
        if model_in is not None:
            notes.append("parameters loaded from a saved model; not retrained")
        elif new_api and not deterministic:
            api._train(_SparkLinker(linker), n, features, config, settings.comparisons, notes)
        elif not new_api and config.training in ("unsupervised", "hybrid"):
            api._train(_SparkLinker(linker), n, features, config, notes)
        timings["train"] = time.perf_counter() - t
        step("scoring candidate pairs", 0.5)
        t = time.perf_counter()
        if deterministic:
            if not new_api and not presets.deterministic_rules(features):
                raise ConfigError("deterministic training needs NHS number or NINO with date of birth")
            predictions = linker.inference.deterministic_link().as_spark_dataframe()
            predictions = predictions.withColumn("match_probability", F.lit(1.0)).withColumn(
                "match_weight", F.lit(20.0)
            )
        else:
            floor = min(config.review_threshold, 0.3 if new_api else 0.5)
            predictions = linker.inference.predict(threshold_match_probability=floor).as_spark_dataframe()
            if config.training == "hybrid":
                predictions = _boost_spark(predictions, allp, features)
        model = linker.misc.save_model_to_json()
        model["dataclean"] = {
            "config": config.to_dict(),
            "features": sorted(features),
            "notes": notes,
            "engine": "spark",
        }
        pairs = _readable_pairs_spark(predictions, model)
        pairs = pairs.persist(StorageLevel.MEMORY_AND_DISK)
        if new_api:
            if threshold is None:
                threshold, estimates = choose_threshold_spark(pairs)
                log.info("match threshold %.2f chosen from the trained model", threshold)
            else:
                estimates = estimate_quality_spark(pairs, threshold)
            model["dataclean"]["match_threshold"] = threshold
            model["dataclean"]["estimates"] = estimates
        timings["predict"] = time.perf_counter() - t
    threshold = 0.95 if threshold is None else threshold

    step("clustering", 0.75)
    t = time.perf_counter()
    clusters_by_uid = cluster_spark(allp.select("unique_id", "nhs"), pairs, threshold, db_api)
    splits = None
    if n >= 2 and hasattr(api, "split_incoherent"):
        checks = api._coherence_checks(model, notes)
        clusters_by_uid, splits = split_incoherent_spark(allp, pairs, threshold, clusters_by_uid, checks)
    clusters_by_uid = clusters_by_uid.persist(StorageLevel.MEMORY_AND_DISK)
    original_id = F.split(F.col("unique_id"), ":", 2).getItem(1) if multi else F.col("unique_id")
    clusters = allp.select("unique_id", "source").join(clusters_by_uid, "unique_id")
    cluster_cols = [original_id.alias(out_id), F.col("source"), F.col("cluster_id")]
    if not multi and "source" not in config.columns:
        cluster_cols = [c for c in cluster_cols if c is not cluster_cols[1]]
    paths: dict[str, Path] = {}

    def save(name: str, frame: Any, order: Sequence[Any] | None = None) -> Any:
        target = out / f"{name}.parquet"
        (frame.orderBy(*order) if order else frame).write.mode("overwrite").parquet(str(target))
        paths[name] = target
        return spark.read.parquet(str(target))

    clusters_df = save("clusters", clusters.select("unique_id", *cluster_cols), ["unique_id"])
    clusters_df = clusters_df.drop("unique_id")
    review = pairs.filter(
        (F.col("match_probability") >= config.review_threshold) & (F.col("match_probability") < threshold)
    )
    timings["cluster"] = time.perf_counter() - t
    step("golden records", 0.85)
    t = time.perf_counter()
    union = None
    for o in originals:
        union = o if union is None else union.unionByName(o, allowMissingColumns=True)
    golden = golden_records_spark(union, allp, clusters_by_uid, replace(config, id_column=out_id))
    joined = allp.join(clusters_by_uid, "unique_id")
    claims = props = None
    if int(stats["claim_id"] or 0) > 0:
        claims = _several_spark(joined, "claim_id", "claims", "claim_ids")
    prop_col = "property_id" if int(stats["property_id"] or 0) > 0 else "uprn"
    if int(stats[prop_col] or 0) > 0:
        props = _several_spark(joined, prop_col, "properties", "property_ids")
    rename = {"unique_id_l": f"{out_id}_l", "unique_id_r": f"{out_id}_r"}
    pairs_out = pairs.withColumnsRenamed(rename)
    result = SparkLinkageResult(
        pairs=save("pairs", pairs_out),
        clusters=clusters_df,
        golden_records=save("golden_records", golden, ["cluster_id"]),
        review=save("review", review.withColumnsRenamed(rename), ["match_probability"]),
        config=config,
        model=model,
        persons_in_multiple_claims=save("persons_in_multiple_claims", claims, [F.col("claims").desc(), "cluster_id"])
        if claims is not None
        else None,
        persons_with_multiple_properties=save(
            "persons_with_multiple_properties", props, [F.col("properties").desc(), "cluster_id"]
        )
        if props is not None
        else None,
        notes=notes,
        timings=timings,
        paths=paths,
        splits=save("splits", splits) if splits is not None else None,
        match_threshold=threshold,
        estimates=estimates,
    )
    paths["model"] = out / "model.json"
    paths["model"].write_text(json.dumps(model, indent=2, default=str), encoding="utf-8")
    timings["golden"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    for frame in (allp, pairs, clusters_by_uid):
        frame.unpersist()
    step("done", 1.0)
    return result


def _boost_spark(predictions: Any, allp: Any, features: set[str]) -> Any:
    """Hybrid training: pairs that meet a deterministic rule (the same identifier and date of
    birth) are matches whatever the model says, and are added when no blocking rule kept them
    (as :func:`dataclean.linkage.api._boost`)."""
    from pyspark.sql import functions as F

    from dataclean.linkage import presets

    keys_of = getattr(presets, "deterministic_keys", None)
    keys = list(keys_of(features)) if keys_of else [k for k in ("nhs", "nino") if {k, "dob"} <= features]
    keys = [k for k in keys if {k, "dob"} <= set(allp.columns)]
    if not keys:
        return predictions
    found = None
    for key in keys:
        g = allp.filter(F.col(key).isNotNull() & F.col("dob").isNotNull()).select("unique_id", "source", key, "dob")
        left = g.select(*[F.col(c).alias(f"{c}_l") for c in ("unique_id", "source")], key, "dob")
        right = g.select(*[F.col(c).alias(f"{c}_r") for c in ("unique_id", "source")], key, "dob")
        m = left.join(right, [key, "dob"]).filter(F.col("unique_id_l") < F.col("unique_id_r"))
        m = m.select("unique_id_l", "unique_id_r", "source_l", "source_r")
        found = m if found is None else found.unionByName(m)
    det = found.dropDuplicates(["unique_id_l", "unique_id_r"]).withColumn("__dc_det", F.lit(True))
    a, b = F.col("unique_id_l").cast("string"), F.col("unique_id_r").cast("string")
    keyed = predictions.withColumn("__dc_a", F.least(a, b)).withColumn("__dc_b", F.greatest(a, b))
    d = det.select(F.col("unique_id_l").alias("__dc_a"), F.col("unique_id_r").alias("__dc_b"), "__dc_det")
    joined = keyed.join(d, ["__dc_a", "__dc_b"], "left")
    hit = F.coalesce(F.col("__dc_det"), F.lit(False))
    boosted = (
        joined.withColumn("match_probability", F.when(hit, F.lit(1.0)).otherwise(F.col("match_probability")))
        .withColumn(
            "match_weight", F.when(hit, F.greatest(F.col("match_weight"), F.lit(20.0))).otherwise(F.col("match_weight"))
        )
        .drop("__dc_det")
    )
    present = keyed.select("__dc_a", "__dc_b")
    missing = (
        det.join(
            present, (det["unique_id_l"] == present["__dc_a"]) & (det["unique_id_r"] == present["__dc_b"]), "left_anti"
        )
        .drop("__dc_det")
        .withColumn("match_probability", F.lit(1.0))
        .withColumn("match_weight", F.lit(20.0))
    )
    return boosted.drop("__dc_a", "__dc_b").unionByName(missing, allowMissingColumns=True)


def dedupe(
    sdf: Any,
    config: Any = None,
    *,
    spark: Any = None,
    model: Any = None,
    output: str | Path | None = None,
    progress: Any = None,
) -> SparkLinkageResult:
    """Find the same person within one Spark DataFrame (see :func:`run_linkage`)."""
    return run_linkage(
        {"data": sdf}, config, "dedupe_only", spark=spark, model_in=model, output=output, progress=progress
    )


def _merge_duplicates(clean_sdf: Any, suite: Any, spark: Any) -> tuple[Any, Any, Any]:
    """:func:`dataclean.pipeline._merge_duplicates` on Spark: each cluster of duplicate records
    becomes its survivor with the golden record's values; the others are listed as merged."""
    from pyspark.sql import functions as F

    from dataclean.linkage.config import LinkageConfig

    config = LinkageConfig.from_dict(suite.dedupe or {}, source=suite.path)
    id_col = config.id_column
    result = dedupe(clean_sdf.drop(ROW), config, spark=spark)
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
