"""The Spark engine against the embedded engines, on a real local Spark (``pytest -m spark``).

Parity is the contract: the same suite file gives the same scorecard (counts, scores, reasons)
and the same row-level failures; clean gives the same rows, counts and audit; linkage finds the
same persons (F1 within 0.005 of DuckDB on the same generated data). One session for all tests
(tests/conftest.py).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import dataclean
from dataclean import linkage, synth

pytestmark = pytest.mark.spark

REFERENCE = "2026-11-24"
SHIPPED = [
    ("social_care_person", "example_people.csv"),
    ("housing_benefit_claim", "example_housing_benefit.csv"),
    ("council_tax_account", "example_council_tax.csv"),
]


def _comparable(card) -> dict:
    d = card.to_dict()
    for volatile in ("generated_at", "timings"):
        d.pop(volatile, None)
    return d


def _sorted_failures(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["row", "record_id", "column", "expectation", "dimension", "severity", "reason"]
    return df[cols].astype("string").sort_values(["expectation", "row"]).reset_index(drop=True)


@pytest.mark.parametrize(("suite_name", "data_name"), SHIPPED, ids=[s for s, _ in SHIPPED])
def test_validate_same_scorecard_and_failures_as_pandas(spark, suite_name, data_name):
    from dataclean.engines import spark as engine

    path = synth.example_path(data_name)
    suite = dataclean.load_suite(suite_name).with_reference_date(REFERENCE)
    sdf = engine.from_pandas(spark, dataclean.read_table(path))  # in file order, in several partitions
    assert sdf.rdd.getNumPartitions() >= 2
    on_spark = dataclean.validate(sdf, suite, dedupe=False, dataset=data_name)
    in_memory = dataclean.validate(path, suite, dedupe=False)
    assert _comparable(on_spark.scorecard) == _comparable(in_memory.scorecard)
    assert on_spark.scorecard.expectations  # not vacuous
    # failures are a Parquet dataset, read back; the same rows, reasons and ids
    assert on_spark.failures_path
    got = _sorted_failures(on_spark.failures.toPandas())
    want = _sorted_failures(in_memory.failures)
    assert len(want) > 0
    pd.testing.assert_frame_equal(got, want)
    # rows shuffled into other partitions: the same counts, scores and reasons (the examples are
    # the first five failing rows in the DataFrame's order, which a shuffle changes); the combining
    # code is the same for every suite, so one suite (the one with the most expectations) is enough
    if suite_name != "social_care_person":
        return
    shuffled = dataclean.validate(engine.read_table(spark, path).repartition(3), suite, dedupe=False)
    for got, want in zip(shuffled.scorecard.expectations, in_memory.scorecard.expectations, strict=True):
        assert (got.key, got.element_count, got.missing_count, got.unexpected_count, got.score, got.reasons) == (
            want.key,
            want.element_count,
            want.missing_count,
            want.unexpected_count,
            want.score,
            want.reasons,
        )


def test_validate_with_duplicate_persons_matches_pandas(spark):
    """The social care suite's dedupe block runs on Spark too and scores the same duplicates."""
    path = synth.example_path("example_people.csv")
    suite = dataclean.load_suite("social_care_person").with_reference_date(REFERENCE)
    on_spark = dataclean.validate(path, suite, spark=spark)
    in_memory = dataclean.validate(path, suite)
    assert on_spark.scorecard.duplicates == in_memory.scorecard.duplicates
    assert in_memory.scorecard.duplicates["duplicate_records"] > 0
    assert _comparable(on_spark.scorecard) == _comparable(in_memory.scorecard)


def test_uniqueness_is_decided_on_standardised_values_across_partitions(spark):
    """``943 476 5919`` and ``9434765919`` are the same NHS number; the two rows sit in different
    partitions, so only a whole-DataFrame check can see the duplicate."""
    from conftest import valid_nhs_numbers
    from dataclean.engines import spark as engine

    nhs = valid_nhs_numbers(6)
    spaced = f"{nhs[0][:3]} {nhs[0][3:6]} {nhs[0][6:]}"
    df = pd.DataFrame(
        {
            "record_id": [f"R{i}" for i in range(7)],
            "nhs_number": [nhs[0], *nhs[1:], spaced],
        }
    )
    suite = dataclean.Suite.from_dict(
        {
            "dataclean_suite": 1,
            "name": "unique_nhs",
            "dataset": {"id_column": "record_id"},
            "columns": {
                "record_id": {"role": "id", "required": True, "unique": True},
                "nhs_number": {"role": "nhs_number", "unique": True},
            },
        }
    )
    sdf = engine.from_pandas(spark, df).repartition(2)
    report = dataclean.validate(sdf, suite)
    score = report.scorecard.expectation("g_unique__nhs_number")
    assert (score.element_count, score.unexpected_count) == (7, 2)
    failed = sorted(report.failures.filter("expectation = 'g_unique__nhs_number'").toPandas()["record_id"])
    assert failed == ["R0", "R6"]
    assert _comparable(report.scorecard) == _comparable(dataclean.validate(df, suite).scorecard)


