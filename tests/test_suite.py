from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from dataclean.exceptions import ConfigError
from dataclean.suite import infer_dimension, load_suite

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "expectations").glob("*.yml"))


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "suite.yml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


MINIMAL = """\
dataclean_suite: 1
name: people
columns:
  nhs_number: {role: nhs_number, required: true}
"""


def test_shipped_suites_include_the_three_datasets():
    names = {p.stem for p in SHIPPED}
    assert {"social_care_person", "housing_benefit_claim", "council_tax_account"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_suites_load_and_compile(path):
    suite = load_suite(path)
    gx_suite = suite.to_gx()
    assert len(gx_suite.expectations) == len(suite.expectations) > 5
    assert {e.dimension for e in suite.expectations} >= {"completeness", "validity"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_compiled_suite_round_trips_through_gx_json(path):
    import great_expectations as gx

    suite = load_suite(path)
    doc = suite.to_gx_json()
    again = gx.ExpectationSuite(**json.loads(json.dumps(doc)))
    assert [e.expectation_type for e in again.expectations] == [e.type for e in suite.expectations]
    assert again.to_json_dict() == doc
    assert [e.meta["dimension"] for e in again.expectations] == [e.dimension for e in suite.expectations]


def test_minimal_suite_generates_expectations(tmp_path):
    suite = load_suite(write(tmp_path, MINIMAL))
    assert [e.key for e in suite.expectations] == [
        "g_not_null__nhs_number",
        "g_not_placeholder__nhs_number",
        "g_valid_nhs_number__nhs_number",
    ]
    assert suite.standardise == ("nhs_number",)


def problems_of(tmp_path, text) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_suite(write(tmp_path, text))
    assert str(tmp_path / "suite.yml") in str(info.value)
    return info.value.problems


def test_unknown_key_names_line_and_suggests(tmp_path):
    probs = problems_of(tmp_path, MINIMAL + "treshold: {overall: 0.9}\n")
    assert len(probs) == 1
    assert probs[0].startswith("line 5: treshold: unknown key 'treshold'.")
    assert "Did you mean 'thresholds'?" in probs[0]


def test_every_problem_is_reported_at_once(tmp_path):
    text = """\
    dataclean_suite: 1
    name: people
    columns:
      nhs_number: {role: nhs_numbr, required: yes-please}
      dob: {role: date_of_birth}
    expectations:
      - type: expect_column_values_to_be_vaild_nhs_number
        column: nhs_number
      - type: expect_column_values_to_not_be_null
        column: forname
    """
    probs = problems_of(tmp_path, text)
    joined = "\n".join(probs)
    assert "required" in joined and "is not of type 'boolean'" in joined
    assert len(probs) == 1  # schema problems are reported before semantic ones
    fixed = text.replace("yes-please", "true")
    probs = problems_of(tmp_path, fixed)
    joined = "\n".join(probs)
    assert "line 4: columns.nhs_number.role: unknown role 'nhs_numbr'. Did you mean 'nhs_number'?" in joined
    assert "line 7: expectations.0.type: unknown expectation type" in joined
    assert "expect_column_values_to_be_valid_nhs_number" in joined
    assert "line 10: expectations.1.column: column 'forname' is not declared" in joined
    assert len(probs) == 3


def test_bad_expectation_arguments(tmp_path):
    probs = problems_of(
        tmp_path,
        MINIMAL + "expectations:\n  - type: expect_column_values_to_be_between\n"
        "    column: nhs_number\n    min_valu: 3\n",
    )
    assert "invalid arguments for expect_column_values_to_be_between" in probs[0]
    assert "min_valu" in probs[0]


def test_yaml_syntax_error_names_line(tmp_path):
    probs = problems_of(tmp_path, MINIMAL + "columns: [\n")
    assert probs[0].startswith("line ")
    assert "not valid YAML" in probs[0]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("dataclean_suite: 1\nname: x\ncolumns: &c\n  nhs_number: [*c]\n", 3),
        ("dataclean_suite: 1\nname: x\ncolumns:\n  nhs_number: &r {role: nhs_number, extra: [1, [*r]]}\n", 4),
        ("0: &0 [*0]\n", 1),
    ],
    ids=["mapping", "nested", "top-level-sequence"],
)
def test_self_referring_alias_is_a_config_error_naming_file_and_line(tmp_path, text, line):
    # was RecursionError from _line_index (the CLI caught it, but any API caller crashed)
    probs = problems_of(tmp_path, text)
    assert len(probs) == 1
    assert probs[0].startswith(f"line {line}: the YAML anchor defined here is used")
    assert "inside itself" in probs[0]


