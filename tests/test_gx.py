"""Each dataclean GX expectation on passing and failing data, and its JSON round trip."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dataclean.gx import ensure_registered, validate_frame

EXPECTATIONS = ensure_registered()

import great_expectations as gx  # noqa: E402  (after registration)

# kind -> (good values, bad values); every bad value is invalid for that kind
KIND_SAMPLES: dict[str, tuple[list, list]] = {
    "nhs_number": (["943 476 5919", "9990000026"], ["9434765918", "12345"]),
    "nino": (["AB 12 34 56 C", "ce123456a"], ["QQ123456C", "AB12345"]),
    "postcode": (["sw1a 1aa", "CM1 1QH"], ["SW1A", "123 456"]),
    "phone": (["020 7946 0000", "+44 161 496 0123"], ["12345", "0207 946"]),
    "email": (["Jo.Bloggs@Example.ORG", "a@b.co.uk"], ["jo.bloggs.example.org", "a@@b"]),
    "uprn": (["100012345678", "10023"], ["UPRN1", "1234567890123"]),
    "date_of_birth": (["07/03/1984", "1984-03-07"], ["31/02/1984", "3000-01-01"]),
    "person_name": (["mary-jane", "O'BRIEN"], ["12345", "M@ry"]),
    "gender": (["F", "male"], ["Q", "banana"]),
    "ethnicity": (["A", "White British"], ["Q1", "banana"]),
    "address": (
        ["12 High Street, Chelmsford CM1 1QH", "Flat 3, 12 High St, Chelmsford CM1 1QH"],
        ["!!!", "12345"],
    ),
}


def run(expectation, df):
    suite = gx.ExpectationSuite(name="t", expectations=[expectation])
    return validate_frame(df, suite, result_format="COMPLETE").results[0]


def roundtrip(expectation):
    suite = gx.ExpectationSuite(name="t", expectations=[expectation])
    doc = json.loads(json.dumps(suite.to_json_dict()))
    again = gx.ExpectationSuite(**doc)
    assert type(again.expectations[0]) is type(expectation)
    assert again.to_json_dict() == suite.to_json_dict()


@pytest.mark.parametrize("kind", sorted(KIND_SAMPLES))
def test_kind_expectation_pass_fail_and_roundtrip(kind):
    from dataclean.gx.expectations import KIND_EXPECTATIONS

    good, bad = KIND_SAMPLES[kind]
    cls = KIND_EXPECTATIONS[kind]
    ok = run(cls(column="x"), pd.DataFrame({"x": [*good, None]}))
    assert ok.success, (kind, ok.result)
    fail = run(cls(column="x"), pd.DataFrame({"x": [*good, *bad, None]}))
    assert not fail.success
    assert fail.result["unexpected_count"] == len(bad)
    assert fail.result["unexpected_index_list"] == list(range(len(good), len(good) + len(bad)))
    tolerant = run(cls(column="x", mostly=0.4), pd.DataFrame({"x": [*good, *bad]}))
    assert tolerant.success
    roundtrip(cls(column="x", mostly=0.9))


def test_placeholder_expectation():
    cls = EXPECTATIONS["expect_column_values_to_not_be_placeholder"]
    df = pd.DataFrame({"pc": ["CM1 1QH", "ZZ99 3VZ", "unknown", "N/A", None]})
    generic = run(cls(column="pc"), df)
    assert generic.result["unexpected_index_list"] == [2, 3]
    specific = run(cls(column="pc", kind="postcode"), df)
    assert specific.result["unexpected_index_list"] == [1, 2, 3]  # ZZ99 3VZ: no fixed abode
    dob = run(cls(column="d", kind="date_of_birth"), pd.DataFrame({"d": ["01/01/1900", "07/03/1984"]}))
    assert dob.result["unexpected_index_list"] == [0]
    roundtrip(cls(column="pc", kind="postcode"))


def test_plausible_date_of_birth():
    cls = EXPECTATIONS["expect_column_values_to_be_plausible_date_of_birth"]
    df = pd.DataFrame({"d": ["07/03/1984", "2027-01-01", "01/01/1900", "1890-05-05", "1984-03-07"]})
    r = run(cls(column="d", reference_date="2026-11-24"), df)
    assert r.result["unexpected_index_list"] == [1, 2, 3]
    roundtrip(cls(column="d", reference_date="2026-11-24", max_age_years=110))


def test_recent():
    cls = EXPECTATIONS["expect_column_values_to_be_recent"]
    df = pd.DataFrame({"u": ["2026-11-01", "2024-01-01", "2027-01-01", "01/10/2026"]})
    r = run(cls(column="u", max_age_days=365, reference_date="2026-11-24"), df)
    assert r.result["unexpected_index_list"] == [1, 2]  # too old; in the future
    roundtrip(cls(column="u", max_age_days=30))


def test_in_reference_data(tmp_path):
    ref = tmp_path / "register.csv"
    pd.DataFrame({"postcode": ["CM1 1QH", "CO1 1AA"]}).to_csv(ref, index=False)
    cls = EXPECTATIONS["expect_column_values_to_be_in_reference_data"]
    df = pd.DataFrame({"pc": ["cm11qh", "CO1 1AA", "SW1A 1AA"]})
    r = run(cls(column="pc", reference_path=str(ref), reference_column="postcode", kind="postcode"), df)
    assert r.result["unexpected_index_list"] == [2]
    roundtrip(cls(column="pc", reference_path=str(ref), reference_column="postcode"))


def test_chronological_pair():
    cls = EXPECTATIONS["expect_column_pair_values_to_be_chronological"]
    df = pd.DataFrame(
        {
            "dob": ["1950-01-01", "1950-01-01", "07/03/1984", None],
            "dod": ["2020-01-01", "1949-12-31", "06/03/1984", "2020-01-01"],
        }
    )
    r = run(cls(column_A="dob", column_B="dod"), df)
    assert r.result["unexpected_index_list"] == [1, 2]
    assert r.result["unexpected_count"] == 2
    roundtrip(cls(column_A="dob", column_B="dod", mostly=0.9))


def test_age_matches_dob():
    cls = EXPECTATIONS["expect_column_pair_age_to_match_date_of_birth"]
    df = pd.DataFrame({"dob": ["1984-03-07", "1984-03-07", "2000-12-31", "1990-01-01"], "age": [42, 30, 25, None]})
    r = run(cls(column_A="dob", column_B="age", reference_date="2026-11-24"), df)
    assert r.result["unexpected_index_list"] == [1]  # 42 ok; 30 wrong; 2000-12-31 is 25 (26 in Dec)
    roundtrip(cls(column_A="dob", column_B="age", tolerance_years=0))


def test_fingerprint_constant_still_exists_and_is_switched_only_inside_dataclean():
    """We switch off GX's whole-frame MD5 fingerprint through a private constant; notice if it moves,
    and check that the host's value is back once dataclean's block ends (also when it raises)."""
    import great_expectations.execution_engine.pandas_execution_engine as pee

    from dataclean.gx import no_fingerprint

    assert hasattr(pee, "HASH_THRESHOLD") and pee.HASH_THRESHOLD == 1e9
    with no_fingerprint():
        assert pee.HASH_THRESHOLD == 0
        with no_fingerprint():
            assert pee.HASH_THRESHOLD == 0
        assert pee.HASH_THRESHOLD == 0
    assert pee.HASH_THRESHOLD == 1e9
    with pytest.raises(RuntimeError), no_fingerprint():
        raise RuntimeError("boom")
    assert pee.HASH_THRESHOLD == 1e9


def test_metric_names_are_namespaced():
    from great_expectations.expectations.registry import _registered_metrics

    ours = [m for m in _registered_metrics if "dataclean" in m]
    assert ours and all(".dataclean_" in m for m in ours)


def test_valid_codes_are_not_placeholders_for_their_kind():
    """Gender "X" (not known) and "0" (legacy) are valid codes, not placeholders, once the kind is given."""
    cls = EXPECTATIONS["expect_column_values_to_not_be_placeholder"]
    df = pd.DataFrame({"g": ["X", "0", "F", "unknown", "N/A"]})
    assert run(cls(column="g"), df).result["unexpected_index_list"] == [0, 1, 3, 4]
    r = run(cls(column="g", kind="gender"), df)
    assert r.result["unexpected_index_list"] == [4]  # "unknown" maps to X; "N/A" is a placeholder


def test_number_between_on_text_columns():
    cls = EXPECTATIONS["expect_column_values_to_be_number_between"]
    df = pd.DataFrame({"n": ["40", "£1,250.50", "600.01", "abc", "-1", None]})
    r = run(cls(column="n", min_value=0, max_value=2000), df)
    assert r.result["unexpected_index_list"] == [3, 4]
    roundtrip(cls(column="n", min_value=0))


def test_placeholder_mask_per_distinct_value_matches_the_row_rule():
    from dataclean.gx.expectations import placeholder_mask

    values = [" unknown ", "N/A", "n /  a", "MIßING", None, "", "Ünknown", "x", "NOT\tKNOWN", "\xa0n/a", "Jane"] * 300
    for dtype in (object, "string", pd.StringDtype("pyarrow")):
        got = placeholder_mask(pd.Series(values, dtype=dtype)).tolist()
        # trimmed, upper-cased, whitespace runs as one space; non-ASCII text through Python's upper()
        assert got[:11] == [True, True, False, False, False, False, False, True, True, True, False], dtype
        assert got == got[:11] * 300


def test_stored_expectation_vocabulary_matches_installed_gx():
    """Suites check type and argument names against schemas/expectation-types.json (no GX at
    load); it must say what the installed GX registry says. Fix: scripts/refresh_expectation_types.py."""
    import importlib.util
    from pathlib import Path

    from dataclean.suite import vocabulary

    script = Path(__file__).resolve().parents[1] / "scripts" / "refresh_expectation_types.py"
    spec = importlib.util.spec_from_file_location("refresh_expectation_types", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.build()
    stored = vocabulary._table()
    assert fresh["types"] == stored["types"] and fresh["common"] == stored["common"]
    assert set(ensure_registered()) <= vocabulary.expectation_types()
