import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _agreement import faker_rows
from dataclean import exceptions as exc
from dataclean.fields import address


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Flat 3, 12 High Street, Chelmsford, Essex CM1 1QH", "Flat 3, 12 High Street, Chelmsford, CM1 1QH"),
        (
            "Rose Cottage, Mill Lane, Great Baddow, Chelmsford CM2 8PD",
            "Rose Cottage, Mill Lane, Great Baddow, Chelmsford, CM2 8PD",
        ),
        ("12a st marys rd, colchester co1 1aa", "12A St Marys Road, Colchester, CO1 1AA"),
        (
            "Apartment 2, The Maltings, 5 Station Ave, Witham CM8 2AA",
            "Apartment 2, The Maltings, 5 Station Avenue, Witham, CM8 2AA",
        ),
        ("flat 3, 12 high st, chelmsford cm1 1qh", "Flat 3, 12 High Street, Chelmsford, CM1 1QH"),
        ("12a  st marys rd colchester co1 1aa", "12A St Marys Road, Colchester, CO1 1AA"),  # no commas
        ("12 High St\nChelmsford\nCM1 1QH", "12 High Street, Chelmsford, CM1 1QH"),  # multi-line
    ],
)
def test_uk_addresses(raw, canonical):
    assert address.validate(raw) == canonical
    assert address.validate(canonical) == canonical
    assert address.validate(address.format(raw)) == canonical


def test_components():
    p = address.parse("Flat 3, 12 High Street, Chelmsford, Essex CM1 1QH")
    assert p == {
        "sub_building": "Flat 3",
        "building_name": None,
        "building_number": "12",
        "street": "High Street",
        "locality": None,
        "town": "Chelmsford",
        "county": "Essex",
        "postcode": "CM1 1QH",
    }
    p = address.parse("Rose Cottage, Mill Lane, Great Baddow, Chelmsford CM2 8PD")
    assert (p["building_name"], p["street"], p["locality"], p["town"]) == (
        "Rose Cottage",
        "Mill Lane",
        "Great Baddow",
        "Chelmsford",
    )


def test_usaddress_alone_mislabels_uk_but_we_do_not():
    """The issue's measurement: usaddress puts the county and postcode into state and ZIP."""
    import usaddress

    tagged, _ = usaddress.tag("Flat 3, 12 High Street, Chelmsford, Essex CM1 1QH")
    assert tagged.get("ZipCode") != "CM1 1QH"
    assert address.parse("Flat 3, 12 High Street, Chelmsford, Essex CM1 1QH")["postcode"] == "CM1 1QH"


def test_us_addresses():
    p = address.parse_us("1600 Pennsylvania Ave NW, Washington, DC 20500")
    assert (p["building_number"], p["town"], p["county"], p["postcode"]) == ("1600", "Washington", "DC", "20500")
    frame = address.parse_us_series(pd.Series(["1600 Pennsylvania Ave NW, Washington, DC 20500", None]))
    assert frame.loc[0, "postcode"] == "20500" and frame.loc[1].isna().all()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("NO FIXED ABODE", "no_fixed_abode"),
        ("nfa", "no_fixed_abode"),
        ("UNKNOWN", "placeholder"),
        ("!!!", "invalid_format"),
        ("12345", "invalid_format"),
        ("CM1 1QH", "invalid_format"),
    ],
)
def test_invalid(raw, reason):
    with pytest.raises(exc.ValidationError) as info:
        address.validate(raw)
    assert info.value.reason == reason


def test_series_notes_and_parse_series():
    s = pd.Series(["12 High St, Chelmsford", "12 high st, chelmsford cm1 1qh", "NFA", None])
    before = s.copy()
    r = address.standardise_series(s)
    pd.testing.assert_series_equal(s, before)
    assert r.reason.fillna("").tolist() == ["", "", "no_fixed_abode", "missing"]
    assert r.note.fillna("").tolist() == ["no_postcode", "", "", ""]
    parts = address.parse_series(s)
    assert parts.loc[1, "postcode"] == "CM1 1QH" and parts.loc[2].isna().all()


