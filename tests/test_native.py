"""The native engine (``dataclean.engines.native``) gives GX's results, result by result.

Each case runs a suite's expectations both ways on the same standardised frame: through
great-expectations (as every validation did before the native engine) and through
``jobs.validate.run_gx``, which runs what it can natively. Counts, failing row labels, the first
failing values, success and the order of the results must all agree.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dataclean import validate
from dataclean.checks import precomputed
from dataclean.engines import native
from dataclean.exceptions import ConfigError
from dataclean.jobs.validate import PARTIAL_UNEXPECTED, run_gx, standardise_for_checks
from dataclean.suite import load_suite
from dataclean.synth import example_path

ROOT = Path(__file__).parents[1]
REF = "2026-11-24"
EXAMPLES = [
    ("social_care_person", "example_people.csv"),
    ("housing_benefit_claim", "example_housing_benefit.csv"),
    ("council_tax_account", "example_council_tax.csv"),
]


def gx_only(frame, suite, standardised):
    """The suite's results from great-expectations alone (the path before the native engine)."""
    from dataclean.gx import validate_frame_by_columns

    cache = {c: (suite.columns[c].kind, r) for c, r in standardised.items() if c in suite.columns}
    fmt = {"result_format": "COMPLETE", "partial_unexpected_count": PARTIAL_UNEXPECTED,
           "return_unexpected_index_query": False}  # fmt: skip
    with precomputed(cache):
        return validate_frame_by_columns(frame, suite.to_gx(), result_format=fmt)


def same_value(a, b) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if a is pd.NA or b is pd.NA or a is None or b is None:
        return pd.isna(a) and pd.isna(b)
    return a == b


def assert_same_results(ours, theirs) -> int:
    """Assert the two result lists agree; return how many of ours ran natively."""
    assert [r.expectation_config.meta["dataclean_key"] for r in ours] == [
        r.expectation_config.meta["dataclean_key"] for r in theirs
    ]
    natively = 0
    for a, b in zip(ours, theirs, strict=True):
        key = a.expectation_config.meta["dataclean_key"]
        natively += isinstance(a, native.NativeResult)
        ra, rb = dict(a.result), dict(b.result)
        for k in ("element_count", "unexpected_count", "unexpected_index_list"):
            assert ra.get(k) == rb.get(k), (key, k, ra.get(k), rb.get(k))
        assert ra.get("missing_count") == rb.get("missing_count"), key
        pa, pb = ra.get("partial_unexpected_list", []), rb.get("partial_unexpected_list", [])
        assert len(pa) == len(pb) and all(same_value(x, y) for x, y in zip(pa, pb, strict=True)), key
        assert bool(a.success) == bool(b.success), key
        assert bool(a.exception_info.get("raised_exception")) == bool(b.exception_info.get("raised_exception")), key
    return natively


@pytest.mark.parametrize(("suite_name", "example"), EXAMPLES)
def test_native_agrees_with_gx_on_shipped_suites(suite_name, example):
    suite = load_suite(suite_name).with_reference_date(REF)
    data = pd.read_csv(example_path(example), dtype="string")
    frame, standardised = standardise_for_checks(data, suite)
    ours = run_gx(frame, suite, standardised)
    natively = assert_same_results(ours, gx_only(frame, suite, standardised))
    assert natively >= len(ours) // 2  # most of a shipped suite runs without GX


MESSY_SUITE = """\
dataclean_suite: 1
name: messy
reference_date: 2026-11-24
columns:
  id: {role: id, required: true, unique: true}
  nhs: {role: nhs_number, required: true, mostly: 0.5}
  dob: {role: date_of_birth, required: true}
  seen: {required: false}
  amount: {required: false}
  phone: {role: phone, mostly: 0.4}
expectations:
  - {type: expect_column_pair_values_to_be_chronological, column_A: dob, column_B: seen}
  - {type: expect_column_values_to_be_recent, column: seen, max_age_days: 400}
  - {type: expect_column_values_to_be_number_between, column: amount, min_value: 0, max_value: 100}
  - {type: expect_column_values_to_match_regex, column: amount, regex: "^[0-9]+$"}
"""


