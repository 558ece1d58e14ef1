"""Profile a frame and draft a suite: recognise identifier-like columns by name and by content.

Used by ``dataclean suite init DATA``. The draft is a starting point for a person to review:
roles are guessed from column names first (``nhs_no``, ``NI Number``, ``dob``, ``given_name``,
``soc_sec_id``...) and confirmed or found from content (the share of a sample of values each
field kind accepts, how many values are distinct, whether they look like codes). Header
whitespace is trimmed (CSV files written ``rec_id, given_name, ...`` keep a leading space).

For person-like data (a name plus something else identifying) the draft includes a ``dedupe:``
block that works as it is: the record id (unique in every row, named or shaped like an id), each
linkage role with a comment saying how it was recognised.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dataclean import registry
from dataclean.roles import IDENTIFYING_ROLES, MULTI_ROLES

_NAME_HINTS: tuple[tuple[str, str], ...] = (
    (r"nhs.?(no|num|number)?$|^nhs", "nhs_number"),
    (r"\bni.?(no|num|number)\b|nino|national.?insurance", "nino"),
    (r"post.?code|postal.?code|^pc$|zip.?code|^zip$", "postcode"),
    (r"phone|tel|mobile|contact.?number", "phone"),
    (r"e.?mail", "email"),
    (r"uprn", "uprn"),
    (r"dob|date.?of.?birth|birth.?date|birthdate|^born", "date_of_birth"),
    (r"date.?of.?death|dod$|death.?date", "date_of_death"),
    (r"birth.?place|place.?of.?birth|^pob$|country.?of.?birth|birth.?country|town.?of.?birth", "birth_place"),
    (r"fore.?name|first.?name|given.?name|christian.?name|^fname$|^given$|^first$|^forenames$", "forename"),
    (
        r"full.?name|^name$|person.?name|(client|patient|resident|customer|service_user).?name|first.?and.?surname",
        "full_name",
    ),
    (r"sur.?name|last.?name|family.?name|^lname$|^family$|^last$", "surname"),
    (r"gender|^sex$", "gender"),
    (r"ethnic", "ethnicity"),
    (r"street.?(no|num|number)|house.?(no|num|number)|building.?(no|num|number)|^number$", "street_number"),
    (r"address|addr|street|^road$", "address"),
    (r"suburb|^town$|^city$|locality|village|post.?town|town.?city", "locality"),
    (r"last.?updated|updated.?(at|on)|modified|extract.?date", "last_updated"),
    (r"^(rec|record|person|client|case|account|claim|unique|row|patient|customer)_?(id|ref|key)$|^id$|^uid$", "id"),
    (r"soc.?sec|^ssn$|pupil.?(no|num|number)|^upn$|case.?(no|num|number|ref)|(^|_)(id|ref|number|no)$", "identifier"),
    (r"^state$|county|region|occupation|marital|religion|nationality|^title$", "attribute"),
)
_ROLE_KIND = {"forename": "person_name", "surname": "person_name", "full_name": "person_name"}
_CONTENT_KINDS = ("nhs_number", "nino", "postcode", "email", "phone", "date_of_birth")
#: roles with no field kind: the suite calls them text (attribute, locality...) or id
_SUITE_ROLE = {
    "identifier": "id",
    "attribute": "category",
    "locality": "text",
    "birth_place": "text",
    "street_number": "text",
    "full_name": "person_name",
}
#: roles a drafted ``dedupe:`` block may give (those that identify a person), in block order
_LINKAGE_ROLES = IDENTIFYING_ROLES
_MULTI = MULTI_ROLES
MAX_DRAFT_ATTRIBUTES = 3


@dataclass(frozen=True)
class ColumnProfile:
    column: str
    role: str | None
    null_share: float
    distinct_share: float
    valid_share: float | None
    detected_by: str


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _sample(values: pd.Series) -> pd.Series:
    sample = values.dropna()
    if len(sample) > 2000:
        sample = sample.sample(2000, random_state=0)
    text = sample.astype("string").str.strip()
    return text[text != ""]


def _valid_share(values: pd.Series, kind: str) -> float:
    sample = _sample(values)
    if sample.empty:
        return 0.0
    return float(registry.get(kind).is_valid_series(sample).mean())


def _code_like(values: pd.Series) -> float:
    """Share of sampled values shaped like a code (letters/digits/separators, with a digit, no spaces)."""
    sample = _sample(values)
    if sample.empty:
        return 0.0
    shaped = sample.str.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-_/.]{2,}").fillna(False).astype(bool)
    digits = sample.str.contains(r"\d").fillna(False).astype(bool)
    return float((shaped & digits).mean())


@functools.lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """Lower-case given names (about 2,000, English-language) from the ``nicknames`` package."""
    from dataclean.fields.person_name import _nicknamer

    namer = _nicknamer()
    return frozenset(namer.nickname_lookup) | frozenset(namer.canonical_lookup)


_NAME_SHAPED = r"[A-Za-z][A-Za-z'\-]*(?: [A-Za-z][A-Za-z'\-]*){0,3}"
_TITLES = r"^(?:mr|mrs|miss|ms|mx|dr|prof|rev|sir|lady|lord)\.?\s+"


def _name_shares(values: pd.Series) -> tuple[float, float, float]:
    """(name-shaped, one token, first token a known given name) shares of a sample of values."""
    sample = _sample(values)
    if sample.empty:
        return 0.0, 0.0, 0.0
    text = sample.str.lower().str.replace(_TITLES, "", regex=True).str.strip()
    shaped = text.str.fullmatch(_NAME_SHAPED).fillna(False).astype(bool)
    one_token = ~text.str.contains(" ", regex=False).fillna(True).astype(bool)
    given = text.str.split(" ", n=1).str[0].isin(_given_names())
    return float(shaped.mean()), float((one_token & shaped).mean()), float(given.mean())


def _names_by_values(df: pd.DataFrame, profiles: list[ColumnProfile]) -> list[ColumnProfile]:
    """Name columns the headers did not reveal (``given``/``family`` in another language, ``col3``):
    a column of mostly single name-shaped words half of which are known given names is a forename;
    of two- to four-word names starting with one, a full name; with a forename found, the nearest
    other column of single name-shaped words is the surname."""
    roles = {p.role for p in profiles}
    if "full_name" in roles or {"forename", "surname"} <= roles:
        return profiles
    out = list(profiles)
    shares = {}
    for i, p in enumerate(out):
        values = _blank_to_na(df.iloc[:, i])
        distinct = values.nunique(dropna=True)
        # a handful of repeated words (statuses, categories) is not a name column
        if p.role is None and distinct >= min(20, 0.5 * values.notna().sum()) and distinct > 1:
            shares[i] = _name_shares(values)
    forename = next((i for i, p in enumerate(out) if p.role == "forename"), None)
    if forename is None:
        given = [(g, i) for i, (shaped, one, g) in shares.items() if one >= 0.8 and g >= 0.4]
        if given:
            forename = max(given)[1]
            out[forename] = dataclasses.replace(out[forename], role="forename", detected_by="content")
            shares.pop(forename)
    if forename is not None and "surname" not in roles:
        words = [i for i, (shaped, one, g) in shares.items() if one >= 0.8 and shaped >= 0.9]
        if words:
            surname = min(words, key=lambda i: abs(i - forename))
            out[surname] = dataclasses.replace(out[surname], role="surname", detected_by="content")
    elif forename is None:
        full = [(g, i) for i, (shaped, one, g) in shares.items() if shaped >= 0.8 and one <= 0.2 and g >= 0.4]
        if full:
            i = max(full)[1]
            out[i] = dataclasses.replace(out[i], role="full_name", detected_by="content")
    return out


def _blank_to_na(s: pd.Series) -> pd.Series:
    if not (pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)):
        return s
    text = s.astype("string").str.strip()
    return text.mask(text == "", pd.NA)


def profile_columns(df: pd.DataFrame) -> list[ColumnProfile]:
    """One :class:`ColumnProfile` per column: guessed role, null and distinct shares, validity.

    Column names are reported trimmed of surrounding spaces."""
    out = []
    n = max(len(df), 1)
    for col in df.columns:
        s = _blank_to_na(df[col])
        null_share = float(s.isna().mean()) if len(s) else 1.0
        distinct_share = float(s.nunique(dropna=True) / n)
        name = _norm(col)
        role = next((r for pattern, r in _NAME_HINTS if re.search(pattern, name)), None)
        detected = "name" if role else "none"
        kind = _ROLE_KIND.get(role, role) if role else None
        valid = None
        if kind in registry.kinds():
            valid = _valid_share(s, kind)
        if role == "id" and not (distinct_share >= 0.999 and null_share == 0):
            role = "identifier"  # named like an id but repeated: an identifier to match on
        if role == "identifier":  # a generic name may hold NHS numbers or NINOs: the values tell
            for kind in ("nhs_number", "nino"):
                share = _valid_share(s, kind)
                if share >= 0.9:
                    role, valid, detected = kind, share, "content"
                    break
        if role is None and len(s.dropna()):
            best = max(((k, _valid_share(s, k)) for k in _CONTENT_KINDS), key=lambda kv: kv[1])
            if best[1] >= 0.6:
                role, valid, detected = best[0], best[1], "content"
            elif null_share == 0 and distinct_share >= 0.999 and _code_like(s) >= 0.9:
                role, detected = "id", "content"
        out.append(ColumnProfile(str(col).strip(), role, null_share, distinct_share, valid, detected))
    return _names_by_values(df, _record_id(out))


def _record_id(profiles: list[ColumnProfile]) -> list[ColumnProfile]:
    """No column named like a record id (``Ref``, ``Reference``, ``case_no``): the first identifier
    that is filled and unique in every row is the record id."""
    if any(p.role == "id" for p in profiles):
        return profiles
    for i, p in enumerate(profiles):
        if p.role == "identifier" and p.distinct_share >= 0.999 and p.null_share == 0:
            return [*profiles[:i], dataclasses.replace(p, role="id"), *profiles[i + 1 :]]
    return profiles


def draft_suite(df: pd.DataFrame, *, name: str) -> dict[str, Any]:
    """A suite dict (``dataclean_suite: 1``) drafted from the data's columns."""
    return _draft(df, name=name)[0]