address_like = st.one_of(
    st.builds(
        lambda n, s, t, pc: f"{n} {s}, {t} {pc}",
        st.integers(1, 300),
        st.sampled_from(["high st", "Mill Lane", "station rd", "The Avenue"]),
        st.sampled_from(["chelmsford", "Witham"]),
        st.sampled_from(["cm1 1qh", "CM8 2AA", ""]),
    ),
    st.text(max_size=30),
    st.none(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(address_like, max_size=15))
def test_series_agrees_with_scalar(values):
    r = address.standardise_series(pd.Series(values, dtype=object))
    for i, v in enumerate(values):
        ok = address.is_valid(v)
        assert bool(r.valid.iloc[i]) == ok, v
        if ok:
            assert r.value.iloc[i] == address.validate(v)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("FLAT 3  12 HIGH ST  CHELMSFORD  CM1 1QH", "Flat 3, 12 High Street, Chelmsford, CM1 1QH"),  # no commas
        ("flat 3 12 high st chelmsford essex cm11qh", "Flat 3, 12 High Street, Chelmsford, CM1 1QH"),
        ("12 High Street St Albans AL1 1AA", "12 High Street, St Albans, AL1 1AA"),  # Street, then Saint
        ("12 St Peters St, St Albans AL1 3AA", "12 St Peters Street, St Albans, AL1 3AA"),
        ("Hill Court, 3 Mill Rd, Witham", "Hill Court, 3 Mill Road, Witham"),  # Court ends a building name here
        ("Ground Floor Flat, 4 Park Rd, Bath BA1 1AA", "Ground Floor Flat, 4 Park Road, Bath, BA1 1AA"),
        ("1 Southend-on-sea rd, leigh-on-sea ss9 1aa", "1 Southend-on-Sea Road, Leigh-on-Sea, SS9 1AA"),
        ("12, High St., Chelmsford", "12 High Street, Chelmsford"),
        ("Unit 4, 7 Riverside Gdns, Maldon, Essex", "Unit 4, 7 Riverside Gardens, Maldon"),
        ("The Old Rectory, Church Ln, Boreham, Chelmsford", "The Old Rectory, Church Lane, Boreham, Chelmsford"),
    ],
)
def test_harder_uk_addresses(raw, canonical):
    assert address.validate(raw) == canonical
    assert address.validate(canonical) == canonical


def test_parse_puts_county_and_sub_building_in_their_fields():
    p = address.parse("Ground Floor Flat, 4 Park Rd, Durham, County Durham DH1 1AA")
    assert (p["sub_building"], p["building_number"], p["street"], p["town"], p["county"]) == (
        "Ground Floor Flat",
        "4",
        "Park Road",
        "Durham",
        "County Durham",
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("12 Example Road, ZZ99 3VZ", "no_fixed_abode"),  # NHS pseudo-postcode for no fixed abode
        ("N.F.A.", "no_fixed_abode"),
        ("Not Known", "placeholder"),
        ("12 High Street, QQ1 1AA", "invalid_postcode"),  # postcode-shaped, but Q never starts one
        ("Chelmsford", "invalid_format"),  # a town alone is not an address
        ("12 High Street \u2603", "invalid_format"),
        ("\u0663\u0664 High Street", "invalid_format"),  # Arabic-Indic digits
    ],
)
def test_more_invalid(raw, reason):
    with pytest.raises(exc.ValidationError) as info:
        address.validate(raw)
    assert info.value.reason == reason
    assert raw not in str(info.value)  # messages never echo the value


JUNK = [None, b"12 High St", "\U0001f600", "x" * 10**6, float("nan"), pd.NA, ["12 High St"], True, 1.5, -1,
        float("inf"), "\x00", "\u0663\u0664\u0665", "\u200b"]  # fmt: skip


