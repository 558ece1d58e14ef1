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

import logging
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dataclean._core import (
    PLACEHOLDER_TOKENS,
    STRING,
    WHITESPACE,
    WHITESPACE_RE,
    StandardiseResult,
    build_result,
    factorize_text,
    scalar_text,
    to_text,
)
from dataclean.exceptions import (
    InvalidFormat,
    InvalidLength,
    PlaceholderValue,
    ValidationError,
)

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
DRAMA_PREFIXES: frozenset[str] = frozenset(
    {
        "+441134960",
        "+441144960",
        "+441154960",
        "+441164960",
        "+441174960",
        "+441184960",
        "+441214960",
        "+441314960",
        "+441414960",
        "+441514960",
        "+441614960",
        "+442079460",
        "+441914980",
        "+442896496",
        "+442920180",
        "+441632960",
        "+447700900",
        "+448081570",
        "+449098790",
        "+443069990",
    }
)

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
_SEPARATORS_RE = r"[ ().\-]"
_EXT_PY = re.compile(_EXT_RE, re.ASCII)
_ALLOWED_PY = re.compile(_ALLOWED_RE, re.ASCII)
_MULTI_SEP_PY = re.compile(_MULTI_SEP_RE, re.ASCII)
_PLACEHOLDER_RUN_PY = re.compile(_PLACEHOLDER_RUN, re.ASCII)
_WS_TRANS = str.maketrans({ch: " " for ch in WHITESPACE})
_COMPACT_DROP = frozenset(WHITESPACE + "().-")


class InvalidNumber(ValidationError):
    """The number has a possible length but is not in an assigned range (phonenumbers metadata)."""

    reason = "invalid_number"
    default_message = "The phone number is not in an assigned number range."


class InvalidCountryCode(ValidationError):
    """The international prefix names no country."""

    reason = "invalid_country_code"
    default_message = "The phone number has an unknown country code."


class MultipleNumbers(InvalidFormat):
    """The cell holds more than one number."""

    reason = "multiple_numbers"
    default_message = "The value holds more than one phone number."


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
    :func:`_prepare_series`, and no library call happens for a value it rejects.
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


