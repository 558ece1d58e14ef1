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
