"""Property-based fuzzing of the command line (issue 11 item 8): generated broken CSV, Excel and
Parquet files and hostile suite files go through ``validate`` and ``clean``. Every run must end
with exit 0/1 (and rows in = clean + quarantined) or exit 2 with a one-line reason: never a
traceback, never exit 3."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dataclean.cli import main

SUITE = """\
dataclean_suite: 1
name: fuzz
dataset: {id_column: record_id}
reference_date: 2026-01-01
columns:
  record_id: {role: id, required: true}
  nhs_number: {role: nhs_number, required: true, unique: true}
"""
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

names = st.sampled_from(["record_id", "nhs_number", " record_id", "nhs_number ", "", "x", "record_id"])
cells = st.one_of(
    st.sampled_from(["9434765919", "943 476 5919", "R1", "", '"', '""', "a,b", "line\nbreak", "\x00", "é", "£"]),
    st.text(max_size=12),
    st.just("9" * 5000),  # a huge cell
)


@st.composite
def delimited(draw) -> tuple[str, bytes]:
    header = draw(st.lists(names, min_size=1, max_size=4))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=5), max_size=8))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    quote = draw(st.booleans())

    def field(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if quote or sep in v or "\n" in v else v

    text = "\n".join(sep.join(field(v) for v in row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    raw = text.encode(encoding, errors="replace")
    kind = draw(st.sampled_from(["plain", "gz", "bz2", "zip", "truncated-gz", "binary", "empty", "nul"]))
    if kind == "gz":
        return ".csv.gz", gzip.compress(raw)
    if kind == "bz2":
        return ".csv.bz2", bz2.compress(raw)
    if kind == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("data.csv", raw)
        return ".zip", buf.getvalue()
    if kind == "truncated-gz":
        return ".csv.gz", gzip.compress(raw)[: max(3, len(raw) // 3)]
    if kind == "binary":
        return ".csv", draw(st.binary(min_size=1, max_size=400))
    if kind == "empty":
        return ".csv", b""
    if kind == "nul":
        return ".csv", raw.replace(b",", b"\x00", 1)
    return ".csv", raw


@st.composite
def tabular(draw) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".parquet", ".xlsx"]))
    n = draw(st.integers(0, 5))
    cols = draw(
        st.lists(
            st.sampled_from(["record_id", "nhs_number", "other", " nhs_number"]), min_size=1, max_size=3, unique=True
        )
    )
    df = pd.DataFrame({c: [draw(st.sampled_from(["9434765919", "R1", None, "x"])) for _ in range(n)] for c in cols})
    buf = io.BytesIO()
    if suffix == ".parquet":
        df.to_parquet(buf, index=False)
    else:
        df.to_excel(buf, index=False, engine="openpyxl")
    raw = buf.getvalue()
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(raw)))
        raw = raw[:cut] + draw(st.binary(max_size=20))
    return suffix, raw


hostile_suites = st.one_of(
    st.just(SUITE),
    st.text(max_size=200),
    st.sampled_from(
        [
            "dataclean_suite: 1\nname: x\ncolumns: [1, 2]\n",
            "dataclean_suite: 99\n",
            "a: &a [*a]\n",
            "dataclean_suite: 1\nname: x\ncolumns:\n  a: {role: nhs}\n",
            "dataclean_suite: 1\nname: x\ncolumns:\n  nhs_number: {role: nhs_number}\nexpectations:\n  - type: nope\n",
            "!!python/object/apply:os.system ['echo pwned']\n",
            "\x00\x01\x02",
            "dataclean_suite: 1\nname: x\nthresholds: {overall: 7}\ncolumns: {}\n",
        ]
    ),
)


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def _check(code: int, err: str, folder: Path) -> None:
    assert "Traceback" not in err, err
    assert code in (0, 1, 2), (code, err)
    if code == 2:
        assert "dataclean: error:" in err and err.strip(), err
    summary = folder / "summary.json"
    if code in (0, 1) and summary.exists():
        s = json.loads(summary.read_text())
        assert s["rows_in"] == s["rows_clean"] + s["rows_quarantined"] + s["rows_merged"]
    if code == 2:  # nothing under a final name
        assert not folder.exists() or not [p for p in folder.iterdir() if not p.name.startswith(".")]


@FUZZ
@given(st.one_of(delimited(), tabular()), st.booleans())
def test_broken_data_files_never_crash(case, chunked):
    suffix, raw = case
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        data = tmp_path / f"input{suffix}"
        data.write_bytes(raw)
        suite = tmp_path / "suite.yml"
        suite.write_text(SUITE)
        code, _, err = _run(["validate", str(data), "--suite", str(suite), "--no-progress"])
        _check(code, err, tmp_path / "nothing")
        argv = ["clean", str(data), "--suite", str(suite), "--output", str(tmp_path / "out"), "--no-progress"]
        code, _, err = _run([*argv, "--chunk-size", "3"] if chunked else argv)
        _check(code, err, tmp_path / "out")


@settings(FUZZ, max_examples=10)
@given(hostile_suites)
@example("0: &0 [*0]")  # a self-referring alias: was an internal error (RecursionError), exit 3
def test_hostile_suite_files_never_crash(text):
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        data = tmp_path / "people.csv"
        data.write_text("record_id,nhs_number\nR1,9434765919\nR2,9434765918\n")
        suite = tmp_path / "suite.yml"
        suite.write_text(text, encoding="utf-8", errors="replace")
        for argv in (
            ["validate", str(data), "--suite", str(suite)],
            ["clean", str(data), "--suite", str(suite), "--output", str(tmp_path / "out")],
            ["suite", "check", str(suite)],
        ):
            code, _, err = _run([*argv, "--no-progress"] if argv[0] != "suite" else argv)
            _check(code, err, tmp_path / "out")
