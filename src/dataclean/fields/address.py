"""UK postal addresses: parsed into components and written in one canonical line.

How the UK parser works (its own logic, because ``usaddress`` is trained on US addresses and
mislabels UK ones: for ``Flat 3, 12 High Street, Chelmsford, Essex CM1 1QH`` it reports the state
as ``Essex CM1`` and the ZIP code as ``1QH``):

1. the postcode is found first, anywhere in the text, and canonicalised (``cm1 1qh`` -> ``CM1 1QH``);
2. the rest is split on commas; without commas, the last street word (Road, Lane, ...) marks
   where the street ends and the town begins;
3. parts are read in Royal Mail order: sub-building (``Flat 3``, ``Apartment 2``, ``Unit 4``),
   building name (``Rose Cottage``, ``The Maltings``), building number and street (``12A High
   Street``), dependent locality (``Great Baddow``), post town, county;
4. street-type abbreviations are expanded (Rd -> Road, Ave -> Avenue, Cl -> Close, ...); ``St``
   at the end of a street is Street, at the start it is Saint and stays ``St`` (``St Marys Road``).

Canonical form: title-case components joined with ``, ``, postcode in upper case, county
dropped (Royal Mail does not need it): ``Flat 3, 12 High Street, Chelmsford, CM1 1QH``.

Reasons: ``missing``, ``invalid_type``, ``invalid_length``, ``invalid_format`` (no street,
building name or number can be found), ``placeholder`` (``UNKNOWN``, ``NOT KNOWN``),
``no_fixed_abode`` (``NO FIXED ABODE``, ``NFA``). Note on a valid row: ``no_postcode``.

**Not handled**: no lookup against PAF or AddressBase (so no UPRN matching and no check that the
address exists); Scottish tenement positions (``2F1``), farm and rural descriptions without a
street, and addresses written in an unusual order may be split wrongly; a locality and a post
town are told apart only by position. US addresses: :func:`parse_us` (``usaddress``).

>>> from dataclean.fields import address
>>> address.validate("flat 3, 12 high st, chelmsford, essex cm1 1qh")
'Flat 3, 12 High Street, Chelmsford, CM1 1QH'
>>> address.parse("Rose Cottage, Mill Lane, Great Baddow, Chelmsford CM2 8PD")["locality"]
'Great Baddow'
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from dataclean._core import (
    STRING,
    WHITESPACE,
    StandardiseResult,
    factorize_text,
    make_is_valid,
    result_from_scalar,
    scalar_text,
)
from dataclean.exceptions import InvalidFormat, PlaceholderValue, ValidationError

NAME = "address"
DESCRIPTION = "UK postal address: components and a canonical single line"
MAX_LENGTH = 512
COMPONENTS = ("sub_building", "building_name", "building_number", "street", "locality", "town", "county", "postcode")

STREET_TYPES = {
    "RD": "Road",
    "ROAD": "Road",
    "ST": "Street",
    "STREET": "Street",
    "AVE": "Avenue",
    "AV": "Avenue",
    "AVENUE": "Avenue",
    "CL": "Close",
    "CLOSE": "Close",
    "CRES": "Crescent",
    "CRESCENT": "Crescent",
    "DR": "Drive",
    "DRIVE": "Drive",
    "GDNS": "Gardens",
    "GARDENS": "Gardens",
    "GR": "Grove",
    "GRO": "Grove",
    "GROVE": "Grove",
    "LN": "Lane",
    "LANE": "Lane",
    "PL": "Place",
    "PLACE": "Place",
    "SQ": "Square",
    "SQUARE": "Square",
    "TER": "Terrace",
    "TERR": "Terrace",
    "TERRACE": "Terrace",
    "CT": "Court",
    "COURT": "Court",
    "PK": "Park",
    "PARK": "Park",
    "WAY": "Way",
    "WALK": "Walk",
    "HILL": "Hill",
    "MEWS": "Mews",
    "ROW": "Row",
    "GREEN": "Green",
    "PARADE": "Parade",
    "PDE": "Parade",
    "RISE": "Rise",
    "VALE": "Vale",
    "VIEW": "View",
    "CHASE": "Chase",
    "END": "End",
    "CLOSE.": "Close",
    "BVD": "Boulevard",
    "BOULEVARD": "Boulevard",
    "EST": "Estate",
    "ESTATE": "Estate",
    "HWY": "Highway",
    "WHARF": "Wharf",
}
WORD_EXPANSIONS = {
    "HSE": "House",
    "COTTS": "Cottages",
    "FLT": "Flat",
    "APT": "Apartment",
    "BLDG": "Building",
    "N": "North",
    "S": "South",
    "E": "East",
    "W": "West",
    "UPR": "Upper",
    "LWR": "Lower",
}
SUB_BUILDING = re.compile(r"^(flat|flt|apartment|apt|unit|suite|room|studio|maisonette|floor)\b\.?\s*(.*)$", re.I)
NUMBER_STREET = re.compile(r"^(\d+[a-z]?(?:\s*-\s*\d+[a-z]?)?)\s+(.+)$", re.I)
NUMBER_ONLY = re.compile(r"^\d+[a-z]?$", re.I)
POSTCODE = re.compile(r"\b([a-z]{1,2}[0-9][a-z0-9]?)\s*([0-9][a-z]{2})\b", re.I)
COUNTIES = frozenset(
    c.upper()
    for c in (
        "Essex",
        "Kent",
        "Surrey",
        "Suffolk",
        "Norfolk",
        "Hertfordshire",
        "Herts",
        "Cambridgeshire",
        "Cambs",
        "Greater London",
        "Middlesex",
        "Hampshire",
        "Hants",
        "Devon",
        "Cornwall",
        "North Yorkshire",
        "South Yorkshire",
        "West Yorkshire",
        "East Riding of Yorkshire",
        "Yorkshire",
        "Lancashire",
        "Lancs",
        "Greater Manchester",
        "Merseyside",
        "West Midlands",
        "Derbyshire",
        "Nottinghamshire",
        "Notts",
        "Leicestershire",
        "Lincolnshire",
        "Northamptonshire",
        "Oxfordshire",
        "Berkshire",
        "Buckinghamshire",
        "Bucks",
        "Bedfordshire",
        "Beds",
        "Somerset",
        "Dorset",
        "Wiltshire",
        "Gloucestershire",
        "Worcestershire",
        "Warwickshire",
        "Staffordshire",
        "Shropshire",
        "Herefordshire",
        "Cheshire",
        "Cumbria",
        "Northumberland",
        "County Durham",
        "Durham",
        "Tyne and Wear",
        "East Sussex",
        "West Sussex",
        "Sussex",
        "Isle of Wight",
        "Rutland",
    )
)
PLACEHOLDERS = frozenset(
    {
        "UNKNOWN",
        "NOT KNOWN",
        "N/A",
        "NA",
        "NONE",
        "NULL",
        "TEST",
        "XXX",
        "TBC",
        "NOT GIVEN",
        "NOT PROVIDED",
        "REFUSED",
        "-",
        "?",
    }
)
NO_FIXED_ABODE = frozenset({"NO FIXED ABODE", "NFA", "N F A", "N.F.A.", "NO FIXED ADDRESS", "HOMELESS"})
_SPACES = re.compile(f"[{re.escape(WHITESPACE)}]+")


def compact(value: Any) -> str:
    """Line breaks to commas, collapse whitespace, tidy comma spacing and trim; no checks."""
    text = re.sub(r"[\r\n]+", ", ", scalar_text(value, max_length=MAX_LENGTH))
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"\s*,\s*", ", ", text)
    return re.sub(r"(, )+", ", ", text).strip(", ")


def _title(word: str) -> str:
    if any(ch.isdigit() for ch in word):
        return word.upper()
    if "'" in word:
        head, _, tail = word.partition("'")
        return head.capitalize() + "'" + (tail.capitalize() if len(tail) > 1 else tail.lower())
    if "-" in word:
        return "-".join(_title(p) for p in word.split("-"))
    return word.capitalize()


def _words(text: str) -> str:
    out = []
    for w in text.split(" "):
        up = w.upper().rstrip(".")
        out.append(
            WORD_EXPANSIONS.get(up, _title(w)) if up in WORD_EXPANSIONS and len(text.split(" ")) > 1 else _title(w)
        )
    return " ".join(out)


def _street(text: str) -> str:
    """Expand the street-type abbreviation at the end (``Rd`` -> ``Road``); ``St`` first is Saint."""
    words = text.split(" ")
    last = words[-1].upper().rstrip(".")
    if len(words) > 1 and last in STREET_TYPES:
        words[-1] = STREET_TYPES[last]
    return _words(" ".join(words))


def _is_street(text: str) -> bool:
    words = text.split(" ")
    return len(words) > 1 and words[-1].upper().rstrip(".") in STREET_TYPES


def _split_without_commas(text: str) -> list[str]:
    """``12a st marys rd colchester`` -> [``12a st marys rd``, ``colchester``]."""
    words = text.split(" ")
    for i in range(len(words) - 1, 0, -1):
        if words[i].upper().rstrip(".") in STREET_TYPES and i + 1 < len(words):
            return [" ".join(words[: i + 1]), " ".join(words[i + 1 :])]
    return [text]


def parse(value: Any) -> dict[str, str | None]:
    """Components of a UK address (see :data:`COMPONENTS`), or raise a ValidationError."""
    text = compact(value)
    upper = text.upper().strip(" .")
    if upper in NO_FIXED_ABODE:
        raise PlaceholderValue("No fixed abode: there is no address.", reason="no_fixed_abode")
    if upper in PLACEHOLDERS:
        raise PlaceholderValue("The value stands for a missing address.")
    out: dict[str, str | None] = dict.fromkeys(COMPONENTS)
    matches = list(POSTCODE.finditer(text))
    if matches:
        from dataclean.fields import postcode as _postcode

        m = matches[-1]
        try:
            out["postcode"] = _postcode.validate(m.group(0))
            text = (text[: m.start()] + text[m.end() :]).strip(" ,")
        except ValidationError:
            pass
    parts = [p.strip(" .") for p in text.split(",") if p.strip(" .")]
    if len(parts) == 1:
        parts = _split_without_commas(parts[0])
    if parts and parts[-1].upper() in COUNTIES:
        out["county"] = _words(parts.pop())
    elif parts:  # "Chelmsford Essex" written without a comma
        words = parts[-1].split(" ")
        for k in (3, 2, 1):
            if len(words) > k and " ".join(words[-k:]).upper() in COUNTIES:
                out["county"] = _words(" ".join(words[-k:]))
                parts[-1] = " ".join(words[:-k])
                break
    i = 0  # parts[:i] are the building and street; parts[i:] the locality and town
    found_street = False
    while i < len(parts) and not found_street:
        part = parts[i]
        more = i + 1 < len(parts)
        sub = SUB_BUILDING.match(part)
        num = NUMBER_STREET.match(part)
        if sub and out["sub_building"] is None:
            kind = WORD_EXPANSIONS.get(sub.group(1).upper(), sub.group(1).capitalize())
            out["sub_building"] = f"{kind} {sub.group(2).upper()}".strip()
        elif num and not NUMBER_ONLY.match(num.group(2)):
            out["building_number"] = num.group(1).replace(" ", "").upper()
            out["street"] = _street(num.group(2))
            found_street = True
        elif NUMBER_ONLY.match(part) and more:
            out["building_number"] = part.upper()
        elif _is_street(part) or (out["building_number"] and not out["street"]):
            out["street"] = _street(part)
            found_street = True
        elif out["building_name"] is None and more:
            out["building_name"] = _words(part)
        else:
            break
        i += 1
    rest = parts[i:]
    if rest:
        out["town"] = _words(rest[-1])
        if len(rest) > 1:
            out["locality"] = _words(", ".join(rest[:-1]))
    if not (out["street"] or out["building_name"]):
        raise InvalidFormat("No street or building name can be found in the address.")
    if not re.search(r"[^\W\d_]", (out["street"] or "") + (out["building_name"] or "")):
        raise InvalidFormat("The street or building name has no letters.")
    return out


def _line(parts: dict[str, str | None]) -> str:
    number_street = " ".join(p for p in (parts["building_number"], parts["street"]) if p)
    fields = (
        parts["sub_building"],
        parts["building_name"],
        number_street,
        parts["locality"],
        parts["town"],
        parts["postcode"],
    )
    return ", ".join(f for f in fields if f)


def validate(value: Any) -> str:
    """The canonical single-line address, or raise (``invalid_format``, ``placeholder``, ``no_fixed_abode``)."""
    return _line(parse(value))


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """Multi-line display form (one component per line, county left out)."""
    return validate(value).replace(", ", "\n")


def _note(canonical: str) -> str | None:
    return None if POSTCODE.search(canonical) else "no_postcode"


def standardise_series(values: pd.Series) -> StandardiseResult:
    """Canonical addresses, status and reason per row (parsed once per distinct address)."""
    return result_from_scalar(values, validate, max_length=MAX_LENGTH, note=_note)


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of parseable UK addresses, aligned to ``values``."""
    return standardise_series(values).valid