def test_shared_alias_that_is_not_self_referring_still_loads(tmp_path):
    text = MINIMAL + "  nhs_copy: &shared {role: nhs_number}\n  nhs_other: *shared\n"
    suite = load_suite(write(tmp_path, text))
    assert {"nhs_copy", "nhs_other"} <= set(suite.columns)


def test_missing_required_keys_and_version(tmp_path):
    probs = problems_of(tmp_path, "dataclean_suite: 2\nname: x\n")
    joined = "\n".join(probs)
    assert "'columns' is a required property" in joined
    assert "unsupported schema version 2" in joined


def test_not_a_mapping(tmp_path):
    probs = problems_of(tmp_path, "- just\n- a list\n")
    assert "must hold a mapping" in probs[0]


def test_unknown_suite_name_suggests_bundled(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_suite("social_care_persn")
    assert "Did you mean the bundled suite 'social_care_person'?" in str(info.value)


def test_bundled_suite_by_name():
    assert load_suite("social_care_person").name == "social_care_person"


@pytest.mark.parametrize(
    ("etype", "dim"),
    [
        ("expect_column_values_to_not_be_null", "completeness"),
        ("expect_column_values_to_be_unique", "uniqueness"),
        ("expect_compound_columns_to_be_unique", "uniqueness"),
        ("expect_column_pair_values_to_be_chronological", "consistency"),
        ("expect_column_values_to_be_recent", "timeliness"),
        ("expect_column_values_to_be_in_reference_data", "accuracy"),
        ("expect_column_values_to_match_regex", "validity"),
    ],
)
def test_dimension_inference(etype, dim):
    assert infer_dimension(etype) == dim


def test_dimension_override(tmp_path):
    suite = load_suite(
        write(
            tmp_path,
            MINIMAL + "expectations:\n  - type: expect_column_values_to_match_regex\n"
            "    column: nhs_number\n    regex: '^9'\n    dimension: accuracy\n    weight: 3\n",
        )
    )
    e = suite.expectations[-1]
    assert (e.dimension, e.weight) == ("accuracy", 3.0)


def test_bundled_suite_copies_match_expectations_folder():
    """src/dataclean/suites/ ships copies of expectations/*.yml for pip installs; keep them equal
    (after editing a suite: cp expectations/*.yml src/dataclean/suites/)."""
    bundled = ROOT / "src" / "dataclean" / "suites"
    assert sorted(p.name for p in bundled.glob("*.yml")) == [p.name for p in SHIPPED]
    for p in SHIPPED:
        assert (bundled / p.name).read_bytes() == p.read_bytes(), p.name


def test_loading_every_suite_imports_no_engine():
    """Suites are declarations: loading one (shipped, bundled or from a file) needs neither
    great-expectations nor the linkage engine (splink, duckdb)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from dataclean.suite import builtin_suites, load_suite\n"
        f"paths = [Path(p) for p in {[str(p) for p in SHIPPED]!r}] + list(builtin_suites().values())\n"
        "assert len(paths) >= 6\n"
        "for p in paths:\n"
        "    s = load_suite(p)\n"
        "    assert s.expectations and (s.dedupe is None or s.dedupe)\n"
        "    s.with_reference_date('2026-11-24')\n"
        "bad = [m for m in ('great_expectations', 'splink', 'duckdb') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_missing_required_argument_named_on_load(tmp_path):
    probs = problems_of(
        tmp_path, MINIMAL + "expectations:\n  - type: expect_column_values_to_be_in_set\n    column: nhs_number\n"
    )
    assert "invalid arguments for expect_column_values_to_be_in_set" in probs[0]
    assert "missing required argument 'value_set'" in probs[0]


def test_bad_argument_values_are_named_when_compiled_for_gx(tmp_path):
    text = (
        MINIMAL + "expectations:\n  - type: expect_column_values_to_be_between\n"
        "    column: nhs_number\n    strict_min: maybe\n"
    )
    suite = load_suite(write(tmp_path, text))  # names are right: values are GX's to judge
    with pytest.raises(ConfigError) as err:
        suite.to_gx()
    assert (
        "x01_column_values_to_be_between__nhs_number: invalid arguments for expect_column_values_to_be_between"
        in str(err.value)
    )
    assert "strict_min" in str(err.value) and str(tmp_path) in str(err.value)
