"""UK postcode.

Outward code (area + district) and inward code (sector digit + unit letters), one space
between: ``SW1A 1AA``. All six formats (``A9 9AA``, ``A99 9AA``, ``A9A 9AA``, ``AA9 9AA``,
``AA99 9AA``, ``AA9A 9AA``) with Royal Mail's letter rules: first letter never Q, V, X; second
never I, J, Z; third (A9A) only A-H, J, K, P, S, T, U, W; fourth (AA9A) only A, B, E, H, M, N, P,
R, V, W, X, Y; the inward letters never C, I, K, M, O, V.

Also recognised:

* ``GIR 0AA`` (historic Girobank): valid;
* ``BFPO 1234`` (British Forces Post Office): valid, canonical ``BFPO 1234``, note ``bfpo``;
* overseas territories in UK format (``ASCN 1ZZ``, ``BBND 1ZZ``, ``BIQQ 1ZZ``, ``FIQQ 1ZZ``,
  ``GX11 1AA``, ``PCRN 1ZZ``, ``SIQQ 1ZZ``, ``STHL 1ZZ``, ``TDCU 1ZZ``, ``TKCA 1ZZ``): valid, note
  ``overseas_territory``;
* NHS pseudo-postcodes ``ZZ99 ...`` (no real address): invalid with reason ``placeholder``;
  :func:`pseudo_postcode_meaning` says what each means (``ZZ99 3VZ`` is no fixed abode, a key
  social care signal). Text placeholders (``UNKNOWN``, ``N/A``, ``NFA``, ``NO FIXED ABODE``...)
  are ``placeholder`` too.

Components for linkage (:func:`components`, :func:`components_series`, and one function per
part: :func:`outward_series`, :func:`inward_series`, :func:`area_series`,
:func:`district_series`, :func:`sector_series`): ``SW1A 1AA`` has outward ``SW1A``, inward
``1AA``, area ``SW``, district ``SW1A`` and sector ``SW1A 1``. An outward-only value (``CM1``)
still gives its outward code, area and district; BFPO numbers and invalid values give none.

Common faults fixed (row status ``changed``): any case, missing or extra spaces, and the letter
O typed for zero in the inward code's digit position (``SW1A OAA`` -> ``SW1A 0AA``; only that
position is unambiguous). Reasons: ``missing``, ``invalid_type``, ``invalid_length``,
``invalid_format`` (not postcode-shaped), ``invalid_component`` (postcode-shaped but a letter
in a position where Royal Mail never uses it), ``outward_only`` (``CM1``), ``placeholder``.

>>> from dataclean.fields import postcode
>>> postcode.validate("sw1a1aa")
'SW1A 1AA'
>>> postcode.is_valid("ZZ99 3VZ")
False
>>> postcode.pseudo_postcode_meaning("zz99 3vz")
'no fixed abode'
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from dataclean._core import (
    PLACEHOLDER_TOKENS,
    STRING,
    WHITESPACE,
    WHITESPACE_RE,
    FieldColumns,
    StandardiseResult,
    arrow_strings,
    as_string,
    build_result,
    make_is_valid,
    per_distinct_value,
    scalar_text,
    to_text,
)
from dataclean.exceptions import InvalidComponent, InvalidFormat, PlaceholderValue, ValidationError


class Reason(StrEnum):
    """Why a row failed: the ``reason`` column of :func:`standardise_series` and the ``reason`` of
    the :class:`~dataclean.exceptions.ValidationError` that :func:`validate` raises."""

    MISSING = "missing"
    INVALID_TYPE = "invalid_type"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    INVALID_COMPONENT = "invalid_component"
    OUTWARD_ONLY = "outward_only"
    PLACEHOLDER = "placeholder"


class Note(StrEnum):
    """Notes on valid rows worth a look but not failures: the ``note`` column."""

    BFPO = "bfpo"
    OVERSEAS_TERRITORY = "overseas_territory"


NAME = "postcode"
DESCRIPTION = "UK postcode: canonical upper case with one space (SW1A 1AA)"
MAX_LENGTH = 16

_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][0-9][ABCDEFGHJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
STRICT = f"^{_OUTWARD}{_INWARD}$"  # on compacted (no spaces) upper-case text
SHAPE = r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"
OUTWARD_ONLY = f"^{_OUTWARD}$"
PSEUDO = r"^ZZ99[0-9][A-Z]{2}$"
BFPO = r"^BFPO[0-9]{1,4}$"
GIRO = "GIR0AA"
OVERSEAS = frozenset(
    {"ASCN1ZZ", "BBND1ZZ", "BIQQ1ZZ", "FIQQ1ZZ", "GX111AA", "PCRN1ZZ", "SIQQ1ZZ", "STHL1ZZ", "TDCU1ZZ", "TKCA1ZZ"}
)
#: Text that stands for "no postcode", compared with whitespace removed and upper-cased.
PLACEHOLDERS = frozenset(
    t.replace(" ", "")
    for t in PLACEHOLDER_TOKENS
    | {"NFA", "N.F.A.", "NO FIXED ABODE", "NO POSTCODE", "NONE GIVEN", "ZZ99", "ZZ99ZZZ", "ABROAD", "OVERSEAS"}
)
PSEUDO_MEANINGS = {
    "ZZ99 3VZ": "no fixed abode",
    "ZZ99 3WZ": "address not known",
    "ZZ99 3CZ": "England, not otherwise specified",
}
_STRIP = re.compile(f"[{WHITESPACE_RE}]")
_STRICT_RE, _SHAPE_RE, _OUTWARD_RE = re.compile(STRICT), re.compile(SHAPE), re.compile(OUTWARD_ONLY)
_PSEUDO_RE, _BFPO_RE = re.compile(PSEUDO), re.compile(BFPO)


def compact(value: Any) -> str:
    """Upper case with all whitespace removed; no checks."""
    return _STRIP.sub("", scalar_text(value, max_length=MAX_LENGTH)).upper()


def _fix_o_for_zero(code: str) -> str:
    if len(code) >= 5 and code[-3] == "O":
        fixed = code[:-3] + "0" + code[-2:]
        if _STRICT_RE.match(fixed):
            return fixed
    return code


def _spaced(code: str) -> str:
    return f"{code[:-3]} {code[-3:]}"


def _classify(code: str) -> tuple[str | None, str | None]:
    """(canonical or None, reason or note) for a compacted upper-case value."""
    if not code.isascii():
        return None, "invalid_format"
    if _PSEUDO_RE.match(code) or code in PLACEHOLDERS:
        return None, "placeholder"
    if code == GIRO:
        return "GIR 0AA", None
    if _BFPO_RE.match(code):
        return f"BFPO {code[4:]}", "bfpo"
    if code in OVERSEAS:
        return _spaced(code), "overseas_territory"
    code = _fix_o_for_zero(code)
    if _STRICT_RE.match(code):
        return _spaced(code), None
    if _OUTWARD_RE.match(code):
        return None, "outward_only"
    if _SHAPE_RE.match(code):
        return None, "invalid_component"
    return None, "invalid_format"


_ERRORS: dict[str, type[ValidationError]] = {
    "placeholder": PlaceholderValue,
    "invalid_component": InvalidComponent,
    "outward_only": InvalidFormat,
    "invalid_format": InvalidFormat,
}
_MESSAGES = {
    "placeholder": "NHS pseudo-postcodes (ZZ99 ...) stand for no real address.",
    "invalid_component": "A letter is in a position where UK postcodes never use it.",
    "outward_only": "Only the outward code (such as CM1) is given; the inward code is missing.",
    "invalid_format": "The value does not have the shape of a UK postcode.",
}


def validate(value: Any) -> str:
    """Return the canonical postcode (``SW1A 1AA``, ``BFPO 1234``), or raise."""
    # ASCII is checked before upper-casing: Python maps some non-ASCII letters to ASCII ("ſ" -> "S")
    text = _STRIP.sub("", scalar_text(value, max_length=MAX_LENGTH))
    if not text.isascii():
        raise InvalidFormat(_MESSAGES["invalid_format"])
    canonical, reason = _classify(text.upper())
    if canonical is None:
        raise _ERRORS[reason](_MESSAGES[reason], reason=reason)
    return canonical


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """The display form, which is the canonical form."""
    return validate(value)


def pseudo_postcode_meaning(value: Any) -> str | None:
    """What an NHS pseudo-postcode means, or None for anything else."""
    try:
        code = compact(value)
    except ValidationError:
        return None
    if not _PSEUDO_RE.match(code):
        return None
    return PSEUDO_MEANINGS.get(_spaced(code), "country of residence outside the UK")


# --------------------------------------------------------------------------------------- columns


def _compact_series(values: pd.Series) -> tuple[Any, pd.Series]:
    """The text column and the compacted upper-case code ("" where the text is not ASCII)."""
    col = to_text(values, max_length=MAX_LENGTH)
    code = col.text.str.replace(f"[{WHITESPACE_RE}]", "", regex=True)
    ascii_ok = ~code.str.contains(r"[^\x00-\x7F]", regex=True).fillna(False).to_numpy(dtype=bool)
    return col, code.where(ascii_ok, "").str.upper()


def _match(text: pd.Series, pattern: str) -> np.ndarray:
    return text.str.match(pattern).fillna(False).to_numpy(dtype=bool)


def _analyse(values: pd.Series) -> tuple[Any, pd.Series, pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """(text column, compacted code after the O-for-zero fix, canonical, reason, valid, bfpo)."""
    col, code = _compact_series(values)
    # letter O for zero in the inward digit position, only where that makes a valid postcode
    o_fixed = code.str.slice(0, -3) + "0" + code.str.slice(-2)
    use_fix = (code.str.len().fillna(0).to_numpy() >= 5) & (code.str.slice(-3, -2) == "O").fillna(False).to_numpy()
    use_fix &= _match(o_fixed, STRICT)
    code = code.where(~use_fix, o_fixed)

    pseudo = _match(code, PSEUDO) | code.isin(PLACEHOLDERS).fillna(False).to_numpy(dtype=bool)
    giro = (code == GIRO).fillna(False).to_numpy(dtype=bool)
    bfpo = _match(code, BFPO)
    overseas = code.isin(OVERSEAS).fillna(False).to_numpy(dtype=bool)
    strict = _match(code, STRICT) & ~pseudo
    outward = _match(code, OUTWARD_ONLY)
    shape = _match(code, SHAPE)

    valid = (strict | giro | bfpo | overseas) & ~pseudo
    spaced = code.str.slice(0, -3) + " " + code.str.slice(-3)
    canonical = spaced.where(~bfpo, "BFPO " + code.str.slice(4))
    reason = np.select(
        [~col.usable, pseudo, bfpo, overseas, valid, outward, shape],
        ["", "placeholder", "bfpo", "overseas_territory", "", "outward_only", "invalid_component"],
        default="invalid_format",
    ).astype(object)
    reason[reason == ""] = None
    return col, code, canonical, reason, valid & col.usable, bfpo


@per_distinct_value
def standardise_series(values: pd.Series) -> StandardiseResult:
    """Canonical postcodes, status and reason per row (vectorised regexes, no per-row Python)."""
    col, _, canonical, reason, valid, _ = _analyse(values)
    return build_result(col, as_string(canonical), pd.Series(reason, index=values.index), valid)


def _is_valid_arrow(values: pd.Series) -> pd.Series | None:
    """The validity mask in Arrow compute for a pyarrow-backed string column, else None."""
    arr = arrow_strings(values)
    if arr is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    code = pc.replace_substring_regex(arr, f"[{WHITESPACE_RE}]", "")
    usable = pc.and_kleene(
        pc.less_equal(pc.utf8_length(pc.utf8_trim(arr, WHITESPACE)), MAX_LENGTH), pc.string_is_ascii(code)
    )
    code = pc.utf8_upper(code)
    o_fixed = pc.utf8_replace_slice(code, -3, -2, "0")
    fixable = pc.and_kleene(
        pc.equal(pc.utf8_slice_codeunits(code, -3, -2), "O"), pc.greater_equal(pc.utf8_length(code), 5)
    )
    code = pc.if_else(pc.and_kleene(fixable, pc.match_substring_regex(o_fixed, STRICT)), o_fixed, code)
    special = pc.or_kleene(
        pc.or_kleene(pc.equal(code, GIRO), pc.match_substring_regex(code, BFPO)),
        pc.is_in(code, value_set=pa.array(sorted(OVERSEAS))),
    )
    placeholder = pc.or_kleene(
        pc.match_substring_regex(code, PSEUDO), pc.is_in(code, value_set=pa.array(sorted(PLACEHOLDERS)))
    )
    ok = pc.and_kleene(
        usable, pc.and_kleene(pc.or_kleene(pc.match_substring_regex(code, STRICT), special), pc.invert(placeholder))
    )
    return pd.Series(ok.fill_null(False).to_numpy(zero_copy_only=False), index=values.index)


_COLUMNS = FieldColumns(standardise_series, is_valid=_is_valid_arrow)


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of valid postcodes, aligned to ``values``.

    On pyarrow-backed string columns this runs in Arrow compute (no per-row objects); other
    columns go through :func:`standardise_series`.
    """
    return _COLUMNS.is_valid_series(values)


