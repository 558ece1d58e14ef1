"""Unique Property Reference Number (UPRN), from the National Address Gazetteer.

A positive whole number of 1 to 12 digits, the property's identifier for life. Canonical form:
the digits without leading zeros (``000100012345`` and ``100012345`` are the same property);
``0`` is not a UPRN. Integer columns and float columns holding whole numbers (as ``read_csv``
gives for a column with blanks) are accepted, and so is text with a zero fraction
(``100012345678.0``, as a float column written back to CSV gives). Reasons: ``missing``,
``invalid_type``, ``invalid_format`` (anything but digits, after removing spaces),
``invalid_length`` (more than 12 digits), ``invalid_component`` (zero), ``scientific_notation``
(``1.00012E+11``: a spreadsheet has rounded the number, so the UPRN cannot be recovered).

The check is of form only: whether the UPRN exists needs the AddressBase / LLPG extract (see
``expect_column_values_to_be_in_reference_data``).

>>> from dataclean.fields import uprn
>>> uprn.validate(" 000100012345 ")
'100012345'
>>> uprn.is_valid("1234567890123")
False
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from dataclean._core import (
    WHITESPACE_RE,
    FieldColumns,
    StandardiseResult,
    as_string,
    build_result,
    make_is_valid,
    per_distinct_value,
    scalar_text,
    to_text,
)
from dataclean.exceptions import InvalidComponent, InvalidFormat, InvalidLength


class Reason(StrEnum):
    """Why a row failed: the ``reason`` column of :func:`standardise_series` and the ``reason`` of
    the :class:`~dataclean.exceptions.ValidationError` that :func:`validate` raises."""

    MISSING = "missing"
    INVALID_TYPE = "invalid_type"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    INVALID_COMPONENT = "invalid_component"
    SCIENTIFIC_NOTATION = "scientific_notation"


class Note(StrEnum):
    """Notes on valid rows (the ``note`` column): this kind has none."""


NAME = "uprn"
DESCRIPTION = "Unique Property Reference Number: 1-12 digits"
MAX_LENGTH = 32
MAX_DIGITS = 12
_SPACES = re.compile(f"[{WHITESPACE_RE}]")
_DIGITS = r"[0-9]+(?:\.0+)?"  # a zero fraction is a float written as text
_SCIENTIFIC = r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]{1,2}"


def compact(value: Any) -> str:
    """Remove spaces; no other checks."""
    return _SPACES.sub("", scalar_text(value, max_length=MAX_LENGTH))


def validate(value: Any) -> str:
    """Return the UPRN without leading zeros, or raise."""
    digits = compact(value)
    if not re.fullmatch(_DIGITS, digits):
        if re.fullmatch(_SCIENTIFIC, digits):
            raise InvalidFormat(
                "The UPRN is in scientific notation: a spreadsheet has rounded it.", reason="scientific_notation"
            )
        raise InvalidFormat("A UPRN has only digits.")
    number = digits.partition(".")[0].lstrip("0")
    if not number:
        raise InvalidComponent("0 is not a UPRN.")
    if len(number) > MAX_DIGITS:
        raise InvalidLength(f"A UPRN has at most {MAX_DIGITS} digits.")
    return number


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """The display form, which is the canonical form."""
    return validate(value)


@per_distinct_value
def standardise_series(values: pd.Series) -> StandardiseResult:
    """Canonical UPRNs, status and reason per row (vectorised)."""
    col = to_text(values, max_length=MAX_LENGTH)
    digits = col.text.str.replace(f"[{WHITESPACE_RE}]", "", regex=True)
    is_digits = digits.str.fullmatch(_DIGITS).fillna(False).to_numpy(dtype=bool)
    scientific = digits.str.fullmatch(_SCIENTIFIC).fillna(False).to_numpy(dtype=bool)
    number = digits.where(is_digits).str.replace(r"\.0+$", "", regex=True).str.lstrip("0")
    length = number.str.len().fillna(0).to_numpy()
    zero = is_digits & (length == 0)
    too_long = is_digits & (length > MAX_DIGITS)
    valid = is_digits & ~zero & ~too_long
    reason = np.select(
        [~col.usable, scientific, ~is_digits, zero, too_long],
        ["", "scientific_notation", "invalid_format", "invalid_component", "invalid_length"],
        "",
    ).astype(object)
    reason[reason == ""] = None
    return build_result(col, as_string(number), pd.Series(reason, index=values.index), valid)


_COLUMNS = FieldColumns(standardise_series)


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of valid UPRNs, aligned to ``values``."""
    return _COLUMNS.is_valid_series(values)


def reason_series(values: pd.Series) -> pd.Series:
    """Failure reason per row, a :class:`Reason` code (``<NA>`` on valid rows; notes are in
    :func:`note_series`)."""
    return _COLUMNS.reason_series(values)


def note_series(values: pd.Series) -> pd.Series:
    """Note per valid row, a :class:`Note` code (``<NA>`` elsewhere)."""
    return _COLUMNS.note_series(values)
