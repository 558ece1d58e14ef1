"""dataclean: trustworthy UK citizen and social care records.

Field kinds are modules with one small API (``compact``, ``validate``, ``is_valid``, ``format``,
``standardise_series``, ``is_valid_series``, ``reason_series``)::

    >>> import dataclean
    >>> dataclean.nhs_number.validate("943 476 5919")
    '9434765919'

Heavier entry points are imported on first use: :func:`validate` (suites and scorecards, on
great-expectations), :func:`clean` (the cleansing pipeline), :func:`dedupe` / :func:`link`
(splink linkage), :func:`load_suite`. Importing ``dataclean`` itself loads only pandas and numpy.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from dataclean import registry
from dataclean._core import StandardiseResult, Status
from dataclean.exceptions import (
    BackendUnavailable,
    ConfigError,
    DatacleanError,
    DataFileError,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    InvalidType,
    MissingValue,
    PlaceholderValue,
    ValidationError,
)

__version__ = "0.1.0"
logging.getLogger(__name__).addHandler(logging.NullHandler())

from dataclean import accessor as _accessor  # noqa: E402,F401  (registers df.dataclean)

_LAZY: dict[str, tuple[str, str | None]] = {
    "validate": ("dataclean.jobs.validate", "validate"),
    "load_suite": ("dataclean.suite", "load_suite"),
    "Suite": ("dataclean.suite", "Suite"),
    "Scorecard": ("dataclean.scorecard.model", "Scorecard"),
    "clean": ("dataclean.jobs.clean", "clean"),
    "dedupe": ("dataclean.linkage", "dedupe"),
    "link": ("dataclean.linkage", "link"),
    "read_table": ("dataclean.io", "read_table"),
    "write_table": ("dataclean.io", "write_table"),
    "pseudonymise_frame": ("dataclean.pseudonymise", "pseudonymise_frame"),
    "synth": ("dataclean.synth", None),
}

__all__ = [
    "BackendUnavailable",
    "ConfigError",
    "DataFileError",
    "DatacleanError",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "InvalidType",
    "MissingValue",
    "PlaceholderValue",
    "Scorecard",
    "StandardiseResult",
    "Status",
    "Suite",
    "ValidationError",
    "address",
    "clean",
    "date_of_birth",
    "dedupe",
    "email",
    "ethnicity",
    "gender",
    "link",
    "load_suite",
    "nhs_number",
    "nino",
    "person_name",
    "phone",
    "postcode",
    "pseudonymise_frame",
    "read_table",
    "registry",
    "synth",
    "uprn",
    "validate",
    "write_table",
]


def __getattr__(name: str) -> Any:
    if name in registry.KINDS:
        return registry.get(name)
    if name in _LAZY:
        module_name, attr = _LAZY[name]
        module = importlib.import_module(module_name)
        return module if attr is None else getattr(module, attr)
    raise AttributeError(f"module 'dataclean' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
