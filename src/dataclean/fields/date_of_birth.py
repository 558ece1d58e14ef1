"""Date of birth: mixed UK formats to ISO ``YYYY-MM-DD``, always day-first.

Accepted (case-insensitive, surrounding and repeated spaces ignored, a trailing time such as
``00:00:00``, ``T00:00:00.000Z`` or ``12:00 AM`` ignored):

* ISO ``1984-03-07`` (also ``1984/03/07``, ``1984.3.7``);
* numeric day-first ``07/03/1984``, ``7/3/1984``, ``07-03-1984``, ``07.03.1984``, ``07 03 1984``:
  ``07/03/1984`` is 7 March, never July;
* month names ``7 Mar 1984``, ``7th March 1984``, ``07-Mar-84``, ``07MAR1984`` (SAS ``DATE9``), and
  month-first with a name (``March 7, 1984``: the name makes it unambiguous);
* eight digits ``19840307`` (``YYYYMMDD``) or ``07031984`` (``DDMMYYYY``; the two can never both be
  valid dates), six digits ``070384`` (``DDMMYY``);
* Excel serial day numbers of five digits (``30748`` is 1984-03-07, 1900 date system), noted
  ``excel_serial``; serials below 10000 (before 18 May 1927) are not recognised;
* ``datetime64`` columns, and ``datetime.date`` / ``datetime.datetime`` / ``pd.Timestamp`` objects.

Two-digit years take the latest century that does not put the date after the reference date
(``07/03/84`` is 1984; ``07/03/20`` is 2020 on a 2026 reference date; ``01/12/26`` is 1926 on
2026-11-24). They are noted ``two_digit_year`` because a 100-year-old's date can be read as a baby's.

:func:`parse_series` is the one date parser of dataclean: the same formats, parsed by the same code,
to ``datetime64`` without judging plausibility. The quality checks (plausible date of birth, age
against date of birth, recency, chronological pairs) read dates through it, so a scorecard reads
``07/03/30`` exactly as the cleaner does. Its ``pivot`` says how a two-digit year is read:

* ``pivot="birth"`` (dates of birth): the rule above, never after the reference date;
* ``pivot="recent"`` (every other date: date of death, last updated, start and end dates): the
  year in the hundred years that end :data:`RECENT_YEARS_AHEAD` (20) years after the reference
  year, so on a 2026 reference date ``30`` is 2030, ``46`` is 2046 and ``47`` is 1947. Such dates may lie in the
  near future (a review or end date); whether they may is for a check to judge, not the parser.

The canonical value is an ISO date *string* (pandas ``string`` dtype) so the generic machinery works;
``pd.to_datetime(result.value, format="%Y-%m-%d")`` turns it into datetimes.

Reason codes (invalid rows): ``missing``, ``invalid_type``, ``invalid_length``, ``invalid_format`` (no
recognised date shape, including non-ASCII text), ``partial_date`` (``1984``, ``03/1984``,
``Mar 1984``), ``placeholder`` (``UNKNOWN``, ``N/K``...), ``impossible_date`` (``31/02/1984``, month
13, day 0), ``sentinel_date`` (``01/01/1900``, ``1900-01-01``, ``01/01/1901``, ``1800-01-01``,
``31/12/9999``, ``0001-01-01``, ``0000-00-00``... see :data:`SENTINEL_DATES`), ``future_date`` (after
the reference date), ``implausible_date`` (before 1900-01-01, or older than :data:`MAX_AGE_YEARS`).

Notes on valid rows: ``january_first`` (1 January: some systems record an unknown day and month
that way; most are real, so it is a note, not an error), ``excel_serial``, ``two_digit_year``.
Only one note is kept, in that order.

Every function that judges the future takes ``reference_date`` (default: today), so results are
reproducible.

>>> from datetime import date
>>> from dataclean.fields import date_of_birth as dob
>>> dob.validate("07/03/1984")
'1984-03-07'
>>> dob.format("1984-03-07")
'07/03/1984'
>>> dob.is_valid("01/01/1900")
False
>>> dob.swap_day_month("1984-03-07")
'1984-07-03'
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from dataclasses import replace
from enum import StrEnum
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from dataclean._core import (
    PLACEHOLDER_TOKENS,
    STRING,
    WHITESPACE,
    FieldColumns,
    StandardiseResult,
    arrow_text,
    build_result,
    factorize_text,
    is_missing_scalar,
    scalar_text,
    standardise_per_distinct,
    to_text,
)
from dataclean.exceptions import (  # noqa: F401 - the kind's exceptions, also importable from here
    FutureDate,
    ImplausibleDate,
    ImpossibleDate,
    InvalidComponent,
    InvalidFormat,
    PartialDate,
    PlaceholderValue,
    SentinelDate,
    ValidationError,
)


class Reason(StrEnum):
    """Why a row failed: the ``reason`` column of :func:`standardise_series` and the ``reason`` of
    the :class:`~dataclean.exceptions.ValidationError` that :func:`validate` raises."""

    MISSING = "missing"
    INVALID_TYPE = "invalid_type"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    PARTIAL_DATE = "partial_date"
    PLACEHOLDER = "placeholder"
    IMPOSSIBLE_DATE = "impossible_date"
    SENTINEL_DATE = "sentinel_date"
    FUTURE_DATE = "future_date"
    IMPLAUSIBLE_DATE = "implausible_date"


class Note(StrEnum):
    """Notes on valid rows worth a look but not failures: the ``note`` column."""

    JANUARY_FIRST = "january_first"
    EXCEL_SERIAL = "excel_serial"
    TWO_DIGIT_YEAR = "two_digit_year"


logger = logging.getLogger(__name__)

NAME = "date_of_birth"
DESCRIPTION = "Date of birth, UK day-first, canonical ISO YYYY-MM-DD (not future, not a sentinel)"
MAX_LENGTH = 64
#: The earliest plausible date of birth (earlier, non-sentinel dates are ``implausible_date``).
EARLIEST = _dt.date(1900, 1, 1)
#: Older than this many whole years on the reference date is ``implausible_date``.
MAX_AGE_YEARS = 125
#: Dates systems write when the date of birth is not known. Any date in year 9999 and the zero
#: date ``0000-00-00`` are sentinels too.
SENTINEL_DATES: frozenset[_dt.date] = frozenset(
    {
        _dt.date(1, 1, 1),
        _dt.date(1753, 1, 1),  # SQL Server datetime minimum
        _dt.date(1800, 1, 1),
        _dt.date(1899, 12, 30),  # Excel / OLE day zero
        _dt.date(1899, 12, 31),
        _dt.date(1900, 1, 1),
        _dt.date(1901, 1, 1),
        _dt.date(2099, 12, 31),
        _dt.date(2999, 12, 31),
    }
)
_SENTINEL_KEYS = np.array(sorted(d.year * 10000 + d.month * 100 + d.day for d in SENTINEL_DATES))
#: Text placeholders besides the shared tokens.
DOB_PLACEHOLDER_TOKENS: frozenset[str] = PLACEHOLDER_TOKENS | frozenset(
    {"DOB UNKNOWN", "DOB NOT KNOWN", "NOT AVAILABLE", "UNBORN", "XX/XX/XXXX", "DD/MM/YYYY"}
)
#: How a two-digit year is read by :func:`parse_series` (see the module docstring).
PIVOTS = ("birth", "recent")
#: ``pivot="recent"``: a two-digit year is read as at most this many years after the reference year.
RECENT_YEARS_AHEAD = 20
_EXCEL_EPOCH = _dt.date(1899, 12, 30)
_DAYS_IN_MONTH_PY = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DAYS_IN_MONTH = np.array(_DAYS_IN_MONTH_PY, dtype=np.int64)


def is_leap_year(year: Any) -> Any:
    """The Gregorian leap-year rule, for an int or a numpy array of years (the one copy of it).

    >>> is_leap_year(2024), is_leap_year(1900), is_leap_year(2000)
    (True, False, True)
    """
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


def days_in_month(year: Any, month: Any) -> Any:
    """Days in ``month`` of ``year`` (ints or numpy arrays). A month outside 1-12 is clamped
    into the table (0 gives 0, 13 gives December's 31): callers check the month range themselves.

    >>> int(days_in_month(2024, 2)), int(days_in_month(2026, 2)), int(days_in_month(2026, 0))
    (29, 28, 0)
    """
    m = np.clip(month, 0, 12)
    return _DAYS_IN_MONTH[m] + (is_leap_year(year) & (m == 2))


def age_years(on: _dt.date, year: Any, month: Any, day: Any) -> Any:
    """Age in whole years on ``on`` of someone born on ``year``-``month``-``day`` (ints, numpy
    arrays or pandas Series): the one age rule. Someone born on 29 February turns a year older on
    1 March in non-leap years.

    >>> age_years(_dt.date(2026, 2, 28), 2008, 2, 29), age_years(_dt.date(2026, 3, 1), 2008, 2, 29)
    (17, 18)
    """
    return on.year - year - ((on.month * 100 + on.day) < (month * 100 + day))


_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}

# --- patterns (ASCII only; explicit classes so Python re and the column engine agree) ---------
_MON = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
_ORD = "(?:st|nd|rd|th)?"
_SEP = "(?: ?[-/.] ?| )"
_LOOSE = "[ ./,-]*"
_TIME = (
    r"(?: |t)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?: ?(?:am|pm))?"
    r"(?: ?(?:z|utc|gmt|[+-][0-9]{2}:?[0-9]{2}))?"
)
_PY = {
    "time": re.compile(rf"(.+?){_TIME}", re.ASCII),
    "iso": re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})", re.ASCII),
    "dmy": re.compile(rf"([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{4}}|[0-9]{{2}})", re.ASCII),
    "d_mon_y": re.compile(rf"([0-9]{{1,2}}){_ORD}{_LOOSE}{_MON}{_LOOSE}([0-9]{{4}}|[0-9]{{2}})", re.ASCII),
    "mon_d_y": re.compile(rf"{_MON}{_LOOSE}([0-9]{{1,2}}){_ORD}[ ./,-]+([0-9]{{4}}|[0-9]{{2}})", re.ASCII),
    "digits8": re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})", re.ASCII),
    "digits6": re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})", re.ASCII),
    "excel": re.compile(r"[1-9][0-9]{4}", re.ASCII),
    "partial": re.compile(rf"[0-9]{{4}}|[0-9]{{1,2}}{_SEP}[0-9]{{4}}|{_MON}{_LOOSE}[0-9]{{4}}", re.ASCII),
}
_SPACES_PY = re.compile(" +")
_WS_TRANS = str.maketrans({ch: " " for ch in WHITESPACE})
# the column fast path: the dominant shapes only, everything else goes to the scalar parser
_FAST_TIME = r"(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?)?"
_FAST_ISO = rf"^(?P<a>[0-9]{{4}})-(?P<b>[0-9]{{2}})-(?P<c>[0-9]{{2}}){_FAST_TIME}$"
_FAST_DMY = rf"^(?P<a>[0-9]{{1,2}})[-/.](?P<b>[0-9]{{1,2}})[-/.](?P<c>[0-9]{{4}}){_FAST_TIME}$"
#: ``07 Mar 1984`` / ``07-mar-1984`` (matched on lower-cased text), month as its 3-letter abbreviation.
_FAST_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_FAST_D_MON_Y = rf"^(?P<a>[0-9]{{1,2}})[ -](?P<b>{'|'.join(_FAST_MONTHS)})[ -](?P<c>[0-9]{{4}})$"


_ERRORS: dict[str, type[ValidationError]] = {
    "impossible_date": ImpossibleDate,
    "sentinel_date": SentinelDate,
    "future_date": FutureDate,
    "implausible_date": ImplausibleDate,
    "partial_date": PartialDate,
    "placeholder": PlaceholderValue,
    "invalid_format": InvalidFormat,
}


class _Outcome(NamedTuple):
    iso: str | None
    reason: str | None  # the failure, or a note on a valid date
    ambiguous: bool = False
    parts: _Parts | None = None  # the date as read, judged or not (None: no date)


# ---------------------------------------------------------------------------------------------
# scalar parsing (the reference behaviour; also the column fallback, once per distinct value)
# ---------------------------------------------------------------------------------------------


def _reference(reference_date: _dt.date | None) -> _dt.date:
    if reference_date is None:
        return _dt.date.today()
    if isinstance(reference_date, _dt.datetime):
        return reference_date.date()
    if isinstance(reference_date, _dt.date):
        return reference_date
    raise TypeError(f"reference_date must be a date, got {type(reference_date).__name__}")


def _date_like_text(value: Any) -> str | None:
    """ISO text for date/datetime/Timestamp/datetime64 objects, None for anything else (or NaT)."""
    if value is pd.NaT:
        return None
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value.astype("datetime64[D]"))
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return None


def _text(value: Any) -> str:
    iso = _date_like_text(value)
    if iso is not None:
        return iso
    if isinstance(value, np.datetime64):  # NaT
        return scalar_text(None)
    return scalar_text(value, max_length=MAX_LENGTH).strip(WHITESPACE)


class _Parts(NamedTuple):
    """A date as written, before any judgement (the year already has four digits)."""

    year: int
    month: int
    day: int
    note: str | None = None  # two_digit_year / excel_serial
    day_first: bool = False  # written numerically day-first (the swap could be another date)


def _pivot(yy: int, month: int, day: int, ref: _dt.date, pivot: str = "birth") -> int:
    """The four-digit year for a two-digit year ``yy`` (see :data:`PIVOTS`).

    ``birth``: the latest year that does not put the date after ``ref``. ``recent``: the latest
    year at most :data:`RECENT_YEARS_AHEAD` years after ``ref``'s year.
    """
    if pivot == "recent":
        top = ref.year + RECENT_YEARS_AHEAD
        return top - (top - yy) % 100
    year = ref.year - (ref.year - yy) % 100
    if (year, month, day) > (ref.year, ref.month, ref.day):
        year -= 100
    return year


def _possible(year: int, month: int, day: int) -> bool:
    """True when the day exists (no 31 February, month 13 or day 0). Plain Python on ints: it
    runs once per value the column fast path leaves (numpy's per-call overhead was most of it)."""
    if not 1 <= month <= 12 or year < 1 or day < 1:
        return False
    return day <= _DAYS_IN_MONTH_PY[month] + (month == 2 and bool(is_leap_year(year)))


def _judge(
    year: int, month: int, day: int, ref: _dt.date, *, note: str | None = None, day_first: bool = False
) -> _Outcome:
    """Checks shared by every format, on numeric parts (year already four digits)."""
    if not _possible(year, month, day):
        return _Outcome(None, "impossible_date")
    when = _dt.date(year, month, day)
    if when in SENTINEL_DATES or year == 9999:
        return _Outcome(None, "sentinel_date")
    if when > ref:
        return _Outcome(None, "future_date")
    age = age_years(ref, year, month, day)
    if when < EARLIEST or age > MAX_AGE_YEARS:
        return _Outcome(None, "implausible_date")
    if month == 1 and day == 1:
        note = "january_first"
    ambiguous = day_first and day <= 12 and month <= 12 and day != month
    return _Outcome(when.isoformat(), note, ambiguous)


def _numeric(d: str, m: str, y: str, ref: _dt.date, pivot: str, *, day_first: bool = True) -> _Parts | str:
    if int(d) == 0 and int(m) == 0 and int(y) == 0:
        return "sentinel_date"  # the zero date 00/00/0000
    day, month = int(d), int(m)
    if len(y) == 2:
        return _Parts(_pivot(int(y), month, day, ref, pivot), month, day, "two_digit_year", day_first)
    return _Parts(int(y), month, day, None, day_first)


def _parse_text(text: str, ref: _dt.date, pivot: str = "birth") -> _Parts | str:
    """Read one trimmed text value into its parts, or the reason it is no date. No judgement of
    plausibility (future, sentinel, too early): that is :func:`_judge`'s. Never raises."""
    t = text.translate(_WS_TRANS)
    if not t.isascii():
        return "invalid_format"
    t = _SPACES_PY.sub(" ", t).strip(" ")
    if t.upper() in DOB_PLACEHOLDER_TOKENS:
        return "placeholder"
    t = t.lower()
    m = _PY["time"].fullmatch(t)
    if m:
        t = m.group(1)
    if m := _PY["iso"].fullmatch(t):
        y, mo, d = m.groups()
        if int(y) == 0 and int(mo) == 0 and int(d) == 0:
            return "sentinel_date"
        return _Parts(int(y), int(mo), int(d))
    if m := _PY["dmy"].fullmatch(t):
        return _numeric(m.group(1), m.group(2), m.group(3), ref, pivot)
    if m := _PY["d_mon_y"].fullmatch(t):
        return _numeric(m.group(1), str(_MONTHS[m.group(2)]), m.group(3), ref, pivot, day_first=False)
    if m := _PY["mon_d_y"].fullmatch(t):
        return _numeric(m.group(2), str(_MONTHS[m.group(1)]), m.group(3), ref, pivot, day_first=False)
    if m := _PY["digits8"].fullmatch(t):
        y, mo, d = (int(g) for g in m.groups())
        if _possible(y, mo, d) or t == "00000000":  # YYYYMMDD and DDMMYYYY are never both dates
            return _numeric(m.group(3), m.group(2), m.group(1), ref, pivot, day_first=False)
        return _numeric(t[:2], t[2:4], t[4:], ref, pivot)
    if m := _PY["digits6"].fullmatch(t):
        return _numeric(m.group(1), m.group(2), m.group(3), ref, pivot)
    if _PY["excel"].fullmatch(t):
        when = _EXCEL_EPOCH + _dt.timedelta(days=int(t))
        return _Parts(when.year, when.month, when.day, "excel_serial")
    if _PY["partial"].fullmatch(t):
        return "partial_date"
    return "invalid_format"


def _analyse_text(text: str, ref: _dt.date) -> _Outcome:
    """Parse and judge one trimmed text value as a date of birth. Never raises; failures come back
    as reason codes."""
    parts = _parse_text(text, ref)
    if isinstance(parts, str):
        return _Outcome(None, parts)
    judged = _judge(parts.year, parts.month, parts.day, ref, note=parts.note, day_first=parts.day_first)
    return judged._replace(parts=parts)


def _analyse(value: Any, reference_date: _dt.date | None) -> _Outcome:
    return _analyse_text(_text(value), _reference(reference_date))


# ---------------------------------------------------------------------------------------------
# scalar API
# ---------------------------------------------------------------------------------------------


def compact(value: Any) -> str:
    """Trim and collapse whitespace (date objects become ISO text); no checks."""
    return _SPACES_PY.sub(" ", _text(value).translate(_WS_TRANS))


def validate(value: Any, *, reference_date: _dt.date | None = None) -> str:
    """Return the ISO date ``YYYY-MM-DD``, or raise a ValidationError subclass.

    ``reference_date`` (default today) is "now" for the future and age checks and the two-digit
    year pivot.
    """
    outcome = _analyse(value, reference_date)
    if outcome.iso is None:
        raise _ERRORS.get(outcome.reason or "invalid_format", InvalidFormat)()
    return outcome.iso


def is_valid(value: Any, *, reference_date: _dt.date | None = None) -> bool:
    """Return True if ``validate`` accepts the value; never raises."""
    try:
        validate(value, reference_date=reference_date)
    except ValidationError:
        return False
    return True


def format(value: Any, *, reference_date: _dt.date | None = None) -> str:
    """UK display form ``07/03/1984`` (validates first)."""
    iso = validate(value, reference_date=reference_date)
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def is_ambiguous(value: Any, *, reference_date: _dt.date | None = None) -> bool:
    """True when a valid value was written numerically day-first with day and month both <= 12
    and different (``07/03/1984``): a month-first writer would mean another date. Never raises."""
    try:
        return _analyse(value, reference_date).ambiguous
    except ValidationError:
        return False


def swap_day_month(iso: Any) -> str | None:
    """The ISO date with day and month exchanged (``1984-03-07`` -> ``1984-07-03``).

    None when the input is not an ISO date or the swap is no date (day over 12). A date whose day
    equals its month comes back unchanged. For linkage: a day/month transposition is a classic
    keying error.
    """
    if not isinstance(iso, str):
        return None
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", iso, re.ASCII)
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(3)), int(m.group(2))).isoformat()
    except ValueError:
        return None


