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
    assert r.reason.fillna("").tolist() == ["administrative_prefix", ""]
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
