"""dataclean's great-expectations expectations and metrics.

Importing this module registers them with great-expectations (GX registers classes as a side
effect of class creation; :func:`dataclean.gx.ensure_registered` is the one place that imports
it). The expectations only *declare*; every metric calls the vectorised functions in
:mod:`dataclean.fields` (no validation logic lives here).

Metric names are prefixed ``dataclean_`` because GX metric names are global to the process.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine, SparkDFExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation, ColumnPairMapExpectation
from great_expectations.expectations.metrics import ColumnMapMetricProvider, column_condition_partial
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    column_pair_condition_partial,
)

from dataclean import registry
from dataclean._core import StandardiseResult, generic_placeholder_mask
from dataclean.fields.date_of_birth import parse_series as parse_dates

#: kind -> the class-name suffix of its validity expectation (the GX JSON type is derived from it).
KIND_CLASS_SUFFIX: dict[str, str] = {
    "nhs_number": "NhsNumber",
    "nino": "Nino",
    "postcode": "UkPostcode",
    "phone": "UkPhone",
    "email": "Email",
    "uprn": "Uprn",
    "date_of_birth": "DateOfBirth",
    "person_name": "PersonName",
    "gender": "NhsGenderCode",
    "ethnicity": "NhsEthnicCategory",
    "address": "UkAddress",
}

#: Reason codes that mean "a stand-in for missing data" rather than a malformed value.
PLACEHOLDER_REASONS = frozenset({"placeholder", "sentinel_date"})


def _camel_to_snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def valid_kind_type(kind: str) -> str:
    """The GX expectation type that checks validity for ``kind``."""
    return _camel_to_snake(f"ExpectColumnValuesToBeValid{KIND_CLASS_SUFFIX[kind]}")


# ---------------------------------------------------------------------------------------------
# results already computed by the caller (dataclean.validate standardises first)
# ---------------------------------------------------------------------------------------------

_PRECOMPUTED: ContextVar[Mapping[str, tuple[str, StandardiseResult]] | None] = ContextVar(
    "dataclean_precomputed", default=None
)


@contextlib.contextmanager
def precomputed(results: Mapping[str, tuple[str, StandardiseResult]]) -> Iterator[None]:
    """Within this block, metrics on column ``name`` of kind ``kind`` reuse ``results[name]``.

    :func:`dataclean.scorecard.validate` standardises each column once and then validates the
    standardised frame (canonical where valid, raw where not), on which the field module would
    give the same answers again; this saves computing every field twice or three times.
    """
    token = _PRECOMPUTED.set(results)
    try:
        yield
    finally:
        _PRECOMPUTED.reset(token)


def _cached(column: pd.Series, kind: str) -> StandardiseResult | None:
    cache = _PRECOMPUTED.get()
    if not cache or column.name not in cache:
        return None
    cached_kind, result = cache[column.name]
    if cached_kind != kind:
        return None
    if not column.index.isin(result.status.index).all():
        return None
    return result


def kind_valid_mask(column: pd.Series, kind: str) -> pd.Series:
    """``is_valid_series`` for ``kind``, reusing a precomputed result when there is one."""
    cached = _cached(column, kind)
    if cached is not None:
        return cached.valid.reindex(column.index)
    return registry.get(kind).is_valid_series(column)


def kind_reasons(column: pd.Series, kind: str) -> pd.Series:
    """``reason_series`` for ``kind``, reusing a precomputed result when there is one."""
    cached = _cached(column, kind)
    if cached is not None:
        return cached.reason.reindex(column.index)
    return registry.get(kind).reason_series(column)


def spark_condition(fn: Any, *columns: Any) -> Any:
    """A Spark boolean Column computed by ``fn`` (pandas Series in, boolean Series out) in Arrow
    batches on the executors: the same vectorised field code as the pandas engine, no per-row
    Python. Needs dataclean importable by the Spark workers (``PYSPARK_PYTHON``)."""
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("boolean")  # type: ignore[misc]
    def condition(*series: pd.Series) -> pd.Series:
        return fn(*series).fillna(False).astype(bool).reset_index(drop=True)

    return condition(*columns)


# ---------------------------------------------------------------------------------------------
# one validity metric + expectation per field kind, generated from the registry
# ---------------------------------------------------------------------------------------------


def _make_kind_classes(kind: str) -> tuple[type, type]:
    metric_name = f"column_values.dataclean_valid_{kind}"

    def _pandas(cls: Any, column: pd.Series, **kwargs: Any) -> pd.Series:
        return kind_valid_mask(column, kind)

    def _spark(cls: Any, column: Any, **kwargs: Any) -> Any:
        return spark_condition(registry.get(kind).is_valid_series, column)

    provider = type(
        f"ColumnValuesDatacleanValid{KIND_CLASS_SUFFIX[kind]}",
        (ColumnMapMetricProvider,),
        {
            "condition_metric_name": metric_name,
            "_pandas": column_condition_partial(engine=PandasExecutionEngine)(_pandas),
            "_spark": column_condition_partial(engine=SparkDFExecutionEngine)(_spark),
            "__module__": __name__,
        },
    )
    doc = (
        f"Expect column values to be valid {kind.replace('_', ' ')} values, as decided by "
        f"``dataclean.fields.{kind}.is_valid_series``. Nulls are skipped (completeness is a separate "
        "expectation); ``mostly`` sets the tolerated pass rate."
    )
    expectation = type(
        f"ExpectColumnValuesToBeValid{KIND_CLASS_SUFFIX[kind]}",
        (ColumnMapExpectation,),
        {
            "__doc__": doc,
            "__module__": __name__,
            "map_metric": metric_name,
            "success_keys": ("mostly",),
            "dataclean_kind": kind,
        },
    )
    return provider, expectation


KIND_EXPECTATIONS: dict[str, type] = {}
for _kind in registry.kinds():
    _provider, _expectation = _make_kind_classes(_kind)
    globals()[_provider.__name__] = _provider
    globals()[_expectation.__name__] = _expectation
    KIND_EXPECTATIONS[_kind] = _expectation


# ---------------------------------------------------------------------------------------------
# placeholders / sentinels (completeness)
# ---------------------------------------------------------------------------------------------


def placeholder_mask(column: pd.Series, kind: str | None = None) -> pd.Series:
    """True where a non-null value is a placeholder (``UNKNOWN``, ``ZZ99 3VZ``, ``01/01/1900``...)."""
    generic = generic_placeholder_mask(column)  # once per distinct value
    if kind is not None:
        reasons = kind_reasons(column, kind)
        specific = reasons.isin(PLACEHOLDER_REASONS).fillna(False).to_numpy(dtype=bool)
        # a generic token that is a valid value of this kind (gender "X" or "0") is not a placeholder
        valid = kind_valid_mask(column, kind).fillna(False).to_numpy(dtype=bool)
        generic = (generic & ~valid) | specific
    return pd.Series(generic, index=column.index)


class ColumnValuesDatacleanNotPlaceholder(ColumnMapMetricProvider):
    condition_metric_name = "column_values.dataclean_not_placeholder"
    condition_value_keys = ("kind",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, kind: str | None = None, **kwargs: Any) -> pd.Series:
        return ~placeholder_mask(column, kind)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column: Any, kind: str | None = None, **kwargs: Any) -> Any:
        return spark_condition(lambda s: ~placeholder_mask(s, kind), column)


class ExpectColumnValuesToNotBePlaceholder(ColumnMapExpectation):
    """Expect column values not to be placeholders or sentinels standing in for missing data.

    Generic tokens (UNKNOWN, N/A, TEST, XXX...) always count; with ``kind`` the field module's own
    placeholders count too (NHS pseudo-postcodes such as ``ZZ99 3VZ``, sentinel dates such as
    ``01/01/1900``, repeated-digit NHS numbers, ``BABY OF ...``).
    """

    kind: str | None = None
    map_metric = "column_values.dataclean_not_placeholder"
    success_keys = ("mostly", "kind")


# ---------------------------------------------------------------------------------------------
# plausible date of birth, recency (timeliness), reference lists (accuracy)
# ---------------------------------------------------------------------------------------------


def _as_date(value: Any) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value)[:10])


def plausible_dob_mask(column: pd.Series, reference_date: Any = None, max_age_years: int = 125) -> pd.Series:
    """True where a date of birth parses, is not in the future or a sentinel, and gives an age of at
    most ``max_age_years`` on ``reference_date`` (default today)."""
    ref = _as_date(reference_date) or _dt.date.today()
    dates = parse_dates(column, pivot="birth", reference_date=ref)
    earliest = pd.Timestamp(ref.year - int(max_age_years), ref.month, min(ref.day, 28))
    ok = dates.notna() & (dates <= pd.Timestamp(ref)) & (dates >= earliest)
    cached = _cached(column, "date_of_birth")
    reasons = (
        cached.reason.reindex(column.index)
        if cached is not None
        else registry.get("date_of_birth").reason_series(column, reference_date=ref)
    )
    placeholder = reasons.isin(PLACEHOLDER_REASONS)
    return (ok & ~placeholder.fillna(False)).astype(bool)


class ColumnValuesDatacleanPlausibleDob(ColumnMapMetricProvider):
    condition_metric_name = "column_values.dataclean_plausible_date_of_birth"
    condition_value_keys = ("reference_date", "max_age_years")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, reference_date: Any = None, max_age_years: int = 125, **kwargs: Any):
        return plausible_dob_mask(column, reference_date, max_age_years)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column: Any, reference_date: Any = None, max_age_years: int = 125, **kwargs: Any):
        return spark_condition(lambda s: plausible_dob_mask(s, reference_date, max_age_years), column)


class ExpectColumnValuesToBePlausibleDateOfBirth(ColumnMapExpectation):
    """Expect dates of birth to parse (UK day-first), not be in the future, not be sentinels such as
    ``01/01/1900``, and give an age of at most ``max_age_years`` on ``reference_date`` (default today)."""

    reference_date: str | None = None
    max_age_years: int = 125
    map_metric = "column_values.dataclean_plausible_date_of_birth"
    success_keys = ("mostly", "reference_date", "max_age_years")


def recent_mask(column: pd.Series, max_age_days: int = 365, reference_date: Any = None) -> pd.Series:
    """True where a date is at most ``max_age_days`` old on ``reference_date`` and not in the future."""
    when = _as_date(reference_date) or _dt.date.today()
    ref = pd.Timestamp(when)
    dates = parse_dates(column, pivot="recent", reference_date=when)
    age = (ref - dates).dt.days
    return (dates.notna() & (age <= int(max_age_days)) & (age >= 0)).astype(bool)


class ColumnValuesDatacleanRecent(ColumnMapMetricProvider):
    condition_metric_name = "column_values.dataclean_recent"
    condition_value_keys = ("max_age_days", "reference_date")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, max_age_days: int = 365, reference_date: Any = None, **kwargs: Any):
        return recent_mask(column, max_age_days, reference_date)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column: Any, max_age_days: int = 365, reference_date: Any = None, **kwargs: Any):
        return spark_condition(lambda s: recent_mask(s, max_age_days, reference_date), column)


class ExpectColumnValuesToBeRecent(ColumnMapExpectation):
    """Expect a last-updated / extract date column to be at most ``max_age_days`` old on
    ``reference_date`` (default today), and not in the future. Scored as timeliness."""

    max_age_days: int = 365
    reference_date: str | None = None
    map_metric = "column_values.dataclean_recent"
    success_keys = ("mostly", "max_age_days", "reference_date")


_REFERENCE_CACHE: dict[tuple[str, str, str | None], frozenset[str]] = {}


def load_reference_values(path: str, column: str, kind: str | None = None) -> frozenset[str]:
    """The distinct values of ``column`` in a reference file, standardised by ``kind`` when given."""
    key = (path, column, kind)
    if key not in _REFERENCE_CACHE:
        from dataclean.io import read_table

        ref = read_table(path, columns=[column])[column]
        if kind is not None:
            ref = registry.get(kind).standardise_series(ref).value
        _REFERENCE_CACHE[key] = frozenset(ref.dropna().astype(str))
    return _REFERENCE_CACHE[key]


def in_reference_mask(column: pd.Series, reference_path: str, reference_column: str, kind: str | None = None):
    """True where the (standardised) value exists in the reference file's column."""
    allowed = load_reference_values(reference_path, reference_column, kind)
    values = registry.get(kind).standardise_series(column).value if kind else column.astype("string")
    return values.isin(allowed).fillna(False).astype(bool)


