import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataclean import exceptions as exc
from dataclean.fields import postcode


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("M1 1AE", "M1 1AE"),  # A9 9AA
        ("B33 8TH", "B33 8TH"),  # A99 9AA
        ("W1A 0AX", "W1A 0AX"),  # A9A 9AA
        ("CR2 6XH", "CR2 6XH"),  # AA9 9AA
        ("DN55 1PT", "DN55 1PT"),  # AA99 9AA
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A 9AA
        ("sw1a1aa", "SW1A 1AA"),
        ("  Sw1A   1aA ", "SW1A 1AA"),
        ("cm1\t1qh", "CM1 1QH"),
        ("SW1A OAA", "SW1A 0AA"),  # letter O typed for zero in the inward digit
        ("GIR 0AA", "GIR 0AA"),
        ("bfpo 57", "BFPO 57"),
        ("BIQQ 1ZZ", "BIQQ 1ZZ"),
    ],
)
def test_valid_forms(raw, canonical):
    assert postcode.validate(raw) == canonical
    assert postcode.is_valid(raw)


@pytest.mark.parametrize(
    ("raw", "reason", "error"),
    [
        ("ZZ99 3VZ", "placeholder", exc.PlaceholderValue),
        ("CM1", "outward_only", exc.InvalidFormat),
        ("QA1 1AA", "invalid_component", exc.InvalidComponent),  # Q never first
        ("AI1 1AA", "invalid_component", exc.InvalidComponent),  # I never second
        ("SW1A 1AC", "invalid_component", exc.InvalidComponent),  # C never in the inward letters
        ("W1I 0AX", "invalid_component", exc.InvalidComponent),  # I not allowed third in A9A
        ("SW1A-1AA", "invalid_format", exc.InvalidFormat),
        ("SW1A 1AAA", "invalid_format", exc.InvalidFormat),
        ("ſw1a 1aa", "invalid_format", exc.InvalidFormat),  # non-ASCII letters are not postcode letters
        ("", "missing", exc.MissingValue),
    ],
)
def test_invalid_with_reason(raw, reason, error):
    with pytest.raises(error) as info:
        postcode.validate(raw)
    assert info.value.reason == reason


def test_notes_and_series():
    s = pd.Series(["bfpo 1234", "BIQQ 1ZZ", "ZZ99 3VZ", "cm1 1qh", None, "CM1 1QH"], index=list("abcdef"))
    before = s.copy()
    r = postcode.standardise_series(s)
    pd.testing.assert_series_equal(s, before)
    assert r.value.fillna("").tolist() == ["BFPO 1234", "BIQQ 1ZZ", "", "CM1 1QH", "", "CM1 1QH"]
    assert r.reason.fillna("").tolist() == ["", "", "placeholder", "", "missing", ""]
    assert r.note.fillna("").tolist() == ["bfpo", "overseas_territory", "", "", "", ""]
    assert r.status.tolist() == ["changed", "unchanged", "invalid", "changed", "missing", "unchanged"]


def test_pseudo_postcode_meanings():
    assert postcode.pseudo_postcode_meaning("ZZ99 3VZ") == "no fixed abode"
    assert postcode.pseudo_postcode_meaning("zz993wz") == "address not known"
    assert postcode.pseudo_postcode_meaning("ZZ99 3CZ") == "England, not otherwise specified"
    assert postcode.pseudo_postcode_meaning("ZZ99 1AB") == "country of residence outside the UK"
    assert postcode.pseudo_postcode_meaning("CM1 1QH") is None
    s = postcode.pseudo_postcode_meaning_series(pd.Series(["ZZ99 3VZ", "CM1 1QH", None]))
    assert s.fillna("").tolist() == ["no fixed abode", "", ""]


def test_components():
    c = postcode.components_series(pd.Series(["cm1 1qh", "EC1A 1BB", "junk"]))
    assert c.loc[0].tolist() == ["CM1 1QH", "CM1", "1QH", "CM", "CM1", "CM1 1"]
    assert c.loc[1, "sector"] == "EC1A 1" and c.loc[1, "area"] == "EC"
    assert c.loc[2].isna().all()


letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcz"
postcode_like = st.one_of(
    st.from_regex(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9O][A-Za-z]{2}", fullmatch=True),
    st.text(alphabet=letters + "0123456789 ", max_size=10),
    st.sampled_from(["GIR 0AA", "BFPO 12", "ZZ99 3VZ", "STHL 1ZZ", "CM1"]),
    st.none(),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(postcode_like, max_size=25))
def test_series_agrees_with_scalar(values):
    r = postcode.standardise_series(pd.Series(values, dtype=object))
    for i, v in enumerate(values):
        ok = postcode.is_valid(v)
        assert bool(r.valid.iloc[i]) == ok, v
        if ok:
            assert r.value.iloc[i] == postcode.validate(v)
        elif v is not None and str(v).strip():
            with pytest.raises(exc.ValidationError) as info:
                postcode.validate(v)
            assert r.reason.iloc[i] == info.value.reason, v


