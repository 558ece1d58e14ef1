"""The cleansing pipeline: nothing lost, nothing mutated, every change audited."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dataclean.pipeline import clean, clean_file

DATA = Path(__file__).parent / "data"
SUITE = DATA / "planted_suite.yml"


def test_rows_are_accounted_for(planted):
    before = planted.copy()
    result = clean(planted, SUITE)
    pd.testing.assert_frame_equal(planted, before)  # input untouched
    assert result.rows_in == 20
    assert len(result.clean) + len(result.quarantine) + len(result.merged) == 20
    assert result.accounted
    # R16 bad check digit, R17 UNKNOWN, R18 null NHS number, R03 died before birth: critical failures
    assert sorted(result.quarantine["record_id"]) == ["R03", "R16", "R17", "R18"]
    # duplicates are a uniqueness finding, not a reason to quarantine
    assert {"R00", "R19"} <= set(result.clean["record_id"])


def test_quarantine_reasons(planted):
    q = clean(planted, SUITE).quarantine.set_index("record_id")["quarantine_reasons"]
    assert q["R16"] == "nhs_number:invalid_checksum"
    assert "nhs_number:invalid_format" in q["R17"] and "column_values_to_not_be_placeholder" in q["R17"]
    assert q["R18"] == "nhs_number:column_values_to_not_be_null"
    assert q["R03"].startswith("date_of_birth,date_of_death:")


def test_clean_output_is_standardised_and_audited(planted):
    result = clean(planted, SUITE)
    cleaned = result.clean.set_index("record_id")
    assert cleaned.loc["R19", "nhs_number"] == planted.loc[0, "nhs_number"]  # spaces removed
    audit = result.audit
    assert list(audit.columns) == ["row", "record_id", "column", "rule", "before", "after"]
    row = audit[audit["record_id"] == "R19"].iloc[0]
    assert row["column"] == "nhs_number" and row["rule"] == "standardise:nhs_number"
    # both values masked by default: the audit is a report and carries no raw identifier
    assert row["after"] == "99******18" and row["after"] != planted.loc[0, "nhs_number"]
    assert row["before"] != planted.loc[19, "nhs_number"] and "*" in row["before"]
    text = result.audit.to_csv()
    assert not any(v in text for v in planted["nhs_number"].dropna().str.replace(" ", ""))
    revealed = clean(planted, SUITE, show_values=True).audit
    row = revealed[revealed["record_id"] == "R19"].iloc[0]
    assert (row["before"], row["after"]) == (planted.loc[19, "nhs_number"], planted.loc[0, "nhs_number"])


def test_scores_before_and_after(planted):
    result = clean(planted, SUITE)
    assert result.before.stage == "before" and result.after.stage == "after"
    assert result.after.dimension("validity").score == 1.0
    assert result.after.dimension("completeness").score == 1.0
    assert result.before.dimension("validity").score < 1.0
    # the spaced duplicate is only found once standardised: uniqueness is lower after
    assert result.after.dimension("uniqueness").score < 1.0


def test_odd_index_is_kept(planted):
    df = planted.set_axis([f"x{i % 5}" for i in range(20)], axis=0)  # duplicate labels
    result = clean(df, SUITE)
    assert len(result.clean) + len(result.quarantine) == 20
    assert set(result.clean.index) | set(result.quarantine.index) <= set(df.index)


def test_clean_file_writes_outputs_in_input_format(planted, tmp_path):
    src = tmp_path / "people.csv"
    planted.to_csv(src, index=False)
    result = clean_file(src, SUITE, tmp_path / "out")
    out = tmp_path / "out"
    names = {p.name for p in out.iterdir()}
    assert {
        "people.clean.csv",
        "people.quarantine.csv",
        "audit.csv",
        "merged.csv",
        "summary.json",
        "before_scorecard.json",
        "after_scorecard.json",
        "after_scorecard.html",
    } <= names
    back = pd.read_csv(out / "people.clean.csv", dtype=str)
    assert len(back) == len(result.clean)
    q = pd.read_csv(out / "people.quarantine.csv", dtype=str)
    assert "quarantine_reasons" in q.columns and len(q) == 4


def test_parquet_in_parquet_out(planted, tmp_path):
    src = tmp_path / "people.parquet"
    planted.to_parquet(src, index=False)
    clean_file(src, SUITE, tmp_path / "out")
    assert len(pd.read_parquet(tmp_path / "out" / "people.clean.parquet")) == 16


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_chunked_matches_in_memory(planted, tmp_path, fmt):
    big = pd.concat([planted.assign(record_id=planted["record_id"] + f"-{k}") for k in range(7)], ignore_index=True)
    src = tmp_path / f"big.{fmt}"
    big.to_csv(src, index=False) if fmt == "csv" else big.to_parquet(src, index=False)
    whole = clean_file(src, SUITE, tmp_path / "whole")
    chunked = clean_file(src, SUITE, tmp_path / "chunked", chunk_size=23)
    assert chunked.summary()["rows_clean"] == len(whole.clean)
    assert chunked.summary()["rows_quarantined"] == len(whole.quarantine)
    for stage in ("before", "after"):
        a, b = getattr(whole, stage), getattr(chunked, stage)
        assert [(e.key, e.element_count, e.missing_count, e.unexpected_count) for e in a.expectations] == [
            (e.key, e.element_count, e.missing_count, e.unexpected_count) for e in b.expectations
        ]
        assert a.overall_score == pytest.approx(b.overall_score, abs=1e-12)
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    w = read(tmp_path / "whole" / f"big.clean.{fmt}").astype(str)
    c = read(tmp_path / "chunked" / f"big.clean.{fmt}").astype(str)
    pd.testing.assert_frame_equal(w.reset_index(drop=True), c.reset_index(drop=True))


# ------------------------------------------------------------------------------ the jobs layer's stages
def test_masked_audit_values_are_mask_value_of_each_value():
    """The audit masks in Arrow over distinct values; the result is mask_value's, value by value
    (missing and blank, short, long, non-ASCII and astral characters)."""
    import random

    from dataclean._core import mask_value
    from dataclean.jobs.stages import mask_texts

    values = ["", " ", "\xa0\t", "a", "abcdef", "abcdefg", "943 476 5919", "é" * 7, "日本語テキストです", None, "ß" * 9]
    rng = random.Random(7)
    values += ["".join(rng.choice("ab é日\t1\xa0ß😀") for _ in range(rng.randint(0, 11))) for _ in range(2000)]
    for dtype in ("string", pd.StringDtype("pyarrow")):
        text = pd.Series(values, dtype=dtype)
        assert list(mask_texts(text)) == [mask_value(v) for v in text]


def test_audit_is_built_in_arrow_with_the_masked_values(planted):
    """The audit is Arrow-backed text (a quarter of a chunked run's peak was its Python strings);
    its values are mask_value's of each changed cell, or the cells themselves when shown."""
    from dataclean._core import mask_value

    for show in (False, True):
        result = clean(planted, SUITE, show_values=show)
        audit = result.audit
        assert len(audit) > 0
        assert all(isinstance(t, pd.StringDtype) and t.storage == "pyarrow" for t in audit.dtypes)
        for row in audit.head(200).itertuples(index=False):
            original = planted.loc[int(row.row), row.column]
            written = result.clean.loc[int(row.row), row.column]
            assert row.before == (original if show else mask_value(original))
            assert row.after == (written if show else mask_value(written))
            assert row.rule.startswith("standardise:")


def test_quarantine_reasons_keep_first_appearance_order_once_each():
    from dataclean.jobs.stages import quarantine_mask

    failures = pd.DataFrame(
        {
            "row": ["2", "0", "2", "2", "5", "0"],
            "column": ["b", "a", "a", "b", "a", "a"],
            "expectation": ["e1", "e2", "e3", "e1", "e4", "e2"],
            "dimension": ["validity", "completeness", "validity", "validity", "uniqueness", "completeness"],
            "severity": ["critical"] * 6,
            "reason": ["bad", None, "worse", "bad", "dup", None],
        }
    ).astype("string")
    mask, reasons = quarantine_mask(failures, pd.RangeIndex(6))
    assert mask.tolist() == [True, False, True, False, False, False]  # row 5: uniqueness never quarantines
    assert reasons["2"] == "b:bad; a:worse" and reasons["0"] == "a:e2"


def test_quarantine_reasons_agree_with_a_per_row_join_on_many_failing_rows():
    """Many failing rows, several labels each (a file where most rows fail): the reasons are
    joined once per combination of labels, as a per-row join in order of appearance gives."""
    import numpy as np

    from dataclean.jobs.stages import quarantine_mask

    rng = np.random.default_rng(3)
    n = 20_000
    rows = rng.integers(0, 5_000, n).astype(str)
    cols = rng.choice(["nhs_number", "nino", "phone", "email"], n)
    reason = rng.choice(["invalid_checksum", "unallocated_prefix", None, "invalid_number"], n)
    failures = pd.DataFrame(
        {
            "row": rows,
            "column": cols,
            "expectation": np.char.add("valid_", cols),
            "dimension": rng.choice(["validity", "completeness", "uniqueness"], n, p=[0.6, 0.3, 0.1]),
            "severity": rng.choice(["critical", "warning"], n, p=[0.8, 0.2]),
            "reason": reason,
        }
    ).astype("string")
    index = pd.Index([str(i) for i in range(6_000)])
    mask, reasons = quarantine_mask(failures, index)
    crit = failures[(failures["severity"] == "critical") & failures["dimension"].isin(["validity", "completeness"])]
    expected: dict[str, list[str]] = {}
    for row, label in zip(crit["row"], crit["column"] + ":" + crit["reason"].fillna(crit["expectation"])):
        if label not in expected.setdefault(row, []):
            expected[row].append(label)
    assert set(index[mask]) == set(expected)
    assert {row: reasons[row] for row in expected} == {row: "; ".join(v) for row, v in expected.items()}


def test_checked_frame_is_arrow_text_and_the_input_is_untouched(planted):
    from dataclean.jobs.validate import standardise_for_checks
    from dataclean.suite import load_suite

    suite = load_suite(SUITE)
    before = planted.copy()
    frame, results = standardise_for_checks(planted, suite)
    pd.testing.assert_frame_equal(planted, before)
    for col in results:
        assert frame[col].dtype == pd.StringDtype("pyarrow")
        expected = results[col].value.where(results[col].valid, planted[col].astype("string"))
        assert (
            frame[col].astype(object).where(frame[col].notna(), None).tolist()
            == expected.astype(object).where(expected.notna(), None).tolist()
        )


@pytest.mark.parametrize(
    ("data_name", "suite_name"),
    [
        ("example_people.csv", "social_care_person.yml"),
        ("example_council_tax.csv", "council_tax_account.yml"),
        ("example_housing_benefit.csv", "housing_benefit_claim.yml"),
    ],
)
def test_after_scorecard_from_the_checked_rows_equals_a_fresh_gx_run(data_name, suite_name):
    """The after scorecard reuses the checked frame's results for single-column row-by-row
    expectations (the kept rows are rows of that frame, values unchanged) and reruns the rest: it
    must equal running every expectation again on the kept rows."""
    from dataclean.io import read_table
    from dataclean.jobs import stages, validate
    from dataclean.suite import load_suite

    root = Path(__file__).resolve().parents[1] / "src" / "dataclean"
    suite = load_suite(root / "suites" / suite_name).with_reference_date("2026-11-24")
    data = read_table(root / "data" / data_name)
    _, standardised = validate.standardise_for_checks(data, suite)
    report = validate.validate(data, suite, dedupe=False, precomputed=standardised)
    kept, quarantined = stages.split_quarantine(data, report.data, report.failures)
    assert len(quarantined) and len(kept)  # both sides exercised
    fresh = stages._score(kept, suite, "after", standardised, False, "d").scorecard.to_dict()
    reused = stages.score_kept_rows(kept, suite, report, standardised, show_values=False, dataset="d").to_dict()
    for volatile in ("generated_at", "timings"):
        fresh.pop(volatile), reused.pop(volatile)
    assert reused == fresh
    if data_name == "example_people.csv":  # its kept rows still fail warnings: carried over, not all zero
        assert any(e["unexpected_count"] for e in reused["expectations"])
