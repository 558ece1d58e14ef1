"""Postal addresses: UK addresses parsed into Royal Mail style components, US addresses via ``usaddress``.

UK parsing is rule based (no gazetteer), in this order:

1. **Postcode first**: the last postcode-shaped run anywhere in the text (``cm11qh``, ``CM1 1QH``)
   is taken out and checked with :mod:`dataclean.fields.postcode` (canonical ``CM1 1QH``).
2. The rest is split on commas; whitespace and dots are tidied and Royal Mail abbreviations are
   expanded (``Rd`` Road, ``Ave`` Avenue, ``Cl`` Close, ``Cres`` Crescent, ``Dr`` Drive, ``Gdns``
   Gardens, ``Gr`` Grove, ``Ln`` Lane, ``Pl`` Place, ``Sq`` Square, ``Ter``/``Terr`` Terrace, ``Ct``
   Court, ``Pk`` Park, ``Flt`` Flat, ``Apt`` Apartment, ``Hse`` House, ``Cotts`` Cottages). ``St`` is
   Street only after a street word and when no street word follows; otherwise it is Saint and kept
   as ``St`` (``St Marys Road``, ``St Albans``).
3. Components: ``sub_building`` (``Flat 3``, ``Apartment 2``, ``Unit 4``, ``Ground Floor Flat``),
   ``building_name`` (parts before the street: ``Rose Cottage``, ``The Maltings``),
   ``building_number`` (``12``, ``12A``, ``12-14``), ``street`` (the part that starts with a number,
   else the first part containing a street word such as Road or Lane), ``locality`` (parts between
   the street and the town), ``town`` (the last part), ``county`` (a trailing known county, with or
   without a comma) and ``postcode``.

Without commas (``12a st marys rd colchester``) the street ends at its street word and the rest is
the town; line breaks count as commas.

The canonical form joins the title-cased components with ``", "`` and ends with the postcode in
upper case: ``Flat 3, 12 High Street, Chelmsford, CM1 1QH``. The county is dropped from the
canonical form, as Royal Mail does (it is not needed for delivery); :func:`parse` still returns it.

Reason codes: ``missing``, ``invalid_type``, ``invalid_length`` (over :data:`MAX_LENGTH`),
``invalid_format`` (characters an address does not contain, no letters, or no street, building
number or building name found), ``invalid_postcode`` (a postcode-shaped run that is not a valid
postcode), ``placeholder`` (``UNKNOWN``, ``NOT KNOWN``, ``N/A``...), ``no_fixed_abode`` (``NO FIXED
ABODE``, ``NFA``, or the NHS pseudo-postcode ``ZZ99 3VZ``: a social-care signal, counted apart).
Note on a valid row: ``no_postcode``.

**Not handled**: no lookup against PAF or AddressBase (so no check that the address exists, no
missing postcode filled in, no UPRN); Scottish tenement positions (``2F1``), rural descriptions
without a street, and parts in an unusual order may be split wrongly; a dependent locality and a
post town are told apart only by position, so without commas they stay together in ``town``.
``usaddress`` is trained on US addresses and mislabels UK ones (``Essex CM1`` as the state), so it
is used only by :func:`parse_us`.

>>> from dataclean.fields import address
>>> address.validate("flat 3, 12 high st, chelmsford cm1 1qh")
'Flat 3, 12 High Street, Chelmsford, CM1 1QH'
>>> address.parse("12a st marys rd, colchester co1 1aa")["street"]
'St Marys Road'
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from dataclean import refdata
from dataclean._core import (
    PLACEHOLDER_TOKENS,
    STRING,
    WHITESPACE,
    WHITESPACE_RE,
    FieldColumns,
    StandardiseResult,
    arrow_text,
    build_result,
    distinct_share_floor,
    factorize_text,
    make_is_valid,
    map_ranges,
    replace_rows,
    scalar_text,
    standardise_per_distinct,
    take_in_ranges,
    thread_ranges,
    to_text,
)
from dataclean.exceptions import (
    InvalidFormat,
    InvalidPostcode,
    NoFixedAbode,
    PlaceholderValue,
    ValidationError,
)
from dataclean.fields._address_fast import (
    TrailingPostcodes,
    drop_tail_bytes,
    insert_bytes,
    keep_tail_bytes,
    lines_as_commas,
    nth_space,
    tail_postcode_ok,
    title_upper_bytes,
    trailing_postcodes,
)


class Reason(StrEnum):
    """Why a row failed: the ``reason`` column of :func:`standardise_series` and the ``reason`` of
    the :class:`~dataclean.exceptions.ValidationError` that :func:`validate` raises."""

    MISSING = "missing"
    INVALID_TYPE = "invalid_type"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    INVALID_POSTCODE = "invalid_postcode"
    PLACEHOLDER = "placeholder"
    NO_FIXED_ABODE = "no_fixed_abode"


class Note(StrEnum):
    """Notes on valid rows worth a look but not failures: the ``note`` column."""

    NO_POSTCODE = "no_postcode"


logger = logging.getLogger(__name__)

NAME = "address"
DESCRIPTION = "Postal address: UK components (sub-building to postcode), canonical Royal Mail style"
MAX_LENGTH = 512

#: Component names returned by :func:`parse`, in canonical order.
COMPONENTS: tuple[str, ...] = (
    "sub_building",
    "building_name",
    "building_number",
    "street",
    "locality",
    "town",
    "county",
    "postcode",
)

_DATA = refdata.load("address")
#: Royal Mail abbreviations (upper case, dots removed) and their expansions. ``ST`` is contextual.
#: Data: ``dataclean/refdata/address.json`` (table ``abbreviations``, with its source).
ABBREVIATIONS: dict[str, str] = _DATA.table("abbreviations").mapping("abbreviation", "expansion")
#: Street words that mark a thoroughfare wherever they appear.
STRONG_SUFFIXES = frozenset(
    {
        "ROAD",
        "STREET",
        "AVENUE",
        "CLOSE",
        "CRESCENT",
        "DRIVE",
        "GARDENS",
        "GROVE",
        "LANE",
        "PLACE",
        "SQUARE",
        "TERRACE",
        "WAY",
        "WALK",
        "MEWS",
        "ROW",
        "PARADE",
        "BOULEVARD",
        "ESPLANADE",
        "PROMENADE",
        "HIGHWAY",
    }
)
#: Words that end street names but also place and building names (Forest Hill, Hill Court): used
#: to split ``12 <street> <town>`` written without commas, not to find a street with no number.
WEAK_SUFFIXES = frozenset(
    {
        "COURT",
        "PARK",
        "HILL",
        "GREEN",
        "RISE",
        "VIEW",
        "VALE",
        "GATE",
        "END",
        "CHASE",
        "CROFT",
        "MEAD",
        "WHARF",
        "QUAY",
        "ESTATE",
    }
)
_SUFFIXES = STRONG_SUFFIXES | WEAK_SUFFIXES
SUB_BUILDING_WORDS = frozenset({"FLAT", "APARTMENT", "UNIT", "ROOM", "SUITE", "STUDIO", "MAISONETTE"})
_FLOOR_FLAT = re.compile(r"^(?:(?:GROUND|FIRST|SECOND|THIRD|TOP|BASEMENT|UPPER|LOWER)(?: FLOOR)? (?:FLAT|MAISONETTE))")
#: Counties (and their common abbreviations) recognised at the end of an address.
#: Data: ``dataclean/refdata/address.json`` (table ``counties``: ``name`` as written, ``full_name``).
COUNTIES: frozenset[str] = frozenset(_DATA.table("counties").column("name"))
#: A compass word before a county, alone in its part, names an area (``West Berkshire``, ``North
#: Somerset``, ``Mid Sussex``): dropped with the county, not left as a town.
COMPASS_WORDS = frozenset({"NORTH", "SOUTH", "EAST", "WEST", "MID"})
NO_FIXED_ABODE_TOKENS = frozenset(
    {"NO FIXED ABODE", "NFA", "NO FIXED ADDRESS", "NO FIXED ABODE NFA", "HOMELESS", "NO ABODE"}
)
ADDRESS_PLACEHOLDERS = PLACEHOLDER_TOKENS | frozenset(
    {"ADDRESS UNKNOWN", "UNKNOWN ADDRESS", "ADDRESS NOT KNOWN", "NOT KNOWN", "NO ADDRESS", "NONE GIVEN", "NOT GIVEN"}
)
_SMALL_WORDS = frozenset({"OF", "AND", "UPON", "ON", "THE", "IN", "BY", "UNDER", "AT", "LE", "CUM", "NEXT", "SUPER"})

_POSTCODE_RE = re.compile(r"(?<![A-Z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})(?![A-Z0-9])", re.I | re.A)
_ALLOWED_RE = re.compile(r"^[^\W_]*(?:[ ,.'&/()#-]+[^\W_]*)*$")
_NON_ASCII_DIGIT = re.compile(r"[^\D0-9]")
_NUMBER_RE = re.compile(r"^[0-9]{1,5}[A-Z]?(?:-[0-9]{1,5}[A-Z]?)?$")
_SUB_ID_RE = re.compile(r"^(?:[0-9]{1,5}[A-Z]?|[A-Z]|[A-Z][0-9]{1,4})$")
_SPACES = re.compile(f"[{re.escape(WHITESPACE)}]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


# ---------------------------------------------------------------------------------------------
# scalar API
# ---------------------------------------------------------------------------------------------


def compact(value: Any) -> str:
    """Line breaks to commas, collapse whitespace, straighten apostrophes, tidy commas; no checks."""
    text = unicodedata.normalize("NFC", scalar_text(value, max_length=MAX_LENGTH)).translate(_APOSTROPHES)
    text = re.sub(r"[\r\n]+", ", ", text)
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r" ?,[ ,]*", ", ", text)
    return text.strip(", ")


def _key(text: str) -> str:
    """Upper case, dots dropped, spaces collapsed: for comparing with token lists."""
    return " ".join(text.replace(".", " ").upper().split())


_HAS_DIGIT = re.compile(r"[0-9]")


@functools.lru_cache(maxsize=16384)
def _title_word(word: str) -> str:
    """Title case for one word (cached: street and town words repeat across a column)."""
    up = word.upper()
    if _HAS_DIGIT.search(word):
        return up  # 12A, B12, 12-14
    pieces = []
    for piece in word.split("-"):
        low = piece.lower()
        if "'" in low:
            head, _, tail = low.partition("'")
            # O'Brien Close; St Mary's Road
            low = head.capitalize() + "'" + (tail.capitalize() if len(head) == 1 else tail)
        elif low.startswith("mc") and len(low) > 3:
            low = "Mc" + low[2:].capitalize()
        else:
            low = low.capitalize()
        pieces.append(low)
    for i in range(1, len(pieces) - 1):  # Southend-on-Sea, Stratford-upon-Avon
        if pieces[i].upper() in _SMALL_WORDS:
            pieces[i] = pieces[i].lower()
    return "-".join(pieces)


def _title(words: list[str]) -> str:
    out = []
    for i, w in enumerate(words):
        out.append(w.lower() if i > 0 and w.upper() in _SMALL_WORDS and i < len(words) - 1 else _title_word(w))
    return " ".join(out)


def _expand(words: list[str]) -> list[str]:
    """Expand abbreviations (upper-case keys) in one comma-separated part; ``St`` by context."""
    keys = [w.upper() for w in words]
    out = [ABBREVIATIONS.get(k, k) for k in keys]
    for i, k in enumerate(keys):
        if k != "ST":
            continue
        prev = out[i - 1] if i > 0 else None
        later_suffix = any(o in _SUFFIXES for o in out[i + 1 :] if o != "ST")
        after_word = prev is not None and not _NUMBER_RE.match(prev) and prev not in _SUFFIXES and prev != "ST"
        out[i] = "STREET" if after_word and not later_suffix else "ST"
    # keep the user's spelling (for non-ASCII letters) where nothing was expanded
    return [w if o == k else o for w, k, o in zip(words, keys, out)]


def _split_postcode(text: str) -> tuple[str, str | None]:
    """Take the last postcode-shaped run out of ``text``; validate it with the postcode module."""
    from dataclean.fields import postcode as postcode_field

    matches = list(_POSTCODE_RE.finditer(text))
    if not matches:
        return text, None
    m = matches[-1]
    candidate = (m.group(1) + m.group(2)).upper()
    try:
        code = postcode_field.validate(candidate)
    except ValidationError as err:
        if err.reason == "placeholder":
            if postcode_field.pseudo_postcode_meaning(candidate) == "no fixed abode":
                raise NoFixedAbode() from None
            raise PlaceholderValue("The address has an NHS pseudo-postcode (no real address).") from None
        raise InvalidPostcode() from None
    rest = (text[: m.start()] + " " + text[m.end() :]).strip(" ,")
    return rest, code


def _check_text(text: str) -> None:
    """Stage 1: reject no-fixed-abode and placeholder tokens and characters an address does not hold."""
    key = _key(text)
    if key in NO_FIXED_ABODE_TOKENS or text.upper().replace(" ", "") in {"N.F.A.", "N.F.A"}:
        raise NoFixedAbode()
    if key in ADDRESS_PLACEHOLDERS or text.upper() in ADDRESS_PLACEHOLDERS:
        raise PlaceholderValue("The address is a placeholder, not real data.")
    if not _ALLOWED_RE.match(text) or _NON_ASCII_DIGIT.search(text):
        raise InvalidFormat("An address has letters, digits, spaces and , . ' & / ( ) # - only.")


def _split_parts(rest: str) -> list[list[str]]:
    """Stage 3: the text without its postcode as comma-separated parts of words, abbreviations expanded."""
    if _key(rest) in NO_FIXED_ABODE_TOKENS:
        raise NoFixedAbode()
    if not any(ch.isalpha() for ch in rest):
        raise InvalidFormat("No street, building number or building name was found.")
    parts: list[list[str]] = []
    for raw in rest.replace(".", " ").split(","):
        words = raw.split()
        if words:
            parts.append(_expand(words))
    return parts


def _take_sub_building(parts: list[list[str]], out: dict[str, str | None]) -> list[list[str]]:
    """Stage 4: ``Flat 3``, ``Apartment 2``, ``Ground Floor Flat`` at the start go to ``sub_building``."""
    if not parts:
        return parts
    first = parts[0]
    up = [w.upper() for w in first]
    floor = _FLOOR_FLAT.match(" ".join(up))
    n_sub = 0
    if floor:
        n_sub = len(floor.group(0).split())
    elif len(up) >= 2 and up[0] in SUB_BUILDING_WORDS and _SUB_ID_RE.match(up[1]):
        n_sub = 2
    if not n_sub:
        return parts
    out["sub_building"] = _title(first[:n_sub])
    return ([first[n_sub:]] if len(first) > n_sub else []) + parts[1:]


def _numbered(part: list[str]) -> bool:
    """A part that starts with a building number and has more words (``12 High Street``)."""
    return len(part) >= 2 and _NUMBER_RE.match(part[0].upper()) is not None


def _strong_at(part: list[str]) -> int | None:
    """Where the first strong street word (after the first word) is, if any."""
    for j, w in enumerate(part):
        if j > 0 and w.upper() in STRONG_SUFFIXES:
            return j
    return None


def _regroup(parts: list[list[str]]) -> list[list[str]]:
    """Stage 5: a number on its own joins the next part (``12, High Street``), and a street word
    followed by a number ends a part (``Mill Lane 12 High St`` written without a comma)."""
    merged: list[list[str]] = []
    i = 0
    while i < len(parts):
        p = parts[i]
        if len(p) == 1 and _NUMBER_RE.match(p[0].upper()) and i + 1 < len(parts):
            merged.append(p + parts[i + 1])
            i += 2
        else:
            merged.append(p)
            i += 1
    split_parts: list[list[str]] = []
    for p in merged:
        cut = _strong_at(p)
        while cut is not None and cut + 2 < len(p) and _NUMBER_RE.match(p[cut + 1].upper()):
            split_parts.append(p[: cut + 1])
            p = p[cut + 1 :]
            cut = _strong_at(p[1:])
            cut = None if cut is None else cut + 1
        split_parts.append(p)
    return split_parts


def _street_index(parts: list[list[str]]) -> int | None:
    """Stage 6: the street is the first numbered part, else the first with a strong street word,
    else the first ending in a weak one (``Bell Court``)."""
    s = next((j for j, p in enumerate(parts) if _numbered(p)), None)
    if s is None:
        s = next((j for j, p in enumerate(parts) if _strong_at(p) is not None), None)
    if s is None:
        s = next((j for j, p in enumerate(parts) if len(p) >= 2 and p[-1].upper() in WEAK_SUFFIXES), None)
    return s


def _take_street(parts: list[list[str]], s: int | None, out: dict[str, str | None]) -> list[list[str]]:
    """Stage 7: building number, street and building name; returns the parts after the street."""
    if s is None:
        if len(parts) >= 2:
            out["building_name"] = _title(parts[0])
            return parts[1:]
        if out["sub_building"] and len(parts) == 1:
            out["building_name"] = _title(parts[0])
            return []
        raise InvalidFormat("No street, building number or building name was found.")
    before, street_part, trailing = parts[:s], parts[s], parts[s + 1 :]
    if _numbered(street_part):
        out["building_number"] = street_part[0].upper()
        words = street_part[1:]
    else:
        words = street_part
    # split "High Street Chelmsford" (no comma) after the street word
    cut = _strong_at(words)
    if cut is None:
        cut = next((j for j in range(len(words) - 1, 0, -1) if words[j].upper() in WEAK_SUFFIXES), None)
    if cut is not None and cut < len(words) - 1:
        trailing = [words[cut + 1 :], *trailing]
        words = words[: cut + 1]
    if not any(ch.isalpha() for ch in "".join(words)):
        raise InvalidFormat("No street, building number or building name was found.")
    out["street"] = _title(words)
    if before:
        out["building_name"] = ", ".join(_title(p) for p in before)
    return trailing


def _take_places(trailing: list[list[str]], out: dict[str, str | None]) -> None:
    """Stage 8: a county at the end (a part, or the end of the last part: ``Chelmsford Essex``),
    then the town (the last part) and the locality (the parts before it)."""
    if trailing:
        last = trailing[-1]
        up = [w.upper() for w in last]
        for n in (4, 3, 2, 1):
            if len(up) >= n and " ".join(up[-n:]) in COUNTIES:
                if len(up) == n + 1 and up[0] in COMPASS_WORDS:
                    n += 1  # "West Berkshire", "Mid Sussex": an area, not the town "West"
                out["county"] = _title(last[-n:])
                trailing = trailing[:-1] + ([last[:-n]] if len(last) > n else [])
                break
    if any(not any(ch.isalpha() for ch in "".join(p)) for p in trailing):
        raise InvalidFormat("A locality or town has no letters.")
    if trailing:
        out["town"] = _title(trailing[-1])
        if len(trailing) > 1:
            out["locality"] = ", ".join(_title(p) for p in trailing[:-1])


def _parse_uk(text: str) -> dict[str, str | None]:
    """Components of compacted text, or raise: the stages in order (postcode first, stage 2)."""
    _check_text(text)
    rest, code = _split_postcode(text)
    parts = _split_parts(rest)
    out: dict[str, str | None] = dict.fromkeys(COMPONENTS)
    out["postcode"] = code
    parts = _regroup(_take_sub_building(parts, out))
    trailing = _take_street(parts, _street_index(parts), out)
    _take_places(trailing, out)
    if out["street"] is None and out["town"] is None and out["sub_building"] is None:
        # a lone building name ("Rose Cottage, Essex") cannot be told from a place name
        raise InvalidFormat("No street, building number or building name was found.")
    return out


@functools.lru_cache(maxsize=65536)
def _parse_text(text: str) -> tuple[tuple[str, str | None], ...]:
    """Components of compacted text, checked to read back the same from their canonical line.

    The rules are heuristics; on odd input (``12 lane 12 road 12``) the canonical line could parse
    differently. Such input is rejected as ``invalid_format`` so ``validate`` is idempotent.
    """
    parts = _parse_uk(text)
    line = canonical_from_components(parts)
    if line != text and not _reads_back(line):
        raise InvalidFormat("The address parts are ambiguous.")
    return tuple(parts.items())


@functools.lru_cache(maxsize=131072)
def _reads_back(line: str) -> bool:
    """Whether a canonical line parses to itself (cached: many spellings share one line)."""
    try:
        return canonical_from_components(_parse_uk(line)) == line
    except ValidationError:
        return False


def parse(value: Any) -> dict[str, str | None]:
    """UK address components (see :data:`COMPONENTS`; ``None`` where absent), or raise."""
    return dict(_parse_text(compact(value)))


def canonical_from_components(parts: dict[str, str | None]) -> str:
    """Join components Royal Mail style: county left out, postcode last."""
    number_street = " ".join(p for p in (parts.get("building_number"), parts.get("street")) if p)
    pieces = (
        parts.get("sub_building"),
        parts.get("building_name"),
        number_street,
        parts.get("locality"),
        parts.get("town"),
        parts.get("postcode"),
    )
    return ", ".join(p for p in pieces if p)


def validate(value: Any) -> str:
    """Return the canonical address (``Flat 3, 12 High Street, Chelmsford, CM1 1QH``), or raise."""
    return canonical_from_components(parse(value))


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """Multi-line display form: one component per line, county left out (as on an envelope)."""
    return validate(value).replace(", ", "\n")


def note(canonical: str) -> str | None:
    """``no_postcode`` for a valid address without a postcode."""
    return None if _POSTCODE_RE.search(canonical.rsplit(", ", 1)[-1]) else "no_postcode"


# ---------------------------------------------------------------------------------------------
# column API
# ---------------------------------------------------------------------------------------------


def _validate_text(text: str) -> str:
    return canonical_from_components(dict(_parse_text(compact(text))))


# --- fast path: the common shapes as one RE2 extraction over the distinct values ----------------

# a plain word: letters, hyphenated pieces (Clacton-on-Sea), an apostrophe only after a first single
# letter (O'Brien); Mc + 2 letters or more (McDonald) has its own title rule, in _title_arrow
_W = r"(?:[A-Z]')?[A-Z]+(?:-[A-Z]+)*"
_SUB = r"(?:" + "|".join(sorted(SUB_BUILDING_WORDS)) + r") (?:[0-9]{1,5}[A-Z]?|[A-Z]|[A-Z][0-9]{1,4})"
_PC = r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}"
_PC_MAX = 8  # the longest text _PC matches
#: Strong street words and the abbreviations that expand to them (``ST`` is contextual: left out).
_STRONG_SPELLINGS = sorted(STRONG_SUFFIXES | {k for k, v in ABBREVIATIONS.items() if v in STRONG_SUFFIXES})
#: The parser takes ``FLAT 3`` at the start as the sub-building whether a comma or a space follows.
_FAST_HEAD = rf"^(?:(?P<sub>{_SUB}),? )?(?:(?P<bname>{_W}(?: {_W}){{0,3}}), )?(?P<num>[0-9]{{1,5}}[A-Z]?) "
_FAST_TAIL = rf"(?:, (?P<loc>{_W}(?: {_W}){{0,3}}))?, (?P<town>{_W}(?: {_W}){{0,3}})(?:,? (?P<pc>{_PC}))?$"
#: With commas: any words make the street (``12 Bell Wall, Town, PC``).
_FAST_COMMA = _FAST_HEAD + rf"(?P<shead>(?:{_W} ){{0,4}})(?P<slast>{_W})" + _FAST_TAIL
#: Without a comma after the street, its street word ends it (``12 High Rd Town PC``); the
#: parser looks for that word after the first, so ``12 Lane Coves Town`` is not this shape.
_FAST_NO_COMMA = (
    _FAST_HEAD
    + rf"(?P<shead>(?:{_W} ){{1,4}})(?P<slast>{'|'.join(_STRONG_SPELLINGS)}) "
    + rf"(?P<town>{_W}(?: {_W}){{0,3}})(?:,? (?P<pc>{_PC}))?$"
)
#: Without a number: named parts only (``Rose Cottage, Mill Road Farm, Town, PC``): the first is
#: the building name, the last the town, the others the locality.
_FAST_NAMED = (
    rf"^(?P<bname>{_W}(?: {_W}){{0,3}})(?P<loc>(?:, {_W}(?: {_W}){{0,3}}){{1,2}})?, "
    rf"(?P<town>{_W}(?: {_W}){{0,3}})(?:,? (?P<pc>{_PC}))?$"
)
#: Without commas at all after the number: the parser ends the street at its first street word
#: (after the first word), else at its last weak street word; the rest is the town.
_FAST_ONE_PART = (
    rf"^(?:(?P<sub>{_SUB}),? )?(?:(?P<bname>{_W}(?: {_W}){{0,3}}), )?(?P<num>[0-9]{{1,5}}[A-Z]?) "
    rf"(?P<words>{_W}(?: {_W}){{0,9}})(?:,? (?P<pc>{_PC}))?$"
)
#: Words the parser treats specially wherever they stand (expanded, lower-cased, or a sub-building).
_SPECIAL_WORDS = sorted(
    set(ABBREVIATIONS) | {"ST"} | _SMALL_WORDS | SUB_BUILDING_WORDS
    | {"GROUND", "FIRST", "SECOND", "THIRD", "TOP", "BASEMENT", "FLOOR", "UPPER", "LOWER"}
    | {w for token in NO_FIXED_ABODE_TOKENS | ADDRESS_PLACEHOLDERS for w in token.split()}
)  # fmt: skip
#: ... and street words, which end a street where they stand (not allowed inside one).
_SPECIAL_OR_SUFFIX = sorted(set(_SPECIAL_WORDS) | _SUFFIXES | set(ABBREVIATIONS.values()))
#: Spellings of street words (and their abbreviations) that may end a street (expanded if abbreviated).
_SUFFIX_SPELLINGS = sorted(_SUFFIXES | {k for k, v in ABBREVIATIONS.items() if v in _SUFFIXES})
#: The last word of every county: a town ending otherwise cannot end in a county.
_COUNTY_LAST_WORDS = sorted({c.split()[-1] for c in COUNTIES})


# --- the comma shape as one DFA match over the distinct texts (no capture groups) ---------------
#
# ``[SUB[,] ][NAME, ...]NUM STREET[, LOCALITY ...], TOWN[[,] POSTCODE]`` (line breaks are
# written as commas first, as the parser reads them), with each word's class written into the
# pattern (see ``_address_fast``): what the parser
# does with such a text is then known without extracting anything. The canonical line is the
# text title-cased, with line breaks as commas, a comma after the sub-building, the street word
# expanded (``RD`` to ``ROAD``) and the postcode in its canonical form.

_SEP = ", "
_SEP_OR_SPACE = r"(?:, | )"
_WORDS = rf"{_W}(?: {_W})*"
#: The structure, with any words: a sub-building followed by a space is followed by the number.
_COMMA_SHAPE = (
    rf"^(?:{_SUB}(?: |{_SEP}(?:{_WORDS}{_SEP})*)|(?:{_WORDS}{_SEP})*)[0-9]{{1,5}}[A-Z]? {_WORDS}"
    rf"(?:{_SEP}{_WORDS})*{_SEP}{_WORDS}(?:{_SEP_OR_SPACE}{_PC})?$"
)


def _alternation(words: Any) -> str:
    return "(?:" + "|".join(sorted(w for w in words if w.isascii() and w.isalpha())) + ")"


#: Special words in a part of names (not the street): small words are only title-cased (see
#: :func:`_lower_small_words`), and a sub-building word is read as one only first in the text
#: before its number (``FLAT 3``, a shape of its own): ``Jenna Flat`` is a plain name.
_PART_SPECIAL_WORDS = set(_SPECIAL_WORDS) - _SMALL_WORDS - SUB_BUILDING_WORDS
#: ... and in the street (the same: small words are title-cased there too, after its first word).
_STREET_SPECIAL_WORDS = _PART_SPECIAL_WORDS
_STREET_SPECIAL_OR_SUFFIX = set(_SPECIAL_OR_SUFFIX) - _SMALL_WORDS - SUB_BUILDING_WORDS
#: A county ending the text (before a postcode): the parser takes the last one to four words of the
#: last part that name a county (a compass word alone before it too), so the text is the parser's.
_COUNTY_END = (
    rf"(?:^| |, )(?:{'|'.join(sorted((c for c in COUNTIES if c.isascii()), key=len, reverse=True))})"
    rf"(?:{_SEP_OR_SPACE}{_PC})?$"
)
_ANY_WORD_SP = r"(?:[A-Z'\-]+ )"
_SP_ANY_WORD = r"(?: [A-Z'\-]+)"
_STREET_START = r"(?:^| |, |\n)[0-9]{1,5}[A-Z]? "
_PART_END = rf"(?:{_SEP}|$| [A-Z]{{1,2}}[0-9])"
#: Where a part starts: the text's start, a separator, or after a sub-building and a space (the
#: parser takes ``FLAT 3`` off the first part and reads the rest of it as a part).
_PART_START = rf"(?:^|{_SEP}|^{_SUB} )"
#: In a text of :data:`_COMMA_SHAPE`, words the parser reads otherwise than as plain title-cased
#: words (so the text is left to the other paths): a special word in a part without digits (a
#: building name, locality or town), a special word first in the street (unless it is the only
#: word), a street word inside it, a last street word that is special (street words, expanded
#: when abbreviated, and sub-building words stand: Faker's ``Joel Flat``, as the parser looks for
#: those only at the start of the first part), and a town ending in a county's last word.
_COMMA_SHAPE_OTHERWISE = "|".join(
    [
        rf"{_PART_START}{_ANY_WORD_SP}*{_alternation(_PART_SPECIAL_WORDS)}{_SP_ANY_WORD}*{_PART_END}",
        rf"{_STREET_START}{_alternation(_STREET_SPECIAL_WORDS)}{_SP_ANY_WORD}+{_SEP}",
        rf"{_STREET_START}[A-Z'\-]+ {_ANY_WORD_SP}*{_alternation(_STREET_SPECIAL_OR_SUFFIX)}{_SP_ANY_WORD}+{_SEP}",
        rf"{_STREET_START}{_ANY_WORD_SP}*"
        rf"{_alternation(_STREET_SPECIAL_OR_SUFFIX - set(_SUFFIX_SPELLINGS))}{_SEP}",
        _COUNTY_END,
    ]
)
#: Named parts only (``Rose Cottage, Mill Lane, Town``), or a sub-building then named parts, one
#: or more (``Flat 0, Francesca Plains, Town``: Faker's ``address()``): whichever part the parser
#: takes for the street, the line is the parts title-cased (a comma after the sub-building),
#: unless it cuts a part after a strong street word inside it (a part taken for its weak street
#: word ends with it: no cut). Without a sub-building one part is a lone building name (invalid),
#: so two parts at least.
_NAMED_SHAPE = (
    rf"^(?:{_WORDS}(?:{_SEP}{_WORDS})+|{_SUB}(?: |{_SEP}){_WORDS}(?:{_SEP}{_WORDS})*)(?:{_SEP_OR_SPACE}{_PC})?$"
)
_NAMED_SHAPE_OTHERWISE = (
    _COMMA_SHAPE_OTHERWISE
    + rf"|{_PART_START}[A-Z'\-]+ {_ANY_WORD_SP}*"
    + rf"{_alternation(_STRONG_SPELLINGS)} [A-Z'\-]+"
)
#: One part (no commas): ``[FLAT 3 ]12 WORDS[ POSTCODE]``. The parser ends the street at a street
#: word after its first word, so without one the whole part is the street (no town).
_ONE_PART_SHAPE = rf"^(?:{_SUB} )?[0-9]{{1,5}}[A-Z]? {_WORDS}(?: {_PC})?$"
_ONE_PART_START = rf"^(?:{_SUB} )?[0-9]{{1,5}}[A-Z]? "  # the street's number, after a sub-building
_ONE_PART_SHAPE_OTHERWISE = (
    rf"{_ONE_PART_START}{_ANY_WORD_SP}*{_alternation(_STREET_SPECIAL_WORDS)}(?: |$)"
    rf"|{_ONE_PART_START}[A-Z'\-]+ {_ANY_WORD_SP}*{_alternation(_STREET_SPECIAL_OR_SUFFIX)}(?: |$)"
)
#: Any of the three shapes, matched in one pass; a text of one is decided unless it matches the
#: union of their exceptions (more cautious than each shape's own, never less).
_ANY_SHAPE = f"(?:{_COMMA_SHAPE})|(?:{_NAMED_SHAPE})|(?:{_ONE_PART_SHAPE})"
_ANY_SHAPE_OTHERWISE = f"{_NAMED_SHAPE_OTHERWISE}|{_ONE_PART_SHAPE_OTHERWISE}"
#: A county as the last part (``..., Town, Essex, CM1 1QH``): the parser drops it, and it cannot be
#: taken for the street or anything else (counties holding a special or street word are left
#: out), so the line is that of the text without it, when that text is of a shape. Counties of
#: more than four words are not recognised by the parser and are left out too.
_PLAIN_COUNTIES = sorted(
    c
    for c in COUNTIES
    if len(c.split()) <= 4
    and c.isascii()
    and not set(c.split()) & ((set(_SPECIAL_OR_SUFFIX) - _SMALL_WORDS) | _SUFFIXES)
)
_COUNTY_PART = (
    rf"{_SEP}(?:{_alternation(COMPASS_WORDS)} )?(?:{'|'.join(_PLAIN_COUNTIES)})((?:{_SEP_OR_SPACE}{_PC})?)$"
)
#: The parser ends the street at its first strong street word after the street's first word, and
#: the words after it start a new part (``12 Mill Road Farm, Town`` reads ``12 Mill Road, Farm,
#: Town``). The street is the first numbered part, or without one the first part with such a word
#: (after a sub-building): the text with a comma put there reads the same, and is decided when it
#: is of that shape (numbered: the comma or one-part shape; named: the named shape).
_STRONG = _alternation(STRONG_SUFFIXES)
_CUT_NUMBERED = (
    rf"^((?:{_SUB}(?: |, (?:{_WORDS}, )*)|(?:{_WORDS}, )*)[0-9]{{1,5}}[A-Z]? {_W}(?: {_W})*? {_STRONG}) ({_W})"
)
_CUT_NAMED = rf"^((?:{_SUB}(?:, | ))?{_W}(?: {_W})*? {_STRONG}) ({_W})"
_NUMBERED_SHAPES = f"(?:{_COMMA_SHAPE})|(?:{_ONE_PART_SHAPE})"
#: The rewritings tried on the texts of no shape, in order: (pattern, replacement, the shape the
#: rewritten text must have). A county part is cut (without it, a text may read otherwise: ``Town
#: Essex, Essex``, so only when the rest is of a shape and not an exception), then a street cut
#: after its first strong street word, numbered or named.
_REWRITES = (
    (_COUNTY_PART, "county", _ANY_SHAPE),
    (_CUT_NUMBERED, "cut", _NUMBERED_SHAPES),
    (_CUT_NAMED, "cut", _NAMED_SHAPE),
)
#: The county part at the very end (the postcode cut off first): no capture group, so RE2 finds it
#: without its slower capturing engines.
_COUNTY_AT_END = rf"{_SEP}(?:{_alternation(COMPASS_WORDS)} )?(?:{'|'.join(_PLAIN_COUNTIES)})$"
#: Street-word abbreviations: in a text of the comma shape only the street's last word can be one.
_STREET_ABBREVIATIONS = {k: v for k, v in ABBREVIATIONS.items() if v in _SUFFIXES}
#: What a text of the comma shape may need besides title case: a small word inside a part, an
#: abbreviated street word (these before title-casing), ``Mc`` or a hyphen (title-cased by
#: :func:`_title_arrow`); and no comma after the sub-building (:data:`_SUB_NO_COMMA`, put in by
#: :func:`_inserted_lines`).
_WORD_FIXES = rf" {_alternation(_SMALL_WORDS)} [A-Z]| (?:{'|'.join(sorted(_STREET_ABBREVIATIONS))}){_SEP}|MC|-"
_SUB_NO_COMMA = rf"^{_SUB} "
#: The exceptions and the fixes in one pass over the texts of a shape (most match neither): the
#: few that match are then told apart.
_OTHERWISE_OR_FIX = f"{_ANY_SHAPE_OTHERWISE}|{_WORD_FIXES}|{_SUB_NO_COMMA}"


def _comma_canonical(text: Any) -> tuple[np.ndarray, list[tuple[Any, list]], np.ndarray]:
    """(decided, pieces, no_postcode) per text: the texts of :data:`_COMMA_SHAPE` with a valid
    postcode (or none) are decided; ``pieces`` (one per row range, in order) hold their canonical
    lines as ``(lines, patches)`` for :func:`_assembled`: title-cased lines of every row (those of
    the undecided rows are not answers) and the ``(mask, lines)`` of the rows that needed more.
    Large columns are cut in row ranges worked in threads (the work is Arrow and numpy)."""
    import pyarrow.compute as pc

    ranges = thread_ranges(len(text))
    parts = map_ranges(lambda a, b: _comma_canonical_rows(pc.ascii_upper(text.slice(a, b - a))), ranges)
    return (
        np.concatenate([p[0] for p in parts]),
        [(p[1], p[2]) for p in parts],
        np.concatenate([p[3] for p in parts]),
    )


def _comma_canonical_rows(upper: Any) -> tuple[np.ndarray, Any, list, np.ndarray]:
    """:func:`_comma_canonical` on one range of rows: (decided, lines, patches, no_postcode). The
    texts are worked in place, the undecided ones along with the others (cheaper than copying the
    decided ones out and the lines back); their lines are replaced by :func:`_assembled`. The
    texts decided once rewritten (a few) are worked apart and their lines added to the patches."""
    import pyarrow as pa

    n = len(upper)
    upper = lines_as_commas(upper)  # line breaks as the parser reads them ("\r\n" and "\n" as ", ")
    decided, maybe_fix = _shape_rows(upper)
    rest = np.flatnonzero(~decided)
    rewritten = np.zeros(len(rest), dtype=bool)
    if len(rest):  # the others rewritten where that decides them (on the few, not the column)
        others = upper.take(pa.array(rest))
        for pattern, how, shape in _REWRITES:
            others = _rewritten(others, rewritten, pattern, how, shape)
    if not decided.any() and not rewritten.any():
        return decided, pa.nulls(n, pa.string()), [], np.zeros(n, dtype=bool)
    decided, line, patches, no_postcode = _title_lines(upper, decided, maybe_fix)
    if rewritten.any():  # their rewritten texts were not looked at for fixes: all may need some
        texts = others.filter(pa.array(rewritten))
        every = np.ones(len(texts), dtype=bool)
        ok, lines_r, patches_r, no_postcode_r = _title_lines(texts, every, every)
        rows = rest[rewritten]
        decided[rows[ok]] = True
        no_postcode[rows] = no_postcode_r
        patches.append((_mask(n, rows[ok]), _patched(lines_r, patches_r).filter(pa.array(ok))))
    return decided, line, patches, no_postcode


def _assembled(pieces: list[tuple[Any, list]], decided: np.ndarray, rest_lines: Any) -> Any:
    """The canonical lines of :func:`_comma_canonical`'s ``pieces`` with the undecided rows' lines
    (``rest_lines``, in row order, one per row not ``decided``) put in: one copy of each piece's
    lines for all its patches, the pieces in threads (a chunked array, one chunk per piece)."""
    import pyarrow as pa

    jobs, start, taken = [], 0, 0
    for line, patches in pieces:
        m = len(line)
        undecided = ~decided[start : start + m]
        k = int(undecided.sum())
        jobs.append((line, [*patches, (undecided, rest_lines.slice(taken, k))] if k else patches))
        taken += k
        start += m
    chunks = map_ranges(lambda i, _: _patched(*jobs[i]), [(i, i + 1) for i in range(len(jobs))])
    return pa.chunked_array(chunks, type=pa.string())


def _title_lines(texts: Any, decided: np.ndarray, maybe_fix: np.ndarray) -> tuple[np.ndarray, Any, list, np.ndarray]:
    """(decided, title-cased lines, patches, no_postcode) of upper-cased texts of a shape (the
    ``decided`` ones; the others ride along): those whose postcode is not valid are no longer
    decided; the lines are the texts title-cased with the postcode kept in upper case, and the
    patches (``(mask, lines)`` for :func:`_patched`) the lines of the texts that need more."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(texts)
    tail = trailing_postcodes(texts)  # read on every text; used on the decided ones
    decided = decided & (~tail.has | _tail_postcode_ok(tail))
    maybe_fix = maybe_fix & decided
    # lines that need more than title case and the postcode in upper case, fixed apart: the words
    # (a regex found them) by :func:`_comma_fixed`; a comma after the sub-building or before the
    # postcode, or the postcode's space, by putting in bytes (:func:`_inserted_lines`)
    words_fix = np.zeros(n, dtype=bool)
    sub_fix = np.zeros(n, dtype=bool)
    if maybe_fix.any():
        found = texts.filter(pa.array(maybe_fix))
        words_fix[maybe_fix] = _bools_a(pc.match_substring_regex(found, _WORD_FIXES))
        sub_fix[maybe_fix] = _bools_a(pc.match_substring_regex(found, _SUB_NO_COMMA))
    sub_fix &= ~words_fix  # :func:`_comma_fixed` puts the comma in for those
    insert = decided & ~words_fix & (sub_fix | (tail.has & ~(tail.comma & tail.has_space)))
    # title case with the postcode kept in upper case, in one pass over the bytes
    line = title_upper_bytes(texts, np.where(decided & tail.has & ~words_fix & ~insert, tail.length, 0))
    patches = []
    if insert.any():
        patches.append((insert, _inserted_lines(texts.filter(pa.array(insert)), tail.subset(insert), sub_fix[insert])))
    if words_fix.any():
        patches.append((words_fix, _comma_fixed(texts.filter(pa.array(words_fix)), tail.subset(words_fix))))
    return decided, line, patches, decided & ~tail.has