def _draft(df: pd.DataFrame, *, name: str) -> tuple[dict[str, Any], list[ColumnProfile], str | None]:
    profiles = profile_columns(df)
    columns: dict[str, dict[str, Any]] = {}
    id_column = None
    for p in profiles:
        spec: dict[str, Any] = {}
        role = _SUITE_ROLE.get(p.role, p.role) if p.role else None
        if p.role == "postcode" and p.valid_share is not None and p.valid_share < 0.5:
            role = "text"  # not UK postcodes: kept as text (linkage still compares them)
        if role:
            spec["role"] = role
        if p.null_share < 0.05:
            spec["required"] = True
        if p.role == "id" and p.distinct_share >= 0.999 and p.null_share == 0:
            spec["unique"] = True
            id_column = id_column or p.column
        if p.valid_share is not None and role not in ("text", None) and p.valid_share < 0.99:
            spec["mostly"] = round(max(min(p.valid_share, 0.99) - 0.01, 0.5), 2)
        columns[p.column] = spec
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "draft"
    suite: dict[str, Any] = {
        "dataclean_suite": 1,
        "name": safe,
        "description": f"Draft suite profiled from {name}; review before use.",
        "columns": columns,
    }
    if id_column:
        suite["dataset"] = {"id_column": id_column}
    updated = next((p.column for p in profiles if p.role == "last_updated"), None)
    if updated:
        suite["timeliness"] = {"column": updated, "max_age_days": 365}
    dob = next((p.column for p in profiles if p.role == "date_of_birth"), None)
    dod = next((p.column for p in profiles if p.role == "date_of_death"), None)
    if dob and dod:
        suite["expectations"] = [
            {"type": "expect_column_pair_values_to_be_chronological", "column_A": dob, "column_B": dod}
        ]
    suite["thresholds"] = {"overall": 0.9}
    block = draft_dedupe_block(profiles, id_column)
    if block:
        suite["dedupe"] = block
    return suite, profiles, id_column


