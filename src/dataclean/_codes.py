"""Shared machinery for code-list fields (NHS Data Dictionary gender and ethnic category).

A code list maps normalised free text (upper case, punctuation to spaces, spaces collapsed) to a
code. Lookups are dictionary maps over the whole column, so the cost is per row of C-level hash
lookups, not Python calls.

A code-list field module declares only its data (a :class:`CodeList` built from
:mod:`dataclean.refdata`); :class:`CodeListField` is the one template for ``compact``,
``validate``, ``is_valid``, ``format`` and the column functions, which the module exposes as
one-line functions carrying its own docstrings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dataclean._core import (
    STRING,
    WHITESPACE,
    FieldColumns,
    StandardiseResult,
    build_result,
    make_is_valid,
    per_distinct_value,
    scalar_text,
    to_text,
)
from dataclean.exceptions import InvalidComponent, PlaceholderValue

_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_HAS_LETTER = re.compile(r"[A-Za-z]")


def normalise_text(text: str) -> str:
    """The lookup key: for text with letters, upper case with anything but ASCII letters and digits
    turned into one space, trimmed (``Male.`` -> ``MALE``); text without letters is only trimmed,
    so ``-1`` does not become ``1``."""
    if not _HAS_LETTER.search(text):
        return text.strip(WHITESPACE)
    return _NON_ALNUM.sub(" ", text.upper()).strip()


@dataclass(frozen=True)
class CodeList:
    """A code list: labels, free-text synonyms, notes on valid rows, and reasons for text that is
    recognisably not a code (``extra_reasons``: normalised text -> ``placeholder``, ``group_only``...)."""

    name: str
    labels: Mapping[str, str]
    synonyms: Mapping[str, str]
    notes: Mapping[str, str] = field(default_factory=dict)  # normalised input -> note on a valid row
    max_length: int = 64
    extra_reasons: Mapping[str, str] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)  # reason -> message for validate()

    def lookup(self) -> dict[str, str]:
        table = {normalise_text(k): v for k, v in self.synonyms.items()}
        for code, label in self.labels.items():
            table.setdefault(normalise_text(code), code)
            table.setdefault(normalise_text(label), code)
            # "A - White British", "A White British"
            table.setdefault(normalise_text(f"{code} {label}"), code)
        return table

    def key(self, value: Any) -> str:
        """The lookup key of a scalar (trimmed before the ASCII check, as the column code does)."""
        text = scalar_text(value, max_length=self.max_length).strip(WHITESPACE)
        return normalise_text(text) if text.isascii() else ""

    def validate(self, value: Any) -> str:
        key = self.key(value)
        code = _TABLES[self.name].get(key)
        if code is None:
            reason = self.extra_reasons.get(key, "unknown_code")
            message = self.messages.get(reason, f"Not a recognised {self.name.replace('_', ' ')} code or description.")
            if reason == "placeholder":
                raise PlaceholderValue(message)
            raise InvalidComponent(message, reason=reason)
        return code

    def keys_series(self, text: pd.Series) -> pd.Series:
        """Column version of :meth:`key` on already-trimmed text."""
        ascii_ok = ~text.str.contains(r"[^\x00-\x7F]", regex=True).fillna(False)
        has_letter = text.str.contains(r"[A-Za-z]", regex=True).fillna(False)
        normalised = text.str.upper().str.replace(r"[^A-Z0-9]+", " ", regex=True).str.strip()
        return normalised.where(has_letter, text.str.strip(WHITESPACE)).where(ascii_ok, "")

    def standardise_series(self, values: pd.Series) -> StandardiseResult:
        return per_distinct_value(self._standardise)(values)

    def _standardise(self, values: pd.Series) -> StandardiseResult:
        col = to_text(values, max_length=self.max_length)
        key = self.keys_series(col.text)
        code = key.map(_TABLES[self.name]).astype(STRING)
        valid = code.notna().to_numpy(dtype=bool)
        note = key.map(self.notes) if self.notes else pd.Series(None, index=values.index, dtype=object)
        invalid_reason = key.map(self.extra_reasons).fillna("unknown_code") if self.extra_reasons else "unknown_code"
        invalid_reason = np.broadcast_to(np.asarray(invalid_reason, dtype=object), (len(values),))
        reason = np.where(valid, note.to_numpy(dtype=object, na_value=None), invalid_reason).astype(object)
        reason[~col.usable] = None
        return build_result(col, code, pd.Series(reason, index=values.index), valid)


_TABLES: dict[str, dict[str, str]] = {}


def register(codes: CodeList) -> CodeList:
    _TABLES[codes.name] = codes.lookup()
    return codes


class CodeListField:
    """The field API of a code list, written once. A code-list module declares its data, makes
    one of these and keeps its public functions as one-line calls to it (so signatures,
    docstrings and type hints stay in the module, where help() and the API reference read them).
    """

    def __init__(self, codes: CodeList) -> None:
        self.codes = codes
        self.is_valid: Callable[[Any], bool] = make_is_valid(self.validate)
        self.columns = FieldColumns(codes.standardise_series)

    def compact(self, value: Any) -> str:
        return normalise_text(scalar_text(value, max_length=self.codes.max_length))

    def validate(self, value: Any) -> str:
        return self.codes.validate(value)

    def format(self, value: Any) -> str:
        return self.codes.labels[self.validate(value)]

    def standardise_series(self, values: pd.Series) -> StandardiseResult:
        return self.columns.standardise_series(values)

    def is_valid_series(self, values: pd.Series) -> pd.Series:
        return self.columns.is_valid_series(values)

    def reason_series(self, values: pd.Series) -> pd.Series:
        return self.columns.reason_series(values)

    def note_series(self, values: pd.Series) -> pd.Series:
        return self.columns.note_series(values)
