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

>>> from dataclean.fields import gender
>>> gender.validate("Female")
'2'
>>> gender.LABELS[gender.validate("m")]
'Male'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dataclean._codes import CodeList, normalise_text, register
from dataclean._core import (
    PLACEHOLDER_TOKENS,
    StandardiseResult,
    make_is_valid,
    scalar_text,
)

NAME = "gender"
DESCRIPTION = "NHS Data Dictionary person stated gender code: 1, 2, 9, X"
MAX_LENGTH = 64

LABELS = {"1": "Male", "2": "Female", "9": "Indeterminate (unable to be classified)", "X": "Not known (not recorded)"}
_SYNONYMS = {
    "M": "1",
    "MALE": "1",
    "MAN": "1",
    "BOY": "1",
    "MR": "1",
    "F": "2",
    "FEMALE": "2",
    "WOMAN": "2",
    "GIRL": "2",
    "FEM": "2",
    "I": "9",
    "INDETERMINATE": "9",
    "UNABLE TO BE CLASSIFIED": "9",
    "U": "X",
    "UNK": "X",
    "UNKNOWN": "X",
    "NOT KNOWN": "X",
    "NK": "X",
    "N K": "X",
    "NOT STATED": "X",
    "NOT RECORDED": "X",
    "PREFER NOT TO SAY": "X",
    "NOT SPECIFIED": "X",
    "DECLINED": "X",
    "0": "X",
}
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


def compact(value: Any) -> str:
    """Upper case with punctuation removed (the lookup key); no checks."""
    return normalise_text(scalar_text(value, max_length=MAX_LENGTH))


def validate(value: Any) -> str:
    """Return the code (``1``, ``2``, ``9`` or ``X``), or raise (``placeholder``, ``unknown_code``)."""
    return CODES.validate(value)


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """The code's label (``Female``)."""
    return LABELS[validate(value)]


def standardise_series(values: pd.Series) -> StandardiseResult:
    """Codes, status and reason per row (dictionary lookups over the column)."""
    return CODES.standardise_series(values)


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of valid codes, aligned to ``values``."""
    return standardise_series(values).valid


def reason_series(values: pd.Series) -> pd.Series:
    """Reason code per row (notes ``not_known`` / ``legacy_code`` on valid rows)."""
    return standardise_series(values).reason