def draft_dedupe_block(profiles: list[ColumnProfile], id_column: str | None) -> dict[str, Any] | None:
    """A ``dedupe:`` block when the data is person-like: a name (forename, surname or full name)
    plus at least one more identifying role (date of birth, an identifier, an address...)."""
    by_role: dict[str, list[str]] = {}
    for p in profiles:
        if p.role in _LINKAGE_ROLES and p.null_share < 1.0:
            by_role.setdefault(p.role, []).append(p.column)
    names = {"forename", "surname", "full_name"} & set(by_role)
    if not (id_column and names and len(set(by_role) - names) >= 1):
        return None
    if {"forename", "surname"} <= set(by_role):
        by_role.pop("full_name", None)  # the parts already carry it; counting both double-counts
    columns: dict[str, Any] = {}
    for role in _LINKAGE_ROLES:
        cols = by_role.get(role)
        if not cols:
            continue
        if role == "attribute":
            cols = cols[:MAX_DRAFT_ATTRIBUTES]
        columns[role] = (cols if len(cols) > 1 else cols[0]) if role in _MULTI else cols[0]
    return {"id_column": id_column, "columns": columns}


def _why(p: ColumnProfile) -> str:
    how = {"name": "by its name", "content": "by its values"}.get(p.detected_by, "guessed")
    extra = f"; {p.valid_share:.0%} valid" if p.valid_share is not None else ""
    return f"{how}{extra}; {p.distinct_share:.0%} distinct, {p.null_share:.0%} empty"