class ColumnValuesDatacleanInReference(ColumnMapMetricProvider):
    condition_metric_name = "column_values.dataclean_in_reference"
    condition_value_keys = ("reference_path", "reference_column", "kind")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, reference_path: str, reference_column: str, kind=None, **kwargs):
        return in_reference_mask(column, reference_path, reference_column, kind)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column: Any, reference_path: str, reference_column: str, kind=None, **kwargs):
        return spark_condition(lambda s: in_reference_mask(s, reference_path, reference_column, kind), column)


class ExpectColumnValuesToBeInReferenceData(ColumnMapExpectation):
    """Expect values to exist in trusted reference data (a column of a CSV/Parquet file), compared
    after standardising both sides with ``kind``. Scored as accuracy: for example postcodes that
    exist in the local gazetteer extract, or UPRNs in the council's property register."""

    reference_path: str
    reference_column: str
    kind: str | None = None
    map_metric = "column_values.dataclean_in_reference"
    success_keys = ("mostly", "reference_path", "reference_column", "kind")


def number_between_mask(column: pd.Series, min_value: float | None = None, max_value: float | None = None):
    """True where text parses as a number (``1,250.50`` and ``£40`` too) within the bounds."""
    text = column.astype("string").str.strip().str.replace(r"^£|,", "", regex=True)
    numbers = pd.to_numeric(text, errors="coerce")
    ok = numbers.notna()
    if min_value is not None:
        ok &= numbers >= float(min_value)
    if max_value is not None:
        ok &= numbers <= float(max_value)
    return ok.fillna(False).astype(bool)


