"""Rules on single values: placeholders, numbers written as text, membership of reference files."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd

from dataclean import registry
from dataclean._core import generic_placeholder_mask
from dataclean.checks.precomputed import kind_reasons, kind_valid_mask
from dataclean.checks.types import PLACEHOLDER_REASONS


def placeholder_mask(column: pd.Series, kind: str | None = None) -> pd.Series:
    """True where a non-null value is a placeholder (``UNKNOWN``, ``ZZ99 3VZ``, ``01/01/1900``...).

    Generic tokens always count; with ``kind`` the field module's own placeholders count too, and
    a generic token that is a valid value of that kind (gender ``X``) does not.

    >>> placeholder_mask(pd.Series(["UNKNOWN", "ZZ99 3VZ", "SW1A 1AA", None]), "postcode").tolist()
    [True, True, False, False]
    >>> placeholder_mask(pd.Series(["X", "F"]), "gender").tolist()
    [False, False]
    """
    if kind is None:
        return pd.Series(generic_placeholder_mask(column), index=column.index)  # once per distinct value
    reasons = kind_reasons(column, kind)
    specific = reasons.isin(PLACEHOLDER_REASONS).fillna(False).to_numpy(dtype=bool)
    valid = kind_valid_mask(column, kind).fillna(False).to_numpy(dtype=bool)
    # a valid value of the kind is never a generic placeholder: only the others are looked up
    generic = np.zeros(len(column), dtype=bool)
    invalid = np.flatnonzero(~valid)
    if len(invalid):
        generic[invalid] = generic_placeholder_mask(column.iloc[invalid])
    return pd.Series(generic | specific, index=column.index)


def number_between_mask(column: pd.Series, min_value: float | None = None, max_value: float | None = None) -> pd.Series:
    """True where text parses as a number (``1,250.50`` and ``£40`` too) within the bounds.

    >>> number_between_mask(pd.Series(["£40", "1,250.50", "-3", "n/a", None]), min_value=0).tolist()
    [True, True, False, False, False]
    """
    text = column.astype("string").str.strip().str.replace(r"^£|,", "", regex=True)
    numbers = pd.to_numeric(text, errors="coerce")
    ok = numbers.notna()
    if min_value is not None:
        ok &= numbers >= float(min_value)
    if max_value is not None:
        ok &= numbers <= float(max_value)
    return ok.fillna(False).astype(bool)


# (path, column, kind) -> the file's distinct standardised values; read once per process
_REFERENCE_CACHE: dict[tuple[str, str, str | None], frozenset[str]] = {}
_REFERENCE_LOCK = threading.Lock()


def load_reference_values(path: str, column: str, kind: str | None = None) -> frozenset[str]:
    """The distinct values of ``column`` in a reference file, standardised by ``kind`` when given.

    Each (file, column, kind) is read once per process; :func:`clear_reference_cache` forgets
    them (for a file that changed while the process runs)."""
    key = (path, column, kind)
    with _REFERENCE_LOCK:
        found = _REFERENCE_CACHE.get(key)
    if found is not None:
        return found
    from dataclean.io import read_table

    ref = read_table(path, columns=[column])[column]
    if kind is not None:
        ref = registry.get(kind).standardise_series(ref).value
    values = frozenset(ref.dropna().astype(str))
    with _REFERENCE_LOCK:
        return _REFERENCE_CACHE.setdefault(key, values)


def clear_reference_cache() -> None:
    """Forget every reference file read by :func:`load_reference_values`."""
    with _REFERENCE_LOCK:
        _REFERENCE_CACHE.clear()


def in_reference_mask(
    column: pd.Series, reference_path: str, reference_column: str, kind: str | None = None
) -> pd.Series:
    """True where the (standardised) value exists in the reference file's column."""
    allowed = load_reference_values(reference_path, reference_column, kind)
    values = registry.get(kind).standardise_series(column).value if kind else column.astype("string")
    return values.isin(allowed).fillna(False).astype(bool)
