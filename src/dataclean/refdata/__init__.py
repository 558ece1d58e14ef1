"""Reference data shipped as data files, each recording where it came from.

Each ``<name>.json`` file in this package holds a ``meta`` object (title, sources with their
name, URL and licence, the licence of the file, when it was compiled and when the source was
last checked) and named ``tables``, each with ``columns`` and ``rows`` (lists of strings, one row
per line in the file so that changes review well). Files are read once per process
(:func:`functools.cache`) and handed out read-only. ``scripts/refresh_refdata.py`` checks the
files, writes them in canonical form and refreshes a code table from a saved copy of its source.

>>> from dataclean import refdata
>>> refdata.load("gender").table("codes").mapping("code", "label")["2"]
'Female'
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

from dataclean.exceptions import ConfigError

#: Keys every file's ``meta`` object must have.
META_KEYS = ("title", "sources", "licence", "compiled", "source_checked", "notes")
#: Keys every entry of ``meta.sources`` must have.
SOURCE_KEYS = ("covers", "name", "url", "licence")


@dataclass(frozen=True)
class RefTable:
    """One table: column names and rows of strings."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def column(self, name: str) -> tuple[str, ...]:
        """One column's values, in file order."""
        i = self.columns.index(name)
        return tuple(row[i] for row in self.rows)

    def mapping(self, key: str, value: str) -> dict[str, str]:
        """``{key: value}`` over the rows, in file order (a new dict each call)."""
        k, v = self.columns.index(key), self.columns.index(value)
        return {row[k]: row[v] for row in self.rows}


@dataclass(frozen=True)
class RefData:
    """A reference data file: its provenance (``meta``) and its tables."""

    name: str
    meta: Mapping[str, Any]
    tables: Mapping[str, RefTable]

    def table(self, name: str) -> RefTable:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(
                f"reference data {self.name!r} has no table {name!r}; it has {', '.join(self.tables)}"
            ) from None


def names() -> tuple[str, ...]:
    """The reference data files shipped with dataclean (without ``.json``)."""
    return tuple(
        sorted(p.name[: -len(".json")] for p in resources.files(__name__).iterdir() if p.name.endswith(".json"))
    )


def parse(name: str, data: Mapping[str, Any]) -> RefData:
    """Check a decoded file and build its :class:`RefData`; raises :class:`ConfigError` listing
    every problem (missing metadata, bad table shape, ragged or non-string rows)."""
    problems: list[str] = []
    meta = data.get("meta")
    if not isinstance(meta, Mapping):
        problems.append("no 'meta' object")
        meta = {}
    problems += [f"meta has no {key!r}" for key in META_KEYS if key not in meta]
    sources = meta.get("sources")
    if not isinstance(sources, list) or not sources:
        problems.append("meta.sources must be a non-empty list")
        sources = []
    for i, source in enumerate(sources):
        missing = [k for k in SOURCE_KEYS if not (isinstance(source, Mapping) and source.get(k))]
        if missing:
            problems.append(f"meta.sources[{i}] lacks {', '.join(missing)}")
    tables: dict[str, RefTable] = {}
    raw_tables = data.get("tables")
    if not isinstance(raw_tables, Mapping) or not raw_tables:
        problems.append("no 'tables' object")
        raw_tables = {}
    for tname, raw in raw_tables.items():
        columns = raw.get("columns") if isinstance(raw, Mapping) else None
        rows = raw.get("rows") if isinstance(raw, Mapping) else None
        if not (isinstance(columns, list) and columns and all(isinstance(c, str) for c in columns)):
            problems.append(f"table {tname!r}: 'columns' must be a list of names")
            continue
        if len(set(columns)) != len(columns):
            problems.append(f"table {tname!r}: repeated column names")
        if not isinstance(rows, list):
            problems.append(f"table {tname!r}: 'rows' must be a list")
            continue
        for r, row in enumerate(rows):
            if not (isinstance(row, list) and len(row) == len(columns) and all(isinstance(x, str) for x in row)):
                problems.append(f"table {tname!r} row {r + 1}: expected {len(columns)} strings ({', '.join(columns)})")
        tables[tname] = RefTable(tuple(columns), tuple(tuple(row) for row in rows))
    if problems:
        raise ConfigError([f"reference data {name!r}: {p}" for p in problems], source=f"dataclean/refdata/{name}.json")
    return RefData(name, MappingProxyType(dict(meta)), MappingProxyType(tables))


@functools.cache
def load(name: str) -> RefData:
    """The reference data file ``name`` (read and checked once per process)."""
    path = resources.files(__name__) / f"{name}.json"
    if not path.is_file():
        raise ConfigError(f"no reference data {name!r}; shipped: {', '.join(names())}")
    return parse(name, json.loads(path.read_text(encoding="utf-8")))


def dumps(data: Mapping[str, Any]) -> str:
    """The canonical text of a file: ``meta`` indented, each table row on its own line."""
    meta = json.dumps(data["meta"], indent=2, ensure_ascii=False).replace("\n", "\n  ")
    parts = []
    for tname, table in data["tables"].items():
        rows = ",\n".join("        " + json.dumps(list(row), ensure_ascii=False) for row in table["rows"])
        parts.append(
            f"    {json.dumps(tname)}: {{\n"
            f'      "columns": {json.dumps(list(table["columns"]))},\n'
            f'      "rows": [\n{rows}\n      ]\n'
            "    }"
        )
    return "{\n" + f'  "meta": {meta},\n' + '  "tables": {\n' + ",\n".join(parts) + "\n  }\n}\n"
