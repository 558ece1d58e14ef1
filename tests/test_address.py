import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    assert r.reason.fillna("").tolist() == ["no_postcode", "", "no_fixed_abode", "missing"]
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
