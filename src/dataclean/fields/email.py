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
    WHITESPACE,
    FieldColumns,
    StandardiseResult,
    arrow_text,
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
    """Canonical addresses, status and reason per row (Arrow compute: RE2 regexes, hash lookups)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = to_text(values, max_length=MAX_LENGTH)
    text = arrow_text(col.text)
    bracketed = _bools(pc.and_(pc.starts_with(text, "<"), pc.ends_with(text, ">")))
    if bracketed.any():
        text = pc.if_else(pa.array(bracketed), pc.utf8_trim(pc.utf8_slice_codeunits(text, 1, -1), WHITESPACE), text)
    text = pc.replace_substring_regex(text, r"^(?i:mailto:)", "")
    ascii_ok = _bools(pc.string_is_ascii(text))
    ats = pc.fill_null(pc.count_substring(text, "@"), 0).to_numpy(zero_copy_only=False)
    printable = _bools(pc.match_substring_regex(text, f"^(?:{_PRINTABLE})$"))
    # split at the first "@": what is before it, and what is after it (null without an "@")
    parts = pc.split_pattern(
        pc.if_else(pa.array(ats > 0), text, pc.binary_join_element_wise(text, "@", "")), "@", max_splits=1
    )
    local = pc.list_element(parts, 0)
    domain = pc.if_else(pa.array(ats > 0), pc.list_element(parts, 1), pa.scalar(None, pa.string()))
    local_ok = _bools(pc.less_equal(pc.utf8_length(local), 64)) & _bools(pc.match_substring_regex(local, LOCAL))
    domain_ok = _bools(pc.match_substring_regex(domain, DOMAIN))
    domain_l = pc.utf8_lower(domain)
    placeholder = _bools(pc.is_in(pc.utf8_lower(local), pa.array(sorted(PLACEHOLDER_LOCALS))))
    placeholder |= _bools(pc.is_in(domain_l, pa.array(sorted(PLACEHOLDER_DOMAINS))))
    valid = col.usable & ascii_ok & (ats == 1) & printable & local_ok & domain_ok & ~placeholder
    reserved = _bools(pc.is_in(domain_l, pa.array(sorted(RESERVED_DOMAINS))))
    for tld in sorted(RESERVED_TLDS):  # a valid domain has a dot: its last label is after the last one
        reserved |= _bools(pc.ends_with(domain_l, "." + tld))
    reserved &= valid
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
    canonical = pc.binary_join_element_wise(local, domain_l, "@")
    if isinstance(col.text.dtype, pd.StringDtype) and col.text.dtype.storage == "pyarrow":
        canon = pd.Series(pd.array(canonical, dtype=pd.StringDtype("pyarrow")), index=values.index)
    else:
        canon = pd.Series(canonical.to_numpy(zero_copy_only=False), index=values.index, dtype=object)
    return build_result(col, canon, pd.Series(reason, index=values.index), valid)


def _bools(arr: Any) -> np.ndarray:
    """A pyarrow boolean array as numpy, nulls False."""
    import pyarrow.compute as pc

    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


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
