"""One date parser: the quality checks read every date exactly as the cleaner does.

Before, the checks used a second parser (the removed ``_dates.parse_date_series``) that read ``07/03/30`` as
2030 where the cleaner read 1930, and did not know ``07MAR1984`` or Excel serials, so a "before"
scorecard failed dates of birth that the cleaner then accepted unchanged.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pandas as pd
import pytest

from dataclean.fields import date_of_birth as dob
from dataclean.gx.expectations import (
    age_matches_mask,
    chronological_mask,
    plausible_dob_mask,
    precomputed,
    recent_mask,
)
from dataclean.pipeline import clean

REF = dt.date(2026, 11, 24)

# written -> the date the cleaner makes of it (day-first always; two-digit years never in the future)
WRITTEN = {
    "07/03/30": "1930-03-07",  # two-digit year: 2030 would be a future birth
    "07MAR1984": "1984-03-07",  # SAS DATE9
    "30748": "1984-03-07",  # Excel serial
    "1984-03-07": "1984-03-07",  # ISO
    "1984-03-07T00:00:00.000Z": "1984-03-07",
    "07/03/1984": "1984-03-07",  # UK day-first
    "7.3.1984": "1984-03-07",
    "07-Mar-84": "1984-03-07",
    "7th March 1984": "1984-03-07",
    "19840307": "1984-03-07",
    "07031984": "1984-03-07",
    "12/07/1984": "1984-07-12",  # day/month swap cases: 12 July, never 7 December
    "07/12/1984": "1984-12-07",
    "13/01/1990": "1990-01-13",
    "01/12/26": "1926-12-01",  # 2026-12-01 is after the reference date
    "29/02/2024": "2024-02-29",
}


@pytest.fixture
def written() -> tuple[pd.Series, pd.Series]:
    raw = pd.Series(list(WRITTEN), name="date_of_birth", dtype="string")
    expected = pd.Series(pd.to_datetime(list(WRITTEN.values()), format="%Y-%m-%d"), name="date_of_birth")
    return raw, expected


def test_the_cleaner_reads_the_table_as_written(written):
    raw, expected = written
    result = dob.standardise_series(raw, reference_date=REF)
    assert result.value.tolist() == [d.strftime("%Y-%m-%d") for d in expected]


def test_parse_series_reads_dates_of_birth_as_the_cleaner_does(written):
    raw, expected = written
    parsed = dob.parse_series(raw, pivot="birth", reference_date=REF)
    assert parsed.dtype == "datetime64[ns]"
    pd.testing.assert_series_equal(parsed, expected.astype("datetime64[ns]"))


def test_parse_series_parses_without_judging():
    raw = pd.Series(["01/01/1900", "2030-05-01", "1850-06-01", "31/02/1984", "1984", "UNKNOWN", None, "31/12/9999"])
    parsed = dob.parse_series(raw, reference_date=REF)
    # sentinel, future and too-early dates are dates: plausibility is the caller's to judge
    assert parsed[:3].dt.strftime("%Y-%m-%d").tolist() == ["1900-01-01", "2030-05-01", "1850-06-01"]
    # impossible day, partial date, placeholder, missing, beyond datetime64[ns]: no date
    assert parsed[3:].isna().all()
    reasons = dob.standardise_series(raw, reference_date=REF).reason.tolist()
    assert reasons[:4] == ["sentinel_date", "future_date", "implausible_date", "impossible_date"]


def test_pivots_for_two_digit_years():
    raw = pd.Series(["07/03/30", "07/03/46", "07/03/47", "01/12/26", "07MAR84", "070326"])
    birth = dob.parse_series(raw, pivot="birth", reference_date=REF).dt.year.tolist()
    recent = dob.parse_series(raw, pivot="recent", reference_date=REF).dt.year.tolist()
    assert birth == [1930, 1946, 1947, 1926, 1984, 2026]
    # other dates (death, last updated, end dates): at most 20 years after the reference year
    assert recent == [2030, 2046, 1947, 2026, 1984, 2026]
    with pytest.raises(ValueError, match="pivot must be one of birth, recent"):
        dob.parse_series(raw, pivot="future")


def test_parse_series_keeps_index_and_name_and_does_not_mutate():
    raw = pd.Series(["07MAR1984", 30748, dt.date(1984, 3, 7), None], index=[10, 3, 7, 1], name="dob", dtype=object)
    before = raw.copy()
    parsed = dob.parse_series(raw, reference_date=REF)
    assert parsed.index.tolist() == [10, 3, 7, 1] and parsed.name == "dob"
    assert parsed.dt.strftime("%Y-%m-%d").tolist()[:3] == ["1984-03-07"] * 3 and pd.isna(parsed[1])
    pd.testing.assert_series_equal(raw, before)
    stamps = pd.Series(pd.to_datetime(["1984-03-07 10:00"]).tz_localize("Europe/London"))
    assert dob.parse_series(stamps).tolist() == [pd.Timestamp("1984-03-07 10:00")]


def test_plausibility_check_agrees_with_the_cleaner(written):
    raw, _ = written
    valid = dob.standardise_series(raw, reference_date=REF).valid
    assert valid.all()
    assert plausible_dob_mask(raw, REF.isoformat()).tolist() == valid.tolist()


def test_age_check_reads_the_date_the_cleaner_reads(written):
    raw, expected = written
    ages = pd.Series([dob.age(d.date(), REF) for d in expected], dtype="Int64")
    assert age_matches_mask(raw, ages, REF.isoformat(), tolerance_years=0).all()
    # and it does compare: ten years out fails everywhere
    assert not age_matches_mask(raw, ages + 10, REF.isoformat(), tolerance_years=0).any()


def test_chronological_check_reads_a_suite_date_of_birth_as_the_cleaner_does(written):
    raw, expected = written
    result = dob.standardise_series(raw, reference_date=REF)
    same_day = pd.Series(expected.dt.strftime("%d/%m/%Y"), name="date_of_death")
    day_before = pd.Series((expected - pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d"), name="date_of_death")
    with precomputed({"date_of_birth": ("date_of_birth", result)}):
        assert chronological_mask(raw, same_day).all()
        assert not chronological_mask(raw, same_day, or_equal=False).any()
        assert not chronological_mask(raw, day_before).any()


def test_chronological_check_without_a_suite_uses_the_recent_pivot():
    born = pd.Series(["07MAR1984", "30748", "07/03/1984"])
    updated = pd.Series(["01/01/1980", "01/01/1980", "01/01/1980"])
    assert not chronological_mask(born, updated).any()  # born after the update: all three caught
    # a two-digit year in a column not known to be a date of birth is a recent date
    assert not chronological_mask(pd.Series(["07/03/30"]), pd.Series(["2026-01-01"])).any()


def test_recency_check_reads_two_digit_years_as_recent():
    updated = pd.Series(["24/11/25", "24NOV2025", "45985", "24/11/1925"])
    assert recent_mask(updated, 730, REF.isoformat()).tolist() == [True, True, True, False]


SUITE = """\
dataclean_suite: 1
name: dates
reference_date: 2026-11-24
columns:
  record_id:     {role: id, required: true}
  nhs_number:    {role: nhs_number, required: true}
  date_of_birth: {role: date_of_birth, required: true}
  age:           {role: age}
  date_of_death: {role: date_of_death}
