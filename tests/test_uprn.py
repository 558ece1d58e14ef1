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
