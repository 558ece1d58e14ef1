"""Reading and writing tables, with errors that say which file, which line and what to do.

Delimited text is read with pyarrow's CSV reader (multithreaded for a whole file, streaming in
blocks for :func:`iter_table_chunks`, so memory does not grow with the file) and comes back with
every column as pandas ``string`` (Arrow-backed), so leading zeros in phone numbers, NHS numbers
and codes survive. Excel is read with openpyxl, every column as text; Parquet keeps its own types.

Inputs may be compressed (``.csv.gz``, ``.csv.bz2``, ``.csv.xz``, or a ``.zip`` holding one file)
or ``-`` for standard input (spooled to a temporary file first; the format is recognised from
the content or given as ``fmt``). The encoding is detected from the first MiB: a BOM, else UTF-8,
else Windows-1252 (cp1252) with a warning naming the first line that is not UTF-8; a file that
stops being UTF-8 later fails with a clear error rather than mis-decoding. Binary files (images,
executables, a workbook renamed ``.csv``) are refused with a reason.

Messages never contain cell values (they may be personal data), only file names, line numbers
and column names. Notes about the input that are not errors (headers trimmed, blank header names
replaced) are logged and kept in ``df.attrs["dataclean_notes"]``.

:class:`StagedOutput` gives every command all-or-nothing output: files are written under a
hidden staging folder inside the output folder and renamed into place only when the whole run
succeeded, followed last by a ``_SUCCESS`` manifest with row counts and SHA-256 checksums.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import csv
import difflib
import gzip
import hashlib
import json
import logging
import lzma
import os
import shutil
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

from dataclean.exceptions import DataFileError

log = logging.getLogger(__name__)

DELIMITED = (".csv", ".tsv", ".txt", ".psv")
PARQUET = (".parquet", ".pq")
EXCEL = (".xlsx", ".xlsm")
SUPPORTED = DELIMITED + PARQUET + EXCEL
#: Compression suffixes accepted after a delimited-text suffix (``people.csv.gz``).
COMPRESSION = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zip": "zip"}
FORMATS = ("csv", "parquet", "excel")
_CANDIDATES = (",", ";", "\t", "|")
_HEAD_BYTES = 1 << 20  # encoding, delimiter and header are judged on the first MiB
_BLOCK_BYTES = 4 << 20  # pyarrow block size: a streamed chunk never holds more than a few blocks
_MAX_BLOCK_BYTES = 1 << 30
NOTES_ATTR = "dataclean_notes"

# first bytes of files that are certainly not delimited text
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
    b"MZ": "a Windows executable",
    b"\xd0\xcf\x11\xe0": "an old-style Office file (.xls/.doc); save it as .xlsx or .csv",
    b"PAR1": "a Parquet file; name it .parquet or pass --format parquet",
    b"PK\x03\x04": "a zip archive or Excel workbook; name it .zip/.xlsx or pass --format excel",
    b"\x1f\x8b": "gzip-compressed; name it .csv.gz",
    b"BZh": "bzip2-compressed; name it .csv.bz2",
    b"\xfd7zXZ": "xz-compressed; name it .csv.xz",
    b"SQLite format 3": "an SQLite database",
}
_STRING: Any = None


def string_dtype() -> pd.StringDtype:
    """The text dtype of columns read from CSV and Excel: pandas ``string`` backed by Arrow."""
    global _STRING
    if _STRING is None:
        try:
            _STRING = pd.StringDtype("pyarrow")
        except ImportError:  # pragma: no cover - pyarrow is a dependency
            _STRING = pd.StringDtype()
    return _STRING


# ------------------------------------------------------------------------------------------ formats
def split_suffix(path: str | Path) -> tuple[str, str | None]:
    """(data suffix, compression) of a file name: ``x.csv.gz`` -> ``(".csv", "gzip")``."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in COMPRESSION:
        inner = Path(p.stem).suffix.lower()
        return (inner or ".csv"), COMPRESSION[suffix]
    return suffix, None


