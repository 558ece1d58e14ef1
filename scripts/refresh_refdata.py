"""Check, normalise and refresh dataclean's reference data (src/dataclean/refdata/*.json).

Works offline: it never downloads. To refresh a code table, save its source page yourself (for
gender and ethnicity: the NHS Data Dictionary data element page, whose "National Codes" and
"Default Codes" tables have the columns Code and Description), or a CSV with those two columns,
and pass it with --source.

    python scripts/refresh_refdata.py --check                # every file: shape, metadata, canonical form
    python scripts/refresh_refdata.py --normalise            # rewrite every file in canonical form
    python scripts/refresh_refdata.py ethnicity --source ethnic_category.html            # show differences
    python scripts/refresh_refdata.py ethnicity --source ethnic_category.html --write    # apply them

With --write the file's "codes" table takes the source's codes and descriptions (new codes are
added, changed labels replaced, codes gone from the source removed) and meta.source_checked is set
to --checked (default: today). Synonyms and spellings are dataclean's own and are left alone; a
removed code that synonyms still point at is an error to fix by hand. Exit codes: 0 fine (no
differences), 1 differences found or files not canonical, 2 bad input.

Word and range lists (phone: Ofcom's drama ranges; address: abbreviations and counties) have no
"codes" table. Refresh one of their tables from a CSV whose header is that table's columns (for
example prefix,national,area copied from Ofcom's drama numbers page):

    python scripts/refresh_refdata.py phone --source drama_ranges.csv            # show differences
    python scripts/refresh_refdata.py phone --source drama_ranges.csv --write    # replace the rows
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dataclean import refdata  # noqa: E402
from dataclean.exceptions import ConfigError  # noqa: E402

REFDATA = ROOT / "src" / "dataclean" / "refdata"


class _Tables(HTMLParser):
    """Collects every HTML table as a list of rows of cell text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def codes_from_source(path: Path) -> dict[str, str]:
    """``{code: description}`` from a saved NHS Data Dictionary page (every table headed Code,
    Description: national and default codes) or from a CSV with Code and Description columns."""
    text = path.read_text(encoding="utf-8-sig")
    rows: list[list[str]] = []
    if path.suffix.lower() == ".csv":
        rows = [r for r in csv.reader(text.splitlines()) if r]
        tables = [rows]
    else:
        parser = _Tables()
        parser.feed(text)
        tables = parser.tables
    found: dict[str, str] = {}
    for table in tables:
        if not table or [c.strip().lower() for c in table[0][:2]] != ["code", "description"]:
            continue
        for row in table[1:]:
            if len(row) >= 2 and row[0].strip():
                found[row[0].strip()] = row[1].strip()
    if not found:
        raise ConfigError(f"{path}: no table with the columns Code and Description; save the data element page")
    return found


def _names(directory: Path) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.json"))


def check_all(directory: Path, *, normalise: bool) -> int:
    status = 0
    for name in _names(directory):
        path = directory / f"{name}.json"
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        refdata.parse(name, data)
        canonical = refdata.dumps(data)
        if text != canonical:
            if normalise:
                path.write_text(canonical, encoding="utf-8")
                print(f"{name}: rewritten in canonical form")
            else:
                print(f"{name}: not in canonical form (run with --normalise)")
                status = 1
        else:
            print(f"{name}: ok")
    return status


def table_from_csv(path: Path, tables: dict[str, refdata.RefTable]) -> tuple[str, list[list[str]]]:
    """(table name, rows) from a CSV whose header row is exactly one table's columns."""
    rows = [[c.strip() for c in r] for r in csv.reader(path.read_text(encoding="utf-8-sig").splitlines()) if r]
    if not rows:
        raise ConfigError(f"{path}: empty file")
    header = tuple(c.lower() for c in rows[0])
    matches = [t for t, table in tables.items() if table.columns == header]
    if len(matches) != 1:
        wanted = "; ".join(f"{t}: {','.join(table.columns)}" for t, table in tables.items())
        raise ConfigError(f"{path}: the header {','.join(header)} is not one table's columns ({wanted})")
    bad = [i + 2 for i, r in enumerate(rows[1:]) if len(r) != len(header) or not all(r)]
    if bad:
        raise ConfigError(f"{path}: rows {', '.join(map(str, bad[:10]))} do not have {len(header)} non-empty values")
    return matches[0], rows[1:]


