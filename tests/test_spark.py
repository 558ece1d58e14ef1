"""dataclean's GX expectations on the Spark engine (part of the default run; needs pyspark and Java).

The session is the one session-scoped fixture in tests/conftest.py (settings from
shared/notes/spark-notes.md: local[2], small shuffle partitions, no UI, Arrow on with no silent
fallback, workers on this interpreter).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.spark  # only these: `pytest -m spark`


def test_custom_expectations_on_spark(spark):
    import great_expectations as gx

    from dataclean.gx import quiet_context
    from dataclean.gx.expectations import DATACLEAN_EXPECTATIONS as X

    rows = [
        ("P1", "943 476 5919", "sw1a 1aa", "1950-01-01", "2020-01-01"),
        ("P2", "9434765918", "ZZ99 3VZ", "1950-01-01", "1949-01-01"),
        ("P3", None, "CM1 1QH", "01/01/1900", None),
    ]
    sdf = spark.createDataFrame(rows, "person_id string, nhs string, pc string, dob string, dod string")
    batch = (
        quiet_context()
        .data_sources.add_spark("spark_test", persist=False)
        .add_dataframe_asset("people")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": sdf})
    )
    suite = gx.ExpectationSuite(
        name="spark",
        expectations=[
            X["expect_column_values_to_be_valid_nhs_number"](column="nhs"),
            X["expect_column_values_to_not_be_placeholder"](column="pc", kind="postcode"),
            X["expect_column_values_to_be_plausible_date_of_birth"](column="dob", reference_date="2026-11-24"),
            X["expect_column_pair_values_to_be_chronological"](column_A="dob", column_B="dod"),
        ],
    )
    rf = {"result_format": "COMPLETE", "unexpected_index_column_names": ["person_id"]}
    results = {r.expectation_config.type: r for r in batch.validate(suite, result_format=rf).results}
    failing = {k: sorted(d["person_id"] for d in r.result["unexpected_index_list"]) for k, r in results.items()}
    assert failing == {
        "expect_column_values_to_be_valid_nhs_number": ["P2"],
        "expect_column_values_to_not_be_placeholder": ["P2"],
        "expect_column_values_to_be_plausible_date_of_birth": ["P3"],
        "expect_column_pair_values_to_be_chronological": ["P2"],
    }
