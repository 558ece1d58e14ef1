"""Docstring examples run (issue 12: "doctests written but never run").

Every module of ``src/dataclean`` is imported and its examples run, from the repository root
(some examples read ``expectations/*.yml``). A module without examples is fine; a failing
example fails here.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import dataclean

ROOT = Path(__file__).resolve().parents[1]
MODULES = ["dataclean", *(m.name for m in pkgutil.walk_packages(dataclean.__path__, "dataclean."))]
#: modules whose examples were checked first: they must keep having some
MUST_HAVE_EXAMPLES = [
    "dataclean.refdata",
    "dataclean.fields.gender",
    "dataclean.fields.ethnicity",
    "dataclean.checks",
    "dataclean.roles",
    "dataclean.suite",
    "dataclean.fields.date_of_birth",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if name in MUST_HAVE_EXAMPLES:
        assert result.attempted > 0, f"{name} lost its examples"


def test_every_module_is_collected():
    assert {"dataclean.checks.dates", "dataclean.suite.vocabulary", "dataclean.fields.phone"} <= set(MODULES)