def reason_series(values: pd.Series) -> pd.Series:
    """Failure reason per row, a :class:`Reason` code (``<NA>`` on valid rows; notes are in
    :func:`note_series`)."""
    return _COLUMNS.reason_series(values)


def note_series(values: pd.Series) -> pd.Series:
    """Note per valid row, a :class:`Note` code (``<NA>`` elsewhere)."""
    return _COLUMNS.note_series(values)


COMPONENTS: tuple[str, ...] = ("postcode", "outward", "inward", "area", "district", "sector")


def components(value: Any) -> dict[str, str | None]:
    """The parts of one postcode (see :func:`components_series`); never raises.

    >>> components("sw1a1aa")["sector"]
    'SW1A 1'
    """
    parts: dict[str, str | None] = dict.fromkeys(COMPONENTS)
    try:
        canonical = validate(value)
    except ValidationError as exc:
        if exc.reason != "outward_only":
            return parts
        outward = compact(value)
    else:
        parts["postcode"] = canonical
        if canonical.startswith("BFPO "):
            return parts
        outward, inward = canonical.split(" ")
        parts["inward"], parts["sector"] = inward, f"{outward} {inward[0]}"
    parts["outward"] = parts["district"] = outward
    parts["area"] = re.match(r"[A-Z]+", outward).group(0)  # type: ignore[union-attr]
    return parts