def age(dob: Any, on: _dt.date) -> int | None:
    """Age in whole years on ``on`` for an ISO date (or date object); None if not a date."""
    text = _date_like_text(dob) if not isinstance(dob, str) else dob
    if text is None or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text, re.ASCII):
        return None
    try:
        born = _dt.date.fromisoformat(text)
    except ValueError:
        return None
    return int(age_years(on, born.year, born.month, born.day))


# ---------------------------------------------------------------------------------------------
# column API
# ---------------------------------------------------------------------------------------------


def _object_dates_to_text(values: pd.Series) -> pd.Series:
    """Turn date objects in an object column into ISO text (others untouched); new Series."""
    if not pd.api.types.is_object_dtype(values.dtype):
        return values
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    mixed = inferred.startswith("mixed")
    if not mixed and inferred not in ("date", "datetime", "datetime64"):
        return values
    arr = values.to_numpy(dtype=object)
    if not mixed:  # all date-like: convert each distinct value once
        codes, uniques = pd.factorize(arr)
        conv = np.array([_date_like_text(u) for u in uniques] + [None], dtype=object)
        return pd.Series(conv[codes], index=values.index, dtype=object)
    # mixed types (rare): one pass; hashing would merge True with 1, so no factorize here
    out = np.empty(len(arr), dtype=object)
    for i, v in enumerate(arr):
        iso = _date_like_text(v)
        nat = isinstance(v, np.datetime64) and np.isnat(v)
        out[i] = iso if iso is not None else (None if nat or is_missing_scalar(v) else v)
    return pd.Series(out, index=values.index, dtype=object)