expectations:
  - type: expect_column_pair_values_to_be_chronological
    column_A: date_of_birth
    column_B: date_of_death
  - type: expect_column_pair_age_to_match_date_of_birth
    column_A: date_of_birth
    column_B: age
    tolerance_years: 0
"""


def test_before_and_after_scorecards_agree_with_the_cleaner(tmp_path, written):
    raw, expected = written
    n = len(raw)
    ages = [dob.age(d.date(), REF) for d in expected]
    frame = pd.DataFrame(
        {
            "record_id": [f"R{i:02d}" for i in range(n)],
            "nhs_number": ["9434765919"] * n,
            "date_of_birth": raw.astype(object),
            "age": [str(a) for a in ages],
            # died the day they were born: chronological holds (on or before)
            "date_of_death": expected.dt.strftime("%d/%m/%Y").tolist(),
        }
    )
    suite = tmp_path / "dates.yml"
    suite.write_text(textwrap.dedent(SUITE), encoding="utf-8")
    result = clean(frame, suite)
    assert len(result.quarantine) == 0
    assert result.clean["date_of_birth"].tolist() == [d.strftime("%Y-%m-%d") for d in expected]
    for card in (result.before, result.after):
        by_type = {e.type: e for e in card.expectations}
        for etype in (
            "expect_column_values_to_be_plausible_date_of_birth",
            "expect_column_pair_values_to_be_chronological",
            "expect_column_pair_age_to_match_date_of_birth",
        ):
            assert by_type[etype].unexpected_count == 0, (card.stage, etype, by_type[etype].examples)
    assert result.before.overall_score == result.after.overall_score == 1.0


# --- the standardiser's dates are reused: a date-of-birth column is read once per run ------------

# every shape, and what judging makes of it: valid, two-digit years, sentinels, future, too early,
# impossible, outside datetime64[ns], placeholders, partial dates, junk, missing
MIXED = [
    *WRITTEN,
    "01/01/1900",  # sentinel: a date all the same (parse_series does not judge)
    "01/01/1901",  # sentinel, 125 years old on REF: plausible at 125 if not for the reason
    "1899-12-30",
    "24/11/1900",  # too early (126)
    "23/11/1901",  # implausible for the cleaner at 125, plausible for max_age_years=130
    "2030-01-01",  # future
    "25/11/2026",
    "29/02/00",  # two-digit year: 1900 is no leap year (impossible), 2000 is
    "29/02/1900",
    "31/02/1984",
    "0000-00-00",
    "00/00/0000",
    "31/12/9999",
    "0001-01-01",
    "1984",
    "03/1984",
    "UNKNOWN",
    "n/k",
    "junk",
    "  07/03/1984 ",
    "",
    None,
]


def _mixed(n: int, dtype) -> pd.Series:
    values = (MIXED * (n // len(MIXED) + 1))[:n]
    return pd.Series(values, name="date_of_birth", dtype=dtype)


@pytest.mark.parametrize("n", [len(MIXED), 5_000])  # direct, and per distinct value (>= 2,048 rows)
@pytest.mark.parametrize("dtype", [object, "string", pd.StringDtype("pyarrow")])
def test_the_standardiser_keeps_the_dates_parse_series_reads(n, dtype):
    raw = _mixed(n, dtype).set_axis(pd.RangeIndex(n) * 3 + 7)  # an index that is not 0..n-1
    result = dob.standardise_series(raw, reference_date=REF)
    assert isinstance(result.parsed, dob.ParsedDates)
    assert result.parsed.reference_date == REF
    pd.testing.assert_series_equal(result.parsed.dates, dob.parse_series(raw, reference_date=REF))
    # the valid rows' canonical values are those same dates
    valid = result.valid.to_numpy(dtype=bool)
    canonical = pd.to_datetime(result.value[valid], format="%Y-%m-%d")
    assert (canonical == result.parsed.dates[valid]).all()


def test_date_objects_keep_no_parsed_dates():
    # their text form in a frame ("1984-03-07 10:30:00") is not what the standardiser read
    raw = pd.Series([dt.datetime(1984, 3, 7, 10, 30), "07/03/1984", None], dtype=object)
    assert dob.standardise_series(raw, reference_date=REF).parsed is None


def _count(monkeypatch, module, name: str) -> list[int]:
    """Record the length of what ``module.name`` is called on."""
    calls: list[int] = []
    original = getattr(module, name)

    def counting(values, *args, **kwargs):
        calls.append(len(values))
        return original(values, *args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


@pytest.mark.parametrize("max_age", [125, 130])
def test_date_rules_reuse_the_standardisers_dates(monkeypatch, max_age):
    import dataclean.checks.dates as date_rules

    raw = _mixed(5_000, pd.StringDtype("pyarrow"))
    result = dob.standardise_series(raw, reference_date=REF)
    standardised = result.value.where(result.valid, raw).astype(pd.StringDtype("pyarrow"))
    ages = pd.Series(["42"] * len(raw), name="age")
    # without a run's results: the rules parse the column themselves
    expected = {
        name: (plausible_dob_mask(col, REF.isoformat(), max_age), age_matches_mask(col, ages, REF.isoformat(), 0))
        for name, col in (("raw", raw), ("standardised", standardised))
    }
    other = dt.date(2001, 1, 1)
    elsewhere = plausible_dob_mask(raw, other.isoformat())
    parses = _count(monkeypatch, date_rules, "parse_dates")
    with precomputed({"date_of_birth": ("date_of_birth", result)}):
        for name, col in (("raw", raw), ("standardised", standardised)):
            plausible, age = expected[name]
            assert plausible_dob_mask(col, REF.isoformat(), max_age).tolist() == plausible.tolist(), name
            assert age_matches_mask(col, ages, REF.isoformat(), 0).tolist() == age.tolist(), name
        assert parses == []  # nothing parsed again
        # on another reference date (two-digit years read differently) the rule parses again
        assert plausible_dob_mask(raw, other.isoformat()).tolist() == elsewhere.tolist()
        assert parses == [len(raw)]


def test_a_clean_run_reads_the_date_of_birth_column_once(monkeypatch):
    """Issue 9: the plausible-date-of-birth check parsed the column again in every scorecard."""
    import dataclean.checks.dates as date_rules
    from dataclean.suite import Suite

    n = 3_000
    frame = pd.DataFrame(
        {
            "record_id": [f"R{i:05d}" for i in range(n)],
            "date_of_birth": _mixed(n, pd.StringDtype("pyarrow")),
            "age": ["42"] * n,
        }
    )
    suite = Suite.from_dict(
        {
            "dataclean_suite": 1,
            "name": "dob",
            "reference_date": REF.isoformat(),
            "columns": {
                "record_id": {"role": "id", "required": True},
                "date_of_birth": {"role": "date_of_birth", "required": True},
                "age": {"role": "age"},
            },
            "expectations": [
                {
                    "type": "expect_column_pair_age_to_match_date_of_birth",
                    "column_A": "date_of_birth",
                    "column_B": "age",
                    "tolerance_years": 1,
                }
            ],
        }
    )
    assert any(e.type == "expect_column_values_to_be_plausible_date_of_birth" for e in suite.expectations)
    with monkeypatch.context() as m:  # as it was: each rule parses the column itself
        m.setattr(date_rules, "_birth_dates", lambda col, ref: date_rules.parse_dates(col, reference_date=ref))
        expected = clean(frame, suite)
    parses = _count(monkeypatch, date_rules, "parse_dates")
    reads = _count(monkeypatch, dob, "_fast_parts")  # the reader under both the standardiser and parse_series
    result = clean(frame, suite)
    assert parses == []
    assert len(reads) == 1  # the standardiser's read, once, on the distinct values
    for stage in ("before", "after"):
        got, want = getattr(result, stage), getattr(expected, stage)
        assert [(e.key, e.unexpected_count, e.missing_count) for e in got.expectations] == [
            (e.key, e.unexpected_count, e.missing_count) for e in want.expectations
        ]
    # the input's implausible dates are caught (the output holds none: they are quarantined)
    assert any(e.unexpected_count for e in result.before.expectations if "plausible" in e.type)
    pd.testing.assert_frame_equal(result.clean, expected.clean)
    pd.testing.assert_frame_equal(result.quarantine, expected.quarantine)