class ColumnValuesDatacleanNumberBetween(ColumnMapMetricProvider):
    condition_metric_name = "column_values.dataclean_number_between"
    condition_value_keys = ("min_value", "max_value")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, min_value: Any = None, max_value: Any = None, **kwargs: Any):
        return number_between_mask(column, min_value, max_value)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column: Any, min_value: Any = None, max_value: Any = None, **kwargs: Any):
        return spark_condition(lambda s: number_between_mask(s, min_value, max_value), column)


class ExpectColumnValuesToBeNumberBetween(ColumnMapExpectation):
    """Expect text values (as CSV and Excel files give them) to be numbers within
    ``[min_value, max_value]``; a value that is not a number is unexpected. GX's own
    ``expect_column_values_to_be_between`` needs a numeric column and errors on text."""

    min_value: float | None = None
    max_value: float | None = None
    map_metric = "column_values.dataclean_number_between"
    success_keys = ("mostly", "min_value", "max_value")


# ---------------------------------------------------------------------------------------------
# cross-field (consistency)
# ---------------------------------------------------------------------------------------------


def _pair_dates(column: pd.Series) -> pd.Series:
    """A date column of a pair check. A column the running suite standardises as a date of birth
    is read as the cleaner reads it (its canonical date where valid, else the date-of-birth pivot);
    any other date column with the recent pivot (see ``date_of_birth.parse_series``)."""
    cached = _cached(column, "date_of_birth")
    if cached is None:
        return parse_dates(column, pivot="recent")
    valid = cached.valid.reindex(column.index).fillna(False).to_numpy(dtype=bool)
    canonical = cached.value.reindex(column.index).astype("string")
    return parse_dates(canonical.where(valid, column.astype("string")), pivot="birth")


