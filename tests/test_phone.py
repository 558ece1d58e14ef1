import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _agreement import USUAL_PHONES, assert_agrees_with_scalar
from dataclean import exceptions as exc
from dataclean.fields import phone

# Synthetic numbers only: Ofcom drama ranges where phonenumbers calls them valid, otherwise
# made-up numbers in ranges phonenumbers accepts (07400 123456 is a GB mobile range).


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("07400 123456", "+447400123456"),
        ("07400123456", "+447400123456"),
        ("+44 7400 123456", "+447400123456"),
        ("+44 (0)7400 123456", "+447400123456"),
        ("(+44) 7400 123456", "+447400123456"),
        ("0044 7400 123456", "+447400123456"),
        ("020 7946 0123", "+442079460123"),
        ("(020) 7946-0123", "+442079460123"),
        ("020.7946.0123", "+442079460123"),
        ("0207 946 0123", "+442079460123"),
        ("+44 (0)161 496 0123", "+441614960123"),
        ("0161-496-0123", "+441614960123"),
        ("020 7946 0123 ext 12", "+442079460123"),
        ("020 7946 0123 x12", "+442079460123"),
        ("020 7946 0123 Ext. 12", "+442079460123"),
        ("020 7946 0123 #12", "+442079460123"),
        ("0800 123 4567", "+448001234567"),
        ("+1 650 253 0000", "+16502530000"),
        ("+33 1 42 68 53 00", "+33142685300"),
        ("+353 1 234 5678", "+35312345678"),
        (" 07400\xa0123456 ", "+447400123456"),
        (7400123456, "+447400123456"),  # an integer column lost the leading zero
        (7400123456.0, "+447400123456"),
    ],
)
def test_accepts_common_spellings(raw, canonical):
    assert phone.validate(raw) == canonical
    assert phone.is_valid(raw)


@pytest.mark.parametrize(
    ("raw", "error", "reason"),
    [
        ("07700 900123", phone.InvalidNumber, "invalid_number"),  # Ofcom drama mobile: not valid
        ("01632 960123", phone.InvalidNumber, "invalid_number"),
        ("01234567890", exc.PlaceholderValue, "placeholder"),
        ("01234 567890", exc.PlaceholderValue, "placeholder"),
        ("00000000000", exc.PlaceholderValue, "placeholder"),
        ("0000 000000", exc.PlaceholderValue, "placeholder"),
        ("99999999999", exc.PlaceholderValue, "placeholder"),
        ("07777 777777", exc.PlaceholderValue, "placeholder"),
        ("+44 7777 777777", exc.PlaceholderValue, "placeholder"),
        ("N/A", exc.PlaceholderValue, "placeholder"),
        ("ex-directory", exc.PlaceholderValue, "placeholder"),
        ("07400 123456 / 020 7946 0123", phone.MultipleNumbers, "multiple_numbers"),
        ("07400 123456 or 020 7946 0123", phone.MultipleNumbers, "multiple_numbers"),
        ("07400 12345a", exc.InvalidFormat, "invalid_format"),
        ("mum 07400 123456", exc.InvalidFormat, "invalid_format"),
        ("０７４００１２３４５６", exc.InvalidFormat, "invalid_format"),  # full-width digits
        ("123", exc.InvalidLength, "invalid_length"),
        ("0740012345678901234", exc.InvalidLength, "invalid_length"),
        ("+999 1234567", phone.InvalidCountryCode, "invalid_country_code"),
        ("", exc.MissingValue, "missing"),
        (None, exc.MissingValue, "missing"),
        (b"07400123456", exc.InvalidType, "invalid_type"),
        ("0" * 10**6, exc.InvalidLength, "invalid_length"),
    ],
)
def test_rejects_with_reason(raw, error, reason):
    with pytest.raises(error) as info:
        phone.validate(raw)
    assert info.value.reason == reason
    assert not phone.is_valid(raw)
    if isinstance(raw, str) and 3 < len(raw) < 100:
        assert raw not in str(info.value)  # messages never echo the value


