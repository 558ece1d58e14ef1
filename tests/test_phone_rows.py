"""The row path of phone standardisation (every row at once on the bytes) agrees with the
distinct-value path and with phonenumbers, and its digit automaton agrees with Python's ``re``."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _agreement import USUAL_PHONES, assert_agrees_with_scalar, bench_module
from dataclean import exceptions as exc
from dataclean.fields import _digit_dfa, phone

STORAGES = ["pyarrow", "python"]


def _columns(result) -> tuple[pd.Series, ...]:
    return (result.value, result.status, result.reason, result.note)


def _assert_same(got, expected) -> None:
    for g, e in zip(_columns(got), _columns(expected), strict=True):
        pd.testing.assert_series_equal(g, e)


def _both_paths(values: list, storage: str, index=None):
    s = pd.Series(values, dtype=pd.StringDtype(storage), index=index, name="phone")
    before = s.copy()
    rows = phone.standardise_series(s)
    pd.testing.assert_series_equal(s, before)  # never mutates the caller's column
    return rows, phone._standardise_distinct(s)


# --- agreement with the distinct-value path -----------------------------------------------------

_nsn = st.one_of(
    st.from_regex(r"7[0-9]{9}", fullmatch=True),
    st.from_regex(r"[12][0-9]{8,9}", fullmatch=True),
    st.from_regex(r"(3|5|8|9)[0-9]{6,9}", fullmatch=True),
    st.from_regex(r"(1134960|1614960|2079460|7700900|1632960)[0-9]{3}", fullmatch=True),
    st.from_regex(r"(180020|0)?[0-9]{0,13}", fullmatch=True),
    st.sampled_from(["1481123456", "7781123456", "1624230123", "7624300123", "1534012345", "7797123456"]),
)


@st.composite
def written(draw):
    """A phone number as people write it: prefixes, separators, brackets, extensions, blanks,
    placeholder words, letters, other countries, too short and too long."""
    nsn = draw(_nsn)
    cuts = sorted(draw(st.lists(st.integers(0, max(len(nsn), 1)), max_size=3)))
    parts, last = [], 0
    for cut in cuts:
        parts.append(nsn[last:cut])
        last = cut
    parts.append(nsn[last:])
    sep = draw(st.sampled_from(["", " ", "-", ".", "  ", "\xa0", "\t", " - "]))
    body = sep.join(parts)
    prefix = draw(
        st.sampled_from(
            [
                "0",
                "+44",
                "+44 ",
                "0044 ",
                "0044",
                "+44 (0)",
                "+44(0)",
                "44",
                "440",
                "",
                "+4",
                "+",
                "++44",
                "(0)",
                "+1 ",
                "+33 ",
                "+353 ",
                "0033 ",
                "00",
                "+440",
                " +44 ",
                "0 +44",
            ]
        )
    )
    if prefix == "0" and draw(st.booleans()) and len(parts) > 1:
        text = f"(0{parts[0]}) " + sep.join(parts[1:])
    else:
        text = prefix + body
    text += draw(
        st.sampled_from(
            [
                "",
                "",
                "",
                " ext 12",
                " ext. 345",
                " EXT 7",
                "ext99",
                " x3",
                "#45",
                " extension 7",
                " ext 12345678",
                " ext",
                " / 07911 123456",
                " or 020 7946 0123",
                "a",
                " tel",
            ]
        )
    )
    pad = draw(st.sampled_from(["", " ", "  ", "\t", "\xa0"]))
    return pad + text + draw(st.sampled_from(["", " ", "\n"]))


odd_values = st.sampled_from(
    [
        "",
        " ",
        "  ",
        "\t",
        "N/A",
        "n/a",
        "tbc",
        "none",
        "ex-directory",
        "EX DIRECTORY",
        "0",
        "-",
        "--",
        ".",
        "00000000000",
        "01234567890",
        "07000000000",
        "+44 0000 000000",
        "0044 7777 777777",
        "99999",
        "9",
        "１２３",
        "07911 123456 ",
        "+447911123456",
        "447911123456",
        "(+44) 7911 123456",
        "07911\u00a0123456",
        "0800 1111",
        "08001111",
        "0" * 70,
        "+44 7911 123456" + " " * 60,
        "07911 123 456 ext 1",
        "+44 (0) 7911 123456",
        "+44(0)(0)7911 123456",
        None,
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(written(), odd_values), min_size=1, max_size=40), st.sampled_from(STORAGES))
def test_row_path_agrees_with_the_distinct_value_path(values, storage):
    index = pd.Index([f"r{i}" for i in range(len(values))])
    rows, distinct = _both_paths(values, storage, index=index)
    _assert_same(rows, distinct)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(written(), odd_values), min_size=1, max_size=30))
def test_row_path_agrees_with_the_scalar_validator(values):
    # the scalar path is phonenumbers itself, once per value
    r = phone.standardise_series(pd.Series(values, dtype=pd.StringDtype("pyarrow")))
    expected_values = assert_agrees_with_scalar(r, values, phone.validate)
    for i, (v, expected) in enumerate(zip(values, expected_values)):
        if expected is not None:
            assert pd.isna(r.note.iloc[i]) or r.note.iloc[i] == phone.note(expected, had_extension=True), v


@pytest.mark.parametrize("storage", STORAGES)
def test_row_path_agrees_on_the_realistic_profile(storage):
    people = bench_module("realistic_data").realistic_people(50_000, seed=3)
    rows, distinct = _both_paths(people["phone"].tolist(), storage)
    _assert_same(rows, distinct)
    assert rows.valid.mean() > 0.4 and rows.status.eq("unchanged").any() and rows.note.notna().any()


@pytest.mark.parametrize("storage", STORAGES)
def test_row_path_agrees_on_the_messy_profile(storage):
    frame = bench_module("_data").messy_extract(30_000, seed=5)
    rows, distinct = _both_paths(frame["phone"].tolist(), storage)
    _assert_same(rows, distinct)


def test_usual_uk_shapes_are_decided_on_the_row_path(monkeypatch):
    called = []
    original = phone._standardise_distinct

    def spy(values):
        called.append(values.tolist())
        return original(values)

    monkeypatch.setattr(phone, "_standardise_distinct", spy)
    usual = [
        *USUAL_PHONES,
        " 028 9065 9484 ",
        "(01632) 960123",
        "01632-960123",
        "07248.578425",
        "+447911123456",
        "447977486683",
        "+44 (0)29 2018 0055",
        "N/A",
        "tbc",
        "ex-directory",
        "0",
        None,
        "12345",
        "00000000000",
        "07911 123456 ext 1234567",
        "0116 496 0123",
    ]
    r = phone.standardise_series(pd.Series(usual * 3, dtype=pd.StringDtype("pyarrow")))
    assert called == []
    head = r.value.head(6).tolist()
    assert head == ["+447400123456"] * 3 + ["+442079460123", pd.NA, "+448001234567"]
    assert r.status.iloc[11] == "unchanged" and r.status.iloc[0] == "changed"
    assert r.reason.iloc[14:21].tolist() == ["placeholder"] * 4 + ["missing", "invalid_length", "placeholder"]
    assert r.note.iloc[[3, 6]].tolist() == ["drama_range", "extension"]


def test_uk_numbering_plan_on_the_row_path_agrees_with_phonenumbers(monkeypatch):
    # every leading 1-4 digits of the plan at lengths 7-11 in the common shapes: what the row
    # path decides (nearly all) is what phonenumbers says, value, validity and reason
    import phonenumbers

    rng = np.random.default_rng(11)
    texts = []
    for head in range(1, 10000):
        for length in (7, 9, 10, 11):
            lead = str(head)
            if len(lead) < length:
                nsn = lead + "".join(rng.choice(list("0123456789"), length - len(lead)))
                texts.append(rng.choice(["0", "+44 ", "0044 ", "44", "+44 (0)"]) + nsn)
    slow = []
    original = phone._standardise_distinct

    def spy(values):
        slow.extend(values.index.tolist())
        return original(values)

    monkeypatch.setattr(phone, "_standardise_distinct", spy)
    r = phone.standardise_series(pd.Series(texts, dtype=pd.StringDtype("pyarrow")))
    decided = np.setdiff1d(np.arange(len(texts)), slow)
    assert len(decided) > 0.9 * len(texts)
    values, reasons = r.value.to_numpy(dtype=object, na_value=None), r.reason.to_numpy(dtype=object, na_value=None)
    for i in decided.tolist():
        key = phone._prepare(texts[i])[0]
        number = phonenumbers.parse(key, "GB")
        if values[i] is not None:
            assert phonenumbers.is_valid_number(number), texts[i]
            assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == values[i]
        else:
            try:
                phone._parse_key(key)
            except exc.ValidationError as err:
                assert err.reason == reasons[i], texts[i]
            else:
                raise AssertionError(f"{texts[i]!r}: phonenumbers accepts it, the row path said {reasons[i]}")


def test_without_compiled_rules_every_row_takes_the_distinct_value_path(monkeypatch):
    values = ["07911 123456", "+33 1 42 68 53 00", None, "N/A", "07700 900123"] * 600
    expected = phone.standardise_series(pd.Series(values, dtype=pd.StringDtype("pyarrow")))
    monkeypatch.setattr(phone, "_row_rules", lambda region=phone.DEFAULT_REGION: None)
    _assert_same(phone.standardise_series(pd.Series(values, dtype=pd.StringDtype("pyarrow"))), expected)


def test_column_helpers_follow_the_row_path():
    s = pd.Series(["07911 123456", "07700 900123", None, "020 7946 0123 ext 4"], dtype=pd.StringDtype("pyarrow"))
    assert phone.is_valid_series(s).tolist() == [True, False, False, True]
    assert phone.reason_series(s).fillna("").tolist() == ["", "invalid_number", "missing", ""]
    assert phone.note_series(s).fillna("").tolist() == ["", "", "", "drama_range"]


# --- the digit automaton ------------------------------------------------------------------------


def _metadata_tags():
    import phonenumbers

    tags = []
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[44]:
        md = phonenumbers.PhoneMetadata.metadata_for_region(region)
        for name in ("general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "voip", "pager", "uan"):
            desc = getattr(md, name)
            if desc is not None and desc.national_number_pattern:
                tags.append(_digit_dfa.Tag(desc.national_number_pattern))
        if md.leading_digits:
            tags.append(_digit_dfa.Tag(md.leading_digits, prefix=True))
    general = phonenumbers.PhoneMetadata.metadata_for_region("GB").general_desc.national_number_pattern
    return [*tags, _digit_dfa.Tag(general, after="0")]


def _run(automaton, strings: list[str]) -> np.ndarray:
    width = max(map(len, strings), default=0)
    state = np.zeros(len(strings), dtype=np.int32)
    lengths = np.array([len(s) for s in strings])
    for k in range(width):
        live = np.flatnonzero(lengths > k)
        digits = np.array([ord(strings[i][k]) for i in live], dtype=np.uint8)
        state[live] = automaton.step(state[live], digits)
    return automaton.accepted(state)


def _re_accepts(tag, text: str) -> bool:
    pattern = re.compile(tag.pattern)
    full = tag.after + text
    return (pattern.match(full) if tag.prefix else pattern.fullmatch(full)) is not None


def test_automaton_agrees_with_re_on_the_uk_metadata():
    tags = _metadata_tags()
    automaton = _digit_dfa.DigitAutomaton(tags)
    rng = np.random.default_rng(5)
    strings = []
    for length in range(0, 13):
        for _ in range(400):
            strings.append("".join(rng.choice(list("0123456789"), length)))
    # and numbers from each pattern's own leading digits, so that matches are common
    for head in ("1481", "1624", "7624", "1534", "7781", "800", "845464", "1632960", "7700900", "20", "161", "76"):
        for length in (7, 9, 10, 11):
            for _ in range(40):
                strings.append(head + "".join(rng.choice(list("0123456789"), max(length - len(head), 0))))
    accepted = _run(automaton, strings)
    matched = 0
    for s, bits in zip(strings, accepted.tolist(), strict=True):
        for i, tag in enumerate(tags):
            expect = _re_accepts(tag, s)
            assert bool(bits >> i & 1) == expect, (tag.pattern[:40], tag.after, s)
            matched += expect
    assert matched > 1000


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", max_size=9), min_size=1, max_size=30))
def test_automaton_agrees_with_re_on_hand_written_patterns(strings):
    tags = [
        _digit_dfa.Tag(r"1[2-4]{2,3}\d?"),
        _digit_dfa.Tag(r"(?:0|9[^0-8])*5+"),
        _digit_dfa.Tag(r"7(?:[1-57-9]\d|624)\d{2}"),
        _digit_dfa.Tag(r"4[46]|5", prefix=True),
        _digit_dfa.Tag(r"1\d{3}", after="0"),
        _digit_dfa.Tag(r"\D?3"),
        _digit_dfa.Tag(r"x?2[a-z]?"),
    ]
    accepted = _run(_digit_dfa.DigitAutomaton(tags), strings)
    for s, bits in zip(strings, accepted.tolist(), strict=True):
        assert [bool(bits >> i & 1) for i in range(len(tags))] == [_re_accepts(t, s) for t in tags], s


@pytest.mark.parametrize("pattern", [r"^12", r"1(?=2)", r"(1)\1", r"(?i)1", "1$"])
def test_automaton_refuses_constructs_it_does_not_model(pattern):
    with pytest.raises(_digit_dfa.NotModelled):
        _digit_dfa.DigitAutomaton([_digit_dfa.Tag(pattern)])


def test_repetitive_columns_are_hashed_first_with_the_same_answers(monkeypatch):
    frame = bench_module("_data").messy_extract(20_000, seed=7)
    values = frame["phone"].tolist()
    s = pd.Series(values, dtype=pd.StringDtype("pyarrow"))
    assert not phone._repeats(s)  # too short to sample
    monkeypatch.setattr(phone, "_REPEAT_SAMPLE", 8192)
    assert s.nunique() < 5000 and phone._repeats(s)  # a few thousand numbers over 20,000 rows
    assert not phone._repeats(pd.Series([f"07911 {i:06d}" for i in range(20_000)], dtype=pd.StringDtype("pyarrow")))
    hashed = []
    original = phone._standardise_hashed

    def spy(v, *, distinct=False):
        hashed.append(len(v))
        return original(v, distinct=distinct)

    monkeypatch.setattr(phone, "_standardise_hashed", spy)
    for storage in STORAGES:
        rows, distinct = _both_paths(values, storage)
        _assert_same(rows, distinct)
    assert hashed and max(hashed) < len(values) // 2
