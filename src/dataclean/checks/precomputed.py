"""Field results computed once per run, reused by the rules.

:func:`dataclean.validate` standardises each column once and then runs the suite on the
standardised frame, where a field module would give the same answers again. Within
:func:`precomputed`, the rules here (and so the GX metrics that call them) reuse those results
instead of computing every field two or three times.

Why a :class:`~contextvars.ContextVar` and not an argument: the rules are called by GX metrics,
and a GX metric receives only the column and its expectation's *value keys*, which GX serialises
into the metric's configuration and hashes into metric ids (pydantic models of JSON values). A
frame of results cannot travel that way, and the metric classes are registered once per process,
so nothing per run can be attached to them either. The ContextVar is the narrowest scope left:
it holds the results of one run, in one thread or task, only inside the ``with`` block, and is
reset when the block ends. Called directly (not through GX), the rules need none of this.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar

import pandas as pd

from dataclean import registry
from dataclean._core import StandardiseResult

_PRECOMPUTED: ContextVar[Mapping[str, tuple[str, StandardiseResult]] | None] = ContextVar(
    "dataclean_precomputed", default=None
)


@contextlib.contextmanager
def precomputed(results: Mapping[str, tuple[str, StandardiseResult]]) -> Iterator[None]:
    """Within this block, rules on column ``name`` of kind ``kind`` reuse ``results[name]``
    (a ``(kind, StandardiseResult)`` pair computed on the same rows)."""
    token = _PRECOMPUTED.set(results)
    try:
        yield
    finally:
        _PRECOMPUTED.reset(token)


def cached(column: pd.Series, kind: str) -> StandardiseResult | None:
    """The precomputed result for ``column`` as kind ``kind``, or None when there is none that
    covers every row of ``column``."""
    cache = _PRECOMPUTED.get()
    if not cache or column.name not in cache:
        return None
    cached_kind, result = cache[column.name]
    if cached_kind != kind:
        return None
    if column.index is result.status.index or column.index.equals(result.status.index):
        return result
    if not column.index.isin(result.status.index).all():
        return None
    return result


def kind_valid_mask(column: pd.Series, kind: str) -> pd.Series:
    """``is_valid_series`` for ``kind``, reusing a precomputed result when there is one."""
    result = cached(column, kind)
    if result is not None:
        return result.valid if result.valid.index.equals(column.index) else result.valid.reindex(column.index)
    return registry.get(kind).is_valid_series(column)


def kind_reasons(column: pd.Series, kind: str) -> pd.Series:
    """``reason_series`` for ``kind``, reusing a precomputed result when there is one."""
    result = cached(column, kind)
    if result is not None:
        return result.reason if result.reason.index.equals(column.index) else result.reason.reindex(column.index)
    return registry.get(kind).reason_series(column)