def _mask(n: int, rows: np.ndarray) -> np.ndarray:
    """A boolean mask of ``n`` rows, True at ``rows``."""
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def _shape_rows(upper: Any) -> tuple[np.ndarray, np.ndarray]:
    """(decided, maybe_fix) per upper-cased text: of :data:`_ANY_SHAPE` and not
    :data:`_ANY_SHAPE_OTHERWISE`; and, of those, the texts that may need more than title case
    (they match :data:`_WORD_FIXES` or :data:`_SUB_NO_COMMA`). The exceptions and the fixes are
    looked for in one pass (:data:`_OTHERWISE_OR_FIX`), then told apart on the few that match."""
    import pyarrow as pa
    import pyarrow.compute as pc

    hit = _bools_a(pc.match_substring_regex(upper, _ANY_SHAPE))
    maybe_fix = np.zeros(len(upper), dtype=bool)
    if not hit.any():
        return hit, maybe_fix
    # on every text (most are of a shape: cheaper than copying those out), then on the few
    either = np.flatnonzero(hit & _bools_a(pc.match_substring_regex(upper, _OTHERWISE_OR_FIX)))
    if len(either):
        exception = _bools_a(pc.match_substring_regex(upper.take(pa.array(either)), _ANY_SHAPE_OTHERWISE))
        hit[either[exception]] = False
        maybe_fix[either[~exception]] = True
    return hit, maybe_fix


