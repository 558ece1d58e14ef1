import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _agreement import assert_agrees_with_scalar
from dataclean import exceptions as exc
from dataclean.fields import date_of_birth as dob

REF = dt.date(2026, 11, 24)  # every test pins "today"


@pytest.mark.parametrize(
    "raw",
    [
        "1984-03-07", "07/03/1984", "7/3/1984", "07-03-1984", "07.03.1984", "07 03 1984", "07 / 03 / 1984",
        "7 Mar 1984", "7 March 1984", "7th March 1984", "07-Mar-1984", "07MAR1984", "7 mar. 1984",
        "Mar 7 1984", "March 7, 1984", "19840307", "07031984", "1984/03/07",
        "1984-03-07T00:00:00", "1984-03-07 00:00:00.000", "07/03/1984 00:00", "07/03/1984 12:00:00 AM",
        " 07/03/1984\xa0", dt.date(1984, 3, 7), dt.datetime(1984, 3, 7, 15, 30), pd.Timestamp("1984-03-07"),
        np.datetime64("1984-03-07"), 19840307,
    ],
)
def test_accepts_common_spellings_day_first(raw):
    assert dob.validate(raw, reference_date=REF) == "1984-03-07"
    assert dob.is_valid(raw, reference_date=REF)


@pytest.mark.parametrize(
    ("raw", "iso", "note"),
    [
        ("07/03/84", "1984-03-07", "two_digit_year"),
        ("07-Mar-84", "1984-03-07", "two_digit_year"),
        ("070384", "1984-03-07", "two_digit_year"),
        ("07/03/20", "2020-03-07", "two_digit_year"),  # not after the reference date: this century
        ("01/12/26", "1926-12-01", "two_digit_year"),  # 2026-12-01 would be in the future
        ("24/11/26", "2026-11-24", "two_digit_year"),  # the reference day itself is not the future
        ("30748", "1984-03-07", "excel_serial"),
        (30748, "1984-03-07", "excel_serial"),
        ("01/01/1984", "1984-01-01", "january_first"),
        ("02/01/1984", "1984-01-02", None),
    ],
)
def test_notes_on_valid_dates(raw, iso, note):
    assert dob.validate(raw, reference_date=REF) == iso
    r = dob.standardise_series(pd.Series([raw], dtype=object), reference_date=REF)
    assert r.value.iloc[0] == iso
    assert (None if pd.isna(r.note.iloc[0]) else r.note.iloc[0]) == note
    assert pd.isna(r.reason.iloc[0])


@pytest.mark.parametrize(
    ("raw", "error", "reason"),
    [
        ("31/02/1984", dob.ImpossibleDate, "impossible_date"),
        ("29/02/1983", dob.ImpossibleDate, "impossible_date"),
        ("07/13/1984", dob.ImpossibleDate, "impossible_date"),  # month-first input is not guessed
        ("00/03/1984", dob.ImpossibleDate, "impossible_date"),
        ("01/01/1900", dob.SentinelDate, "sentinel_date"),
        ("1900-01-01", dob.SentinelDate, "sentinel_date"),
        ("01/01/1901", dob.SentinelDate, "sentinel_date"),
        ("1800-01-01", dob.SentinelDate, "sentinel_date"),
        ("9999-12-31", dob.SentinelDate, "sentinel_date"),
        ("31/12/9999", dob.SentinelDate, "sentinel_date"),
        ("01/01/0001", dob.SentinelDate, "sentinel_date"),
        ("0000-00-00", dob.SentinelDate, "sentinel_date"),
        ("00/00/0000", dob.SentinelDate, "sentinel_date"),
        ("2026-11-25", dob.FutureDate, "future_date"),
        ("3000-01-01", dob.FutureDate, "future_date"),
        ("1890-05-05", dob.ImplausibleDate, "implausible_date"),
        ("1900-06-01", dob.ImplausibleDate, "implausible_date"),  # 126 on the reference date
        ("1984", dob.PartialDate, "partial_date"),
        ("03/1984", dob.PartialDate, "partial_date"),
        ("March 1984", dob.PartialDate, "partial_date"),
        ("UNKNOWN", exc.PlaceholderValue, "placeholder"),
        ("N/K", exc.PlaceholderValue, "placeholder"),
        ("next tuesday", exc.InvalidFormat, "invalid_format"),
        ("07/03/1984/12", exc.InvalidFormat, "invalid_format"),
        ("０７/０３/１９８４", exc.InvalidFormat, "invalid_format"),  # full-width digits
        ("", exc.MissingValue, "missing"),
        (None, exc.MissingValue, "missing"),
        (pd.NaT, exc.MissingValue, "missing"),
        (b"1984-03-07", exc.InvalidType, "invalid_type"),
        (1.5, exc.InvalidType, "invalid_type"),
        ("1" * 10**6, exc.InvalidLength, "invalid_length"),
    ],
)
def test_rejects_with_reason(raw, error, reason):
    with pytest.raises(error) as info:
        dob.validate(raw, reference_date=REF)
    assert info.value.reason == reason
    assert not dob.is_valid(raw, reference_date=REF)
    r = dob.standardise_series(pd.Series([raw], dtype=object), reference_date=REF)
    assert r.reason.iloc[0] == reason
    if isinstance(raw, str) and 4 < len(raw) < 100:
        assert raw not in str(info.value)


