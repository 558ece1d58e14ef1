"""Telephone numbers (UK first, international with a ``+`` prefix), checked with ``phonenumbers``.

Numbers are parsed with region ``"GB"`` and checked against the full metadata
(``phonenumbers.is_valid_number``), so ``07911 123456``, ``+44 (0)20 7946 0123``,
``0044 161 496 0123`` and ``+1 650 253 0000`` are valid while a number of the right length in an
unassigned range is not (reason ``invalid_number``). The canonical form is E.164
(``+447911123456``).

Extensions (``ext 12``, ``x12``, ``#12``, ``extension 12``, ``;ext=12``) are accepted but are NOT
part of the canonical value: E.164 has no extension, and a switchboard number is the same line
whoever answers. Rows that had one carry the note ``extension``; :func:`details_series` returns the
extension digits.

Reason codes (invalid rows): ``missing``, ``invalid_type``, ``invalid_length`` (over
:data:`MAX_LENGTH` characters, fewer than 7 or more than 17 digits, or too short / too long for
the number plan), ``invalid_format`` (letters or other characters a phone number does not contain,
including non-ASCII digits), ``multiple_numbers`` (two numbers in one cell, ``07911 123456 / 020
...``), ``placeholder`` (``N/A``, ``00000000000``, ``01234567890``, ``99999999999``...),
``invalid_country_code``, ``invalid_number`` (possible length but not an assigned range, such as
Ofcom's drama range ``07700 900xxx``).

Notes on valid rows: ``drama_range`` (an Ofcom drama number that ``phonenumbers`` reports valid,
such as ``020 7946 0xxx`` or ``0161 496 0xxx``: test data, like NHS numbers starting 999),
``extension`` (an extension was dropped from the canonical value).

Line types (:func:`line_type`, :func:`details_series`) come from ``phonenumbers.number_type``.
Mobiles are personal, landlines are shared by a household: linkage should weigh them differently,
so :func:`details_series` gives ``is_mobile``.

>>> from dataclean.fields import phone
>>> phone.validate("07911 123456")
'+447911123456'
>>> phone.format("+442079460123")
'020 7946 0123'
>>> phone.is_valid("07700 900123")
False
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from dataclean import refdata
from dataclean._core import (
    PLACEHOLDER_TOKENS,
    STATUS_DTYPE,
    STRING,
    WHITESPACE,
    WHITESPACE_RE,
    FieldColumns,
    StandardiseResult,
    arrow_text,
    build_result,
    factorize_text,
    scalar_text,
    standardise_per_distinct,
    strings_from_codes,
    to_text,
)
from dataclean.exceptions import (
    InvalidCountryCode,
    InvalidFormat,
    InvalidLength,
    InvalidNumber,
    MultipleNumbers,
    PlaceholderValue,
    ValidationError,
)


class Reason(StrEnum):
    """Why a row failed: the ``reason`` column of :func:`standardise_series` and the ``reason`` of
    the :class:`~dataclean.exceptions.ValidationError` that :func:`validate` raises."""

    MISSING = "missing"
    INVALID_TYPE = "invalid_type"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    MULTIPLE_NUMBERS = "multiple_numbers"
    PLACEHOLDER = "placeholder"
    INVALID_COUNTRY_CODE = "invalid_country_code"
    INVALID_NUMBER = "invalid_number"


class Note(StrEnum):
    """Notes on valid rows worth a look but not failures: the ``note`` column."""

    DRAMA_RANGE = "drama_range"
    EXTENSION = "extension"


logger = logging.getLogger(__name__)

NAME = "phone"
DESCRIPTION = "Telephone number (UK region by default), canonical E.164 via phonenumbers"
MAX_LENGTH = 64
#: The region used for numbers written without an international prefix.
DEFAULT_REGION = "GB"
MIN_DIGITS = 7
MAX_DIGITS = 17  # 00 + a 15-digit E.164 number

#: Text placeholders a phone column holds besides the shared tokens.
PHONE_PLACEHOLDER_TOKENS: frozenset[str] = PLACEHOLDER_TOKENS | frozenset(
    {
        "EX-DIRECTORY",
        "EX DIRECTORY",
        "EXDIRECTORY",
        "NO PHONE",
        "NO NUMBER",
        "NOT ON PHONE",
        "NO TELEPHONE",
        "NONE GIVEN",
        "DECLINED",
        "WITHHELD",
        "N.K.",
        "N/A.",
    }
)
#: Digit strings (as written nationally, ``0`` for ``+44``) that stand for "no number".
PLACEHOLDER_DIGITS: frozenset[str] = frozenset(
    {
        "123456789",
        "0123456789",
        "01234567890",
        "012345678901",
        "1234567890",
        "12345678901",
        "12345678910",
        "01234567891",
        "9876543210",
        "09876543210",
        "07123456789",
        "07000000000",
    }
)
# every digit the same, optionally after a leading 0 and one more digit (07777777777, 02000000000)
_SAME_DIGITS = "(?:" + "|".join(f"{d}+" for d in range(10)) + ")"
_PLACEHOLDER_RUN = rf"0?[1-9]?{_SAME_DIGITS}"

#: Ofcom's numbers for TV and radio drama, as E.164 prefixes; each range is prefix + 3 digits.
#: Data: ``dataclean/refdata/phone.json`` (table ``drama_ranges``, with its source).
DRAMA_PREFIXES: frozenset[str] = frozenset(refdata.load("phone").table("drama_ranges").column("prefix"))

#: ``phonenumbers.PhoneNumberType`` values by name.
LINE_TYPES: dict[int, str] = {
    0: "fixed_line",
    1: "mobile",
    2: "fixed_line_or_mobile",
    3: "toll_free",
    4: "premium_rate",
    5: "shared_cost",
    6: "voip",
    7: "personal_number",
    8: "pager",
    9: "uan",
    10: "voicemail",
    99: "unknown",
}

# --- text rules shared by the scalar and column code (ASCII only, explicit classes) -------------
_WS_CLASS = f"[{WHITESPACE_RE}]"
_EXT_RE = r"^(.*?) *(?:; *ext=|extension|extn\.?|ext\.?|x|#) *([0-9]{1,7})$"
_ALLOWED_RE = r"[ (]*\+?[0-9 ().\-]*"
_MULTI_SEP_RE = r"[/,;&|]| or | and "
_MULTI_MIN_DIGITS = 18
_EXT_RE_NAMED = r"^(?P<main>.*?) *(?:; *ext=|extension|extn\.?|ext\.?|x|#) *(?P<ext>[0-9]{1,7})$"
_EXT_PY = re.compile(_EXT_RE, re.ASCII)
_ALLOWED_PY = re.compile(_ALLOWED_RE, re.ASCII)
_MULTI_SEP_PY = re.compile(_MULTI_SEP_RE, re.ASCII)
_PLACEHOLDER_RUN_PY = re.compile(_PLACEHOLDER_RUN, re.ASCII)
_WS_TRANS = str.maketrans({ch: " " for ch in WHITESPACE})
_COMPACT_DROP = frozenset(WHITESPACE + "().-")


#: Reason codes and notes as small integers inside the column code (0: none), so per-distinct
#: results stay numpy integer arrays rather than Python objects.
_REASONS: tuple[str | None, ...] = (
    None,
    "invalid_format",
    "placeholder",
    "multiple_numbers",
    "invalid_length",
    "invalid_number",
    "invalid_country_code",
    "drama_range",
    "extension",
)
_REASON_CODE: dict[str | None, int] = {name: i for i, name in enumerate(_REASONS)}


def _encode_reasons(reasons: Any) -> np.ndarray:
    """Reason names (None for none) as codes into :data:`_REASONS`; for the few values off the fast paths."""
    return np.fromiter((_REASON_CODE[r] for r in reasons), dtype=np.int8, count=len(reasons))


@dataclass(frozen=True)
class _Parsed:
    e164: str
    line_type: str
    region: str | None


def _phonenumbers() -> Any:
    import phonenumbers  # heavy metadata; imported on first use

    return phonenumbers


def _is_placeholder_digits(plus: bool, digits: str) -> bool:
    """Placeholder test on the digits, written nationally (``+44``/``0044`` become ``0``)."""
    national = _national_digits(plus, digits)
    return national in PLACEHOLDER_DIGITS or _PLACEHOLDER_RUN_PY.fullmatch(national) is not None


def _national_digits(plus: bool, digits: str) -> str:
    if plus and digits.startswith("44"):
        return "0" + digits[2:]
    if not plus and digits.startswith("0044"):
        return "0" + digits[4:]
    return digits


def _prepare(text: str) -> tuple[str, str | None]:
    """Trimmed text -> (key, extension) where key is ``+?digits``, or raise.

    This is the cheap pre-filter: everything here is mirrored by vectorised code in
    :func:`_prepare_arrow`, and no library call happens for a value it rejects.
    """
    text = text.translate(_WS_TRANS)
    if not text.isascii():
        raise InvalidFormat("A phone number has only ASCII digits, spaces, brackets, dots and dashes.")
    if text.upper() in PHONE_PLACEHOLDER_TOKENS:
        raise PlaceholderValue("The phone number is a placeholder.")
    low = text.lower()
    if _MULTI_SEP_PY.search(low) and sum(ch.isdigit() for ch in low) >= _MULTI_MIN_DIGITS:
        raise MultipleNumbers()
    ext: str | None = None
    m = _EXT_PY.fullmatch(low)
    if m:
        low, ext = m.group(1), m.group(2)
    low = low.replace("(0)", "")
    if not _ALLOWED_PY.fullmatch(low):
        raise InvalidFormat("A phone number has only digits, spaces, brackets, dots, dashes and a leading +.")
    plus = "+" in low
    digits = "".join(ch for ch in low if ch.isdigit())
    if _is_placeholder_digits(plus, digits):
        raise PlaceholderValue("The phone number is a placeholder.")
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise InvalidLength(f"A phone number has {MIN_DIGITS} to {MAX_DIGITS} digits.")
    return ("+" if plus else "") + digits, ext


def _parse_key(key: str) -> _Parsed:
    """One phonenumbers round trip for a pre-filtered key; raise with a reason code."""
    pn = _phonenumbers()
    try:
        number = pn.parse(key, DEFAULT_REGION)
    except pn.NumberParseException as err:
        if err.error_type == pn.NumberParseException.INVALID_COUNTRY_CODE:
            raise InvalidCountryCode() from None
        if err.error_type == pn.NumberParseException.NOT_A_NUMBER:
            raise InvalidFormat("The value is not a phone number.") from None
        raise InvalidLength("The phone number is too short or too long.") from None
    possible = pn.is_possible_number_with_reason(number)
    if possible == pn.ValidationResult.INVALID_COUNTRY_CODE:
        raise InvalidCountryCode()
    if possible not in (pn.ValidationResult.IS_POSSIBLE,):
        raise InvalidLength("The phone number has the wrong number of digits for its country.")
    # ``is_valid_number`` is defined as exactly these two calls; doing them here keeps the region
    # for the result instead of looking it up twice (the lookup is a third of the library time).
    region = pn.region_code_for_number(number)
    if not pn.is_valid_number_for_region(number, region):
        raise InvalidNumber()
    return _Parsed(
        e164=pn.format_number(number, pn.PhoneNumberFormat.E164),
        line_type=LINE_TYPES.get(int(pn.number_type(number)), "unknown"),
        region=region,
    )


def _analyse(value: Any) -> tuple[_Parsed, str | None]:
    text = scalar_text(value, max_length=MAX_LENGTH).strip(WHITESPACE)
    key, ext = _prepare(text)
    return _parse_key(key), ext


# ---------------------------------------------------------------------------------------------
# scalar API
# ---------------------------------------------------------------------------------------------


def compact(value: Any) -> str:
    """Remove spaces, brackets, dots, dashes and a ``(0)`` after the country code; no checks."""
    text = scalar_text(value, max_length=MAX_LENGTH).replace("(0)", "")
    return "".join(ch for ch in text if ch not in _COMPACT_DROP)


def validate(value: Any) -> str:
    """Return the E.164 form (``+447911123456``), or raise a ValidationError subclass."""
    return _analyse(value)[0].e164


def is_valid(value: Any) -> bool:
    """Return True if ``validate`` accepts the value; never raises."""
    try:
        validate(value)
    except ValidationError:
        return False
    return True


def format(value: Any) -> str:
    """Display form: national for UK numbers (``020 7946 0123``), international otherwise.

    An extension in the input is shown (``020 7946 0123 ext. 12``). Validates first.
    """
    parsed, ext = _analyse(value)
    pn = _phonenumbers()
    number = pn.parse(parsed.e164, DEFAULT_REGION)
    if ext:
        number.extension = ext
    uk = parsed.e164.startswith("+44")
    style = pn.PhoneNumberFormat.NATIONAL if uk else pn.PhoneNumberFormat.INTERNATIONAL
    return pn.format_number(number, style)


def line_type(value: Any) -> str:
    """The line type of a valid number (``mobile``, ``fixed_line``, ``toll_free``...); raises if invalid.

    One of :data:`LINE_TYPES`' values; ``unknown`` when the metadata has no type for a valid number.
    """
    return _analyse(value)[0].line_type


def is_mobile(value: Any) -> bool | None:
    """True for mobiles, False for other known types, None when the type is ambiguous or unknown."""
    return _mobile_flag(line_type(value))


def _mobile_flag(kind: str) -> bool | None:
    if kind == "mobile":
        return True
    if kind in ("fixed_line_or_mobile", "unknown"):
        return None
    return False


def note(e164: str, *, had_extension: bool = False) -> str | None:
    """A note for a valid number: ``drama_range`` (Ofcom drama numbers) or ``extension``."""
    if len(e164) == 13 and e164[:10] in DRAMA_PREFIXES:
        return "drama_range"
    return "extension" if had_extension else None


# ---------------------------------------------------------------------------------------------
# column API
# ---------------------------------------------------------------------------------------------


def _bools(arr: Any) -> np.ndarray:
    """A pyarrow boolean array as numpy, nulls False."""
    import pyarrow.compute as pc

    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _byte_view(arr: Any) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes and the int64 offsets of a pyarrow string array (zero copy for the bytes)."""
    import pyarrow as pa

    if arr.type != pa.string():
        raise TypeError(f"expected a pyarrow string array, got {arr.type}")
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, dtype=np.uint8)
    return data[offsets[0] : offsets[-1]], offsets - offsets[0]


