"""Reference data files: shape, provenance, canonical form, loading once, and the refresh script."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from dataclean import refdata
from dataclean.exceptions import ConfigError

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "src" / "dataclean" / "refdata"
OGL = "Open Government Licence v3.0"
NAMES = refdata.names()
#: Code lists (a ``codes`` table from an official source); the others are word and range lists.
CODE_LISTS = tuple(n for n in NAMES if "codes" in refdata.load(n).tables)


def _script():
    spec = importlib.util.spec_from_file_location("refresh_refdata", ROOT / "scripts" / "refresh_refdata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_files():
    assert set(NAMES) >= {"gender", "ethnicity", "phone", "address"}
    assert set(CODE_LISTS) >= {"gender", "ethnicity"}
    assert sorted(p.stem for p in FOLDER.glob("*.json")) == list(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_provenance_recorded(name):
    meta = refdata.load(name).meta
    assert set(refdata.META_KEYS) <= set(meta)
    dt.date.fromisoformat(meta["compiled"])
    if meta["source_checked"] is not None:
        dt.date.fromisoformat(meta["source_checked"])
    assert meta["notes"].strip()
    for source in meta["sources"]:
        assert all(source[k].strip() for k in refdata.SOURCE_KEYS)
        for part in source["covers"].split(", "):
            assert part.removeprefix("tables.") in refdata.load(name).tables, part
        assert source["url"].startswith(("https://", "docs/")), source["url"]
    if name not in CODE_LISTS:  # word and range lists: every table names its source
        covered = {p.removeprefix("tables.") for s in meta["sources"] for p in s["covers"].split(", ")}
        assert covered == set(refdata.load(name).tables), "every table has a source"
        return
    # the code table comes from an official source, with its URL and the OGL
    assert OGL in meta["licence"]
    official = [s for s in meta["sources"] if "tables.codes" in s["covers"]]
    assert len(official) == 1 and official[0]["url"].startswith("https://") and official[0]["licence"] == OGL


@pytest.mark.parametrize("name", CODE_LISTS)
def test_code_table_shape(name):
    data = refdata.load(name)
    codes = data.table("codes")
    assert codes.columns == ("code", "label")
    assert len(codes.rows) >= 2
    assert len(set(codes.column("code"))) == len(codes.rows), "codes are unique"
    assert all(code.strip() == code and code for code in codes.column("code"))
    assert all(label.strip() for label in codes.column("label"))
    known = set(codes.column("code"))
    for tname, table in data.tables.items():  # every other table that names a code names a known one
        if tname != "codes" and "code" in table.columns:
            assert set(table.column("code")) <= known, tname


@pytest.mark.parametrize("name", NAMES)
def test_files_are_canonical(name):
    """One row per line, as scripts/refresh_refdata.py --normalise writes them."""
    text = (FOLDER / f"{name}.json").read_text(encoding="utf-8")
    assert refdata.dumps(json.loads(text)) == text


def test_gender_tables():
    data = refdata.load("gender")
    assert data.table("codes").column("code") == ("1", "2", "9", "X")
    synonyms = data.table("synonyms")
    assert synonyms.columns == ("text", "code")
    assert len(set(synonyms.column("text"))) == len(synonyms.rows)


def test_ethnicity_tables():
    data = refdata.load("ethnicity")
    assert data.table("codes").column("code")[-2:] == ("Z", "99")
    assert set(data.table("spellings").column("use")) == {"alone", "after_heading"}
    groups = set(data.table("headings").column("group"))
    assert set(data.table("code_headings").column("group")) <= groups
    dfe = data.table("dfe_codes")
    assert len(set(dfe.column("dfe_code"))) == len(dfe.rows)
    assert all(len(c) == 4 and c.isupper() for c in dfe.column("dfe_code"))


def test_phone_tables():
    table = refdata.load("phone").table("drama_ranges")
    assert table.columns == ("prefix", "national", "area")
    prefixes = table.column("prefix")
    assert len(set(prefixes)) == len(prefixes) >= 20
    for prefix, national, area in table.rows:
        # an E.164 prefix of 10 characters (+44 and 7 digits): a drama number adds three digits
        assert len(prefix) == 10 and prefix.startswith("+44") and prefix[1:].isdigit(), prefix
        assert national == "0" + prefix[3:] + "xxx", national
        assert area.strip()
    assert {"+447700900", "+441632960", "+442079460", "+441614960"} <= set(prefixes)


def test_address_tables():
    data = refdata.load("address")
    abbreviations = data.table("abbreviations")
    assert abbreviations.columns == ("abbreviation", "expansion")
    keys = abbreviations.column("abbreviation")
    assert len(set(keys)) == len(keys)
    assert "ST" not in keys  # Street or Saint: decided by context in the parser
    for key, expansion in abbreviations.rows:
        assert key.isalpha() and key.isupper() and expansion.isalpha() and expansion.isupper(), key
        assert len(key) < len(expansion), key
    assert abbreviations.mapping("abbreviation", "expansion")["RD"] == "ROAD"
    counties = data.table("counties")
    assert counties.columns == ("name", "full_name")
    names = counties.column("name")
    assert len(set(names)) == len(names) >= 60
    assert set(counties.column("full_name")) <= set(names), "an abbreviation stands for a listed county"
    assert all(n == n.strip().upper() and "  " not in n for n in names)
    mapping = counties.mapping("name", "full_name")
    assert mapping["HANTS"] == "HAMPSHIRE" and mapping["ESSEX"] == "ESSEX"


def test_field_modules_use_the_shipped_lists():
    from dataclean.fields import address, phone

    ranges = refdata.load("phone").table("drama_ranges")
    words = refdata.load("address")
    assert frozenset(ranges.column("prefix")) == phone.DRAMA_PREFIXES
    assert frozenset(words.table("counties").column("name")) == address.COUNTIES
    assert words.table("abbreviations").mapping("abbreviation", "expansion") == address.ABBREVIATIONS
    assert phone.note("+447700900123") == "drama_range"
    assert address.validate("1 high rd, chelmsford, essex cm1 1qh") == "1 High Road, Chelmsford, CM1 1QH"


def test_loaded_once_and_read_only():
    assert refdata.load("gender") is refdata.load("gender")
    with pytest.raises(TypeError):
        refdata.load("gender").meta["licence"] = "changed"  # type: ignore[index]
    # mapping() hands out a fresh dict: changing it cannot change the shared table
    labels = refdata.load("gender").table("codes").mapping("code", "label")
    labels["2"] = "changed"
    assert refdata.load("gender").table("codes").mapping("code", "label")["2"] == "Female"


def test_unknown_name_and_table():
    with pytest.raises(ConfigError, match=r"no reference data 'counties'.*gender"):
        refdata.load("counties")
    with pytest.raises(KeyError, match="no table 'nope'"):
        refdata.load("gender").table("nope")


def test_malformed_file_lists_every_problem():
    data = json.loads((FOLDER / "gender.json").read_text(encoding="utf-8"))
    del data["meta"]["licence"]
    data["meta"]["sources"][0]["url"] = ""
    data["tables"]["codes"]["rows"][1] = ["2"]
    with pytest.raises(ConfigError) as info:
        refdata.parse("gender", data)
    text = str(info.value)
    assert "meta has no 'licence'" in text
    assert "meta.sources[0] lacks url" in text
    assert "table 'codes' row 2: expected 2 strings" in text
    assert info.value.source == "dataclean/refdata/gender.json"


# ------------------------------------------------------------------ refresh script (offline)
def _page(codes: dict[str, str], default: dict[str, str]) -> str:
    def table(rows: dict[str, str]) -> str:
        body = "".join(f"<tr><td>{c}</td><td>\n  {d}\n</td></tr>" for c, d in rows.items())
        return f"<table><thead><tr><th>Code</th><th>Description</th></tr></thead><tbody>{body}</tbody></table>"

    return (
        "<html><body><h2>Also Known As</h2><table><tr><th>Context</th><th>Alias</th></tr>"
        "<tr><td>Plural</td><td>ETHNIC CATEGORIES</td></tr></table>"
        f"<h3>National Codes</h3>{table(codes)}<h3>Default Codes</h3>{table(default)}</body></html>"
    )


@pytest.fixture
def folder(tmp_path):
    copy = tmp_path / "refdata"
    shutil.copytree(FOLDER, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def test_script_finds_no_difference_with_a_matching_page(folder, tmp_path, capsys):
    labels = refdata.load("ethnicity").table("codes").mapping("code", "label")
    page = tmp_path / "ethnic_category.html"
    page.write_text(_page({c: d for c, d in labels.items() if c != "99"}, {"99": labels["99"]}), encoding="utf-8")
    assert _script().main(["ethnicity", "--source", str(page), "--dir", str(folder)]) == 0
    assert "0 difference(s)" in capsys.readouterr().out


def test_script_reports_and_writes_a_changed_label(folder, tmp_path, capsys):
    labels = refdata.load("gender").table("codes").mapping("code", "label")
    source = tmp_path / "gender.csv"
    rows = {**labels, "9": "Indeterminate (unable to be classified as either male or female)"}
    source.write_text("Code,Description\n" + "".join(f'{c},"{d}"\n' for c, d in rows.items()), encoding="utf-8")
    script = _script()
    args = ["gender", "--source", str(source), "--dir", str(folder)]
    assert script.main(args) == 1
    assert "~ 9: 'Indeterminate (unable to be classified)' -> 'Indeterminate" in capsys.readouterr().out
    assert script.main([*args, "--write", "--checked", "2026-11-01"]) == 0
    written = json.loads((folder / "gender.json").read_text(encoding="utf-8"))
    assert ["9", rows["9"]] in written["tables"]["codes"]["rows"]
    assert written["meta"]["source_checked"] == "2026-11-01"
    assert written["tables"]["synonyms"] == json.loads((FOLDER / "gender.json").read_text())["tables"]["synonyms"]
    assert script.main(["--dir", str(folder)]) == 0  # still valid and canonical


def test_script_refuses_a_source_without_a_code_table(folder, tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text("<html><p>Page moved</p></html>", encoding="utf-8")
    assert _script().main(["gender", "--source", str(page), "--dir", str(folder)]) == 2
    assert "no table with the columns Code and Description" in capsys.readouterr().err


def test_script_check_flags_a_hand_edited_file(folder, capsys):
    path = folder / "gender.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")
    script = _script()
    assert script.main(["--dir", str(folder)]) == 1
    assert "gender: not in canonical form" in capsys.readouterr().out
    assert script.main(["--dir", str(folder), "--normalise"]) == 0
    assert script.main(["--dir", str(folder)]) == 0


def test_script_refreshes_a_range_list_from_a_csv(folder, tmp_path, capsys):
    rows = [list(r) for r in refdata.load("phone").table("drama_ranges").rows]
    source = tmp_path / "drama_ranges.csv"
    lines = ["prefix,national,area"] + [",".join(f'"{v}"' for v in r) for r in rows[1:]]  # one range withdrawn
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    script = _script()
    args = ["phone", "--source", str(source), "--dir", str(folder)]
    assert script.main(args) == 1
    assert f"  - {', '.join(rows[0])}" in capsys.readouterr().out
    assert script.main([*args, "--write", "--checked", "2026-11-02"]) == 0
    written = json.loads((folder / "phone.json").read_text(encoding="utf-8"))
    assert written["tables"]["drama_ranges"]["rows"] == rows[1:]
    assert written["meta"]["source_checked"] == "2026-11-02"
    assert script.main(["--dir", str(folder)]) == 0  # still valid and canonical


def test_script_refuses_a_csv_that_matches_no_table(folder, tmp_path, capsys):
    source = tmp_path / "counties.csv"
    source.write_text("county\nESSEX\n", encoding="utf-8")
    assert _script().main(["address", "--source", str(source), "--dir", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "not one table's columns" in err and "counties: name,full_name" in err