def _judge_arrays(
    y: np.ndarray, m: np.ndarray, d: np.ndarray, ref: _dt.date, day_first: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised :func:`_judge` for four-digit years: (key yyyymmdd, valid, reason, ambiguous)."""
    n = len(y)
    reason = np.full(n, None, dtype=object)
    dim = days_in_month(y, m)
    possible = (m >= 1) & (m <= 12) & (y >= 1) & (d >= 1) & (d <= dim)
    key = y * 10000 + m * 100 + d
    ref_key = ref.year * 10000 + ref.month * 100 + ref.day
    sentinel = possible & (np.isin(key, _SENTINEL_KEYS) | (y == 9999))
    future = possible & ~sentinel & (key > ref_key)
    age = age_years(ref, y, m, d)
    early = possible & ~sentinel & ~future & ((key < 19000101) | (age > MAX_AGE_YEARS))
    reason[~possible] = "impossible_date"
    reason[sentinel] = "sentinel_date"
    reason[future] = "future_date"
    reason[early] = "implausible_date"
    valid = possible & ~sentinel & ~future & ~early
    reason[valid & (m == 1) & (d == 1)] = "january_first"
    ambiguous = valid & day_first & (d <= 12) & (m <= 12) & (d != m)
    return key, valid, reason, ambiguous


def _fast_parts(u: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ISO, numeric dd/mm/yyyy and ``dd Mon yyyy`` on distinct texts, vectorised (RE2 over Arrow):
    (handled, year, month, day, day_first) arrays over ``u``; rows not handled go to the scalar
    parser, which reads the handled shapes the same way (agreement is tested)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(u)
    text = arrow_text(u)
    handled = np.zeros(n, dtype=bool)
    y = np.zeros(n, dtype=np.int64)
    m = np.zeros(n, dtype=np.int64)
    d = np.zeros(n, dtype=np.int64)
    day_first = np.zeros(n, dtype=bool)
    shapes = ((_FAST_ISO, (0, 1, 2), False), (_FAST_DMY, (2, 1, 0), True), (_FAST_D_MON_Y, (2, 1, 0), False))
    for pattern, order, is_dmy in shapes:
        todo = np.flatnonzero(~handled)
        if not len(todo):
            break
        sub = text.take(pa.array(todo))
        if pattern is _FAST_D_MON_Y:
            sub = pc.ascii_lower(sub)
        parts = pc.extract_regex(sub, pattern)
        hit = np.asarray(pc.fill_null(pc.is_valid(parts), False).to_numpy(zero_copy_only=False), dtype=bool)
        if not hit.any():
            continue
        parts = parts.filter(pa.array(hit))
        rows = todo[hit]
        fields = [pc.struct_field(parts, [i]) for i in range(3)]
        if pattern is _FAST_D_MON_Y:
            fields[1] = pc.add(pc.index_in(fields[1], pa.array(_FAST_MONTHS)), 1)
        nums = [np.asarray(pc.cast(fields[i], pa.int64()).to_numpy(zero_copy_only=False)) for i in order]
        y[rows], m[rows], d[rows] = nums
        day_first[rows] = is_dmy
        handled[rows] = True
    return handled, y, m, d, day_first


def _fast_path(u: pd.Series, ref: _dt.date) -> tuple[np.ndarray, ...]:
    """:func:`_fast_parts` judged as dates of birth: (handled, iso, reason, valid, ambiguous, year,
    month, day)."""
    n = len(u)
    handled, y, m, d, day_first = _fast_parts(u)
    zero = handled & (y == 0) & (m == 0) & (d == 0)
    key, valid, reason, ambiguous = _judge_arrays(y, m, d, ref, day_first)
    reason[zero] = "sentinel_date"
    valid &= handled & ~zero
    ambiguous &= valid
    iso = np.full(n, None, dtype=object)
    if valid.any():
        iso[valid] = _iso_from_keys(key[valid]).to_numpy(zero_copy_only=False)
    return handled, iso, reason, valid, ambiguous, y, m, d


def _iso_from_keys(keys: np.ndarray) -> Any:
    """``YYYY-MM-DD`` (a pyarrow string array) from ``yyyymmdd`` integers of four-digit years."""
    import pyarrow as pa
    import pyarrow.compute as pc

    k = pa.array(keys, type=pa.int64()).cast(pa.string())
    return pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(k, 0, 4), pc.utf8_slice_codeunits(k, 4, 6), pc.utf8_slice_codeunits(k, 6, 8), "-"
    )


def _pad(a: np.ndarray, fill: Any) -> np.ndarray:
    """``a`` with one more slot, so code -1 (a missing row) picks ``fill``."""
    return np.append(a, np.array([fill], dtype=a.dtype))


class _Analysis(NamedTuple):
    """:func:`_analyse_series`'s per-row arrays."""

    col: Any  # the TextColumn
    iso: np.ndarray
    reason: np.ndarray
    valid: np.ndarray
    ambiguous: np.ndarray
    dates: np.ndarray  # datetime64[ns]: what parse_series(pivot="birth") gives each row


def _analyse_series(values: pd.Series, reference_date: _dt.date | None, *, distinct: bool = False) -> _Analysis:
    """Per-row iso, reason, valid, ambiguous and parsed date, all work once per distinct value
    (``distinct``: ``values`` are already distinct, see :func:`~dataclean._core.factorize_text`).
    Every value is read once, by the reader :func:`parse_series` uses, then judged."""
    ref = _reference(reference_date)
    if not isinstance(values, pd.Series):
        raise TypeError(f"expected a pandas Series, got {type(values).__name__}")
    col = to_text(_object_dates_to_text(values), max_length=MAX_LENGTH)
    codes, uniques = factorize_text(col.text, distinct=distinct)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype=STRING)
    handled, iso_u, reason_u, valid_u, amb_u, y, m, d = _fast_path(u, ref)
    read = handled.copy()
    rest = np.flatnonzero(~handled)
    texts = u.to_numpy(dtype=object)
    for i in rest:
        out = _analyse_text(texts[i], ref)
        iso_u[i], reason_u[i], amb_u[i] = out.iso, out.reason, out.ambiguous
        valid_u[i] = out.iso is not None
        if out.parts is not None:
            y[i], m[i], d[i] = out.parts.year, out.parts.month, out.parts.day
            read[i] = True
    logger.debug("date_of_birth: %d distinct values, %d by the fallback parser", len(u), len(rest))
    # restore the original column for "unchanged" (before date objects became text)
    col = col.__class__(values, col.text, col.missing, col.bad_type, col.too_long)
    return _Analysis(
        col,
        _pad(iso_u, None)[codes],
        _pad(reason_u, None)[codes],
        _pad(valid_u, False)[codes],
        _pad(amb_u, False)[codes],
        _pad(_datetimes(read, y, m, d), np.datetime64("NaT", "ns"))[codes],
    )