def test_drama_ranges_follow_phonenumbers():
    # valid per the metadata, so accepted, but flagged so test data can be found
    s = pd.Series(["020 7946 0999", "0161 496 0000", "07700 900999", "07400 123456"])
    r = phone.standardise_series(s)
    assert list(r.valid) == [True, True, False, True]
    assert list(r.reason.fillna("")) == ["", "", "invalid_number", ""]
    assert list(r.note.fillna("")) == ["drama_range", "drama_range", "", ""]


def test_extension_is_dropped_from_canonical_with_a_note():
    r = phone.standardise_series(pd.Series(["01245 123456 ext 42", "01245 123456"]))
    assert list(r.value) == ["+441245123456", "+441245123456"]
    assert list(r.reason.fillna("")) == ["", ""]
    assert list(r.note.fillna("")) == ["extension", ""]
    d = phone.details_series(pd.Series(["01245 123456 ext 42"]))
    assert d.loc[0, "extension"] == "42"
    assert phone.format("01245 123456 ext 42").endswith("42")


def test_format_round_trips():
    assert phone.format("+442079460123") == "020 7946 0123"
    assert phone.format("07400123456") == "07400 123456"
    assert phone.format("+16502530000") == "+1 650-253-0000"
    for raw in ["07400 123456", "+1 650 253 0000", "01245 123456 x7"]:
        assert phone.validate(phone.format(raw)) == phone.validate(raw)


def test_line_types_and_details():
    s = pd.Series(
        ["07400 123456", "020 7946 0123", "0800 123 4567", "+1 650 253 0000", "bad", None],
        index=list("abcdef"),
    )
    assert phone.line_type("07400 123456") == "mobile"
    assert phone.line_type("0800 123 4567") == "toll_free"
    assert phone.is_mobile("07400 123456") is True
    assert phone.is_mobile("020 7946 0123") is False
    assert phone.is_mobile("+1 650 253 0000") is None  # North America: fixed_line_or_mobile
    with pytest.raises(exc.ValidationError):
        phone.line_type("bad")
    kinds = phone.line_type_series(s)
    assert kinds.index.tolist() == list("abcdef")
    expected = ["mobile", "fixed_line", "toll_free", "fixed_line_or_mobile", "-", "-"]
    assert kinds.fillna("-").tolist() == expected
    d = phone.details_series(s)
    assert d.columns.tolist() == ["e164", "extension", "line_type", "region", "is_mobile"]
    assert d["is_mobile"].tolist() == [True, False, False, pd.NA, pd.NA, pd.NA]
    assert d["region"].fillna("-").tolist() == ["GB", "GB", "GB", "US", "-", "-"]


def test_series_statuses_keep_index_and_do_not_mutate():
    s = pd.Series(["+442079460123", "020 7946 0123", None, "N/A", "bad"], index=[5, 6, 7, 8, 9], name="tel")
    before = s.copy()
    r = phone.standardise_series(s)
    pd.testing.assert_series_equal(s, before)
    assert r.value.index.tolist() == [5, 6, 7, 8, 9]
    assert r.value.name == "tel"
    assert list(r.status) == ["unchanged", "changed", "missing", "invalid", "invalid"]
    assert phone.is_valid_series(s).tolist() == [True, True, False, False, False]
    assert phone.standardise_series(s).note.fillna("").tolist() == ["drama_range", "drama_range", "", "", ""]
    assert phone.reason_series(s).fillna("ok").tolist() == [
        "ok",
        "ok",
        "missing",
        "placeholder",
        "invalid_format",
    ]


def test_junk_column_never_raises():
    junk = [None, np.nan, pd.NA, b"07400123456", "😀", "x" * 10**6, [1], {"a": 1}, 3.5, True, "", "  "]
    s = pd.Series(junk, dtype=object)
    r = phone.standardise_series(s)
    assert not r.valid.any()
    assert r.status.tolist() == ["missing"] * 3 + ["invalid"] * 7 + ["missing"] * 2
    assert all(not phone.is_valid(v) for v in junk)


def test_library_called_once_per_distinct_number(monkeypatch):
    calls = []
    original = phone._parse_key

    def counting(key):
        calls.append(key)
        return original(key)

    monkeypatch.setattr(phone, "_parse_key", counting)
    # spellings of one French number, repeated, plus junk the pre-filter rejects without a call;
    # French numbers are outside the compiled fast path, so the library decides them
    s = pd.Series(["+33 1 42 68 53 00", "+33142685300", "0033 1 42 68 53 00", "abc", "N/A", "12"] * 1000)
    r = phone.standardise_series(s)
    assert r.valid.sum() == 3000
    assert calls == ["+33142685300", "0033142685300"]


