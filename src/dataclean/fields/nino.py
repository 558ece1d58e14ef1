"""National Insurance number (NINO), following HMRC's rules (National Insurance Manual NIM39110).

Two prefix letters, six digits, one suffix letter A-D: canonical ``AB123456C`` (upper case, no
spaces); ``ab 12 34 56 c`` and ``AB-12-34-56-C`` are accepted.

* First letter never D, F, I, Q, U or V; second letter never D, F, I, O, Q, U or V
  (reason ``invalid_component``; ``QQ 12 34 56 C``, the usual documentation example, fails here).
* Prefixes BG, GB, KN, NK, NT, TN and ZZ are never allocated (reason ``unallocated_prefix``).
* ``TN`` + date of birth (DDMMYY) + ``M``/``F`` was a temporary reference, not a NINO
  (reason ``temporary_reference``).
* A number without its suffix letter (``AB123456``) is reported as ``missing_suffix``: some
  systems drop it, but it cannot be checked or matched reliably.
* Prefixes that some sources describe as administrative (CR, FY, MW, NC, PP, PY, PZ) are valid
  with the note ``administrative_prefix``: worth a look, not a failure (this is not confirmed
  by HMRC's published rules).

There is no check digit: a well-formed NINO may still not have been issued.

>>> from dataclean.fields import nino
>>> nino.validate("ab 12 34 56 c")
'AB123456C'
>>> nino.is_valid("QQ123456C")
False
"""

from __future__ import annotations

import re
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
    make_is_valid,
    per_distinct_value,
    scalar_text,
    to_text,
)
from dataclean.exceptions import InvalidComponent, InvalidFormat, ValidationError


class Reason(StrEnum):
    """Why a row failed: the ``reason`` column of :func:`standardise_series` and the ``reason`` of
    the :class:`~dataclean.exceptions.ValidationError` that :func:`validate` raises."""

    MISSING = "missing"
    INVALID_TYPE = "invalid_type"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    MISSING_SUFFIX = "missing_suffix"
    TEMPORARY_REFERENCE = "temporary_reference"
    UNALLOCATED_PREFIX = "unallocated_prefix"
    INVALID_COMPONENT = "invalid_component"
    PLACEHOLDER = "placeholder"


class Note(StrEnum):
    """Notes on valid rows worth a look but not failures: the ``note`` column."""

    ADMINISTRATIVE_PREFIX = "administrative_prefix"


NAME = "nino"
DESCRIPTION = "National Insurance number: two letters, six digits, suffix A-D (AB123456C)"
MAX_LENGTH = 32

UNALLOCATED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
ADMINISTRATIVE = frozenset({"CR", "FY", "MW", "NC", "PP", "PY", "PZ"})
SHAPE = r"^[A-Z]{2}[0-9]{6}[A-Z]$"
STRICT = r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$"
TEMPORARY = r"^TN[0-9]{6}[MF]$"
NO_SUFFIX = r"^[A-Z]{2}[0-9]{6}$"
_SEPARATORS = f"[{WHITESPACE_RE}\\-]"
_SEP_RE = re.compile(_SEPARATORS)
_STRICT_RE, _SHAPE_RE, _TEMP_RE, _NO_SUFFIX_RE = map(re.compile, (STRICT, SHAPE, TEMPORARY, NO_SUFFIX))

_MESSAGES = {
    "temporary_reference": "TN + date of birth + M/F is a temporary reference, not a National Insurance number.",
    "unallocated_prefix": "This prefix is never allocated by HMRC.",
    "invalid_component": "A prefix letter or the suffix letter is not one HMRC uses.",
    "missing_suffix": "The suffix letter (A-D) is missing.",
    "invalid_format": "A National Insurance number is two letters, six digits and a letter A-D.",
}


def compact(value: Any) -> str:
    """Upper case with spaces and hyphens removed; no checks."""
    return _SEP_RE.sub("", scalar_text(value, max_length=MAX_LENGTH)).upper()


def _classify(code: str) -> tuple[bool, str | None]:
    if not code.isascii():
        return False, "invalid_format"
    if _TEMP_RE.match(code):
        return False, "temporary_reference"
    if _NO_SUFFIX_RE.match(code):
        return False, "missing_suffix"
    if not _SHAPE_RE.match(code):
        return False, "invalid_format"
    if code[:2] in UNALLOCATED:
        return False, "unallocated_prefix"
    if not _STRICT_RE.match(code):
        return False, "invalid_component"
    return True, ("administrative_prefix" if code[:2] in ADMINISTRATIVE else None)