def _rebuild(arr: Any, data: np.ndarray, offsets: np.ndarray) -> Any:
    import pyarrow as pa

    validity = arr.buffers()[0]
    if validity is not None and arr.offset:
        validity = pa.array(_bools(arr.is_valid())).buffers()[1]
    return pa.StringArray.from_buffers(
        len(arr), pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data.tobytes()), validity, arr.null_count, 0
    )


def _keep_bytes(arr: Any, table: np.ndarray) -> tuple[Any, np.ndarray]:
    """Drop the bytes ``table`` marks False from every string (vectorised over the whole buffer).

    Only for tables that keep or drop ASCII bytes and drop every non-ASCII byte, so the result is
    valid UTF-8. Returns the new array and the kept length of each string.
    """
    data, offsets = _byte_view(arr)
    keep = table[data]
    kept = np.concatenate([np.zeros(1, dtype=np.int32), np.cumsum(keep, dtype=np.int32)])
    new_offsets = kept[offsets]
    return _rebuild(arr, np.compress(keep, data), new_offsets), np.diff(new_offsets)


_DIGIT_BYTES = np.zeros(256, dtype=bool)
_DIGIT_BYTES[ord("0") : ord("9") + 1] = True
_WS_TO_SPACE = np.arange(256, dtype=np.uint8)
for _ch in WHITESPACE:
    if ord(_ch) < 128:
        _WS_TO_SPACE[ord(_ch)] = ord(" ")


def _scatter(n: int, rows: np.ndarray, values: Any, fill: Any = None) -> Any:
    """A pyarrow array of length ``n``: ``values`` at the positions ``rows`` (bool mask), ``fill`` elsewhere."""
    import pyarrow as pa

    out = np.full(n, fill, dtype=object)
    out[rows] = values.to_numpy(zero_copy_only=False)
    return pa.array(out, type=values.type)


