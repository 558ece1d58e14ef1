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


@pytest.mark.parametrize("raw", ["jo\n@example.org", "jo\t@example.org", "jo@exa\nmple.org", "jo @example.org"])
def test_whitespace_and_control_characters_inside_are_invalid(raw):
    # Python's "$" matches before a trailing newline: the column and scalar code must both reject these
    assert not email.is_valid(raw)
    assert email.reason_series(pd.Series([raw])).iloc[0] == "invalid_format"


def test_reserved_domains_are_a_note_and_real_providers_are_not_placeholders():
    r = email.standardise_series(pd.Series(["Jo@Example.COM", "jo@care.test", "jo@email.com", "email@email.com"]))
    assert r.valid.tolist() == [True, True, True, False]
    assert r.reason.fillna("").tolist() == ["", "", "", "placeholder"]
    assert r.note.fillna("").tolist() == ["reserved_domain", "reserved_domain", "", ""]
    assert r.value.iloc[0] == "Jo@example.com"


def test_junk_and_input_not_mutated():
    junk = [None, float("nan"), pd.NA, b"jo@example.org", "😀@😀.com", "x" * 10**6 + "@example.org", 1.5, True]
    s = pd.Series(junk, dtype=object)
    before = s.copy()
    r = email.standardise_series(s)
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
    ]
    assert not any(email.is_valid(v) for v in junk)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(email_like, st.text(alphabet="ab@.\n\t x-", max_size=15)), max_size=20))
def test_series_reasons_agree_with_scalar(values):
    r = email.standardise_series(pd.Series(values, dtype=object))
    for i, v in enumerate(values):
        try:
            expected = email.note(email.validate(v))
        except exc.ValidationError as e:
            expected = e.reason
        assert (None if pd.isna(r.reason.iloc[i]) else r.reason.iloc[i]) == expected, v


_edge_emails = st.one_of(
    email_like,
    st.sampled_from(
        [
            "<mailto:Jo@Example.TEST>",
            "< a@b.com >",
            "<>",
            "a@b.example",
            "x@EXAMPLE.com",
            "y@host.localhost",
            "z@sub.invalid",
            "a@test",
            "@b.com",
            "a@",
            "@",
            "a@@b.com",
            "l" * 64 + "@b.com",
            "l" * 65 + "@b.com",
            "MAILTO:c@d.co.uk",
            "n.a@nhs.net",
            "é@b.com",
        ]
    ),
)


def _scalar_outcome(v):
    """(canonical, failure reason, note) from the scalar API."""
    try:
        canonical = email.validate(v)
    except exc.ValidationError as e:
        return None, e.reason, None
    return canonical, None, email.note(canonical)


@settings(max_examples=300, deadline=None)
@given(st.lists(_edge_emails, min_size=1, max_size=20))
def test_arrow_backed_series_agrees_with_scalar(values):
    # the Arrow-backed column (what a pyarrow CSV reader gives), small and past the per-distinct
    # threshold (values repeated), against the scalar validate / note
    texts = [v if v is None else str(v) for v in values]
    for repeat in (1, 2100 // len(texts) + 1):
        s = pd.Series(texts * repeat, dtype=pd.StringDtype("pyarrow"))
        r = email.standardise_series(s)
        assert r.value.dtype == s.dtype
        for i, v in enumerate(texts):
            canonical, reason, note = _scalar_outcome(v)
            assert (None if pd.isna(r.value.iloc[i]) else r.value.iloc[i]) == canonical, v
            assert (None if pd.isna(r.reason.iloc[i]) else r.reason.iloc[i]) == (
                "missing" if v is None or not v.strip() else reason
            ), v
            assert (None if pd.isna(r.note.iloc[i]) else r.note.iloc[i]) == note, v