#: Bytes from a text's start that hold a sub-building and the space after it (``MAISONETTE 12345A ``).
_SUB_WIDTH = max(len(w) for w in SUB_BUILDING_WORDS) + len(" 12345A ")


def _inserted_lines(texts: Any, tail: Any, sub_fix: np.ndarray) -> Any:
    """The lines of texts whose words need only title case, with what is missing put in by
    bytes: a comma after the sub-building (``sub_fix``: ``FLAT 3 12 HIGH ROAD`` to ``FLAT 3,
    12 ...``, before its second space), a comma before the postcode (its separator is then a
    space) and the postcode's space; then title case with the postcode kept in upper case."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lengths = np.asarray(pc.binary_length(texts).to_numpy(zero_copy_only=False), dtype=np.int64)
    sub_rows = np.flatnonzero(sub_fix)
    sub_at = nth_space(texts.filter(pa.array(sub_fix)), 2, _SUB_WIDTH) if len(sub_rows) else sub_rows
    sep_rows = np.flatnonzero(tail.has & ~tail.comma)  # ``TOWN CM1 1QH``: a comma before the space
    space_rows = np.flatnonzero(tail.has & ~tail.has_space)  # ``CM11QH``: a space before the inward code
    rows = np.concatenate([sub_rows, sep_rows, space_rows])
    where = np.concatenate(
        [sub_at, lengths[sep_rows] - tail.length[sep_rows] - 1, lengths[space_rows] - 3]
    ).astype(np.int64)
    values = np.concatenate(
        [np.full(len(sub_rows) + len(sep_rows), ord(","), np.uint8), np.full(len(space_rows), ord(" "), np.uint8)]
    )
    return title_upper_bytes(insert_bytes(texts, rows, where, values), tail.spaced_length)


def _patched(texts: Any, patches: list[tuple[np.ndarray, Any]]) -> Any:
    """``texts`` with the rows of each ``(mask, replacements)`` replaced (in row order; masks
    disjoint), by one :func:`~dataclean._core.replace_rows` (one copy of the column, whatever the
    patches)."""
    import pyarrow as pa

    if not patches:
        return texts
    mask = np.zeros(len(texts), dtype=bool)
    for m, _ in patches:
        mask |= m
    replacements = pa.concat_arrays([r.cast(texts.type) for _, r in patches])
    if len(patches) > 1:  # the replacements in row order
        rows = np.concatenate([np.flatnonzero(m) for m, _ in patches])
        replacements = replacements.take(pa.array(np.argsort(rows, kind="stable")))
    return replace_rows(texts, mask, replacements)


def _rewritten(upper: Any, decided: np.ndarray, pattern: str, how: str, shape: str) -> Any:
    """``upper`` rewritten where ``pattern`` matches a text not yet decided (``how``: ``county``
    cuts the county part, ``cut`` puts a comma after the street word), where the rewritten text
    is of ``shape`` and not :data:`_ANY_SHAPE_OTHERWISE` (the rewriting must not change what the
    parser reads); those are marked in ``decided`` (in place), the others are left as they were."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rest = np.flatnonzero(~decided)
    if not len(rest):
        return upper
    texts = upper.take(pa.array(rest))
    found = _bools_a(pc.match_substring_regex(texts, pattern))
    if not found.any():
        return upper
    found_texts = texts.filter(pa.array(found))
    if how == "county":
        cut = _without_county_part(found_texts)
    else:
        cut = pc.replace_substring_regex(found_texts, pattern, r"\1, \2")
    ok = _matching(cut, shape, _ANY_SHAPE_OTHERWISE)
    if not ok.any():
        return upper
    rows = rest[found][ok]
    decided[rows] = True
    mask = np.zeros(len(upper), dtype=bool)
    mask[rows] = True
    return replace_rows(upper, mask, cut.filter(pa.array(ok)))