@pytest.fixture
def messy(tmp_path):
    path = tmp_path / "messy.yml"
    path.write_text(MESSY_SUITE, encoding="utf-8")
    df = pd.DataFrame(
        {
            "id": ["a", "b", "b", None, "c", "d", "e"],
            "nhs": ["943 476 5919", "9434765919", "123", None, "UNKNOWN", "9999999999", "999 000 0018"],
            "dob": ["01/01/1900", "2030-01-01", "07/03/1980", None, "1980-03-07", "junk", "31/02/1984"],
            "seen": ["2026-01-01", None, "1970-01-01", "2026-11-01", "x", "2026-11-20", "2027-01-01"],
            "amount": ["5", "£40", "200", None, "x", "7", "1,250"],
            "phone": ["07700 900123", "N/A", None, "0044 20 7946 0018", "123", "+44 (0)161 496 0000", "07911"],
        },
        index=[30, 10, 11, 12, 13, 14, 99],  # labels out of order: results must give labels, not positions
    ).astype("string")
    return load_suite(path), df


def test_native_agrees_with_gx_on_messy_rows_and_odd_labels(messy):
    suite, df = messy
    frame, standardised = standardise_for_checks(df, suite)
    ours = run_gx(frame, suite, standardised)
    natively = assert_same_results(ours, gx_only(frame, suite, standardised))
    # the "amount" group holds a regex (GX only), so both its expectations ran on GX, in their
    # place in the order; everything else ran natively
    assert natively == len(ours) - 2
    on_gx = [r.expectation_config.meta["dataclean_key"] for r in ours if not isinstance(r, native.NativeResult)]
    assert on_gx == ["x03_column_values_to_be_number_between__amount", "x04_column_values_to_match_regex__amount"]


def test_native_scorecard_and_failures_match_gx(messy, monkeypatch):
    suite, df = messy
    ours = validate(df, suite, dedupe=False)
    monkeypatch.setattr(native, "supports", lambda *a, **k: False)  # everything through GX
    theirs = validate(df, suite, dedupe=False)
    strip = ("timings", "generated_at")
    assert {k: v for k, v in ours.scorecard.to_dict().items() if k not in strip} == {
        k: v for k, v in theirs.scorecard.to_dict().items() if k not in strip
    }
    pd.testing.assert_frame_equal(ours.failures, theirs.failures)


def test_a_rule_that_raises_fails_its_expectation_with_the_message(tmp_path):
    suite_path = tmp_path / "ref.yml"
    suite_path.write_text(
        "dataclean_suite: 1\nname: ref\ncolumns:\n  postcode: {role: postcode}\nexpectations:\n"
        "  - {type: expect_column_values_to_be_in_reference_data, column: postcode,\n"
        f"     reference_path: {tmp_path / 'gone.csv'}, reference_column: postcode}}\n",
        encoding="utf-8",
    )
    df = pd.DataFrame({"postcode": ["SW1A 1AA", "M1 1AE"]})
    card = validate(df, load_suite(suite_path), dedupe=False).scorecard
    e = next(e for e in card.expectations if "in_reference" in e.key)
    assert not e.success and e.score == 0.0
    assert "gone.csv" in e.error


@pytest.mark.parametrize(
    ("etype", "kwargs"),
    [
        ("expect_column_values_to_not_be_null", {"column": "a", "mostly": 1.5}),
        ("expect_column_values_to_not_be_null", {"column": "a", "mostly": True}),
        ("expect_column_values_to_not_be_null", {"column": "a", "row_condition": "a>1"}),
        ("expect_column_values_to_be_recent", {"column": "a", "max_age_days": "30"}),
        ("expect_column_values_to_be_recent", {"column": "a", "reference_date": "24/11/2026"}),
        ("expect_column_values_to_not_be_placeholder", {"column": "a", "kind": "shoe_size"}),
        ("expect_column_pair_values_to_be_chronological", {"column_A": "a", "column_B": "b", "ignore_row_if": "never"}),
        ("expect_column_values_to_be_in_reference_data", {"column": "a", "reference_path": "x.csv"}),
        ("expect_column_values_to_match_regex", {"column": "a", "regex": "x"}),
    ],
)
def test_what_the_native_engine_leaves_to_gx(etype, kwargs):
    assert not native.supports(etype, kwargs)


