"""The checks layer: GX-free rules over pandas (issue 12)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest

from dataclean import checks
from dataclean.fields import date_of_birth as dob

REF = "2026-11-24"


def test_checks_import_and_run_without_great_expectations():
    code = (
        "import sys, pandas as pd\n"
        "from dataclean import checks\n"
        "assert checks.recent_mask(pd.Series(['2026-11-01']), 30, '2026-11-24').tolist() == [True]\n"
        "assert checks.placeholder_mask(pd.Series(['ZZ99 3VZ']), 'postcode').tolist() == [True]\n"
        "bad = [m for m in ('great_expectations', 'splink', 'duckdb') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_plausible_dob_allows_age_exactly_max_and_not_one_more():
    # before: the earliest date was ref.year - 125 with the reference day, so someone aged 125
    # and born before their 125th birthday's calendar day in ref.year - 125 failed
    born_125 = pd.Series(["25/11/1900", "24/11/1900", "02/01/1901"])
    assert checks.plausible_dob_mask(born_125, REF).tolist() == [True, False, True]
    assert dob.is_valid("02/01/1901", reference_date=dt.date(2026, 11, 24))  # the field agrees


def test_plausible_dob_on_29_february_reference_date():
    mask = checks.plausible_dob_mask(pd.Series(["29/02/1904", "01/03/1902", "28/02/1902"]), "2028-02-29", 125)
    assert mask.tolist() == [True, True, False]


def test_one_age_rule_everywhere():
    on = dt.date(2026, 2, 28)
    assert dob.age("2008-02-29", on) == 17 == dob.age_series(pd.Series(["2008-02-29"]), on).iloc[0]
    assert dob.age("2008-02-29", dt.date(2026, 3, 1)) == 18
    agree = checks.age_matches_mask(pd.Series(["29/02/2008", "29/02/2008"]), pd.Series(["17", "18"]), on, 0)
    assert agree.tolist() == [True, False]
    assert [bool(dob.is_leap_year(y)) for y in (1900, 2000, 2024, 2026)] == [False, True, True, False]


def test_age_matches_skips_missing_sides():
    mask = checks.age_matches_mask(pd.Series([None, "2000-01-01", "2000-01-01"]), pd.Series(["3", None, "x"]), REF)
    assert mask.tolist() == [True, True, True]


def test_chronological_strict_and_unparseable():
    a = pd.Series(["2020-01-01", "2020-01-01", "not a date"])
    b = pd.Series(["2020-01-01", "2019-12-31", "2020-01-01"])
    assert checks.chronological_mask(a, b).tolist() == [True, False, True]
    assert checks.chronological_mask(a, b, or_equal=False).tolist() == [False, False, True]


def test_number_between_reads_pounds_and_commas():
    s = pd.Series(["£1,250.50", " 40 ", "-1", "forty", None], index=[5, 6, 7, 8, 9])
    mask = checks.number_between_mask(s, 0, 2000)
    assert mask.tolist() == [True, True, False, False, False]
    assert mask.index.tolist() == [5, 6, 7, 8, 9]


def test_reference_file_read_once_until_cleared(tmp_path):
    path = tmp_path / "ref.csv"
    path.write_text("postcode\nsw1a1aa\nM1 1AE\n", encoding="utf-8")
    col = pd.Series(["SW1A 1AA", "LS1 1UR"])
    assert checks.in_reference_mask(col, str(path), "postcode", "postcode").tolist() == [True, False]
    path.write_text("postcode\nLS1 1UR\n", encoding="utf-8")
    assert checks.in_reference_mask(col, str(path), "postcode", "postcode").tolist() == [True, False]  # cached
    checks.clear_reference_cache()
    assert checks.in_reference_mask(col, str(path), "postcode", "postcode").tolist() == [False, True]


def test_precomputed_results_are_reused_only_inside_the_block():
    col = pd.Series(["9434765919", "123"], name="nhs")
    fake = dob.standardise_series(pd.Series(["2000-01-01", "junk"]))  # any result with the same rows
    with checks.precomputed({"nhs": ("nhs_number", fake)}):
        assert checks.kind_valid_mask(col, "nhs_number").tolist() == [True, False]  # from `fake`
        assert checks.cached(col, "postcode") is None  # another kind: not reused
        assert checks.kind_reasons(col, "nhs_number").tolist()[1] == fake.reason.iloc[1]
    assert checks.cached(col, "nhs_number") is None
    assert checks.kind_valid_mask(col, "nhs_number").tolist() == [True, False]


@pytest.mark.parametrize("kind", sorted(checks.KIND_CLASS_SUFFIX))
def test_valid_kind_type_names_a_snake_case_expectation(kind):
    name = checks.valid_kind_type(kind)
    assert name.startswith("expect_column_values_to_be_valid_") and name == name.lower()
