import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataclean import exceptions as exc
from dataclean.fields import nino


@pytest.mark.parametrize("raw", ["AB123456C", "ab 12 34 56 c", "AB-12-34-56-C", " ce123456a "])
def test_valid(raw):
    assert nino.is_valid(raw)
    assert nino.validate(raw) == nino.compact(raw)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("QQ123456C", "invalid_component"),  # Q never first: the documentation example
        ("AO123456C", "invalid_component"),  # O never second
        ("DA123456A", "invalid_component"),
        ("AB123456E", "invalid_component"),  # suffix only A-D
        ("GB123456A", "unallocated_prefix"),
        ("NK123456A", "unallocated_prefix"),
        ("ZZ123456A", "unallocated_prefix"),
        ("TN070384M", "temporary_reference"),
        ("TN 07 03 84 F", "temporary_reference"),
        ("AB123456", "missing_suffix"),
        ("AB12345C", "invalid_format"),
        ("A1234567C", "invalid_format"),
        ("ÅB123456C", "invalid_format"),
    ],
)
def test_invalid_reasons(raw, reason):
    with pytest.raises(exc.ValidationError) as info:
        nino.validate(raw)
    assert info.value.reason == reason
    assert nino.reason_series(pd.Series([raw])).iloc[0] == reason


def test_administrative_prefix_is_a_note():
    r = nino.standardise_series(pd.Series(["pp 12 34 56 a", "AB123456C"]))
    assert r.valid.tolist() == [True, True]
    assert r.reason.fillna("").tolist() == ["", ""]
    assert r.note.fillna("").tolist() == ["administrative_prefix", ""]
    assert r.status.tolist() == ["changed", "unchanged"]


def test_format():
    assert nino.format("ab123456c") == "AB 12 34 56 C"


nino_like = st.one_of(
    st.from_regex(r"[A-Za-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Fa-fMm]?", fullmatch=True),
    st.text(alphabet="ABCDQTNZ0123456789 -", max_size=12),
    st.none(),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(nino_like, max_size=25))
def test_series_agrees_with_scalar(values):
    r = nino.standardise_series(pd.Series(values, dtype=object))
    for i, v in enumerate(values):
        ok = nino.is_valid(v)
        assert bool(r.valid.iloc[i]) == ok, v
        if ok:
            assert r.value.iloc[i] == nino.validate(v)
        elif v is not None and str(v).strip(" "):
            with pytest.raises(exc.ValidationError) as info:
                nino.validate(v)
            assert r.reason.iloc[i] == info.value.reason, v


def test_oo_breaks_the_second_letter_rule_even_though_some_lists_call_it_administrative():
    r = nino.standardise_series(pd.Series(["OO123456A", "CR123456A"]))
    assert r.reason.fillna("").tolist() == ["invalid_component", ""]
    assert r.note.fillna("").tolist() == ["", "administrative_prefix"]
    assert nino.reason_series(pd.Series(["OO123456A", "CR123456A"])).fillna("").tolist() == ["invalid_component", ""]


def test_junk_never_raises_and_input_not_mutated():
    junk = [None, float("nan"), pd.NA, b"AB123456C", "😀", "A" * 10**6, 1.5, True, 123456, "ＡＢ123456Ｃ"]
    s = pd.Series(junk, dtype=object)
    before = s.copy()
    r = nino.standardise_series(s)
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
        "invalid_format",  # full-width letters are not ASCII
    ]
    assert not any(nino.is_valid(v) for v in junk)


def test_string_column_of_repeats_matches_object_column():
    values = ["ab 12 34 56 c", "QQ123456C", None, "PP123456A"] * 1000  # long enough for the distinct-value path
    a = nino.standardise_series(pd.Series(values, dtype="string"))
    b = nino.standardise_series(pd.Series(values, dtype=object))
    assert a.value.tolist() == b.value.tolist()
    assert a.reason.fillna("").tolist() == b.reason.fillna("").tolist()
    assert a.status.tolist() == b.status.tolist()


@settings(max_examples=400, deadline=None)
@given(st.lists(nino_like, max_size=25))
def test_arrow_fast_path_agrees_with_scalar(values):
    s = pd.Series(values, dtype="string")  # pyarrow-backed: is_valid_series takes the Arrow path
    assert list(nino.is_valid_series(s)) == [nino.is_valid(v) for v in values]


def test_arrow_fast_path_on_junk():
    values = ["😀", "x" * 1000, "   ", "\x00", "ab123456c", " AB 12 34 56 C ", "tn070384m", "GB123456A", None,
              "ÅB123456C", "AB123456C" + " " * 100, "\xa0AB123456C"]
    s = pd.Series(values, dtype="string")
    assert list(nino.is_valid_series(s)) == [nino.is_valid(v) for v in values]
    assert list(nino.is_valid_series(s)) == list(nino.standardise_series(s.astype(object)).valid)