def test_reference_date_moves_the_future_and_the_pivot():
    s = pd.Series(["2026-11-25", "01/12/26"])
    assert dob.is_valid_series(s, reference_date=REF).tolist() == [False, True]
    later = dt.date(2027, 1, 1)
    assert dob.is_valid_series(s, reference_date=later).tolist() == [True, True]
    assert dob.standardise_series(s, reference_date=later).value.tolist() == ["2026-11-25", "2026-12-01"]
    assert dob.validate("01/12/26", reference_date=REF) == "1926-12-01"


def test_format_and_round_trip():
    assert dob.format("1984-03-07", reference_date=REF) == "07/03/1984"
    for raw in ["7 Mar 1984", "19840307", "07/03/84"]:
        assert dob.validate(dob.format(raw, reference_date=REF), reference_date=REF) == dob.validate(
            raw, reference_date=REF
        )


def test_statuses_index_and_no_mutation():
    s = pd.Series(["1984-03-07", "07/03/1984", None, "31/02/1984"], index=[3, 1, 4, 1], name="dob")
    before = s.copy()
    r = dob.standardise_series(s, reference_date=REF)
    pd.testing.assert_series_equal(s, before)
    assert r.value.index.tolist() == [3, 1, 4, 1]
    assert r.value.name == "dob"
    assert list(r.status) == ["unchanged", "changed", "missing", "invalid"]
    assert str(r.value.dtype) == "string"
    assert pd.to_datetime(r.value, format="%Y-%m-%d").iloc[1] == pd.Timestamp("1984-03-07")


def test_datetime64_and_object_date_columns():
    times = pd.Series(pd.to_datetime(["1984-03-07 10:00", None, "2030-01-01 00:00"], format="%Y-%m-%d %H:%M"))
    before = times.copy()
    r = dob.standardise_series(times, reference_date=REF)
    pd.testing.assert_series_equal(times, before)
    assert r.value.tolist()[0] == "1984-03-07"
    assert r.reason.fillna("").tolist() == ["", "missing", "future_date"]
    objs = pd.Series([dt.date(1984, 3, 7), None, dt.date(1900, 1, 1)], dtype=object)
    r = dob.standardise_series(objs, reference_date=REF)
    assert r.valid.tolist() == [True, False, False]
    assert r.reason.iloc[2] == "sentinel_date"


def test_junk_column_never_raises():
    junk = [None, np.nan, pd.NA, pd.NaT, b"1984", "😀", "x" * 10**6, [1], {"a": 1}, 3.5, True, "\x00"]
    r = dob.standardise_series(pd.Series(junk, dtype=object), reference_date=REF)
    assert not r.valid.any()
    assert r.reason.notna().all()
    assert all(not dob.is_valid(v, reference_date=REF) for v in junk)


