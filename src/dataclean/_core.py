"""Shared machinery for field modules: text coercion, per-row results, distinct-value mapping.

Every field module (``dataclean.fields.*``) has the same small API:

* ``compact(value) -> str``: strip separators and surrounding noise, no checks;
* ``validate(value) -> str``: the canonical form, or raise a :class:`~dataclean.ValidationError`
  subclass whose ``reason`` is a stable code;
* ``is_valid(value) -> bool``: never raises;
* ``format(value) -> str``: the human display form;
* ``standardise_series(values) -> StandardiseResult``: canonical values, a status and a reason per
  row, aligned to the input index;
* ``is_valid_series(values) -> pd.Series[bool]`` and ``reason_series(values)``.

This module holds the pieces they share so each module only says what is particular to its kind.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from dataclean.exceptions import InvalidLength, InvalidType, MissingValue, ValidationError

STRING = pd.StringDtype()

#: The whitespace dataclean trims and treats as a separator, identically in scalar and column code
#: (ASCII whitespace plus the no-break space that spreadsheets paste in).
WHITESPACE = " \t\n\r\f\v\xa0"
#: The same set as a regex character class body.
WHITESPACE_RE = r" \t\n\r\f\v\xa0"


class Status(StrEnum):
    """What standardisation did to a row."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    INVALID = "invalid"
    MISSING = "missing"


STATUS_DTYPE = pd.CategoricalDtype([s.value for s in Status])

#: Values that stand for "no data" in any free-text field, compared upper-cased and trimmed.
PLACEHOLDER_TOKENS: frozenset[str] = frozenset(
    {
        "UNKNOWN",
        "UNK",
        "NOT KNOWN",
        "NOTKNOWN",
        "NK",
        "N/K",
        "N/A",
        "NA",
        "N.A.",
        "NULL",
        "NONE",
        "NIL",
        "TEST",
        "TESTING",
        "XXX",
        "XX",
        "X",
        "ZZZ",
        "ZZ",
        "TBC",
        "TBA",
        "NOT STATED",
        "NOT PROVIDED",
        "NOT GIVEN",
        "NOT RECORDED",
        "REFUSED",
        "-",
        "--",
        "?",
        "??",
        ".",
        "0",
    }
)


@dataclass(frozen=True, repr=False)
class StandardiseResult:
    """The outcome of standardising one column, row by row, aligned to the input index.

    ``value`` holds the canonical form (``<NA>`` where the row is invalid or missing);
    ``status`` is one of :class:`Status`; ``reason`` is the failure reason of an invalid or
    missing row (a code of the kind's ``Reason`` enum), ``<NA>`` on valid rows; ``note`` is a
    *note* on a valid row worth a look but not a failure (for example ``"bfpo"`` on a forces
    postcode, ``"administrative_prefix"`` on an unusual NINO; the kind's ``Note`` enum), ``<NA>``
    otherwise. A result built without notes gets an all-``<NA>`` note column.

    ``parsed`` is what a kind read each row into on the way, for rules that would otherwise read
    the column again (dates of birth: a :class:`dataclean.fields.date_of_birth.ParsedDates`, the
    dates :func:`~dataclean.fields.date_of_birth.parse_series` gives); ``None`` for most kinds
    and for results rebuilt by hand. It offers ``take(positions, index)`` (its rows by position,
    onto ``index``), so :func:`standardise_per_distinct` expands it as it expands the columns.
    """

    value: pd.Series
    status: pd.Series
    reason: pd.Series
    note: pd.Series = None  # type: ignore[assignment]  # filled in __post_init__
    parsed: Any = None

    def __post_init__(self) -> None:
        if self.note is None:
            empty = pd.Series(pd.NA, index=self.reason.index, dtype=STRING, name="note")
            object.__setattr__(self, "note", empty)

    @property
    def valid(self) -> pd.Series:
        """True where the row holds a valid value (changed or unchanged)."""
        return self.status.isin((Status.UNCHANGED.value, Status.CHANGED.value)).astype(bool)

    @property
    def invalid(self) -> pd.Series:
        return (self.status == Status.INVALID.value).astype(bool)

    @property
    def missing(self) -> pd.Series:
        return (self.status == Status.MISSING.value).astype(bool)

    @property
    def changed(self) -> pd.Series:
        return (self.status == Status.CHANGED.value).astype(bool)

    def counts(self) -> dict[str, int]:
        """Rows per status, every status present (zero when none)."""
        vc = self.status.value_counts()
        return {s.value: int(vc.get(s.value, 0)) for s in Status}

    def reason_counts(self) -> dict[str, int]:
        """Rows per failure reason (invalid and missing rows)."""
        return {str(k): int(v) for k, v in self.reason.value_counts().items()}

    def note_counts(self) -> dict[str, int]:
        """Rows per note (valid rows worth a look)."""
        return {str(k): int(v) for k, v in self.note.value_counts().items()}

    def to_frame(self, name: str | None = None) -> pd.DataFrame:
        """``<name>``, ``<name>_status``, ``<name>_reason`` and ``<name>_note`` columns on the input index."""
        base = name or (self.value.name if isinstance(self.value.name, str) else "value")
        return pd.DataFrame(
            {
                base: self.value,
                f"{base}_status": self.status,
                f"{base}_reason": self.reason,
                f"{base}_note": self.note,
            },
            index=self.value.index,
        )

    def __len__(self) -> int:
        return len(self.value)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts().items())
        return f"StandardiseResult(rows={len(self)}, {counts})"


