"""dataclean's expectations in a user's own file-based great-expectations project.

The user registers dataclean's expectations, builds an ExpectationSuite from a dataclean suite file
(compiled by `dataclean suite compile`), runs a Checkpoint and builds Data Docs, all in their own
`gx.get_context(mode="file")`; dataclean must leave that context and GX's process settings alone.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dataclean import validate
from dataclean.exceptions import ConfigError
from dataclean.gx import gx_suite_from_json
from dataclean.suite import load_suite

ROOT = Path(__file__).resolve().parents[1]
PLANTED = ROOT / "tests" / "data" / "planted_suite.yml"

gx = pytest.importorskip("great_expectations")
import great_expectations.execution_engine.pandas_execution_engine as pee  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402


@pytest.fixture
def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": ["R1", "R2", "R3", "R4"],
            "nhs_number": ["943 476 5919", "9434765918", None, "999 000 0026"],
            "date_of_birth": ["1950-01-01"] * 4,
            "date_of_death": [None, None, "1949-01-01", None],
            "last_updated": ["2025-12-01"] * 4,
        }
    )


def _host_project(root: Path):
    context = gx.get_context(mode="file", project_root_dir=str(root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.variables.save()
    return context


def _checkpoint(context, suite, name: str):
    batch_def = (
        context.data_sources.add_pandas(f"{name}_source")
        .add_dataframe_asset("people")
        .add_batch_definition_whole_dataframe("all_rows")
    )
    vd = context.validation_definitions.add(gx.ValidationDefinition(name=f"{name}_vd", data=batch_def, suite=suite))
    return context.checkpoints.add(
        gx.Checkpoint(
            name=f"{name}_gate",
            validation_definitions=[vd],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs")],
            result_format={"result_format": "SUMMARY", "exclude_unexpected_values": True},
        )
    )


def test_compiled_suite_runs_in_a_file_project_with_checkpoint_and_data_docs(tmp_path, people):
    compiled = tmp_path / "planted.json"
    proc = subprocess.run(
        [sys.executable, "-m", "dataclean.cli", "suite", "compile", str(PLANTED), "--output", str(compiled)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]

    context = _host_project(tmp_path / "project")
    suite = context.suites.add_or_update(gx_suite_from_json(compiled))
    types = [e.expectation_type for e in suite.expectations]
    assert "expect_column_values_to_be_valid_nhs_number" in types
    assert "expect_column_pair_values_to_be_chronological" in types
    assert len(types) == len(json.loads(compiled.read_text())["expectations"])

    result = _checkpoint(context, suite, "planted").run(batch_parameters={"dataframe": people})
    assert not result.success
    run = next(iter(result.run_results.values()))
    by_type = {(r.expectation_config.type, r.expectation_config.kwargs.get("column")): r for r in run.results}
    nhs = by_type[("expect_column_values_to_be_valid_nhs_number", "nhs_number")]
    assert not nhs.success and nhs.result["unexpected_count"] == 1  # 9434765918: bad check digit
    assert by_type[("expect_column_pair_values_to_be_chronological", None)].result["unexpected_count"] == 1
    assert by_type[("expect_column_values_to_be_unique", "record_id")].success

    # the project on disk: the suite, the checkpoint and a Data Docs site with a validation page
    gx_dir = tmp_path / "project" / "gx"
    assert (gx_dir / "expectations" / "planted.json").exists()
    assert (gx_dir / "checkpoints" / "planted_gate.json").exists()
    site = Path(context.get_docs_sites_urls()[0]["site_url"].removeprefix("file://"))
    assert site.exists() and site.is_relative_to(gx_dir)
    pages = list((site.parent / "validations").rglob("*.html"))
    assert pages, "Data Docs has no validation page"
    page = pages[0].read_text(encoding="utf-8")
    assert "expect_column_values_to_be_valid_nhs_number" in page or "valid nhs number" in page.lower()
    assert "9434765918" not in page  # exclude_unexpected_values keeps the identifier out of the docs

    # a fresh context on the same folder reloads the suite (dataclean's types are registered)
    again = gx.get_context(mode="file", project_root_dir=str(tmp_path / "project"))
    assert [e.expectation_type for e in again.suites.get("planted").expectations] == types


def test_dataclean_leaves_the_host_context_and_gx_settings_alone(tmp_path, people):
    """dataclean used to set GX's private HASH_THRESHOLD to 0 for the whole process on import of its
    expectations, so the host's own validations silently lost their data fingerprint."""
    context = _host_project(tmp_path / "project")
    yml = (tmp_path / "project" / "gx" / "great_expectations.yml").read_text(encoding="utf-8")
    host_settings = context.variables.config.to_json_dict()
    threshold = pee.HASH_THRESHOLD
    gx_logger = logging.getLogger("great_expectations.data_context.types.base")
    logger_level = gx_logger.level

    calls: list[int] = []
    real_hash = pee.hash_pandas_dataframe

    def counting_hash(df):
        calls.append(len(df))
        return real_hash(df)

    pee.hash_pandas_dataframe = counting_hash
    try:
        # dataclean's own run in the same process: registers, makes its own context, validates
        report = validate(people, load_suite(PLANTED))
        assert not report.passed
        assert calls == [], "dataclean's own validation should not fingerprint the frame"
        suite = context.suites.add_or_update(gx_suite_from_json(load_suite(PLANTED).to_gx_json(), name="host"))

        assert pee.HASH_THRESHOLD == threshold == 1e9
        assert gx_logger.level == logger_level
        assert context.variables.config.to_json_dict() == host_settings
        assert (tmp_path / "project" / "gx" / "great_expectations.yml").read_text(encoding="utf-8") == yml

        result = _checkpoint(context, suite, "host").run(batch_parameters={"dataframe": people})
    finally:
        pee.hash_pandas_dataframe = real_hash
    run = next(iter(result.run_results.values()))
    assert "pandas_data_fingerprint" in run.meta["batch_markers"]  # the host's GX behaves as it would alone
    assert calls, "the host's validation should fingerprint its frame"


