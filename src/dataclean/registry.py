"""The public registry of field kinds: a stable contract that docs, suites and outside checks rely on.

>>> from dataclean import registry
>>> "nhs_number" in registry.kinds()
True
>>> registry.get("nhs_number").validate("943 476 5919")
'9434765919'

Every module returned by :func:`get` satisfies :class:`FieldModule`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from dataclean.exceptions import ConfigError

#: Every kind, in documentation order. Each is a module ``dataclean.fields.<kind>``.
KINDS: tuple[str, ...] = (
    "nhs_number",
    "nino",
    "postcode",
    "phone",
    "email",
    "uprn",
    "date_of_birth",
    "person_name",
    "gender",
    "ethnicity",
    "address",
)


@runtime_checkable
class FieldModule(Protocol):
    """What every field module provides."""

    NAME: str
    compact: Callable[[Any], str]
    validate: Callable[[Any], str]
    is_valid: Callable[[Any], bool]
    format: Callable[[Any], str]
    standardise_series: Callable[[pd.Series], Any]
    is_valid_series: Callable[[pd.Series], pd.Series]
    reason_series: Callable[[pd.Series], pd.Series]


def kinds() -> tuple[str, ...]:
    """The names of every field kind."""
    return KINDS


def get(kind: str) -> ModuleType:
    """The module for ``kind`` (imported on first use). Raises ConfigError for an unknown kind."""
    if kind not in KINDS:
        import difflib

        close = difflib.get_close_matches(str(kind), KINDS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"unknown field kind {kind!r}.{hint} Known kinds: {', '.join(KINDS)}")
    return importlib.import_module(f"dataclean.fields.{kind}")


def modules() -> tuple[ModuleType, ...]:
    """Every field module, in :data:`KINDS` order."""
    return tuple(get(k) for k in KINDS)