def _without_county_part(texts: Any) -> Any:
    """Texts that match :data:`_COUNTY_PART` without their county part: the postcode and its
    separator (if any) are cut off by bytes, the county part removed at the end, and they are put
    back (what the capturing replacement ``\\1`` writes, without RE2's capturing engines)."""
    import pyarrow.compute as pc

    tail = trailing_postcodes(texts)
    k = np.where(tail.has, tail.length + tail.sep_length, 0)
    body = pc.replace_substring_regex(drop_tail_bytes(texts, k), _COUNTY_AT_END, "")
    return pc.binary_join_element_wise(body, keep_tail_bytes(texts, k), "")


def _matching(texts: Any, shape: str, otherwise: str) -> np.ndarray:
    """Per text: matches ``shape`` and not ``otherwise`` (run only on the texts of the shape)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    hit = _bools_a(pc.match_substring_regex(texts, shape))
    if hit.any():
        hit[np.flatnonzero(hit)[_bools_a(pc.match_substring_regex(texts.filter(pa.array(hit)), otherwise))]] = False
    return hit


def _comma_fixed(sub: Any, tail: Any) -> Any:
    """:func:`_comma_canonical`'s lines (postcode still title-cased) for the texts that need more
    than title case: postcode separator and spacing, sub-building comma, street word."""
    import pyarrow.compute as pc

    text = drop_tail_bytes(sub, np.where(tail.has, tail.length + tail.sep_length, 0))
    text = _where(text, rf"^{_SUB} ", lambda a: pc.replace_substring_regex(a, rf"^({_SUB}) ", r"\1, "))
    abbreviated = rf" (?:{'|'.join(sorted(_STREET_ABBREVIATIONS))}), "

    def expand(a: Any) -> Any:
        for short, long in sorted(_STREET_ABBREVIATIONS.items()):
            a = pc.replace_substring(a, f" {short}, ", f" {long}, ")
        return a

    text = _where(text, abbreviated, expand)
    line = _lower_small_words(_title_arrow(text))
    return pc.binary_join_element_wise(line, tail.spaced(), ", ", null_handling="skip")


def _small_inside(word: str) -> str:
    """A small word after a word of letters and before another word, in one part of a title-cased line."""
    return rf"((?:^|[ ,])[A-Za-z'\-]+) {word} ([A-Za-z])"


def _lower_small_words(title: Any) -> Any:
    """Small words inside a part in lower case, as :func:`_title` writes them (``Stoke upon the
    Hill``, ``Argyll and Bute``); not first in a part (``The Green``), nor last, nor after a
    building number (``12 The Green``: the street's words start after it)."""
    import pyarrow.compute as pc

    inside = _small_inside(_alternation(w.capitalize() for w in _SMALL_WORDS))
    for _ in range(4):  # a match takes the next word's first letter: small words in a row need more
        hit = pc.fill_null(pc.match_substring_regex(title, inside), False)
        if not pc.any(hit).as_py():
            break
        texts = title.filter(hit)
        for word in sorted(_SMALL_WORDS):  # the regex only where the word is (a literal search first)
            small, lower = _small_inside(word.capitalize()), rf"\1 {word.lower()} \2"
            fix = functools.partial(pc.replace_substring_regex, pattern=small, replacement=lower)
            texts = _where(texts, f" {word.capitalize()} ", fix, regex=False)
        title = replace_rows(title, hit, texts)
    return title


def _where(arr: Any, pattern: str, fn: Any, *, regex: bool = True) -> Any:
    """``fn`` applied only to the strings of ``arr`` that match ``pattern`` (most need nothing)."""
    import pyarrow.compute as pc

    find = pc.match_substring_regex if regex else pc.match_substring
    hit = pc.fill_null(find(arr, pattern), False)
    if not pc.any(hit).as_py():
        return arr
    return replace_rows(arr, hit, fn(arr.filter(hit)))


def _word_flags(parts: Any, words: Any) -> np.ndarray:
    """Per row: does any space-separated word of ``parts`` appear in ``words``?"""
    import pyarrow.compute as pc

    split = pc.split_pattern(pc.fill_null(parts, ""), " ")
    flat = pc.list_flatten(split)
    hit = np.asarray(pc.fill_null(pc.is_in(flat, words), False).to_numpy(zero_copy_only=False), dtype=bool)
    parent = np.asarray(pc.list_parent_indices(split).to_numpy(zero_copy_only=False))
    out = np.zeros(len(parts), dtype=bool)
    np.logical_or.at(out, parent[hit], True)
    return out


def _inner_word_flags(parts: Any, words: Any) -> np.ndarray:
    """Per row: does a word of ``words`` stand inside one of the ``", "``-separated parts (neither
    its first nor its last word)? The parser looks for street words after a part's first word and
    cuts a part after one that is not last, so only there does such a word change the line."""
    import pyarrow.compute as pc

    split_parts = pc.split_pattern(pc.fill_null(parts, ""), ", ")
    flat_parts = pc.list_flatten(split_parts)
    part_row = np.asarray(pc.list_parent_indices(split_parts).to_numpy(zero_copy_only=False))
    split_words = pc.split_pattern(flat_parts, " ")
    offsets = np.asarray(split_words.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    offsets -= offsets[0]
    lengths = np.diff(offsets)
    word_part = np.repeat(np.arange(len(lengths)), lengths)
    pos = np.arange(int(offsets[-1])) - offsets[:-1][word_part]
    hit = np.asarray(pc.fill_null(pc.is_in(pc.list_flatten(split_words), words), False).to_numpy(False), dtype=bool)
    hit &= (pos > 0) & (pos < lengths[word_part] - 1)
    return np.bincount(part_row[word_part[hit]], minlength=len(parts)) > 0


def _split_one_part(words: Any) -> tuple[Any, Any, Any]:
    """(street head, last street word, town) of ``NUM w1 .. wk`` written without commas.

    The parser's rule: the street ends at its first strong street word after the first word,
    else at its last weak street word after the first word; the words after it are the town.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    split = pc.split_pattern(words, " ")
    flat = np.asarray(pc.list_flatten(split).to_numpy(zero_copy_only=False), dtype=object)
    offsets = np.asarray(split.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    offsets = offsets - offsets[0]
    n = len(split)
    parent = np.repeat(np.arange(n), np.diff(offsets))
    pos = np.arange(len(flat)) - offsets[:-1][parent]
    lengths = np.diff(offsets)
    flat_a = pa.array(flat, type=pa.string())
    strong = np.asarray(pc.is_in(flat_a, pa.array(sorted(STRONG_SUFFIXES))).to_numpy(zero_copy_only=False), dtype=bool)
    weak = np.asarray(pc.is_in(flat_a, pa.array(sorted(WEAK_SUFFIXES))).to_numpy(zero_copy_only=False), dtype=bool)
    first_strong = np.full(n, 10**6, dtype=np.int64)
    np.minimum.at(first_strong, parent[strong & (pos > 0)], pos[strong & (pos > 0)])
    last_weak = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_weak, parent[weak & (pos > 0)], pos[weak & (pos > 0)])
    cut = np.where(first_strong < 10**6, first_strong, np.where(last_weak >= 0, last_weak, lengths - 1))
    cut = np.minimum(cut, lengths - 1)  # no split: the whole part is the street
    in_street = pos <= cut[parent]
    is_last = pos == cut[parent]

    def joined(mask: np.ndarray) -> Any:
        counts = np.bincount(parent[mask], minlength=n)
        offs = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        return pc.binary_join(pa.ListArray.from_arrays(pa.array(offs), pa.array(flat[mask], type=pa.string())), " ")

    head = joined(in_street & ~is_last)
    head = pc.if_else(pc.equal(head, ""), head, pc.binary_join_element_wise(head, pa.scalar(" "), ""))
    return head, joined(is_last), joined(~in_street)


def _mc_capital(title: Any) -> Any:
    """``Mcdonald`` -> ``McDonald`` in title-cased ASCII words, as :func:`_title_word` writes a
    hyphen piece of four letters or more that starts with ``Mc`` (not after an apostrophe:
    ``O'Mcdonald``). On the bytes of the strings that hold ``Mc``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    has = _bools_a(pc.match_substring(title, "Mc"))
    if not has.any():
        return title
    sub = pa.concat_arrays([title.filter(pa.array(has)).cast(pa.string())])  # offset 0, one buffer
    offsets = np.frombuffer(sub.buffers()[1], dtype=np.int32)[: len(sub) + 1]
    data = np.frombuffer(sub.buffers()[2], dtype=np.uint8)[: offsets[-1]].copy()
    starts = np.zeros(len(data) + 1, dtype=bool)
    starts[offsets[:-1]] = True
    at = np.flatnonzero(data[: max(len(data) - 3, 0)] == ord("M"))
    lower = [(data[at + i] >= ord("a")) & (data[at + i] <= ord("z")) & ~starts[at + i] for i in (2, 3)]
    at = at[(data[at + 1] == ord("c")) & ~starts[at + 1] & lower[0] & lower[1]]
    before = data[np.maximum(at - 1, 0)]
    at = at[starts[at] | (before == ord(" ")) | (before == ord("-"))]
    data[at + 2] -= ord("a") - ord("A")
    fixed = pa.StringArray.from_buffers(len(sub), pa.py_buffer(offsets.copy()), pa.py_buffer(data.tobytes()))
    return replace_rows(title, has, fixed)


def _title_arrow(text: Any) -> Any:
    """:func:`_title` for the fast path's words (letters, hyphens, a leading ``X'``): title case,
    with small words between hyphens in lower case (``Clacton-on-Sea``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if text.null_count == 0 and pc.all(pc.string_is_ascii(text)).as_py() is not False:
        # ASCII (the fast shapes' words): one numpy pass over the bytes, as ascii_title
        out = _mc_capital(title_upper_bytes(pc.ascii_upper(text), np.zeros(len(text), dtype=np.int64)))
    else:
        out = _mc_capital(pc.utf8_title(text))
    hyphen = np.asarray(pc.fill_null(pc.match_substring(out, "-"), False).to_numpy(zero_copy_only=False), dtype=bool)
    if not hyphen.any():
        return out
    fix = out.filter(pa.array(hyphen))
    for _ in range(2):  # twice: "-On-The-" needs the second pass for adjacent small words
        for word in sorted(_SMALL_WORDS):
            fix = pc.replace_substring(fix, f"-{word.capitalize()}-", f"-{word.lower()}-")
    return replace_rows(out, hyphen, fix)


#: Any run of the characters a word of the fast shapes is made of.
_ANY_WORD = r"[A-Z'\-]+"


@functools.lru_cache(maxsize=8)
def _extraction_pattern(pattern: str) -> str:
    """``pattern`` with each word (:data:`_W`) as :data:`_ANY_WORD`, for extracting the groups of
    keys that already matched ``pattern``: a smaller program, so RE2 extracts several times faster.

    The groups are the same: words are delimited by spaces and commas in both, and in a key that
    matched, every run of letters, apostrophes and hyphens is a word :data:`_W` accepts (no other
    part of the shapes consumes one), so both patterns accept the same words in every slot.
    """
    return pattern.replace(_W, _ANY_WORD)


def _bools_a(arr: Any) -> np.ndarray:
    """A pyarrow boolean array as numpy, nulls False."""
    import pyarrow.compute as pc

    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _postcode_ok(compact: Any) -> np.ndarray:
    """Per compacted upper-case postcode of the fast shapes (:data:`_PC` without its space, or
    ``""``): valid with no note (not a pseudo, placeholder or overseas code). The postcode
    module's rules on this one shape, where it has no letter O for a zero to fix (a digit starts
    the inward code), no BFPO and no GIR 0AA; tested to agree with it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from dataclean.fields import postcode as postcode_field

    special = pa.array(sorted(postcode_field.PLACEHOLDERS | postcode_field.OVERSEAS))
    return (
        _bools_a(pc.match_substring_regex(compact, postcode_field.STRICT))
        & ~_bools_a(pc.match_substring_regex(compact, postcode_field.PSEUDO))
        & ~_bools_a(pc.is_in(compact, special))
    )


def _tail_postcode_ok(tail: TrailingPostcodes) -> np.ndarray:
    """:func:`_postcode_ok` on the postcodes :func:`trailing_postcodes` found at the end of texts
    (after ``, ``, a line break or a space; with or without its space), by byte classes on the
    last bytes (:func:`tail_postcode_ok`); tested to agree with the postcode module."""
    from dataclean.fields import postcode as postcode_field

    special = frozenset(
        c for c in postcode_field.PLACEHOLDERS | postcode_field.OVERSEAS if re.match(postcode_field.SHAPE, c)
    )
    return tail_postcode_ok(tail, special)


def _postcodes(codes: Any) -> tuple[np.ndarray, Any]:
    """(ok, canonical) per postcode text of the fast shapes (upper case, :data:`_PC`, or ``""``
    or null): see :func:`_postcode_ok`; the canonical form is null where not ok."""
    import pyarrow as pa
    import pyarrow.compute as pc

    code = pc.replace_substring(pc.fill_null(codes, ""), " ", "")
    ok = _postcode_ok(code)
    spaced = pc.binary_join_element_wise(pc.utf8_slice_codeunits(code, 0, -3), pc.utf8_slice_codeunits(code, -3), " ")
    return ok, pc.if_else(pa.array(ok), spaced, pa.scalar(None, pa.string()))


def _fast_canonical(keys: Any) -> tuple[np.ndarray, Any, np.ndarray]:
    """Canonical lines for the distinct keys in the common shapes (one RE2 extraction each).

    ``keys`` is a pyarrow string array of upper-case keys (see :func:`_address_key`). Returns
    (decided, canonical, note): rows not decided (other shapes, special words, an invalid or pseudo
    postcode) go to the Python parser. Agreement with the parser is tested on the bundled,
    synthetic, Faker and realistic benchmark data.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(keys)
    decided = np.zeros(n, dtype=bool)
    canonical = pa.nulls(n, pa.string())
    note_out = np.full(n, None, dtype=object)
    shapes = ((_FAST_COMMA, "comma"), (_FAST_NO_COMMA, "no_comma"), (_FAST_NAMED, "named"), (_FAST_ONE_PART, "one"))
    # every shape ends with an optional postcode after a space: check each distinct one once
    # (a postcode and its space are at most 9 characters: search only the last 9, not the whole line)
    tail = pc.utf8_slice_codeunits(keys, -(_PC_MAX + 1))
    trailing_pc = pc.fill_null(pc.struct_field(pc.extract_regex(tail, rf" (?P<pc>{_PC})$"), [0]), "")
    all_pc_ok, all_pc_canon = _postcodes(trailing_pc)
    for pattern, shape in shapes:
        idx = np.flatnonzero(~decided)
        if not len(idx):
            break
        sub_keys = keys.take(pa.array(idx))
        # a plain match (RE2's fast DFA) first: the slower extraction runs only where it matches
        ok = _bools_a(pc.match_substring_regex(sub_keys, pattern))
        if not ok.any():
            continue
        idx = idx[ok]
        got = pc.extract_regex(sub_keys.filter(pa.array(ok)), _extraction_pattern(pattern))
        field = {got.type.field(i).name: pc.struct_field(got, [i]) for i in range(got.type.num_fields)}
        words_ok = _shape_words_ok(shape, field)
        no_postcode = _bools_a(pc.equal(field["pc"], ""))
        same_pc = _bools_a(pc.equal(field["pc"], trailing_pc.take(pa.array(idx))))
        use = words_ok & (no_postcode | (all_pc_ok[idx] & same_pc))
        if not use.any():
            continue
        keep = pa.array(use)
        line = _shape_line(shape, {k: v.filter(keep) for k, v in field.items()}, all_pc_canon.take(pa.array(idx[use])))
        rows = idx[use]  # ascending, as replace_with_mask consumes the replacements
        mask = np.zeros(n, dtype=bool)
        mask[rows] = True
        decided |= mask
        canonical = replace_rows(canonical, mask, line)
        note_out[rows] = np.where(no_postcode[use], "no_postcode", None)
    return decided, canonical, note_out


def _shape_words_ok(shape: str, field: dict[str, Any]) -> np.ndarray:
    """Per extracted key: do its words read as the parser reads them in this shape (no special
    word, no street word where the parser would cut, no county at the end)? Completes ``field``
    with the street head, last street word and town for the ``one`` shape, and the locality
    without its leading comma for the ``named`` shape."""
    import pyarrow as pa
    import pyarrow.compute as pc

    special, special_or_suffix = pa.array(_SPECIAL_WORDS), pa.array(_SPECIAL_OR_SUFFIX)
    if shape == "one":  # split the words into street and town as the parser does
        field["shead"], field["slast"], field["town"] = _split_one_part(field["words"])
        words_ok = ~(_word_flags(field["bname"], special) | _word_flags(field["words"], special))
    elif shape == "named":  # named parts: whichever the parser takes for the street, the line
        # is the parts title-cased, unless it cuts a part after a street word inside it
        words_ok = ~(
            _word_flags(field["bname"], special)
            | _word_flags(pc.replace_substring(field["loc"], ",", ""), special)
            | _word_flags(field["town"], special)
        )
        field["loc"] = pc.utf8_slice_codeunits(field["loc"], 2)  # drop the leading ", "
        every_part = pc.binary_join_element_wise(field["bname"], field["loc"], field["town"], ", ")
        suffix_words = pa.array(sorted(set(_SUFFIX_SPELLINGS) | set(ABBREVIATIONS.values())))
        words_ok &= ~_inner_word_flags(pc.replace_substring(every_part, ", , ", ", "), suffix_words)
    else:
        # the street's first word may be a street word (the parser looks after it: 12 Lane Port)
        shead_first = pc.struct_field(pc.extract_regex(field["shead"], r"^(?P<w>[^ ]*)"), [0])
        shead_rest = pc.replace_substring_regex(field["shead"], r"^[^ ]* ?", "")
        words_ok = ~(
            _word_flags(field["bname"], special)
            | _word_flags(shead_first, special)
            | _word_flags(shead_rest, special_or_suffix)
            | _word_flags(field["town"], special)
            | _word_flags(field.get("loc", pa.nulls(len(field["town"]), pa.string())), special)
        )
        # the last street word: plain, or a street word (expanded when abbreviated)
        last_plain = ~_bools_a(pc.is_in(field["slast"], special_or_suffix))
        words_ok &= last_plain | _bools_a(pc.is_in(field["slast"], pa.array(_SUFFIX_SPELLINGS)))
    town_last = pc.struct_field(pc.extract_regex(field["town"], r"(?P<w>[A-Z]+)$"), [0])
    return words_ok & ~_bools_a(pc.is_in(town_last, pa.array(_COUNTY_LAST_WORDS)))


def _shape_line(shape: str, f: dict[str, Any], postcode_canon: Any) -> Any:
    """The canonical lines of the kept keys of one shape: title-cased parts, the street's last word
    expanded when abbreviated, the canonical postcode last."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def part(arr: Any) -> Any:
        return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), _title_arrow(arr))

    if shape == "named":
        street_line = pa.nulls(len(f["town"]), pa.string())
        f["sub"] = street_line
    else:
        last = f["slast"]
        expansions = pa.array([ABBREVIATIONS.get(w, w) for w in _SUFFIX_SPELLINGS])
        pos = pc.index_in(last, pa.array(_SUFFIX_SPELLINGS))
        last = pc.if_else(pc.is_valid(pos), pc.take(expansions, pc.fill_null(pos, 0)), last)
        street = _title_arrow(pc.binary_join_element_wise(f["shead"], last, ""))
        street_line = pc.binary_join_element_wise(f["num"], street, " ")
    loc = part(f["loc"]) if "loc" in f else pa.nulls(len(f["town"]), pa.string())
    return pc.binary_join_element_wise(
        part(f["sub"]),
        part(f["bname"]),
        street_line,
        loc,
        part(f["town"]),
        postcode_canon,
        ", ",
        null_handling="skip",
    )


