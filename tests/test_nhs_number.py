import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataclean import exceptions as exc
from dataclean.fields import nhs_number


@pytest.mark.parametrize(
    "raw",
    [
        "9434765919",
        "943 476 5919",
        "943-476-5919",
        " 943 476 5919 ",
        "943.476.5919",
        9434765919,
        9434765919.0,
    ],
)
def test_accepts_common_spellings(raw):
    assert nhs_number.validate(raw) == "9434765919"
    assert nhs_number.is_valid(raw)


@pytest.mark.parametrize(
    ("raw", "error", "reason"),
    [
        ("9434765918", exc.InvalidChecksum, "invalid_checksum"),
        ("943476591", exc.InvalidLength, "invalid_length"),
        ("94347659190", exc.InvalidLength, "invalid_length"),
        ("94347659a9", exc.InvalidFormat, "invalid_format"),
        ("４３４７６５９１９", exc.InvalidFormat, "invalid_format"),  # full-width digits are not ASCII
        ("0000000000", exc.PlaceholderValue, "placeholder"),
        ("1111111111", exc.PlaceholderValue, "placeholder"),
        ("", exc.MissingValue, "missing"),
        (None, exc.MissingValue, "missing"),
        (b"9434765919", exc.InvalidType, "invalid_type"),
        (9434765919.5, exc.InvalidType, "invalid_type"),
    ],
)
def test_rejects_with_reason(raw, error, reason):
    with pytest.raises(error) as info:
        nhs_number.validate(raw)
    assert info.value.reason == reason
    assert not nhs_number.is_valid(raw)


def test_check_digit_ten_is_never_valid():
    # 1*10 + 0 ... + 1*2 = 12 -> remainder 1 -> check 10: no tenth digit can make it valid
    nine = "100000001"
    assert nhs_number.checksum(nine) == 10
    assert not any(nhs_number.is_valid(nine + str(d)) for d in range(10))
    s = pd.Series([nine + str(d) for d in range(10)])
    assert not nhs_number.is_valid_series(s).any()


def test_check_digit_eleven_becomes_zero():
    # 1*10 + 1*9 + 1*3 = 22 -> remainder 0 -> check 11 -> 0
    nine = "110000010"
    assert nhs_number.checksum(nine) == 0
    assert nhs_number.is_valid(nine + "0")
    assert nhs_number.is_valid_series(pd.Series([nine + "0"])).all()


def test_format_and_test_range_note():
    assert nhs_number.format("9434765919") == "943 476 5919"
    r = nhs_number.standardise_series(pd.Series(["999 000 0026", "9434765919"]))
    assert list(r.value) == ["9990000026", "9434765919"]
    assert list(r.reason.fillna("")) == ["", ""]
    assert list(r.note.fillna("")) == ["test_range", ""]
    assert list(r.status) == ["changed", "unchanged"]


def test_series_keeps_index_and_does_not_mutate():
    s = pd.Series(["943 476 5919", None, "bad"], index=[10, 20, 30], name="nhs")
    before = s.copy()
    r = nhs_number.standardise_series(s)
    pd.testing.assert_series_equal(s, before)
    assert list(r.value.index) == [10, 20, 30]
    assert list(r.status) == ["changed", "missing", "invalid"]
    assert list(nhs_number.is_valid_series(s)) == [True, False, False]
    assert list(nhs_number.reason_series(s).fillna("ok")) == ["ok", "missing", "invalid_format"]


def test_integer_and_float_columns():
    s = pd.Series([9434765919, 9434765918], dtype="int64")
    assert list(nhs_number.is_valid_series(s)) == [True, False]
    f = pd.Series([9434765919.0, float("nan")])
    r = nhs_number.standardise_series(f)
    # the digits are the same, so a numeric column read from CSV counts as unchanged
    assert list(r.status) == ["unchanged", "missing"]
    assert list(r.value.fillna("")) == ["9434765919", ""]


nhs_like = st.one_of(
    st.text(alphabet="0123456789 -", min_size=0, max_size=14),
    st.from_regex(r"9[0-9]{2} ?[0-9]{3} ?[0-9]{4}", fullmatch=True),
    st.text(max_size=12),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(nhs_like, max_size=30))
def test_series_agrees_with_scalar(values):
    s = pd.Series(values, dtype=object)
    r = nhs_number.standardise_series(s)
    for i, v in enumerate(values):
        if nhs_number.is_valid(v):
            assert r.valid.iloc[i], v
            assert r.value.iloc[i] == nhs_number.validate(v)
        else:
            assert not r.valid.iloc[i], v


@settings(max_examples=300, deadline=None)
@given(st.lists(nhs_like, max_size=30))
def test_arrow_fast_path_agrees_with_scalar(values):
    s = pd.Series(values, dtype="string")  # pyarrow-backed: is_valid_series takes the Arrow path
    assert list(nhs_number.is_valid_series(s)) == [nhs_number.is_valid(v) for v in values]


def test_long_padding_is_judged_after_trimming():
    padded = " " * 100 + "9434765919" + " " * 100
    assert nhs_number.is_valid(padded)
    assert nhs_number.is_valid_series(pd.Series([padded], dtype="string")).all()
    assert nhs_number.standardise_series(pd.Series([padded], dtype=object)).valid.all()
