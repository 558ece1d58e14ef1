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

    from dataclean._core import string_buffers

    arr = arr.cast(pa.string()) if arr.type != pa.string() else arr
    if arr.offset:
        arr = pa.concat_arrays([arr])
    offsets, data = string_buffers(arr)
    return arr, offsets, data[: offsets[-1]]


@dataclass
class TrailingPostcodes:
    """Per text: whether it ends in a postcode, its length in the text, whether it holds its
    space, the separator before it (length, and whether it is ``", "``), and the text's last
    :data:`_TAIL` bytes (an (n, :data:`_TAIL`) matrix, padded on the left with spaces), which
    hold the postcode and its separator."""

    has: np.ndarray
    length: np.ndarray
    has_space: np.ndarray
    sep_length: np.ndarray
    comma: np.ndarray
    tail: np.ndarray

    @property
    def spaced_length(self) -> np.ndarray:
        return np.where(self.has, self.length + 1 - self.has_space, 0)

    def subset(self, mask: np.ndarray) -> TrailingPostcodes:
        return TrailingPostcodes(
            self.has[mask],
            self.length[mask],
            self.has_space[mask],
            self.sep_length[mask],
            self.comma[mask],
            self.tail[mask],
        )

    def spaced(self) -> Any:
        """The postcodes written ``OUTWARD INWARD`` (null where there is none)."""
        import pyarrow as pa

        n = len(self.has)
        tail = self.tail
        # right-aligned in 8 bytes: the outward code (before the space, if any), a space, the inward
        outward = np.where(self.has_space[:, None], tail[:, 2:6], tail[:, 3:7])
        mat = np.concatenate([outward, np.full((n, 1), ord(" "), np.uint8), tail[:, 7:]], axis=1)
        lengths = self.spaced_length
        used = np.arange(8)[None, :] >= (8 - lengths)[:, None]
        offsets = pa.py_buffer(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32))
        validity = pa.array(self.has).buffers()[1] if not self.has.all() else None
        return pa.StringArray.from_buffers(n, offsets, pa.py_buffer(mat[used].tobytes()), validity)