@pytest.mark.parametrize(("suite_name", "data_name"), SHIPPED[:2], ids=[s for s, _ in SHIPPED[:2]])
def test_clean_same_rows_counts_and_audit_as_pandas(spark, tmp_path, suite_name, data_name):
    from dataclean.jobs import spark as engine

    path = synth.example_path(data_name)
    suite = dataclean.load_suite(suite_name).with_reference_date(REFERENCE)
    on_spark = engine.clean(path, suite, spark=spark, output=tmp_path)
    in_memory = dataclean.clean(dataclean.read_table(path), suite, dataset=data_name)
    assert on_spark.summary() == in_memory.summary()
    assert on_spark.summary()["rows_quarantined"] > 0 and on_spark.accounted
    for stage in ("before", "after"):
        got, want = _comparable(getattr(on_spark, stage)), _comparable(getattr(in_memory, stage))
        got.pop("dataset"), want.pop("dataset")
        assert got == want
    stem = path.stem
    clean_rows = pd.read_parquet(tmp_path / f"{stem}.clean.parquet").astype("string")
    pd.testing.assert_frame_equal(clean_rows, in_memory.clean.reset_index(drop=True).astype("string"))
    quarantine = pd.read_parquet(tmp_path / f"{stem}.quarantine.parquet").astype("string")
    pd.testing.assert_frame_equal(quarantine, in_memory.quarantine.reset_index(drop=True).astype("string"))
    audit = pd.read_parquet(tmp_path / "audit.parquet").astype("string").sort_values(["row", "column"])
    want_audit = in_memory.audit.astype("string").sort_values(["row", "column"])
    pd.testing.assert_frame_equal(audit.reset_index(drop=True), want_audit.reset_index(drop=True))
    assert json.loads((tmp_path / "summary.json").read_text())["engine"] == "spark"


def test_clustering_guards_run_distributed_with_the_in_memory_answer(spark):
    """Splink's Spark connected components for strong links, then weak links settled in rounds,
    give exactly what the sequential in-memory pass gives."""
    from dataclean.engines import spark as engine

    ids = list("ABCDEFGHIJKLMN")
    nhs = pd.Series([None] * 10 + ["9990000018", "9990000026", "9990000018", "9990000081"], dtype="string")
    pairs = pd.DataFrame(
        [
            ("A", "B", 0.995),  # strong: group AB
            ("C", "D", 0.995),  # strong: group CD
            ("B", "C", 0.97),  # weak between two groups: never merged
            ("E", "A", 0.96),  # weak, lone E joins AB
            ("F", "G", 0.98),  # weak, F and G pair up first ...
            ("G", "D", 0.975),  # ... so FG and CD are two groups: not merged
            ("H", "I", 0.96),  # weak lone + lone
            ("I", "J", 0.955),  # then lone J joins HI
            ("K", "L", 0.999),  # strong, but different NHS numbers: never linked
            ("M", "N", 0.999),  # numbers one swap apart: may be one number mistyped (coherence decides)
            ("A", "X", 0.5),  # below the threshold (and an unknown id): ignored
        ],
        columns=["unique_id_l", "unique_id_r", "match_probability"],
    )
    want = linkage.cluster(ids, pairs, 0.95, nhs=nhs)
    nodes = engine.from_pandas(spark, pd.DataFrame({"unique_id": ids, "nhs": nhs}))
    # on one machine splink's intermediate tables are local checkpoints: none is written as
    # Parquet under the checkpoint folder (one write, listing and read-back per table before)
    db_api = engine.splink_api(spark)
    assert db_api.break_lineage_method == "local_checkpoint"
    folder = Path(engine.work_dir(spark))
    before = {p.name for p in folder.glob("__splink__*")}
    got = engine.cluster_spark(nodes, engine.from_pandas(spark, pairs), 0.95, db_api).toPandas()
    assert {p.name for p in folder.glob("__splink__*")} == before
    got = got.set_index("unique_id")["cluster_id"].sort_index()
    assert got.to_dict() == want.to_dict()
    assert want["E"] == "A" and want["C"] == "C" and want["J"] == "H" and want["L"] == "L" and want["N"] == "M"


