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

>>> from dataclean.fields import ethnicity
>>> ethnicity.validate("White British")
'A'
>>> ethnicity.validate("black african")
'N'
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from dataclean._codes import CodeList, normalise_text, register
from dataclean._core import (
    PLACEHOLDER_TOKENS,
    StandardiseResult,
    make_is_valid,
    scalar_text,
)

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

# Group headings as written in the 2001, 2011 and 2021 censuses and in local systems.
_WHITE = ("WHITE ",)
_MIXED = (
    "MIXED ",
    "MIXED MULTIPLE ETHNIC GROUPS ",
    "MIXED OR MULTIPLE ETHNIC GROUPS ",
    "MIXED MULTIPLE ETHNIC GROUP ",
    "MIXED ETHNIC GROUP ",
    "DUAL HERITAGE ",
    "MIXED DUAL HERITAGE ",
)
_ASIAN = (
    "ASIAN ",
    "ASIAN OR ASIAN BRITISH ",
    "ASIAN ASIAN BRITISH ",
    "ASIAN BRITISH ",
    "BRITISH ASIAN ",
    "ASIAN ASIAN BRITISH OR ASIAN WELSH ",
)
_BLACK = (
    "BLACK ",
    "BLACK OR BLACK BRITISH ",
    "BLACK BLACK BRITISH ",
    "BLACK BRITISH ",
    "BLACK AFRICAN CARIBBEAN OR BLACK BRITISH ",
    "BLACK BLACK BRITISH CARIBBEAN OR AFRICAN ",
    "BLACK BLACK BRITISH BLACK WELSH CARIBBEAN OR AFRICAN ",
)
_OTHER = ("OTHER ETHNIC GROUP ", "OTHER ETHNIC GROUPS ", "OTHER ")
_RESIDUAL = ("OTHER", "ANY OTHER", "OTHER BACKGROUND", "ANY OTHER BACKGROUND")

#: (code, descriptions that stand alone, group headings that may precede them, descriptions that
#: need a heading). Every combination is a synonym; "AND"/"OR" may be dropped (``White & Asian``).
_SPELLINGS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "A",
        (
            "BRITISH",
            "ENGLISH",
            "WELSH",
            "SCOTTISH",
            "NORTHERN IRISH",
            "CORNISH",
            "ENGLISH WELSH SCOTTISH NORTHERN IRISH OR BRITISH",
            "WHITE BRITISH",
        ),
        _WHITE,
        (),
    ),
    ("B", ("IRISH", "WHITE IRISH"), _WHITE, ()),
    (
        "C",
        (
            "ANY OTHER WHITE BACKGROUND",
            "OTHER WHITE BACKGROUND",
            "ANY OTHER WHITE",
            "OTHER WHITE",
            "WHITE OTHER",
            "GYPSY OR IRISH TRAVELLER",
            "GYPSY",
            "IRISH TRAVELLER",
            "TRAVELLER",
            "TRAVELLER OF IRISH HERITAGE",
            "GYPSY ROMA",
            "GYPSY OR ROMA",
            "ROMA",
            "ROMANY",
        ),
        _WHITE,
        _RESIDUAL,
    ),
    ("D", ("WHITE AND BLACK CARIBBEAN", "BLACK CARIBBEAN AND WHITE"), _MIXED, ()),
    ("E", ("WHITE AND BLACK AFRICAN", "BLACK AFRICAN AND WHITE"), _MIXED, ()),
    ("F", ("WHITE AND ASIAN", "ASIAN AND WHITE"), _MIXED, ()),
    (
        "G",
        (
            "ANY OTHER MIXED BACKGROUND",
            "OTHER MIXED BACKGROUND",
            "ANY OTHER MIXED",
            "OTHER MIXED",
            "MIXED OTHER",
            "ANY OTHER MIXED OR MULTIPLE ETHNIC BACKGROUND",
        ),
        _MIXED,
        _RESIDUAL,
    ),
    ("H", ("INDIAN", "BRITISH INDIAN"), _ASIAN, ()),
    ("J", ("PAKISTANI", "BRITISH PAKISTANI"), _ASIAN, ()),
    ("K", ("BANGLADESHI", "BRITISH BANGLADESHI"), _ASIAN, ()),
    (
        "L",
        ("ANY OTHER ASIAN BACKGROUND", "OTHER ASIAN BACKGROUND", "ANY OTHER ASIAN", "OTHER ASIAN", "ASIAN OTHER"),
        _ASIAN,
        _RESIDUAL,
    ),
    ("M", ("CARIBBEAN", "BLACK CARIBBEAN", "AFRO CARIBBEAN", "BRITISH CARIBBEAN"), _BLACK, ()),
    ("N", ("AFRICAN", "BLACK AFRICAN", "BRITISH AFRICAN"), _BLACK, ()),
    (
        "P",
        (
            "ANY OTHER BLACK BACKGROUND",
            "OTHER BLACK BACKGROUND",
            "ANY OTHER BLACK",
            "OTHER BLACK",
            "BLACK OTHER",
            "ANY OTHER BLACK AFRICAN OR CARIBBEAN BACKGROUND",
            "ANY OTHER BLACK BLACK BRITISH OR CARIBBEAN BACKGROUND",
        ),
        _BLACK,
        _RESIDUAL,
    ),
    ("R", ("CHINESE", "BRITISH CHINESE"), _OTHER + _ASIAN, ()),
    (
        "S",
        (
            "ANY OTHER ETHNIC GROUP",
            "OTHER ETHNIC GROUP",
            "ANY OTHER ETHNIC BACKGROUND",
            "OTHER ETHNIC BACKGROUND",
            "ARAB",
            "OTHER",
        ),
        _OTHER,
        _RESIDUAL,
    ),
    (
        "Z",
        (
            "NOT STATED",
            "PREFER NOT TO SAY",
            "DECLINED",
            "DECLINED TO STATE",
            "DECLINED TO ANSWER",
            "REFUSED",
            "INFORMATION REFUSED",
            "NOT DISCLOSED",
            "PATIENT DECLINED",
            "CLIENT DECLINED",
        ),
        (),
        (),
    ),
    (
        "99",
        (
            "NOT KNOWN",
            "UNKNOWN",
            "NK",
            "N K",
            "UNK",
            "NOT RECORDED",
            "NOT YET OBTAINED",
            "INFORMATION NOT YET OBTAINED",
            "NOT KNOWN NOT RECORDED",
        ),
        (),
        (),
    ),
)

