"""Preparation for linkage: dataclean's standardisers first, then the derived match features.

Every output column is text (or NULL), named for the comparisons in :mod:`presets`:
``unique_id``, ``nhs``, ``nino``, ``fn`` (forename, upper case), ``fn_nick`` (nickname canonical
form), ``fn_mp`` / ``sn_mp`` (Metaphone), ``sn`` (surname), ``sn_first`` (first part of a
hyphenated surname), ``dob`` (ISO), ``dob_y`` (year), ``pc`` / ``pc_sector`` / ``pc_district`` /
``pc_area``, ``addr`` (canonical address, upper case), ``mobile`` and ``landline`` (E.164, split
by line type: mobiles are personal, landlines shared by a household), ``email`` (lower case),
``uprn``; plus ``claim_id``, ``property_id``, ``last_updated`` and ``source`` carried through.
"""

from __future__ import annotations

import logging

import pandas as pd

from dataclean import registry
from dataclean.exceptions import ConfigError, DataFileError
from dataclean.linkage.config import LinkageConfig

log = logging.getLogger(__name__)
STRING = pd.StringDtype()
FEATURES = (
    "nhs",
    "nino",
    "fn",
    "fn_nick",
    "fn_mp",
    "sn",
    "sn_first",
    "sn_mp",
    "dob",
    "dob_y",
    "pc",
    "pc_sector",
    "pc_district",
    "pc_area",
    "addr",
    "mobile",
    "landline",
    "email",
    "uprn",
)
#: role -> the features it provides (a feature is used only when its role is configured)
ROLE_FEATURES = {
    "nhs_number": ("nhs",),
    "nino": ("nino",),
    "forename": ("fn", "fn_nick", "fn_mp"),
    "surname": ("sn", "sn_first", "sn_mp"),
    "date_of_birth": ("dob", "dob_y"),
    "postcode": ("pc", "pc_sector", "pc_district", "pc_area"),
    "address": ("addr",),
    "phone": ("mobile", "landline"),
    "email": ("email",),
    "uprn": ("uprn",),
}


def check_input(df: pd.DataFrame, config: LinkageConfig, *, name: str = "data", partial: bool = False) -> None:
    """Clear errors for a frame linkage cannot use (missing id or role columns, duplicate ids).

    With ``partial`` (linking several files), a role column a file lacks is treated as empty there
    (a claim id exists only in the claims file); the id column is always required.
    """
    if not isinstance(df, pd.DataFrame):
        raise ConfigError(f"{name}: expected a pandas DataFrame, got {type(df).__name__}")
    needed = [config.id_column] if partial else [config.id_column, *config.columns.values()]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataFileError(
            f"{name}: no column {', '.join(map(repr, missing))} named in the linkage config; "
            f"columns are {', '.join(map(str, df.columns))}"
        )
    ids = df[config.id_column]
    if ids.isna().any():
        raise DataFileError(
            f"{name}: {int(ids.isna().sum())} rows have no {config.id_column!r}; every record needs an id"
        )
    dup = ids.astype(str).duplicated()
    if dup.any():
        raise DataFileError(
            f"{name}: {int(dup.sum())} duplicate values in the id column {config.id_column!r}; "
            "ids must be unique within a file"
        )
    usable = [r for r, c in config.columns.items() if r in ROLE_FEATURES and c in df.columns and df[c].notna().any()]
    if len(usable) < 2 and len(df) > 1:
        raise ConfigError(
            f"{name}: linkage needs at least two populated identifying columns (roles); configured: "
            f"{', '.join(config.columns) or 'none'}"
        )


def prepare(df: pd.DataFrame, config: LinkageConfig, *, source: str | None = None) -> pd.DataFrame:
    """The prepared frame (see the module docstring). ``df`` is not modified."""
    cols = config.columns
    out = pd.DataFrame(index=df.index)
    out["unique_id"] = df[config.id_column].astype(str).astype(STRING)

    def col(role: str) -> pd.Series | None:
        return df[cols[role]] if role in cols and cols[role] in df.columns else None

    def std(kind: str, values: pd.Series) -> pd.Series:
        return registry.get(kind).standardise_series(values).value

    if (s := col("nhs_number")) is not None:
        out["nhs"] = std("nhs_number", s)
    if (s := col("nino")) is not None:
        out["nino"] = std("nino", s)
    pn = registry.get("person_name")
    if (s := col("forename")) is not None:
        fn = pn.standardise_series(s).value
        out["fn"] = fn.str.upper().str.split(" ").str[0]
        out["fn_nick"] = pn.nickname_canonical_series(s).str.upper()
        out["fn_mp"] = pn.phonetic_keys_series(s)["metaphone"]
    if (s := col("surname")) is not None:
        sn = pn.standardise_series(s).value.str.upper()
        out["sn"] = sn
        out["sn_first"] = sn.str.split("-").str[0]
        out["sn_mp"] = pn.phonetic_keys_series(s)["metaphone"]
    if (s := col("date_of_birth")) is not None:
        dob = std("date_of_birth", s)
        out["dob"] = dob
        out["dob_y"] = dob.str.slice(0, 4)
    if (s := col("postcode")) is not None:
        parts = registry.get("postcode").components_series(s)
        out["pc"], out["pc_sector"] = parts["postcode"], parts["sector"]
        out["pc_district"], out["pc_area"] = parts["district"], parts["area"]
    if (s := col("address")) is not None:
        out["addr"] = std("address", s).str.upper()
    if (s := col("phone")) is not None:
        e164 = std("phone", s)
        # UK mobiles are +447 numbers other than 070 (personal numbering) and 076 (pagers): a
        # prefix test on the canonical form, instead of a metadata lookup per number
        mobile = (e164.str.startswith("+447") & ~e164.str.startswith(("+4470", "+4476"))).fillna(False)
        out["mobile"] = e164.where(mobile.to_numpy(dtype=bool), pd.NA)
        out["landline"] = e164.where(~mobile.to_numpy(dtype=bool), pd.NA)
    if (s := col("email")) is not None:
        out["email"] = std("email", s).str.lower()
    if (s := col("uprn")) is not None:
        out["uprn"] = std("uprn", s)
    for role in ("claim_id", "property_id", "last_updated"):
        if (s := col(role)) is not None:
            out[role] = s.astype(STRING)
    out["source"] = (
        df[cols["source"]].astype(STRING)
        if "source" in cols and cols["source"] in df.columns
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


def null_share(prepared: pd.DataFrame) -> dict[str, float]:
    return {f: float(prepared[f].isna().mean()) for f in FEATURES}