def chronological_mask(column_a: pd.Series, column_b: pd.Series, or_equal: bool | None = True) -> pd.Series:
    """True where date A is on or before date B, or either does not parse (a validity matter)."""
    a = _pair_dates(column_a)
    b = _pair_dates(column_b).set_axis(a.index)
    ordered = (a <= b) if (or_equal is None or or_equal) else (a < b)
    return (ordered | a.isna() | b.isna()).astype(bool)


class ColumnPairDatacleanChronological(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.dataclean_chronological"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ("or_equal",)

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, or_equal: bool | None = True, **kwargs):
        return chronological_mask(column_A, column_B, or_equal)

    @column_pair_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column_A: Any, column_B: Any, or_equal: bool | None = True, **kwargs):
        return spark_condition(lambda a, b: chronological_mask(a, b, or_equal), column_A, column_B)


class ExpectColumnPairValuesToBeChronological(ColumnPairMapExpectation):
    """Expect the date in ``column_A`` to be on or before the date in ``column_B`` (date of birth
    before date of death; start date before end date). Rows missing either date are skipped."""

    or_equal: bool | None = True
    ignore_row_if: str = "either_value_is_missing"
    map_metric = "column_pair_values.dataclean_chronological"
    success_keys = ("column_A", "column_B", "ignore_row_if", "or_equal", "mostly")