def reason_series(values: pd.Series) -> pd.Series:
    """Reason code per row (note ``no_postcode`` on valid rows without one)."""
    return standardise_series(values).reason


def _components_per_distinct(values: pd.Series, func: Any) -> pd.DataFrame:
    text = values.astype(STRING).str.strip(WHITESPACE)
    codes, uniques = factorize_text(text.where(text.str.len() <= MAX_LENGTH))
    rows = []
    for u in uniques:
        try:
            rows.append(func(u))
        except ValidationError:
            rows.append(dict.fromkeys(COMPONENTS))
    rows.append(dict.fromkeys(COMPONENTS))
    table = pd.DataFrame(rows, columns=list(COMPONENTS), dtype=object)
    return table.iloc[np.where(codes < 0, len(uniques), codes)].set_axis(values.index, axis=0).astype(STRING)


def parse_series(values: pd.Series) -> pd.DataFrame:
    """:func:`parse` over a column, once per distinct address; ``<NA>`` components where it fails."""
    return _components_per_distinct(values, parse)


_US_MAP = {
    "OccupancyType": "sub_building",
    "OccupancyIdentifier": "sub_building",
    "BuildingName": "building_name",
    "AddressNumber": "building_number",
    "StreetNamePreDirectional": "street",
    "StreetName": "street",
    "StreetNamePostType": "street",
    "StreetNamePostDirectional": "street",
    "PlaceName": "town",
    "StateName": "county",
    "ZipCode": "postcode",
}


def parse_us(value: Any) -> dict[str, str | None]:
    """Components of a US address with ``usaddress``, in the same component names (``county``
    holds the state, ``postcode`` the ZIP code)."""
    import usaddress

    text = compact(value)
    try:
        tagged, _ = usaddress.tag(text)
    except usaddress.RepeatedLabelError as exc:
        raise InvalidFormat("The address has repeated parts usaddress cannot label.") from exc
    out: dict[str, str | None] = dict.fromkeys(COMPONENTS)
    for label, part in tagged.items():
        key = _US_MAP.get(label)
        if key:
            out[key] = f"{out[key]} {part}" if out[key] else part
    if not (out["street"] or out["building_name"]):
        raise InvalidFormat("No street can be found in the address.")
    return out


def parse_us_series(values: pd.Series) -> pd.DataFrame:
    """:func:`parse_us` over a column, once per distinct address."""
    return _components_per_distinct(values, parse_us)
