import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataclean import exceptions as exc
from dataclean.fields import uprn


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("100012345678", "100012345678"),
        ("000100012345", "100012345"),
        (" 10023 ", "10023"),
        (10023, "10023"),
        (10023.0, "10023"),
        ("1", "1"),
    ],
)
def test_valid(raw, canonical):
    assert uprn.validate(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1234567890123", "invalid_length"),
        ("0", "invalid_component"),
        ("000", "invalid_component"),
        ("UPRN1", "invalid_format"),
        ("-5", "invalid_format"),
        (10023.5, "invalid_type"),
        ("١٢٣", "invalid_format"),
    ],
)
def test_invalid(raw, reason):
    with pytest.raises(exc.ValidationError) as info:
        uprn.validate(raw)
    assert info.value.reason == reason


def test_numeric_columns_from_csv():
    r = uprn.standardise_series(pd.Series([100012345678.0, np.nan, 10023.0]))
    assert r.value.fillna("").tolist() == ["100012345678", "", "10023"]
    assert r.status.tolist() == ["unchanged", "missing", "unchanged"]
    assert uprn.is_valid_series(pd.Series([5, 0], dtype="Int64")).tolist() == [True, False]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.text(alphabet="0123456789 x", max_size=15), st.integers(-5, 10**13), st.none()), max_size=20)
)
def test_series_agrees_with_scalar(values):
    r = uprn.standardise_series(pd.Series(values, dtype=object))
    for i, v in enumerate(values):
        assert bool(r.valid.iloc[i]) == uprn.is_valid(v), v
        if uprn.is_valid(v):
            assert r.value.iloc[i] == uprn.validate(v)


def test_text_written_from_a_float_column_and_excel_scientific_notation():
    s = pd.Series(["100012345678.0", "10023.00", "1.00012E+11", "1.2e11", "10023.5"])
    r = uprn.standardise_series(s)
    assert r.value.fillna("").tolist() == ["100012345678", "10023", "", "", ""]
    assert r.status.tolist() == ["changed", "changed", "invalid", "invalid", "invalid"]
    assert r.reason.fillna("").tolist() == ["", "", "scientific_notation", "scientific_notation", "invalid_format"]
    with pytest.raises(exc.InvalidFormat) as info:
        uprn.validate("1.00012E+11")
    assert info.value.reason == "scientific_notation"


def test_junk_never_raises_and_input_not_mutated():
    junk = [None, np.nan, pd.NA, b"10023", "😀", "9" * 10**6, 1.5, True, -1, float("inf")]
    s = pd.Series(junk, dtype=object)
    before = s.copy()
    r = uprn.standardise_series(s)
    pd.testing.assert_series_equal(s, before)
    assert not r.valid.any()
    assert r.reason.tolist() == [
        "missing",
        "missing",
        "missing",
        "invalid_type",
        "invalid_format",
        "invalid_length",
        "invalid_type",
        "invalid_type",
        "invalid_format",
        "invalid_type",
    ]
    assert not any(uprn.is_valid(v) for v in junk)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="0123456789.eE+ x", max_size=15), st.none()), max_size=20))
def test_series_reasons_agree_with_scalar(values):
    r = uprn.standardise_series(pd.Series(values, dtype=object))
    for i, v in enumerate(values):
        try:
            uprn.validate(v)
            expected = None
        except exc.ValidationError as e:
            expected = e.reason
        assert (None if pd.isna(r.reason.iloc[i]) else r.reason.iloc[i]) == expected, v
