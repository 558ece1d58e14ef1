"""Ethnic category code (NHS Data Dictionary, 2001 census categories).

Codes: A British, B Irish, C any other White background, D White and Black Caribbean, E White
and Black African, F White and Asian, G any other mixed background, H Indian, J Pakistani,
K Bangladeshi, L any other Asian background, M Caribbean, N African, P any other Black
background, R Chinese, S any other ethnic group, Z not stated; ``99`` (not known) appears in some
extracts and is kept, with the note ``not_known``; ``Z`` has the note ``not_stated``.

Free text maps to the code, with or without its census group heading and in the 2001, 2011 and
2021 census wordings (``White British``, ``British``, ``Irish``, ``Indian``, ``Black African``,
``African``, ``Caribbean``, ``Chinese``, ``Mixed: White and Asian``, ``White & Asian``, ``Any
other White background``, ``Asian or Asian British - Pakistani``, ``Gypsy or Irish Traveller``,
``Arab``, ``Prefer not to say``...), as do ``A - White British`` style values and the Department
for Education codes used in children's social care returns (``WBRI``, ``MWAS``, ``BAFR``,
``REFU``, ``NOBT``...). Gypsy, Irish Traveller and Roma have no letter of their own in the 2001
categories and map to ``C``; Arab maps to ``S``.

Reasons: ``missing``, ``invalid_type``, ``invalid_length``, ``placeholder`` (``N/A``, ``NULL``,
``X``...), ``group_only`` (only a group heading such as ``White``, ``Asian`` or ``Mixed``: the
category cannot be told), ``unknown_code``; notes ``not_stated`` (``Z``) and ``not_known``
(``99``).

The codes, labels, spellings, group headings and DfE codes are data:
``dataclean/refdata/ethnicity.json`` (with their sources and licence); this module expands the
spellings into synonyms and takes its API from :class:`dataclean._codes.CodeListField`.

>>> from dataclean.fields import ethnicity
>>> ethnicity.validate("White British")
'A'
>>> ethnicity.validate("black african")
'N'
"""

from __future__ import annotations

import re
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
    GROUP_ONLY = "group_only"
    UNKNOWN_CODE = "unknown_code"


class Note(StrEnum):
    """Notes on valid rows worth a look but not failures: the ``note`` column."""

    NOT_STATED = "not_stated"
    NOT_KNOWN = "not_known"


NAME = "ethnicity"
DESCRIPTION = "NHS Data Dictionary ethnic category code (A-S, Z; 99 not known)"
MAX_LENGTH = 128

_DATA = refdata.load(NAME)
LABELS = _DATA.table("codes").mapping("code", "label")
#: Department for Education ethnicity codes (CIN census, SSDA903, school census) -> NHS category.
DFE_CODES = _DATA.table("dfe_codes").mapping("dfe_code", "code")
#: A group heading alone: the category cannot be told (reason ``group_only``).
GROUP_ONLY = frozenset(normalise_text(h) for h in _DATA.table("group_only").column("text"))

_AND_OR = re.compile(r"\b(?:AND|OR)\b")


def _variants(text: str) -> set[str]:
    key = normalise_text(text)
    return {key, " ".join(_AND_OR.sub(" ", key).split())}


def _synonym_pairs() -> list[tuple[str, str]]:
    """Every (normalised spelling, code) pair the reference tables generate: each ``alone``
    spelling by itself, and each spelling after each of its code's group headings."""
    headings: dict[str, list[str]] = {}
    for group, heading in _DATA.table("headings").rows:
        headings.setdefault(group, []).append(heading)
    code_headings: dict[str, list[str]] = {}
    for code, group in _DATA.table("code_headings").rows:
        code_headings.setdefault(code, []).extend(headings[group])
    pairs: list[tuple[str, str]] = []
    for code, text, use in _DATA.table("spellings").rows:
        if use == "alone":
            pairs += [(v, code) for v in _variants(text)]
        for heading in code_headings.get(code, ()):
            pairs += [(v, code) for v in _variants(f"{heading} {text}")]
    pairs += list(DFE_CODES.items())
    return pairs


_SYNONYMS = dict(_synonym_pairs())
_TABLE = CodeList(NAME, LABELS, _SYNONYMS).lookup()
_NOTES = {key: "not_stated" for key, code in _TABLE.items() if code == "Z"}
_NOTES |= {key: "not_known" for key, code in _TABLE.items() if code == "99"}
#: Text that stands for "no data" (reason ``placeholder``) unless it is a spelling of a code.
PLACEHOLDERS = frozenset(normalise_text(t) for t in PLACEHOLDER_TOKENS) - _TABLE.keys()
_EXTRA_REASONS = dict.fromkeys(PLACEHOLDERS, "placeholder") | dict.fromkeys(GROUP_ONLY - _TABLE.keys(), "group_only")
CODES = register(
    CodeList(
        NAME,
        LABELS,
        _SYNONYMS,
        notes=_NOTES,
        max_length=MAX_LENGTH,
        extra_reasons=_EXTRA_REASONS,
        messages={
            "placeholder": "The value stands for 'no ethnicity recorded'.",
            "group_only": "Only the group heading is given, not the category.",
        },
    )
)

_FIELD = CodeListField(CODES)


def compact(value: Any) -> str:
    """Upper case with punctuation removed (the lookup key); no checks."""
    return _FIELD.compact(value)


def validate(value: Any) -> str:
    """Return the ethnic category code, or raise (``placeholder``, ``group_only``, ``unknown_code``)."""
    return _FIELD.validate(value)


def is_valid(value: Any) -> bool:
    """Return True if ``validate`` accepts the value; never raises."""
    return _FIELD.is_valid(value)


def format(value: Any) -> str:
    """The code's label (``White - British``)."""
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
    """Note per valid row (``not_stated`` / ``not_known``), a :class:`Note` code (``<NA>`` elsewhere)."""
    return _FIELD.note_series(values)
