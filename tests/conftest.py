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


@pytest.fixture(scope="session")
def spark():
    """ONE local SparkSession for every Spark test (``pytest -m spark``), built by dataclean's own
    session helper with the settings of shared/notes/spark-notes.md: local[2], two shuffle
    partitions, no UI, Arrow without silent fallback, the splink similarity jar, a checkpoint
    folder and workers on this interpreter."""
    pytest.importorskip("pyspark", reason="install dataclean[spark] to run the Spark tests")
    from dataclean.engines import spark as engine

    session = engine.get_session(master="local[2]", conf={"spark.sql.shuffle.partitions": "2"})
    yield session
    session.stop()