def sniff_format(path: str | Path) -> str:
    """``"csv"``, ``"parquet"`` or ``"excel"`` from the file name; DataFileError otherwise."""
    suffix, compression = split_suffix(path)
    if suffix in DELIMITED:
        return "csv"
    if compression is not None and suffix in PARQUET + EXCEL:
        raise DataFileError(f"{path}: compressed {suffix} files are not supported; decompress it first")
    if suffix in PARQUET:
        return "parquet"
    if suffix in EXCEL:
        return "excel"
    shown = suffix or "(no suffix)"
    raise DataFileError(
        f"{path}: unsupported file type {shown!r}; use one of {', '.join(SUPPORTED)} "
        f"(optionally compressed: {', '.join(COMPRESSION)}), or pass --format"
    )


def _format_from_content(head: bytes) -> str:
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04") and b"xl/" in head[:4096]:
        return "excel"
    return "csv"


def _compression_from_content(head: bytes) -> str | None:
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    if head.startswith(b"\xfd7zXZ"):
        return "xz"
    if head.startswith(b"PK\x03\x04") and b"xl/" not in head[:4096]:
        return "zip"
    return None


@dataclass
class _Source:
    """An input resolved to a real file: its display name, format and compression."""

    path: Path
    name: str
    fmt: str
    compression: str | None
    temporary: bool = False

    def cleanup(self) -> None:
        if self.temporary:
            with contextlib.suppress(OSError):
                self.path.unlink()


def _spool_stdin() -> Path:
    fd, name = tempfile.mkstemp(prefix="dataclean-stdin-")
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
    return Path(name)


def _resolve(path: str | Path, fmt: str | None) -> _Source:
    if fmt is not None and fmt not in FORMATS:
        raise DataFileError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if str(path) == "-":
        spooled = _spool_stdin()
        with open(spooled, "rb") as fh:
            head = fh.read(8192)
        if not head:
            spooled.unlink()
            raise DataFileError("<stdin>: no input (0 bytes); expected a header row and data")
        compression = _compression_from_content(head)
        found = fmt or ("csv" if compression else _format_from_content(head))
        return _Source(spooled, "<stdin>", found, compression, temporary=True)
    p = Path(path)
    found = fmt or sniff_format(p)
    _check_file(p)
    compression = split_suffix(p)[1] if found == "csv" else None
    return _Source(p, str(p), found, compression)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise DataFileError(f"{path}: file not found; check the path")
    if path.is_dir():
        raise DataFileError(f"{path}: is a folder, not a data file")
    if not os.access(path, os.R_OK):
        raise DataFileError(f"{path}: permission denied; check the file's permissions")
    if path.stat().st_size == 0:
        raise DataFileError(f"{path}: the file is empty (0 bytes); expected a header row and data")


_DECOMPRESS_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, ValueError)


def _open_bytes(src: _Source) -> IO[bytes]:
    """The decompressed byte stream of a delimited-text source."""
    try:
        if src.compression == "gzip":
            return gzip.open(src.path, "rb")
        if src.compression == "bz2":
            return bz2.open(src.path, "rb")
        if src.compression == "xz":
            return lzma.open(src.path, "rb")
        if src.compression == "zip":
            zf = zipfile.ZipFile(src.path)
            members = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
            if len(members) != 1:
                zf.close()
                raise DataFileError(f"{src.name}: a .zip input must hold exactly one file; it holds {len(members)}")
            return zf.open(members[0])
        return open(src.path, "rb")
    except DataFileError:
        raise
    except _DECOMPRESS_ERRORS as exc:
        raise DataFileError(f"{src.name}: not a readable {src.compression} file ({exc.__class__.__name__})") from exc


def _read_head(src: _Source) -> bytes:
    try:
        with _open_bytes(src) as fh:
            return fh.read(_HEAD_BYTES)
    except DataFileError:
        raise
    except _DECOMPRESS_ERRORS as exc:
        raise DataFileError(f"{src.name}: not a readable {src.compression} file ({exc.__class__.__name__})") from exc


# ------------------------------------------------------------------------------------------ text
def _check_binary(head: bytes, name: str) -> None:
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise DataFileError(f"{name}: this is {what}, not delimited text")
    sample = head[:65536]
    if not sample:
        return
    control = sum(sample.count(bytes([b])) for b in (*range(0, 9), *range(14, 27), *range(28, 32)))
    if control / len(sample) > 0.05:
        raise DataFileError(
            f"{name}: looks binary ({control} control bytes in the first {len(sample)}), not delimited text; "
            "check you gave the right file"
        )


def _line_of(text_bytes: bytes, offset: int) -> int:
    return text_bytes[:offset].count(b"\n") + 1