# ---------------------------------------------------------------------------------------------
# scalar helpers
# ---------------------------------------------------------------------------------------------


def is_missing_scalar(value: Any) -> bool:
    """True for None, NaN, pd.NA, NaT and blank strings."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, np.floating) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip(WHITESPACE)


def scalar_text(value: Any, *, max_length: int = 256) -> str:
    """Return ``value`` as text for a scalar validator, or raise.

    Accepts ``str`` and whole numbers (``int``, integral ``float`` such as ``9434765919.0``
    from a CSV column with blanks). Raises :class:`MissingValue` for null or blank,
    :class:`InvalidType` for anything else (bytes, lists, fractional floats, booleans), and
    :class:`InvalidLength` past ``max_length`` characters (so a 10**6-character string is
    rejected before any parsing).
    """
    if is_missing_scalar(value):
        raise MissingValue()
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool | np.bool_):
        raise InvalidType()
    elif isinstance(value, int | np.integer):
        text = str(int(value))
    elif isinstance(value, float | np.floating):
        if not float(value).is_integer():
            raise InvalidType("The value is a number with a fractional part.")
        text = str(int(value))
    else:
        raise InvalidType()
    if len(text) > max_length and len(text.strip(WHITESPACE)) > max_length:
        raise InvalidLength(f"The value is longer than {max_length} characters.")
    return text


def make_is_valid(validate: Callable[[Any], str]) -> Callable[[Any], bool]:
    """Build ``is_valid`` from ``validate``: True when it returns, False on ValidationError."""

    def is_valid(value: Any) -> bool:
        try:
            validate(value)
        except ValidationError:
            return False
        return True

    is_valid.__doc__ = "Return True if ``validate`` accepts the value; never raises."
    return is_valid


# ---------------------------------------------------------------------------------------------
# column helpers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextColumn:
    """A column coerced to text for vectorised checks.

    ``text``: pandas ``string`` dtype, whitespace-stripped, ``<NA>`` where missing or of a bad type.
    ``missing``: null, NaN or blank. ``bad_type``: not text or a whole number.
    ``too_long``: longer than the module's limit (``text`` is ``<NA>`` there too).
    """

    original: pd.Series
    text: pd.Series
    missing: np.ndarray
    bad_type: np.ndarray
    too_long: np.ndarray

    @property
    def usable(self) -> np.ndarray:
        return ~(self.missing | self.bad_type | self.too_long)


def _object_to_text(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Coerce an object column that may mix str, numbers and junk. Returns (text, bad_type)."""
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred in ("string", "empty"):
        return values.astype(STRING), np.zeros(len(values), dtype=bool)
    # Mixed column: classify each element by type once (C-speed type() calls; rare in practice).
    arr = values.to_numpy(dtype=object, na_value=None)
    out = np.empty(len(arr), dtype=object)
    bad = np.zeros(len(arr), dtype=bool)
    for i, v in enumerate(arr):
        if is_missing_scalar(v):
            out[i] = None
            continue
        try:
            out[i] = scalar_text(v, max_length=10**9)
        except ValidationError:
            out[i] = None
            bad[i] = True
    return pd.Series(out, index=values.index, dtype=STRING), bad


#: Columns from this many rows make numpy temporaries large enough for :func:`dataclean._malloc.prime`.
PRIME_MIN_ROWS = 100_000