def components_series(values: pd.Series) -> pd.DataFrame:
    """Postcode parts for matching: postcode, outward, inward, area, district, sector.

    ``CM1 1QH`` -> outward ``CM1``, inward ``1QH``, area ``CM``, district ``CM1``, sector ``CM1 1``.
    Outward-only rows (``CM1``, reason ``outward_only``) keep outward, area and district; BFPO
    rows have only ``postcode``; other invalid rows are ``<NA>`` throughout.
    """
    _, code, canonical, reason, valid, bfpo = _analyse(values)
    geographic = valid & ~bfpo
    outward_only = reason == "outward_only"
    outward = code.str.slice(0, -3).where(geographic, code.where(outward_only))
    inward = code.str.slice(-3).where(geographic)
    frame = pd.DataFrame(
        {
            "postcode": canonical.where(valid),
            "outward": outward,
            "inward": inward,
            "area": outward.str.replace(r"[0-9].*", "", regex=True),  # the letters before the first digit
            "district": outward,
            "sector": outward + " " + inward.str.slice(0, 1),
        },
        index=values.index,
    )
    return frame.astype(STRING)


def outward_series(values: pd.Series) -> pd.Series:
    """Outward code per row (``SW1A``); see :func:`components_series`."""
    return components_series(values)["outward"]


def inward_series(values: pd.Series) -> pd.Series:
    """Inward code per row (``1AA``); see :func:`components_series`."""
    return components_series(values)["inward"]


def area_series(values: pd.Series) -> pd.Series:
    """Postcode area per row (``SW``): the letters of the outward code."""
    return components_series(values)["area"]


def district_series(values: pd.Series) -> pd.Series:
    """Postcode district per row (``SW1A``): the outward code."""
    return components_series(values)["district"]


def sector_series(values: pd.Series) -> pd.Series:
    """Postcode sector per row (``SW1A 1``): outward code, space, inward digit."""
    return components_series(values)["sector"]


def pseudo_postcode_meaning_series(values: pd.Series) -> pd.Series:
    """Column version of :func:`pseudo_postcode_meaning` (``<NA>`` for ordinary postcodes)."""
    _, code = _compact_series(values)
    pseudo = _match(code, PSEUDO)
    spaced = code.str.slice(0, -3) + " " + code.str.slice(-3)
    meaning = spaced.map(PSEUDO_MEANINGS).fillna("country of residence outside the UK")
    return meaning.where(pseudo, pd.NA).astype(STRING)