def test_uk_numbers_in_usual_shapes_need_no_library_call(monkeypatch):
    calls = []
    original = phone._parse_key

    def counting(key):
        calls.append(key)
        return original(key)

    monkeypatch.setattr(phone, "_parse_key", counting)
    s = pd.Series(USUAL_PHONES * 100)
    r = phone.standardise_series(s)
    assert calls == []
    assert r.value.head(7).tolist() == ["+447400123456"] * 3 + [
        "+442079460123",
        pd.NA,
        "+448001234567",
        "+441245123456",
    ]
    assert r.reason.head(7).fillna("ok").tolist() == ["ok"] * 4 + ["invalid_number", "ok", "ok"]
    assert r.note.head(7).fillna("").tolist() == [""] * 3 + ["drama_range", "", "", "extension"]
    kinds = phone.line_type_series(s.head(7)).tolist()
    assert kinds == ["mobile"] * 3 + ["fixed_line", pd.NA, "toll_free", "fixed_line"]


@pytest.mark.parametrize(
    "raw",
    [
        "07400 123456",
        "07700 900123",
        "01632 960123",
        "020 7946 0123",
        "+1 650 253 0000",
        "+44 1481 123456",
        "07624 300123",
        "0500 123456",
        "+33 1 42 68 53 00",
        "+33 9 99 99 99 99",
        "0870 123 4567",
    ],
)
def test_validity_is_phonenumbers_is_valid_number(raw):
    import phonenumbers

    assert phone.is_valid(raw) == phonenumbers.is_valid_number(phonenumbers.parse(raw, "GB"))


phone_like = st.one_of(
    st.from_regex(r"0[1-9][0-9]{2,3} ?[0-9]{3} ?[0-9]{3,4}", fullmatch=True),
    st.from_regex(r"\+(44|1|33|353) ?\(?0?\)? ?[0-9 \-]{6,14}", fullmatch=True),
    st.from_regex(r"(020 7946 0|0161 496 0|07700 900)[0-9]{3}( (ext|x) ?[0-9]{1,4})?", fullmatch=True),
    st.text(alphabet="0123456789 +()-.x#/", max_size=24),
    st.text(max_size=16),
    st.integers(min_value=0, max_value=10**15),
    st.sampled_from(["N/A", "0000 000000", "01234567890", "", " ", "unknown"]),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(phone_like, max_size=25))
def test_series_agrees_with_scalar(values):
    s = pd.Series(values, dtype=object)
    assert_agrees_with_scalar(phone.standardise_series(s), values, phone.validate)


# --- the compiled fast path agrees with phonenumbers on every value it decides -----------------

_gb_nsn = st.one_of(
    st.from_regex(r"7[0-9]{9}", fullmatch=True),  # mobiles, pagers, personal numbers
    st.from_regex(r"[12][0-9]{8,9}", fullmatch=True),  # geographic
    st.from_regex(r"(3|5|8|9)[0-9]{6,9}", fullmatch=True),  # non-geographic, toll free, premium
    st.from_regex(r"(1134960|1614960|2079460|7700900|1632960)[0-9]{3}", fullmatch=True),  # drama
    st.from_regex(r"(180020|0)?[0-9]{5,12}", fullmatch=True),  # odd lengths and prefixes
)


@st.composite
def gb_shaped(draw):
    nsn = draw(_gb_nsn)
    cut = draw(st.integers(min_value=1, max_value=max(1, len(nsn) - 1)))
    sep = draw(st.sampled_from(["", " ", "-", ".", "  ", "\xa0"]))
    body = nsn[:cut] + sep + nsn[cut:]
    prefixes = ["0", "+44", "+44 ", "0044 ", "0044", "+44 (0)", "+44(0)", "(0", "44", "440", "", "+4"]
    prefix = draw(st.sampled_from(prefixes))
    text = prefix + body
    if prefix == "(0":
        text = "(0" + nsn[:cut] + ") " + nsn[cut:]
    if draw(st.booleans()):
        text += draw(st.sampled_from([" ext 12", " x3", "#45", " extension 7", ""]))
    return text