def age_matches_mask(dob_column: pd.Series, age_column: pd.Series, reference_date: Any = None, tolerance_years=1):
    """True where the stated age is within ``tolerance_years`` of the age the date of birth gives."""
    when = _as_date(reference_date) or _dt.date.today()
    ref = pd.Timestamp(when)
    dob = parse_dates(dob_column, pivot="birth", reference_date=when)
    had_birthday = (dob.dt.month < ref.month) | ((dob.dt.month == ref.month) & (dob.dt.day <= ref.day))
    age = ref.year - dob.dt.year - (~had_birthday).astype(int)
    stated = pd.to_numeric(age_column, errors="coerce").set_axis(dob.index)
    ok = (age - stated).abs() <= int(tolerance_years)
    return (ok | dob.isna() | stated.isna()).fillna(True).astype(bool)


class ColumnPairDatacleanAgeMatchesDob(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.dataclean_age_matches_dob"
    condition_domain_keys = ColumnPairDatacleanChronological.condition_domain_keys
    condition_value_keys = ("reference_date", "tolerance_years")

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A, column_B, reference_date=None, tolerance_years=1, **kwargs):
        return age_matches_mask(column_A, column_B, reference_date, tolerance_years)

    @column_pair_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column_A, column_B, reference_date=None, tolerance_years=1, **kwargs):
        return spark_condition(lambda a, b: age_matches_mask(a, b, reference_date, tolerance_years), column_A, column_B)


class ExpectColumnPairAgeToMatchDateOfBirth(ColumnPairMapExpectation):
    """Expect a stated age (``column_B``) to agree with the date of birth (``column_A``) on
    ``reference_date`` (default today), within ``tolerance_years`` (default 1: extract lag)."""

    reference_date: str | None = None
    tolerance_years: int = 1
    ignore_row_if: str = "either_value_is_missing"
    map_metric = "column_pair_values.dataclean_age_matches_dob"
    success_keys = ("column_A", "column_B", "ignore_row_if", "reference_date", "tolerance_years", "mostly")


#: Every expectation class dataclean adds, by GX type name.
DATACLEAN_EXPECTATIONS: dict[str, type] = {
    cls.expectation_type: cls  # type: ignore[attr-defined]
    for cls in (
        *KIND_EXPECTATIONS.values(),
        ExpectColumnValuesToNotBePlaceholder,
        ExpectColumnValuesToBePlausibleDateOfBirth,
        ExpectColumnValuesToBeRecent,
        ExpectColumnValuesToBeInReferenceData,
        ExpectColumnValuesToBeNumberBetween,
        ExpectColumnPairValuesToBeChronological,
        ExpectColumnPairAgeToMatchDateOfBirth,
    )
}
