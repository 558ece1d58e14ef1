"""Reading and writing tables, with errors that say which file, which line and what to do.

Delimited text and Excel are read with every column as text (pandas ``string``), so leading
zeros in phone numbers, NHS numbers and codes survive; Parquet keeps its own types. Messages
never contain cell values (they may be personal data), only file names, line numbers and column
names.
"""

from __future__ import annotations

import csv
import difflib
import io as _io
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from dataclean.exceptions import DataFileError

log = logging.getLogger(__name__)

DELIMITED = (".csv", ".tsv", ".txt", ".psv")
PARQUET = (".parquet", ".pq")
EXCEL = (".xlsx", ".xlsm")
SUPPORTED = DELIMITED + PARQUET + EXCEL
_CANDIDATES = (",", ";", "\t", "|")
_SNIFF_BYTES = 64 * 1024


def sniff_format(path: str | Path) -> str:
    """``"csv"``, ``"parquet"`` or ``"excel"`` from the file suffix; DataFileError otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix in DELIMITED:
        return "csv"
    if suffix in PARQUET:
        return "parquet"
    if suffix in EXCEL:
        return "excel"
    raise DataFileError(f"{path}: unsupported file type {suffix or '(no suffix)'!r}; use one of {', '.join(SUPPORTED)}")


def _check_file(path: Path) -> None:
    if not path.exists():
        raise DataFileError(f"{path}: file not found; check the path")
    if path.is_dir():
        raise DataFileError(f"{path}: is a folder, not a data file")
    if path.stat().st_size == 0:
        raise DataFileError(f"{path}: the file is empty (0 bytes); expected a header row and data")


def _encoding(path: Path, encoding: str | None) -> str:
    """utf-8 (BOM allowed) when the file decodes as such, else cp1252 with a warning."""
    if encoding:
        return encoding
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        log.warning("%s: not UTF-8 (first bad byte on line %d); reading as Windows-1252 (cp1252)", path, line)
        return "cp1252"


def _sniff_delimiter(path: Path, encoding: str, delimiter: str | None) -> str:
    if delimiter:
        return {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
    if path.suffix.lower() == ".tsv":
        return "\t"
    if path.suffix.lower() == ".psv":
        return "|"
    with open(path, encoding=encoding, newline="") as fh:
        head = fh.read(_SNIFF_BYTES)
    lines = [ln for ln in head.splitlines() if ln.strip()][:20]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters="".join(_CANDIDATES)).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in _CANDIDATES}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _ragged_line(path: Path, encoding: str, delimiter: str) -> tuple[int, int, int] | None:
    """(line number, expected fields, found fields) of the first row longer than the header."""
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return None
        for row in reader:
            if len(row) > len(header):
                return reader.line_num, len(header), len(row)
    return None


def _check_columns(df: pd.DataFrame, path: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    names = [str(c) for c in df.columns]
    dupes = sorted({c for c in names if names.count(c) > 1})
    if dupes:
        raise DataFileError(f"{path}: duplicate column name(s) {', '.join(map(repr, dupes))}; rename them")
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            hints = []
            for c in missing:
                close = difflib.get_close_matches(c, names, n=1)
                hints.append(f"{c!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise DataFileError(f"{path}: no column {', '.join(hints)}; columns are {', '.join(names)}")
        df = df[list(columns)]
    return df


def _check_header(path: Path, encoding: str, delimiter: str) -> None:
    """pandas renames a repeated column to ``a.1``; say so instead of guessing which is meant."""
    with open(path, encoding=encoding, newline="") as fh:
        header = next(csv.reader(fh, delimiter=delimiter), [])
    names = [h.strip() for h in header]
    dupes = sorted({h for h in names if names.count(h) > 1})
    if dupes:
        raise DataFileError(
            f"{path}: duplicate column name(s) {', '.join(map(repr, dupes))} in the header; rename them"
        )


def _csv_options(path: Path, encoding: str | None, delimiter: str | None) -> dict:
    enc = _encoding(path, encoding)
    sep = _sniff_delimiter(path, enc, delimiter)
    _check_header(path, enc, sep)
    return {
        "encoding": enc,
        "sep": sep,
        "dtype": "string",
        "keep_default_na": False,
        "na_values": [""],
        "skipinitialspace": False,
    }


def _read_csv(path: Path, options: dict, **extra) -> pd.DataFrame | Iterator[pd.DataFrame]:
    try:
        return pd.read_csv(path, **options, **extra)
    except pd.errors.ParserError as exc:
        ragged = _ragged_line(path, options["encoding"], options["sep"])
        if ragged:
            line, want, got = ragged
            raise DataFileError(
                f"{path}: line {line} has {got} fields but the header has {want}; "
                "fix the row (often an unquoted delimiter inside a value) or pass --delimiter"
            ) from exc
        raise DataFileError(f"{path}: cannot parse as delimited text ({exc.__class__.__name__})") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataFileError(f"{path}: the file has no header row") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: cannot decode with {options['encoding']!r}; pass --encoding") from exc


def _single_column_hint(df: pd.DataFrame, path: Path, sep: str) -> None:
    if df.shape[1] == 1:
        header = str(df.columns[0])
        others = [d for d in _CANDIDATES if d != sep and d in header]
        if others:
            shown = "TAB" if others[0] == "\t" else repr(others[0])
            raise DataFileError(
                f"{path}: read as a single column, but the header contains {shown}; "
                f"pass --delimiter {shown!s} (or delimiter=...)"
            )


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read CSV/TSV/TXT, Parquet or Excel into a DataFrame; DataFileError with a clear message if not.

    Delimited and Excel files come back with every column as pandas ``string`` (blank cells are
    ``<NA>``). Encoding is UTF-8 (a BOM is fine), falling back to cp1252 with a logged warning;
    the delimiter is sniffed among ``, ; TAB |``. A header-only file gives an empty frame.
    """
    path = Path(path)
    fmt = sniff_format(path)
    _check_file(path)
    if fmt == "parquet":
        try:
            df = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise DataFileError(f"{path}: not a readable Parquet file ({exc.__class__.__name__})") from exc
        return _check_columns(df, path, columns)
    if fmt == "excel":
        try:
            df = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=str, engine="openpyxl")
        except ValueError as exc:
            raise DataFileError(f"{path}: {exc}") from exc
        except Exception as exc:
            raise DataFileError(f"{path}: not a readable Excel workbook ({exc.__class__.__name__})") from exc
        df = df.astype("string")
        return _check_columns(df, path, columns)
    options = _csv_options(path, encoding, delimiter)
    df = _read_csv(path, options)
    _single_column_hint(df, path, options["sep"])
    return _check_columns(df, path, columns)


