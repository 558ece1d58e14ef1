"""``to_text`` on Arrow-backed strings (read from the buffers) agrees with the pandas path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataclean._core import WHITESPACE, to_text

EDGES = st.sampled_from(["", " ", "\t", "\n", "\r\n", "\xa0", "\u00e9", "\u2003", "  \xa0 "])
TEXTS = st.builds(lambda a, mid, b: a + mid + b, EDGES, st.text(max_size=12), EDGES)


def _expected(values: list[str | None], max_length: int) -> tuple[list[str | None], list[bool], list[bool]]:
    text, missing, too_long = [], [], []
    for v in values:
        t = None if v is None else v.strip(WHITESPACE)
        gone = t is None or t == ""
        long = not gone and len(t) > max_length
        missing.append(gone)
        too_long.append(long)
        text.append(None if gone or long else t)
    return text, missing, too_long


def _check(series: pd.Series, values: list[str | None], max_length: int) -> None:
    col = to_text(series, max_length=max_length)
    text, missing, too_long = _expected(values, max_length)
    got = [None if pd.isna(v) else v for v in col.text.tolist()]
    assert got == text
    assert col.missing.tolist() == missing
    assert col.too_long.tolist() == too_long
    assert list(col.text.index) == list(series.index)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(TEXTS, st.none()), max_size=20), max_length=st.integers(1, 14))
def test_arrow_and_python_storage_agree_with_str_strip(values, max_length):
    for storage in ("pyarrow", "python"):
        _check(pd.Series(values, dtype=pd.StringDtype(storage)), values, max_length)


def test_bytes_over_the_limit_are_not_too_long_when_the_characters_fit():
    # five characters, ten bytes: the buffer path measures bytes first, then characters
    values = ["\u00e9" * 5, "\u00e9" * 6, "abcdef", "  abcde\xa0"]
    _check(pd.Series(values, dtype="string[pyarrow]"), values, 5)


@pytest.mark.parametrize("arrow_type", [pa.string(), pa.large_string()])
def test_sliced_and_chunked_arrow_columns(arrow_type):
    values = [" a ", None, "b", "\xa0c", "", "dd\t", "e" * 9, " f"]
    whole = pa.array(["junk ", *values, " junk"], type=arrow_type)
    chunked = pa.chunked_array([whole.slice(1, 3), whole.slice(4, len(values) - 3)])
    series = pd.Series(pd.array(chunked, dtype="string[pyarrow]"), index=np.arange(10, 10 + len(values)))
    _check(series, values, 4)


def test_input_is_not_modified():
    series = pd.Series([" a ", "\xa0b", None], dtype="string[pyarrow]")
    before = series.copy()
    to_text(series)
    pd.testing.assert_series_equal(series, before)
