"""Person stated gender code (NHS Data Dictionary)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _agreement import assert_agrees_with_scalar
from dataclean import exceptions as exc
from dataclean.fields import gender


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1", "1"),
        (1, "1"),
        (2.0, "2"),
        ("M", "1"),
        (" male ", "1"),
        ("Male.", "1"),
        ("BOY", "1"),
        ("f", "2"),
        ("Woman", "2"),
        ("girl", "2"),
        ("9", "9"),
        ("Indeterminate", "9"),
        ("Indeterminate (unable to be classified)", "9"),
        ("X", "X"),
        ("x", "X"),
        ("Not Known", "X"),
        ("not-stated", "X"),
        ("Prefer not to say", "X"),
        ("0", "X"),
        (0, "X"),
        ("Male\xa0", "1"),  # no-break space pasted from a spreadsheet
    ],
)
def test_codes(raw, code):
    assert gender.validate(raw) == code
    assert gender.is_valid(raw)


@pytest.mark.parametrize(
    ("raw", "error", "reason"),
    [
        ("N/A", exc.PlaceholderValue, "placeholder"),
        ("NULL", exc.PlaceholderValue, "placeholder"),
        ("test", exc.PlaceholderValue, "placeholder"),
        ("-", exc.PlaceholderValue, "placeholder"),
        ("Non-binary", exc.InvalidComponent, "unknown_code"),  # a gender identity, not a stated gender code
        ("Other", exc.InvalidComponent, "unknown_code"),
        ("3", exc.InvalidComponent, "unknown_code"),
        ("-1", exc.InvalidComponent, "unknown_code"),
        ("Mâle", exc.InvalidComponent, "unknown_code"),
        ("", exc.MissingValue, "missing"),
        (True, exc.InvalidType, "invalid_type"),
        (1.5, exc.InvalidType, "invalid_type"),
    ],
)
def test_rejects_with_reason(raw, error, reason):
    with pytest.raises(error) as info:
        gender.validate(raw)
    assert info.value.reason == reason
    assert gender.reason_series(pd.Series([raw], dtype=object)).iloc[0] == reason


def test_notes_status_and_labels():
    s = pd.Series(["2", "Female", "0", "X", "unknown", "N/A", None], index=list("abcdefg"), name="sex")
    r = gender.standardise_series(s)
    assert r.value.fillna("").tolist() == ["2", "2", "X", "X", "X", "", ""]
    assert r.status.tolist() == ["unchanged", "changed", "changed", "unchanged", "changed", "invalid", "missing"]
    assert r.reason.fillna("").tolist() == ["", "", "", "", "", "placeholder", "missing"]
    assert r.note.fillna("").tolist() == ["", "", "legacy_code", "not_known", "not_known", "", ""]
    assert list(r.value.index) == list("abcdefg")
    assert gender.LABELS == {
        "1": "Male",
        "2": "Female",
        "9": "Indeterminate (unable to be classified)",
        "X": "Not known (not recorded)",
    }
    for code, label in gender.LABELS.items():
        assert gender.validate(label) == code
        assert gender.format(code) == label


def test_integer_and_float_columns():
    r = gender.standardise_series(pd.Series([1, 2, 9, 0, 3], dtype="int64"))
    assert r.value.fillna("").tolist() == ["1", "2", "9", "X", ""]
    assert r.reason.fillna("").tolist() == ["", "", "", "", "unknown_code"]
    assert r.note.fillna("").tolist() == ["", "", "", "legacy_code", ""]
    f = gender.standardise_series(pd.Series([1.0, np.nan, 2.0]))
    assert f.status.tolist() == ["unchanged", "missing", "unchanged"]


def test_junk_never_raises_and_input_not_mutated():
    junk = [None, np.nan, pd.NA, b"M", "😀", "M" * 10**6, 1.5, True, ["M"], float("inf")]
    s = pd.Series(junk, dtype=object)
    before = s.copy()
    r = gender.standardise_series(s)
    pd.testing.assert_series_equal(s, before)
    assert not r.valid.any()
    assert r.reason.tolist() == [
        "missing",
        "missing",
        "missing",
        "invalid_type",
        "unknown_code",
        "invalid_length",
        "invalid_type",
        "invalid_type",
        "invalid_type",
        "invalid_type",
    ]
    assert not any(gender.is_valid(v) for v in junk)


def test_long_string_column_uses_distinct_values_and_agrees():
    values = ["M", "female", "0", None, "N/A", "Other"] * 1000
    a = gender.standardise_series(pd.Series(values, dtype="string"))
    b = gender.standardise_series(pd.Series(values, dtype=object))
    assert a.value.tolist() == b.value.tolist()
    assert a.reason.fillna("").tolist() == b.reason.fillna("").tolist()
    assert a.note.fillna("").tolist() == b.note.fillna("").tolist()
    assert a.reason_counts() == {"missing": 1000, "placeholder": 1000, "unknown_code": 1000}
    assert a.note_counts() == {"legacy_code": 1000}


gender_like = st.one_of(
    st.sampled_from(["M", "f", "Male", "X", "0", "9", "N/A", "unknown", "Other", "girl", "I", " m ", "Male\xa0"]),
    st.text(alphabet="MFXmfx019 ./-\xa0", max_size=6),
    st.text(max_size=8),
    st.integers(-2, 12),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(gender_like, max_size=20))
def test_series_agrees_with_scalar(values):
    assert_agrees_with_scalar(gender.standardise_series(pd.Series(values, dtype=object)), values, gender.validate)