def _tail_matrix(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    """The (n, :data:`_TAIL`) matrix of the last bytes of each string (of a string buffer and its
    offsets), shorter strings padded on the left with spaces: one gather per column."""
    n = len(offsets) - 1
    out = np.full((n, _TAIL), ord(" "), dtype=np.uint8)
    if not len(data):
        return out
    starts = offsets[:-1]
    ends = offsets[1:]
    short = np.flatnonzero(ends - starts < _TAIL)
    for j in range(_TAIL):  # column j holds the byte _TAIL - j from the end
        at = ends - (_TAIL - j)
        col = data.take(at, mode="clip")
        if len(short):
            col[short] = np.where(at[short] >= starts[short], col[short], ord(" "))
        out[:, j] = col
    return out


_CLASS = np.zeros(256, dtype=np.uint8)  # 0 other, 1 digit, 2 upper-case letter
_CLASS[ord("0") : ord("9") + 1] = 1
_CLASS[ord("A") : ord("Z") + 1] = 2


def trailing_postcodes(arr: Any) -> TrailingPostcodes:
    """The postcode that ends each upper-case text, for texts known to end either in letters or
    in ``<sep><postcode>`` (``sep`` one of ``", "``, ``"\\n"``, ``"\\r\\n"``, ``" "``; postcode
    ``[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}``), at least 6 bytes long, as the address fast
    shapes guarantee."""
    arr, offsets, data = _buffers(arr)
    # the last bytes of each text as one (n, _TAIL) matrix (shorter texts padded on the left), last first
    tail = _tail_matrix(offsets, data)
    b = tail[:, ::-1]
    cls = _CLASS[tail][:, ::-1]  # looked up on the contiguous matrix
    has = (cls[:, 2] == 1) & (cls[:, 1] == 2) & (cls[:, 0] == 2)
    has_space = has & (b[:, 3] == ord(" "))
    other = cls == 0
    other[:, :3] = False
    other[:, 3] &= ~has_space
    stop = np.argmax(other, axis=1)  # the separator's last byte
    last = _from_end(tail, stop)
    before = _from_end(tail, np.minimum(stop + 1, _TAIL - 1))
    comma = has & (last == ord(" ")) & (before == ord(","))
    crlf = (last == 10) & (before == 13)
    length = np.where(has, stop, 0)
    sep_length = np.where(has, np.where(comma | crlf, 2, 1), 0)
    return TrailingPostcodes(has, length, has_space, sep_length, comma, tail)


def _from_end(tail: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Per row of a (n, :data:`_TAIL`) tail matrix: its byte ``k[i]`` places from the end (0: the
    last), by one flat ``take`` (fancy indexing on a reversed view is several times slower)."""
    flat_at = np.arange(_TAIL - 1, _TAIL * len(tail), _TAIL, dtype=np.int64) - k
    return tail.reshape(-1).take(flat_at)


def _tail_mask(offsets: np.ndarray, size: int, k: np.ndarray) -> np.ndarray:
    """Per byte of a string buffer of ``size`` bytes: in the last ``k[i]`` bytes of its string (+1
    where such a run starts, -1 where it ends, summed; runs never span two strings)."""
    ends = offsets[1:].astype(np.int64)
    edge = np.zeros(size + 1, dtype=np.int8)
    some = k > 0
    edge[ends[some] - k[some]] += 1  # distinct positions in each statement (one per string)
    edge[ends[some]] -= 1
    return np.cumsum(edge[:-1], dtype=np.int8).view(bool)


def drop_tail_bytes(arr: Any, drop: np.ndarray) -> Any:
    """The strings of ``arr`` (a pyarrow ``string`` array without nulls) with their last ``drop[i]``
    bytes cut off (the caller cuts whole ASCII characters only)."""
    import pyarrow as pa

    arr, offsets, data = _buffers(arr)
    drop = np.asarray(drop, dtype=np.int64)
    if not drop.any():
        return arr
    kept = data[~_tail_mask(offsets, len(data), drop)]
    lengths = np.diff(offsets).astype(np.int64) - drop
    new_offsets = pa.py_buffer(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32))
    return pa.StringArray.from_buffers(len(arr), new_offsets, pa.py_buffer(kept))


def keep_tail_bytes(arr: Any, keep: np.ndarray) -> Any:
    """The last ``keep[i]`` bytes of each string of ``arr`` (pyarrow ``string``, no nulls; whole
    ASCII characters), ``""`` where ``keep[i]`` is 0: the complement of :func:`drop_tail_bytes`."""
    import pyarrow as pa

    arr, offsets, data = _buffers(arr)
    keep = np.asarray(keep, dtype=np.int64)
    kept = data[_tail_mask(offsets, len(data), keep)]
    new_offsets = pa.py_buffer(np.concatenate([[0], np.cumsum(keep)]).astype(np.int32))
    return pa.StringArray.from_buffers(len(arr), new_offsets, pa.py_buffer(kept))


def insert_bytes(arr: Any, rows: np.ndarray, where: np.ndarray, values: np.ndarray) -> Any:
    """The strings of ``arr`` (pyarrow ``string``, no nulls) with byte ``values[j]`` put before
    byte ``where[j]`` of string ``rows[j]`` (inside the string: neither before its first byte nor
    after its last; bytes put at one place keep their given order), in one copy of the buffer."""
    import pyarrow as pa

    arr, offsets, data = _buffers(arr)
    if not len(rows):
        return arr
    at = offsets[rows].astype(np.int64) + where
    order = np.argsort(at, kind="stable")
    at = at[order]
    out = np.insert(data, at, np.asarray(values, dtype=np.uint8)[order])
    new_offsets = (offsets + np.searchsorted(at, offsets, side="left")).astype(np.int32)
    return pa.StringArray.from_buffers(len(arr), pa.py_buffer(new_offsets), pa.py_buffer(out))


def nth_space(arr: Any, nth: int, width: int) -> np.ndarray:
    """Per string of ``arr`` (pyarrow ``string``, no nulls): the byte index of its ``nth`` space
    (1: the first) within its first ``width`` bytes, -1 where there is none."""
    arr, offsets, data = _buffers(arr)
    n = len(arr)
    if not n or not len(data):
        return np.full(n, -1, dtype=np.int64)
    starts, lengths = offsets[:-1].astype(np.int64), np.diff(offsets)
    head = np.stack([data.take(starts + j, mode="clip") for j in range(width)], axis=1)
    space = (head == ord(" ")) & (np.arange(width)[None, :] < lengths[:, None])
    count = np.cumsum(space, axis=1)
    found = count[:, -1] >= nth
    return np.where(found, np.argmax(count >= nth, axis=1), -1)


def lines_as_commas(arr: Any) -> Any:
    """The strings of ``arr`` (pyarrow ``string``, no nulls) with each line break (``"\\r\\n"`` or
    ``"\\n"``) written ``", "``, as the address parser reads them (a ``"\\r"`` and a ``"\\n"`` in
    different strings are not a pair). Arrow's literal replacement (a fast substring search) runs
    only when the buffer holds a line break, and the ``"\\r\\n"`` pass only when it holds a
    ``"\\r"``."""
    import pyarrow.compute as pc

    arr, _, data = _buffers(arr)
    if not (data == 10).any():
        return arr
    if (data == 13).any():
        arr = pc.replace_substring(arr, "\r\n", "\n")
    return pc.replace_substring(arr, "\n", ", ")


#: Bytes per block in :func:`title_upper_bytes` (small buffers reused: cache-sized, no large
#: temporary arrays to allocate and fault in).
_BLOCK = 1 << 18


def title_upper_bytes(arr: Any, keep: np.ndarray) -> Any:
    """``pc.ascii_title`` of upper-case ASCII strings (pyarrow ``string``, no nulls), with the
    last ``keep[i]`` bytes of each (8 at most) left in upper case, in one pass over the string
    buffer (in blocks): a letter after a letter goes to lower case (word boundaries are the bytes
    that are not ASCII letters, as in Arrow's ``ascii_title``); then each string's first byte and
    kept tail are put back as they were."""
    import pyarrow as pa

    arr, offsets, data = _buffers(arr)
    if not len(data):
        return arr
    out = np.empty_like(data)
    shifted = np.empty(_BLOCK + 1, dtype=np.uint8)
    letter = np.empty(_BLOCK + 1, dtype=bool)
    for start in range(0, len(data), _BLOCK):
        # this block and the byte before it (the previous block's last: a letter before a letter)
        lo = max(start - 1, 0)
        block = data[lo : start + _BLOCK]
        m = len(block)
        np.subtract(block, ord("A"), out=shifted[:m])  # uint8: bytes below "A" wrap round above 25
        np.less(shifted[:m], 26, out=letter[:m])
        lower = shifted[: m - 1] if start else shifted[:m]
        if start:
            np.logical_and(letter[1:m], letter[: m - 1], out=lower.view(bool))
        else:
            lower[0] = 0
            np.logical_and(letter[1:m], letter[: m - 1], out=lower[1:].view(bool))
        np.left_shift(lower, 5, out=lower)  # 0x20: upper to lower case for ASCII letters
        np.bitwise_or(data[start : start + _BLOCK], lower, out=out[start : start + _BLOCK])
    firsts = offsets[:-1][offsets[:-1] < len(data)]
    out[firsts] = data[firsts]  # a string's first byte starts a word
    _put_back_tails(out, data, offsets, np.asarray(keep))
    return pa.StringArray.from_buffers(len(arr), pa.py_buffer(offsets.copy()), pa.py_buffer(out))


def _put_back_tails(out: np.ndarray, data: np.ndarray, offsets: np.ndarray, keep: np.ndarray) -> None:
    """``out`` (a copy of the string buffer ``data``, changed) with the last ``keep[i]`` bytes of
    each string (8 at most) put back from ``data``, in place. Strings of 8 bytes or more: their
    last 8 bytes as one unaligned uint64 each (these never overlap), merged under a byte mask;
    shorter ones byte by byte."""
    rows = np.flatnonzero(keep)
    if not len(rows):
        return
    k = keep[rows].astype(np.int64)
    if k.max() > 8:
        raise ValueError("title_upper_bytes keeps 8 bytes at most")
    ends = offsets[1:][rows].astype(np.int64)
    wide = ends - offsets[:-1][rows] >= 8
    if wide.any():
        at = ends[wide] - 8
        words_out = np.ndarray(shape=(len(out) - 7,), dtype="<u8", buffer=out, strides=(1,))
        words_in = np.ndarray(shape=(len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))
        # the last k bytes of a little-endian word are its high bytes
        mask = np.left_shift(np.uint64(0xFFFFFFFFFFFFFFFF), (8 * (8 - k[wide])).astype(np.uint64))
        words_out[at] = (words_out[at] & ~mask) | (words_in[at] & mask)
    if not wide.all():  # the short strings, byte by byte from the end
        short_ends, short_k = ends[~wide], k[~wide]
        for j in range(1, int(short_k.max()) + 1):
            at = short_ends[short_k >= j] - j
            out[at] = data[at]


def _byte_class(chars: str) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[np.frombuffer(chars.encode("ascii"), dtype=np.uint8)] = True
    return table


_DIGIT = _byte_class("0123456789")
# the classes of the postcode module's strict pattern (postcode._OUTWARD, postcode._INWARD)
_FIRST = _byte_class("ABCDEFGHIJKLMNOPRSTUWYZ")  # [A-PR-UWYZ]
_SECOND = _byte_class("ABCDEFGHKLMNOPQRSTUVWXY")  # [A-HK-Y]
_THIRD = _byte_class("ABCDEFGHJKPSTUW")  # A9A
_FOURTH = _byte_class("ABEHMNPRVWXY")  # AA9A
_INWARD_LETTER = _byte_class("ABDEFGHJLNPQRSTUWXYZ")  # [ABD-HJLNP-UW-Z]
_SEPARATOR = _byte_class(" ,\n")


def _special_keys(special: frozenset[str]) -> dict[int, np.ndarray]:
    """Per written length (1 to 8 bytes): the codes of ``special`` (compacted, 5 to 7 characters),
    with and without their space, as the uint64 of their bytes right-aligned in 8 bytes."""
    keys: dict[int, list[int]] = {}
    for code in special:
        if not (5 <= len(code) <= 7 and code.isascii() and code.isalnum()):
            continue
        for written in (code, f"{code[:-3]} {code[-3:]}"):
            raw = written.encode("ascii").rjust(8, b"\0")
            keys.setdefault(len(written), []).append(int.from_bytes(raw, "little"))
    return {k: np.array(v, dtype=np.uint64) for k, v in keys.items()}


def tail_postcode_ok(tail: TrailingPostcodes, special: frozenset[str]) -> np.ndarray:
    """Per text: it ends in a postcode after a separator (``, ``, a line break or a space, or at
    the start of :attr:`TrailingPostcodes.tail`) that matches the postcode module's strict pattern
    and is neither a pseudo postcode (``ZZ99 3VZ``) nor one of ``special`` (compacted codes): the
    byte classes of that pattern on the tail matrix, no regex."""
    n = len(tail.has)
    if not n:
        return np.zeros(0, dtype=bool)
    b = tail.tail[:, ::-1]  # last byte first
    start = 3 + tail.has_space.astype(np.int64)  # the outward code's last byte
    size = tail.length - start  # the outward code's length
    ok = tail.has & (size >= 2) & (size <= 4)
    ok &= _DIGIT[b[:, 2]] & _INWARD_LETTER[b[:, 1]] & _INWARD_LETTER[b[:, 0]]
    before = start + size  # the byte before the postcode
    ok &= (before >= _TAIL) | _SEPARATOR[_from_end(tail.tail, np.minimum(before, _TAIL - 1))]
    c = [_from_end(tail.tail, np.clip(start + size - k, 0, _TAIL - 1)) for k in (1, 2, 3, 4)]  # outward, in order
    d2, d3, d4 = _DIGIT[c[1]], _DIGIT[c[2]], _DIGIT[c[3]]
    ok &= _FIRST[c[0]] & (
        ((size == 2) & d2)
        | ((size == 3) & ((d2 & (d3 | _THIRD[c[2]])) | (_SECOND[c[1]] & d3)))
        | ((size == 4) & _SECOND[c[1]] & d3 & (d4 | _FOURTH[c[3]]))
    )
    pseudo = (size == 4) & (c[0] == ord("Z")) & (c[1] == ord("Z")) & (c[2] == ord("9")) & (c[3] == ord("9"))
    ok &= ~pseudo
    if special and ok.any():  # as written in the text (with or without its space), right-aligned
        last8 = np.ascontiguousarray(tail.tail[:, _TAIL - 8 :]).view("<u8").ravel()
        for written, group in _special_keys(special).items():
            rows_l = np.flatnonzero(ok & (tail.length == written))
            mask = np.uint64((1 << 64) - (1 << (8 * (8 - written))) if written < 8 else (1 << 64) - 1)
            ok[rows_l[np.isin(last8[rows_l] & mask, group)]] = False
    return ok