def _library_outcome(key: str):
    import phonenumbers

    try:
        return phone._parse_key(key)
    except phone.ValidationError as err:
        if err.reason == "invalid_number":
            assert not phonenumbers.is_valid_number(phonenumbers.parse(key, "GB"))
        return err.reason


def _assert_fast_path_agrees(texts):
    import phonenumbers
    import pyarrow as pa

    key, _, _ = phone._prepare_arrow(pa.array(texts, type=pa.string()))
    fast = phone._fast_parse(key)
    assert fast is not None
    keys = key.to_pylist()
    e164 = fast["e164"].to_pylist()
    line_types, regions = phone._fast_names(fast)
    reasons = [phone._REASONS[code] for code in fast["reason"]]
    decided = 0
    for i, k in enumerate(keys):
        if k is None or not fast["decided"][i]:
            continue
        decided += 1
        expected = _library_outcome(k)
        if isinstance(expected, str):
            assert (e164[i], reasons[i]) == (None, expected), (texts[i], k)
            continue
        got = (e164[i], line_types[i], regions[i], reasons[i])
        assert got == (expected.e164, expected.line_type, expected.region, None), (texts[i], k)
        number = phonenumbers.parse(k, "GB")  # and straight from the library, not via _parse_key
        assert phonenumbers.is_valid_number(number)
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == e164[i]
        assert phone.LINE_TYPES[phonenumbers.number_type(number)] == line_types[i]
    return decided


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(gb_shaped(), phone_like.filter(lambda v: isinstance(v, str))), min_size=1, max_size=30))
def test_fast_path_agrees_with_phonenumbers(texts):
    _assert_fast_path_agrees(texts)


def test_fast_path_agrees_with_phonenumbers_across_the_numbering_plan():
    # every leading 1-4 digits of the plan, each length 7-11, in the four common shapes
    rng = np.random.default_rng(9)
    texts = []
    for head in range(1, 10000):
        for length in (7, 9, 10, 11):
            lead = str(head)
            if len(lead) >= length:
                continue
            nsn = lead + "".join(rng.choice(list("0123456789"), length - len(lead)))
            texts.append(rng.choice(["0", "+44 ", "0044 ", "44"]) + nsn)
    decided = _assert_fast_path_agrees(texts)
    assert decided > 0.9 * len(texts)


def test_fast_path_follows_the_installed_metadata():
    import phonenumbers

    rules = phone._country_rules()
    assert rules.version == phonenumbers.__version__
    gb = phonenumbers.PhoneMetadata.metadata_for_region("GB")
    assert rules.regions[0].region == "GB"
    assert rules.regions[0].mobile.pattern == f"^(?:{gb.mobile.national_number_pattern})$"
    assert [r.region for r in rules.regions] == list(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[44])


def test_arrow_backed_column_gives_the_same_result_and_stays_in_arrow():
    values = [
        "07400 123456",
        "+44 20 7946 0123",
        None,
        "N/A",
        "07700 900123",
        "+33 1 42 68 53 00",
        " 0044 7400 123456 ",
    ]
    plain = phone.standardise_series(pd.Series(values * 500, dtype="string"))
    arrow = phone.standardise_series(pd.Series(values * 500, dtype=pd.StringDtype("pyarrow")))
    assert arrow.value.dtype == pd.StringDtype("pyarrow")
    assert arrow.value.tolist() == plain.value.tolist()
    assert arrow.status.tolist() == plain.status.tolist()
    assert arrow.reason.tolist() == plain.reason.tolist()


# --- the byte-level pre-filter for simple texts agrees with the general (RE2) one ---------------

_simple_text = st.one_of(
    st.text(alphabet="0123456789 ().-+", max_size=22),
    st.builds(
        lambda head, body, tail: head + body + tail,
        st.sampled_from(["", "+", "+44", "+44 (0)", "0044 ", "(0)", "+(0)", "0", "44", " +44", "(+44) ", "0 +44"]),
        st.text(alphabet="0123456789 -.()", max_size=14),
        st.sampled_from(["", " ext 12", " EXT. 7", "x3", " #45", " extension 1234567", " extn 8", ";ext=9", " x"]),
    ),
    st.sampled_from(["-", "--", ".", "0", "(0)", "(0)(0)", "((0)0)", "+", "++44", "0" * 11, "07777777777"]),
)


