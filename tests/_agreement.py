"""Shared pieces of the field tests: a column's result agrees, row by row, with the scalar API;
the benchmarks' data generators; Faker rows."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dataclean import exceptions as exc


def assert_agrees_with_scalar(result: Any, values: Sequence[Any], validate: Callable[[Any], Any]) -> list[Any]:
    """Each row of ``result`` (a ``StandardiseResult`` of ``values``) is valid with the scalar
    ``validate``'s value, or invalid with the reason of the ``ValidationError`` it raised.
    Returns the scalar values (``None`` where it raised) for further checks."""
    expected_values = []
    for i, v in enumerate(values):
        try:
            expected = validate(v)
        except exc.ValidationError as err:
            assert not result.valid.iloc[i], v
            assert result.reason.iloc[i] == err.reason, v
            expected_values.append(None)
        else:
            assert result.valid.iloc[i], v
            assert result.value.iloc[i] == expected, v
            expected_values.append(expected)
    return expected_values


def bench_module(name: str) -> Any:
    """A module of ``benchmarks/`` (its data generators), imported by name."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        return __import__(name)
    finally:
        sys.path.pop(0)


def faker_rows(n: int, seed: int, render: Callable[[Any, int], Any]) -> list[Any]:
    """``render(fake, i)`` for ``i`` in ``range(n)``, with a seeded Faker ``en_GB``."""
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return [render(fake, i) for i in range(n)]


#: Usual UK phone shapes typed into records (mobile, London, freephone, extension), in this order:
#: tests rely on the order of their canonical forms.
USUAL_PHONES = [
    "07400 123456",
    "07400123456",
    "+44 7400 123456",
    "0044 (0)20 7946 0123",
    "07700 900123",
    "0800 123 4567",
    "01245 123456 ext 12",
]
