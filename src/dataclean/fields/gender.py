"""Person stated gender code (NHS Data Dictionary).

Codes: ``1`` male, ``2`` female, ``9`` indeterminate (unable to be classified), ``X`` not known
(not recorded). Free text is mapped to the code: ``M``, ``Male``, ``man``, ``boy`` -> ``1``;
``F``, ``Female``, ``woman``, ``girl`` -> ``2``; ``Indeterminate`` -> ``9``; ``Unknown``,
``Not known``, ``Not stated``, ``Prefer not to say`` -> ``X``. Older extracts use ``0`` for not
known: it becomes ``X`` with the note ``legacy_code``. ``X`` itself is valid with the note
``not_known`` (it is a code, but the completeness dimension may want to count it).

Reasons: ``missing``, ``invalid_type``, ``invalid_length``, ``unknown_code``.

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
from dataclean._core import StandardiseResult, make_is_valid, scalar_text

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
    "UNKNOWN": "X",
    "NOT KNOWN": "X",
    "NK": "X",
    "N K": "X",
    "NOT STATED": "X",
    "NOT RECORDED": "X",
    "PREFER NOT TO SAY": "X",
    "NOT SPECIFIED": "X",
    "0": "X",
}
CODES = register(
    CodeList(
        NAME,
        LABELS,
        _SYNONYMS,
        notes={
            "0": "legacy_code",
            "X": "not_known",
            "U": "not_known",
            "UNKNOWN": "not_known",
            "NOT KNOWN": "not_known",
            "NK": "not_known",
            "N K": "not_known",
            "NOT STATED": "not_known",
            "NOT RECORDED": "not_known",
            "PREFER NOT TO SAY": "not_known",
            "NOT SPECIFIED": "not_known",
            "NOT KNOWN NOT RECORDED": "not_known",
        },
        max_length=MAX_LENGTH,
    )
)


def compact(value: Any) -> str:
    """Upper case with punctuation removed (the lookup key); no checks."""
    return normalise_text(scalar_text(value, max_length=MAX_LENGTH))


def validate(value: Any) -> str:
    """Return the code (``1``, ``2``, ``9`` or ``X``), or raise InvalidComponent (``unknown_code``)."""
    return CODES.validate(value)


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """The code's label (``Female``)."""
    return LABELS[validate(value)]


def standardise_series(values: pd.Series) -> StandardiseResult:
    """Codes, status and reason per row (dictionary lookups over the column)."""
    return CODES.standardise_series(values)


def is_valid_series(values: pd.Series) -> pd.Series:
    return standardise_series(values).valid


def reason_series(values: pd.Series) -> pd.Series:
    return standardise_series(values).reason
