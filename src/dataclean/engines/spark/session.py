"""The SparkSession dataclean runs on: a caller's session as it is, or a local one built with the
settings splink and Arrow need (see docs/spark.md)."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dataclean.engines import is_spark_session
from dataclean.exceptions import BackendUnavailable, ConfigError

log = logging.getLogger(__name__)

DEFAULT_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
    "spark.driver.memory": "2g",
    "spark.sql.session.timeZone": "UTC",
    # Python workers forked from a daemon that has pandas, pyarrow and the field modules imported
    "spark.python.daemon.module": "dataclean.engines.spark.daemon",
}


def _pyspark() -> Any:
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise BackendUnavailable("the Spark engine needs pyspark: pip install 'dataclean[spark]'") from exc
    return SparkSession


_OWN_WORKDIR: str | None = None


def similarity_jar() -> str:
    """Path of splink's Spark similarity UDF jar (shipped in the splink wheel; no download)."""
    from splink.backends.spark import similarity_jar_location

    return str(similarity_jar_location())


def parse_conf(items: Sequence[str] | None) -> dict[str, str]:
    """``["KEY=VALUE", ...]`` (the CLI's ``--spark-conf``) as a dict; ConfigError on a bad item."""
    out: dict[str, str] = {}
    for item in items or ():
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--spark-conf {item!r}: expected KEY=VALUE, e.g. spark.sql.shuffle.partitions=8")
        out[key.strip()] = value.strip()
    return out


def get_session(
    spark: Any = None,
    *,
    master: str | None = None,
    conf: Mapping[str, str] | None = None,
    app_name: str = "dataclean",
) -> Any:
    """The SparkSession to run on.

    ``spark`` (a session the caller built) or, failing that, the active session is returned
    untouched: dataclean never stops, restarts or reconfigures a session it did not build. With
    neither, a session is built on ``master`` (default ``local[*]``) with :data:`DEFAULT_CONF`,
    the similarity jar, a temporary checkpoint folder and ``PYSPARK_PYTHON`` set to this
    interpreter; ``conf`` overrides the defaults.
    """
    global _OWN_WORKDIR
    SparkSession = _pyspark()
    if spark is not None:
        if not is_spark_session(spark):
            raise ConfigError(f"spark must be a pyspark SparkSession, not {type(spark).__name__}")
        return spark
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    workdir = tempfile.mkdtemp(prefix="dataclean-spark-")
    settings = {**DEFAULT_CONF, "spark.sql.warehouse.dir": str(Path(workdir) / "warehouse")}
    try:
        settings["spark.jars"] = similarity_jar()
    except ImportError:  # pragma: no cover - splink is a dependency
        log.warning("splink's similarity jar not found; Spark linkage will not have jaro_winkler")
    settings.update(dict(conf or {}))
    builder = SparkSession.builder.master(master or "local[*]").appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(Path(workdir) / "checkpoints"))
    _OWN_WORKDIR = workdir
    log.info("started a Spark session on %s", master or "local[*]")
    return session


def work_dir(spark: Any) -> str:
    """A folder for intermediate Parquet: the session's checkpoint folder if it has one."""
    try:
        ckpt = spark.sparkContext.getCheckpointDir()
    except Exception:  # Spark Connect has no SparkContext
        ckpt = None
    if ckpt and str(ckpt).startswith("file:"):
        # a local checkpoint folder (Spark gives it as a URI); remote ones (hdfs:, dbfs:, s3:) are
        # not usable for the small JSON files written next to the datasets: use a local folder
        from urllib.parse import urlparse

        return urlparse(str(ckpt)).path
    global _OWN_WORKDIR
    if _OWN_WORKDIR is None:
        _OWN_WORKDIR = tempfile.mkdtemp(prefix="dataclean-spark-")
    return _OWN_WORKDIR
