"""Ethnic category code (NHS Data Dictionary, 2001 census categories).

Codes: A British, B Irish, C any other White background, D White and Black Caribbean, E White
and Black African, F White and Asian, G any other mixed background, H Indian, J Pakistani,
K Bangladeshi, L any other Asian background, M Caribbean, N African, P any other Black
background, R Chinese, S any other ethnic group, Z not stated; ``99`` (not known) appears in some
extracts and is kept, with the note ``not_known``; ``Z`` has the note ``not_stated``.

Free text maps to the code (``White British``, ``British``, ``Indian``, ``Black African``,
``African``, ``Mixed White and Asian``, ``Any other White background``, ``Prefer not to say``...),
as do ``A - White British`` style values. Reasons: ``missing``, ``invalid_type``,
``invalid_length``, ``unknown_code``.

>>> from dataclean.fields import ethnicity
>>> ethnicity.validate("White British")
'A'
>>> ethnicity.validate("black african")
'N'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dataclean._codes import CodeList, normalise_text, register
from dataclean._core import StandardiseResult, make_is_valid, scalar_text

NAME = "ethnicity"
DESCRIPTION = "NHS Data Dictionary ethnic category code (A-S, Z; 99 not known)"
MAX_LENGTH = 128

LABELS = {
    "A": "White - British",
    "B": "White - Irish",
    "C": "White - Any other White background",
    "D": "Mixed - White and Black Caribbean",
    "E": "Mixed - White and Black African",
    "F": "Mixed - White and Asian",
    "G": "Mixed - Any other mixed background",
    "H": "Asian or Asian British - Indian",
    "J": "Asian or Asian British - Pakistani",
    "K": "Asian or Asian British - Bangladeshi",
    "L": "Asian or Asian British - Any other Asian background",
    "M": "Black or Black British - Caribbean",
    "N": "Black or Black British - African",
    "P": "Black or Black British - Any other Black background",
    "R": "Other Ethnic Groups - Chinese",
    "S": "Other Ethnic Groups - Any other ethnic group",
    "Z": "Not stated",
    "99": "Not known",
}
_SYNONYMS = {
    "WHITE BRITISH": "A",
    "BRITISH": "A",
    "WHITE ENGLISH": "A",
    "ENGLISH": "A",
    "WHITE SCOTTISH": "A",
    "WHITE WELSH": "A",
    "WHITE ENGLISH WELSH SCOTTISH NORTHERN IRISH OR BRITISH": "A",
    "WHITE IRISH": "B",
    "IRISH": "B",
    "WHITE OTHER": "C",
    "OTHER WHITE": "C",
    "ANY OTHER WHITE BACKGROUND": "C",
    "WHITE ANY OTHER WHITE BACKGROUND": "C",
    "WHITE AND BLACK CARIBBEAN": "D",
    "MIXED WHITE AND BLACK CARIBBEAN": "D",
    "WHITE AND BLACK AFRICAN": "E",
    "MIXED WHITE AND BLACK AFRICAN": "E",
    "WHITE AND ASIAN": "F",
    "MIXED WHITE AND ASIAN": "F",
    "MIXED OTHER": "G",
    "OTHER MIXED": "G",
    "ANY OTHER MIXED BACKGROUND": "G",
    "MIXED": "G",
    "INDIAN": "H",
    "ASIAN INDIAN": "H",
    "BRITISH INDIAN": "H",
    "PAKISTANI": "J",
    "ASIAN PAKISTANI": "J",
    "BRITISH PAKISTANI": "J",
    "BANGLADESHI": "K",
    "ASIAN BANGLADESHI": "K",
    "BRITISH BANGLADESHI": "K",
    "OTHER ASIAN": "L",
    "ASIAN OTHER": "L",
    "ANY OTHER ASIAN BACKGROUND": "L",
    "CARIBBEAN": "M",
    "BLACK CARIBBEAN": "M",
    "AFRICAN": "N",
    "BLACK AFRICAN": "N",
    "OTHER BLACK": "P",
    "BLACK OTHER": "P",
    "ANY OTHER BLACK BACKGROUND": "P",
    "CHINESE": "R",
    "OTHER": "S",
    "OTHER ETHNIC GROUP": "S",
    "ANY OTHER ETHNIC GROUP": "S",
    "ARAB": "S",
    "NOT STATED": "Z",
    "PREFER NOT TO SAY": "Z",
    "REFUSED": "Z",
    "DECLINED": "Z",
    "NOT KNOWN": "99",
    "UNKNOWN": "99",
}
_NOTES = {key: "not_stated" for key, code in _SYNONYMS.items() if code == "Z"} | {"Z": "not_stated"}
_NOTES |= {key: "not_known" for key, code in _SYNONYMS.items() if code == "99"} | {"99": "not_known"}
_NOTES |= {normalise_text(f"{c} {LABELS[c]}"): n for c, n in (("Z", "not_stated"), ("99", "not_known"))}
_NOTES |= {normalise_text(LABELS["Z"]): "not_stated", normalise_text(LABELS["99"]): "not_known"}
CODES = register(CodeList(NAME, LABELS, _SYNONYMS, notes=_NOTES, max_length=MAX_LENGTH))


def compact(value: Any) -> str:
    """Upper case with punctuation removed (the lookup key); no checks."""
    return normalise_text(scalar_text(value, max_length=MAX_LENGTH))


def validate(value: Any) -> str:
    """Return the ethnic category code, or raise InvalidComponent (``unknown_code``)."""
    return CODES.validate(value)


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """The code's label (``White - British``)."""
    return LABELS[validate(value)]


def standardise_series(values: pd.Series) -> StandardiseResult:
    """Codes, status and reason per row (dictionary lookups over the column)."""
    return CODES.standardise_series(values)


def is_valid_series(values: pd.Series) -> pd.Series:
    return standardise_series(values).valid


def reason_series(values: pd.Series) -> pd.Series:
    return standardise_series(values).reason
