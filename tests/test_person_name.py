import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataclean import exceptions as exc
from dataclean.fields import person_name


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  mary-jane  o'BRIEN ", "Mary-Jane O'Brien"),
        ("MR. JOHN MCDONALD", "John McDonald"),
        ("macdonald", "MacDonald"),
        ("machin", "Machin"),
        ("MACK", "Mack"),
        ("macey", "Macey"),
        ("d’arcy", "D'Arcy"),
        ("smith - jones", "Smith-Jones"),
        ("ludwig VAN beethoven", "Ludwig van Beethoven"),
        ("Dr Renée Dubois", "Renée Dubois"),
        ("mary ann", "Mary Ann"),
    ],
)
def test_cleaning(raw, clean):
    assert person_name.validate(raw) == clean
    assert person_name.validate(clean) == clean


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("UNKNOWN", "placeholder"),
        ("Not Known", "placeholder"),
        ("BABY", "placeholder"),
        ("Baby of Smith", "placeholder"),
        ("BABY 1", "placeholder"),
        ("twin 2", "placeholder"),
        ("X", "placeholder"),
        ("XXX", "placeholder"),
        ("Mrs", "placeholder"),
        ("Jo5", "invalid_format"),
        ("J@ne", "invalid_format"),
    ],
)
def test_invalid(raw, reason):
    with pytest.raises(exc.ValidationError) as info:
        person_name.validate(raw)
    assert info.value.reason == reason


def test_series_status_and_titles():
    s = pd.Series(["Mr John Smith", "Smith", "smith", None, "unknown"], index=list("abcde"))
    before = s.copy()
    r = person_name.standardise_series(s)
    pd.testing.assert_series_equal(s, before)
    assert r.status.tolist() == ["changed", "unchanged", "changed", "missing", "invalid"]
    t = person_name.split_title_series(s)
    assert t["title"].fillna("").tolist() == ["Mr", "", "", "", ""]
    assert t["name"].tolist()[0] == "John Smith"


def test_matching_keys():
    s = pd.Series(["Bob", "Robert", "rob", "Bobby", "Liz", "Elizabeth", "Bill", "Peggy", "unknown"])
    nick = person_name.nickname_canonical_series(s).tolist()
    assert nick[:4] == ["Robert"] * 4
    assert nick[4:8] == ["Elizabeth", "Elizabeth", "William", "Margaret"]
    assert pd.isna(nick[8])
    keys = person_name.phonetic_keys_series(pd.Series(["Smith", "Smyth", None]))
    assert keys.loc[0, "soundex"] == keys.loc[1, "soundex"] == "S530"
    assert keys.loc[0, "metaphone"] == keys.loc[1, "metaphone"]
    assert keys.loc[2].isna().all()
    assert person_name.initial_series(pd.Series(["mary", None])).fillna("").tolist() == ["M", ""]


name_like = st.one_of(
    st.from_regex(r"(?:(?:Mr|mrs|DR)\.? )?[A-Za-z'’-]{1,8}(?: [A-Za-z'-]{1,8})?", fullmatch=True),
    st.sampled_from(["Baby of X", "UNKNOWN", "mcdonald", "O'NEILL", "van der Berg"]),
    st.text(max_size=10),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(name_like, max_size=20))
def test_series_agrees_with_scalar(values):
    r = person_name.standardise_series(pd.Series(values, dtype=object))
    for i, v in enumerate(values):
        ok = person_name.is_valid(v)
        assert bool(r.valid.iloc[i]) == ok, v
        if ok:
            assert r.value.iloc[i] == person_name.validate(v)