def _address_key(text: Any) -> Any:
    """The parser's grouping key over distinct texts (pyarrow): line breaks become commas (as in
    :func:`compact`), then ASCII text is upper-cased with whitespace runs collapsed. Texts with
    the same key parse to the same canonical line."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = text.cast(pa.string())
    lines = _where(text, "[\\r\\n]", lambda a: pc.replace_substring_regex(a, "[\\r\\n]+", ", "))
    ascii_ok = pc.fill_null(pc.string_is_ascii(lines), False)
    upper = _where(
        pc.ascii_upper(lines),
        f"[{WHITESPACE_RE.replace(' ', '')}]|  ",
        lambda a: pc.replace_substring_regex(a, f"[{WHITESPACE_RE}]+", " "),
    )
    if lines.null_count == 0 and pc.all(ascii_ok).as_py():
        return upper  # the usual case: every text ASCII
    return pc.if_else(ascii_ok, upper, lines)


def standardise_series(values: pd.Series) -> StandardiseResult:
    """Canonical addresses, status and reason per row.

    Work runs once per distinct value. The common shapes (numbered street with commas, named
    parts, one part without commas: :func:`_comma_canonical`) are recognised by RE2 DFA matches
    over the distinct values and title-cased whole; the values left are grouped by key (the
    parser ignores case and spacing), read by RE2 extraction where they have a known shape
    (:func:`_fast_canonical`), and the Python parser runs only for the keys left.
    """
    if _nearly_all_distinct(values):
        return _standardise(values, distinct=True)  # no hash pass: each row worked as its own value
    return standardise_per_distinct(values, _standardise)


def _nearly_all_distinct(values: pd.Series) -> bool:
    """Whether a large ``string`` column's values nearly never repeat (over 90% of its rows
    distinct, by :func:`~dataclean._core.distinct_share_floor`'s seeded sample): then it is worked
    row by row, without the hash pass. Only speed depends on it (tests run both ways)."""
    floor = distinct_share_floor(values)
    return floor is not None and floor > 0.9


def _standardise(values: pd.Series, *, distinct: bool = False) -> StandardiseResult:
    import pyarrow as pa

    col = to_text(values, max_length=MAX_LENGTH)
    codes, uniques = factorize_text(col.text, distinct=distinct)
    text = arrow_text(uniques)
    n = len(text)
    # the comma shape straight on the distinct texts; the rest grouped by key, the common shapes
    # of those by extraction, the Python parser for what is left
    decided, pieces, no_postcode = _comma_canonical(text)
    names = ["no_postcode"]  # reasons and notes as codes into a short list
    reason_u = np.full(n + 1, -1, dtype=np.int32)  # the last slot answers missing rows
    reason_u[:-1][no_postcode] = 0
    rest = np.flatnonzero(~decided)
    rest_canon = pa.array([], type=pa.string())
    if len(rest):
        rest_canon, reason_u[rest] = _canonical_by_key(text.take(pa.array(rest)), names)
    lines = _assembled(pieces, decided, rest_canon.cast(pa.string()))
    valid_u = np.append(np.asarray(lines.is_valid().to_numpy(), dtype=bool), False)  # a line: valid
    index = col.original.index
    take = np.where(codes < 0, n, codes)
    if len(take) == n and bool((take == np.arange(n)).all()):  # distinct values, all present: in row order
        values_a, valid, reason_codes = lines, valid_u[:-1], reason_u[:-1]
    else:
        lines = pa.chunked_array([*lines.chunks, pa.nulls(1, pa.string())], type=pa.string())
        values_a, valid, reason_codes = take_in_ranges(lines.combine_chunks(), take), valid_u[take], reason_u[take]
    reason = pd.Series(pd.Categorical.from_codes(reason_codes, categories=names), index=index)
    arrow_in = isinstance(col.text.dtype, pd.StringDtype) and col.text.dtype.storage == "pyarrow"
    canonical = (
        pd.Series(pd.array(values_a, dtype=pd.StringDtype("pyarrow")), index=index)
        if arrow_in
        else pd.Series(values_a.to_numpy(zero_copy_only=False), index=index, dtype=object)
    )
    return build_result(col, canonical, reason, valid)


#: One part of plain words without a number or sub-building (``ROSE COTTAGE MILL FARM TOWN``), and
#: an optional postcode: the parser finds no street unless a strong street word follows the first
#: word or the last word is a weak one (``Bell Court``), and a lone name is not an address, so it is
#: ``invalid_format`` (after the postcode check: a valid postcode, or none). Special words (a
#: sub-building, an abbreviation that may expand to a street word, placeholders) go to the parser.
_LONE_NAME = rf"^{_WORDS}(?: {_PC})?$"
_LONE_NAME_OTHERWISE = (
    rf"(?:^| ){_alternation(_SPECIAL_WORDS)}(?: |$)"
    rf"| {_STRONG}(?: |$)"
    rf"|(?:^| ){_alternation(WEAK_SUFFIXES)}(?: {_PC})?$"
)


def _lone_names(keys: Any) -> np.ndarray:
    """Per key (upper case, spaces collapsed, no line breaks): :data:`_LONE_NAME` with a valid
    postcode or none, so ``invalid_format`` for the parser."""
    import pyarrow as pa

    out = _matching(keys, _LONE_NAME, _LONE_NAME_OTHERWISE)
    if out.any():
        idx = np.flatnonzero(out)
        tail = trailing_postcodes(keys.take(pa.array(idx)))
        out[idx[tail.has & ~_tail_postcode_ok(tail)]] = False
    return out


def _canonical_by_key(texts: Any, names: list[str]) -> tuple[Any, np.ndarray]:
    """(canonical, reason code into ``names``) per text, worked once per key (the parser ignores
    case and spacing): the common shapes by extraction (:func:`_fast_canonical`), the Python
    parser for the keys left. ``names`` gains the reasons met."""
    import pyarrow as pa

    keys = _address_key(texts)
    encoded = keys.dictionary_encode()
    kcodes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
    kuniq = encoded.dictionary
    decided, canon, fast_note = _fast_canonical(kuniq)
    reason_k = np.full(len(kuniq), -1, dtype=np.int32)
    lone = np.flatnonzero(~decided)
    lone = lone[_lone_names(kuniq.take(pa.array(lone)))] if len(lone) else lone
    if len(lone):  # one part of names, no street: invalid, as the parser finds (no Python)
        if Reason.INVALID_FORMAT.value not in names:
            names.append(Reason.INVALID_FORMAT.value)
        reason_k[lone] = names.index(Reason.INVALID_FORMAT.value)
        decided[lone] = True
    slow = np.flatnonzero(~decided)
    slow_canon = np.full(len(slow), None, dtype=object)
    reason_k[decided & (fast_note == "no_postcode")] = names.index("no_postcode")
    for j, text in enumerate(kuniq.take(pa.array(slow)).to_pylist()):
        try:
            slow_canon[j] = _validate_text(text)
        except ValidationError as exc:
            found = exc.reason
        else:
            found = note(slow_canon[j])
        if found is not None:
            if found not in names:
                names.append(found)
            reason_k[slow[j]] = names.index(found)
    if len(slow):
        canon = replace_rows(canon, ~decided, pa.array(slow_canon, type=pa.string()))
    logger.debug("address: %d texts, %d keys, %d parsed in Python", len(texts), len(kuniq), len(slow))
    return canon.take(pa.array(kcodes)), reason_k[kcodes]


_COLUMNS = FieldColumns(standardise_series)


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of valid addresses, aligned to ``values``."""
    return _COLUMNS.is_valid_series(values)


