"""Chunked cleansing scores every expectation type the suite language offers exactly as the
in-memory path does (issue 11 item 4): same counts, score and success, stage by stage."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from dataclean.chunked import expectation_scope
from dataclean.gx import ensure_registered
from dataclean.pipeline import clean_file
from dataclean.suite import _known_expectation_types

# kwargs for each type; types not listed take only their column(s)
COL, PAIR, MULTI = {"column": "amount"}, {"column_A": "start", "column_B": "end"}, {"column_list": ["code", "band"]}
KWARGS: dict[str, dict] = {
    "expect_column_distinct_values_to_be_in_set": {"column": "band", "value_set": ["A", "B", "C"]},
    "expect_column_distinct_values_to_contain_set": {"column": "band", "value_set": ["A", "B"]},
    "expect_column_distinct_values_to_equal_set": {"column": "band", "value_set": ["A", "B", "C", "D"]},
    "expect_column_kl_divergence_to_be_less_than": {
        "column": "band",
        "partition_object": {"values": ["A", "B", "C", "D"], "weights": [0.25, 0.25, 0.25, 0.25]},
        "threshold": 0.5,
    },
    "expect_column_max_to_be_between": {**COL, "min_value": 0, "max_value": 90},
    "expect_column_mean_to_be_between": {**COL, "min_value": 10, "max_value": 60},
    "expect_column_median_to_be_between": {**COL, "min_value": 10, "max_value": 60},
    "expect_column_min_to_be_between": {**COL, "min_value": 0, "max_value": 5},
    "expect_column_stdev_to_be_between": {**COL, "min_value": 0, "max_value": 10},
    "expect_column_sum_to_be_between": {**COL, "min_value": 0, "max_value": 100000},
    "expect_column_most_common_value_to_be_in_set": {"column": "band", "value_set": ["A"]},
    "expect_column_proportion_of_non_null_values_to_be_between": {"column": "code", "min_value": 0.95},
    "expect_column_proportion_of_unique_values_to_be_between": {"column": "code", "min_value": 0.9},
    "expect_column_quantile_values_to_be_between": {
        **COL,
        "quantile_ranges": {"quantiles": [0.25, 0.5, 0.75], "value_ranges": [[0, 30], [10, 60], [30, 100]]},
    },
    "expect_column_unique_value_count_to_be_between": {"column": "band", "min_value": 1, "max_value": 3},
    "expect_column_type_to_be": {"column": "amount", "type_": "float64"},
    "expect_column_value_lengths_to_be_between": {"column": "code", "min_value": 4, "max_value": 5},
    "expect_column_value_lengths_to_equal": {"column": "code", "value": 5},
    "expect_column_value_z_scores_to_be_less_than": {**COL, "threshold": 1.5, "double_sided": True},
    "expect_column_values_to_be_between": {**COL, "min_value": 1, "max_value": 80},
    "expect_column_values_to_be_in_set": {"column": "band", "value_set": ["A", "B"]},
    "expect_column_values_to_not_be_in_set": {"column": "band", "value_set": ["C"]},
    "expect_column_values_to_be_in_type_list": {"column": "amount", "type_list": ["float64", "int64"]},
    "expect_column_values_to_be_of_type": {"column": "amount", "type_": "float64"},
    "expect_column_values_to_match_json_schema": {"column": "payload", "json_schema": {"type": "object"}},
    "expect_column_values_to_be_json_parseable": {"column": "payload"},
    "expect_column_values_to_be_dateutil_parseable": {"column": "start"},
    "expect_column_values_to_match_strftime_format": {"column": "start", "strftime_format": "%Y-%m-%d"},
    "expect_column_values_to_match_regex": {"column": "code", "regex": "^C[0-9]+$"},
    "expect_column_values_to_not_match_regex": {"column": "code", "regex": "7"},
    "expect_column_values_to_match_regex_list": {"column": "code", "regex_list": ["^C1", "^C2"]},
    "expect_column_values_to_not_match_regex_list": {"column": "code", "regex_list": ["9$", "8$"]},
    "expect_column_values_to_match_like_pattern": {"column": "code", "like_pattern": "C%"},
    "expect_column_values_to_not_match_like_pattern": {"column": "code", "like_pattern": "%7"},
    "expect_column_values_to_match_like_pattern_list": {"column": "code", "like_pattern_list": ["C1%"]},
    "expect_column_values_to_not_match_like_pattern_list": {"column": "code", "like_pattern_list": ["%9"]},
    "expect_column_values_to_be_null": {"column": "note"},
    "expect_column_values_to_be_increasing": {"column": "seq"},
    "expect_column_values_to_be_decreasing": {"column": "seq"},
    "expect_column_values_to_be_number_between": {"column": "age", "min_value": 0, "max_value": 70},
    "expect_column_values_to_be_recent": {"column": "end", "max_age_days": 400},
    "expect_column_values_to_be_in_reference_data": {
        "column": "band",
        "reference_path": "REF",
        "reference_column": "band",
    },
    "expect_column_values_to_not_be_outliers": {"column": "amount"},
    "expect_column_pair_values_a_to_be_greater_than_b": {"column_A": "amount", "column_B": "small"},
    "expect_column_pair_values_to_be_equal": {"column_A": "band", "column_B": "band2"},
    "expect_column_pair_values_to_be_in_set": {
        "column_A": "band",
        "column_B": "band2",
        "value_pairs_set": [["A", "A"], ["B", "B"]],
    },
    "expect_column_pair_values_to_be_chronological": PAIR,
    "expect_column_pair_age_to_match_date_of_birth": {"column_A": "date_of_birth", "column_B": "age"},
    "expect_compound_columns_to_be_unique": {"column_list": ["band", "band2"]},
    "expect_select_column_values_to_be_unique_within_record": {"column_list": ["band", "band2"]},
    "expect_multicolumn_sum_to_equal": {"column_list": ["amount", "small"], "sum_total": 50},
    "expect_multicolumn_values_to_be_equal": {"column_list": ["band", "band2"]},
    "expect_table_column_count_to_be_between": {"min_value": 5, "max_value": 30},
    "expect_table_column_count_to_equal": {"value": 16},
    "expect_table_columns_to_match_ordered_list": {"column_list": ["record_id", "nhs_number"]},
    "expect_table_columns_to_match_set": {"column_set": ["record_id", "nhs_number"], "exact_match": False},
    "expect_table_row_count_to_be_between": {"min_value": 50, "max_value": 500},
    "expect_table_row_count_to_equal": {"value": 61},
    "expect_table_row_count_to_equal_other_table": {"other_table_name": "other"},
    "expect_query_results_to_match_comparison": {
        "base_query": "SELECT 1",
        "comparison_query": "SELECT 1",
        "comparison_data_source_name": "other",
    },
    "unexpected_rows_expectation": {"unexpected_rows_query": "SELECT * FROM {batch} WHERE amount < 0"},
}
KIND_COLUMNS = {
    "nhs_number": "nhs_number",
    "date_of_birth": "date_of_birth",
    "email": "email",
    "nhs_ethnic_category": "ethnicity",
    "nhs_gender_code": "gender",
    "nino": "nino",
    "person_name": "surname",
    "uk_address": "address",
    "uk_phone": "phone",
    "uk_postcode": "postcode",
    "uprn": "uprn",
}
ROLES = {
    "record_id": "id",
    "nhs_number": "nhs_number",
    "date_of_birth": "date_of_birth",
    "email": "email",
    "ethnicity": "ethnicity",
    "gender": "gender",
    "nino": "nino",
    "surname": "surname",
    "address": "address",
    "phone": "phone",
    "postcode": "postcode",
    "uprn": "uprn",
    "start": "date",
    "end": "last_updated",
    "age": "age",
}


def _kwargs(etype: str) -> dict:
    if etype in KWARGS:
        return KWARGS[etype]
    if etype.startswith("expect_column_values_to_be_valid_"):
        return {"column": KIND_COLUMNS[etype.removeprefix("expect_column_values_to_be_valid_")]}
    if etype.startswith("expect_column_pair"):
        return PAIR
    if etype.startswith(("expect_multicolumn", "expect_compound", "expect_select")):
        return MULTI
    if etype.startswith("expect_table"):
        return {}
    return {"column": "nhs_number" if "date" not in etype else "date_of_birth"}


def _frame(n: int = 61) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    nhs = ["9434765919", "943 476 5919", "9990000018", "1234567890", None, "9990000026"]
    dobs = ["1984-03-07", "07/03/1984", "31/02/1990", None, "2090-01-01", "07MAR1984"]
    return pd.DataFrame(
        {
            "record_id": [f"R{i:03d}" for i in range(n)],
            "nhs_number": [nhs[i % len(nhs)] for i in range(n)],
            "date_of_birth": [dobs[i % len(dobs)] for i in range(n)],
            "email": [f"p{i % 9}@example.org" if i % 5 else "not-an-email" for i in range(n)],
            "ethnicity": ["A" if i % 3 else "Q9" for i in range(n)],
            "gender": ["1" if i % 2 else "F" for i in range(n)],
            "nino": ["AB123456C" if i % 4 else "QQ123456Z" for i in range(n)],
            "surname": ["Smith" if i % 6 else "x1" for i in range(n)],
            "address": ["1 High Street, Chelmsford CM1 1QH" if i % 7 else None for i in range(n)],
            "phone": ["01245 123456" if i % 3 else "12345" for i in range(n)],
            "postcode": ["CM1 1QH" if i % 5 else "ZZ1" for i in range(n)],
            "uprn": ["100090000001" if i % 4 else "0" for i in range(n)],
            "start": [f"2025-0{1 + i % 9}-1{i % 10}" if i % 8 else "bad" for i in range(n)],
            "end": [f"2025-1{i % 3}-01" if i % 6 else "2024-01-01" for i in range(n)],
            "age": [str(40 + i % 3) if i % 5 else "200" for i in range(n)],
            "amount": rng.normal(30, 8, n).round(2),
            "small": rng.normal(10, 3, n).round(2),
            "seq": [float(i if i % 13 else i - 3) for i in range(n)],
            "code": [f"C{i % 40:02d}{'x' if i % 11 == 0 else ''}" if i % 9 else None for i in range(n)],
            "band": ["ABCD"[i % 4] if i % 10 else "A" for i in range(n)],
            "band2": ["ABCD"[i % 4] if i % 7 else "B" for i in range(n)],
            "payload": ['{"a": 1}' if i % 6 else "not json" for i in range(n)],
            "note": [None if i % 8 else "text" for i in range(n)],
        }
    )


def test_every_type_is_covered():
    known = _known_expectation_types(ensure_registered())
    assert {expectation_scope(t) for t in known} == {"row", "unique", "table", "aggregate"}
    covered = {t for t in known if _kwargs(t) is not None}
    assert covered == set(known)


@pytest.mark.parametrize("chunk_size", [24])  # three chunks, the last one short
def test_chunked_equals_in_memory_for_every_expectation_type(tmp_path, chunk_size):
    known = sorted(_known_expectation_types(ensure_registered()))
    ref = tmp_path / "ref.csv"
    pd.DataFrame({"band": ["A", "B", "C"]}).to_csv(ref, index=False)
    expectations = []
    for etype in known:
        kw = json.loads(json.dumps(_kwargs(etype)).replace('"REF"', json.dumps(str(ref))))
        expectations.append({"type": etype, **kw, "severity": "warning"})
    suite = {
        "dataclean_suite": 1,
        "name": "every_type",
        "dataset": {"id_column": "record_id"},
        "reference_date": "2026-01-01",
        "columns": {
            **{c: {"role": r} for c, r in ROLES.items()},
            **{c: {} for c in ("amount", "small", "seq", "code", "band", "band2", "payload", "note")},
        },
        "expectations": expectations,
    }
    suite_path = tmp_path / "suite.yml"
    suite_path.write_text(yaml.safe_dump(suite, sort_keys=False))
    data = tmp_path / "data.parquet"
    _frame().to_parquet(data, index=False)
    whole = clean_file(data, suite_path, tmp_path / "whole")
    chunked = clean_file(data, suite_path, tmp_path / "chunked", chunk_size=chunk_size)
    assert chunked.summary()["rows_clean"] == len(whole.clean)
    for stage in ("before", "after"):
        a = {e.key: e for e in getattr(whole, stage).expectations}
        b = {e.key: e for e in getattr(chunked, stage).expectations}
        assert set(a) == set(b)
        types = {e.type for e in a.values()}
        assert set(known) <= types, set(known) - types
        for key, ea in a.items():
            eb = b[key]
            got = (eb.element_count, eb.missing_count, eb.unexpected_count, eb.success, eb.error is None)
            want = (ea.element_count, ea.missing_count, ea.unexpected_count, ea.success, ea.error is None)
            assert got == want, (stage, key)
            assert (eb.score is None) == (ea.score is None), (stage, key)
            if ea.score is not None:
                assert eb.score == pytest.approx(ea.score, abs=1e-12), (stage, key)
        assert getattr(chunked, stage).overall_score == pytest.approx(getattr(whole, stage).overall_score)


def test_hash_spill_counts_duplicates_in_buckets_like_one_pass():
    """Uniqueness hashes live in a temporary file, counted bucket by bucket (memory does not grow
    with the file); with many small buckets the count equals one in-memory pass."""
    import numpy as np

    from dataclean.chunked import _HashSpill

    rng = np.random.default_rng(7)
    chunks = [rng.integers(0, 5_000, 3_000).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) for _ in range(4)]
    whole = np.concatenate(chunks)
    _, counts = np.unique(whole, return_counts=True)
    expected = int(counts[counts > 1].sum())
    assert 0 < expected < len(whole)
    for bucket in (1_000, 4_000, 10**7):  # 12 passes, 3 passes, one pass
        spill = _HashSpill(bucket=bucket)
        for c in chunks:
            spill.add(c)
        assert spill.count == len(whole)
        assert spill.duplicated_rows() == expected
        spill.close()
    empty = _HashSpill()
    assert (empty.count, empty.duplicated_rows()) == (0, 0)
    empty.close()


def test_rows_in_repeats_counts_every_copy_of_a_repeated_hash():
    import numpy as np

    from dataclean.jobs.chunked import _rows_in_repeats

    def count(values):
        return _rows_in_repeats(np.array(values, dtype=np.uint64))

    assert count([]) == count([5]) == count([1, 2, 3]) == 0
    assert count([7, 7]) == 2
    assert count([3, 9, 3, 3, 1, 9, 2**64 - 1]) == 5  # three 3s and two 9s
    assert count([4] * 6) == 6
