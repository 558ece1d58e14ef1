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
    # joined once: the text comes back in one chunk (later steps do not join it again)
    parts = [pa.array(["a", None, "b"], type=arrow_type), pa.array(["", "dd"], type=arrow_type)]  # nothing to trim
    plain = pd.Series(pd.array(pa.chunked_array(parts), dtype="string[pyarrow]"))
    text = to_text(plain).text
    assert text.array.__arrow_array__().num_chunks == 1
    assert [None if pd.isna(v) else v for v in text] == ["a", None, "b", None, "dd"]
    assert text.index.equals(plain.index)


def test_input_is_not_modified():
    series = pd.Series([" a ", "\xa0b", None], dtype="string[pyarrow]")
    before = series.copy()
    to_text(series)
    pd.testing.assert_series_equal(series, before)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=1, max_size=12),
    st.data(),
    st.sampled_from(["string", "large_string"]),
)
def test_replace_rows_is_replace_with_mask(values, data, arrow_type):
    """The take-based replacement gives Arrow's replace_with_mask: any mask (numpy or Arrow),
    null and multi-byte values and replacements, chunked and sliced input, either string type."""
    import pyarrow.compute as pc

    from dataclean._core import replace_rows

    typ = getattr(pa, arrow_type)()
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values))))
    k = int(mask.sum())
    new = data.draw(st.lists(st.one_of(st.none(), st.text(max_size=6)), min_size=k, max_size=k))
    arr = pa.array(["lead", *values], type=typ).slice(1)  # offset not at 0
    expected = pc.replace_with_mask(arr, pa.array(mask), pa.array(new, type=typ)).to_pylist()
    assert replace_rows(arr, mask, pa.array(new, type=pa.string())).to_pylist() == expected
    chunked = pa.chunked_array([arr.slice(0, len(arr) // 2), arr.slice(len(arr) // 2)], type=typ)
    got = replace_rows(chunked, pa.array(mask), pa.chunked_array([pa.array(new, type=typ)]))
    assert got.type == typ and got.to_pylist() == expected
    assert arr.to_pylist() == values  # the input is not modified


def test_replace_rows_needs_one_replacement_per_row():
    from dataclean._core import replace_rows

    with pytest.raises(ValueError, match="2 rows to replace but 1 replacements"):
        replace_rows(pa.array(["a", "b", "c"]), np.array([True, False, True]), pa.array(["x"]))
    unchanged = replace_rows(pa.array(["a", None]), np.zeros(2, dtype=bool), pa.array([], pa.string()))
    assert unchanged.to_pylist() == ["a", None]


@pytest.mark.parametrize("storage", ["pyarrow", "python"])
def test_distinct_share_floor_reads_chunked_arrow_as_pandas_does(storage):
    """The Arrow path (a take per chunk, Arrow's distinct count) gives the pandas path's bound,
    with missing values and a column cut in several chunks."""
    from dataclean import _core

    rng = np.random.default_rng(3)
    n = 300_000
    ids = rng.integers(0, 200_000, size=n)
    texts = np.array([f"v{i}" for i in ids], dtype=object)
    texts[rng.random(n) < 0.2] = None
    chunks = [pa.array(texts[a : a + 70_000], type=pa.large_string()) for a in range(0, n, 70_000)]
    arrow = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array(chunks))).astype(pd.StringDtype(storage))
    reference = pd.Series(texts, dtype=pd.StringDtype("python"))
    assert _core.distinct_share_floor(arrow) == pytest.approx(_core.distinct_share_floor(reference))
    assert 0.0 < _core.distinct_share_floor(arrow) < 1.0
