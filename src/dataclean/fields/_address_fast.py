"""Byte-level helpers for the address fast path: the postcode at the end of each text, and
cutting or upper-casing the ends of Arrow strings, with numpy over the string buffers (no Python
per value)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: Bytes looked at from the end of a text: a postcode (8 at most) and its separator (2 at most).
_TAIL = 10


def _buffers(arr: Any) -> tuple[Any, np.ndarray, np.ndarray]:
    """(array, offsets, data) of a pyarrow ``string`` array without nulls, as one buffer at 0."""
    import pyarrow as pa

    arr = pa.concat_arrays([arr.cast(pa.string())])
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[: len(arr) + 1]
    buffer = arr.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8)[: offsets[-1]] if buffer is not None else np.zeros(0, np.uint8)
    return arr, offsets, data


@dataclass
class TrailingPostcodes:
    """Per text: whether it ends in a postcode, its length in the text, whether it holds its
    space, the separator before it (length, and whether it is ``", "``), and the postcode written
    ``OUTWARD INWARD`` (``""`` where there is none) with its length."""

    has: np.ndarray
    length: np.ndarray
    has_space: np.ndarray
    sep_length: np.ndarray
    comma: np.ndarray
    spaced: Any
    spaced_length: np.ndarray

    def subset(self, mask: np.ndarray) -> TrailingPostcodes:
        import pyarrow as pa

        return TrailingPostcodes(
            self.has[mask],
            self.length[mask],
            self.has_space[mask],
            self.sep_length[mask],
            self.comma[mask],
            self.spaced.filter(pa.array(mask)),
            self.spaced_length[mask],
        )


def trailing_postcodes(arr: Any) -> TrailingPostcodes:
    """The postcode that ends each upper-case text, for texts known to end either in letters or
    in ``<sep><postcode>`` (``sep`` one of ``", "``, ``"\\n"``, ``"\\r\\n"``, ``" "``; postcode
    ``[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}``), as the address fast shapes guarantee."""
    import pyarrow as pa

    _, offsets, data = _buffers(arr)
    n = len(offsets) - 1
    ends = offsets[1:].astype(np.int64)
    at = ends[:, None] - np.arange(1, _TAIL + 1)[None, :]  # column k: the (k+1)-th byte from the end
    inside = at >= offsets[:-1, None]
    b = np.where(inside, data[np.clip(at, 0, None)] if len(data) else 0, 0).astype(np.uint8)
    digit = (b >= ord("0")) & (b <= ord("9"))
    alnum = digit | ((b >= ord("A")) & (b <= ord("Z")))
    has = digit[:, 2] & ~digit[:, 1] & ~digit[:, 0] & alnum[:, 1] & alnum[:, 0]
    has_space = has & (b[:, 3] == ord(" "))
    out_end = np.where(has_space, 4, 3)  # the outward code's last byte, counted from the end
    cols = np.arange(_TAIL)[None, :]
    stop = np.argmax(~alnum & (cols >= out_end[:, None]), axis=1)  # the separator's last byte
    out_len = stop - out_end
    rows = np.arange(n)
    before = b[rows, np.minimum(stop + 1, _TAIL - 1)]
    last = b[rows, stop]
    sep_length = np.where((last == ord(" ")) & (before == ord(",")), 2, np.where((last == 10) & (before == 13), 2, 1))
    comma = has & (last == ord(" ")) & (before == ord(","))
    length = np.where(has, stop, 0)
    sep_length = np.where(has, sep_length, 0)
    out_len = np.where(has, out_len, 0)
    spaced_length = np.where(has, out_len + 4, 0)
    # OUTWARD + " " + INWARD as a fixed-width byte matrix, then one Arrow string per row
    width = 8
    mat = np.zeros((n, width), dtype=np.uint8)
    j = np.arange(width)[None, :]
    src_out = np.clip(stop[:, None] - 1 - j, 0, _TAIL - 1)  # outward bytes, first to last
    mat = np.where(j < out_len[:, None], b[rows[:, None], src_out], mat)
    mat = np.where(j == out_len[:, None], ord(" "), mat)
    src_in = np.clip(2 - (j - out_len[:, None] - 1), 0, _TAIL - 1)
    mat = np.where((j > out_len[:, None]) & (j <= out_len[:, None] + 3), b[rows[:, None], src_in], mat)
    used = j < spaced_length[:, None]
    new_offsets = np.concatenate([[0], np.cumsum(spaced_length)]).astype(np.int32)
    spaced = pa.StringArray.from_buffers(n, pa.py_buffer(new_offsets), pa.py_buffer(mat[used].tobytes()))
    return TrailingPostcodes(has, length, has_space, sep_length, comma, spaced, spaced_length)


def drop_tail_bytes(arr: Any, drop: np.ndarray) -> Any:
    """The strings of ``arr`` (a pyarrow ``string`` array without nulls) with their last ``drop[i]``
    bytes cut off (the caller cuts whole ASCII characters only)."""
    import pyarrow as pa

    arr, offsets, data = _buffers(arr)
    drop = np.asarray(drop, dtype=np.int64)
    if not drop.any():
        return arr
    lengths = np.diff(offsets).astype(np.int64) - drop
    new_offsets = np.concatenate([[0], np.cumsum(lengths)])
    # each kept byte's source: its position in the new buffer, shifted by its string's start
    shift = np.repeat(offsets[:-1].astype(np.int64) - new_offsets[:-1], lengths)
    kept = data[np.arange(int(new_offsets[-1]), dtype=np.int64) + shift]
    new_offsets = pa.py_buffer(new_offsets.astype(np.int32))
    return pa.StringArray.from_buffers(len(arr), new_offsets, pa.py_buffer(kept.tobytes()))


def upper_tail_bytes(arr: Any, count: np.ndarray) -> Any:
    """The strings of ``arr`` (pyarrow ``string``, no nulls) with their last ``count[i]`` bytes
    (ASCII) in upper case."""
    import pyarrow as pa

    arr, offsets, data = _buffers(arr)
    count = np.asarray(count, dtype=np.int64)
    if not count.any():
        return arr
    data = data.copy()
    ends = np.repeat(offsets[1:].astype(np.int64), count)
    back = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    at = ends - 1 - back
    lower = (data[at] >= ord("a")) & (data[at] <= ord("z"))
    data[at[lower]] -= ord("a") - ord("A")
    return pa.StringArray.from_buffers(len(arr), pa.py_buffer(offsets.copy()), pa.py_buffer(data.tobytes()))
