import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataclean import exceptions as exc
from dataclean.fields import email


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Jo.Bloggs@EXAMPLE.org", "Jo.Bloggs@example.org"),
        ("  a@b.co.uk ", "a@b.co.uk"),
        ("mailto:Jo@Example.GOV.UK", "Jo@example.gov.uk"),
        ("<jo+care@example.nhs.uk>", "jo+care@example.nhs.uk"),
        ("o'brien@example.org", "o'brien@example.org"),
    ],
)
def test_valid(raw, canonical):
    assert email.validate(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("jo.bloggs.example.org", "missing_at"),
        ("a@@b.com", "invalid_format"),
        ("a@b@c.com", "invalid_format"),
        (".jo@example.org", "invalid_format"),
        ("jo..b@example.org", "invalid_format"),
        ("jo@localhost", "invalid_domain"),
        ("jo@-example.org", "invalid_domain"),
        ("jo@example.c0m", "invalid_domain"),
        ("none@none.com", "placeholder"),
        ("NOEMAIL@council.gov.uk", "placeholder"),
        ("x@x.com", "placeholder"),
        ("jö@example.org", "invalid_format"),
    ],
)
def test_invalid(raw, reason):
    with pytest.raises(exc.ValidationError) as info:
        email.validate(raw)
    assert info.value.reason == reason
    assert email.reason_series(pd.Series([raw])).iloc[0] == reason


email_like = st.one_of(
    st.emails(),
    st.text(alphabet="abcXYZ.@-_+ 0", max_size=20),
    st.sampled_from(["mailto:a@b.com", "<a@b.com>", "none@none.com", "A@B.CO"]),
    st.none(),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(email_like, max_size=20))
def test_series_agrees_with_scalar(values):
    r = email.standardise_series(pd.Series(values, dtype=object))
    for i, v in enumerate(values):
        ok = email.is_valid(v)
        assert bool(r.valid.iloc[i]) == ok, v
        if ok:
            assert r.value.iloc[i] == email.validate(v)
