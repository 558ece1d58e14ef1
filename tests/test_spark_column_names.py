"""Column names as people type them (``D.O.B``, ``Client Ref``, ``E-mail``, ``NHS No.``) on Spark:
a dot in a name is a struct path to Spark unless quoted. clean (its before-scorecard is
validate's) and dedupe with the untouched ``suite init`` draft give the default engine's answers."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dataclean import synth
from dataclean.cli import main

pytestmark = pytest.mark.spark

RENAMED = {
    "record_id": "Client Ref",
    "nhs_number": "NHS No.",
    "forename": "First Name",
    "surname": "Last Name",
    "date_of_birth": "D.O.B",
    "postcode": "Post Code",
    "email": "E-mail",
    "phone": "Tel. (home)",
}


@pytest.fixture(scope="module")
def awkward(tmp_path_factory):
    folder = tmp_path_factory.mktemp("awkward")
    data = folder / "people.csv"
    frame = pd.read_csv(synth.example_path("example_people.csv"), dtype=str, keep_default_na=False)
    frame.rename(columns=RENAMED).to_csv(data, index=False)
    suite = folder / "people.yml"
    assert main(["suite", "init", str(data), "--output", str(suite)]) == 0
    assert "D.O.B" in suite.read_text(encoding="utf-8") and "dedupe:" in suite.read_text(encoding="utf-8")
    return data, suite


def _card(path):
    card = json.loads(path.read_text(encoding="utf-8"))
    for volatile in ("generated_at", "timings", "dataset"):
        card.pop(volatile, None)
    return card


def test_clean_with_dotted_and_spaced_names(spark, awkward, tmp_path):
    data, suite = awkward
    common = ["--no-progress", "clean", str(data), "--suite", str(suite), "--reference-date", "2026-11-24"]
    code = main([*common, "--output", str(tmp_path / "default")])
    assert main([*common, "--output", str(tmp_path / "spark"), "--engine", "spark"]) == code
    for card in ("before_scorecard.json", "after_scorecard.json"):  # before: what validate reports
        assert _card(tmp_path / "default" / card) == _card(tmp_path / "spark" / card)
    want = json.loads((tmp_path / "default/summary.json").read_text())
    got = json.loads((tmp_path / "spark/summary.json").read_text())
    keys = ("rows_in", "rows_clean", "rows_quarantined", "cells_changed")
    assert {k: got[k] for k in keys} == {k: want[k] for k in keys}
    clean = pd.read_parquet(next((tmp_path / "spark").glob("*.clean.parquet")))
    assert "D.O.B" in clean.columns and "Client Ref" in clean.columns


def test_dedupe_with_dotted_and_spaced_names(spark, awkward, tmp_path):
    data, suite = awkward
    common = ["--no-progress", "dedupe", str(data), "--suite", str(suite)]
    assert main([*common, "--output", str(tmp_path / "default")]) == 0
    assert main([*common, "--output", str(tmp_path / "spark"), "--engine", "spark"]) == 0
    duck = pd.read_csv(tmp_path / "default" / "clusters.csv", dtype=str)
    on_spark = pd.read_parquet(tmp_path / "spark" / "clusters.parquet")
    assert len(on_spark) == len(duck) == 414
    assert on_spark["cluster_id"].nunique() == pytest.approx(duck["cluster_id"].nunique(), abs=2)
