"""The command line: exit codes 0 pass / 1 gate failed / 2 usage or config error, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dataclean.cli import main

DATA = Path(__file__).parent / "data"
SUITE = str(DATA / "planted_suite.yml")


@pytest.fixture
def planted_csv(planted, tmp_path) -> Path:
    p = tmp_path / "planted.csv"
    planted.to_csv(p, index=False)
    return p


@pytest.fixture
def good_csv(planted, tmp_path) -> Path:
    good = planted.iloc[:16].copy()
    good["date_of_death"] = None
    good["last_updated"] = "2025-12-01"
    p = tmp_path / "good.csv"
    good.to_csv(p, index=False)
    return p


def test_validate_passes_with_exit_0(good_csv, tmp_path, capsys):
    out = tmp_path / "report"
    code = main(["validate", str(good_csv), "--suite", SUITE, "--output", str(out), "--format", "json,md,html,junit"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "PASSED" in printed
    assert {p.name for p in out.iterdir()} == {
        "scorecard.json",
        "scorecard.md",
        "scorecard.html",
        "junit.xml",
        "failures.csv",
        "_SUCCESS",  # the manifest, written last
    }
    manifest = json.loads((out / "_SUCCESS").read_text())
    assert set(manifest["files"]) == {"scorecard.json", "scorecard.md", "scorecard.html", "junit.xml", "failures.csv"}
    doc = json.loads((out / "scorecard.json").read_text())
    assert doc["overall"]["passed"] is True


def test_validate_gate_failure_exit_1(planted_csv, tmp_path, capsys):
    code = main(["validate", str(planted_csv), "--suite", SUITE, "--output", str(tmp_path / "r")])
    assert code == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "validity score" in out
    failures = pd.read_csv(tmp_path / "r" / "failures.csv", dtype=str)
    assert set(failures.loc[failures["reason"] == "invalid_checksum", "record_id"]) == {"R16"}
    # raw identifiers never reach the console or the scorecard files
    raw = pd.read_csv(planted_csv, dtype=str)["nhs_number"].dropna()
    text = out + (tmp_path / "r" / "scorecard.json").read_text()
    assert not any(v in text for v in raw)


def test_fail_under(good_csv):
    assert main(["validate", str(good_csv), "--suite", SUITE, "--fail-under", "100%"]) == 0
    assert main(["validate", str(good_csv), "--suite", SUITE, "--fail-under", "0.5"]) == 0


def test_usage_errors_exit_2(good_csv, capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", str(good_csv)])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["validate", str(good_csv), "--suite", SUITE, "--format", "pdf"])
    assert info.value.code == 2
    assert "unknown format" in capsys.readouterr().err


def test_missing_suite_and_bad_suite_exit_2(good_csv, tmp_path, capsys):
    assert main(["validate", str(good_csv), "--suite", str(tmp_path / "nope.yml")]) == 2
    assert "suite file not found" in capsys.readouterr().err
    bad = tmp_path / "bad.yml"
    bad.write_text("dataclean_suite: 1\nname: x\ncolumns:\n  a: {role: nhs}\n")
    assert main(["validate", str(good_csv), "--suite", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "line 4" in err and "unknown role 'nhs'" in err


def test_missing_columns_exit_2(tmp_path, capsys):
    p = tmp_path / "few.csv"
    pd.DataFrame({"record_id": ["R1"], "nhs_numbr": ["9434765919"]}).to_csv(p, index=False)
    assert main(["validate", str(p), "--suite", SUITE]) == 2
    err = capsys.readouterr().err
    assert "'nhs_number' (did you mean 'nhs_numbr'?)" in err
    assert "few.csv" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"record_id,nhs_number\nR1,9434765919\nR2,9434765919,extra\n", "line 3"),
    ],
    ids=["empty", "ragged"],
)
def test_bad_data_files_exit_2(tmp_path, capsys, content, message):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    assert main(["validate", str(p), "--suite", SUITE]) == 2
    err = capsys.readouterr().err
    assert message in err and "bad.csv" in err


def test_cp1252_file_is_read(tmp_path, good_csv):
    df = pd.read_csv(good_csv, dtype=str)
    df["record_id"] = df["record_id"] + "é"
    p = tmp_path / "cp1252.csv"
    p.write_bytes(df.to_csv(index=False).encode("cp1252"))
    assert main(["validate", str(p), "--suite", SUITE]) == 0


def test_missing_data_file_exit_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.csv"), "--suite", SUITE]) == 2
    assert "missing.csv" in capsys.readouterr().err


def test_suite_init_drafts_roles(tmp_path, capsys):
    p = tmp_path / "extract.csv"
    pd.DataFrame(
        {
            "Client ID": ["C1", "C2", "C3"],
            "NHS No": ["943 476 5919", "9990000026", None],
            "col_x": ["SW1A 1AA", "cm1 1qh", "CO1 1AA"],  # recognised by content
            "DOB": ["07/03/1984", "1990-01-01", "02/02/2002"],
            "Surname": ["Smith", "Jones", "Brown"],
        }
    ).to_csv(p, index=False)
    out = tmp_path / "draft.yml"
    assert main(["suite", "init", str(p), "--output", str(out)]) == 0
    from dataclean.suite import load_suite

    suite = load_suite(out)
    roles = {c: s.role for c, s in suite.columns.items()}
    assert roles == {
        "Client ID": "id",
        "NHS No": "nhs_number",
        "col_x": "postcode",
        "DOB": "date_of_birth",
        "Surname": "surname",
    }
    assert suite.id_column == "Client ID"
    assert suite.dedupe is not None
    assert main(["suite", "init", str(p), "--output", str(out)]) == 2  # exists, no --force


def test_suite_check_and_compile(tmp_path, capsys):
    assert main(["suite", "check", "social_care_person"]) == 0
    assert "is valid" in capsys.readouterr().out
    out = tmp_path / "gx.json"
    assert main(["suite", "compile", "social_care_person", "--output", str(out)]) == 0
    assert json.loads(out.read_text())["name"] == "social_care_person"


def test_scorecard_diff_exit_codes(planted_csv, good_csv, tmp_path, capsys):
    main(["validate", str(good_csv), "--suite", SUITE, "--output", str(tmp_path / "a")])
    main(["validate", str(planted_csv), "--suite", SUITE, "--output", str(tmp_path / "b")])
    capsys.readouterr()
    a, b = tmp_path / "a" / "scorecard.json", tmp_path / "b" / "scorecard.json"
    assert main(["scorecard", "diff", str(a), str(b)]) == 1
    assert "regression" in capsys.readouterr().out
    assert main(["scorecard", "diff", str(b), str(a), "--format", "md"]) == 0
    assert main(["scorecard", "diff", str(a), str(tmp_path / "none.json")]) == 2


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_validate_reads_csv_parquet_and_excel_alike(planted, tmp_path, suffix):
    from dataclean import validate
    from dataclean.io import write_table

    path = write_table(planted, tmp_path / f"people{suffix}")
    card = validate(path, SUITE).scorecard
    got = {e.key: (e.element_count, e.missing_count, e.unexpected_count) for e in card.expectations}
    assert got["g_valid_nhs_number__nhs_number"] == (20, 1, 2)
    assert got["g_unique__nhs_number"] == (20, 1, 2)
    assert card.dataset == f"people{suffix}"


def test_wrong_delimiter_is_explained(tmp_path, capsys):
    p = tmp_path / "semi.csv"
    p.write_text("record_id;nhs_number\nR1;9434765919\n")
    from dataclean.io import read_table

    assert list(read_table(p).columns) == ["record_id", "nhs_number"]  # sniffed
    with pytest.raises(Exception, match="pass --delimiter"):
        read_table(p, delimiter=",")


def test_dedupe_and_link_on_bundled_examples(tmp_path, capsys):
    from dataclean.synth import example_path

    out = tmp_path / "dedupe"
    assert (
        main(["dedupe", str(example_path("example_people.csv")), "--suite", "social_care_person", "--output", str(out)])
        == 0
    )
    clusters = pd.read_csv(out / "clusters.csv", dtype=str)
    assert list(clusters.columns) == ["record_id", "cluster_id"] and len(clusters) == 414
    assert clusters["cluster_id"].nunique() < len(clusters)  # the bundled extract has duplicates
    for name in ("pairs.csv", "golden_records.csv", "review.csv", "model.json"):
        assert (out / name).exists()
    link_out = tmp_path / "link"
    assert (
        main(
            [
                "link",
                str(example_path("example_housing_benefit.csv")),
                str(example_path("example_council_tax.csv")),
                "--suite",
                "housing_benefit_claim",
                "--suite",
                "council_tax_account",
                "--within",
                "--output",
                str(link_out),
            ]
        )
        == 0
    )
    linked = pd.read_csv(link_out / "clusters.csv", dtype=str)
    assert set(linked["source"]) == {"example_housing_benefit", "example_council_tax"}
    claims = pd.read_csv(link_out / "persons_in_multiple_claims.csv", dtype=str)
    assert len(claims) >= 5  # the example plants claimants with two claims
    props = pd.read_csv(link_out / "persons_with_multiple_properties.csv", dtype=str)
    assert len(props) >= 5
    assert (
        main(
            [
                "link",
                str(example_path("example_housing_benefit.csv")),
                "--suite",
                "housing_benefit_claim",
                "--output",
                str(link_out),
            ]
        )
        == 2
    )


def test_binary_file_exits_2_with_reason(tmp_path, capsys):
    p = tmp_path / "photo.csv"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    assert main(["validate", str(p), "--suite", SUITE]) == 2
    err = capsys.readouterr().err
    assert "photo.csv" in err and "PNG image" in err and "Traceback" not in err
    q = tmp_path / "garbage.csv"
    q.write_bytes(bytes(range(256)) * 40)
    assert main(["clean", str(q), "--suite", SUITE, "--output", str(tmp_path / "o")]) == 2
    assert "looks binary" in capsys.readouterr().err
    assert not (tmp_path / "o").exists() or not [p for p in (tmp_path / "o").iterdir() if p.name[0] != "."]


def test_internal_error_exits_3_without_traceback_unless_verbose(good_csv, monkeypatch, capsys):
    import dataclean.jobs.validate as jobs_validate

    def boom(*a, **k):
        raise ZeroDivisionError("secret 9434765919")

    monkeypatch.setattr(jobs_validate, "validate", boom)
    assert main(["validate", str(good_csv), "--suite", SUITE]) == 3
    err = capsys.readouterr().err
    assert "internal error: ZeroDivisionError" in err and "run with -v" in err
    assert "Traceback" not in err and "9434765919" not in err
    assert main(["validate", str(good_csv), "--suite", SUITE, "-v"]) == 3
    assert "Traceback" in capsys.readouterr().err


def test_version_and_help_document_exit_codes(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.startswith("dataclean ")
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "exit codes:" in text and "3  internal error" in text and "examples:" in text
    with pytest.raises(SystemExit):
        main(["clean", "--help"])
    text = capsys.readouterr().out
    for option in ("--delimiter", "--encoding", "--sheet", "--input-format", "--json", "--quiet", "--reveal"):
        assert option in text


def test_every_argument_has_help():
    import argparse

    from dataclean.cli import build_parser

    def walk(parser):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from walk(sub)
            elif not isinstance(action, argparse._HelpAction):
                yield parser.prog, action

    missing = [(prog, a.dest) for prog, a in walk(build_parser()) if not a.help]
    assert missing == []


def test_stdin_gzip_and_json_summary(good_csv, tmp_path, monkeypatch, capsys):
    import gzip
    import io
    import sys

    raw = good_csv.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert main(["validate", "-", "--suite", SUITE, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "passed" and doc["exit_code"] == 0 and doc["rows"] == 16 and doc["dataset"] == "stdin"
    gz = tmp_path / "good.csv.gz"
    gz.write_bytes(gzip.compress(raw))
    assert main(["validate", str(gz), "--suite", SUITE, "--format", "json"]) == 0  # no --output: stdout
    assert json.loads(capsys.readouterr().out)["overall"]["passed"] is True
    assert main(["validate", str(gz), "--suite", SUITE, "-q"]) == 0
    assert capsys.readouterr().out == ""


def test_trimmed_headers_are_noted(good_csv, tmp_path, capsys):
    lines = good_csv.read_text().splitlines()
    lines[0] = ", ".join(f" {h}" for h in lines[0].split(","))
    p = tmp_path / "spaced.csv"
    p.write_text("\n".join(lines) + "\n")
    assert main(["clean", str(p), "--suite", SUITE, "--output", str(tmp_path / "o"), "--json"]) in (0, 1)
    doc = json.loads(capsys.readouterr().out)
    assert any("trimmed" in n for n in doc["notes"])
    assert doc["rows_in"] == doc["rows_clean"] + doc["rows_quarantined"] + doc["rows_merged"]


def test_failed_run_leaves_no_final_files(planted_csv, tmp_path, monkeypatch):
    import dataclean.pipeline as pipeline

    def broken(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dataclean.scorecard.render.write_scorecard", broken)
    out = tmp_path / "out"
    assert main(["clean", str(planted_csv), "--suite", SUITE, "--output", str(out)]) == 2
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []
    assert not list(out.glob(".dataclean-stage-*"))  # the stage is cleaned up too
    assert pipeline  # the module is importable after the failure


def test_chunked_clean_writes_manifest_last(planted_csv, tmp_path):
    out = tmp_path / "out"
    assert main(["clean", str(planted_csv), "--suite", SUITE, "--output", str(out), "--chunk-size", "7"]) == 1
    manifest = json.loads((out / "_SUCCESS").read_text())
    rows = {k: v.get("rows") for k, v in manifest["files"].items()}
    assert rows["planted.clean.csv"] + rows["planted.quarantine.csv"] == manifest["rows_in"] == 20
    import hashlib

    for name, meta in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == meta["sha256"]