def iter_table_chunks(
    path: str | Path,
    chunksize: int,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    columns: Sequence[str] | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield a CSV or Parquet file in chunks of ``chunksize`` rows, with a row-position index that
    continues across chunks, and the same column types as :func:`read_table`."""
    path = Path(path)
    fmt = sniff_format(path)
    _check_file(path)
    start = 0
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
        except Exception as exc:
            raise DataFileError(f"{path}: not a readable Parquet file ({exc.__class__.__name__})") from exc
        for batch in pf.iter_batches(batch_size=chunksize, columns=list(columns) if columns else None):
            df = batch.to_pandas()
            df.index = pd.RangeIndex(start, start + len(df))
            start += len(df)
            yield df
        return
    if fmt == "excel":
        df = read_table(path, columns=columns)
        for lo in range(0, len(df), chunksize):
            yield df.iloc[lo : lo + chunksize]
        return
    options = _csv_options(path, encoding, delimiter)
    reader = _read_csv(path, options, chunksize=chunksize)
    try:
        for df in reader:
            if start == 0:
                _single_column_hint(df, path, options["sep"])
            df = _check_columns(df, path, columns)
            df.index = pd.RangeIndex(start, start + len(df))
            start += len(df)
            yield df
    except pd.errors.ParserError as exc:
        ragged = _ragged_line(path, options["encoding"], options["sep"])
        where = f"line {ragged[0]} has {ragged[2]} fields but the header has {ragged[1]}" if ragged else "bad row"
        raise DataFileError(f"{path}: {where}; fix the row or pass --delimiter") from exc


def iter_csv_chunks(path: str | Path, chunksize: int, **options) -> Iterator[pd.DataFrame]:
    """:func:`iter_table_chunks` for delimited text."""
    return iter_table_chunks(path, chunksize, **options)


def write_table(df: pd.DataFrame, path: str | Path, *, like: str | Path | None = None) -> Path:
    """Write ``df`` in the format of ``path``'s suffix (or of ``like``): CSV as UTF-8, Parquet or
    Excel; never the index. Returns the path written."""
    path = Path(path)
    fmt = sniff_format(like if like is not None else path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        df.to_parquet(path, index=False)
    elif fmt == "excel":
        df.to_excel(path, index=False, engine="openpyxl")
    else:
        sep = "\t" if path.suffix.lower() == ".tsv" else ("|" if path.suffix.lower() == ".psv" else ",")
        buf = _io.StringIO()
        df.to_csv(buf, index=False, sep=sep)
        path.write_text(buf.getvalue(), encoding="utf-8")
    return path