def to_text(values: pd.Series, *, max_length: int = 256, strip: bool = True) -> TextColumn:
    """Coerce any Series to trimmed text, classifying missing, bad-type and over-long rows.

    Integer columns (an NHS number read by ``read_csv``) become their digits; float columns
    holding whole numbers lose the ``.0``; fractional floats, bytes and other objects are
    ``bad_type``. Never modifies ``values``.
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"expected a pandas Series, got {type(values).__name__}")
    n = len(values)
    if n >= PRIME_MIN_ROWS:  # large columns: keep numpy's temporaries mapped between calls
        from dataclean import _malloc

        _malloc.prime()
    bad = np.zeros(n, dtype=bool)
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype):
        text = values
    elif pd.api.types.is_bool_dtype(dtype):
        text = pd.Series(pd.NA, index=values.index, dtype=STRING)
        bad = values.notna().to_numpy(dtype=bool)
    elif pd.api.types.is_integer_dtype(dtype):
        text = values.astype(STRING)
    elif pd.api.types.is_float_dtype(dtype):
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(arr)
        whole = finite & (np.mod(arr, 1) == 0) & (np.abs(arr) < 2**63)
        bad = ~np.isnan(arr) & ~whole
        ints = np.where(whole, arr, 0).astype("int64")
        text = pd.Series(ints, index=values.index).astype(STRING).where(whole, pd.NA)
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        text = values.dt.strftime("%Y-%m-%d").astype(STRING)
    elif isinstance(dtype, pd.CategoricalDtype):
        return to_text(values.astype(object), max_length=max_length, strip=strip)
    else:
        text, bad = _object_to_text(values)
    if _is_arrow_string(text.dtype):  # on the Arrow buffers: no pass over rows that need nothing
        text, missing, too_long = _arrow_trim_and_measure(text, max_length=max_length, strip=strip)
        missing &= ~bad
    else:
        if strip:
            text = text.str.strip(WHITESPACE)
        lengths = text.str.len().to_numpy(dtype="float64", na_value=np.nan)
        missing = (np.isnan(lengths) | (lengths == 0)) & ~bad
        too_long = lengths > max_length
    drop = missing | too_long | bad
    if _is_arrow_string(text.dtype) and drop.any():  # in Arrow: if_else, not pandas' replace_with_mask
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = text.array.__arrow_array__()
        kept = pc.if_else(pa.array(~drop), arr, pa.nulls(len(arr), arr.type))
        text = pd.Series(pd.array(kept, dtype=text.dtype), index=text.index, name=text.name)
    elif drop.any():
        text = text.where(~drop, pd.NA)
    return TextColumn(values, text, missing, bad, too_long)


#: Bytes a string may start (``first``) or end (``last``) with when it starts or ends with a
#: character of :data:`WHITESPACE` (the no-break space is ``C2 A0`` in UTF-8).
_WS_FIRST = np.zeros(256, dtype=bool)
_WS_FIRST[[ord(c) for c in WHITESPACE if c.isascii()] + [0xC2]] = True
_WS_LAST = np.zeros(256, dtype=bool)
_WS_LAST[[ord(c) for c in WHITESPACE if c.isascii()] + [0xA0]] = True


def _arrow_trim_and_measure(
    text: pd.Series, *, max_length: int, strip: bool
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(text trimmed of :data:`WHITESPACE`, missing, too long) for an Arrow-backed ``string``
    column, from its buffers: only the strings whose first or last byte may start or end a
    whitespace character are trimmed (Arrow ``utf8_trim``), and only those longer than
    ``max_length`` bytes are measured in characters."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = text.array.__arrow_array__()
    if isinstance(arr, pa.ChunkedArray):
        several = arr.num_chunks > 1
        arr = arr.combine_chunks()
        if several:  # the text joined once, here: later steps (arrow_text) then find one chunk
            text = pd.Series(pd.array(arr, dtype=text.dtype), index=text.index, name=text.name)
    present = _present(arr)
    first, last, lengths = _edge_bytes(arr)
    if strip:
        edge = present & (lengths > 0) & (_WS_FIRST[first] | _WS_LAST[last])
        if edge.any():
            rows = np.flatnonzero(edge)
            trimmed = pc.utf8_trim(arr.take(pa.array(rows)), WHITESPACE)
            arr = replace_rows(arr, edge, trimmed)
            text = pd.Series(pd.array(arr, dtype=text.dtype), index=text.index, name=text.name)
            lengths = _edge_bytes(arr)[2]
    missing = ~present | (lengths == 0)
    too_long = present & (lengths > max_length)  # bytes: a string of more bytes may still fit
    if too_long.any():
        rows = np.flatnonzero(too_long)
        chars = np.asarray(pc.utf8_length(arr.take(pa.array(rows))).to_numpy(zero_copy_only=False))
        too_long[rows[chars <= max_length]] = False
    return text, missing, too_long


def _present(arr: Any) -> np.ndarray:
    """Per slot of a pyarrow array: not null."""
    if arr.null_count == 0:
        return np.ones(len(arr), dtype=bool)
    return np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def string_buffers(arr: Any) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, data) of a pyarrow ``string`` or ``large_string`` array, as numpy views of its
    buffers: the offsets of its slice (``len(arr) + 1`` of them, into ``data``, not rebased)."""
    import pyarrow as pa

    wide = pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64 if wide else np.int32)
    buffer = arr.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, np.uint8)
    return offsets[arr.offset : arr.offset + len(arr) + 1], data


