"""What an expectation's verdict on a row depends on: the row alone, other rows, or the table.

The chunked runner adds up per-chunk counts of row-by-row expectations and recomputes the others
over the whole file; the in-memory clean scores its output from the checked input's results for
row-by-row single-column expectations (the same rows, the same values) and reruns only the others.
"""

from __future__ import annotations

import functools

#: Row-by-row types whose verdict on a row depends on other rows.
CROSS_ROW_UNIQUE = frozenset({"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"})
#: Column-map types that compare a row with its neighbours or with column statistics: whole column.
CROSS_ROW_WHOLE = frozenset(
    {
        "expect_column_values_to_be_increasing",
        "expect_column_values_to_be_decreasing",
        "expect_column_value_z_scores_to_be_less_than",
        "expect_column_values_to_not_be_outliers",
        # scored per row only for object columns; for typed columns GX answers once for the column
        "expect_column_values_to_be_in_type_list",
        "expect_column_values_to_be_of_type",
    }
)
#: Types that depend only on the column names and types (the same in every chunk).
SHAPE = frozenset({"expect_column_to_exist", "expect_column_type_to_be"})


def expectation_scope(expectation_type: str) -> str:
    """``"row"`` (counts add up over chunks), ``"unique"`` (cross-row uniqueness), ``"table"``
    (row count / columns) or ``"aggregate"`` (needs whole columns), from the GX class."""
    if expectation_type in CROSS_ROW_UNIQUE:
        return "unique"
    if expectation_type in CROSS_ROW_WHOLE:
        return "aggregate"
    if expectation_type in SHAPE:
        return "table"
    from dataclean.engines.native import COLUMN_MAP_TYPES, PAIR_MAP_TYPES

    if expectation_type in COLUMN_MAP_TYPES or expectation_type in PAIR_MAP_TYPES:
        return "row"  # the native engine's types: known without importing GX
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )
    from great_expectations.expectations.registry import get_expectation_impl

    from dataclean.gx import ensure_registered

    ensure_registered()
    impl = get_expectation_impl(expectation_type)
    if issubclass(impl, (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)):
        return "row"
    if expectation_type.startswith("expect_table_"):
        return "table"
    return "aggregate"


@functools.cache
def is_column_map(expectation_type: str) -> bool:
    """True for a GX column-map expectation type (one column, a verdict per row)."""
    from dataclean.engines.native import COLUMN_MAP_TYPES, PAIR_MAP_TYPES

    if expectation_type in COLUMN_MAP_TYPES:
        return True
    if expectation_type in PAIR_MAP_TYPES:
        return False
    from great_expectations.expectations.expectation import ColumnMapExpectation
    from great_expectations.expectations.registry import get_expectation_impl

    from dataclean.gx import ensure_registered

    ensure_registered()
    return issubclass(get_expectation_impl(expectation_type), ColumnMapExpectation)