def _prepare_outcome(text: str):
    try:
        return phone._prepare(text)[0], None
    except exc.ValidationError as err:
        return None, err.reason


@settings(max_examples=400, deadline=None)
@given(st.lists(_simple_text.map(lambda t: t.strip(" ")).filter(bool), min_size=1, max_size=30))
def test_simple_prefilter_agrees_with_general_prefilter_and_scalar(texts):
    import pyarrow as pa

    arr = pa.array(texts, type=pa.string())
    key, ext, reason = phone._prepare_arrow(arr)
    key_g, ext_g, reason_g = phone._prepare_general(arr)
    got = list(zip(key.to_pylist(), ext.to_pylist(), [phone._REASONS[c] for c in reason]))
    assert got == list(zip(key_g.to_pylist(), ext_g.to_pylist(), reason_g.tolist()))
    assert [(k, r) for k, _, r in got] == [_prepare_outcome(t) for t in texts]


def test_simple_prefilter_handles_every_common_shape_on_the_bytes():
    import pyarrow as pa

    texts = ["07400 123456", "+44 (0)20 7946 0123", "(01245) 123-456", "0044 7400 123456", "01245 123456 ext 12"]
    simple, key, reason = phone._prepare_simple(pa.array(texts))
    assert simple.tolist() == [True, True, True, True, False]  # the extension goes through the split
    assert reason.tolist()[:4] == [0, 0, 0, 0]
    assert key.to_pylist()[:4] == ["07400123456", "+442079460123", "01245123456", "00447400123456"]
    key, ext, _ = phone._prepare_arrow(pa.array(texts))
    assert key.to_pylist()[4] == "01245123456" and ext.to_pylist()[4] == "12"


def test_leading_digit_dispatch_never_skips_a_number_the_pattern_matches():
    # every 3-digit head of every type pattern, padded to each possible length: a head the
    # dispatch leaves out must never match the pattern
    import re

    rng = np.random.default_rng(3)
    rules = phone._country_rules()
    checked = 0
    for region in rules.regions:
        for desc in (region.general, region.fixed_line, region.mobile, *(d for _, d in region.types)):
            if desc is None or desc.heads is None:
                continue
            pattern = re.compile(desc.pattern)
            for head in range(1000):
                if head in desc.heads:
                    continue
                for length in desc.lengths or (7, 9, 10):
                    for _ in range(20):
                        tail = "".join(rng.choice(list("0123456789"), length - 3))
                        assert not pattern.match(f"{head:03d}{tail}"), (region.region, desc.pattern, head)
                        checked += 1
    assert checked > 10_000
    gb_mobile = rules.regions[0].mobile
    assert gb_mobile.heads is not None and 740 in gb_mobile.heads and 120 not in gb_mobile.heads


def _frame(result) -> list[tuple]:
    """A result's four columns as plain Python values (``None`` for missing), row by row."""
    frame = result.to_frame("v").astype(object)
    return [tuple(None if pd.isna(x) else x for x in row) for row in frame.itertuples(index=False)]


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_string_columns_hashed_once_give_the_object_column_answers(storage):
    # a text column of 2048+ rows is hashed once and its distinct values standardised without a
    # second factorise (so " 07911 123456" and "07911 123456" are worked apart): same answers,
    # "unchanged" judged against each row's own text
    base = [
        "07911 123456", " 07911 123456", "07911 123456\xa0", "+44 (0)20 7946 0123", "020 7946 0123 ext 12",
        "07700 900123", "N/A", "", None, "+33 1 42 68 53 00", "0161 496 0000", "07911123456", "1234",
        "07911 123456 / 020 7946 0123", "+447911123456",
    ]
    values = [base[i % len(base)] for i in range(2100)]
    expected = _frame(phone.standardise_series(pd.Series(values, dtype=object)))
    got = phone.standardise_series(pd.Series(values, dtype=pd.StringDtype(storage)))
    assert _frame(got) == expected
    assert got.status.iloc[:3].tolist() == ["changed", "changed", "changed"]
    assert got.status.iloc[14] == "unchanged"