def _prepare_series(text: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Vectorised :func:`_prepare` over distinct texts: (key, extension, reason)."""
    n = len(text)
    reason = np.full(n, None, dtype=object)
    norm = text.str.replace(_WS_CLASS, " ", regex=True)
    # str.isascii exists only from pandas 3; a regex works on 2.2+ and 3.x alike.
    ascii_ok = (~norm.str.contains(r"[^\x00-\x7f]", regex=True)).fillna(False).to_numpy(dtype=bool)
    reason[~ascii_ok] = "invalid_format"
    token = ascii_ok & norm.str.upper().isin(PHONE_PLACEHOLDER_TOKENS).to_numpy(dtype=bool)
    reason[token] = "placeholder"
    todo = ~token & ascii_ok
    low = norm.str.lower().where(todo, pd.NA)
    n_digits = low.str.count("[0-9]").to_numpy(dtype="float64", na_value=0)
    has_sep = low.str.contains(_MULTI_SEP_RE, regex=True).fillna(False).to_numpy(dtype=bool)
    multi = todo & has_sep & (n_digits >= _MULTI_MIN_DIGITS)
    reason[multi] = "multiple_numbers"
    todo &= ~multi
    low = low.where(todo, pd.NA)
    parts = low.str.extract(_EXT_RE)
    has_ext = parts[1].notna().to_numpy(dtype=bool)
    main = parts[0].where(has_ext, low).str.replace("(0)", "", regex=False)
    allowed = main.str.fullmatch(_ALLOWED_RE).fillna(False).to_numpy(dtype=bool)
    reason[todo & ~allowed] = "invalid_format"
    todo &= allowed
    main = main.where(todo, pd.NA)
    plus = main.str.contains("+", regex=False).fillna(False).to_numpy(dtype=bool)
    digits = main.str.replace("[^0-9]", "", regex=True)
    national = digits.copy()
    p44 = plus & digits.str.startswith("44").fillna(False).to_numpy(dtype=bool)
    i44 = ~plus & digits.str.startswith("0044").fillna(False).to_numpy(dtype=bool)
    national = national.mask(p44, "0" + digits.str.slice(2)).mask(i44, "0" + digits.str.slice(4))
    placeholder = todo & (
        national.isin(PLACEHOLDER_DIGITS).to_numpy(dtype=bool)
        | national.str.fullmatch(_PLACEHOLDER_RUN).fillna(False).to_numpy(dtype=bool)
    )
    reason[placeholder] = "placeholder"
    todo &= ~placeholder
    length = digits.str.len().to_numpy(dtype="float64", na_value=0)
    bad_len = todo & ((length < MIN_DIGITS) | (length > MAX_DIGITS))
    reason[bad_len] = "invalid_length"
    todo &= ~bad_len
    key = digits.where(~plus, "+" + digits).where(todo, pd.NA)
    ext = parts[1].where(todo & has_ext, pd.NA)
    return key, ext, reason


def _analyse_series(values: pd.Series) -> tuple[Any, dict[str, np.ndarray]]:
    """Everything the column functions need, computed once per distinct value.

    Returns the text column and per-row arrays: canonical, reason, valid, line_type, region,
    extension. Work runs on distinct trimmed texts; phonenumbers runs once per distinct key.
    """
    col = to_text(values, max_length=MAX_LENGTH)
    codes, uniques = factorize_text(col.text)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype=STRING)
    key, ext, reason_u = _prepare_series(u)
    m = len(u)
    e164_u = np.full(m + 1, None, dtype=object)  # the last slot answers code -1 (NA)
    type_u = np.full(m + 1, None, dtype=object)
    region_u = np.full(m + 1, None, dtype=object)
    reason_all = np.full(m + 1, None, dtype=object)
    reason_all[:m] = reason_u
    kcodes, kuniques = factorize_text(key)
    k_e164 = np.full(len(kuniques) + 1, None, dtype=object)
    k_type = np.full(len(kuniques) + 1, None, dtype=object)
    k_region = np.full(len(kuniques) + 1, None, dtype=object)
    k_reason = np.full(len(kuniques) + 1, None, dtype=object)
    for i, k in enumerate(kuniques):
        try:
            parsed = _parse_key(k)
        except ValidationError as err:
            k_reason[i] = err.reason
            continue
        k_e164[i], k_type[i], k_region[i] = parsed.e164, parsed.line_type, parsed.region
    has_key = kcodes >= 0
    e164_u[:m] = k_e164[kcodes]
    type_u[:m] = k_type[kcodes]
    region_u[:m] = k_region[kcodes]
    reason_all[:m] = np.where(has_key, k_reason[kcodes], reason_u)
    ext_u = np.full(m + 1, None, dtype=object)
    ext_u[:m] = ext.to_numpy(dtype=object, na_value=None)
    valid_u = np.zeros(m + 1, dtype=bool)
    valid_u[:m] = pd.notna(e164_u[:m])
    # notes on valid rows
    e164_s = pd.Series(e164_u[:m], dtype=STRING)
    drama = ((e164_s.str.len() == 13) & e164_s.str.slice(0, 10).isin(DRAMA_PREFIXES)).fillna(False).to_numpy(dtype=bool)
    with_ext = valid_u[:m] & pd.notna(ext_u[:m])
    notes = np.where(drama, "drama_range", np.where(with_ext, "extension", None))
    reason_all[:m] = np.where(valid_u[:m], notes, reason_all[:m])
    rows = {
        "e164": e164_u[codes],
        "reason": reason_all[codes],
        "valid": valid_u[codes],
        "line_type": type_u[codes],
        "region": region_u[codes],
        "extension": ext_u[codes],
    }
    logger.debug("phone: %d rows, %d distinct texts, %d library calls", len(codes), m, len(kuniques))
    return col, rows


def standardise_series(values: pd.Series) -> StandardiseResult:
    """Validate and canonicalise a whole column to E.164 (phonenumbers once per distinct value)."""
    col, rows = _analyse_series(values)
    index = values.index
    return build_result(
        col,
        pd.Series(rows["e164"], index=index, dtype=object),
        pd.Series(rows["reason"], index=index, dtype=object),
        rows["valid"],
    )


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of valid phone numbers, aligned to ``values``."""
    return standardise_series(values).valid


def reason_series(values: pd.Series) -> pd.Series:
    """Reason code per row (``<NA>`` for valid rows without a note)."""
    return standardise_series(values).reason


def details_series(values: pd.Series) -> pd.DataFrame:
    """Per-row ``e164``, ``extension``, ``line_type``, ``region`` and ``is_mobile``.

    ``is_mobile`` is a nullable boolean: True for mobiles, False for other known line types,
    ``<NA>`` for invalid rows and for ``fixed_line_or_mobile`` / ``unknown`` numbers (some
    countries' numbering, such as North America's, does not tell them apart).
    """
    col, rows = _analyse_series(values)
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