def test_suite_json_with_an_unknown_expectation_is_refused(tmp_path):
    data = load_suite(PLANTED).to_gx_json()
    data["expectations"].append({"type": "expect_column_values_to_be_valid_nhs_numbr", "kwargs": {"column": "x"}})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        gx_suite_from_json(path)
    message = str(err.value)
    assert str(path) in message and "expect_column_values_to_be_valid_nhs_numbr" in message
    assert f"expectations[{len(data['expectations']) - 1}]" in message
    with pytest.raises(ConfigError, match="not JSON"):
        (tmp_path / "junk.json").write_text("{nope", encoding="utf-8")
        gx_suite_from_json(tmp_path / "junk.json")


def test_a_fresh_process_keeps_gx_logging_and_fingerprint_settings(tmp_path):
    """In a new process (dataclean's context not made yet): GX's own logger level and the
    fingerprint threshold are the same after dataclean's first validation as before it."""
    script = f"""
import logging
import great_expectations.execution_engine.pandas_execution_engine as pee
import pandas as pd
from dataclean import validate
log = logging.getLogger("great_expectations.data_context.types.base")
before = (log.level, pee.HASH_THRESHOLD)
df = pd.DataFrame({{"record_id": ["R1"], "nhs_number": ["9434765919"], "date_of_birth": ["1950-01-01"],
                   "date_of_death": [None], "last_updated": ["2025-12-01"]}})
assert validate(df, {str(PLANTED)!r}).passed
print(before, (log.level, pee.HASH_THRESHOLD))
"""
    # a script file, not ``python -c``: pyspark 4.3's Spark Connect import check (reached through GX
    # when pyspark is installed) takes a ``-c`` main module for a doctest run and exits 0 silently
    path = tmp_path / "fresh_process.py"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    before, after = proc.stdout.strip().splitlines()[-1].split(") (")
    assert before + ")" == "(20, 1000000000.0)" and "(" + after == "(20, 1000000000.0)"