def test_ambiguity_and_day_month_swap():
    s = pd.Series(["07/03/1984", "1984-03-07", "13/03/1984", "7 Mar 1984", "03/03/1984", "31/02/1984"])
    expected = [True, False, False, False, False, False]
    assert dob.is_ambiguous_series(s, reference_date=REF).tolist() == expected
    assert dob.is_ambiguous("07/03/1984", reference_date=REF)
    assert not dob.is_ambiguous(None)
    assert dob.swap_day_month("1984-03-07") == "1984-07-03"
    assert dob.swap_day_month("1984-03-13") is None
    assert dob.swap_day_month("1984-02-02") == "1984-02-02"
    assert dob.swap_day_month("07/03/1984") is None  # canonical ISO only
    iso = pd.Series(["1984-03-07", "1984-03-13", None, "bad", "1983-02-29"], index=list("abcde"))
    out = dob.swap_day_month_series(iso)
    assert out.index.tolist() == list("abcde")
    assert out.tolist()[:1] == ["1984-07-03"] and out.iloc[1:].isna().all()


def test_age_in_whole_years():
    s = pd.Series(["1984-03-07", "1984-03-08", "2000-02-29", "2000-02-29", None, "07/03/1984"])
    on = dt.date(2025, 3, 7)
    ages = dob.age_series(s, on)
    assert str(ages.dtype) == "Int64"
    assert ages.tolist()[:4] == [41, 40, 25, 25]
    assert ages.iloc[4:].isna().all()  # missing and non-ISO rows
    assert dob.age_series(pd.Series(["2000-02-29"]), dt.date(2025, 2, 28)).iloc[0] == 24  # leap-day baby
    assert dob.age("1984-03-07", on) == 41 and dob.age("bad", on) is None
    times = pd.Series(pd.to_datetime(["1984-03-07"]))
    assert dob.age_series(times, on).iloc[0] == 41


def test_fallback_runs_once_per_distinct_value(monkeypatch):
    calls = []
    original = dob._analyse_text

    def counting(text, ref):
        calls.append(text)
        return original(text, ref)

    monkeypatch.setattr(dob, "_analyse_text", counting)
    s = pd.Series(["1984-03-07", "07/03/1984", "7 Mar 1984", "March 7, 1984", "March 7, 1984", "junk"] * 500)
    for column in (s, s.astype("string"), s.astype(pd.StringDtype("pyarrow"))):
        calls.clear()
        r = dob.standardise_series(column, reference_date=REF)
        assert r.valid.sum() == 2500
        # ISO, dd/mm/yyyy and dd Mon yyyy take the vectorised path; the rest is parsed once each
        assert sorted(calls) == ["March 7, 1984", "junk"]


def _day_month_year_spellings() -> list[str]:
    """``dd Mon yyyy`` in the spellings the column fast path reads and the near misses it must
    leave to the scalar parser (which must then read them the same way)."""
    out = []
    for day in ("1", "01", "07", "29", "30", "31", "00", "32"):
        for month in ("Jan", "FEB", "mar", "Sep", "sept", "Sept", "March", "dec", "Mai", "Feb"):
            for year in ("1984", "2000", "1900", "1899", "2026", "2027", "0000", "84", "9999"):
                for sep in (" ", "-", "  ", "/", ""):
                    out.append(f"{day}{sep}{month}{sep}{year}")
    edges = ["01 Jan 1900", "30 Dec 1899", "29 Feb 2024", "29 Feb 2023", "24 Nov 2026", "25 Nov 2026", " 7 Mar 1984 "]
    return [*out, *edges]


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_day_month_name_year_fast_path_agrees_with_scalar(storage):
    values = _day_month_year_spellings()
    s = pd.Series(values * 2, dtype=pd.StringDtype(storage))  # over 2048 rows: the per-distinct path
    r = dob.standardise_series(s, reference_date=REF)
    amb = dob.is_ambiguous_series(s, reference_date=REF)
    for i, v in enumerate(values):
        try:
            expected = dob.validate(v, reference_date=REF)
        except exc.ValidationError as err:
            assert not r.valid.iloc[i] and r.reason.iloc[i] == err.reason, v
        else:
            assert r.valid.iloc[i] and r.value.iloc[i] == expected, v
        assert bool(amb.iloc[i]) == dob.is_ambiguous(v, reference_date=REF), v
    assert r.to_frame().iloc[len(values) :].reset_index(drop=True).equals(r.to_frame().iloc[: len(values)])


