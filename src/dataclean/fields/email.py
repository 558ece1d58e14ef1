"""Email address: syntax check and canonical form (domain lower-cased).

A practical subset of RFC 5322: a dot-atom local part (letters, digits and
``!#$%&'*+/=?^_`{|}~-``, dots not first, last or doubled; at most 64 characters), one ``@``, and
a domain of at least two dot-separated labels (letters, digits, inner hyphens; at most 63
characters each) ending in an alphabetic top-level label. ASCII only: internationalised addresses
are reported ``invalid_format``. Surrounding whitespace, angle brackets and a ``mailto:`` prefix
are removed. The local part keeps its case (it may be case-sensitive); the domain is lower-cased.

Reasons: ``missing``, ``invalid_type``, ``invalid_length``, ``missing_at``, ``invalid_format``
(local part, more than one ``@``, or spaces / control characters inside the address),
``invalid_domain``, ``placeholder`` (``none@none.com``, ``noemail@...``, ``test@test.com``,
``x@x.com``...). Note on a valid row: ``reserved_domain`` for the domains kept for
documentation and testing (``example.com``, ``example.org``, ``example.net`` and anything under
``.example``, ``.test``, ``.invalid``, ``.localhost``; RFC 2606 / RFC 6761), so test records can be
found in live data.

Deliverability (MX records, whether the mailbox exists) is NOT checked: that needs the network.

>>> from dataclean.fields import email
>>> email.validate(" Jo.Bloggs@EXAMPLE.org ")
'Jo.Bloggs@example.org'
>>> email.is_valid("jo.bloggs.example.org")
False
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from dataclean._core import (
    STRING,
    WHITESPACE,
    FieldColumns,
    StandardiseResult,
    build_result,
    make_is_valid,
    per_distinct_value,
    scalar_text,
    to_text,
)
from dataclean.exceptions import InvalidFormat, PlaceholderValue


class Reason(StrEnum):
    """Why a row failed: the ``reason`` column of :func:`standardise_series` and the ``reason`` of
    the :class:`~dataclean.exceptions.ValidationError` that :func:`validate` raises."""

    MISSING = "missing"
    INVALID_TYPE = "invalid_type"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    MISSING_AT = "missing_at"
    INVALID_DOMAIN = "invalid_domain"
    PLACEHOLDER = "placeholder"


class Note(StrEnum):
    """Notes on valid rows worth a look but not failures: the ``note`` column."""

    RESERVED_DOMAIN = "reserved_domain"


NAME = "email"
DESCRIPTION = "Email address: syntax only, domain lower-cased"
MAX_LENGTH = 254

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
LOCAL = rf"^{_ATOM}(?:\.{_ATOM})*$"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
DOMAIN = rf"^(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$"
PLACEHOLDER_LOCALS = frozenset(
    {
        "none",
        "noemail",
        "no.email",
        "no-email",
        "nomail",
        "no",
        "na",
        "n/a",
        "null",
        "unknown",
        "notknown",
        "not.known",
        "test",
        "x",
        "xx",
        "xxx",
        "dummy",
        "email",
        "noone",
        "nobody",
        "refused",
    }
)
PLACEHOLDER_DOMAINS = frozenset({"none.com", "noemail.com", "test.com", "x.com", "unknown.com", "nomail.com"})
#: Domains reserved for documentation and testing (RFC 2606, RFC 6761): a note, not a failure.
RESERVED_DOMAINS = frozenset({"example.com", "example.org", "example.net"})
RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})
#: Printable ASCII without space: every character an address may contain.
_PRINTABLE = r"[!-~]+"
_LOCAL_RE, _DOMAIN_RE = re.compile(LOCAL), re.compile(DOMAIN)


def compact(value: Any) -> str:
    """Trim whitespace, angle brackets and a ``mailto:`` prefix; no checks."""
    text = scalar_text(value, max_length=MAX_LENGTH).strip(WHITESPACE)
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip(WHITESPACE)
    if text[:7].lower() == "mailto:":
        text = text[7:]
    return text


def _classify(text: str) -> tuple[str | None, str | None]:
    if not text.isascii():
        return None, "invalid_format"
    if "@" not in text:
        return None, "missing_at"
    if text.count("@") > 1 or not re.fullmatch(_PRINTABLE, text):
        return None, "invalid_format"
    local, domain = text.split("@")
    if len(local) > 64 or not _LOCAL_RE.match(local):
        return None, "invalid_format"
    if not _DOMAIN_RE.match(domain):
        return None, "invalid_domain"
    domain = domain.lower()
    if local.lower() in PLACEHOLDER_LOCALS or domain in PLACEHOLDER_DOMAINS:
        return None, "placeholder"
    return f"{local}@{domain}", None


def note(address: str) -> str | None:
    """A note for a valid canonical address: ``reserved_domain`` or None."""
    domain = address.rpartition("@")[2]
    if domain in RESERVED_DOMAINS or domain.rpartition(".")[2] in RESERVED_TLDS:
        return "reserved_domain"
    return None


def validate(value: Any) -> str:
    """Return the address with its domain lower-cased, or raise."""
    canonical, reason = _classify(compact(value))
    if canonical is None:
        if reason == "placeholder":
            raise PlaceholderValue("This address stands in for 'no email'.")
        raise InvalidFormat(f"Not a valid email address ({reason.replace('_', ' ')}).", reason=reason)
    return canonical


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """The display form, which is the canonical form."""
    return validate(value)


@per_distinct_value
def standardise_series(values: pd.Series) -> StandardiseResult:
    """Canonical addresses, status and reason per row (vectorised regexes)."""
    col = to_text(values, max_length=MAX_LENGTH)
    text = col.text
    bracketed = (text.str.startswith("<") & text.str.endswith(">")).fillna(False)
    text = text.where(~bracketed, text.str.slice(1, -1).str.strip(WHITESPACE))
    text = text.str.replace(r"^(?i:mailto:)", "", regex=True)
    ascii_ok = ~text.str.contains(r"[^\x00-\x7F]", regex=True).fillna(False).to_numpy(dtype=bool)
    ats = text.str.count("@").fillna(0).to_numpy()
    printable = text.str.fullmatch(_PRINTABLE).fillna(False).to_numpy(dtype=bool)
    # split at the first "@" with regex replaces (Arrow compute; str.split(expand=True) loops in Python)
    local = text.str.replace(r"(?s)@.*", "", regex=True).astype(STRING)
    domain = text.str.replace(r"(?s)^[^@]*@", "", regex=True).where(ats > 0).astype(STRING)
    local_ok = (local.str.len() <= 64).fillna(False).to_numpy(dtype=bool) & local.str.match(LOCAL).fillna(
        False
    ).to_numpy(dtype=bool)
    domain_ok = domain.str.match(DOMAIN).fillna(False).to_numpy(dtype=bool)
    domain_l = domain.str.lower()
    placeholder = (
        (local.str.lower().isin(PLACEHOLDER_LOCALS) | domain_l.isin(PLACEHOLDER_DOMAINS))
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    valid = col.usable & ascii_ok & (ats == 1) & printable & local_ok & domain_ok & ~placeholder
    reserved = valid & (
        domain_l.isin(RESERVED_DOMAINS) | domain_l.str.replace(r"^.*\.", "", regex=True).isin(RESERVED_TLDS)
    ).fillna(False).to_numpy(dtype=bool)
    reason = np.select(
        [~col.usable, ~ascii_ok, ats == 0, (ats > 1) | ~printable, ~local_ok, ~domain_ok, placeholder, reserved],
        [
            "",
            "invalid_format",
            "missing_at",
            "invalid_format",
            "invalid_format",
            "invalid_domain",
            "placeholder",
            "reserved_domain",
        ],
        "",
    ).astype(object)
    reason[reason == ""] = None
    canonical = local + "@" + domain_l
    return build_result(col, canonical, pd.Series(reason, index=values.index), valid)


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
