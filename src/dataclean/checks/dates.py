"""Rules on dates: plausible date of birth, recency, date pairs in order, age against date of birth.

Dates are read by the one date parser (:func:`dataclean.fields.date_of_birth.parse_series`,
UK day-first) and ages come from the one age rule (:func:`~dataclean.fields.date_of_birth.age_years`).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pandas as pd

from dataclean import registry
from dataclean.checks.precomputed import cached
from dataclean.checks.types import PLACEHOLDER_REASONS
from dataclean.fields.date_of_birth import ParsedDates, age_years
from dataclean.fields.date_of_birth import parse_series as parse_dates


def as_date(value: Any) -> _dt.date | None:
    """A reference date from a date, a datetime or ISO text (``None`` or ``""`` give None).

    >>> as_date("2026-11-24T10:00"), as_date(None)
    (datetime.date(2026, 11, 24), None)
    """
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value)[:10])


def _ages(dates: pd.Series, on: _dt.date) -> pd.Series:
    """Whole years from each parsed date to ``on`` (float, NaN where the date is missing)."""
    return age_years(on, dates.dt.year, dates.dt.month, dates.dt.day)


def _birth_dates(column: pd.Series, ref: _dt.date) -> pd.Series:
    """``parse_dates(column, pivot="birth", reference_date=ref)``; inside a run that standardised
    this column as a date of birth on the same reference date, the dates the standardiser read
    (:class:`~dataclean.fields.date_of_birth.ParsedDates`) instead of a second parse. The same
    dates either way: the standardised frame holds, on valid rows, the ISO form of exactly the
    date read from the raw value, and the raw value elsewhere."""
    result = cached(column, "date_of_birth")
    parsed = result.parsed if result is not None else None
    if (
        isinstance(parsed, ParsedDates)
        and parsed.reference_date == ref
        and not pd.api.types.is_datetime64_any_dtype(column.dtype)
    ):
        dates = parsed.dates if parsed.dates.index.equals(column.index) else parsed.dates.reindex(column.index)
        return dates.rename(column.name)
    return parse_dates(column, pivot="birth", reference_date=ref)


def plausible_dob_mask(column: pd.Series, reference_date: Any = None, max_age_years: int = 125) -> pd.Series:
    """True where a date of birth parses, is not in the future or a sentinel, and gives an age of at
    most ``max_age_years`` on ``reference_date`` (default today).

    >>> plausible_dob_mask(pd.Series(["01/01/1900", "24/11/1901", "2030-01-01", "07/03/1980"]), "2026-11-24").tolist()
    [False, True, False, True]
    """
    ref = as_date(reference_date) or _dt.date.today()
    dates = _birth_dates(column, ref)
    ok = dates.notna() & (dates <= pd.Timestamp(ref)) & (_ages(dates, ref) <= int(max_age_years))
    result = cached(column, "date_of_birth")
    reasons = (
        result.reason.reindex(column.index)
        if result is not None
        else registry.get("date_of_birth").reason_series(column, reference_date=ref)
    )
    placeholder = reasons.isin(PLACEHOLDER_REASONS)
    return (ok & ~placeholder.fillna(False)).astype(bool)


def recent_mask(column: pd.Series, max_age_days: int = 365, reference_date: Any = None) -> pd.Series:
    """True where a date is at most ``max_age_days`` old on ``reference_date`` and not in the future.

    >>> recent_mask(pd.Series(["2026-11-01", "2020-01-01", "2027-01-01"]), 30, "2026-11-24").tolist()
    [True, False, False]
    """
    when = as_date(reference_date) or _dt.date.today()
    ref = pd.Timestamp(when)
    dates = parse_dates(column, pivot="recent", reference_date=when)
    age = (ref - dates).dt.days
    return (dates.notna() & (age <= int(max_age_days)) & (age >= 0)).astype(bool)


def _pair_dates(column: pd.Series) -> pd.Series:
    """A date column of a pair check. A column the running suite standardises as a date of birth
    is read as the cleaner reads it (its canonical date where valid, else the date-of-birth pivot);
    any other date column with the recent pivot (see ``date_of_birth.parse_series``)."""
    result = cached(column, "date_of_birth")
    if result is None:
        return parse_dates(column, pivot="recent")
    valid = result.valid.reindex(column.index).fillna(False).to_numpy(dtype=bool)
    canonical = result.value.reindex(column.index).astype("string")
    return parse_dates(canonical.where(valid, column.astype("string")), pivot="birth")


def chronological_mask(column_a: pd.Series, column_b: pd.Series, or_equal: bool | None = True) -> pd.Series:
    """True where date A is on or before date B, or either does not parse (a validity matter).

    >>> a = pd.Series(["01/02/2020", "2021-05-05", "junk"])
    >>> chronological_mask(a, pd.Series(["2020-02-01", "2021-01-01", "2020-01-01"])).tolist()
    [True, False, True]
    """
    a = _pair_dates(column_a)
    b = _pair_dates(column_b).set_axis(a.index)
    ordered = (a <= b) if (or_equal is None or or_equal) else (a < b)
    return (ordered | a.isna() | b.isna()).astype(bool)


def age_matches_mask(
    dob_column: pd.Series, age_column: pd.Series, reference_date: Any = None, tolerance_years: int = 1
) -> pd.Series:
    """True where the stated age is within ``tolerance_years`` of the age the date of birth gives
    on ``reference_date`` (default today); rows missing either side pass (completeness is separate).

    >>> age_matches_mask(pd.Series(["29/02/2008", "2000-01-01"]), pd.Series(["18", "40"]), "2026-03-01", 0).tolist()
    [True, False]
    """
    when = as_date(reference_date) or _dt.date.today()
    dob = _birth_dates(dob_column, when)
    stated = pd.to_numeric(age_column, errors="coerce").set_axis(dob.index)
    ok = (_ages(dob, when) - stated).abs() <= int(tolerance_years)
    return (ok | dob.isna() | stated.isna()).fillna(True).astype(bool)