def test_supported_and_missing_columns():
    assert native.supports("expect_column_values_to_be_valid_nhs_number", {"column": "a", "mostly": 0.9})
    assert not native.supports("expect_column_values_to_be_unique", {"column": "a"}, columns=["b"])


def test_bad_values_still_raise_a_config_error_naming_the_expectation(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text(
        "dataclean_suite: 1\nname: bad\ncolumns:\n  n: {role: nhs_number}\nexpectations:\n"
        "  - {type: expect_column_values_to_be_between, column: n, strict_min: maybe}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="invalid arguments for expect_column_values_to_be_between"):
        validate(pd.DataFrame({"n": ["9434765919"]}), load_suite(path), dedupe=False)


def test_a_generated_suite_validates_without_importing_great_expectations(tmp_path):
    suite = tmp_path / "people.yml"
    suite.write_text(
        "dataclean_suite: 1\nname: people\ncolumns:\n"
        "  record_id: {role: id, required: true, unique: true}\n"
        "  nhs_number: {role: nhs_number, required: true, mostly: 0.97}\n"
        "  date_of_birth: {role: date_of_birth, required: true}\n"
        "  postcode: {role: postcode, required: true}\n",
        encoding="utf-8",
    )
    code = (
        "import sys\n"
        "import dataclean\n"
        "from dataclean.synth import example_path\n"
        f"report = dataclean.validate(example_path('example_people.csv'), {str(suite)!r}, dedupe=False)\n"
        "assert report.scorecard.expectation('g_valid_nhs_number__nhs_number').unexpected_count == 5\n"
        "assert 'great_expectations' not in sys.modules, 'GX was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_scopes_of_native_types_agree_with_gx():
    from dataclean.jobs import scopes

    for etype in sorted(native.COLUMN_MAP_TYPES | native.PAIR_MAP_TYPES):
        from great_expectations.expectations.expectation import ColumnMapExpectation
        from great_expectations.expectations.registry import get_expectation_impl

        from dataclean.gx import ensure_registered

        ensure_registered()
        assert scopes.is_column_map(etype) == issubclass(get_expectation_impl(etype), ColumnMapExpectation), etype
        assert scopes.expectation_scope(etype) == ("unique" if etype == native.UNIQUE else "row"), etype


def test_clean_with_a_generated_suite_imports_no_great_expectations(tmp_path):
    suite = tmp_path / "people.yml"
    suite.write_text(
        "dataclean_suite: 1\nname: people\ncolumns:\n"
        "  record_id: {role: id, required: true, unique: true}\n"
        "  nhs_number: {role: nhs_number, required: true, mostly: 0.97}\n"
        "  postcode: {role: postcode, required: true}\n",
        encoding="utf-8",
    )
    code = (
        "import sys\n"
        "from dataclean.jobs.clean import clean_file\n"
        "from dataclean.synth import example_path\n"
        f"suite, out = {str(suite)!r}, {str(tmp_path)!r}\n"
        "for chunk in (None, 40):\n"
        "    r = clean_file(example_path('example_people.csv'), suite, f'{out}/{chunk}', chunk_size=chunk,\n"
        "                   formats=('json',))\n"
        "    assert r.rows_in > 40 and r.before.expectation('g_valid_nhs_number__nhs_number').unexpected_count == 5\n"
        "assert 'great_expectations' not in sys.modules, 'GX was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_failure_reasons_from_the_run_results_equal_the_field_modules(messy, monkeypatch):
    """Failing rows' reasons are read from the run's own field results; the field module run
    again on the failing raw values gives the same reasons."""
    from dataclean.scorecard import build

    suite, df = messy
    ours = validate(df, suite, dedupe=False)
    monkeypatch.setattr(build, "_known_reasons", lambda *a, **k: None)
    again = validate(df, suite, dedupe=False)
    pd.testing.assert_frame_equal(ours.failures, again.failures)
    assert set(ours.failures["reason"]) >= {"invalid_length", "invalid_format", "placeholder"}
    assert ours.scorecard.to_dict()["expectations"] == again.scorecard.to_dict()["expectations"]
