"""Shared assertion of the field tests: a column's result agrees, row by row, with the scalar API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