def _edge_bytes(arr: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first byte, last byte, length in bytes) of each string of a pyarrow ``string`` or
    ``large_string`` array (0 for the bytes of empty strings; null slots are not looked at by
    callers)."""
    offsets, data = string_buffers(arr)
    offsets = offsets.astype(np.int64)
    lengths = np.diff(offsets)
    if not len(data):
        return np.zeros(len(arr), np.uint8), np.zeros(len(arr), np.uint8), lengths
    empty = lengths == 0
    first = data.take(offsets[:-1], mode="clip")  # clipped: an empty string at the very end
    last = data.take(offsets[1:] - 1, mode="clip")
    if empty.any():
        first[empty] = 0
        last[empty] = 0
    return first, last, lengths


def factorize_text(text: pd.Series, *, distinct: bool = False) -> tuple[np.ndarray, pd.Index]:
    """Codes (-1 for NA) and the distinct non-null values of a text column.

    ``distinct``: the caller already holds distinct values (:func:`standardise_per_distinct`
    factorised the raw column), so no second hash pass: each non-null value is its own code.
    Values that only became equal by trimming then stay apart, which repeats a little work but
    gives the same answers.
    """
    if distinct and not text.hasnans:
        return np.arange(len(text), dtype=np.intp), pd.Index(text.array)
    if distinct:
        present = text.notna().to_numpy(dtype=bool)
        codes = np.full(len(text), -1, dtype=np.intp)
        codes[present] = np.arange(int(present.sum()), dtype=np.intp)
        return codes, pd.Index(text[present].array)
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    return codes, pd.Index(uniques)


def build_result(
    col: TextColumn,
    canonical: pd.Series,
    reason: pd.Series,
    valid: np.ndarray,
    *,
    compare_to: pd.Series | None = None,
    value_dtype: Any = STRING,
) -> StandardiseResult:
    """Assemble a :class:`StandardiseResult` from the module's vectorised work.

    ``canonical``/``reason``/``valid`` are aligned to ``col.original``; ``reason`` may carry notes
    on valid rows, which go to the result's ``note`` (its ``reason`` keeps failures only).
    Missing, bad-type and over-long rows are classified here so every module treats
    junk the same way. ``compare_to`` is what "unchanged" is judged against (default: the input
    as text, before trimming).
    """
    index = col.original.index
    valid = np.asarray(valid, dtype=bool) & col.usable
    invalid = ~valid & ~col.missing
    codes, categories = _reason_codes(reason, col, invalid)
    value, same = _canonical_values(col, canonical, valid, compare_to, value_dtype)
    status = np.full(len(index), 1, dtype=np.int8)  # order of Status: unchanged, changed, invalid, missing
    status[valid & same] = 0
    status[invalid] = 2
    status[col.missing] = 3
    # failures stay in `reason`; what a module reported on a valid row is a note
    failure_codes = np.where(valid, -1, codes).astype(np.int32)
    note_codes = np.where(valid, codes, -1).astype(np.int32)
    # Arrow-backed input gets Arrow-backed reasons and notes (built from the codes, no object per row)
    storage = "pyarrow" if _is_arrow_string(col.original.dtype) else None
    return StandardiseResult(
        value=value.rename(col.original.name),
        status=pd.Series(pd.Categorical.from_codes(status, dtype=STATUS_DTYPE), index=index, name="status"),
        reason=pd.Series(strings_from_codes(failure_codes, categories, storage=storage), index=index, name="reason"),
        note=pd.Series(strings_from_codes(note_codes, categories, storage=storage), index=index, name="note"),
    )


def _reason_codes(reason: Any, col: TextColumn, invalid: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The module's reasons as integer codes into a small list of categories (cheap to override
    and to turn into strings), with missing, bad-type, over-long and unexplained invalid rows
    given their shared reasons."""
    if isinstance(getattr(reason, "dtype", None), pd.CategoricalDtype):  # already coded: no object per row
        codes = np.asarray(reason.cat.codes if isinstance(reason, pd.Series) else reason.codes)
        categories = [str(c) for c in reason.dtype.categories]
    else:
        codes, cats = pd.factorize(pd.Series(reason).to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
        categories = [str(c) for c in cats]
    codes = codes.astype(np.int32, copy=False)

    def code_of(name: str) -> int:
        if name not in categories:
            categories.append(name)
        return categories.index(name)

    if col.missing.any():
        codes = np.where(col.missing, code_of("missing"), codes)
    if col.bad_type.any():
        codes = np.where(col.bad_type, code_of("invalid_type"), codes)
    if col.too_long.any():
        codes = np.where(col.too_long, code_of("invalid_length"), codes)
    no_reason = invalid & (codes < 0)  # an invalid row always has a reason
    if no_reason.any():
        codes = np.where(no_reason, code_of("invalid_format"), codes)
    return codes, categories


def _canonical_values(
    col: TextColumn, canonical: pd.Series, valid: np.ndarray, compare_to: pd.Series | None, value_dtype: Any
) -> tuple[pd.Series, np.ndarray]:
    """(the value column: canonical where valid, else NA; True where it equals the input)."""
    canonical = pd.Series(canonical, index=col.original.index)
    if value_dtype is STRING and _is_arrow_string(col.original.dtype) and not _is_arrow_string(canonical.dtype):
        canonical = canonical.astype(pd.StringDtype("pyarrow"))  # Arrow in, Arrow out
    if value_dtype is STRING and _is_arrow_string(canonical.dtype):
        value = canonical.where(valid, pd.NA)  # Arrow-backed text stays in Arrow (no object per row)
    else:
        value = canonical.astype(value_dtype).where(valid, pd.NA)
    if compare_to is None:
        if isinstance(col.original.dtype, pd.StringDtype):
            compare_to = col.original
        elif pd.api.types.is_object_dtype(col.original.dtype):
            compare_to = col.original.astype(STRING)
        else:
            compare_to = col.text
    if _is_arrow_string(value.dtype) and _is_arrow_string(compare_to.dtype):
        same = (value == compare_to).fillna(False).to_numpy(dtype=bool)
    else:
        same = (value.astype(STRING) == compare_to.astype(STRING)).fillna(False).to_numpy(dtype=bool)
    return value, same


def as_string(values: pd.Series) -> pd.Series:
    """``values`` as a pandas ``string`` Series (missing values ``<NA>``), kept in Arrow when it
    is Arrow-backed: ``astype(STRING)`` would copy an Arrow column to Python objects on pandas 2,
    whose default ``string`` storage is ``python`` (about 0.3 s a million rows, and every later
    step then works on objects)."""
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return values if dtype.na_value is pd.NA else values.astype(pd.StringDtype("pyarrow"))
    return values.astype(STRING)


def _is_arrow_string(dtype: Any) -> bool:
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def strings_from_codes(
    codes: np.ndarray, categories: list[str], *, storage: str | None = None
) -> pd.api.extensions.ExtensionArray:
    """A pandas ``string`` array from integer codes (-1 = missing) into ``categories``, without
    building a Python object per row. ``storage="pyarrow"`` keeps it in Arrow (no Python string
    per row at all); the default is pandas' default ``string`` storage."""
    import pyarrow as pa

    dtype = pd.StringDtype(storage) if storage else STRING
    if not categories or not (codes >= 0).any():  # nothing to write (no reasons, or no notes)
        return pd.array(pa.nulls(len(codes), pa.large_string()), dtype=dtype)
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(codes, mask=codes < 0, type=pa.int32()), pa.array(categories, type=pa.string())
    )
    return pd.array(dictionary.cast(pa.large_string()), dtype=dtype)


