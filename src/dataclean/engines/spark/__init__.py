"""The Spark engine: the backend that runs dataclean's work on a SparkSession.

* **Session** (:mod:`.session`): a session the caller passes, or the active one, is used as it is
  (never restarted, never reconfigured). Only when there is none does dataclean build a local one
  with the settings splink and Arrow need (the similarity jar from the splink wheel, a checkpoint
  folder, ``PYSPARK_PYTHON``, Arrow without silent fallback, few shuffle partitions, no UI).
* **Reading and standardising** (:mod:`.frames`): files read with the in-memory reader's
  decisions; each Arrow batch goes through the field modules' ``standardise_series`` in
  ``mapInPandas``, the same code as the pandas engine.
* **Linkage** (:mod:`.linkage`, :mod:`.cluster`): records prepared in ``mapInPandas`` with the
  same field functions, registered with splink's Spark API, clustered with splink's Spark
  connected components after the chaining guards are applied as Spark filters and joins, golden
  records chosen with window functions; outputs are Parquet datasets named as the DuckDB
  engine's files.

The runs that build scorecards (validate, clean) are jobs: :mod:`dataclean.jobs.spark`. This
package imports nothing from the scorecard or jobs layers (tests/test_architecture.py), and
importing it imports neither pyspark nor splink.
"""

from __future__ import annotations

from dataclean.engines.spark.cluster import cluster_spark, golden_records_spark, split_incoherent_spark
from dataclean.engines.spark.frames import (
    ROW,
    from_pandas,
    has_quoted_line_breaks,
    read_table,
    spark_schema_for,
    split_suite,
    standardise,
)
from dataclean.engines.spark.linkage import (
    SparkLinkageResult,
    check_input_spark,
    choose_threshold_spark,
    dedupe,
    estimate_quality_spark,
    prepare_spark,
    run_linkage,
    spark_settings,
    splink_api,
    to_spark_sql,
)
from dataclean.engines.spark.session import DEFAULT_CONF, get_session, parse_conf, similarity_jar, work_dir

__all__ = [
    "DEFAULT_CONF",
    "ROW",
    "SparkLinkageResult",
    "check_input_spark",
    "choose_threshold_spark",
    "cluster_spark",
    "dedupe",
    "estimate_quality_spark",
    "from_pandas",
    "get_session",
    "golden_records_spark",
    "has_quoted_line_breaks",
    "parse_conf",
    "prepare_spark",
    "read_table",
    "run_linkage",
    "similarity_jar",
    "spark_schema_for",
    "spark_settings",
    "splink_api",
    "split_incoherent_spark",
    "split_suite",
    "standardise",
    "to_spark_sql",
    "work_dir",
]