#: Department for Education ethnicity codes (CIN census, SSDA903, school census) -> NHS category.
DFE_CODES = {
    "WBRI": "A",
    "WIRI": "B",
    "WOTH": "C",
    "WIRT": "C",
    "WROM": "C",
    "MWBC": "D",
    "MWBA": "E",
    "MWAS": "F",
    "MOTH": "G",
    "AIND": "H",
    "APKN": "J",
    "ABAN": "K",
    "AOTH": "L",
    "BCRB": "M",
    "BAFR": "N",
    "BOTH": "P",
    "CHNE": "R",
    "OOTH": "S",
    "REFU": "Z",
    "NOBT": "99",
}

#: A group heading alone: the category cannot be told (reason ``group_only``).
GROUP_ONLY = frozenset(
    normalise_text(h)
    for h in (
        "White",
        "Mixed",
        "Mixed / multiple ethnic groups",
        "Mixed or multiple ethnic groups",
        "Dual heritage",
        "Asian",
        "Asian or Asian British",
        "Asian British",
        "British Asian",
        "Asian, Asian British or Asian Welsh",
        "Black",
        "Black or Black British",
        "Black British",
        "Black / African / Caribbean / Black British",
        "Black, Black British, Caribbean or African",
        "Any other",
    )
)

_AND_OR = re.compile(r"\b(?:AND|OR)\b")


def _variants(text: str) -> set[str]:
    key = normalise_text(text)
    return {key, " ".join(_AND_OR.sub(" ", key).split())}


def _synonym_pairs() -> list[tuple[str, str]]:
    """Every (normalised spelling, code) pair the tables above generate."""
    pairs: list[tuple[str, str]] = []
    for code, alone, headings, with_heading in _SPELLINGS:
        for text in alone:
            pairs += [(v, code) for v in _variants(text)]
        for heading in headings:
            for text in alone + with_heading:
                pairs += [(v, code) for v in _variants(heading + text)]
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


def compact(value: Any) -> str:
    """Upper case with punctuation removed (the lookup key); no checks."""
    return normalise_text(scalar_text(value, max_length=MAX_LENGTH))


def validate(value: Any) -> str:
    """Return the ethnic category code, or raise (``placeholder``, ``group_only``, ``unknown_code``)."""
    return CODES.validate(value)


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """The code's label (``White - British``)."""
    return LABELS[validate(value)]


def standardise_series(values: pd.Series) -> StandardiseResult:
    """Codes, status and reason per row (dictionary lookups over the column)."""
    return CODES.standardise_series(values)


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of valid codes, aligned to ``values``."""
    return standardise_series(values).valid


def reason_series(values: pd.Series) -> pd.Series:
    """Reason code per row (notes ``not_stated`` / ``not_known`` on valid rows)."""
    return standardise_series(values).reason