def _row_sums(flags: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per string: how many of its bytes ``flags`` marks (``offsets`` as from :func:`_byte_view`)."""
    hits = np.flatnonzero(flags)
    if len(hits) * 8 < len(flags):  # sparse: count the hits by string
        rows = np.searchsorted(offsets, hits, side="right") - 1
        return np.bincount(rows, minlength=len(offsets) - 1)
    cs = np.empty(len(flags) + 1, dtype=np.int32)
    cs[0] = 0
    np.cumsum(flags, dtype=np.int32, out=cs[1:])
    return cs[offsets[1:]] - cs[offsets[:-1]]


def _compact_bytes(data: np.ndarray, offsets: np.ndarray, keep: np.ndarray) -> tuple[Any, np.ndarray]:
    """A pyarrow string array of the kept bytes of each string (ASCII only), and its lengths."""
    import pyarrow as pa

    cs = np.empty(len(keep) + 1, dtype=np.int32)
    cs[0] = 0
    np.cumsum(keep, dtype=np.int32, out=cs[1:])  # dtype given: no int64 pass and cast
    new_offsets = cs[offsets]
    kept = np.compress(keep, data)  # several times faster than data[keep] on a boolean mask
    arr = pa.StringArray.from_buffers(len(offsets) - 1, pa.py_buffer(new_offsets), pa.py_buffer(kept))
    return arr, np.diff(new_offsets)


_SIMPLE_CHARS = "0123456789 ().-+"


def _is_digit_byte(data: np.ndarray) -> np.ndarray:
    """``0``-``9`` bytes (uint8 arithmetic wraps below ``0``: one compare, no table lookup)."""
    return (data - np.uint8(ord("0"))) < 10


def _is_simple_byte(data: np.ndarray) -> np.ndarray:
    """Bytes of :data:`_SIMPLE_CHARS`: ``(`` to ``9`` except ``*``, ``,`` and ``/``, and space."""
    rel = data - np.uint8(ord("("))
    out = rel < np.uint8(ord("9") - ord("(") + 1)
    for ch in "*,/":
        out &= rel != np.uint8(ord(ch) - ord("("))
    out |= data == np.uint8(ord(" "))
    return out


#: A simple number and an extension, lower case (the extension forms of ``_EXT_RE``, without ``;ext=``).
_SIMPLE_EXT_RE = r"^(?P<main>[0-9 ().+\-]*?) *(?:extension|extn\.?|ext\.?|x|#) *(?P<ext>[0-9]{1,7})$"
#: The same language without groups (the number part's class already takes the blanks).
_SIMPLE_EXT_MATCH_RE = r"^[0-9 ().+\-]*(?:extension|extn\.?|ext\.?|x|#) *[0-9]{1,7}$"
#: Placeholder tokens written with the simple characters only (``-``, ``0``): left to the general path.
_SIMPLE_TOKENS = sorted(t for t in PHONE_PLACEHOLDER_TOKENS if set(t) <= set(_SIMPLE_CHARS))


def _prepare_simple(text: Any) -> tuple[np.ndarray, Any, np.ndarray]:
    """:func:`_prepare` for the texts made of digits, spaces, ``().-`` and one leading ``+`` only.

    Nearly every phone number is written so; for them the pre-filter reduces to dropping ``(0)``,
    keeping the digits, and the placeholder and length checks, done here on the bytes of all the
    strings at once (no per-string work, one pass of each kind). Returns (simple, key, reason):
    ``simple`` marks the texts decided here (the rest go to :func:`_prepare_general`), ``key`` is
    ``+?digits`` where ``simple`` and the checks pass (null elsewhere), ``reason`` the reason code
    (into :data:`_REASONS`) where ``simple`` and a check fails. Agreement with the general path is tested.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(text)
    data, offsets = _byte_view(text)
    simple, drop, is_plus = _simple_texts(text, data, offsets)
    plus = _row_sums(is_plus, offsets) == 1
    # key: "+" and the digits (the "(0)" dropped)
    kb, klen = _compact_bytes(data, offsets, (_is_digit_byte(data) & ~drop) | is_plus)
    length = klen - plus
    placeholder = simple & _placeholder_keys(kb, klen, plus, simple)
    reason = np.zeros(n, dtype=np.int8)
    reason[placeholder] = _REASON_CODE["placeholder"]
    bad_len = simple & ~placeholder & ((length < MIN_DIGITS) | (length > MAX_DIGITS))
    reason[bad_len] = _REASON_CODE["invalid_length"]
    ok = simple & ~placeholder & ~bad_len
    key = pc.if_else(pa.array(ok), kb, pa.nulls(n, pa.string()))
    return simple, key, reason


def _simple_texts(text: Any, data: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(simple, drop, is_plus) for :func:`_prepare_simple`: the texts of simple characters with at
    most one ``+``, first, and not a placeholder token; the bytes of each ``(0)``; the ``+`` bytes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    starts = offsets[:-1]
    simple = _row_sums(~_is_simple_byte(data), offsets) == 0
    if text.null_count:
        simple &= _bools(text.is_valid())
    if _SIMPLE_TOKENS:
        short = simple & (np.diff(offsets) <= max(map(len, _SIMPLE_TOKENS)))
        if short.any():
            simple[short] = ~_bools(pc.is_in(text.filter(pa.array(short)), pa.array(_SIMPLE_TOKENS)))
    # "(0)" after the country code is dropped (it cannot span two strings)
    is_start = np.zeros(len(data) + 1, dtype=bool)
    is_start[offsets] = True
    drop = np.zeros(len(data), dtype=bool)
    at = np.flatnonzero(data[: max(len(data) - 2, 0)] == ord("("))
    at = at[(data[at + 1] == ord("0")) & (data[at + 2] == ord(")")) & ~is_start[at + 1] & ~is_start[at + 2]]
    drop[at] = drop[at + 1] = drop[at + 2] = True
    # at most one "+", with only spaces and "(" before it
    is_plus = data == ord("+")
    plus_at = np.flatnonzero(is_plus)
    if len(plus_at):  # a "+" not first ("(+44) ...", "0 +44", "++44") is rare: the general path checks it
        row = np.searchsorted(offsets, plus_at, side="right") - 1
        simple[row[plus_at != starts[row]]] = False
    return simple, drop, is_plus


def _placeholder_keys(kb: Any, klen: np.ndarray, plus: np.ndarray, rows_to_check: np.ndarray) -> np.ndarray:
    """Per key (``+?digits``): a placeholder, judged on the digits as written nationally
    (:func:`_is_placeholder_digits`). Only keys that could be one (last digit equal to the third,
    or the last three of a listed placeholder) are rewritten nationally and looked up."""
    import pyarrow as pa
    import pyarrow.compute as pc

    key_data, key_offsets = _byte_view(kb)
    k0, k1 = key_offsets[:-1], key_offsets[1:]
    shift = _national_shift(key_data, k0, klen, plus)
    last3 = np.zeros(len(kb), dtype=np.int64)
    for i in (3, 2, 1):
        last3 = last3 * 10 + _byte_at(key_data, k1 - i, 0).astype(np.int64) - ord("0")
    same_run = _byte_at(key_data, k1 - 1, 0) == _byte_at(key_data, k0 + shift, 2)  # a run covers [2:]
    cand = rows_to_check & ((klen - shift <= 3) | same_run | np.isin(last3, _placeholder_tails()))
    out = np.zeros(len(kb), dtype=bool)
    rows = np.flatnonzero(cand)
    if len(rows):
        sub_data, sub_offsets = _byte_view(kb.take(pa.array(rows)))
        national = _national_digits_arrow(sub_data, sub_offsets, plus[rows])
        hit = _bools(pc.is_in(national, pa.array(sorted(PLACEHOLDER_DIGITS))))
        out[rows] = hit | _bools(pc.match_substring_regex(national, f"^(?:{_PLACEHOLDER_RUN})$"))
    return out


def _national_shift(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray, plus: np.ndarray) -> np.ndarray:
    """Per key (``+?digits``): where its national digits start (``+44``: 2, ``0044``: 3, other ``+``: 1).

    For ``+44`` and ``0044`` the byte there is read as the trunk ``0``.
    """
    four, nought = ord("4"), ord("0")
    p44 = plus & (lengths >= 3) & (_byte_at(data, starts, 1) == four) & (_byte_at(data, starts, 2) == four)
    i44 = ~plus & (lengths >= 4) & (_byte_at(data, starts, 0) == nought) & (_byte_at(data, starts, 1) == nought)
    i44 &= (_byte_at(data, starts, 2) == four) & (_byte_at(data, starts, 3) == four)
    shift = plus.astype(np.int64)
    shift[p44] = 2
    shift[i44] = 3
    return shift


def _national_digits_arrow(data: np.ndarray, offsets: np.ndarray, plus: np.ndarray) -> Any:
    """:func:`_national_digits` for keys on their bytes (a pyarrow string array)."""
    starts = offsets[:-1]
    shift = _national_shift(data, starts, np.diff(offsets), plus)
    trunk = shift >= 2
    out = data.copy()
    out[starts[trunk] + shift[trunk]] = ord("0")  # the country code's last digit becomes the trunk 0
    keep = np.ones(len(data), dtype=bool)
    for i in range(3):
        keep[starts[shift > i] + i] = False
    return _compact_bytes(out, offsets, keep)[0]


@functools.lru_cache(maxsize=1)
def _placeholder_tails() -> np.ndarray:
    """The last three digits of each of :data:`PLACEHOLDER_DIGITS`, as integers."""
    return np.array(sorted({int(d[-3:]) for d in PLACEHOLDER_DIGITS if len(d) >= 3}), dtype=np.int64)


def _prepare_arrow(text: Any) -> tuple[Any, Any, np.ndarray]:
    """Vectorised :func:`_prepare` over distinct trimmed texts (a pyarrow string array).

    Returns (key, extension, reason): ``key`` is ``+?digits`` (null where the pre-filter decided),
    ``extension`` the extension digits (null if none), ``reason`` codes into :data:`_REASONS`. The simple
    texts (digits and separators only) take :func:`_prepare_simple`, the rest
    :func:`_prepare_general`.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = text.cast(pa.string())
    simple, key, reason = _prepare_simple(text)
    n = len(text)
    ext = pa.nulls(n, pa.string())
    if simple.all():
        return key, ext, reason
    # a simple number and an extension ("01245 123456 ext 12"): the number takes the simple path
    rows = np.flatnonzero(~simple)
    parts = pc.extract_regex(pc.ascii_lower(text.take(pa.array(rows))), _SIMPLE_EXT_RE)
    found = _bools(parts.is_valid())
    if found.any():
        parts = parts.filter(pa.array(found))
        main_simple, main_key, main_reason = _prepare_simple(pc.struct_field(parts, [0]))
        done = rows[found][main_simple]
        with_key = np.zeros(n, dtype=bool)
        with_key[done] = _bools(main_key.filter(pa.array(main_simple)).is_valid())
        simple[done] = True
        reason[done] = main_reason[main_simple]
        key = pc.replace_with_mask(key, pa.array(with_key), main_key.filter(pa.array(main_simple)).drop_null())
        ext_digits = pc.struct_field(parts, [1]).filter(pa.array(main_simple & _bools(main_key.is_valid())))
        ext = pc.replace_with_mask(ext, pa.array(with_key), ext_digits)
    if not simple.all():
        rest = pa.array(~simple)
        key_g, ext_g, reason_g = _prepare_general(text.filter(rest))
        key = pc.replace_with_mask(key, rest, key_g)
        ext = pc.replace_with_mask(ext, rest, ext_g)
        reason[~simple] = _encode_reasons(reason_g)
    return key, ext, reason


def _prepare_general(text: Any) -> tuple[Any, Any, np.ndarray]:
    """Vectorised :func:`_prepare` for any text (RE2 passes); ``reason`` as names (a numpy object array)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(text)
    reason = np.full(n, None, dtype=object)
    null_text = pa.nulls(n, pa.string())
    norm = pc.replace_substring(text.cast(pa.string()), "\xa0", " ")
    data, offsets = _byte_view(norm)
    norm = _rebuild(norm, _WS_TO_SPACE[data], offsets)
    ascii_ok = _bools(pc.string_is_ascii(norm))
    reason[~ascii_ok] = "invalid_format"
    token = ascii_ok & _bools(pc.is_in(pc.ascii_upper(norm), pa.array(sorted(PHONE_PLACEHOLDER_TOKENS))))
    reason[token] = "placeholder"
    todo = ascii_ok & ~token
    low = pc.ascii_lower(norm)
    # two numbers in one cell: a separator and at least _MULTI_MIN_DIGITS digits (so that many bytes)
    multi = todo & (np.diff(_byte_view(low)[1]) >= _MULTI_MIN_DIGITS)
    if multi.any():
        long_texts = low.filter(pa.array(multi))
        multi[multi] = (_keep_bytes(long_texts, _DIGIT_BYTES)[1] >= _MULTI_MIN_DIGITS) & _bools(
            pc.match_substring_regex(long_texts, _MULTI_SEP_RE)
        )
    reason[multi] = "multiple_numbers"
    todo &= ~multi
    # an extension needs an "x" (x, ext, extension) or a "#": extract only where one is
    maybe_ext = todo & (_bools(pc.match_substring(low, "x")) | _bools(pc.match_substring(low, "#")))
    has_ext = np.zeros(n, dtype=bool)
    main = low
    ext = null_text
    if maybe_ext.any():
        parts = pc.extract_regex(low.filter(pa.array(maybe_ext)), _EXT_RE_NAMED)
        found = _bools(pc.is_valid(parts))
        has_ext[np.flatnonzero(maybe_ext)[found]] = True
        parts = parts.filter(pa.array(found))
        main = pc.if_else(pa.array(has_ext), _scatter(n, has_ext, pc.struct_field(parts, [0])), low)
        ext = _scatter(n, has_ext, pc.struct_field(parts, [1]))
    main = pc.replace_substring(main, "(0)", "")
    allowed = _bools(pc.match_substring_regex(main, f"^(?:{_ALLOWED_RE})$"))
    reason[todo & ~allowed] = "invalid_format"
    todo &= allowed
    plus = _bools(pc.match_substring(main, "+"))
    digits, length = _keep_bytes(main, _DIGIT_BYTES)
    p44 = plus & _bools(pc.starts_with(digits, "44"))
    i44 = ~plus & _bools(pc.starts_with(digits, "0044"))
    zero = pa.scalar("0")
    national = pc.if_else(
        pa.array(p44),
        pc.binary_join_element_wise(zero, pc.utf8_slice_codeunits(digits, 2), ""),
        pc.if_else(pa.array(i44), pc.binary_join_element_wise(zero, pc.utf8_slice_codeunits(digits, 4), ""), digits),
    )
    placeholder = todo & (
        _bools(pc.is_in(national, pa.array(sorted(PLACEHOLDER_DIGITS))))
        | _bools(pc.match_substring_regex(national, f"^(?:{_PLACEHOLDER_RUN})$"))
    )
    reason[placeholder] = "placeholder"
    todo &= ~placeholder
    bad_len = todo & ((length < MIN_DIGITS) | (length > MAX_DIGITS))
    reason[bad_len] = "invalid_length"
    todo &= ~bad_len
    keep = pa.array(todo)
    key = pc.if_else(keep, pc.if_else(pa.array(plus), pc.binary_join_element_wise("+", digits, ""), digits), null_text)
    ext = pc.if_else(pa.array(todo & has_ext), ext, null_text)
    return key, ext, reason


# ---------------------------------------------------------------------------------------------
# fast path: phonenumbers' own metadata compiled to RE2 patterns for the default country
# ---------------------------------------------------------------------------------------------

#: ``phonenumbers``' order of number types in ``_number_type_helper`` (before fixed line/mobile).
_TYPE_ORDER: tuple[str, ...] = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)
#: Line type names, indexed by the small integer codes the fast path uses (-1 = unknown).
_FAST_TYPES: tuple[str, ...] = (*_TYPE_ORDER, "fixed_line", "mobile", "fixed_line_or_mobile")


@dataclass(frozen=True)
class _Desc:
    pattern: str  # anchored RE2 pattern of the national significant number
    lengths: tuple[int, ...]  # possible lengths (empty: any)
    heads: frozenset[int] | None = None  # the first _HEAD_DIGITS digits a match can start with (None: any)


#: How many leading digits the fast path dispatches on before running a type's regex.
_HEAD_DIGITS = 3
_MAX_HEADS = 10**_HEAD_DIGITS


class _NotModelled(Exception):
    """A regex construct :class:`_HeadWalker` does not model (no dispatch for that pattern)."""


class _HeadWalker:
    """Walks a pattern parsed by Python's ``re`` parser, collecting every way a match can start,
    cut at ``k`` characters (the sets stay small: at most 10**k digit strings)."""

    def __init__(self, k: int) -> None:
        from re import _constants as c  # Python 3.11+

        self.k, self.c = k, c

    def chars(self, op: Any, av: Any) -> set[str]:
        c = self.c
        if op is c.LITERAL:
            return {chr(av)}
        if op is not c.IN:
            raise _NotModelled
        out: set[str] = set()
        for iop, iav in av:
            if iop is c.LITERAL:
                out.add(chr(iav))
            elif iop is c.RANGE:
                out |= {chr(x) for x in range(iav[0], iav[1] + 1)}
            elif iop is c.CATEGORY and iav is c.CATEGORY_DIGIT:
                out |= set("0123456789")
            else:  # negation and other classes
                raise _NotModelled
        return out

    def seq(self, items: Any, starts: set[str]) -> set[str]:
        """Every way ``starts`` continues through ``items``."""
        for op, av in items:
            if all(len(x) >= self.k for x in starts):
                break
            starts = self.one(op, av, starts)
            if len(starts) > 4 * _MAX_HEADS:
                raise _NotModelled
        return starts

    def one(self, op: Any, av: Any, starts: set[str]) -> set[str]:
        c, k = self.c, self.k
        done = {x for x in starts if len(x) >= k}
        todo = starts - done
        if op is c.AT:
            return starts
        if op is c.BRANCH:
            return done | set().union(*(self.seq(branch, todo) for branch in av[1]))
        if op is c.SUBPATTERN:
            return done | self.seq(av[-1], todo)
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, body = av
            out, cur, i = set(), todo, 0
            while True:
                if i >= low:
                    out |= cur
                finished = i >= low and all(len(x) >= k for x in cur)
                if i >= high or finished or i > low + k:
                    break
                cur, i = self.seq(body, cur), i + 1
            return done | out
        return done | {x + ch for x in todo for ch in self.chars(op, av)}


def _heads(pattern: str, k: int = _HEAD_DIGITS) -> frozenset[int] | None:
    """The first ``k`` digits a match of ``pattern`` can start with (as integers), from Python's
    regex parser; None (no dispatch) for any construct it does not model.

    Conservative: a head left out can never start a match, so the fast path answers "no match"
    for it without running the regex. Matches shorter than ``k`` digits are not covered: callers
    dispatch only numbers of at least ``k`` digits.
    """
    try:
        from re import _parser as sre_parse  # Python 3.11+

        ends = _HeadWalker(k).seq(sre_parse.parse(pattern), {""})
    except (ImportError, _NotModelled):  # other Pythons, or a construct not modelled: no dispatch
        return None
    except Exception:  # anything unexpected: no dispatch
        return None
    heads = {int(x[:k]) for x in ends if len(x) >= k and x[:k].isdigit()}
    return frozenset(heads) if len(heads) < _MAX_HEADS else None


@dataclass(frozen=True)
class _RegionRules:
    region: str
    leading_digits: str | None
    general: _Desc | None
    types: tuple[tuple[int, _Desc | None], ...]  # (code into _FAST_TYPES, desc) in _TYPE_ORDER
    fixed_line: _Desc | None
    mobile: _Desc | None
    same_mobile_and_fixed: bool


@dataclass(frozen=True)
class _CountryRules:
    """What ``phonenumbers`` does for numbers of one country code, as data the fast path can run."""

    country_code: str
    regions: tuple[_RegionRules, ...]
    possible_lengths: tuple[int, ...]  # of the main region's general description
    local_only_lengths: tuple[int, ...]
    national_prefix: str
    prefix_for_parsing: str
    version: str


def _desc(desc: Any) -> _Desc | None:
    if desc is None or not desc.national_number_pattern:
        return None
    pattern = desc.national_number_pattern
    return _Desc(f"^(?:{pattern})$", tuple(desc.possible_length or ()), _heads(pattern))


@functools.lru_cache(maxsize=4)
def _country_rules(region: str = DEFAULT_REGION) -> _CountryRules | None:
    """Compile the installed phonenumbers metadata for ``region``'s country code (None: no fast path).

    Built from ``PhoneMetadata`` at first use, so an upgrade of phonenumbers is followed
    automatically; any feature the fast path does not model (a national prefix transform rule,
    capturing groups in the prefix, a pattern RE2 cannot compile) disables it for that country and
    every number goes to the library.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    pn = _phonenumbers()
    main = pn.PhoneMetadata.metadata_for_region(region)
    if main is None or main.national_prefix_transform_rule or not main.national_prefix_for_parsing:
        return None
    if re.compile(main.national_prefix_for_parsing).groups or main.national_prefix != "0":
        return None
    regions = []
    for code in pn.COUNTRY_CODE_TO_REGION_CODE.get(main.country_code, ()):
        md = pn.PhoneMetadata.metadata_for_region(code)
        if md is None:
            continue
        regions.append(
            _RegionRules(
                region=code,
                leading_digits=f"^(?:{md.leading_digits})" if md.leading_digits else None,
                general=_desc(md.general_desc),
                types=tuple((i, _desc(getattr(md, name))) for i, name in enumerate(_TYPE_ORDER)),
                fixed_line=_desc(md.fixed_line),
                mobile=_desc(md.mobile),
                same_mobile_and_fixed=bool(md.same_mobile_and_fixed_line_pattern),
            )
        )
    general = main.general_desc
    rules = _CountryRules(
        country_code=str(main.country_code),
        regions=tuple(regions),
        possible_lengths=tuple(general.possible_length or ()),
        local_only_lengths=tuple(general.possible_length_local_only or ()),
        national_prefix=main.national_prefix,
        prefix_for_parsing=f"^(?:{main.national_prefix_for_parsing})",
        version=pn.__version__,
    )
    if not rules.regions or not rules.possible_lengths or rules.possible_lengths[0] == -1:
        return None
    patterns = [rules.prefix_for_parsing]
    for r in rules.regions:
        descs = [r.general, r.fixed_line, r.mobile, *(d for _, d in r.types)]
        patterns += [d.pattern for d in descs if d is not None]
        if r.leading_digits:
            patterns.append(r.leading_digits)
    try:
        for pattern in patterns:
            pc.match_substring_regex(pa.array(["0"]), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        logger.info("phone: phonenumbers metadata for %s does not compile to RE2; no fast path", region)
        return None
    return rules


_MAX_LENGTH_CODE = 64


@functools.lru_cache(maxsize=256)
def _length_table(lengths: tuple[int, ...]) -> np.ndarray:
    table = np.zeros(_MAX_LENGTH_CODE + 1, dtype=bool)
    table[[n for n in lengths if 0 <= n < _MAX_LENGTH_CODE]] = True
    return table


@functools.lru_cache(maxsize=256)
def _head_table(heads: frozenset[int]) -> np.ndarray:
    table = np.zeros(_MAX_HEADS + 1, dtype=bool)
    table[list(heads)] = True
    table[_MAX_HEADS] = True  # numbers too short to dispatch: run the regex
    return table


def _head_codes(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each string's first :data:`_HEAD_DIGITS` digits as an integer (:data:`_MAX_HEADS` if shorter)."""
    code = np.zeros(len(starts), dtype=np.int64)
    for i in range(_HEAD_DIGITS):
        code = code * 10 + (_byte_at(data, starts, i).astype(np.int64) - ord("0"))
    short = lengths < _HEAD_DIGITS
    code[short | (code < 0) | (code >= _MAX_HEADS)] = _MAX_HEADS
    return code


def _match_desc(
    nsn: Any, lengths: np.ndarray, rows: np.ndarray, desc: _Desc | None, heads: np.ndarray | None = None
) -> np.ndarray:
    """``_is_number_matching_desc`` for the selected rows (boolean mask, False elsewhere).

    ``heads`` (optional, from :func:`_head_codes`) is each number's first digits: rows that no
    match of the pattern can start with are answered False without running the regex.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.zeros(len(lengths), dtype=bool)
    if desc is None:
        return out
    idx = np.flatnonzero(rows)
    if desc.lengths and len(idx):
        idx = idx[_length_table(desc.lengths)[np.minimum(lengths[idx], _MAX_LENGTH_CODE)]]
    if heads is not None and desc.heads is not None and len(idx):
        idx = idx[_head_table(desc.heads)[heads[idx]]]
    if len(idx):
        out[idx] = _bools(pc.match_substring_regex(nsn.take(pa.array(idx)), desc.pattern))
    return out


def _number_types(nsn: Any, lengths: np.ndarray, rows: np.ndarray, r: _RegionRules, lead: np.ndarray) -> np.ndarray:
    """``_number_type_helper`` for the selected rows: codes into :data:`_FAST_TYPES`, -1 unknown."""
    kind = np.full(len(lengths), -1, dtype=np.int8)
    todo = _match_desc(nsn, lengths, rows, r.general, lead)
    for code, desc in r.types:
        hit = _match_desc(nsn, lengths, todo, desc, lead)
        kind[hit] = code
        todo &= ~hit
    fixed = _match_desc(nsn, lengths, todo, r.fixed_line, lead)
    flom = _FAST_TYPES.index("fixed_line_or_mobile")
    if r.same_mobile_and_fixed:
        kind[fixed] = flom
    else:
        also_mobile = _match_desc(nsn, lengths, fixed, r.mobile, lead)
        kind[fixed] = np.where(also_mobile[fixed], flom, _FAST_TYPES.index("fixed_line"))
        todo &= ~fixed
        kind[_match_desc(nsn, lengths, todo, r.mobile, lead)] = _FAST_TYPES.index("mobile")
    return kind


def _byte_at(data: np.ndarray, starts: np.ndarray, i: int) -> np.ndarray:
    """Byte ``i`` of each string (meaningless where a string is shorter: callers check lengths)."""
    if not len(data):
        return np.zeros(len(starts), dtype=np.uint8)
    at = starts + i
    np.minimum(at, len(data) - 1, out=at)  # in place: np.clip's overhead was a tenth of the fast path
    np.maximum(at, 0, out=at)
    return data[at]


def _starts_with(data: np.ndarray, offsets: np.ndarray, literal: str) -> np.ndarray:
    """Per string: does it start with the ASCII ``literal``? (on the bytes, no pass over the text)"""
    return _starts_with_at(data, offsets[:-1], np.diff(offsets), literal)


def _starts_with_at(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray, literal: str) -> np.ndarray:
    """:func:`_starts_with` for the strings of ``lengths`` bytes at ``starts``."""
    out = lengths >= len(literal)
    for i, ch in enumerate(literal.encode()):
        out &= _byte_at(data, starts, i) == ch
    return out


def _drop_leading(data: np.ndarray, offsets: np.ndarray, cut: np.ndarray) -> tuple[Any, np.ndarray]:
    """Each string without its first ``cut`` bytes (ASCII; ``cut`` at most the string's length)."""
    drop = np.zeros(len(data), dtype=bool)
    starts = offsets[:-1]
    for j in range(int(cut.max(initial=0))):
        drop[starts[cut > j] + j] = True
    return _compact_bytes(data, offsets, ~drop)


def _prepend(literal: str, arr: Any, valid: np.ndarray) -> Any:
    """``literal`` + each string of ``arr`` (ASCII), null where ``valid`` is False."""
    import pyarrow as pa

    data, offsets = _byte_view(arr)
    n, width = len(arr), len(literal)
    new_offsets = (offsets + width * np.arange(n + 1)).astype(np.int32)
    out = np.empty(int(new_offsets[-1]), dtype=np.uint8)
    is_head = np.zeros(len(out), dtype=bool)
    for i, ch in enumerate(literal.encode()):
        out[new_offsets[:-1] + i] = ch
        is_head[new_offsets[:-1] + i] = True
    out[~is_head] = data
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    null_count = int(n - np.count_nonzero(valid))
    return pa.StringArray.from_buffers(n, pa.py_buffer(new_offsets), pa.py_buffer(out), bitmap, null_count)


def _literal_alternatives(pattern: str) -> tuple[str, ...] | None:
    """``^(?:0|180020)`` -> ``("0", "180020")``; None when the pattern is not such a list of digits."""
    m = re.fullmatch(r"\^\(\?:([0-9|]+)\)", pattern)
    return tuple(m.group(1).split("|")) if m else None


def _parsing_prefix(
    data: np.ndarray, starts: np.ndarray, lengths: np.ndarray, rules: _CountryRules, text: Any
) -> tuple[np.ndarray, np.ndarray]:
    """The national prefix for parsing at the start of each string: (its length or -1, strips).

    The strings are ``lengths`` bytes of ``data`` from ``starts``. ``strips``: the prefix found is
    exactly the national prefix (the trunk ``0``). For a prefix written as a list of digit strings
    (GB's) the alternatives are tried in order on the bytes, as the regex would; any other pattern
    runs as one RE2 extraction over ``text()`` (the same strings as a pyarrow array).
    """
    import pyarrow.compute as pc

    n = len(starts)
    literals = _literal_alternatives(rules.prefix_for_parsing)
    length = np.full(n, -1, dtype=np.int64)
    strips = np.zeros(n, dtype=bool)
    if literals is None:
        prefix = pc.struct_field(pc.extract_regex(text(), f"(?P<p>{rules.prefix_for_parsing})"), [0])
        found = np.asarray(pc.fill_null(prefix, "-").to_numpy(zero_copy_only=False), dtype=object)
        length = np.where(found == "-", -1, pc.fill_null(pc.utf8_length(prefix), 0).to_numpy(zero_copy_only=False))
        return length, found == rules.national_prefix
    for literal in literals:
        hit = (length < 0) & _starts_with_at(data, starts, lengths, literal)
        length[hit] = len(literal)
        strips |= hit & (literal == rules.national_prefix)
    return length, strips


def _fast_parse(key: Any) -> dict[str, np.ndarray] | None:
    """Decide the keys of the default country that ``phonenumbers`` would parse without surprises.

    ``key`` is a pyarrow array of ``+?digits`` (null where already decided). Returns per-key
    ``decided`` (bool), ``e164`` (pyarrow), ``line_type``, ``region`` and ``reason`` (object); keys
    not decided (other countries, no trunk prefix, lengths phonenumbers treats specially) go to
    the library. None when there is no fast path.
    """
    import pyarrow.compute as pc

    rules = _country_rules()
    if rules is None:
        return None
    n = len(key)
    nsn, lengths, possible, too_long = _fast_shape(pc.fill_null(key, ""), rules)
    nsn_bytes, nsn_offsets = _byte_view(nsn)
    kind, region_of = _fast_types(nsn, lengths, possible, _head_codes(nsn_bytes, nsn_offsets[:-1], lengths), rules)
    valid = possible & (kind >= 0)
    e164 = _prepend("+" + rules.country_code, nsn, valid)
    reason = np.zeros(n, dtype=np.int8)
    reason[possible & ~valid] = _REASON_CODE["invalid_number"]
    reason[too_long] = _REASON_CODE["invalid_length"]
    kind[~valid] = -1
    region_of[~valid] = -1
    return {
        "decided": possible | too_long,
        "e164": e164,
        "kind": kind,
        "region_of": region_of,
        "regions": tuple(r.region for r in rules.regions),
        "reason": reason,
    }


def _fast_shape(key: Any, rules: _CountryRules) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """(nsn, lengths, possible, too_long): the national significant number ``parse()`` would keep
    for each key in a shape the fast path models (national with the trunk ``0``, ``+cc``, ``00cc``,
    a bare ``cc`` on a number too long to be national), and which have a possible length or are
    too long. Keys outside these shapes are neither (the library decides them)."""
    n, cc = len(key), rules.country_code
    key_data, key_offsets = _byte_view(key)
    k0, key_len = key_offsets[:-1], np.diff(key_offsets)
    second = _byte_at(key_data, k0, 1)
    national = _starts_with(key_data, key_offsets, "0") & (key_len >= 2) & (second >= ord("1")) & (second <= ord("9"))
    intl_plus = _starts_with(key_data, key_offsets, "+" + cc)
    intl_00 = _starts_with(key_data, key_offsets, "00" + cc)
    # the country code without "+" (447911123456): phonenumbers takes it as the country code when
    # the whole is too long for a national number; shorter ones go to the library
    bare_cc = _starts_with(key_data, key_offsets, cc) & (key_len > max(rules.possible_lengths))
    bare_cc &= ~np.isin(key_len, rules.local_only_lengths)
    skip = np.zeros(n, dtype=np.int64)
    skip[intl_plus], skip[intl_00], skip[bare_cc] = 1 + len(cc), 2 + len(cc), len(cc)
    shape = national | intl_plus | intl_00 | bare_cc
    # the national prefix for parsing must strip exactly the trunk "0" (or nothing, internationally)
    rest_start, rest_len = k0 + skip, key_len - skip
    prefix_len, strips = _parsing_prefix(
        key_data, rest_start, rest_len, rules, lambda: _drop_leading(key_data, key_offsets, skip)[0]
    )
    shape &= (prefix_len < 0) & ~national | strips
    nsn, lengths = _drop_leading(key_data, key_offsets, skip + strips * len(rules.national_prefix))
    nsn_bytes, nsn_offsets = _byte_view(nsn)
    first = _byte_at(nsn_bytes, nsn_offsets[:-1], 0)
    shape &= (lengths > 0) & (first >= ord("1")) & (first <= ord("9"))
    # that number is stripped once more by parse(): it must hold no national prefix either
    if bare_cc.any():
        shape &= ~(bare_cc & (_parsing_prefix(nsn_bytes, nsn_offsets[:-1], lengths, rules, lambda: nsn)[0] >= 0))
    # phonenumbers keeps the trunk 0 when the original is viable and the stripped number is not
    main_general = rules.regions[0].general
    if main_general is not None:
        general = _Desc(main_general.pattern, (), main_general.heads)  # the pattern alone, as parse() does
        rest_heads = _head_codes(key_data, rest_start, rest_len)
        check = strips & shape
        if general.heads is not None:
            check &= _head_table(general.heads)[rest_heads]
        if check.any():
            shape &= ~_match_desc(_drop_leading(key_data, key_offsets, skip)[0], rest_len, check, general, rest_heads)
    local_only = np.isin(lengths, rules.local_only_lengths)
    possible = shape & np.isin(lengths, rules.possible_lengths) & ~local_only
    too_long = shape & (lengths > max(rules.possible_lengths)) & ~local_only
    return nsn, lengths, possible, too_long


def _fast_types(
    nsn: Any, lengths: np.ndarray, possible: np.ndarray, lead: np.ndarray, rules: _CountryRules
) -> tuple[np.ndarray, np.ndarray]:
    """(kind, region_of): each possible number's type code and region index (-1: none), the
    regions of the country code tried in metadata order as ``region_code_for_number`` does."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(lengths)
    kind = np.full(n, -1, dtype=np.int8)
    region_of = np.full(n, -1, dtype=np.int16)
    undecided = possible.copy()
    for i, r in enumerate(rules.regions):
        if len(rules.regions) == 1:
            claim = undecided.copy()
            kind_r = _number_types(nsn, lengths, claim, r, lead)
        elif r.leading_digits:
            claim = undecided.copy()
            claim[claim] = _bools(pc.match_substring_regex(nsn.filter(pa.array(claim)), r.leading_digits))
            kind_r = _number_types(nsn, lengths, claim, r, lead)
        else:
            kind_r = _number_types(nsn, lengths, undecided, r, lead)
            claim = undecided & (kind_r >= 0)
        kind[claim] = kind_r[claim]
        region_of[claim] = i
        undecided &= ~claim
    return kind, region_of


def _fast_names(fast: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(line type, region) names of :func:`_fast_parse`'s valid numbers, None elsewhere."""
    kinds = np.array([*_FAST_TYPES, None], dtype=object)  # -1 -> None
    regions = np.array([*fast["regions"], None], dtype=object)
    return kinds[fast["kind"]], regions[fast["region_of"]]


def _drama_codes() -> np.ndarray:
    # only 10-character prefixes can match (:func:`note` compares the first 10 of 13 characters)
    return np.array(sorted(int(p[1:]) for p in DRAMA_PREFIXES if len(p) == 10 and p[0] == "+"), dtype=np.int64)


def _drama(e164: Any) -> np.ndarray:
    """Per number: what :func:`note` calls ``drama_range``, on the bytes of the E.164 strings."""
    data, offsets = _byte_view(e164)
    rows = np.flatnonzero((np.diff(offsets) == 13) & _bools(e164.is_valid()))
    out = np.zeros(len(e164), dtype=bool)
    if len(rows):
        code = np.zeros(len(rows), dtype=np.int64)
        for i in range(1, 10):
            code = code * 10 + data[offsets[rows] + i].astype(np.int64) - ord("0")
        out[rows] = np.isin(code, _drama_codes()) & (data[offsets[rows]] == ord("+"))
    return out


def _analyse_series(
    values: pd.Series, *, details: bool = False, distinct: bool = False
) -> tuple[Any, np.ndarray, dict[str, Any]]:
    """Everything the column functions need, computed once per distinct value.

    Returns the text column, each row's position among the distinct values (the last position
    answers missing rows) and per-distinct results: ``e164`` (a pyarrow array), ``reason`` (codes
    into :data:`_REASONS`), ``valid`` and, with ``details``, ``line_type``, ``region`` and
    ``extension`` (numpy object arrays). Work runs on distinct
    trimmed texts in Arrow (RE2); numbers of the default country in the usual shapes are decided
    from phonenumbers' compiled metadata, and phonenumbers itself runs once per distinct key left.
    ``distinct``: ``values`` are already distinct (see :func:`~dataclean._core.factorize_text`).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    col = to_text(values, max_length=MAX_LENGTH)
    codes, uniques = factorize_text(col.text, distinct=distinct)
    text_u = arrow_text(uniques)
    key, ext, reason_u = _prepare_arrow(text_u)
    m = len(text_u)
    # per distinct text, plus a last slot that answers missing rows (code -1)
    reason_all = np.zeros(m + 1, dtype=np.int8)
    reason_all[:m] = reason_u
    type_u = np.full(m + 1, None, dtype=object) if details else None
    region_u = np.full(m + 1, None, dtype=object) if details else None
    fast = _fast_parse(key)
    has_key = _bools(key.is_valid())
    if fast is not None:
        done = fast["decided"]
        e164_a = fast["e164"]
        if details:
            type_u[:m], region_u[:m] = _fast_names(fast)
        reason_all[:m] = np.where(done, fast["reason"], reason_u)
        slow = has_key & ~done
    else:
        e164_a = pa.nulls(m, pa.string())
        slow = has_key
    slow_idx = np.flatnonzero(slow)
    calls = 0
    if len(slow_idx):
        k_e164, k_reason, k_type, k_region, calls = _library_parse(key.filter(pa.array(slow)))
        e164_a = pc.replace_with_mask(e164_a, pa.array(slow), pa.array(k_e164, type=pa.string()))
        reason_all[slow_idx] = k_reason
        if details:
            type_u[slow_idx] = k_type
            region_u[slow_idx] = k_region
    e164_a = pa.concat_arrays([e164_a, pa.nulls(1, pa.string())])
    valid_u = _bools(e164_a.is_valid())
    # notes on valid rows
    with_ext = np.append(_bools(ext.is_valid()), False)
    notes = np.where(_drama(e164_a), _REASON_CODE["drama_range"], with_ext * _REASON_CODE["extension"])
    reason_all = np.where(valid_u, notes, reason_all).astype(np.int8)
    logger.debug(
        "phone: %d rows, %d distinct texts, %d decided by the compiled metadata, %d library calls",
        len(codes),
        m,
        int(has_key.sum()) - len(slow_idx),
        calls,
    )
    distinct = {"e164": e164_a, "reason": reason_all, "valid": valid_u}
    if details:
        ext_u = np.full(m + 1, None, dtype=object)
        ext_u[:m] = ext.to_numpy(zero_copy_only=False)
        distinct.update({"line_type": type_u, "region": region_u, "extension": ext_u})
    return col, np.where(codes < 0, m, codes), distinct


def _library_parse(keys: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """phonenumbers once per distinct key (a pyarrow array): per key E.164, reason code, line type
    and region (numpy arrays), and the number of library calls."""
    kcodes, kuniques = pd.factorize(np.asarray(keys.to_numpy(zero_copy_only=False), dtype=object))
    k_e164 = np.full(len(kuniques), None, dtype=object)
    k_type = np.full(len(kuniques), None, dtype=object)
    k_region = np.full(len(kuniques), None, dtype=object)
    k_reason = np.zeros(len(kuniques), dtype=np.int8)
    for i, k in enumerate(kuniques):
        try:
            parsed = _parse_key(k)
        except ValidationError as err:
            k_reason[i] = _REASON_CODE[err.reason]
            continue
        k_e164[i], k_type[i], k_region[i] = parsed.e164, parsed.line_type, parsed.region
    return k_e164[kcodes], k_reason[kcodes], k_type[kcodes], k_region[kcodes], len(kuniques)


def _expand(take: np.ndarray, distinct: dict[str, Any]) -> dict[str, np.ndarray]:
    """Per-row object arrays from the per-distinct results (for the detail functions)."""
    out = {k: v[take] for k, v in distinct.items() if isinstance(v, np.ndarray)}
    out["e164"] = np.asarray(distinct["e164"].to_numpy(zero_copy_only=False), dtype=object)[take]
    return out


def standardise_series(values: pd.Series) -> StandardiseResult:
    """Validate and canonicalise a whole column to E.164 (phonenumbers once per distinct value).

    ``string`` columns (Arrow or Python storage) take the row path (:func:`_standardise_rows`):
    numbers of the default country in the usual shapes are decided on every row at once from
    the bytes and phonenumbers' compiled metadata; everything else goes through the
    distinct-value path (:func:`_standardise_distinct`), the library once per distinct key. A
    column that repeats a lot (:func:`_repeats`) is hashed first and the row path runs on its
    distinct values. All give the same answers (tested).
    """
    if isinstance(values.dtype, pd.StringDtype):
        if _repeats(values):
            return standardise_per_distinct(values, _standardise_hashed)
        result = _standardise_rows(values)
        if result is not None:
            return result
    return _standardise_distinct(values)


#: Rows sampled (evenly spaced) to judge whether a column repeats enough to hash it first.
_REPEAT_SAMPLE = 32_768


def _repeats(values: pd.Series) -> bool:
    """True when fewer than half of an evenly spaced sample of the non-missing rows are distinct:
    then hashing the column first (one pass) and working on its distinct values is cheaper than
    working on every row (a few thousand phone numbers over a million rows). Mostly distinct
    columns (one phone per person) skip the hash pass."""
    n = len(values)
    if n < 2 * _REPEAT_SAMPLE:
        return False
    sample = values.iloc[:: n // _REPEAT_SAMPLE].dropna()
    return len(sample) > 0 and sample.nunique() < len(sample) // 2


def _standardise_hashed(values: pd.Series, *, distinct: bool = False) -> StandardiseResult:
    """The row path on a column's distinct values (:func:`standardise_per_distinct` hashed it)."""
    result = _standardise_rows(values)
    return result if result is not None else _standardise(values, distinct=distinct)


def _standardise_distinct(values: pd.Series) -> StandardiseResult:
    """The distinct-value path: every value's work done once per distinct text."""
    return standardise_per_distinct(values, _standardise)


def _standardise(values: pd.Series, *, distinct: bool = False) -> StandardiseResult:
    import pyarrow as pa

    col, take, distinct = _analyse_series(values, distinct=distinct)
    index = values.index
    # per-row results by position, without a Python object per row
    reason_codes = distinct["reason"].astype(np.int16)[take] - 1  # code 0 (no reason) -> -1 (NA)
    reason = pd.Series(pd.Categorical.from_codes(reason_codes, categories=list(_REASONS[1:])), index=index)
    e164 = distinct["e164"].take(pa.array(take))
    storage = "pyarrow" if isinstance(col.text.dtype, pd.StringDtype) and col.text.dtype.storage == "pyarrow" else None
    canonical = (
        pd.Series(pd.array(e164, dtype=pd.StringDtype("pyarrow")), index=index)
        if storage
        else pd.Series(e164.to_numpy(zero_copy_only=False), index=index, dtype=object)
    )
    return build_result(col, canonical, reason, distinct["valid"][take])


_COLUMNS = FieldColumns(standardise_series)


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of valid phone numbers, aligned to ``values``."""
    return _COLUMNS.is_valid_series(values)


def reason_series(values: pd.Series) -> pd.Series:
    """Failure reason per row, a :class:`Reason` code (``<NA>`` on valid rows; notes are in
    :func:`note_series`)."""
    return _COLUMNS.reason_series(values)


def note_series(values: pd.Series) -> pd.Series:
    """Note per valid row, a :class:`Note` code (``<NA>`` elsewhere)."""
    return _COLUMNS.note_series(values)


def details_series(values: pd.Series) -> pd.DataFrame:
    """Per-row ``e164``, ``extension``, ``line_type``, ``region`` and ``is_mobile``.

    ``is_mobile`` is a nullable boolean: True for mobiles, False for other known line types,
    ``<NA>`` for invalid rows and for ``fixed_line_or_mobile`` / ``unknown`` numbers (some
    countries' numbering, such as North America's, does not tell them apart).
    """
    col, take, distinct = _analyse_series(values, details=True)
    rows = _expand(take, distinct)
    index = values.index
    usable = col.usable & rows["valid"]
    kinds = pd.Series(rows["line_type"], index=index, dtype=STRING).where(usable, pd.NA)
    mobile = pd.Series(pd.NA, index=index, dtype="boolean")
    mobile[kinds.eq("mobile").fillna(False).to_numpy(dtype=bool)] = True
    known_other = kinds.notna() & ~kinds.isin(("mobile", "fixed_line_or_mobile", "unknown"))
    mobile[known_other.to_numpy(dtype=bool)] = False
    return pd.DataFrame(
        {
            "e164": pd.Series(rows["e164"], index=index, dtype=STRING).where(usable, pd.NA),
            "extension": pd.Series(rows["extension"], index=index, dtype=STRING).where(usable, pd.NA),
            "line_type": kinds,
            "region": pd.Series(rows["region"], index=index, dtype=STRING).where(usable, pd.NA),
            "is_mobile": mobile,
        },
        index=index,
    )


def line_type_series(values: pd.Series) -> pd.Series:
    """Line type per row (see :func:`line_type`), ``<NA>`` for invalid and missing rows."""
    return details_series(values)["line_type"].rename(values.name)


# ---------------------------------------------------------------------------------------------
# row path: every row at once, on the bytes and a digit automaton of the compiled metadata
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RowRules:
    """:func:`_country_rules` as one digit automaton (:mod:`._digit_dfa`) and its tag numbers."""

    rules: _CountryRules
    automaton: Any  # _digit_dfa.DigitAutomaton
    literals: tuple[str, ...]  # the national prefix for parsing, as alternatives tried in order
    general: tuple[int, ...]  # per region: tag of the general description (-1: none)
    types: tuple[tuple[tuple[int, int, tuple[int, ...]], ...], ...]  # per region: (code, tag, lengths)
    fixed: tuple[tuple[int, tuple[int, ...]], ...]  # per region: (tag, lengths)
    mobile: tuple[tuple[int, tuple[int, ...]], ...]
    leading: tuple[int, ...]  # per region: tag of the leading digits (-1: none)
    viable: int  # tag: the main general pattern matches the national prefix + the number
    drama: np.ndarray  # the 9 digits after "+" of each 10-character drama prefix (:func:`note`)


def _raw_pattern(anchored: str, *, prefix: bool = False) -> str:
    """``^(?:p)$`` (or ``^(?:p)`` with ``prefix``) -> ``p``."""
    return anchored[4 : len(anchored) - (1 if prefix else 2)]


@functools.lru_cache(maxsize=4)
def _row_rules(region: str = DEFAULT_REGION) -> _RowRules | None:
    """The row path's rules for ``region``'s country code, None when it does not apply (then
    every row takes the distinct-value path): no compiled metadata, a parsing prefix that is
    not a list of digit strings, or a pattern construct the automaton does not model."""
    from dataclean.fields._digit_dfa import DigitAutomaton, NotModelled, Tag

    rules = _country_rules(region)
    if rules is None:
        return None
    literals = _literal_alternatives(rules.prefix_for_parsing)
    main_general = rules.regions[0].general
    if literals is None or main_general is None or not rules.national_prefix.isdigit():
        return None
    tags: list[Any] = []

    def tag_of(desc: _Desc | None) -> tuple[int, tuple[int, ...]]:
        if desc is None:
            return -1, ()
        tags.append(Tag(_raw_pattern(desc.pattern)))
        return len(tags) - 1, desc.lengths

    general, types, fixed, mobile, leading = [], [], [], [], []
    for r in rules.regions:
        general.append(tag_of(r.general)[0])
        types.append(tuple((code, *tag_of(desc)) for code, desc in r.types))
        fixed.append(tag_of(r.fixed_line))
        mobile.append(tag_of(r.mobile))
        if r.leading_digits:
            tags.append(Tag(_raw_pattern(r.leading_digits, prefix=True), prefix=True))
            leading.append(len(tags) - 1)
        else:
            leading.append(-1)
    tags.append(Tag(_raw_pattern(main_general.pattern), after=rules.national_prefix))
    if len(tags) > 62:
        return None
    try:
        automaton = DigitAutomaton(tags)
    except NotModelled:
        logger.info("phone: metadata for %s has a pattern the row path does not model", region)
        return None
    cc = rules.country_code
    drama = [int(p[1:]) for p in DRAMA_PREFIXES if len(p) == 10 and p[1:].isdigit() and p[1:].startswith(cc)]
    return _RowRules(
        rules=rules,
        automaton=automaton,
        literals=literals,
        general=tuple(general),
        types=tuple(types),
        fixed=tuple(fixed),
        mobile=tuple(mobile),
        leading=tuple(leading),
        viable=len(tags) - 1,
        drama=np.array(sorted(drama), dtype=np.int64),
    )


def _decide(rr: _RowRules, accepted: int, length: int) -> tuple[int, int]:
    """(type code, region index) of a possible number of ``length`` digits whose automaton
    state accepts the tags ``accepted``: :func:`_fast_types` and :func:`_number_types` on one
    number (``phonenumbers``' ``_number_type_helper`` and ``_region_code_for_number_from_list``)."""

    def match(tag: int, lengths: tuple[int, ...]) -> bool:
        return tag >= 0 and (not lengths or length in lengths) and bool(accepted >> tag & 1)

    def kind_of(i: int) -> int:
        r = rr.rules.regions[i]
        if not match(rr.general[i], r.general.lengths if r.general else ()):
            return -1
        for code, tag, lengths in rr.types[i]:
            if match(tag, lengths):
                return code
        flom = _FAST_TYPES.index("fixed_line_or_mobile")
        if match(*rr.fixed[i]):
            if r.same_mobile_and_fixed or match(*rr.mobile[i]):
                return flom
            return _FAST_TYPES.index("fixed_line")
        if not r.same_mobile_and_fixed and match(*rr.mobile[i]):
            return _FAST_TYPES.index("mobile")
        return -1

    regions = rr.rules.regions
    for i, r in enumerate(regions):
        if len(regions) == 1:
            return kind_of(i), i
        if r.leading_digits:
            if accepted >> rr.leading[i] & 1:
                return kind_of(i), i
            continue
        kind = kind_of(i)
        if kind >= 0:
            return kind, i
    return -1, -1


_MAX_ROW_DIGITS = MAX_DIGITS + 1  # lengths the decision table covers (index: digits of the number)


@functools.lru_cache(maxsize=4)
def _decision_cache(region: str) -> dict[str, Any]:
    empty = np.zeros((0, _MAX_ROW_DIGITS), np.int8)
    return {"size": 0, "kind": empty, "region": empty.astype(np.int16)}


def _decisions(rr: _RowRules, region: str) -> tuple[np.ndarray, np.ndarray]:
    """Per automaton state and number length: the type code and region index (-1: invalid)."""
    cache = _decision_cache(region)
    size = rr.automaton.size
    if cache["size"] < size:
        accepted = rr.automaton.accepted(np.arange(size))
        kind = np.full((size, _MAX_ROW_DIGITS), -1, np.int8)
        reg = np.full((size, _MAX_ROW_DIGITS), -1, np.int16)
        kind[: cache["size"]], reg[: cache["size"]] = cache["kind"], cache["region"]
        for state in range(cache["size"], size):
            for length in rr.rules.possible_lengths:
                if 0 < length < _MAX_ROW_DIGITS:
                    kind[state, length], reg[state, length] = _decide(rr, int(accepted[state]), length)
        cache.update(size=size, kind=kind, region=reg)
    return cache["kind"], cache["region"]


def _has_literal(
    data: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    first: np.ndarray,
    literal: str,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """Per string (``lengths`` bytes at ``starts``): does it start with the ASCII ``literal``?
    ``first`` is each string's first byte; only ``rows`` (a mask) are looked at, and only the
    strings whose first byte matches are read further."""
    out = (lengths >= len(literal)) & (first == ord(literal[0]))
    if rows is not None:
        out &= rows
    if len(literal) > 1:
        idx = np.flatnonzero(out)
        for i, ch in enumerate(literal.encode()[1:], 1):
            idx = idx[data[starts[idx] + i] == ch]
        out = np.zeros(len(starts), dtype=bool)
        out[idx] = True
    return out


def _odd_texts(arr: Any, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For the texts at ``rows`` (not simple numbers): (ext, lead, main_len, blank, token).
    ``ext``: a simple number and an extension as :func:`_prepare_arrow` reads them (trimmed,
    lower case, :data:`_SIMPLE_EXT_RE`), whose number part is ``main_len`` bytes from byte
    ``lead`` of the text; ``blank``: empty once trimmed (missing, as
    :func:`~dataclean._core.to_text` says); ``token``: a placeholder word of
    :data:`PHONE_PLACEHOLDER_TOKENS` (ASCII, spaces only: others take the distinct-value path)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def lengths(a: Any) -> np.ndarray:
        return np.asarray(pc.binary_length(a).to_numpy(zero_copy_only=False), dtype=np.int64)

    taken = arr.take(pa.array(rows))
    left = pc.utf8_ltrim(taken, WHITESPACE)
    sub = pc.utf8_rtrim(left, WHITESPACE)
    length = lengths(sub)
    low = pc.ascii_lower(sub)
    # the language of _SIMPLE_EXT_RE without its groups (a DFA match, no submatch extraction)
    found = _bools(pc.match_substring_regex(low, _SIMPLE_EXT_MATCH_RE)) & (length <= MAX_LENGTH)
    main_len = np.zeros(len(rows), dtype=np.int64)
    if found.any():
        # the lazy number part ends before the blanks in front of the first letter or "#"
        first_mark = pc.find_substring_regex(low.filter(pa.array(found)), "[a-z#]")
        mark = np.asarray(first_mark.to_numpy(zero_copy_only=False), dtype=np.int64)
        sub_data, sub_offsets = _byte_view(sub.filter(pa.array(found)))
        end = sub_offsets[:-1] + mark
        back = np.flatnonzero(mark > 0)
        while len(back):
            blank_before = sub_data[end[back] - 1] == ord(" ")
            back = back[blank_before]
            end[back] -= 1
            back = back[end[back] > sub_offsets[:-1][back]]
        main_len[found] = end - sub_offsets[:-1]
    token = _bools(pc.is_in(pc.ascii_upper(sub), pa.array(sorted(PHONE_PLACEHOLDER_TOKENS)))) & ~found
    return found, lengths(taken) - lengths(left), main_len, length == 0, token


_PLACEHOLDER_TAIL_TABLE = np.zeros(1000, dtype=bool)


def _placeholder_rows(
    kb: Any,
    klen: np.ndarray,
    kdata: np.ndarray,
    koffsets: np.ndarray,
    plus: np.ndarray,
    count: np.ndarray,
    rows: np.ndarray,
) -> np.ndarray:
    """:func:`_placeholder_keys` for the keys ``kb`` (``+?digits``, at least 2 digits where
    ``rows``), run only on the keys that can be one: fewer than 9 digits, the last three digits
    equal (a run covers all but the first two national digits, at least 3 of them when the key
    has 9 digits or more, even after ``0044``), or the last three those of a listed placeholder."""
    import pyarrow as pa

    if not _PLACEHOLDER_TAIL_TABLE.any():
        _PLACEHOLDER_TAIL_TABLE[_placeholder_tails()] = True
    top = max(len(kdata) - 1, 0)
    ends = koffsets[1:]
    last = kdata[np.maximum(ends - 1, 0)] if len(kdata) else np.zeros(len(klen), np.uint8)
    last2 = kdata[np.clip(ends - 2, 0, top)] if len(kdata) else last
    last3 = kdata[np.clip(ends - 3, 0, top)] if len(kdata) else last
    tail = (last3.astype(np.int32) * 100 + last2.astype(np.int32) * 10 + last) - int("111") * ord("0")
    cand = rows & ((count < 9) | ((last == last2) & (last == last3)) | _PLACEHOLDER_TAIL_TABLE[np.clip(tail, 0, 999)])
    out = np.zeros(len(klen), dtype=bool)
    idx = np.flatnonzero(cand)
    if len(idx):
        out[idx] = _placeholder_keys(kb.take(pa.array(idx)), klen[idx], plus[idx], np.ones(len(idx), dtype=bool))
    return out


class _RowKeys(NamedTuple):
    """What :func:`_row_keys` reads from each row's bytes."""

    present: np.ndarray  # not missing
    raw_len: np.ndarray  # bytes of the text
    simple: np.ndarray  # digits, blanks, "().-", a leading "+" (and maybe an extension)
    had_ext: np.ndarray  # an extension was cut off
    blank: np.ndarray  # empty once trimmed: missing
    token: np.ndarray  # a placeholder word (N/A, ex-directory...)
    plus: np.ndarray  # the number starts with "+"
    klen: np.ndarray  # bytes of the key ("+" and the digits)
    kdata: np.ndarray  # the keys' bytes
    koffsets: np.ndarray
    count: np.ndarray  # digits of the key
    placeholder: np.ndarray  # a placeholder number (all zeros, 0123456789...)


def _row_keys(arr: Any, n: int) -> _RowKeys:
    """Each row's key ("+" and the digits, "(0)" dropped, an extension cut off) and the byte
    checks of :func:`_standardise_rows`, on the Arrow bytes of every row at once."""
    present = _bools(arr.is_valid()) if arr.null_count else np.ones(n, dtype=bool)
    data, offsets = _byte_view(arr)
    raw_len = np.diff(offsets)
    simple = present & (_row_sums(~_is_simple_byte(data), offsets) == 0) & (raw_len <= MAX_LENGTH)
    had_ext = np.zeros(n, dtype=bool)
    blank = np.zeros(n, dtype=bool)  # empty once trimmed: missing
    token = np.zeros(n, dtype=bool)  # a placeholder word (N/A, ex-directory...)
    starts = offsets[:-1].copy()  # where each text's number starts (after blanks, for an extension)
    tail = None  # bytes after the number of a text with an extension
    odd = np.flatnonzero(present & ~simple)
    if len(odd):
        found, lead, main_len, odd_blank, odd_token = _odd_texts(arr, odd)
        blank[odd[odd_blank]], token[odd[odd_token]] = True, True
        if found.any():
            ext_rows = odd[found]
            had_ext[ext_rows] = True
            starts[ext_rows] += lead[found]
            cut_at, cut_len = starts[ext_rows] + main_len[found], offsets[ext_rows + 1] - starts[ext_rows]
            cut_len -= main_len[found]
            tail = np.zeros(len(data), dtype=bool)
            tail[np.repeat(cut_at - np.cumsum(cut_len) + cut_len, cut_len) + np.arange(int(cut_len.sum()))] = True
    simple |= had_ext
    # "+": at most one, the first byte of the number (blanks before it: the distinct-value path)
    is_plus = data == ord("+")
    plus_at = np.flatnonzero(is_plus)
    plus = np.zeros(n, dtype=bool)
    if len(plus_at):
        row = np.searchsorted(offsets, plus_at, side="right") - 1
        plus[row] = True
        simple[row[plus_at != starts[row]]] = False
    # "(0)" is dropped; the key is "+" and the digits, as _prepare_simple builds it
    drop = np.zeros(len(data), dtype=bool)
    at = np.flatnonzero(data[: max(len(data) - 2, 0)] == ord("("))
    at = at[(data[at + 1] == ord("0")) & (data[at + 2] == ord(")"))]
    drop[at + 1] = True
    keep = _is_digit_byte(data)
    keep &= ~drop
    if tail is not None:
        keep &= ~tail
    keep |= is_plus
    kb, klen = _compact_bytes(data, offsets, keep)
    kdata, koffsets = _byte_view(kb)
    count = klen - plus
    short = np.flatnonzero(simple & (count < 2))  # "0", "-", ".", blanks: tokens and missing values
    if len(short):
        _, _, _, short_blank, short_token = _odd_texts(arr, short)
        blank[short[short_blank]], token[short[short_token]] = True, True
        simple[short] = False
    placeholder = simple & _placeholder_rows(kb, klen, kdata, koffsets, plus, count, simple)
    return _RowKeys(present, raw_len, simple, had_ext, blank, token, plus, klen, kdata, koffsets, count, placeholder)


def _row_shapes(rr: Any, k: _RowKeys, keyed: np.ndarray) -> tuple[np.ndarray, ...]:
    """The default country's shapes (:func:`_fast_shape` on every row): ``shape`` (a national
    significant number found), ``strips`` (its national prefix is cut), ``intl_plus`` and where
    the national significant number starts and how long it is."""
    rules, n = rr.rules, len(keyed)
    kdata, koffsets, plus, count, klen = k.kdata, k.koffsets, k.plus, k.count, k.klen
    # the shapes of the default country (_fast_shape)
    cc, ds = rules.country_code, koffsets[:-1] + plus
    top = len(kdata) - 1
    first = kdata[np.minimum(ds, top)] if len(kdata) else np.zeros(n, np.uint8)
    second = kdata[np.minimum(ds + 1, top)] if len(kdata) else np.zeros(n, np.uint8)
    national = ~plus & keyed & _has_literal(kdata, ds, count, first, rules.national_prefix)
    national &= (count >= 2) & (second >= ord("1")) & (second <= ord("9"))
    with_cc = keyed & _has_literal(kdata, ds, count, first, cc)
    intl_plus = plus & with_cc
    intl_00 = ~plus & keyed & _has_literal(kdata, ds, count, first, "00" + cc)
    bare_cc = ~plus & with_cc & (klen > max(rules.possible_lengths)) & ~np.isin(klen, rules.local_only_lengths)
    skip = np.zeros(n, dtype=np.int64)
    skip[intl_plus], skip[intl_00], skip[bare_cc] = len(cc), 2 + len(cc), len(cc)
    shape = national | intl_plus | intl_00 | bare_cc
    rest_start, rest_len = ds + skip, count - skip
    rest_first = kdata[np.minimum(rest_start, top)] if len(kdata) else first
    prefix_len = np.full(n, -1, dtype=np.int64)
    strips = np.zeros(n, dtype=bool)
    for literal in rr.literals:
        hit = (prefix_len < 0) & _has_literal(kdata, rest_start, rest_len, rest_first, literal, shape)
        prefix_len[hit] = len(literal)
        strips |= hit & (literal == rules.national_prefix)
    shape &= (prefix_len < 0) & ~national | strips
    cut = strips * len(rules.national_prefix)
    nsn_start, nsn_len = rest_start + cut, rest_len - cut
    nsn_first = kdata[np.minimum(nsn_start, top)] if len(kdata) else first
    shape &= (nsn_len > 0) & (nsn_first >= ord("1")) & (nsn_first <= ord("9"))
    if bare_cc.any():  # parse() strips that number once more: it must hold no prefix either
        for literal in rr.literals:
            shape &= ~_has_literal(kdata, nsn_start, nsn_len, nsn_first, literal, bare_cc & shape)
    return shape, strips, intl_plus, nsn_start, nsn_len


def _run_automaton(
    rr: Any, kdata: np.ndarray, r_start: np.ndarray, r_len: np.ndarray, head: str, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """The automaton over the national significant numbers (and the viability of prefix +
    number): its final state per number, and the digits kept in a fixed-width matrix behind
    ``head`` ("+" and the country code) for the E.164 text."""
    state = np.zeros(len(r_start), dtype=np.int32)
    text = np.empty((len(r_start), len(head) + width), dtype=np.uint8)
    text[:, : len(head)] = np.frombuffer(head.encode(), dtype=np.uint8)
    shortest = int(r_len.min(initial=0))
    padded = np.concatenate([kdata, np.full(_MAX_ROW_DIGITS + 1, ord(":"), dtype=np.uint8)])
    pos = r_start.copy()  # the byte of digit k of each number
    for k in range(int(r_len.max(initial=0))):
        byte = padded[pos]
        pos += 1
        if k >= shortest:  # numbers already read to their end pass ":" (the automaton stays)
            byte[r_len <= k] = ord(":")
        if k < width:
            text[:, len(head) + k] = byte
        state = rr.automaton.step(state, byte)
    return state, text


def _standardise_rows(values: pd.Series) -> StandardiseResult | None:
    """:func:`standardise_series` for a ``string`` column, row by row on the bytes.

    A row is decided here when its text is digits, spaces, ``().-`` and a leading ``+`` (and
    optionally an extension, ``ext 12``) and its digits are a number of the default country
    written nationally (``0``), with ``+44``/``0044`` or as ``44`` and too long to be national:
    the digits, the placeholder and length checks, the national significant number, the
    metadata's validity, the Ofcom drama note and the E.164 text are all computed for every such
    row at once (numpy on the Arrow bytes; the metadata as one digit automaton, see
    :mod:`._digit_dfa`). The other rows (letters, other countries, odd prefixes and lengths) take
    :func:`_standardise_distinct`. None when the compiled metadata do not apply.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    rr = _row_rules()
    if rr is None:
        return None
    rules = rr.rules
    n = len(values)
    arr = arrow_text(values)
    k = _row_keys(arr, n)
    present, raw_len, simple, had_ext, blank, token = k.present, k.raw_len, k.simple, k.had_ext, k.blank, k.token
    klen, count, placeholder = k.klen, k.count, k.placeholder
    bad_len = simple & ~placeholder & ((count < MIN_DIGITS) | (count > MAX_DIGITS))
    keyed = simple & ~placeholder & ~bad_len
    shape, strips, intl_plus, nsn_start, nsn_len = _row_shapes(rr, k, keyed)
    rows = np.flatnonzero(shape)
    r_len = nsn_len[rows]
    head, width = "+" + rules.country_code, max(rules.possible_lengths)
    state, text = _run_automaton(rr, k.kdata, nsn_start[rows], r_len, head, width)
    accepted = rr.automaton.accepted(state)
    viable = strips[rows] & (accepted >> rr.viable & 1).astype(bool)
    decided_rows = ~viable
    local_only = np.isin(r_len, rules.local_only_lengths)
    too_long = decided_rows & (r_len > width) & ~local_only
    possible = decided_rows & np.isin(r_len, rules.possible_lengths) & ~local_only
    kinds, _ = _decisions(rr, DEFAULT_REGION)
    kind = np.where(possible, kinds[state, np.minimum(r_len, _MAX_ROW_DIGITS - 1)], -1)
    valid_r = possible & (kind >= 0)
    # per row: decided here, valid, reason
    placeholder |= token
    decided = placeholder | bad_len | blank
    decided[rows] = possible | too_long
    valid = np.zeros(n, dtype=bool)
    valid[rows] = valid_r
    reason = np.full(n, -1, dtype=np.int32)
    categories = [*(r for r in _REASONS[1:] if r is not None), "missing"]
    code = {name: i for i, name in enumerate(categories)}
    reason[placeholder] = code["placeholder"]
    reason[bad_len] = code["invalid_length"]
    reason[rows[too_long]] = code["invalid_length"]
    reason[rows[possible & ~valid_r]] = code["invalid_number"]
    reason[~present | blank] = code["missing"]
    decided |= ~present
    # E.164: the valid rows' bytes of the matrix, each cut at its length
    e164_len = np.where(valid_r, r_len + len(head), 0)
    e164 = _strings_from_matrix(text, e164_len, rows, valid_r, n)
    # notes: an Ofcom drama number (the first 10 characters of a 13-character E.164), else an extension
    note = np.full(n, -1, dtype=np.int32)
    note[valid & had_ext] = code["extension"]
    if len(rr.drama) and text.shape[1] >= 10 and (e164_len == 13).any():
        note[rows[_drama_rows(rr, text, e164_len)]] = code["drama_range"]
    same = np.zeros(n, dtype=bool)
    same[rows] = valid_r & intl_plus[rows] & ~strips[rows]
    same &= (raw_len == klen) & ~had_ext
    status = np.where(valid, np.where(same, 0, 1), 2).astype(np.int8)
    status[~present | blank] = 3
    # the rest: the distinct-value path, merged back by position
    rest = np.flatnonzero(~decided)
    if len(rest):
        slow = _standardise_distinct(values.iloc[rest])
        status[rest] = np.asarray(slow.status.cat.codes, dtype=np.int8)
        reason[rest] = _codes_into(slow.reason, categories)
        note[rest] = _codes_into(slow.note, categories)
        slow_values = arrow_text(slow.value)
        e164 = pc.replace_with_mask(e164, pa.array(~decided), slow_values)
    logger.debug("phone: %d rows, %d decided on the row path, %d on the distinct path", n, n - len(rest), len(rest))
    return _row_result(values, e164, status, reason, note, categories)


def _drama_rows(rr: Any, text: np.ndarray, e164_len: np.ndarray) -> np.ndarray:
    """Rows of the digit matrix whose 13-character E.164 starts with an Ofcom drama range (its
    first 10 characters: "+" and 9 digits, which fit an int32; rows not valid are ignored)."""
    drama_head = np.zeros(len(text), dtype=np.int32)
    for i in range(1, 10):
        drama_head *= 10
        drama_head += text[:, i] - np.uint8(ord("0"))
    return (e164_len == 13) & np.isin(drama_head, rr.drama)


def _row_result(
    values: pd.Series, e164: Any, status: np.ndarray, reason: np.ndarray, note: np.ndarray, categories: list[str]
) -> StandardiseResult:
    """The row path's result columns, in the storage of ``values`` (Arrow or Python strings)."""
    storage = "pyarrow" if values.dtype.storage == "pyarrow" else None
    index = values.index
    value = pd.array(e164, dtype=pd.StringDtype("pyarrow"))
    if storage is None:
        value = pd.array(np.asarray(e164.to_numpy(zero_copy_only=False), dtype=object), dtype=STRING)
    return StandardiseResult(
        value=pd.Series(value, index=index, name=values.name),
        status=pd.Series(pd.Categorical.from_codes(status, dtype=STATUS_DTYPE), index=index, name="status"),
        reason=pd.Series(strings_from_codes(reason, categories, storage=storage), index=index, name="reason"),
        note=pd.Series(strings_from_codes(note, categories, storage=storage), index=index, name="note"),
    )


def _codes_into(strings: pd.Series, categories: list[str]) -> np.ndarray:
    """Codes of a few rows' reason/note strings into ``categories`` (extended in place), -1 for NA."""
    codes, uniques = pd.factorize(strings.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    for name in uniques:
        if name not in categories:
            categories.append(name)
    lookup = np.array([categories.index(name) for name in uniques] + [-1], dtype=np.int32)
    return lookup[codes]


def _strings_from_matrix(matrix: np.ndarray, lengths: np.ndarray, rows: np.ndarray, valid: np.ndarray, n: int) -> Any:
    """A pyarrow string array of ``n`` rows: at ``rows[valid]``, the first ``lengths`` bytes of
    the matching row of the ASCII ``matrix`` (``lengths`` 0 where not ``valid``); null elsewhere."""
    import pyarrow as pa

    out_len = np.zeros(n, dtype=np.int32)
    out_len[rows] = lengths
    out_offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(out_len, out=out_offsets[1:])
    buf = matrix[np.arange(matrix.shape[1], dtype=np.int32) < lengths[:, None].astype(np.int32)]
    present = np.zeros(n, dtype=bool)
    present[rows[valid]] = True
    bitmap = pa.py_buffer(np.packbits(present, bitorder="little"))
    return pa.StringArray.from_buffers(n, pa.py_buffer(out_offsets), pa.py_buffer(buf), bitmap, int(n - valid.sum()))
