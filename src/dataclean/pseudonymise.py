"""Keyed pseudonymisation for sharing: identifiers replaced by HMAC-SHA256 tokens.

Each value is standardised first (with its field kind), so ``943 476 5919`` and ``9434765919``
give the same token, in every agency's file, as long as they hold the same key; linkage then works
on the tokens. A value that is not valid gets no token (``<NA>`` plus a reason), never a token of
junk.

* **Token**: ``HMAC-SHA256(key, kind + "\\x1f" + canonical value)``, hex, truncated to 32
  characters (128 bits), prefixed with the key id: ``<key id>:<32 hex>``. Putting the kind in the
  message separates domains: an NHS-number token can never equal a NINO token for the same digits.
* **Key id**: the first 8 hex characters of SHA-256 of the key. It tells which key made a token
  (so rotated keys are distinguishable) and reveals nothing usable about the key.
* **Key**: at least 32 bytes, from a file (raw bytes, or text holding hex or base64) or from the
  ``DATACLEAN_PSEUDONYMISATION_KEY`` environment variable (hex or base64). Never from the command
  line, never in output, logs or exception messages. :func:`generate_key` makes one.

Rotation (see docs/pseudonymise.md): tokens cannot be re-keyed without the original values or
the old key. The data controller holding both keys produces an old-token -> new-token map with
:func:`rotation_map` from the original identifiers, and partners re-tokenise or apply the map.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dataclean import registry
from dataclean._core import STRING, WHITESPACE
from dataclean.exceptions import ConfigError

log = logging.getLogger(__name__)

ENV_VAR = "DATACLEAN_PSEUDONYMISATION_KEY"
MIN_KEY_BYTES = 32
TOKEN_HEX = 32


class Key:
    """A pseudonymisation key. Its ``repr`` and ``str`` show only the key id."""

    __slots__ = ("_secret", "key_id")

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_KEY_BYTES:
            raise ConfigError(f"the pseudonymisation key is {len(secret)} bytes; at least {MIN_KEY_BYTES} are needed")
        self._secret = bytes(secret)
        self.key_id = hashlib.sha256(self._secret).hexdigest()[:8]

    def __repr__(self) -> str:
        return f"Key(id={self.key_id})"

    __str__ = __repr__

    def token(self, kind: str, value: str) -> str:
        digest = hmac.new(self._secret, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()
        return f"{self.key_id}:{digest[:TOKEN_HEX]}"


def generate_key() -> str:
    """A new random 32-byte key as 64 hex characters (store it in a file readable only by you)."""
    return secrets.token_hex(MIN_KEY_BYTES)


def _decode(text: bytes, source: str) -> bytes:
    stripped = text.strip()
    try:
        as_text = stripped.decode("ascii")
    except UnicodeDecodeError:
        return text  # raw bytes
    if len(as_text) >= 2 * MIN_KEY_BYTES and all(c in "0123456789abcdefABCDEF" for c in as_text):
        return bytes.fromhex(as_text)
    try:
        decoded = base64.b64decode(as_text, validate=True)
        if len(decoded) >= MIN_KEY_BYTES:
            return decoded
    except (binascii.Error, ValueError):
        pass
    return stripped


def load_key(path: str | Path | None = None, *, env_var: str = ENV_VAR) -> Key:
    """The key from ``path`` if given, else from the environment variable; ConfigError otherwise."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(
                f'key file {p} not found; create one with `python -c "import dataclean.pseudonymise as '
                f'p; print(p.generate_key())" > {p.name}`'
            )
        return Key(_decode(p.read_bytes(), str(p)))
    text = os.environ.get(env_var)
    if not text:
        raise ConfigError(
            f"no pseudonymisation key: pass a key file (--key-file) or set ${env_var}; "
            "keys are never taken from the command line"
        )
    return Key(_decode(text.encode(), env_var))


def pseudonymise_series(
    values: pd.Series, key: Key | bytes, *, kind: str | None = None, purpose: str | None = None
) -> pd.DataFrame:
    """Tokens for a column: a frame with ``token`` and ``reason`` on the input index.

    With ``kind``, values are standardised first and invalid ones get no token (``reason`` says
    why); without it, the trimmed text is tokenised as it is. ``purpose`` (default: the kind)
    goes into the HMAC message, separating domains. HMAC runs once per distinct value.
    """
    k = key if isinstance(key, Key) else Key(key)
    domain = purpose or kind or "text"
    if kind is not None:
        result = registry.get(kind).standardise_series(values)
        canonical, reason = result.value, result.reason.where(~result.valid, pd.NA)
    else:
        canonical = values.astype(STRING).str.strip(WHITESPACE)
        canonical = canonical.where(canonical.str.len() > 0, pd.NA)
        reason = pd.Series(np.where(canonical.isna(), "missing", None), index=values.index, dtype=STRING)
    codes, uniques = pd.factorize(canonical, use_na_sentinel=True)
    tokens = np.array([k.token(domain, str(u)) for u in uniques] + [None], dtype=object)
    return pd.DataFrame(
        {"token": pd.Series(tokens[codes], index=values.index, dtype=STRING), "reason": reason.astype(STRING)},
        index=values.index,
    )


def pseudonymise_frame(
    df: pd.DataFrame,
    columns: Mapping[str, str | None],
    key: Key | bytes,
    *,
    keep_originals: bool = False,
    suffix: str = "",
) -> pd.DataFrame:
    """A copy of ``df`` with each ``column: kind`` replaced by its tokens (never mutates ``df``).

    ``keep_originals=True`` keeps the raw columns beside ``<column>_token`` columns (for the data
    controller's own mapping table; never share that file).
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ConfigError(
            f"no column(s) {', '.join(map(repr, missing))} to pseudonymise; "
            f"columns are {', '.join(map(str, df.columns))}"
        )
    out = df.copy()
    for col, kind in columns.items():
        tokens = pseudonymise_series(df[col], key, kind=kind)["token"]
        if keep_originals:
            out[f"{col}_token"] = tokens
        else:
            out[f"{col}{suffix}"] = tokens
    return out


def rotation_map(
    values: pd.Series, old_key: Key | bytes, new_key: Key | bytes, *, kind: str | None = None
) -> pd.DataFrame:
    """``old_token -> new_token`` for the distinct valid values (run by whoever holds both keys)."""
    old = pseudonymise_series(values, old_key, kind=kind)["token"]
    new = pseudonymise_series(values, new_key, kind=kind)["token"]
    pairs = pd.DataFrame({"old_token": old, "new_token": new}).dropna().drop_duplicates()
    return pairs.reset_index(drop=True)


def run_pseudonymise(
    input_path: str | Path,
    output_path: str | Path,
    columns: Mapping[str, str | None],
    *,
    key_file: str | Path | None = None,
    env_var: str = ENV_VAR,
) -> dict[str, Any]:
    """Read a file, tokenise ``columns`` and write the result (same format); returns counts."""
    from dataclean.io import read_table, write_table

    key = load_key(key_file, env_var=env_var)
    df = read_table(input_path)
    out = pseudonymise_frame(df, columns, key)
    write_table(out, output_path)
    summary: dict[str, Any] = {"rows": len(df), "key_id": key.key_id, "output": str(output_path)}
    for col in columns:
        summary[f"{col}_tokens"] = int(out[col].notna().sum())
        summary[f"{col}_not_tokenised"] = int(out[col].isna().sum())
    log.info("pseudonymised %d rows of %s with key %s", len(df), input_path, key.key_id)
    return summary
