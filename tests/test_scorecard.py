"""Scores on a frame with a known set of planted defects (see conftest.planted)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dataclean import validate

SUITE = Path(__file__).parent / "data" / "planted_suite.yml"


@pytest.fixture
def report(planted):
    return validate(planted, SUITE)


def test_expectation_scores_are_exact(report):
    card = report.scorecard
    got = {e.key: (e.element_count, e.missing_count, e.unexpected_count) for e in card.expectations}
    assert got == {
        "g_not_null__record_id": (20, 0, 0),
        "g_not_placeholder__record_id": (20, 0, 0),
        "g_unique__record_id": (20, 0, 0),
        "g_not_null__nhs_number": (20, 0, 1),  # one null
        "g_not_placeholder__nhs_number": (20, 1, 1),  # "UNKNOWN"
        "g_valid_nhs_number__nhs_number": (20, 1, 2),  # bad check digit + UNKNOWN
        # row 19 is row 0 written with spaces: a duplicate once standardised
        "g_unique__nhs_number": (20, 1, 2),
        "x01_column_pair_values_to_be_chronological__date_of_birth__date_of_death": (20, 17, 1),
        "g_recent__last_updated": (20, 0, 2),
    }


def test_dimension_and_overall_scores_are_exact(report):
    card = report.scorecard
    completeness = (1 + 1 + 19 / 20 + 18 / 19) / 4
    validity = 17 / 19
    uniqueness = (1 + 17 / 19) / 2
    consistency = 2 / 3
    timeliness = 18 / 20
    assert card.dimension("completeness").score == pytest.approx(completeness, abs=1e-12)
    assert card.dimension("validity").score == pytest.approx(validity, abs=1e-12)
    assert card.dimension("uniqueness").score == pytest.approx(uniqueness, abs=1e-12)
    assert card.dimension("consistency").score == pytest.approx(consistency, abs=1e-12)
    assert card.dimension("timeliness").score == pytest.approx(timeliness, abs=1e-12)
    # accuracy has no evidence: not assessed, not 100
    assert card.dimension("accuracy").score is None
    assert card.dimension("accuracy").status == "not_assessed"
    overall = (completeness + validity + uniqueness + consistency + timeliness) / 5
    assert card.overall_score == pytest.approx(overall, abs=1e-12)
    assert not card.passed


def test_rag_statuses_follow_thresholds(report):
    card = report.scorecard
    assert card.dimension("validity").status == "red"  # 0.895 < 0.95
    assert card.dimension("consistency").status == "red"
    assert card.dimension("timeliness").status == "amber"  # 0.90 at the 0.90 threshold, within the margin
    assert card.dimension("completeness").status == "green"
    assert any("validity score" in r for r in card.failure_reasons)


def test_examples_are_masked_by_default(report, planted):
    raw_numbers = set(planted["nhs_number"].dropna())
    for e in report.scorecard.expectations:
        for ex in e.examples:
            assert ex not in raw_numbers
            assert "*" in ex or ex == "<missing>"


def test_show_values_reveals_examples(planted):
    card = validate(planted, SUITE, show_values=True).scorecard
    assert "UNKNOWN" in card.expectation("g_valid_nhs_number__nhs_number").examples


def test_row_level_failures_carry_reason_codes(report):
    f = report.failures
    valid = f[f["expectation"] == "g_valid_nhs_number__nhs_number"].set_index("record_id")["reason"].to_dict()
    assert valid == {"R16": "invalid_checksum", "R17": "invalid_format"}
    assert set(f[f["expectation"] == "g_unique__nhs_number"]["record_id"]) == {"R00", "R19"}
    assert report.scorecard.expectation("g_valid_nhs_number__nhs_number").reasons == {
        "invalid_checksum": 1,
        "invalid_format": 1,
    }


def test_input_frame_is_not_modified(planted):
    before = planted.copy()
    validate(planted, SUITE)
    pd.testing.assert_frame_equal(planted, before)


def test_reference_date_override_changes_timeliness(planted):
    card = validate(planted, SUITE, reference_date="2025-07-01").scorecard
    assert card.dimension("timeliness").score == pytest.approx(18 / 20)
    card = validate(planted, SUITE, reference_date="2030-01-01").scorecard
    assert card.dimension("timeliness").score == 0.0


def test_clean_data_passes(planted):
    good = planted.iloc[:16].copy()
    good["date_of_death"] = None
    good["last_updated"] = "2025-12-01"
    card = validate(good, SUITE).scorecard
    assert card.passed, card.failure_reasons
    assert card.overall_score == 1.0
    assert card.status == "green"


@pytest.mark.parametrize(
    "ids",
    [
        pd.Series(["A1", None, "C3"], index=[10, 11, 12], dtype="string[pyarrow]"),
        pd.Series([101, 102, 103], index=[10, 11, 12]),
        pd.Series([1.0, float("nan"), 3.5], index=[10, 11, 12]),
        pd.Series([101, None, 103], index=[10, 11, 12], dtype="Int64"),  # nullable ids, one missing
        pd.Series([True, None, False], index=[10, 11, 12], dtype="boolean"),
        pd.Series(["A1", None, 7], index=[10, 11, 12], dtype=object),
        None,
    ],
)
def test_failure_rows_are_arrow_text_as_astype_string_writes_them(ids):
    """Failure rows are built in Arrow (a million of them when most rows fail), with the texts
    ``astype("string")`` gave: row labels, record ids of any type (missing stays missing)."""
    from dataclean.scorecard.build import FAILURE_COLUMNS, failure_rows
    from dataclean.suite import ExpectationSpec

    kind_type = "expect_column_values_to_be_valid_nhs_number"
    spec = ExpectationSpec(key="nhs_valid", type=kind_type, kwargs={"column": "nhs"}, dimension="validity")
    rows = [12, 11, 10]  # 11: the missing id
    reasons = pd.Series(["invalid_checksum", "bad_length", "test_range"], index=rows, dtype="string[pyarrow]")
    cases = (
        (reasons, ["invalid_checksum", "bad_length", "test_range"]),
        (None, [kind_type.removeprefix("expect_")] * 3),
    )
    for row_reasons, expected_reason in cases:
        out = failure_rows(rows, spec, ids, row_reasons)
        assert list(out.columns) == list(FAILURE_COLUMNS)
        assert all(out[c].dtype == pd.StringDtype("pyarrow") for c in out.columns)
        assert out["row"].tolist() == ["12", "11", "10"]
        expected_ids = [pd.NA] * 3 if ids is None else ids.loc[rows].astype("string").tolist()
        plain = [None if pd.isna(v) else v for v in out["record_id"]]
        assert plain == [None if pd.isna(v) else v for v in expected_ids]
        assert out["reason"].tolist() == expected_reason
        assert out[["column", "expectation", "dimension", "severity"]].values.tolist() == [
            ["nhs", "nhs_valid", "validity", "critical"]
        ] * 3