def test_linkage_f1_within_half_a_point_of_duckdb(spark):
    """Same generated records, DuckDB and Spark: F1 within 0.005, same outputs' names and columns.

    The frame passed is pandas with an all-missing text column and ``backend=spark``: this
    registration failed before (PySparkValueError CANNOT_DETERMINE_TYPE)."""
    records = synth.records(380, seed=11)  # 521 records: enough to train, small for CI
    truth = synth.pairs_from_truth(records)
    data = records.drop(columns=["person_id"]).assign(notes=pd.Series(pd.NA, index=records.index, dtype="object"))
    duck = linkage.dedupe(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        on_spark = linkage.dedupe(data, backend=spark)
    duck_f1 = linkage.pairwise_scores(linkage.cluster_pairs(duck.clusters, "record_id"), truth)["f1"]
    spark_clusters = on_spark.clusters.toPandas()
    spark_f1 = linkage.pairwise_scores(linkage.cluster_pairs(spark_clusters, "record_id"), truth)["f1"]
    assert duck_f1 > 0.9
    assert abs(spark_f1 - duck_f1) <= 0.005, (spark_f1, duck_f1)
    assert len(spark_clusters) == len(data)  # every record accounted for
    for name in ("clusters", "golden_records", "pairs", "review"):
        assert on_spark.paths[name].name == f"{name}.parquet"
        # (the review queue names its ids after the id column, as the pairs do)
        want_cols = [c.replace("unique_id_", "record_id_") for c in getattr(duck, name).columns]
        assert list(getattr(on_spark, name).columns) == want_cols, name
    # golden records: one per person, chosen by the same survivorship rules
    golden = on_spark.golden_records.toPandas().sort_values("cluster_id").reset_index(drop=True)
    assert len(golden) == spark_clusters["cluster_id"].nunique()
    if spark_f1 == duck_f1:
        want = duck.golden_records.sort_values("cluster_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(golden.astype("string"), want.astype("string"), check_dtype=False)


def test_session_helper_never_alters_a_callers_session(spark):
    from dataclean.engines import spark as engine

    before = dict(spark.sparkContext.getConf().getAll())
    assert engine.get_session(spark) is spark
    assert engine.get_session() is spark  # the active session, as it is
    assert dict(spark.sparkContext.getConf().getAll()) == before
    with pytest.raises(dataclean.ConfigError, match="SparkSession"):
        engine.get_session("local[2]")
    assert engine.parse_conf(["spark.sql.shuffle.partitions=8", "a.b = c"]) == {
        "spark.sql.shuffle.partitions": "8",
        "a.b": "c",
    }
    with pytest.raises(dataclean.ConfigError, match="KEY=VALUE"):
        engine.parse_conf(["spark.driver.memory"])


def test_read_table_gives_the_pandas_reader_values(spark, tmp_path):
    from dataclean.engines import spark as engine

    path = tmp_path / "people.csv"
    path.write_bytes(
        "\ufeffrecord_id;name;address;nhs\n"
        'R1;"O\'Brien, Seán";"1 High St; Leeds";0123\n'
        'R2;;"said ""hi""";\n'
        "R3;  ;x;999 000 0018\n".encode()
    )
    got = engine.read_table(spark, path).toPandas().astype("string")
    want = dataclean.read_table(path)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # a quoted value holding line breaks (LF and CRLF) is one value, as pandas reads it; Spark read
    # it line by line before (FAILFAST: a malformed record)
    multi = tmp_path / "multi.csv"
    multi.write_bytes(
        b'record_id,address,nhs\nR1,"Flat 2\n1 High St",999 000 0018\nR2,"said ""hi""",\nR3,"a\r\nb, c",x\nR4,,\n'
    )
    assert engine.has_quoted_line_breaks(multi) and not engine.has_quoted_line_breaks(path)
    got = engine.read_table(spark, multi).toPandas().astype("string")
    want = dataclean.read_table(multi)
    assert len(want) == 4 and want.loc[0, "address"] == "Flat 2\n1 High St"
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_cli_engine_spark_matches_the_default_engine(spark, tmp_path):
    from dataclean.cli import main

    data = str(synth.example_path("example_council_tax.csv"))
    common = ["validate", data, "--suite", "council_tax_account", "--reference-date", REFERENCE]
    code = main([*common, "--output", str(tmp_path / "default")])
    assert code == 1  # the example has planted defects that fail a critical expectation
    assert main([*common, "--output", str(tmp_path / "spark"), "--engine", "spark"]) == code
    cards = [json.loads((tmp_path / d / "scorecard.json").read_text()) for d in ("default", "spark")]
    for card in cards:
        card.pop("generated_at"), card.pop("timings")
    assert cards[0] == cards[1]
    assert (tmp_path / "spark" / "failures.parquet").is_dir()
    assert main(["validate", data, "--suite", "council_tax_account", "--engine", "spark", "--spark-conf", "oops"]) == 2


def test_spark_sql_translation_of_duckdb_conditions():
    from dataclean.engines.spark import spark_settings, to_spark_sql

    assert to_spark_sql('"nhs_l" = "nhs_r"') == "`nhs_l` = `nhs_r`"
    assert to_spark_sql('jaro_winkler_similarity("fn_l", "fn_r") >= 0.9') == "jaro_winkler(`fn_l`, `fn_r`) >= 0.9"
    assert to_spark_sql("ELSE") == "ELSE"
    settings = {
        "comparisons": [{"comparison_levels": [{"sql_condition": '"a_l" = "a_r"'}, {"sql_condition": "ELSE"}]}],
        "blocking_rules_to_generate_predictions": [{"blocking_rule": 'l."a" = r."a"', "sql_dialect": "duckdb"}],
        "sql_dialect": "duckdb",
    }
    out = spark_settings(settings)
    assert out["comparisons"][0]["comparison_levels"][0]["sql_condition"] == "`a_l` = `a_r`"
    assert out["blocking_rules_to_generate_predictions"] == [{"blocking_rule": "l.`a` = r.`a`"}]
    assert out["sql_dialect"] == "spark"
    assert settings["sql_dialect"] == "duckdb"  # the caller's settings are not modified


LINK_SUITE = """dataclean_suite: 1
name: synth_people
columns:
  record_id: {role: id, required: true}
link:
  id_column: record_id
  columns:
    nhs_number: nhs_number
    nino: nino
    forename: forename
    surname: surname
    date_of_birth: date_of_birth
    postcode: postcode
    address: address
  training: hybrid
"""


def test_cli_link_on_spark_hybrid_f1_within_half_a_point_of_duckdb(spark, tmp_path):
    """``dataclean link --engine spark`` on two files, hybrid training (the model plus the
    deterministic identifier-and-DOB matches): the same records, F1 within 0.005 of DuckDB's."""
    from dataclean.cli import main

    # under 500 records: splink's starting values, no training (the trained model's parity is
    # test_linkage_f1_within_half_a_point_of_duckdb's; training on Spark costs minutes in CI)
    records = synth.records(400, seed=23)
    records = records[records["source"] != "council_tax"].reset_index(drop=True)
    truth = synth.pairs_from_truth(records)
    files = []
    for source, part in records.groupby("source"):
        files.append(str(tmp_path / f"{source}.csv"))
        part.drop(columns=["person_id", "source"]).to_csv(files[-1], index=False)
    suite = tmp_path / "synth.yml"
    suite.write_text(LINK_SUITE, encoding="utf-8")
    common = ["--no-progress", "link", *files, "--suite", str(suite), "--within"]
    assert main([*common, "--output", str(tmp_path / "duck")]) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        assert main([*common, "--output", str(tmp_path / "spark"), "--engine", "spark"]) == 0
    duck = pd.read_csv(tmp_path / "duck" / "clusters.csv", dtype="string")
    on_spark = pd.read_parquet(tmp_path / "spark" / "clusters.parquet").astype("string")
    assert list(on_spark.columns) == list(duck.columns) == ["record_id", "source", "cluster_id"]
    assert len(on_spark) == len(duck) == len(records)
    duck_f1 = linkage.pairwise_scores(linkage.cluster_pairs(duck, "record_id"), truth)["f1"]
    spark_f1 = linkage.pairwise_scores(linkage.cluster_pairs(on_spark, "record_id"), truth)["f1"]
    assert duck_f1 > 0.9
    assert abs(spark_f1 - duck_f1) <= 0.005, (spark_f1, duck_f1)
    model = json.loads((tmp_path / "spark" / "model.json").read_text())
    assert model["dataclean"]["config"]["training"] == "hybrid"
    # hybrid: every pair sharing an NHS number and date of birth is a certain match
    pairs = pd.read_parquet(tmp_path / "spark" / "pairs.parquet")
    assert (pairs["match_probability"] == 1.0).sum() > 0


def test_deterministic_linkage_on_spark_gives_the_duckdb_clusters(spark):
    """Deterministic training (exact identifier and date of birth, no model): the same rules on
    both engines, so exactly the same persons."""
    records = synth.records(150, seed=31)
    data = records.drop(columns=["person_id"])
    config = {
        "id_column": "record_id",
        "columns": {"nhs_number": "nhs_number", "nino": "nino", "date_of_birth": "date_of_birth", "surname": "surname"},
        "training": "deterministic",
    }
    duck = linkage.dedupe(data, config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        on_spark = linkage.dedupe(data, config, backend=spark)
    got = on_spark.clusters.toPandas().astype("string").sort_values("record_id").reset_index(drop=True)
    want = duck.clusters.astype("string").sort_values("record_id").reset_index(drop=True)
    assert want["cluster_id"].nunique() < len(want)  # some persons found
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_cli_clean_dedupe_on_spark_counts_equal_pandas(spark, tmp_path):
    """``dataclean clean --dedupe --engine spark``: the same clean, quarantined and merged counts
    and the same after-scorecard as the pandas engine."""
    from dataclean.cli import main

    data = str(synth.example_path("example_people.csv"))
    common = ["--no-progress", "clean", data, "--suite", "social_care_person", "--dedupe"]
    common += ["--reference-date", REFERENCE, "--format", "json"]
    code = main([*common, "--output", str(tmp_path / "pandas")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        assert main([*common, "--output", str(tmp_path / "spark"), "--engine", "spark"]) == code
    want = json.loads((tmp_path / "pandas" / "summary.json").read_text())
    got = json.loads((tmp_path / "spark" / "summary.json").read_text())
    keys = ("rows_in", "rows_clean", "rows_quarantined", "rows_merged", "cells_changed")
    assert want["rows_merged"] > 0
    assert {k: got[k] for k in keys} == {k: want[k] for k in keys}
    cards = [json.loads((tmp_path / d / "after_scorecard.json").read_text()) for d in ("pandas", "spark")]
    for card in cards:
        for volatile in ("generated_at", "timings", "dataset"):
            card.pop(volatile, None)
    assert cards[0] == cards[1]


def test_training_records_are_bounded_and_all_kept_below_the_bound(spark):
    """The model is trained on the driver: every prepared record up to the bound (the in-memory
    engine's training, on the same records), a seeded sample of about the bound above it, one
    frame per source when linking; the note says so."""
    from dataclean.engines.spark import linkage as spark_linkage

    records = synth.records(300, seed=5)
    n = len(records)
    prepared = spark.createDataFrame(
        pd.DataFrame(
            {
                "unique_id": records["record_id"].astype(str),
                "source": records["source"].astype(str),
                "sn": records["surname"].astype(str),
            }
        )
    )
    inputs = spark_linkage._Inputs(
        spark, None, "dedupe_only", "record_id", False, ["data"], [], prepared, None, {"sn"}, n
    )
    notes: list[str] = []
    whole = spark_linkage._training_frames(inputs, ["unique_id", "sn"], n, notes)
    assert len(whole) == 1 and sorted(whole[0]["unique_id"]) == sorted(records["record_id"].astype(str))
    assert notes == []
    sampled = spark_linkage._training_frames(inputs, ["unique_id", "sn"], 100, notes)
    assert 50 <= len(sampled[0]) <= 150 and set(sampled[0]["unique_id"]) < set(whole[0]["unique_id"])
    assert "random sample" in notes[0] and f"{n:,}" in notes[0]
    again = spark_linkage._training_frames(inputs, ["unique_id", "sn"], 100, [])
    assert list(again[0]["unique_id"]) == list(sampled[0]["unique_id"])  # seeded: the same sample
    linking = replace(inputs, link_type="link_only", multi=True, sources=sorted(records["source"].unique()))
    per_source = spark_linkage._training_frames(linking, ["unique_id", "source", "sn"], n, [])
    assert [set(f["source"]) for f in per_source] == [{s} for s in linking.sources]
    assert sum(len(f) for f in per_source) == n


def test_python_workers_fork_from_the_preloading_daemon(spark):
    """dataclean's own sessions fork their Python workers from ``dataclean.engines.spark.daemon``
    (pandas, pyarrow and the field modules already imported), not from a bare ``pyspark.daemon``."""
    import os
    import sys

    if not os.path.exists("/proc/self/cmdline"):
        pytest.skip("reads the daemon's command line from /proc")
    assert spark.conf.get("spark.python.daemon.module") == "dataclean.engines.spark.daemon"

    def parent(batches):
        with open(f"/proc/{os.getppid()}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode()
        preloaded = "dataclean.linkage.prepare" in sys.modules
        for _ in batches:
            yield pd.DataFrame({"cmd": [cmd], "preloaded": [preloaded]})

    rows = spark.range(0, 4, 1, 2).mapInPandas(parent, "cmd string, preloaded boolean").collect()
    assert rows and all("dataclean.engines.spark.daemon" in r["cmd"] for r in rows)
    assert all(r["preloaded"] for r in rows)
