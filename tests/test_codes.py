"""Gender and ethnic category code lists."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataclean import exceptions as exc
from dataclean.fields import ethnicity, gender


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1", "1"),
        (1, "1"),
        (2.0, "2"),
        ("M", "1"),
        ("male", "1"),
        ("Woman", "2"),
        ("f", "2"),
        ("GIRL", "2"),
        ("Indeterminate", "9"),
        ("X", "X"),
        ("not known", "X"),
        ("Prefer not to say", "X"),
        ("0", "X"),
    ],
)
def test_gender_codes(raw, code):
    assert gender.validate(raw) == code


def test_gender_notes_and_unknowns():
    r = gender.standardise_series(pd.Series(["0", "X", "F", "banana", "", None]))
    assert r.value.fillna("").tolist() == ["X", "X", "2", "", "", ""]
    assert r.reason.fillna("").tolist() == ["", "", "", "unknown_code", "missing", "missing"]
    assert r.note.fillna("").tolist() == ["legacy_code", "not_known", "", "", "", ""]
    with pytest.raises(exc.InvalidComponent) as info:
        gender.validate("Q")
    assert info.value.reason == "unknown_code"
    assert gender.format("f") == "Female"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("A", "A"),
        ("White British", "A"),
        ("british", "A"),
        ("A - White British", "A"),
        ("Irish", "B"),
        ("Any other White background", "C"),
        ("Mixed: White and Asian", "F"),
        ("Indian", "H"),
        ("black african", "N"),
        ("Caribbean", "M"),
        ("Chinese", "R"),
        ("Prefer not to say", "Z"),
        ("99", "99"),
        ("Not stated", "Z"),
    ],
)
def test_ethnicity_codes(raw, code):
    assert ethnicity.validate(raw) == code


def test_ethnicity_labels_round_trip():
    for code, label in ethnicity.LABELS.items():
        assert ethnicity.validate(label) == code
        assert ethnicity.format(code) == label
    r = ethnicity.standardise_series(pd.Series(["Z", "99", "Q1", "White British"]))
    assert r.reason.fillna("").tolist() == ["", "", "unknown_code", ""]
    assert r.note.fillna("").tolist() == ["not_stated", "not_known", "", ""]


text_like = st.one_of(
    st.sampled_from(["M", "f", "Male", "X", "0", "9", "A", "White British", "Z", "99", "Q"]),
    st.text(max_size=8),
    st.integers(-2, 12),
    st.none(),
)


@pytest.mark.parametrize("module", [gender, ethnicity], ids=["gender", "ethnicity"])
@settings(max_examples=200, deadline=None)
@given(values=st.lists(text_like, max_size=20))
def test_series_agrees_with_scalar(module, values):
    r = module.standardise_series(pd.Series(values, dtype=object))
    for i, v in enumerate(values):
        ok = module.is_valid(v)
        assert bool(r.valid.iloc[i]) == ok, v
        if ok:
            assert r.value.iloc[i] == module.validate(v)