def _dedupe_yaml(block: dict[str, Any], profiles: list[ColumnProfile]) -> str:
    """The dedupe block as YAML with a comment per line saying how each role was recognised."""
    by_column = {p.column: p for p in profiles}
    q = json.dumps  # a JSON string is a valid YAML scalar, quoted where needed
    ident = by_column[block["id_column"]]
    lines = [
        "# Linkage (dataclean dedupe): roles guessed from column names and values; check them.",
        "# training: unsupervised trains on this file; thresholds.match auto is chosen from the trained model.",
        "dedupe:",
        f"  id_column: {q(block['id_column'])}  # unique in every row, {_why(ident).split(';')[0]}",
        "  columns:",
    ]
    for role, cols in block["columns"].items():
        if isinstance(cols, list):
            lines.append(f"    {role}:")
            lines += [f"      - {q(c)}  # {_why(by_column[c])}" for c in cols]
        else:
            lines.append(f"    {role}: {q(cols)}  # {_why(by_column[cols])}")
    lines += ["  training: unsupervised", "  thresholds: {match: auto, review: 0.5}"]
    return "\n".join(lines) + "\n"


def draft_suite_yaml(df: pd.DataFrame, *, name: str) -> str:
    """:func:`draft_suite` as commented YAML."""
    import yaml

    suite, profiles, _ = _draft(df, name=name)
    block = suite.pop("dedupe", None)
    body = yaml.safe_dump(suite, sort_keys=False, allow_unicode=True, width=100)
    header = (
        "# Draft written by `dataclean suite init`. Roles were guessed from column names and content:\n"
        "# check each one, set thresholds your information-sharing agreement needs, then\n"
        "# run `dataclean suite check` on this file. Reference: docs/suites.md\n"
    )
    if block:
        return header + body + _dedupe_yaml(block, profiles)
    reason = (
        "# No dedupe: block: no column is unique in every row to serve as the record id."
        if any(p.role in ("forename", "surname", "full_name") for p in profiles)
        else "# No dedupe: block: the columns do not look like person records (no name column recognised)."
    )
    return header + body + reason + "\n"