def reason_series(values: pd.Series) -> pd.Series:
    """Failure reason per row, a :class:`Reason` code (``<NA>`` on valid rows; notes are in
    :func:`note_series`)."""
    return _COLUMNS.reason_series(values)


def note_series(values: pd.Series) -> pd.Series:
    """Note per valid row, a :class:`Note` code (``<NA>`` elsewhere)."""
    return _COLUMNS.note_series(values)


def _components_per_distinct(values: pd.Series, parser: Any) -> pd.DataFrame:
    col = to_text(values, max_length=MAX_LENGTH)
    codes, uniques = factorize_text(col.text)
    table = np.full((len(uniques) + 1, len(COMPONENTS)), None, dtype=object)  # last row answers NA
    for i, text in enumerate(uniques):
        try:
            parsed = parser(text)
        except ValidationError:
            continue
        table[i] = [parsed[c] for c in COMPONENTS]
    rows = table[np.where(codes < 0, len(uniques), codes)]
    return pd.DataFrame(
        {c: pd.Series(rows[:, j], index=values.index, dtype=STRING) for j, c in enumerate(COMPONENTS)},
        index=values.index,
    )


def parse_series(values: pd.Series) -> pd.DataFrame:
    """One column per component (:data:`COMPONENTS`), ``<NA>`` where absent or the row is invalid."""
    return _components_per_distinct(values, parse)