@pytest.mark.parametrize("raw", ["N/A", "unknown", "NFA", "no fixed abode", "ZZ99", "0", "TBC"])
def test_text_placeholders(raw):
    with pytest.raises(exc.PlaceholderValue):
        postcode.validate(raw)
    assert postcode.reason_series(pd.Series([raw])).iloc[0] == "placeholder"


def test_no_break_space_is_a_separator_but_non_ascii_letters_are_not_letters():
    assert postcode.validate("SW1A\xa01AA") == "SW1A 1AA"  # pasted from a spreadsheet
    assert postcode.standardise_series(pd.Series(["SW1A\xa01AA"])).value.iloc[0] == "SW1A 1AA"
    # "ſ".upper() is "S" in Python: it must not turn into a valid postcode letter
    assert postcode.reason_series(pd.Series(["ſW1A 1AA"], dtype="string")).iloc[0] == "invalid_format"


def test_components_for_outward_only_bfpo_and_special_codes():
    s = pd.Series(["cm1", "bfpo 57", "GIR 0AA", "SW1A OAA", "ZZ99 3VZ"], index=[5, 6, 7, 8, 9])
    c = postcode.components_series(s)
    assert list(c.index) == [5, 6, 7, 8, 9]
    assert list(c.columns) == list(postcode.COMPONENTS)
    assert c.loc[5].fillna("").tolist() == ["", "CM1", "", "CM", "CM1", ""]
    assert c.loc[6].fillna("").tolist() == ["BFPO 57", "", "", "", "", ""]
    assert c.loc[7].tolist() == ["GIR 0AA", "GIR", "0AA", "GIR", "GIR", "GIR 0"]
    assert c.loc[8, "sector"] == "SW1A 0"
    assert c.loc[9].isna().all()
    assert postcode.sector_series(s).equals(c["sector"])
    assert postcode.area_series(s).fillna("").tolist() == ["CM", "", "GIR", "SW", ""]
    assert postcode.district_series(s).fillna("").tolist() == ["CM1", "", "GIR", "SW1A", ""]
    assert postcode.outward_series(s).equals(c["outward"])
    assert postcode.inward_series(s).fillna("").tolist() == ["", "", "0AA", "0AA", ""]
    assert postcode.components("cm1 1qh") == c.iloc[0].to_dict() | {
        "postcode": "CM1 1QH",
        "inward": "1QH",
        "sector": "CM1 1",
    }


def test_junk_never_raises_and_input_not_mutated():
    junk = [None, float("nan"), pd.NA, b"SW1A 1AA", "😀", "x" * 10**6, 1.5, True, ["SW1A 1AA"], 12345]
    s = pd.Series(junk, dtype=object)
    before = s.copy()
    r = postcode.standardise_series(s)
    c = postcode.components_series(s)
    pd.testing.assert_series_equal(s, before)
    assert not r.valid.any() and c.isna().all().all()
    assert r.reason.tolist()[:8] == [
        "missing",
        "missing",
        "missing",
        "invalid_type",
        "invalid_format",
        "invalid_length",
        "invalid_type",
        "invalid_type",
    ]
    assert not any(postcode.is_valid(v) for v in junk)
    assert all(v is None for v in postcode.components(b"SW1A 1AA").values())


@settings(max_examples=300, deadline=None)
@given(st.lists(postcode_like, max_size=20))
def test_components_agree_with_scalar(values):
    c = postcode.components_series(pd.Series(values, dtype=object))
    for i, v in enumerate(values):
        got = {k: (None if pd.isna(x) else x) for k, x in c.iloc[i].items()}
        assert got == postcode.components(v), v


@settings(max_examples=400, deadline=None)
@given(st.lists(postcode_like, max_size=25))
def test_arrow_fast_path_agrees_with_scalar(values):
    s = pd.Series(values, dtype="string")  # pyarrow-backed: is_valid_series takes the Arrow path
    assert list(postcode.is_valid_series(s)) == [postcode.is_valid(v) for v in values]


def test_arrow_fast_path_on_junk():
    values = ["😀", "x" * 1000, "   ", "\x00", "sw1a1aa", " SW1A  OAA ", "ZZ99 3VZ", "unknown", None, "ſw1a 1aa",
              "CM1 1QH" + " " * 100, "\xa0CM1 1QH", "GIR 0AA", "bfpo 57", "STHL 1ZZ", "CM1"]
    s = pd.Series(values, dtype="string")
    assert list(postcode.is_valid_series(s)) == [postcode.is_valid(v) for v in values]
