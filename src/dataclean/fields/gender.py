"""Person stated gender code (NHS Data Dictionary).

Codes: ``1`` male, ``2`` female, ``9`` indeterminate (unable to be classified), ``X`` not known
(not recorded). Free text is mapped to the code: ``M``, ``Male``, ``man``, ``boy`` -> ``1``;
``F``, ``Female``, ``woman``, ``girl`` -> ``2``; ``Indeterminate`` -> ``9``; ``Unknown``,
``Not known``, ``Not stated``, ``Prefer not to say`` -> ``X``. Older extracts use ``0`` for not
known: it becomes ``X`` with the note ``legacy_code``. ``X`` itself is valid with the note
``not_known`` (it is a code, but the completeness dimension may want to count it).

Reasons: ``missing``, ``invalid_type``, ``invalid_length``, ``placeholder`` (``N/A``, ``NULL``,
``TEST``, ``-``...), ``unknown_code`` (anything else, including ``Other`` and ``Non-binary``, which
are gender identities rather than person stated gender codes: they are reported, not guessed).

The codes, labels and synonyms are data: ``dataclean/refdata/gender.json`` (with their source and
licence); this module adds the notes and placeholders and takes its API from
:class:`dataclean._codes.CodeListField`.

>>> from dataclean.fields import gender
>>> gender.validate("Female")
'2'
>>> gender.LABELS[gender.validate("m")]
'Male'
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pandas as pd

from dataclean import refdata
from dataclean._codes import CodeList, CodeListField, normalise_text, register
from dataclean._core import PLACEHOLDER_TOKENS, StandardiseResult


class Reason(StrEnum):
    """Why a row failed: the ``reason`` column of :func:`standardise_series` and the ``reason`` of
    the :class:`~dataclean.exceptions.ValidationError` that :func:`validate` raises."""

    MISSING = "missing"
    INVALID_TYPE = "invalid_type"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    PLACEHOLDER = "placeholder"
    UNKNOWN_CODE = "unknown_code"


class Note(StrEnum):
    """Notes on valid rows worth a look but not failures: the ``note`` column."""

    NOT_KNOWN = "not_known"
    LEGACY_CODE = "legacy_code"


NAME = "gender"
DESCRIPTION = "NHS Data Dictionary person stated gender code: 1, 2, 9, X"
MAX_LENGTH = 64

_DATA = refdata.load(NAME)
LABELS = _DATA.table("codes").mapping("code", "label")
_SYNONYMS = _DATA.table("synonyms").mapping("text", "code")
_TABLE = CodeList(NAME, LABELS, _SYNONYMS).lookup()
_NOTES = {key: "not_known" for key, code in _TABLE.items() if code == "X"} | {"0": "legacy_code"}
#: Text that stands for "no data" (reason ``placeholder``) unless it is a spelling of a code.
PLACEHOLDERS = frozenset(normalise_text(t) for t in PLACEHOLDER_TOKENS) - _TABLE.keys()
CODES = register(
    CodeList(
        NAME,
        LABELS,
        _SYNONYMS,
        notes=_NOTES,
        max_length=MAX_LENGTH,
        extra_reasons=dict.fromkeys(PLACEHOLDERS, "placeholder"),
        messages={"placeholder": "The value stands for 'no gender recorded'."},
    )
)

_FIELD = CodeListField(CODES)


def compact(value: Any) -> str:
    """Upper case with punctuation removed (the lookup key); no checks."""
    return _FIELD.compact(value)


def validate(value: Any) -> str:
    """Return the code (``1``, ``2``, ``9`` or ``X``), or raise (``placeholder``, ``unknown_code``)."""
    return _FIELD.validate(value)


def is_valid(value: Any) -> bool:
    """Return True if ``validate`` accepts the value; never raises."""
    return _FIELD.is_valid(value)


def format(value: Any) -> str:
    """The code's label (``Female``)."""
    return _FIELD.format(value)


def standardise_series(values: pd.Series) -> StandardiseResult:
    """Codes, status and reason per row (dictionary lookups over the column)."""
    return _FIELD.standardise_series(values)


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of valid codes, aligned to ``values``."""
    return _FIELD.is_valid_series(values)


def reason_series(values: pd.Series) -> pd.Series:
    """Failure reason per row, a :class:`Reason` code (``<NA>`` on valid rows; notes are in
    :func:`note_series`)."""
    return _FIELD.reason_series(values)


def note_series(values: pd.Series) -> pd.Series:
    """Note per valid row (``not_known`` / ``legacy_code``), a :class:`Note` code (``<NA>`` elsewhere)."""
    return _FIELD.note_series(values)