# ---------------------------------------------------------------------------------------------
# US addresses (usaddress)
# ---------------------------------------------------------------------------------------------

_US_MAP: dict[str, str] = {
    "OccupancyType": "sub_building",
    "OccupancyIdentifier": "sub_building",
    "SubaddressType": "sub_building",
    "SubaddressIdentifier": "sub_building",
    "BuildingName": "building_name",
    "AddressNumberPrefix": "building_number",
    "AddressNumber": "building_number",
    "AddressNumberSuffix": "building_number",
    "StreetNamePreModifier": "street",
    "StreetNamePreDirectional": "street",
    "StreetNamePreType": "street",
    "StreetName": "street",
    "StreetNamePostType": "street",
    "StreetNamePostDirectional": "street",
    "USPSBoxType": "street",
    "USPSBoxID": "street",
    "PlaceName": "town",
    "StateName": "county",
    "ZipCode": "postcode",
}


def parse_us(value: Any) -> dict[str, str | None]:
    """US address components with ``usaddress``, mapped to :data:`COMPONENTS` (``county`` holds the
    state, ``postcode`` the ZIP code, ``locality`` is always None). Raises InvalidFormat when
    usaddress cannot label the text unambiguously or finds no street or number."""
    text = compact(value)
    if _key(text) in ADDRESS_PLACEHOLDERS:
        raise PlaceholderValue("The address is a placeholder, not real data.")
    import usaddress  # lazy: loads a CRF model

    try:
        tagged, _kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        raise InvalidFormat("The address could not be labelled unambiguously.") from None
    out: dict[str, list[str]] = {c: [] for c in COMPONENTS}
    for label, words in tagged.items():
        target = _US_MAP.get(label)
        if target:
            out[target].append(str(words).strip(" ,"))
    result = {c: (" ".join(w for w in out[c] if w) or None) for c in COMPONENTS}
    if not (result["street"] or result["building_number"] or result["building_name"]):
        raise InvalidFormat("No street, building number or building name was found.")
    return result


def parse_us_series(values: pd.Series) -> pd.DataFrame:
    """Column version of :func:`parse_us` (usaddress runs once per distinct value)."""
    return _components_per_distinct(values, parse_us)