def test_junk_is_invalid_and_never_raises():
    for v in JUNK:
        assert address.is_valid(v) is False, repr(v)[:30]
        with pytest.raises(exc.ValidationError):
            address.validate(v)
    s = pd.Series(JUNK, dtype=object)
    before = s.copy()
    r = address.standardise_series(s)
    pd.testing.assert_series_equal(s, before)
    assert not r.valid.any() and r.reason.notna().all()
    assert address.parse_series(s).isna().all().all()


def test_parse_series_keeps_index_and_repeats():
    s = pd.Series(["flat 3, 12 high st, chelmsford cm1 1qh"] * 3 + [None], index=[7, 5, 3, 1])
    frame = address.parse_series(s)
    assert list(frame.index) == [7, 5, 3, 1]
    assert frame["building_number"].tolist()[:3] == ["12"] * 3
    assert frame.loc[1].isna().all()


idem_words = st.sampled_from(
    ["12", "3a", "flat 2", "st", "rd", "high", "mill", "lane", "the", "court", "hill", "essex", "chelmsford",
     "cm1 1qh", ",", ",", "apt 4", "o'brien", "great", "park", "upon", "12-14", "ground floor flat", "st albans"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(idem_words, min_size=1, max_size=9).map(" ".join))
def test_canonical_is_a_fixed_point(raw):
    try:
        canonical = address.validate(raw)
    except exc.ValidationError:
        return
    assert address.validate(canonical) == canonical
    assert address.validate(address.format(raw)) == canonical


def test_case_and_spacing_variants_share_one_parse():
    """The column version parses each address once whatever its case and spacing; the answers must
    be those of the scalar version for every variant."""
    base = [
        "Flat 3, 12 High St, Chelmsford CM1 1QH",
        "Rose Cottage, Mill Lane, Great Baddow",
        "2 O'Neill Close, Maldon",
        "12a St Marys Rd Colchester co1 1aa",
        "unknown",
        "Straße 5, Berlin",
    ]
    variants = [f(b) for b in base for f in (str, str.upper, str.lower, lambda x: x.replace(" ", "  "))]
    s = pd.Series(variants, dtype="string")
    r = address.standardise_series(s)
    for i, v in enumerate(variants):
        assert bool(r.valid.iloc[i]) == address.is_valid(v), v
        if address.is_valid(v):
            assert r.value.iloc[i] == address.validate(v), v


# --- the vectorised common shapes agree with the Python parser -----------------------------------


def _faker_addresses(n: int, seed: int) -> list[str]:
    def render(fake: object, i: int) -> str:
        text, variant = fake.address(), i % 6
        if variant == 4:
            street = f"{fake.building_number()} {fake.street_name()} {fake.street_suffix()}"
            return f"{street}, {fake.city()} {fake.postcode()}"
        if variant == 5:
            return f"Flat {i % 40}, {fake.last_name()} House, {fake.street_address()}, {fake.city()}, {fake.postcode()}"
        if variant == 1:
            return text.replace("\n", ", ")
        if variant == 2:
            return text.replace("\n", ", ").upper()
        if variant == 3:
            return text.replace("\n", " ").lower()
        return text

    return faker_rows(n, seed, render)


def _bundled_addresses() -> list[str]:
    from pathlib import Path

    import dataclean

    out = []
    for path in sorted((Path(dataclean.__file__).parent / "data").glob("*.csv")):
        frame = pd.read_csv(path, dtype="string")
        if "address" in frame:
            out += frame["address"].dropna().tolist()
    return out


def _synth_addresses() -> list[str]:
    from dataclean import synth

    return (
        synth.records(3000, seed=5)["address"].dropna().tolist() + synth.example_people()["address"].dropna().tolist()
    )


def _assert_fast_path_agrees(texts: list[str]) -> int:
    import pyarrow as pa

    keys = address._address_key(pa.array(texts, type=pa.string()))
    decided, canonical, notes = address._fast_canonical(keys)
    lines = canonical.to_pylist()
    for text, key, done, line, note in zip(texts, keys.to_pylist(), decided, lines, notes):
        if not done:
            continue
        assert line == address._validate_text(key), (text, key)
        assert line == address.validate(text), (text, key)  # the scalar API on the original text
        assert note == address.note(line), (text, key)
    return int(decided.sum())


def _realistic_addresses() -> list[str]:
    """The benchmark's realistic extract (Faker en_GB households, typed messily)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from realistic_data import realistic_people
    finally:
        sys.path.pop(0)
    return realistic_people(4000, seed=7)["address"].dropna().tolist()


_NEW_SHAPES = [
    "12 McDonald Road, Chelmsford, CM1 1QH",
    "FLAT 2, 7 MCCARTHY CLOSE, SMITH-MCDONALD, CO1 1AA",
    "4 O'Mcdonald Lane, Colchester CO1 1AA",
    "Mcab House, 3 Mca Street, Mc Town",
    "47 Green Track, Annemouth, TF96 1WB",
    "219 Lane Port, Juliaberg, WV88 8ZG",
    "12 Hill Green Rise, Town, CM1 1QH",
    "Boyle Court, Mohammad Knoll, North Damianstad, M77 8BB",
    "Rowe Farm, Kemp Grove, West Anthony, TA1W 9UX",
    "Rose Cottage, Mill Lane",
    "Kemp Grove West, Town, CM1 1QH",
    "Lane End Green, Town",
    "Flat 10 138 Hunt Valley Coatesberg W6J 8HA",
    "Flat 3 12 High Street, Chelmsford, CM1 1QH",
    "Flat 3 12 High St Chelmsford Essex CM1 1QH",
    "Unit A 4 Mill Road, Town, CM1 1QH",
    "Apartment 12A 5 Bell Court, Town",
]


def test_fast_path_takes_the_new_shapes_and_agrees():
    decided = _assert_fast_path_agrees(_NEW_SHAPES)
    assert decided >= 12


@pytest.mark.parametrize("source", ["bundled", "synth", "faker", "realistic"])
def test_fast_path_agrees_with_parser(source):
    texts = {
        "bundled": _bundled_addresses,
        "synth": _synth_addresses,
        "faker": lambda: _faker_addresses(3000, 3),
        "realistic": _realistic_addresses,
    }[source]()
    decided = _assert_fast_path_agrees(texts)
    assert decided > 0.4 * len(texts)  # the fast path is not vacuous (Faker's odd street names fall back)


def test_column_agrees_with_scalar_on_faker_addresses_including_line_breaks():
    texts = [*_faker_addresses(1500, 11), "94 Wade Crossing\nLake Charlesberg\nKY20 6XT", "NFA", "ZZ99 3VZ", None]
    r = address.standardise_series(pd.Series(texts * 2, dtype="string"))
    for text, value, reason in zip(texts * 2, r.value, r.reason):
        if text is None:
            assert reason == "missing"
            continue
        try:
            expected = address.validate(text)
        except address.ValidationError as err:
            assert value is pd.NA and reason == err.reason, text
            continue
        assert value == expected, text


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_string_columns_hashed_once_give_the_object_column_answers(storage):
    # 2048+ rows: hashed once, the distinct values standardised without a second factorise
    base = [
        "12 High Street, Anytown, AB1 2CD", " 12 high street, anytown, ab1 2cd ", "Flat 3, 7 Mill Lane\nLeeds LS1 4AB",
        "Rose Cottage, Mill Road, Ripon, HG4 1AA", "UNKNOWN", "", None, "NFA", "12 St Johns Rd, Bath",
        "12 High Street, Anytown, AB1 2CD",
    ]
    values = [base[i % len(base)] for i in range(2100)]

    def frame(result):
        out = result.to_frame("v").astype(object)
        return [tuple(None if pd.isna(x) else x for x in row) for row in out.itertuples(index=False)]

    expected = frame(address.standardise_series(pd.Series(values, dtype=object)))
    assert frame(address.standardise_series(pd.Series(values, dtype=pd.StringDtype(storage)))) == expected