def _datetimes(read: np.ndarray, y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``datetime64[ns]`` of the values ``read`` into (year, month, day), ``NaT`` where a value was
    not read, is no day (31 February, the zero date) or lies outside what ``datetime64[ns]`` holds
    (before 1677-09-22 or after 2262-04-11)."""
    ok = read & (m >= 1) & (m <= 12) & (d >= 1) & (d <= days_in_month(y, m)) & (y >= 1)
    key = y * 10000 + m * 100 + d
    ok &= (key >= 16770922) & (key <= 22620411)
    days = np.full(len(y), np.datetime64("NaT"), dtype="datetime64[D]")
    if ok.any():
        months = (y[ok] - 1970) * 12 + (m[ok] - 1)
        days[ok] = months.astype("datetime64[M]").astype("datetime64[D]") + (d[ok] - 1).astype("timedelta64[D]")
    return days.astype("datetime64[ns]")


class ParsedDates(NamedTuple):
    """A date-of-birth column as :func:`parse_series` reads it (``pivot="birth"``, two-digit years
    against ``reference_date``): the dates :func:`standardise_series` read on its way to judging
    them, kept on its result (:attr:`~dataclean._core.StandardiseResult.parsed`) so the rules that
    need the dates themselves (plausible date of birth, age against date of birth) do not parse
    the column a second time. ``NaT`` where a row is no date (future, sentinel and too-early
    dates are dates here; judging them is the rules' business)."""

    dates: pd.Series
    reference_date: _dt.date

    def take(self, positions: np.ndarray, index: pd.Index) -> ParsedDates:
        """These dates picked by position, onto ``index``."""
        return ParsedDates(
            pd.Series(self.dates.to_numpy()[positions], index=index, name=self.dates.name), self.reference_date
        )


def standardise_series(values: pd.Series, *, reference_date: _dt.date | None = None) -> StandardiseResult:
    """Parse a whole column to ISO date strings (vectorised fast path, then once per distinct value)."""
    return standardise_per_distinct(values, _standardise, reference_date=reference_date)


def _standardise(
    values: pd.Series, *, reference_date: _dt.date | None = None, distinct: bool = False
) -> StandardiseResult:
    col, iso, reason, valid, _, dates = _analyse_series(values, reference_date, distinct=distinct)
    index = values.index
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        canonical = pd.Series(pd.array(iso, dtype=pd.StringDtype("pyarrow")), index=index)  # stays in Arrow
    else:
        canonical = pd.Series(iso, index=index, dtype=object)
    result = build_result(col, canonical, pd.Series(reason, index=index, dtype=object), valid)
    if not _textual(values):  # date objects: the rules read their text form, which may differ
        return result
    parsed = ParsedDates(pd.Series(dates, index=index, name=values.name), _reference(reference_date))
    return replace(result, parsed=parsed)


def _textual(values: pd.Series) -> bool:
    """True for a column of text (what :func:`parse_series` reads as it is)."""
    if isinstance(values.dtype, pd.StringDtype):
        return True
    return pd.api.types.is_object_dtype(values.dtype) and pd.api.types.infer_dtype(values, skipna=True) in (
        "string",
        "empty",
    )


_COLUMNS = FieldColumns(standardise_series)


def is_valid_series(values: pd.Series, *, reference_date: _dt.date | None = None) -> pd.Series:
    """Boolean mask of valid dates of birth, aligned to ``values``."""
    return _COLUMNS.is_valid_series(values, reference_date=reference_date)


def reason_series(values: pd.Series, *, reference_date: _dt.date | None = None) -> pd.Series:
    """Failure reason per row, a :class:`Reason` code (``<NA>`` on valid rows; notes are in
    :func:`note_series`)."""
    return _COLUMNS.reason_series(values, reference_date=reference_date)


def note_series(values: pd.Series, *, reference_date: _dt.date | None = None) -> pd.Series:
    """Note per valid row, a :class:`Note` code (``<NA>`` elsewhere)."""
    return _COLUMNS.note_series(values, reference_date=reference_date)


def is_ambiguous_series(values: pd.Series, *, reference_date: _dt.date | None = None) -> pd.Series:
    """True where a valid date was written day/month numerically and swapping them gives another
    date (see :func:`is_ambiguous`)."""
    ambiguous = _analyse_series(values, reference_date).ambiguous
    return pd.Series(np.asarray(ambiguous, dtype=bool), index=values.index, name=values.name)


def parse_series(values: pd.Series, *, pivot: str = "birth", reference_date: _dt.date | None = None) -> pd.Series:
    """Parse a column of dates to ``datetime64[ns]``, ``NaT`` where a value is no date. Never raises.

    The one date parser of dataclean: the formats and the code of :func:`standardise_series`
    (vectorised fast path, then the scalar parser once per distinct value), but *parse only*: a
    future date, a sentinel such as ``01/01/1900`` or a date before 1900 parses to that date;
    judging it is for the caller. ``NaT`` means missing, a bad type, no recognised shape, a
    partial date, a placeholder, an impossible day (``31/02/1984``), the zero date, or a date
    outside what ``datetime64[ns]`` holds (before 1677-09-22 or after 2262-04-11: ``0001-01-01``,
    ``31/12/9999``).

    ``pivot`` decides how a two-digit year is read (:data:`PIVOTS`):

    * ``"birth"``, for dates of birth: the latest century that does not put the date after
      ``reference_date`` (``07/03/30`` is 1930), as :func:`validate` reads it;
    * ``"recent"``, for every other date (death, last updated, start, end): the year at most
      :data:`RECENT_YEARS_AHEAD` years after the reference year (``07/03/30`` is 2030 and
      ``07/03/50`` is 1950 on a 2026 reference date).

    ``reference_date`` defaults to today. A ``datetime64`` column is returned as it is
    (time zone dropped); the index and name of ``values`` are kept.

    >>> import datetime as dt, pandas as pd
    >>> s = pd.Series(["07/03/30", "07MAR1984", "30748", "31/02/1984"])
    >>> parse_series(s, reference_date=dt.date(2026, 11, 24)).dt.strftime("%Y-%m-%d").tolist()
    ['1930-03-07', '1984-03-07', '1984-03-07', nan]
    >>> parse_series(s[:1], pivot="recent", reference_date=dt.date(2026, 11, 24)).dt.year.tolist()
    [2030]
    """
    if pivot not in PIVOTS:
        raise ValueError(f"pivot must be one of {', '.join(PIVOTS)}, got {pivot!r}")
    if not isinstance(values, pd.Series):
        raise TypeError(f"expected a pandas Series, got {type(values).__name__}")
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = values
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        return out.astype("datetime64[ns]")
    ref = _reference(reference_date)
    col = to_text(_object_dates_to_text(values), max_length=MAX_LENGTH)
    codes, uniques = factorize_text(col.text)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype=STRING)
    handled, y, m, d, _ = _fast_parts(u)
    texts = u.to_numpy(dtype=object)
    rest = np.flatnonzero(~handled)
    ok = np.ones(len(u), dtype=bool)
    for i in rest:
        parts = _parse_text(texts[i], ref, pivot)
        if isinstance(parts, str):
            ok[i] = False
        else:
            y[i], m[i], d[i] = parts.year, parts.month, parts.day
    logger.debug("parse_series: %d distinct values, %d by the fallback parser", len(u), len(rest))
    per_row = _pad(_datetimes(ok, y, m, d), np.datetime64("NaT", "ns"))[codes]
    return pd.Series(per_row, index=values.index, name=values.name, dtype="datetime64[ns]")


def _iso_parts(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(ok, year, month, day) for ISO date strings or datetime64 values; ok False elsewhere."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        text = values.dt.strftime("%Y-%m-%d").astype(STRING)
    else:
        text = values if isinstance(values.dtype, pd.StringDtype) else values.astype(STRING)
    parts = text.str.extract(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
    ok = parts[0].notna().to_numpy(dtype=bool).copy()
    nums = [pd.to_numeric(parts[i]).to_numpy(dtype="float64", na_value=0).astype(np.int64) for i in range(3)]
    y, m, d = nums
    dim = days_in_month(y, m)
    ok &= (m >= 1) & (m <= 12) & (d >= 1) & (d <= dim) & (y >= 1)
    return ok, y, m, d


def swap_day_month_series(values: pd.Series) -> pd.Series:
    """Column version of :func:`swap_day_month` (``<NA>`` where the swap is no date)."""
    ok, y, m, d = _iso_parts(values)
    dim = days_in_month(y, d)
    ok &= (d <= 12) & (m <= dim)
    key = pd.Series(np.where(ok, y * 10000 + d * 100 + m, 0)).astype(STRING)
    out = key.str.slice(0, 4) + "-" + key.str.slice(4, 6) + "-" + key.str.slice(6, 8)
    return pd.Series(out.to_numpy(dtype=object), index=values.index, dtype=STRING, name=values.name).where(ok, pd.NA)


def age_series(dob: pd.Series, on: _dt.date) -> pd.Series:
    """Age in whole years on ``on`` (Int64), for ISO date strings or a datetime64 column.

    Someone born on 29 February turns a year older on 1 March in non-leap years. Rows that are
    not ISO dates are ``<NA>``; standardise mixed formats first.
    """
    ok, y, m, d = _iso_parts(dob)
    years = age_years(on, y, m, d)
    return pd.Series(pd.array(np.where(ok, years, 0), dtype="Int64"), index=dob.index, name=dob.name).where(ok, pd.NA)
