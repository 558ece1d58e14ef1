"""NHS number (England, Wales and the Isle of Man).

Ten digits, the tenth a modulus-11 check digit: digits 1-9 are weighted 10 down to 2, the sum
is taken modulo 11 and the check digit is ``11 - remainder`` (11 becomes 0; 10 is never issued).
Written 3-3-4 (``943 476 5919``), stored without separators.

Repeated-digit numbers (``0000000000``, ``1111111111``...) pass the checksum but are
placeholders in real data, so they are reported as ``placeholder``. Numbers starting ``999`` are
the test range: valid, with the note ``test_range`` so test records can be found in live data.

>>> from dataclean.fields import nhs_number
>>> nhs_number.validate("943-476-5919")
'9434765919'
>>> nhs_number.format("9434765919")
'943 476 5919'
>>> nhs_number.is_valid("9434765918")
False
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from dataclean._core import (
    WHITESPACE,
    WHITESPACE_RE,
    FieldColumns,
    StandardiseResult,
    arrow_strings,
    as_string,
    build_result,
    fullmatch,
    make_is_valid,
    per_distinct_value,
    scalar_text,
    to_text,
)
from dataclean.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, PlaceholderValue


class Reason(StrEnum):
    """Why a row failed: the ``reason`` column of :func:`standardise_series` and the ``reason`` of
    the :class:`~dataclean.exceptions.ValidationError` that :func:`validate` raises."""

    MISSING = "missing"
    INVALID_TYPE = "invalid_type"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    INVALID_CHECKSUM = "invalid_checksum"
    PLACEHOLDER = "placeholder"


class Note(StrEnum):
    """Notes on valid rows worth a look but not failures: the ``note`` column."""

    TEST_RANGE = "test_range"


NAME = "nhs_number"
DESCRIPTION = "NHS number: 10 digits with a modulus-11 check digit"
MAX_LENGTH = 64
_WEIGHTS = np.arange(10, 1, -1, dtype=np.int64)  # digits 1..9
_SEPARATORS = f"[{WHITESPACE_RE}\\-.]"
_SEPARATOR_CHARS = frozenset(WHITESPACE + "-.")
_REPEATED = frozenset(str(d) * 10 for d in range(10))


def compact(value: Any) -> str:
    """Remove spaces, hyphens and dots; no other checks."""
    text = scalar_text(value, max_length=MAX_LENGTH)
    return "".join(ch for ch in text if ch not in _SEPARATOR_CHARS)


def checksum(digits: str) -> int:
    """The check digit for the first nine digits (10 means the number can never be valid)."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    return 0 if check == 11 else check


def validate(value: Any) -> str:
    """Return the 10-digit canonical form, or raise a ValidationError subclass."""
    number = compact(value)
    if not number.isascii() or not number.isdigit():
        raise InvalidFormat("An NHS number has only the digits 0-9 (spaces and hyphens allowed).")
    if len(number) != 10:
        raise InvalidLength(f"An NHS number has 10 digits, not {len(number)}.")
    if number in _REPEATED:
        raise PlaceholderValue("Repeated-digit NHS numbers are placeholders.")
    if checksum(number) != int(number[9]):
        raise InvalidChecksum("The NHS number check digit does not match.")
    return number


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """Display form ``943 476 5919`` (validates first)."""
    number = validate(value)
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def note(number: str) -> str | None:
    """A note for a valid number: ``test_range`` for numbers starting 999."""
    return "test_range" if number.startswith("999") else None


@per_distinct_value
def standardise_series(values: pd.Series) -> StandardiseResult:
    """Validate and canonicalise a whole column (vectorised: regex plus numpy checksum)."""
    col = to_text(values, max_length=MAX_LENGTH)
    compacted = col.text.str.replace(_SEPARATORS, "", regex=True)
    n = len(compacted)
    digits_only = fullmatch(compacted, r"[0-9]+")
    ten = digits_only & (compacted.str.len().to_numpy(dtype="float64", na_value=0) == 10)
    reason = np.full(n, None, dtype=object)
    reason[col.usable & ~digits_only] = "invalid_format"
    reason[digits_only & ~ten] = "invalid_length"
    valid = np.zeros(n, dtype=bool)
    if ten.any():
        nums = compacted[ten].astype("int64").to_numpy()
        ok = _checksum_ok(nums)
        repeated = nums % 1111111111 == 0  # 0000000000, 1111111111, ... 9999999999
        reason[ten] = np.where(repeated, "placeholder", np.where(ok, None, "invalid_checksum"))
        valid[ten] = ok
        test_range = valid & compacted.str.startswith("999").fillna(False).to_numpy(dtype=bool)
        reason[test_range] = "test_range"
    return build_result(col, as_string(compacted), pd.Series(reason, index=values.index), valid)


def _checksum_ok(nums: np.ndarray) -> np.ndarray:
    """Valid check digit and not repeated digits, for an int64 array of 10-digit numbers."""
    place = 10 ** np.arange(9, -1, -1, dtype=np.int64)
    digits = (nums[:, None] // place) % 10
    check = 11 - (digits[:, :9] @ _WEIGHTS) % 11
    check = np.where(check == 11, 0, check)
    repeated = (digits == digits[:, :1]).all(axis=1)
    return (check != 10) & (check == digits[:, 9]) & ~repeated


def _is_valid_arrow(values: pd.Series) -> pd.Series | None:
    """The validity mask in Arrow compute for a pyarrow-backed string column, else None."""
    arr = arrow_strings(values)
    if arr is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim(arr, WHITESPACE)
    short = pc.less_equal(pc.utf8_length(trimmed), MAX_LENGTH)
    compacted = pc.replace_substring_regex(trimmed, _SEPARATORS, "")
    ten = pc.and_kleene(short, pc.match_substring_regex(compacted, "^[0-9]{10}$"))
    mask = ten.fill_null(False).to_numpy(zero_copy_only=False)
    if mask.any():
        nums = pc.cast(pc.filter(compacted, mask), pa.int64()).to_numpy()
        mask[mask] = _checksum_ok(nums)
    return pd.Series(mask, index=values.index)


_COLUMNS = FieldColumns(standardise_series, is_valid=_is_valid_arrow)


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of valid NHS numbers, aligned to ``values``.

    On pyarrow-backed string columns this runs entirely in Arrow compute and numpy (no
    per-row objects); other columns go through :func:`standardise_series`.
    """
    return _COLUMNS.is_valid_series(values)


def reason_series(values: pd.Series) -> pd.Series:
    """Failure reason per row, a :class:`Reason` code (``<NA>`` on valid rows; notes are in
    :func:`note_series`)."""
    return _COLUMNS.reason_series(values)


def note_series(values: pd.Series) -> pd.Series:
    """Note per valid row, a :class:`Note` code (``<NA>`` elsewhere)."""
    return _COLUMNS.note_series(values)
