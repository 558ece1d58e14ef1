"""Preparation for linkage: dataclean's standardisers first, then the derived match features.

Every output column is text (or NULL), named for the comparisons in :mod:`presets`:
``unique_id``; identifiers ``nhs``, ``nino``, ``ident`` / ``ident2`` (a generic identifier such as
a case, pupil or social security number: upper case, separators removed); names ``fn``
(forename, upper case), ``fn_i`` (its initial), ``fn_nick`` (nickname canonical form), ``fn_mp`` /
``sn_mp`` (Metaphone), ``sn`` (surname), ``sn_first`` (first part of a hyphenated surname),
``nm`` (a full name: titles stripped, tokens sorted so word order does not matter), ``nm_a`` /
``nm_b`` (its first and last sorted token, for blocking); ``dob`` (ISO, any era: plausibility is
a scorecard finding, not a reason to discard evidence), ``dob_y`` (year); ``pc`` /
``pc_sector`` / ``pc_district`` / ``pc_area`` (UK postcodes by their parts; any other postcode is
kept as text with prefixes in the same columns); ``addr`` (canonical address, upper case, street
number and lines joined), ``stno`` (street number), ``loc`` (locality / town); ``bplace`` (birth
place) and ``attr1``..``attr4`` (other categorical attributes, ``gender`` among them); ``mobile``
and ``landline`` (E.164, split by line type: mobiles are personal, landlines shared by a
household), ``email`` (lower case), ``uprn``; plus ``claim_id``, ``property_id``,
``last_updated`` and ``source`` carried through.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from dataclean import registry
from dataclean.exceptions import ConfigError, DataFileError
from dataclean.linkage.config import LinkageConfig

log = logging.getLogger(__name__)
#: Arrow-backed text: pandas runs ``.str`` methods on it as pyarrow compute kernels (RE2 regular
#: expressions, Unicode-aware case and trimming) instead of one Python call per row, and DuckDB
#: reads it without a copy
STRING = pd.StringDtype("pyarrow")
MAX_ATTRIBUTES = 4
FEATURES = (
    "nhs",
    "nino",
    "ident",
    "ident2",
    "fn",
    "fn_i",
    "fn_nick",
    "fn_mp",
    "sn",
    "sn_first",
    "sn_mp",
    "nm",
    "nm_a",
    "nm_b",
    "dob",
    "dob_y",
    "pc",
    "pc_sector",
    "pc_district",
    "pc_area",
    "addr",
    "stno",
    "loc",
    "bplace",
    *(f"attr{i}" for i in range(1, MAX_ATTRIBUTES + 1)),
    "mobile",
    "landline",
    "email",
    "uprn",
)
#: role -> the features it provides (a feature is used only when its role is configured)
ROLE_FEATURES = {
    "nhs_number": ("nhs",),
    "nino": ("nino",),
    "identifier": ("ident", "ident2"),
    "forename": ("fn", "fn_i", "fn_nick", "fn_mp"),
    "surname": ("sn", "sn_first", "sn_mp"),
    "full_name": ("nm", "nm_a", "nm_b"),
    "date_of_birth": ("dob", "dob_y"),
    "postcode": ("pc", "pc_sector", "pc_district", "pc_area"),
    "address": ("addr",),
    "street_number": ("stno",),
    "locality": ("loc",),
    "birth_place": ("bplace",),
    "attribute": tuple(f"attr{i}" for i in range(1, MAX_ATTRIBUTES + 1)),
    "gender": tuple(f"attr{i}" for i in range(1, MAX_ATTRIBUTES + 1)),
    "phone": ("mobile", "landline"),
    "email": ("email",),
    "uprn": ("uprn",),
}
#: placeholder dates systems write when the real date is unknown: not evidence
_SENTINEL_DATES = frozenset({"1900-01-01", "1901-01-01", "1800-01-01", "1899-12-31", "1753-01-01"})


def resolve_column(df: pd.DataFrame, name: str) -> str | None:
    """The frame's column for a configured name, tolerating surrounding spaces in either (CSV
    headers written ``rec_id, given_name, ...`` keep a leading space)."""
    if name in df.columns:
        return name
    wanted = str(name).strip()
    return next((c for c in df.columns if str(c).strip() == wanted), None)


def check_input(df: pd.DataFrame, config: LinkageConfig, *, name: str = "data", partial: bool = False) -> None:
    """Clear errors for a frame linkage cannot use (missing id or role columns, duplicate ids).

    With ``partial`` (linking several files), a role column a file lacks is treated as empty there
    (a claim id exists only in the claims file); the id column is always required.
    """
    if not isinstance(df, pd.DataFrame):
        raise ConfigError(f"{name}: expected a pandas DataFrame, got {type(df).__name__}")
    needed = [config.id_column] if partial else [config.id_column, *config.all_columns()]
    missing = [c for c in needed if resolve_column(df, c) is None]
    if missing:
        raise DataFileError(
            f"{name}: no column {', '.join(map(repr, missing))} named in the linkage config; "
            f"columns are {', '.join(map(str, df.columns))}"
        )
    ids = df[resolve_column(df, config.id_column)]
    if ids.isna().any():
        raise DataFileError(
            f"{name}: {int(ids.isna().sum())} rows have no {config.id_column!r}; every record needs an id"
        )
    dup = ids.astype(str).str.strip().duplicated()
    if dup.any():
        raise DataFileError(
            f"{name}: {int(dup.sum())} duplicate values in the id column {config.id_column!r}; "
            "ids must be unique within a file"
        )
    usable = [
        r
        for r in config.columns
        if r in ROLE_FEATURES
        and any((c := resolve_column(df, col)) is not None and df[c].notna().any() for col in config.role_columns(r))
    ]
    if len(usable) < 2 and len(df) > 1:
        raise ConfigError(
            f"{name}: linkage needs at least two populated identifying columns (roles); configured: "
            f"{', '.join(config.columns) or 'none'}"
        )


def _text(values: pd.Series) -> pd.Series:
    """Upper case, punctuation to spaces, spaces collapsed; empty -> NA. (RE2 patterns: letters
    and digits of any script are kept, as Python's ``\\w`` would.)"""
    s = values.astype(STRING).str.upper().str.replace(r"[^\p{L}\p{N}_/&-]+", " ", regex=True)
    s = s.str.replace(r"[\s\p{Z}]+", " ", regex=True).str.strip()
    return s.mask(s == "", pd.NA)


def _compact(values: pd.Series) -> pd.Series:
    """An identifier: upper case, letters and digits only; empty -> NA."""
    s = values.astype(STRING).str.upper().str.replace(r"[^0-9A-Z]+", "", regex=True)
    return s.mask(s == "", pd.NA)


def _dates_any_era(values: pd.Series) -> pd.Series:
    """ISO dates of birth of any era: dataclean's parser, then plain parsing for what it refuses
    only as implausible (a date in 1843 is evidence for historical records)."""
    iso = registry.get("date_of_birth").standardise_series(values).value.astype(STRING)
    rest = iso.isna() & values.notna()
    if rest.any():
        text = values[rest].astype(STRING).str.strip()
        codes, uniques = pd.factorize(text)
        u = pd.Series(np.asarray(uniques, dtype=object), dtype=STRING)
        parsed = pd.Series(pd.NaT, index=u.index, dtype="datetime64[ns]")
        for fmt in ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y", "%d %B %Y"):
            todo = parsed.isna()
            if not todo.any():
                break
            parsed[todo] = pd.to_datetime(u[todo], format=fmt, errors="coerce")
        out_u = parsed.dt.strftime("%Y-%m-%d").astype(STRING)
        out_u = out_u.mask(out_u.isin(_SENTINEL_DATES), pd.NA)
        picked = np.append(out_u.to_numpy(dtype=object), np.array([None], dtype=object))[codes]
        iso[rest] = pd.array(picked, dtype=STRING)
    return iso


def _postcodes(values: pd.Series) -> pd.DataFrame:
    """UK postcodes by their parts; any other non-empty postcode as text with prefix levels."""
    parts = registry.get("postcode").components_series(values)
    pc = parts["postcode"].astype(STRING)
    sector = parts["sector"].astype(STRING)
    district = parts["district"].astype(STRING)
    area = parts["area"].astype(STRING)
    other = _compact(values).mask(pc.notna().to_numpy(dtype=bool), pd.NA)
    has = other.notna().to_numpy(dtype=bool)
    if has.any():
        n = other.str.len()
        pc = pc.where(~has, other)
        sector = sector.where(~has, other.str.slice(0, -1).where(n > 2))
        district = district.where(~has, other.str.slice(0, -2).where(n > 3))
        area = area.where(~has, other.str.slice(0, 1))
    return pd.DataFrame({"pc": pc, "pc_sector": sector, "pc_district": district, "pc_area": area})


def _by_distinct(values: pd.Series, build: Callable[[pd.Series], pd.DataFrame]) -> pd.DataFrame:
    """Features built once per distinct value (empty included) and spread to every row: names
    repeat (a few thousand forenames in a million records), so the standardisers' per-row work
    (results, reasons, masks) is done on the distinct values only."""
    codes, uniques = pd.factorize(values.astype(STRING), use_na_sentinel=False)
    features = build(pd.Series(uniques, dtype=STRING)).reset_index(drop=True)
    out = features.take(codes)
    out.index = values.index
    return out


def _forename_features(names: pd.Series) -> pd.DataFrame:
    pn = registry.get("person_name")
    fn = pn.standardise_series(names).value.astype(STRING).str.upper().str.split(" ").str[0]
    return pd.DataFrame(
        {
            "fn": fn,
            "fn_i": fn.str.slice(0, 1),
            "fn_nick": pn.nickname_canonical_series(names).astype(STRING).str.upper(),
            "fn_mp": pn.phonetic_keys_series(names)["metaphone"].astype(STRING),
        }
    )


def _surname_features(names: pd.Series) -> pd.DataFrame:
    pn = registry.get("person_name")
    sn = pn.standardise_series(names).value.astype(STRING).str.upper()
    return pd.DataFrame(
        {
            "sn": sn,
            "sn_first": sn.str.split("-").str[0],
            "sn_mp": pn.phonetic_keys_series(names)["metaphone"].astype(STRING),
        }
    )


class _Roles:
    """The input's columns by linkage role (names resolved as the config gives them)."""

    def __init__(self, df: pd.DataFrame, config: LinkageConfig) -> None:
        self.df, self.config = df, config

    def all(self, role: str) -> list[pd.Series]:
        found = [resolve_column(self.df, c) for c in self.config.role_columns(role)]
        return [self.df[c] for c in found if c is not None]

    def one(self, role: str) -> pd.Series | None:
        found = self.all(role)
        return found[0] if found else None


def _std(kind: str, values: pd.Series) -> pd.Series:
    return registry.get(kind).standardise_series(values).value


def _identity_features(roles: _Roles, out: pd.DataFrame) -> None:
    """Identifiers, names and the date of birth."""
    if (s := roles.one("nhs_number")) is not None:
        out["nhs"] = _std("nhs_number", s)
    if (s := roles.one("nino")) is not None:
        out["nino"] = _std("nino", s)
    for feature, s in zip(("ident", "ident2"), roles.all("identifier")):
        out[feature] = _compact(s)
    if (s := roles.one("forename")) is not None:
        for k, v in _by_distinct(s, _forename_features).items():
            out[k] = v
    if (s := roles.one("surname")) is not None:
        for k, v in _by_distinct(s, _surname_features).items():
            out[k] = v
    if (s := roles.one("full_name")) is not None:
        pn = registry.get("person_name")
        cleaned = pn.standardise_series(s.astype(STRING).str.replace(r"[,;.]+", " ", regex=True)).value
        text = _text(cleaned.fillna(s.astype(STRING)))
        codes, uniques = pd.factorize(text)  # sort the words once per distinct name
        ordered = np.array([" ".join(sorted(str(u).split(" "))) for u in uniques] + [None], dtype=object)
        out["nm"] = pd.array(ordered[codes], dtype=STRING)
        out["nm_a"] = out["nm"].str.split(" ").str[0]
        out["nm_b"] = out["nm"].str.split(" ").str[-1]
    if (s := roles.one("date_of_birth")) is not None:
        dob = _dates_any_era(s)
        out["dob"] = dob
        out["dob_y"] = dob.str.slice(0, 4)


def _place_features(roles: _Roles, out: pd.DataFrame) -> None:
    """Postcode parts, the address line (street number first), locality and birth place."""
    if (s := roles.one("postcode")) is not None:
        for k, v in _postcodes(s).items():
            out[k] = v.to_numpy()
    lines = roles.all("address")
    number = roles.one("street_number")
    if number is not None:
        out["stno"] = _compact(number)
    if lines:
        joined = ([number.astype(STRING).fillna("")] if number is not None else []) + [
            line.astype(STRING).fillna("") for line in lines
        ]
        text = joined[0].str.strip()
        for part in joined[1:]:
            text = text + ", " + part.str.strip()
        text = text.str.replace(r"^(, )+|(, )+$", "", regex=True).str.replace(r"(, )+", ", ", regex=True)
        canonical = _std("address", text.mask(text.str.strip() == "", pd.NA))
        out["addr"] = _text(canonical.fillna(text))
    if (s := roles.one("locality")) is not None:
        out["loc"] = _text(s)
    if (s := roles.one("birth_place")) is not None:
        out["bplace"] = _text(s)


def _contact_features(roles: _Roles, out: pd.DataFrame) -> None:
    """Attributes, phones (mobile or landline), email, UPRN and the fraud-view columns."""
    attributes = roles.all("gender") + roles.all("attribute")
    if len(attributes) > MAX_ATTRIBUTES:
        log.warning("linkage uses the first %d attribute columns; the rest are ignored", MAX_ATTRIBUTES)
    for i, s in enumerate(attributes[:MAX_ATTRIBUTES], start=1):
        out[f"attr{i}"] = _text(s)
    if (s := roles.one("phone")) is not None:
        # one rule for what a mobile is: phonenumbers' line type, as ``fields.phone`` reports it
        # (numbers whose type the numbering plan does not tell apart count as landlines)
        details = registry.get("phone").details_series(s)
        e164 = details["e164"]
        mobile = details["is_mobile"].fillna(False).to_numpy(dtype=bool)
        out["mobile"] = e164.where(mobile, pd.NA)
        out["landline"] = e164.where(~mobile, pd.NA)
    if (s := roles.one("email")) is not None:
        out["email"] = _std("email", s).str.lower()
    if (s := roles.one("uprn")) is not None:
        out["uprn"] = _std("uprn", s)
    for role in ("claim_id", "property_id", "last_updated"):
        if (s := roles.one(role)) is not None:
            out[role] = s.astype(STRING)


def prepare(df: pd.DataFrame, config: LinkageConfig, *, source: str | None = None) -> pd.DataFrame:
    """The prepared frame (see the module docstring). ``df`` is not modified."""
    out = pd.DataFrame(index=df.index)
    out["unique_id"] = df[resolve_column(df, config.id_column)].astype(str).str.strip().astype(STRING)
    roles = _Roles(df, config)
    _identity_features(roles, out)
    _place_features(roles, out)
    _contact_features(roles, out)
    source_col = roles.one("source")
    out["source"] = (
        source_col.astype(STRING)
        if source_col is not None
        else pd.Series(source or "data", index=df.index, dtype=STRING)
    )
    for feature in (*FEATURES, "claim_id", "property_id", "last_updated"):
        if feature not in out.columns:
            out[feature] = pd.Series(pd.NA, index=df.index, dtype=STRING)
    out = out.astype({c: STRING for c in out.columns})
    return out.reset_index(drop=True)


def available_features(prepared: pd.DataFrame) -> set[str]:
    """Features with at least one value (comparisons on empty features are left out)."""
    return {f for f in FEATURES if prepared[f].notna().any()}
