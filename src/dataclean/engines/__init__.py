"""Execution engines: where a suite, a cleansing run or a linkage job runs.

``pandas`` (in memory, the default for validate and clean), ``duckdb`` (splink's embedded engine,
the default for linkage) and ``spark`` (:mod:`dataclean.engines.spark`, a local or cluster
SparkSession). The engine modules import their heavy packages lazily; importing this package
imports nothing beyond the standard library.
"""

from __future__ import annotations

from typing import Any

ENGINES = ("pandas", "duckdb", "spark")


def is_spark_dataframe(obj: Any) -> bool:
    """True for a pyspark DataFrame (classic or Spark Connect), without importing pyspark."""
    t = type(obj)
    return t.__name__ == "DataFrame" and t.__module__.startswith("pyspark.")


def is_spark_session(obj: Any) -> bool:
    """True for a pyspark SparkSession (classic or Spark Connect), without importing pyspark."""
    t = type(obj)
    return t.__name__ == "SparkSession" and t.__module__.startswith("pyspark.")


__all__ = ["ENGINES", "is_spark_dataframe", "is_spark_session"]