def refresh_table(directory: Path, name: str, source: Path, *, write: bool, checked: str) -> int:
    """Refresh a word or range list's table (no "codes" table) from a CSV with the table's columns."""
    path = directory / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    parsed = refdata.parse(name, data)
    tname, new_rows = table_from_csv(source, dict(parsed.tables))
    current = [list(r) for r in parsed.table(tname).rows]
    changes = [f"  + {', '.join(r)}" for r in new_rows if r not in current]
    changes += [f"  - {', '.join(r)}" for r in current if r not in new_rows]
    print(f"{name}.{tname}: {len(changes)} difference(s) with {source}" + (":" if changes else ""))
    if changes:
        print("\n".join(changes))
    if not write:
        return 1 if changes else 0
    data["tables"][tname]["rows"] = new_rows
    data["meta"]["source_checked"] = checked
    refdata.parse(name, data)
    path.write_text(refdata.dumps(data), encoding="utf-8")
    print(f"{name}: written; meta.source_checked = {checked}")
    return 0


def refresh(directory: Path, name: str, source: Path, *, write: bool, checked: str) -> int:
    path = directory / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if "codes" not in refdata.parse(name, data).tables:
        return refresh_table(directory, name, source, write=write, checked=checked)
    current = refdata.parse(name, data).table("codes").mapping("code", "label")
    new = codes_from_source(source)
    changes = [f"  + {c}: {new[c]}" for c in new if c not in current]
    changes += [f"  ~ {c}: {current[c]!r} -> {new[c]!r}" for c in new if c in current and new[c] != current[c]]
    changes += [f"  - {c}: {current[c]}" for c in current if c not in new]
    print(f"{name}: {len(changes)} difference(s) with {source}" + (":" if changes else ""))
    if changes:
        print("\n".join(changes))
    if not write:
        return 1 if changes else 0
    data["tables"]["codes"]["rows"] = [[c, d] for c, d in new.items()]
    data["meta"]["source_checked"] = checked
    used = {row[-1] for t in ("synonyms",) if t in data["tables"] for row in data["tables"][t]["rows"]}
    orphans = sorted(used - new.keys())
    if orphans:
        raise ConfigError(f"{name}: synonyms point at codes no longer in the source: {', '.join(orphans)}")
    refdata.parse(name, data)
    path.write_text(refdata.dumps(data), encoding="utf-8")
    print(f"{name}: written; meta.source_checked = {checked}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", help="reference data to refresh from --source (e.g. ethnicity)")
    parser.add_argument("--source", type=Path, help="a saved copy of the source page (.html) or a Code,Description CSV")
    parser.add_argument("--write", action="store_true", help="apply the differences to the file")
    parser.add_argument("--checked", default=dt.date.today().isoformat(), help="date the source was saved (YYYY-MM-DD)")
    parser.add_argument("--check", action="store_true", help="check every file (the default without a name)")
    parser.add_argument("--normalise", action="store_true", help="rewrite every file in canonical form")
    parser.add_argument("--dir", type=Path, default=REFDATA, help="the reference data folder (default: the package's)")
    args = parser.parse_args(argv)
    try:
        if args.name is None:
            return check_all(args.dir, normalise=args.normalise)
        if args.name not in _names(args.dir):
            parser.error(f"unknown reference data {args.name!r}; choose from {', '.join(_names(args.dir))}")
        if args.source is None:
            parser.error("give --source with a saved copy of the source page")
        dt.date.fromisoformat(args.checked)
        return refresh(args.dir, args.name, args.source, write=args.write, checked=args.checked)
    except (ConfigError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
