"""dataclean's great-expectations expectations and metrics: thin adapters over :mod:`dataclean.checks`.

Importing this module registers them with great-expectations (GX registers classes as a side
effect of class creation; :func:`dataclean.gx.ensure_registered` is the one place that imports
it). The expectations only *declare*; every metric calls a GX-free rule in
:mod:`dataclean.checks` or the vectorised functions in :mod:`dataclean.fields` (no validation
logic lives here). The rule functions are re-exported here under their old names.

Metric names are prefixed ``dataclean_`` because GX metric names are global to the process.
"""

from __future__ import annotations

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
from dataclean.checks import (  # noqa: F401 - re-exported: the rules' old import path
    KIND_CLASS_SUFFIX,
    PLACEHOLDER_REASONS,
    age_matches_mask,
    chronological_mask,
    in_reference_mask,
    kind_reasons,
    kind_valid_mask,
    load_reference_values,
    number_between_mask,
    placeholder_mask,
    plausible_dob_mask,
    precomputed,
    recent_mask,
    valid_kind_type,
)


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
