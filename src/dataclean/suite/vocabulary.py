"""The expectation types a suite may name, and their arguments, without great-expectations.

Read from ``dataclean/schemas/expectation-types.json``, which
``scripts/refresh_expectation_types.py`` writes from GX's registry (dataclean's own expectations
included); ``tests/test_gx.py`` fails when it and the installed GX disagree. Loading a suite checks
type names and argument names here; the argument *values* are checked by GX's own models when the
suite is compiled for GX (:func:`dataclean.gx.suite_to_gx`), which every validation run does.

>>> "expect_column_values_to_be_valid_nhs_number" in expectation_types()
True
>>> argument_problems("expect_column_values_to_be_between", {"column": "age", "min_valu": 3})
["unknown argument 'min_valu'. Did you mean 'min_value'?"]
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from dataclean.checks.types import DATE_AWARE_TYPES  # noqa: F401 - the suite fills their reference_date


@functools.cache
def _table() -> dict[str, Any]:
    text = (resources.files("dataclean") / "schemas" / "expectation-types.json").read_text(encoding="utf-8")
    return json.loads(text)


def expectation_types() -> frozenset[str]:
    """Every expectation type name a suite may use (GX's and dataclean's)."""
    return frozenset(_table()["types"])


def arguments(expectation_type: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(every argument name, the required ones) of an expectation type."""
    entry = _table()["types"][expectation_type]
    return (*_table()["common"], *entry["arguments"]), tuple(entry["required"])


def argument_problems(expectation_type: str, kwargs: Mapping[str, Any]) -> list[str]:
    """What is wrong with the argument *names* given to ``expectation_type`` (empty when fine)."""
    allowed, required = arguments(expectation_type)
    out = []
    for k in kwargs:
        if k not in allowed:
            close = difflib.get_close_matches(str(k), list(allowed), n=1)
            out.append(f"unknown argument {k!r}." + (f" Did you mean {close[0]!r}?" if close else ""))
    out.extend(f"missing required argument {k!r}" for k in required if k not in kwargs)
    return out