# --- the column version agrees with the scalar version -------------------------------------------

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
FULL = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December"]


@st.composite
def written_dates(draw):
    d = draw(st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(2030, 12, 31)))
    style = draw(st.integers(0, 11))
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == 2:
        return f"{d.day}/{d.month}/{d.year}"
    if style == 3:
        return f"{d.day:02d}{draw(st.sampled_from('-.'))}{d.month:02d}{draw(st.sampled_from('-.'))}{d.year}"
    if style == 4:
        return f"{d.day} {draw(st.sampled_from([MONTHS, FULL]))[d.month - 1]} {d.year}"
    if style == 5:
        return f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year % 100:02d}"
    if style == 6:
        return f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}"
    if style == 7:
        return d.strftime("%Y%m%d")
    if style == 8:
        return f"{d.isoformat()}{draw(st.sampled_from(['T00:00:00', ' 00:00:00.000', ' 12:30']))}"
    if style == 9:
        return d
    if style == 10:
        return (d - dt.date(1899, 12, 30)).days
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


junk = st.one_of(
    st.text(alphabet="0123456789/-. ", max_size=12),
    st.from_regex(r"[0-3]?[0-9][/.-][01]?[0-9][/.-]([0-9]{2}|[0-9]{4})", fullmatch=True),
    st.text(max_size=15),
    st.sampled_from(["UNKNOWN", "00/00/0000", "01/01/1900", "31/12/9999", "", "29/02/1900", "29/02/2000"]),
    st.integers(-10, 10**9),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(written_dates(), junk), max_size=25),
    st.dates(dt.date(1990, 1, 1), dt.date(2060, 1, 1)),
)
def test_series_agrees_with_scalar(values, ref):
    s = pd.Series(values, dtype=object)
    r = dob.standardise_series(s, reference_date=ref)
    amb = dob.is_ambiguous_series(s, reference_date=ref)
    assert_agrees_with_scalar(r, values, lambda v: dob.validate(v, reference_date=ref))
    for i, v in enumerate(values):
        assert bool(amb.iloc[i]) == dob.is_ambiguous(v, reference_date=ref), v


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1901, 1, 2), max_value=REF))
def test_every_real_date_round_trips_in_uk_formats(d):
    expected = d.isoformat()
    if (d.month, d.day) == (1, 1) and d.year == 1901:
        return
    for text in (f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day} {FULL[d.month - 1]} {d.year}", expected):
        try:
            got = dob.validate(text, reference_date=REF)
        except dob.ImplausibleDate:
            assert d < dt.date(1901, 11, 25)  # older than 125 on the reference date
            continue
        assert got == expected


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_string_columns_hashed_once_give_the_object_column_answers(storage):
    # 2048+ rows: hashed once, the distinct values standardised without a second factorise
    base = ["07/03/1984", " 07/03/1984", "7 Mar 1984", "07-MAR-1984", "1984-03-07", "01/01/1900", "31/02/1984",
            "UNKNOWN", "", None, "March 7, 1984", "01/01/1990", "07/03/84", "2030-01-01"]  # fmt: skip
    values = [base[i % len(base)] for i in range(2100)]

    def frame(result):
        out = result.to_frame("v").astype(object)
        return [tuple(None if pd.isna(x) else x for x in row) for row in out.itertuples(index=False)]

    expected = frame(dob.standardise_series(pd.Series(values, dtype=object), reference_date=REF))
    got = dob.standardise_series(pd.Series(values, dtype=pd.StringDtype(storage)), reference_date=REF)
    assert frame(got) == expected
    assert got.status.iloc[:5].tolist() == ["changed"] * 4 + ["unchanged"]  # ISO in is unchanged
