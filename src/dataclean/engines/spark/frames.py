"""Reading files into Spark, pandas <-> Spark conversion, and stage 1 of validate and clean:
the suite's field functions run on the executors (``mapInPandas``) and the rows are numbered.

The same field code as the pandas engine, so a standardised value is the same on both engines.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dataclean.exceptions import ConfigError, DataFileError

ROW = "__dc_row"


_PID = "__dc_pid"


_POS = "__dc_pos"


_STD_PREFIXES = ("__dc_chk_", "__dc_val_", "__dc_st_", "__dc_rs_")


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
        .option("multiLine", "true" if has_quoted_line_breaks(p) else "false")
        .schema(schema)
        .csv(str(p))
    )
    # blank cells are missing (as pandas' na_values=[""]); names from the header as Python read it
    return sdf.select(
        *[F.when(F.col(f"_c{i}") == "", None).otherwise(F.col(f"_c{i}")).alias(name) for i, name in enumerate(header)]
    )


def has_quoted_line_breaks(path: str | Path, chunk: int = 1 << 24) -> bool:
    """True when a quoted value in this delimited text file holds a line break.

    A line ends inside quotes exactly when the quote characters before its end are odd in number
    (an escaped quote ``""`` counts two), so one pass over the bytes decides it (``"`` and the
    line feed are single bytes in UTF-8 and Windows-1252). Spark then reads the file with
    ``multiLine`` (one task per file, as a quoted line break cannot be found from a split's
    start); without, splits are read in parallel."""
    parity = 0
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            b = np.frombuffer(block, dtype=np.uint8)
            quotes = np.cumsum(b == 0x22, dtype=np.int64) + parity
            if np.any(quotes[b == 0x0A] % 2):
                return True
            parity = int(quotes[-1] % 2)
    return False


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


def _q(name: str) -> Any:
    from pyspark.sql import functions as F

    return F.col(f"`{name.replace('`', '``')}`")


def map_in_pandas(sdf: Any, fn: Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]], schema: Any) -> Any:
    """``sdf.mapInPandas(fn, schema)`` for any column names. PySpark resolves each input column by
    its name, so a dot (``D.O.B``, ``NHS No.``) would be read as a struct path and fail: the input
    goes in under positional names (``toDF`` renames without parsing) and every batch ``fn`` sees
    has the real names back."""
    names = list(sdf.columns)

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        return fn(batch.set_axis(names, axis=1) for batch in batches)

    return sdf.toDF(*[f"__dc_in_{i}" for i in range(len(names))]).mapInPandas(run, schema)


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

    staged = map_in_pandas(sdf, run, schema).persist(StorageLevel.MEMORY_AND_DISK)
    sizes = {int(r[0]): int(r[1]) for r in staged.groupBy(_PID).count().collect()}
    n_parts = max(sizes) + 1 if sizes else 1
    offsets = np.concatenate([[0], np.cumsum([sizes.get(p, 0) for p in range(n_parts)])])[:-1]
    offset = F.element_at(F.array(*[F.lit(int(o)) for o in offsets]), F.col(_PID) + 1)
    kept = [_q(c) for c in staged.columns if c not in (_PID, _POS)]
    numbered = staged.select((offset + F.col(_POS)).alias(ROW), *kept)
    return _Standardised(numbered, columns, std, frozenset(strings), int(sum(sizes.values())))


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