def detect_encoding(head: bytes, name: str, encoding: str | None = None) -> str:
    """The encoding to read a text file with, judged on its first bytes ``head``.

    An explicit ``encoding`` wins (after checking Python knows it). A BOM picks UTF-8 or UTF-16;
    otherwise UTF-8 when the head decodes as UTF-8, else cp1252 with a warning naming the first
    line that is not UTF-8. DataFileError when nothing fits.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise DataFileError(f"{name}: unknown encoding {encoding!r} (try utf-8, cp1252, latin-1)") from exc
        return encoding
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=len(head) < _HEAD_BYTES)
        return "utf-8"
    except UnicodeDecodeError as exc:
        line = _line_of(head, exc.start)
    try:
        head.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"{name}: line {_line_of(head, exc.start)} is neither UTF-8 nor Windows-1252 text; "
            "pass --encoding (for example latin-1) or check the file is not binary"
        ) from exc
    log.warning("%s: not UTF-8 (first bad byte on line %d); reading as Windows-1252 (cp1252)", name, line)
    return "cp1252"


def _decode_head(head: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(head, final=len(head) < _HEAD_BYTES)
    return text.removeprefix("\ufeff")


def _sniff_delimiter(text: str, suffix: str, delimiter: str | None) -> str:
    if delimiter:
        sep = {"\\t": "\t", "tab": "\t", "TAB": "\t"}.get(delimiter, delimiter)
        if len(sep) != 1:
            raise DataFileError(f"--delimiter must be one character (or 'tab'), not {delimiter!r}")
        return sep
    if suffix == ".tsv":
        return "\t"
    if suffix == ".psv":
        return "|"
    lines = [ln for ln in text[:65536].splitlines() if ln.strip()][:20]
    if len(text) >= 65536 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters="".join(_CANDIDATES)).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in _CANDIDATES}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


@contextlib.contextmanager
def _big_fields() -> Iterator[None]:
    old = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        yield
    finally:
        csv.field_size_limit(old)


@dataclass
class _CsvPlan:
    """Everything decided about a delimited file before pyarrow reads it."""

    encoding: str
    sep: str
    raw_names: list[str]
    names: list[str]
    notes: list[str] = field(default_factory=list)


def _plan_csv(src: _Source, encoding: str | None, delimiter: str | None) -> _CsvPlan:
    head = _read_head(src)
    if not head.strip():
        raise DataFileError(f"{src.name}: the file holds no text (only whitespace); expected a header row")
    if not (encoding or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))):
        _check_binary(head, src.name)
    enc = detect_encoding(head, src.name, encoding)
    text = _decode_head(head, enc)
    suffix = split_suffix(src.path)[0] if not src.temporary else ".csv"
    sep = _sniff_delimiter(text, suffix, delimiter)
    with _big_fields():
        try:
            header = next(csv.reader(_io_lines(text), delimiter=sep), [])
        except csv.Error as exc:
            raise DataFileError(f"{src.name}: line 1 (the header) cannot be parsed ({exc})") from exc
    if "\x00" in "".join(header):
        raise DataFileError(f"{src.name}: the header contains NUL bytes; the file is damaged or not text")
    if not header or all(not h.strip() for h in header):
        raise DataFileError(f"{src.name}: the first line is blank; expected a header row with column names")
    notes: list[str] = []
    names = [h.strip() for h in header]
    trimmed = [h for h, n in zip(header, names) if h != n]
    if trimmed:
        notes.append(f"{len(trimmed)} column name(s) had surrounding spaces, trimmed: {', '.join(map(repr, trimmed))}")
    blank = [i for i, n in enumerate(names) if not n]
    for i in blank:
        names[i] = f"unnamed_{i + 1}"
    if blank:
        notes.append(f"blank column name(s) at position(s) {', '.join(str(i + 1) for i in blank)} named unnamed_N")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DataFileError(
            f"{src.name}: duplicate column name(s) {', '.join(map(repr, dupes))} in the header; rename them"
        )
    for note in notes:
        log.warning("%s: %s", src.name, note)
    return _CsvPlan(enc, sep, header, names, notes)


def _io_lines(text: str) -> Iterator[str]:
    import io as _io

    return iter(_io.StringIO(text, newline=""))


def _first_bad_row(src: _Source, plan: _CsvPlan) -> tuple[int, int, int] | None:
    """(line number, header fields, fields found) of the first row whose width differs from the
    header's, read with Python's csv module (the slow path, only after pyarrow failed)."""
    with _open_bytes(src) as raw, _big_fields():
        text = codecs.getreader(plan.encoding)(raw, errors="replace")
        reader = csv.reader(text, delimiter=plan.sep)
        width = len(plan.raw_names)
        try:
            next(reader)
            for row in reader:
                if row and len(row) != width:
                    return reader.line_num, width, len(row)
        except csv.Error:
            return reader.line_num, width, -1
    return None


def _arrow_options(plan: _CsvPlan, *, newlines: bool, block_size: int, threads: bool) -> tuple[Any, Any, Any]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read = pacsv.ReadOptions(
        use_threads=threads,
        block_size=block_size,
        skip_rows=1,
        column_names=plan.names,
        encoding="utf8" if plan.encoding.replace("-", "").lower() in ("utf8", "utf8sig") else plan.encoding,
    )
    parse = pacsv.ParseOptions(delimiter=plan.sep, newlines_in_values=newlines, ignore_empty_lines=True)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(plan.names, pa.string()),
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    return read, parse, convert


class _Retry(Exception):
    def __init__(self, newlines: bool, block_size: int) -> None:
        self.newlines, self.block_size = newlines, block_size


def _translate(exc: Exception, src: _Source, plan: _CsvPlan, newlines: bool, block_size: int) -> Exception:
    """A retry with safer options, or a DataFileError that says what is wrong and where."""
    msg = str(exc)
    if isinstance(exc, UnicodeDecodeError) or "invalid UTF8" in msg or "UTF-8" in msg:
        return DataFileError(
            f"{src.name}: not {plan.encoding} text beyond the first MiB (decoding failed part-way); "
            "pass --encoding cp1252 (or the file's real encoding)"
        )
    if "straddling" in msg or "block size" in msg:
        if block_size < _MAX_BLOCK_BYTES:
            return _Retry(newlines, block_size * 8)
        return DataFileError(f"{src.name}: a value is larger than {_MAX_BLOCK_BYTES >> 20} MiB; split the file")
    if not newlines:
        return _Retry(True, block_size)  # a quoted value holding a line break: parse carefully
    bad = _first_bad_row(src, plan)
    if bad is not None:
        line, want, got = bad
        if got < 0:
            return DataFileError(f"{src.name}: line {line} cannot be parsed (unbalanced quote?); fix the row")
        return DataFileError(
            f"{src.name}: line {line} has {got} fields but the header has {want}; "
            "fix the row (often an unquoted delimiter inside a value) or pass --delimiter"
        )
    return DataFileError(f"{src.name}: cannot parse as delimited text ({exc.__class__.__name__})")


def _to_pandas(table: Any) -> pd.DataFrame:
    import pyarrow as pa

    dtype = string_dtype()
    return table.to_pandas(types_mapper={pa.string(): dtype, pa.large_string(): dtype}.get, self_destruct=True)


def _with_retries(
    src: _Source, plan: _CsvPlan, attempt: Callable[[Any, Any, Any], Iterator[pd.DataFrame]]
) -> Iterator[pd.DataFrame]:
    """Run ``attempt(read, parse, convert)`` (pyarrow's CSV options) and yield its frames; on a
    retryable parse problem (a quoted line break, a block too small) run it again with safer
    options; other problems become a :class:`DataFileError` naming the file and line."""
    import pyarrow as pa

    newlines, block = False, _BLOCK_BYTES
    while True:
        read, parse, convert = _arrow_options(plan, newlines=newlines, block_size=block, threads=True)
        try:
            yield from attempt(read, parse, convert)
            return
        except (pa.ArrowException, UnicodeDecodeError) as exc:
            out = _translate(exc, src, plan, newlines, block)
            if isinstance(out, _Retry):
                newlines, block = out.newlines, out.block_size
                continue
            raise out from exc
        except _DECOMPRESS_ERRORS as exc:
            raise DataFileError(f"{src.name}: the compressed data is damaged ({exc.__class__.__name__})") from exc


def _read_csv_whole(src: _Source, plan: _CsvPlan) -> pd.DataFrame:
    import pyarrow.csv as pacsv

    def attempt(read: Any, parse: Any, convert: Any) -> Iterator[pd.DataFrame]:
        with _open_bytes(src) as fh:
            table = pacsv.read_csv(fh, read_options=read, parse_options=parse, convert_options=convert)
        yield _to_pandas(table)

    frames = _with_retries(src, plan, attempt)
    try:
        return next(frames)
    finally:
        frames.close()


def _iter_csv(src: _Source, plan: _CsvPlan, chunksize: int) -> Iterator[pd.DataFrame]:
    """Stream pyarrow record batches into frames of ``chunksize`` rows; on a retryable parse
    problem, reopen with safer options and skip the rows already yielded."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    done = 0

    def attempt(read: Any, parse: Any, convert: Any) -> Iterator[pd.DataFrame]:
        nonlocal done
        skip = done
        pending: list[Any] = []
        pending_rows = 0
        with _open_bytes(src) as fh:
            reader = pacsv.open_csv(fh, read_options=read, parse_options=parse, convert_options=convert)
            for batch in reader:
                if skip:
                    cut = min(skip, batch.num_rows)
                    batch, skip = batch.slice(cut), skip - cut
                    if batch.num_rows == 0:
                        continue
                pending.append(batch)
                pending_rows += batch.num_rows
                while pending_rows >= chunksize:
                    table = pa.Table.from_batches(pending)
                    head, rest = table.slice(0, chunksize), table.slice(chunksize)
                    yield _to_pandas(head.combine_chunks())
                    done += chunksize
                    pending = rest.to_batches()
                    pending_rows = rest.num_rows
            if pending_rows or done == 0:
                table = pa.Table.from_batches(pending, schema=reader.schema)
                yield _to_pandas(table.combine_chunks())
                done += pending_rows

    yield from _with_retries(src, plan, attempt)


# ------------------------------------------------------------------------------------------ checks
def _check_columns(df: pd.DataFrame, name: str, columns: Sequence[str] | None) -> pd.DataFrame:
    names = [str(c) for c in df.columns]
    dupes = sorted({c for c in names if names.count(c) > 1})
    if dupes:
        raise DataFileError(f"{name}: duplicate column name(s) {', '.join(map(repr, dupes))}; rename them")
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            hints = []
            for c in missing:
                close = difflib.get_close_matches(c, names, n=1)
                hints.append(f"{c!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise DataFileError(f"{name}: no column {', '.join(hints)}; columns are {', '.join(names)}")
        df = df[list(columns)]
    return df


def _single_column_hint(df: pd.DataFrame, name: str, sep: str) -> None:
    if df.shape[1] == 1:
        header = str(df.columns[0])
        others = [d for d in _CANDIDATES if d != sep and d in header]
        if others:
            shown = "TAB" if others[0] == "\t" else repr(others[0])
            raise DataFileError(
                f"{name}: read as a single column, but the header contains {shown}; "
                f"pass --delimiter {shown!s} (or delimiter=...)"
            )


def _trim_names(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Excel/Parquet: trim column names (with a note), refuse duplicates after trimming."""
    raw = [str(c) for c in df.columns]
    names = [c.strip() for c in raw]
    notes = []
    trimmed = [r for r, n in zip(raw, names) if r != n]
    if trimmed:
        notes.append(f"{len(trimmed)} column name(s) had surrounding spaces, trimmed: {', '.join(map(repr, trimmed))}")
        log.warning("%s: %s", name, notes[-1])
        df = df.set_axis(names, axis=1)
    df.attrs[NOTES_ATTR] = notes
    return df


def _read_parquet(src: _Source) -> pd.DataFrame:
    try:
        df = pd.read_parquet(src.path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise DataFileError(f"{src.name}: not a readable Parquet file ({exc.__class__.__name__})") from exc
    return _trim_names(df, src.name)


def _read_excel(src: _Source, sheet: str | int | None) -> pd.DataFrame:
    try:
        df = pd.read_excel(src.path, sheet_name=sheet if sheet is not None else 0, dtype=str, engine="openpyxl")
    except ValueError as exc:
        text = str(exc)
        if "Worksheet" in text or "sheet" in text.lower():
            raise DataFileError(f"{src.name}: {text.splitlines()[0]}; pass --sheet with an existing sheet") from exc
        raise DataFileError(f"{src.name}: not a readable Excel workbook ({exc.__class__.__name__})") from exc
    except Exception as exc:
        raise DataFileError(f"{src.name}: not a readable Excel workbook ({exc.__class__.__name__})") from exc
    df = df.set_axis([str(c) for c in df.columns], axis=1).astype(string_dtype())
    return _trim_names(df, src.name)


# ------------------------------------------------------------------------------------------ public
def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    columns: Sequence[str] | None = None,
    fmt: str | None = None,
) -> pd.DataFrame:
    """Read CSV/TSV/TXT (optionally compressed), Parquet or Excel into a DataFrame; ``"-"`` reads
    standard input. DataFileError with a clear message when the file cannot be read.

    Delimited and Excel files come back with every column as pandas ``string`` (blank cells are
    ``<NA>``); column names are trimmed (noted in ``df.attrs["dataclean_notes"]``). The encoding is
    detected (see the module docstring); the delimiter is sniffed among ``, ; TAB |``. A
    header-only file gives an empty frame. ``fmt`` (``csv``, ``parquet``, ``excel``) overrides the
    format the file name implies.
    """
    src = _resolve(path, fmt)
    try:
        if src.fmt == "parquet":
            return _check_columns(_read_parquet(src), src.name, columns)
        if src.fmt == "excel":
            return _check_columns(_read_excel(src, sheet), src.name, columns)
        plan = _plan_csv(src, encoding, delimiter)
        df = _read_csv_whole(src, plan)
        _single_column_hint(df, src.name, plan.sep)
        df = _check_columns(df, src.name, columns)
        df.attrs[NOTES_ATTR] = list(plan.notes)
        return df
    finally:
        src.cleanup()


def iter_table_chunks(
    path: str | Path,
    chunksize: int,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    columns: Sequence[str] | None = None,
    sheet: str | int | None = None,
    fmt: str | None = None,
    notes: list[str] | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield a file in chunks of ``chunksize`` rows, with a row-position index that continues
    across chunks, and the same column types as :func:`read_table`.

    CSV is streamed with pyarrow (memory bounded by the chunk size, not the file size); Parquet
    by row group batches; Excel is read whole (openpyxl cannot stream values with types) and then
    sliced. Input notes (trimmed headers) are appended to ``notes`` when given.
    """
    if chunksize < 1:
        raise DataFileError(f"chunk size must be at least 1, not {chunksize}")
    src = _resolve(path, fmt)
    start = 0
    try:
        if src.fmt == "parquet":
            import pyarrow.parquet as pq

            try:
                pf = pq.ParquetFile(src.path)
                batches = pf.iter_batches(batch_size=chunksize, columns=list(columns) if columns else None)
                for batch in batches:
                    df = _trim_names(batch.to_pandas(), src.name)
                    if start == 0 and notes is not None:
                        notes.extend(df.attrs.get(NOTES_ATTR, []))
                    df.index = pd.RangeIndex(start, start + len(df))
                    start += len(df)
                    yield df
            except DataFileError:
                raise
            except Exception as exc:
                raise DataFileError(f"{src.name}: not a readable Parquet file ({exc.__class__.__name__})") from exc
            return
        if src.fmt == "excel":
            df = _check_columns(_read_excel(src, sheet), src.name, columns)
            if notes is not None:
                notes.extend(df.attrs.get(NOTES_ATTR, []))
            for lo in range(0, max(len(df), 1), chunksize):
                yield df.iloc[lo : lo + chunksize]
            return
        plan = _plan_csv(src, encoding, delimiter)
        if notes is not None:
            notes.extend(plan.notes)
        for df in _iter_csv(src, plan, chunksize):
            if start == 0:
                _single_column_hint(df, src.name, plan.sep)
            df = _check_columns(df, src.name, columns)
            df.index = pd.RangeIndex(start, start + len(df))
            start += len(df)
            yield df
    finally:
        src.cleanup()


def _csv_sep(path: Path) -> str:
    suffix = split_suffix(path)[0]
    return "\t" if suffix == ".tsv" else ("|" if suffix == ".psv" else ",")


def write_csv(df: pd.DataFrame, target: str | Path | IO[bytes], *, sep: str = ",", header: bool = True) -> None:
    """Write ``df`` as UTF-8 CSV (no index) with pyarrow's multithreaded writer; pandas' writer for
    columns Arrow cannot hold (mixed Python objects)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
        table = table.cast(pa.schema([pa.field(str(f.name), f.type) for f in table.schema]))
        options = pacsv.WriteOptions(include_header=header, delimiter=sep, quoting_style="needed")
        pacsv.write_csv(table, target, write_options=options)
    except (pa.ArrowException, TypeError, ValueError):
        text = df.to_csv(index=False, sep=sep, header=header)
        if isinstance(target, (str, Path)):
            Path(target).write_text(text, encoding="utf-8", newline="")
        else:
            target.write(text.encode("utf-8"))


def write_table(df: pd.DataFrame, path: str | Path, *, like: str | Path | None = None) -> Path:
    """Write ``df`` in the format of ``path``'s suffix (or of ``like``): CSV as UTF-8 (gzip/bz2/xz
    when the name ends so), Parquet or Excel; never the index. Returns the path written."""
    path = Path(path)
    fmt = sniff_format(like if like is not None else path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        df.to_parquet(path, index=False)
    elif fmt == "excel":
        df.to_excel(path, index=False, engine="openpyxl")
    else:
        compression = split_suffix(path)[1]
        sep = _csv_sep(path)
        if compression in ("gzip", "bz2", "xz"):
            opener = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}[compression]
            with opener(path, "wb") as fh:
                write_csv(df, fh, sep=sep)
        elif compression == "zip":
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open(Path(path.stem).name, "w") as fh:
                write_csv(df, fh, sep=sep)
        else:
            write_csv(df, path, sep=sep)
    return path


# ------------------------------------------------------------------------------------------ output
def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class StagedOutput:
    """All-or-nothing output into a folder.

    Writers put files under :attr:`stage` (a hidden folder inside the output folder, so the
    final rename is on the same file system). :meth:`commit` removes any old ``_SUCCESS``, moves
    every staged file to its final name and writes ``_SUCCESS`` last: a JSON manifest with each
    file's bytes, SHA-256 and row count (when known). On an exception (or a kill) nothing is
    moved, so no file appears under a final name with partial content; the stage is removed on
    exception and a later run removes stale stages.

    >>> import tempfile
    >>> with StagedOutput(tempfile.mkdtemp()) as out:
    ...     _ = (out.stage / "a.txt").write_text("x")
    ...     manifest = out.commit()
    >>> sorted(manifest["files"])
    ['a.txt']
    """

    MARKER = "_SUCCESS"

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise DataFileError(f"{self.directory}: exists and is not a folder; give an output folder")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for old in self.directory.glob(".dataclean-stage-*"):
                if old.is_dir() and _stale(old):
                    shutil.rmtree(old, ignore_errors=True)
            self.stage = Path(tempfile.mkdtemp(prefix=".dataclean-stage-", dir=self.directory))
        except OSError as exc:
            raise DataFileError(f"{self.directory}: cannot write the output folder ({exc.strerror})") from exc
        self.rows: dict[str, int] = {}
        self.committed = False

    def path(self, name: str, *, rows: int | None = None) -> Path:
        """The staged path for final file ``name``; ``rows`` is recorded in the manifest."""
        if rows is not None:
            self.rows[name] = rows
        p = self.stage / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def final(self, staged: Path) -> Path:
        """The final path of a staged file."""
        return self.directory / staged.relative_to(self.stage)

    def commit(self, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        files = sorted(p for p in self.stage.rglob("*") if p.is_file())
        manifest: dict[str, Any] = {
            "files": {
                str(p.relative_to(self.stage)): {
                    "bytes": p.stat().st_size,
                    "sha256": _sha256(p),
                    **(
                        {"rows": self.rows[str(p.relative_to(self.stage))]}
                        if str(p.relative_to(self.stage)) in self.rows
                        else {}
                    ),
                }
                for p in files
            },
            **dict(extra or {}),
        }
        marker = self.directory / self.MARKER
        with contextlib.suppress(FileNotFoundError):
            marker.unlink()
        for p in files:
            target = self.final(p)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(p, target)
        tmp = self.stage / (self.MARKER + ".tmp")
        tmp.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
        os.replace(tmp, marker)
        shutil.rmtree(self.stage, ignore_errors=True)
        self.committed = True
        return manifest

    def abort(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)

    def __enter__(self) -> StagedOutput:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if not self.committed:
            self.abort()


def _stale(stage: Path) -> bool:
    """A stage left by a run that was killed (older than a day; a younger one may belong to a run
    still going). Stages are hidden folders, never mistaken for output."""
    import time

    try:
        return time.time() - stage.stat().st_mtime > 86400
    except OSError:
        return False
