from __future__ import annotations

import pandas as pd
import pytest

from dataclean.fields import nhs_number


def valid_nhs_numbers(n: int, start: int = 999000000) -> list[str]:
    """n distinct valid NHS numbers in the 999 test range."""
    out = []
    base = start
    while len(out) < n:
        nine = f"{base:09d}"
        check = nhs_number.checksum(nine)
        if check != 10 and len(set(nine + str(check))) > 1:
            out.append(nine + str(check))
        base += 1
    return out


@pytest.fixture
def planted() -> pd.DataFrame:
    """20 person rows with a known set of planted defects (see tests/test_scorecard.py)."""
    nhs = valid_nhs_numbers(16)
    numbers = [
        *nhs,
        nhs[0][:9] + str((int(nhs[0][9]) + 1) % 10),
        "UNKNOWN",
        None,
        f"{nhs[0][:3]} {nhs[0][3:6]} {nhs[0][6:]}",
    ]
    dob = ["1950-01-01"] * 20
    dod = [None] * 20
    dod[2], dod[3], dod[4] = "2020-01-01", "1949-12-31", "2021-06-01"
    updated = ["2025-06-01"] * 18 + ["2023-01-01", "2020-01-01"]
    return pd.DataFrame(
        {
            "record_id": [f"R{i:02d}" for i in range(20)],
            "nhs_number": numbers,
            "date_of_birth": dob,
            "date_of_death": dod,
            "last_updated": updated,
        }
    )


#: defects planted in each of eight monthly runs of the planted suite: (bad check digits, stale rows, blank NHS)
RUN_DEFECTS = [(0, 0, 0), (0, 1, 0), (1, 1, 0), (0, 0, 0), (0, 0, 0), (2, 3, 1), (1, 0, 0), (0, 0, 0)]


@pytest.fixture(scope="session")
def scorecard_runs(tmp_path_factory) -> list:
    """Eight monthly scorecard.json files of the planted suite (run-01 .. run-08), with planted dips:
    run 3 (one bad check digit), run 6 (two bad, three stale, one blank: several breaches)."""
    import dataclasses
    from pathlib import Path

    from dataclean import validate
    from dataclean.scorecard.render import to_json

    suite = Path(__file__).parent / "data" / "planted_suite.yml"
    out = tmp_path_factory.mktemp("runs")
    nhs = valid_nhs_numbers(20)
    paths = []
    for i, (bad, stale, blank) in enumerate(RUN_DEFECTS):
        numbers: list = list(nhs)
        for k in range(bad):
            numbers[k] = numbers[k][:9] + str((int(numbers[k][9]) + 1) % 10)
        for k in range(blank):
            numbers[10 + k] = None
        updated = ["2025-11-01"] * 20
        for k in range(stale):
            updated[19 - k] = "2023-01-01"
        frame = pd.DataFrame(
            {
                "record_id": [f"R{j:02d}" for j in range(20)],
                "nhs_number": numbers,
                "date_of_birth": ["1950-01-01"] * 20,
                "date_of_death": [None] * 20,
                "last_updated": updated,
            }
        )
        card = validate(frame, suite, dataset=f"people_2025-{i + 1:02d}.csv").scorecard
        card = dataclasses.replace(card, generated_at=f"2025-{i + 1:02d}-28T06:00:00+00:00")
        path = out / f"run-{i + 1:02d}" / "scorecard.json"
        path.parent.mkdir()
        path.write_text(to_json(card), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def spark():
    """ONE local SparkSession for every Spark test (run by the default ``pytest``; only these with
    ``pytest -m spark``), built by dataclean's own session helper with the settings of
    shared/notes/spark-notes.md: local[2], two shuffle partitions, no adaptive execution, no UI, Arrow without silent
    fallback, the splink similarity jar, a checkpoint folder and workers on this interpreter."""
    import importlib.util
    import os
    import shutil

    missing = []
    if importlib.util.find_spec("pyspark") is None:
        missing.append("pyspark (pip install -e '.[dev,spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing.append("Java 17 (apt-get install openjdk-17-jre-headless)")
    if missing:
        why = "the Spark tests need " + " and ".join(missing)
        if os.environ.get("CI"):  # in CI an engine we offer must be tested, never skipped
            pytest.fail(why)
        pytest.skip(why)
    from dataclean.engines import spark as engine

    # the tests' data is tiny, so a Spark job's fixed cost is the time: adaptive execution
    # (which runs each shuffle stage as a job of its own and re-plans after it: about a third
    # of a small linkage run's jobs) and whole-stage code generation (a Java compile per query)
    # are off; the answers do not depend on either
    conf = {
        "spark.sql.shuffle.partitions": "2",
        "spark.sql.adaptive.enabled": "false",
        "spark.sql.codegen.wholeStage": "false",
    }
    session = engine.get_session(master="local[2]", conf=conf)
    yield session
    session.stop()


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``-n``, on by default in pyproject), every Spark test goes to one worker
    (``--dist loadgroup``), so one local SparkSession serves them all while the other worker runs
    the rest."""
    for item in items:
        if item.get_closest_marker("spark") is not None:
            item.add_marker(pytest.mark.xdist_group("spark"))