def validate(value: Any) -> str:
    """Return the canonical NINO (``AB123456C``), or raise a ValidationError subclass."""
    # trimmed before the ASCII check, as the column version trims (a pasted no-break space)
    text = scalar_text(value, max_length=MAX_LENGTH).strip(WHITESPACE)
    code = compact(text) if text.isascii() else "\x80"
    ok, reason = _classify(code)
    if not ok:
        error: type[ValidationError] = (
            InvalidFormat if reason in ("invalid_format", "missing_suffix") else InvalidComponent
        )
        raise error(_MESSAGES[reason], reason=reason)
    return code


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """Display form ``AB 12 34 56 C``."""
    c = validate(value)
    return f"{c[:2]} {c[2:4]} {c[4:6]} {c[6:8]} {c[8]}"


@per_distinct_value
def standardise_series(values: pd.Series) -> StandardiseResult:
    """Canonical NINOs, status and reason per row (vectorised regexes)."""
    col = to_text(values, max_length=MAX_LENGTH)
    ascii_ok = ~col.text.str.contains(r"[^\x00-\x7F]", regex=True).fillna(False).to_numpy(dtype=bool)
    code = col.text.str.replace(_SEPARATORS, "", regex=True).str.upper().where(ascii_ok, "\x80")

    def match(pattern: str) -> np.ndarray:
        return code.str.match(pattern).fillna(False).to_numpy(dtype=bool)

    temporary, no_suffix, shape, strict = match(TEMPORARY), match(NO_SUFFIX), match(SHAPE), match(STRICT)
    prefix = code.str.slice(0, 2)
    unallocated = prefix.isin(UNALLOCATED).fillna(False).to_numpy(dtype=bool)
    admin = prefix.isin(ADMINISTRATIVE).fillna(False).to_numpy(dtype=bool)
    valid = strict & ~unallocated & ~temporary
    reason = np.select(
        [~col.usable, temporary, no_suffix, ~shape, unallocated, ~strict, admin],
        [
            "",
            "temporary_reference",
            "missing_suffix",
            "invalid_format",
            "unallocated_prefix",
            "invalid_component",
            "administrative_prefix",
        ],
        default="",
    ).astype(object)
    reason[reason == ""] = None
    return build_result(col, as_string(code), pd.Series(reason, index=values.index), valid)


def _is_valid_arrow(values: pd.Series) -> pd.Series | None:
    """The validity mask in Arrow compute for a pyarrow-backed string column, else None."""
    arr = arrow_strings(values)
    if arr is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim(arr, WHITESPACE)
    usable = pc.and_kleene(pc.less_equal(pc.utf8_length(trimmed), MAX_LENGTH), pc.string_is_ascii(trimmed))
    code = pc.utf8_upper(pc.replace_substring_regex(trimmed, _SEPARATORS, ""))
    prefix = pc.utf8_slice_codeunits(code, 0, 2)
    allocated = pc.invert(pc.is_in(prefix, value_set=pa.array(sorted(UNALLOCATED))))
    ok = pc.and_kleene(pc.and_kleene(usable, pc.match_substring_regex(code, STRICT)), allocated)
    return pd.Series(ok.fill_null(False).to_numpy(zero_copy_only=False), index=values.index)


_COLUMNS = FieldColumns(standardise_series, is_valid=_is_valid_arrow)


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of valid NINOs, aligned to ``values``.

    On pyarrow-backed string columns this runs in Arrow compute (no per-row objects); other
    columns go through :func:`standardise_series`.
    """
    return _COLUMNS.is_valid_series(values)


def reason_series(values: pd.Series) -> pd.Series:
    """Failure reason per row, a :class:`Reason` code (``<NA>`` on valid rows; notes are in
    :func:`note_series`)."""
    return _COLUMNS.reason_series(values)


def note_series(values: pd.Series) -> pd.Series:
    """Note per valid row, a :class:`Note` code (``<NA>`` elsewhere)."""
    return _COLUMNS.note_series(values)