def result_from_scalar(
    values: pd.Series,
    validate: Callable[[str], str],
    *,
    max_length: int = 256,
    note: Callable[[str], str | None] | None = None,
    value_dtype: Any = STRING,
    key: Callable[[pd.Series], pd.Series] | None = None,
) -> StandardiseResult:
    """Column version of a scalar ``validate`` for kinds that need a library call per value.

    ``validate`` runs once per *distinct* trimmed value; exceptions become reason codes.
    ``note`` (optional) returns a note for a valid canonical value. ``key`` (optional) maps the
    text column to a coarser key on which ``validate`` gives the same answer (for example upper
    case for a case-insensitive parser), so even fewer values need the Python call.
    """
    col = to_text(values, max_length=max_length)
    codes, uniques = factorize_text(key(col.text) if key is not None else col.text)
    canon_u = np.full(len(uniques) + 1, None, dtype=object)  # last slot answers code -1 (NA)
    reason_u = np.full(len(uniques) + 1, None, dtype=object)
    for i, text in enumerate(uniques):
        try:
            canon_u[i] = validate(text)
        except ValidationError as exc:
            reason_u[i] = exc.reason
            continue
        if note is not None:
            reason_u[i] = note(canon_u[i])
    index = col.original.index
    canon = pd.Series(canon_u[codes], index=index, dtype=object)
    reason = pd.Series(reason_u[codes], index=index, dtype=object)
    valid = canon.notna().to_numpy(dtype=bool)
    return build_result(col, canon, reason, valid, value_dtype=value_dtype)


def arrow_strings(values: pd.Series) -> Any | None:
    """The pyarrow array behind a pyarrow-backed ``string`` Series, else None (use the general path)."""
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        import pyarrow as pa

        arr = values.array.__arrow_array__()
        return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return None


