"""Profile a frame and draft a suite: recognise identifier-like columns by name and by content.

Used by ``dataclean suite init DATA``. The draft is a starting point for a person to review:
roles are guessed from column names first (``nhs_no``, ``NI Number``, ``dob``...) and confirmed or
found from content (the share of a sample of values each field kind accepts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dataclean import registry

_NAME_HINTS: tuple[tuple[str, str], ...] = (
    (r"nhs.?(no|num|number)?$|^nhs", "nhs_number"),
    (r"\bni.?(no|num|number)\b|nino|national.?insurance", "nino"),
    (r"post.?code|postal.?code|^pc$", "postcode"),
    (r"phone|tel|mobile|contact.?number", "phone"),
    (r"e.?mail", "email"),
    (r"uprn", "uprn"),
    (r"dob|date.?of.?birth|birth.?date|birthdate", "date_of_birth"),
    (r"date.?of.?death|dod$|death.?date", "date_of_death"),
    (r"fore.?name|first.?name|given.?name", "forename"),
    (r"sur.?name|last.?name|family.?name", "surname"),
    (r"gender|sex", "gender"),
    (r"ethnic", "ethnicity"),
    (r"address|addr", "address"),
    (r"last.?updated|updated.?(at|on)|modified|extract.?date", "last_updated"),
    (r"(record|person|client|case|account|claim).?(id|ref|number|no)$|^id$", "id"),
)
_ROLE_KIND = {"forename": "person_name", "surname": "person_name"}
_CONTENT_KINDS = ("nhs_number", "nino", "postcode", "email", "phone", "date_of_birth", "uprn")


@dataclass(frozen=True)
class ColumnProfile:
    column: str
    role: str | None
    null_share: float
    distinct_share: float
    valid_share: float | None
    detected_by: str


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")


def _valid_share(values: pd.Series, kind: str) -> float:
    sample = values.dropna()
    if sample.empty:
        return 0.0
    if len(sample) > 2000:
        sample = sample.sample(2000, random_state=0)
    return float(registry.get(kind).is_valid_series(sample).mean())


def profile_columns(df: pd.DataFrame) -> list[ColumnProfile]:
    """One :class:`ColumnProfile` per column: guessed role, null and distinct shares, validity."""
    out = []
    n = max(len(df), 1)
    for col in df.columns:
        s = df[col]
        null_share = float(s.isna().mean()) if len(s) else 1.0
        distinct_share = float(s.nunique(dropna=True) / n)
        name = _norm(col)
        role = next((r for pattern, r in _NAME_HINTS if re.search(pattern, name)), None)
        detected = "name" if role else "none"
        kind = _ROLE_KIND.get(role, role) if role else None
        valid = None
        if kind in registry.kinds():
            valid = _valid_share(s, kind)
        if role is None:
            best = max(((k, _valid_share(s, k)) for k in _CONTENT_KINDS), key=lambda kv: kv[1])
            if best[1] >= 0.6:
                role, valid, detected = best[0], best[1], "content"
        out.append(ColumnProfile(str(col), role, null_share, distinct_share, valid, detected))
    return out


def draft_suite(df: pd.DataFrame, *, name: str) -> dict[str, Any]:
    """A suite dict (``dataclean_suite: 1``) drafted from the data's columns."""
    profiles = profile_columns(df)
    columns: dict[str, dict[str, Any]] = {}
    id_column = None
    for p in profiles:
        spec: dict[str, Any] = {}
        if p.role:
            spec["role"] = p.role
        if p.null_share < 0.05:
            spec["required"] = True
        if p.role == "id" and p.distinct_share >= 0.999 and p.null_share == 0:
            spec["unique"] = True
            id_column = id_column or p.column
        if p.valid_share is not None and p.valid_share < 0.99:
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
    return suite


def draft_dedupe_block(profiles: list[ColumnProfile], id_column: str | None) -> dict[str, Any] | None:
    """A ``dedupe:`` block when the data has person columns (names plus a date of birth)."""
    roles = {p.role: p.column for p in profiles if p.role}
    if not (id_column and "date_of_birth" in roles and ("forename" in roles or "surname" in roles)):
        return None
    person_roles = (
        "nhs_number",
        "nino",
        "forename",
        "surname",
        "date_of_birth",
        "postcode",
        "address",
        "phone",
        "email",
        "gender",
    )
    return {"id_column": id_column, "columns": {r: roles[r] for r in person_roles if r in roles}}


def draft_suite_yaml(df: pd.DataFrame, *, name: str) -> str:
    """:func:`draft_suite` as commented YAML."""
    import yaml

    body = yaml.safe_dump(draft_suite(df, name=name), sort_keys=False, allow_unicode=True, width=100)
    return (
        "# Draft written by `dataclean suite init`. Roles were guessed from column names and content:\n"
        "# check each one, set thresholds your information-sharing agreement needs, then\n"
        "# run `dataclean suite check` on this file. Reference: docs/suites.md\n" + body
    )
