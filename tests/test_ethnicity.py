"""Ethnic category code (NHS Data Dictionary, 2001 census categories)."""

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _agreement import assert_agrees_with_scalar
from dataclean import exceptions as exc
from dataclean.fields import ethnicity


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("A", "A"),
        ("a", "A"),
        ("White British", "A"),
        ("British", "A"),
        ("White: English, Welsh, Scottish, Northern Irish or British", "A"),  # 2011/2021 census wording
        ("White - English/Welsh/Scottish/Northern Irish/British", "A"),
        ("A - White British", "A"),
        ("Irish", "B"),
        ("White Irish", "B"),
        ("Any other White background", "C"),
        ("White - other", "C"),
        ("Gypsy or Irish Traveller", "C"),
        ("Roma", "C"),
        ("Mixed White and Black Caribbean", "D"),
        ("White & Black African", "E"),
        ("Mixed: White and Asian", "F"),
        ("white/asian", "F"),
        ("Mixed/Multiple ethnic groups: Any other Mixed/Multiple ethnic background", "G"),
        ("Indian", "H"),
        ("Asian or Asian British - Pakistani", "J"),
        ("Bangladeshi", "K"),
        ("Asian - other", "L"),
        ("Caribbean", "M"),
        ("Black Caribbean", "M"),
        ("African", "N"),
        ("Black or Black British: African", "N"),
        ("Any other Black background", "P"),
        ("Chinese", "R"),
        ("Asian - Chinese", "R"),  # Chinese moved under Asian in 2011
        ("Arab", "S"),
        ("Any other ethnic group", "S"),
        ("Other", "S"),
        ("Not stated", "Z"),
        ("Prefer not to say", "Z"),
        ("Declined", "Z"),
        ("99", "99"),
        (99, "99"),
        ("Not known", "99"),
        ("Unknown", "99"),
        (" Indian\xa0", "H"),
    ],
)
def test_codes(raw, code):
    assert ethnicity.validate(raw) == code
    assert ethnicity.is_valid(raw)


def test_department_for_education_codes():
    s = pd.Series(["WBRI", "WIRT", "MWAS", "AIND", "BCRB", "BAFR", "CHNE", "OOTH", "REFU", "NOBT"])
    r = ethnicity.standardise_series(s)
    assert r.value.tolist() == ["A", "C", "F", "H", "M", "N", "R", "S", "Z", "99"]
    assert r.note.fillna("").tolist()[-2:] == ["not_stated", "not_known"]
    assert r.reason.isna().all()
    assert set(ethnicity.DFE_CODES.values()) <= set(ethnicity.LABELS)


@pytest.mark.parametrize(
    ("raw", "error", "reason"),
    [
        ("White", exc.InvalidComponent, "group_only"),
        ("Mixed", exc.InvalidComponent, "group_only"),
        ("Asian or Asian British", exc.InvalidComponent, "group_only"),
        ("Black British", exc.InvalidComponent, "group_only"),
        ("N/A", exc.PlaceholderValue, "placeholder"),
        ("NULL", exc.PlaceholderValue, "placeholder"),
        ("X", exc.PlaceholderValue, "placeholder"),
        ("Q", exc.InvalidComponent, "unknown_code"),
        ("Polish", exc.InvalidComponent, "unknown_code"),  # a nationality, not a category
        ("Indían", exc.InvalidComponent, "unknown_code"),
        ("", exc.MissingValue, "missing"),
        (b"A", exc.InvalidType, "invalid_type"),
    ],
)
def test_rejects_with_reason(raw, error, reason):
    with pytest.raises(error) as info:
        ethnicity.validate(raw)
    assert info.value.reason == reason
    assert ethnicity.reason_series(pd.Series([raw], dtype=object)).iloc[0] == reason


def test_labels_round_trip_and_no_spelling_maps_to_two_codes():
    for code, label in ethnicity.LABELS.items():
        assert ethnicity.validate(label) == code
        assert ethnicity.format(code) == label
    seen = defaultdict(set)
    for key, code in ethnicity._synonym_pairs():
        seen[key].add(code)
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}
    assert not (ethnicity.GROUP_ONLY & set(seen))


def test_status_notes_and_index():
    s = pd.Series(["A", "white british", "Z", "99", "Mixed", None], index=[3, 1, 4, 1, 5, 9])
    before = s.copy()
    r = ethnicity.standardise_series(s)
    pd.testing.assert_series_equal(s, before)
    assert list(r.value.index) == [3, 1, 4, 1, 5, 9]
    assert r.status.tolist() == ["unchanged", "changed", "unchanged", "unchanged", "invalid", "missing"]
    assert r.reason.fillna("").tolist() == ["", "", "", "", "group_only", "missing"]
    assert r.note.fillna("").tolist() == ["", "", "not_stated", "not_known", "", ""]


def test_junk_never_raises():
    junk = [None, np.nan, pd.NA, b"A", "😀", "A" * 10**6, 1.5, True, {"a": 1}]
    r = ethnicity.standardise_series(pd.Series(junk, dtype=object))
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
    ]
    assert not any(ethnicity.is_valid(v) for v in junk)


def test_long_string_column_agrees_with_object_column():
    values = ["White British", "A", "Mixed", None, "NULL", "WBRI", "Polish"] * 1000
    a = ethnicity.standardise_series(pd.Series(values, dtype="string"))
    b = ethnicity.standardise_series(pd.Series(values, dtype=object))
    assert a.value.tolist() == b.value.tolist()
    assert a.reason.fillna("").tolist() == b.reason.fillna("").tolist()
    assert a.counts() == {"unchanged": 1000, "changed": 2000, "invalid": 3000, "missing": 1000}


ethnicity_like = st.one_of(
    st.sampled_from(
        ["A", "white british", "Mixed", "White & Asian", "Z", "99", "N/A", "X", "WBRI", "Asian - other", "Other"]
    ),
    st.sampled_from(sorted(ethnicity.LABELS.values())),
    st.text(alphabet="ABCZabz9 &/-.\xa0", max_size=6),
    st.text(max_size=8),
    st.integers(-2, 120),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ethnicity_like, max_size=20))
def test_series_agrees_with_scalar(values):
    assert_agrees_with_scalar(ethnicity.standardise_series(pd.Series(values, dtype=object)), values, ethnicity.validate)