def arrow_text(values: Any) -> Any:
    """A pyarrow ``string`` array (one chunk) from an Index, Series or array of str/None."""
    import pyarrow as pa

    arr = getattr(values, "array", values)
    if hasattr(arr, "__arrow_array__"):
        out = arr.__arrow_array__()
        out = out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out
        return out.cast(pa.string()) if out.type != pa.string() else out
    return pa.array(np.asarray(arr, dtype=object), type=pa.string(), from_pandas=True)


def generic_placeholder_mask(values: pd.Series) -> np.ndarray:
    """True where a value, trimmed, upper-cased and with whitespace runs collapsed, is one of
    :data:`PLACEHOLDER_TOKENS` (``UNKNOWN``, ``N/A``...); missing values are False.

    Work runs once per distinct value, in Arrow for ASCII text; Python's ``str.upper`` only for
    the non-ASCII distinct values (its special casings, such as ``ß`` to ``SS``, are kept).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if isinstance(values.dtype, pd.StringDtype) or pd.api.types.is_object_dtype(values.dtype):
        distinct = to_text(pd.Series(uniques, dtype=values.dtype), max_length=10**6).text
    else:
        distinct = to_text(pd.Series(uniques), max_length=10**6).text
    text = arrow_text(distinct)
    ascii_ok = np.asarray(pc.fill_null(pc.string_is_ascii(text), False).to_numpy(zero_copy_only=False), dtype=bool)
    key = pc.replace_substring_regex(pc.ascii_upper(text), f"[{WHITESPACE_RE}]+", " ")
    tokens = pa.array(sorted(PLACEHOLDER_TOKENS))
    hit = ascii_ok & np.asarray(pc.fill_null(pc.is_in(key, tokens), False).to_numpy(zero_copy_only=False), dtype=bool)
    for i in np.flatnonzero(~ascii_ok & np.asarray(text.is_valid().to_numpy(zero_copy_only=False), dtype=bool)):
        hit[i] = _SPACE_RUN.sub(" ", str(text[i]).upper()) in PLACEHOLDER_TOKENS
    return np.append(hit, False)[np.where(codes < 0, len(uniques), codes)]


_SPACE_RUN = re.compile(f"[{WHITESPACE_RE}]+")


def ascii_upper_key(text: pd.Series) -> pd.Series:
    """Upper case with whitespace runs collapsed, for ASCII values (others unchanged): the
    ``key`` for :func:`result_from_scalar` when a parser ignores case and spacing."""
    ascii_ok = ~text.str.contains(r"[^\x00-\x7F]", regex=True).fillna(False)
    return text.str.upper().str.replace(f"[{WHITESPACE_RE}]+", " ", regex=True).where(ascii_ok, text)


def fullmatch(text: pd.Series, pattern: str) -> np.ndarray:
    """Vectorised anchored regex match on a text column; NA rows are False."""
    return text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)


def mask_value(value: Any, *, keep_start: int = 2, keep_end: int = 2) -> str:
    """Mask a value for display: keep a few characters at each end (``94******19``).

    Short values are fully masked. Used by reports and logs so raw identifiers never appear.
    """
    if is_missing_scalar(value):
        return "<missing>"
    text = str(value)
    if len(text) <= keep_start + keep_end + 2:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[len(text) - keep_end :]


class FieldColumns:
    """The column API of a field kind, written once.

    A field module writes its vectorised ``standardise_series`` (values -> :class:`StandardiseResult`)
    and, when it has one, a faster validity mask (``is_valid``: values -> boolean Series, or None
    when the fast path does not apply to that column); the other column functions follow from
    them here. The module keeps its public functions, with their signatures and docstrings, as
    one-line calls to this object (as code lists do with :class:`dataclean._codes.CodeListField`).
    Keyword arguments (a date of birth's ``reference_date``) are passed through.

    >>> import pandas as pd
    >>> from dataclean.fields import nhs_number
    >>> columns = FieldColumns(nhs_number.standardise_series)
    >>> s = pd.Series(["943 476 5919", "9990000018", "123"])
    >>> columns.is_valid_series(s).tolist(), columns.reason_series(s).fillna("").tolist()
    ([True, True, False], ['', '', 'invalid_length'])
    >>> columns.note_series(s).fillna("").tolist()
    ['', 'test_range', '']
    """

    def __init__(
        self,
        standardise: Callable[..., StandardiseResult],
        *,
        is_valid: Callable[..., pd.Series | None] | None = None,
    ) -> None:
        self._standardise = standardise
        self._is_valid = is_valid

    def standardise_series(self, values: pd.Series, **kwargs: Any) -> StandardiseResult:
        """Canonical values, status, failure reason and note per row."""
        return self._standardise(values, **kwargs)

    def is_valid_series(self, values: pd.Series, **kwargs: Any) -> pd.Series:
        """Boolean mask of valid rows (the fast path when it applies)."""
        if self._is_valid is not None:
            fast = self._is_valid(values, **kwargs)
            if fast is not None:
                return fast
        return self.standardise_series(values, **kwargs).valid

    def reason_series(self, values: pd.Series, **kwargs: Any) -> pd.Series:
        """Failure reason per row (``<NA>`` on valid rows)."""
        return self.standardise_series(values, **kwargs).reason

    def note_series(self, values: pd.Series, **kwargs: Any) -> pd.Series:
        """Note per valid row (``<NA>`` elsewhere)."""
        return self.standardise_series(values, **kwargs).note


#: Columns shorter than this are processed directly (factorising costs more than it saves).
def worker_count() -> int:
    """Threads worth running for Arrow and numpy work: the cores this process may use, at most 8,
    capped by ``DATACLEAN_THREADS`` (``1``: no threads)."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    cap = os.environ.get("DATACLEAN_THREADS", "").strip()
    if cap.isdigit() and int(cap) > 0:
        cores = min(cores, int(cap))
    return max(1, min(cores, 8))


def thread_ranges(n: int, *, min_rows: int = 100_000) -> list[tuple[int, int]]:
    """Row ranges ``[start, stop)`` splitting ``n`` rows for :func:`map_ranges`: one per available
    core (at most 8, and at most one per ``min_rows`` rows), or one range when threads would not
    pay. ``DATACLEAN_THREADS`` caps the count (``1``: no threads)."""
    k = max(1, min(worker_count(), n // max(min_rows, 1)))
    bounds = np.linspace(0, n, k + 1).astype(np.int64)
    return [(int(a), int(b)) for a, b in itertools.pairwise(bounds)]


def map_ranges(fn: Callable[[int, int], Any], ranges: list[tuple[int, int]]) -> list[Any]:
    """``fn(start, stop)`` for each range, in threads when there are several (for work that
    runs in Arrow and numpy, which release the GIL), results in range order."""
    if len(ranges) == 1:
        return [fn(*ranges[0])]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(ranges), thread_name_prefix="dataclean") as pool:
        return list(pool.map(lambda r: fn(*r), ranges))


def replace_rows(arr: Any, mask: Any, replacements: Any) -> Any:
    """``pc.replace_with_mask(arr, mask, replacements)`` for a pyarrow array (``mask``: numpy or
    Arrow booleans without nulls; ``replacements``: one value per True, in row order), by one
    ``take`` over ``arr`` and the replacements: Arrow's take copies each string whole, where
    replace_with_mask appends them one by one (about twice as slow on a million strings). Falls
    back to replace_with_mask where the two do not fit one array (over 2 GiB of string data)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if isinstance(mask, (pa.Array, pa.ChunkedArray)):
        mask = np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)
    if isinstance(replacements, pa.ChunkedArray):
        replacements = replacements.combine_chunks()
    replacements = replacements.cast(arr.type) if replacements.type != arr.type else replacements
    rows = np.flatnonzero(mask)
    if len(rows) != len(replacements):
        raise ValueError(f"replace_rows: {len(rows)} rows to replace but {len(replacements)} replacements")
    n = len(arr)
    if not len(rows):
        return arr
    try:
        both = pa.concat_arrays([arr, replacements])
    except (pa.ArrowInvalid, pa.ArrowCapacityError):
        return pc.replace_with_mask(arr, pa.array(mask), replacements)
    index = np.arange(n, dtype=np.int64 if n + len(rows) >= 2**31 else np.int32)
    index[rows] = np.arange(n, n + len(rows), dtype=index.dtype)
    return both.take(pa.array(index))


def take_in_ranges(arr: Any, indices: np.ndarray) -> Any:
    """``arr.take(indices)`` (a pyarrow array) as a chunked array, one chunk per range of
    ``indices`` (:func:`thread_ranges`), taken in threads: a gather of strings is memory-bound,
    and Arrow releases the GIL."""
    import pyarrow as pa

    chunks = map_ranges(lambda a, b: arr.take(pa.array(indices[a:b])), thread_ranges(len(indices)))
    return pa.chunked_array(chunks, type=arr.type)


DISTINCT_MIN_ROWS = 2048


def standardise_per_distinct(
    values: pd.Series, standardise: Callable[..., StandardiseResult], *args: Any, **kwargs: Any
) -> StandardiseResult:
    """``standardise(values, *args, **kwargs)``, worked on each distinct value once.

    For ``string`` columns of :data:`DISTINCT_MIN_ROWS` rows or more: one hash pass over the raw
    column, then ``standardise(distinct, *args, distinct=True, **kwargs)`` on the distinct values
    (plus one missing value), whose four result columns (and ``parsed``) are expanded back to
    the rows by position (Arrow/numpy ``take``). ``standardise`` must accept ``distinct`` and then skip its own
    factorising (see :func:`factorize_text`). Unlike :func:`per_distinct_value` this runs however
    distinct the column is: the one hash pass replaces the module's own, and every per-row
    output (canonical text, status, reason, note) is built only once per distinct value.
    Object columns go straight to ``standardise`` (``1``, ``1.0`` and ``True`` factorise as equal
    but are not the same input).
    """
    if not isinstance(values.dtype, pd.StringDtype) or len(values) < DISTINCT_MIN_ROWS:
        return standardise(values, *args, **kwargs)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    kwargs = {**kwargs, "distinct": True}  # the module skips its own factorising
    return _expand_distinct(values, codes, uniques, lambda distinct: standardise(distinct, *args, **kwargs))


def _expand_distinct(
    values: pd.Series, codes: np.ndarray, uniques: Any, run: Callable[[pd.Series], StandardiseResult]
) -> StandardiseResult:
    """``run`` on the distinct values (``uniques`` of ``values`` plus one missing value), its four
    result columns expanded back to the rows of ``values`` by position (Arrow/numpy ``take``)."""
    distinct = pd.concat(
        [pd.Series(uniques, dtype=values.dtype), pd.Series([pd.NA], dtype=values.dtype)], ignore_index=True
    ).rename(values.name)
    result = run(distinct)
    take = np.where(codes < 0, len(uniques), codes)

    def expand(s: pd.Series) -> pd.Series:
        return pd.Series(s.array.take(take), index=values.index, name=s.name)

    return StandardiseResult(
        value=expand(result.value),
        status=expand(result.status),
        reason=expand(result.reason),
        note=expand(result.note),
        parsed=None if result.parsed is None else result.parsed.take(take, values.index),
    )


def per_distinct_value(standardise: Callable[..., StandardiseResult]) -> Callable[..., StandardiseResult]:
    """Decorate a column ``standardise_series`` so it works on each distinct value once.

    Real columns repeat (a county has far fewer postcodes than residents; gender has a handful of
    values), so the column is factorised, the distinct values are standardised, and the results
    are expanded back by position with Arrow ``take``. Only for ``string`` columns: object columns
    can mix ``1``, ``1.0`` and ``True``, which factorise as equal but are not the same input.
    """
    import functools

    @functools.wraps(standardise)
    def wrapper(values: pd.Series, *args: Any, **kwargs: Any) -> StandardiseResult:
        if not isinstance(values.dtype, pd.StringDtype) or len(values) < DISTINCT_MIN_ROWS:
            return standardise(values, *args, **kwargs)
        floor = distinct_share_floor(values)
        if floor is not None and floor > 0.8:  # the hash pass would be thrown away: skip it
            return standardise(values, *args, **kwargs)
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        if len(uniques) > 0.8 * len(values):
            return standardise(values, *args, **kwargs)
        return _expand_distinct(values, codes, uniques, lambda distinct: standardise(distinct, *args, **kwargs))

    return wrapper


#: Rows sampled by :func:`distinct_share_floor`.
PROBE_ROWS = 50_000


def distinct_share_floor(values: pd.Series) -> float | None:
    """A lower bound on the share of a large ``string`` column's present rows that hold distinct
    values, from a seeded random sample (``None`` for small, non-string or mostly missing columns).

    In a sample of m rows from N, a value held by c rows gives about m^2 c(c-1) / 2N^2 equal
    pairs; for a given count of equal pairs the duplicated rows are most when every repeated value
    is held by two rows, so ``1 - repeats * N / m^2`` bounds the distinct share from below (in
    expectation), wherever the repeats stand in the file. Used to skip a hash pass whose result
    would be thrown away; answers never depend on it.
    """
    n = len(values)
    if not isinstance(values.dtype, pd.StringDtype) or n < 4 * PROBE_ROWS:
        return None
    rows = np.sort(np.random.default_rng(0).choice(n, size=PROBE_ROWS, replace=False))
    if _is_arrow_string(values.dtype):  # in Arrow, chunk by chunk (a take over chunks joins them first)
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = values.array.__arrow_array__()
        chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
        bounds = np.cumsum([0] + [len(c) for c in chunks])
        at = np.searchsorted(rows, bounds)
        sample = pa.chunked_array(
            [c.take(pa.array(rows[at[i] : at[i + 1]] - bounds[i])) for i, c in enumerate(chunks)], type=arr.type
        )
        present = len(sample) - sample.null_count
        distinct = pc.count_distinct(sample, mode="only_valid").as_py()
    else:
        codes, uniques = pd.factorize(values.iloc[rows], use_na_sentinel=True)
        present, distinct = int((codes >= 0).sum()), len(uniques)
    if present < PROBE_ROWS // 2:
        return None
    repeats = present - distinct
    return max(0.0, 1.0 - repeats * (n * present / PROBE_ROWS) / present**2)
