"""Linkage on Spark: records prepared on the executors, splink's Spark backend for training and
scoring, the model's quality estimates as one aggregation, outputs as Parquet datasets named as
the DuckDB engine's files. Clustering and golden records: :mod:`dataclean.engines.spark.cluster`.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dataclean.engines import is_spark_dataframe
from dataclean.engines.spark.cluster import (
    _several_spark,
    cluster_spark,
    golden_records_spark,
    split_incoherent_spark,
)
from dataclean.engines.spark.frames import _plain, _q, _string_columns, _to_pandas_types, from_pandas, map_in_pandas
from dataclean.engines.spark.session import get_session, similarity_jar, work_dir
from dataclean.exceptions import BackendUnavailable, ConfigError, DataFileError

log = logging.getLogger(__name__)


def _prepared_schema() -> Any:
    from pyspark.sql import types as T

    from dataclean.linkage.prepare import FEATURES

    names = ["unique_id", *FEATURES, "claim_id", "property_id", "last_updated", "source"]
    return T.StructType([T.StructField(n, T.StringType(), True) for n in names])


def _prepare_batches(
    iterator: Iterator[pd.DataFrame], config: Any, source: str | None, prefix: str | None, strings: set[str]
) -> Iterator[pd.DataFrame]:
    from dataclean.linkage.prepare import prepare

    names = [f.name for f in _prepared_schema().fields]
    for batch in iterator:
        p = prepare(_to_pandas_types(batch, strings), config, source=source)
        if prefix is not None:
            p["unique_id"] = prefix + ":" + p["unique_id"]
        yield _plain(p[names])


def _source_id_column(sdf: Any, config: Any) -> str:
    """The id column's name in the data (``resolve_column`` tolerates stray spaces in headers)."""
    from dataclean.linkage.prepare import resolve_column

    return resolve_column(pd.DataFrame(columns=list(sdf.columns)), config.id_column) or config.id_column


def check_input_spark(sdf: Any, config: Any, *, name: str = "data", partial: bool = False) -> None:
    """:func:`dataclean.linkage.prepare.check_input` as one Spark aggregation (no rows collected)."""
    from pyspark.sql import functions as F

    from dataclean.linkage import prepare as prep

    # the column checks are the in-memory engine's own, on the schema alone (an empty frame)
    prep.check_input(pd.DataFrame(columns=list(sdf.columns)), config, name=name, partial=partial)
    id_column = _source_id_column(sdf, config)

    def columns_of(value: Any) -> list[str]:
        names = [value] if isinstance(value, str) else list(value or [])
        return [c for c in names if isinstance(c, str) and c in sdf.columns]

    roles = [(r, columns_of(c)) for r, c in config.columns.items() if r in prep.ROLE_FEATURES and columns_of(c)]
    ident = _q(id_column)
    populated = [sum((F.count(_q(c)) for c in cols), F.lit(0)) for _, cols in roles]
    aggs = [
        F.count(F.lit(1)).alias("n"),
        F.count(ident).alias("ids"),
        F.countDistinct(ident.cast("string")).alias("distinct_ids"),
        *[p.alias(f"role_{i}") for i, p in enumerate(populated)],
    ]
    row = sdf.agg(*aggs).collect()[0]
    if row["ids"] < row["n"]:
        raise DataFileError(
            f"{name}: {row['n'] - row['ids']} rows have no {config.id_column!r}; every record needs an id"
        )
    if row["distinct_ids"] < row["ids"]:
        raise DataFileError(
            f"{name}: {row['ids'] - row['distinct_ids']} duplicate values in the id column {config.id_column!r}; "
            "ids must be unique within a file"
        )
    usable = [r for i, (r, _) in enumerate(roles) if row[f"role_{i}"] > 0]
    if len(usable) < 2 and row["n"] > 1:
        raise ConfigError(
            f"{name}: linkage needs at least two populated identifying columns (roles); configured: "
            f"{', '.join(config.columns) or 'none'}"
        )


def prepare_spark(sdf: Any, config: Any, *, source: str | None = None, prefix: str | None = None) -> Any:
    """Linkage preparation (:func:`dataclean.linkage.prepare.prepare`) in ``mapInPandas``."""
    strings = _string_columns(sdf)

    def run(iterator: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        return _prepare_batches(iterator, config, source, prefix, strings)

    return map_in_pandas(sdf, run, _prepared_schema())


def _spark_api_class() -> Any:
    """splink's SparkAPI, able to break lineage with local checkpoints (``local_checkpoint``).

    splink breaks the lineage of its intermediate tables (blocked pairs, predictions, each
    connected-components iteration) by writing them as Parquet under the checkpoint folder and
    reading them back, or by ``persist`` (lazy: the query plans of the connected-components
    iterations then keep growing; a 10,000-record dedupe ran the driver out of heap that way).
    A local checkpoint computes the table once into the executors' block stores (memory, then
    local disk) and cuts the lineage there: no Parquet write, file listing or footer read per
    table. The tables splink chooses are unchanged: its ``persist`` branch is made eager."""
    from splink.backends.spark import SparkAPI

    if not all(hasattr(SparkAPI, m) for m in ("_repartition_if_needed", "_break_lineage_and_repartition")):
        return SparkAPI  # pragma: no cover - another splink: its own lineage methods only

    class _SparkAPI(SparkAPI):
        _eager = False

        def _repartition_if_needed(self, spark_df: Any, templated_name: str) -> Any:
            out = super()._repartition_if_needed(spark_df, templated_name)
            if self._eager:
                out.persist = out.localCheckpoint  # what splink's "persist" branch calls
            return out

        def _break_lineage_and_repartition(self, spark_df: Any, templated_name: str, physical_name: str) -> Any:
            if self.break_lineage_method != "local_checkpoint":
                return super()._break_lineage_and_repartition(spark_df, templated_name, physical_name)
            self.break_lineage_method, self._eager = "persist", True
            try:
                return super()._break_lineage_and_repartition(spark_df, templated_name, physical_name)
            finally:
                self.break_lineage_method, self._eager = "local_checkpoint", False

    return _SparkAPI


def lineage_method(spark: Any) -> str:
    """How splink's intermediate tables cut their lineage on this session: local checkpoints on
    a local master (one machine: no executor can be lost, and no Parquet round trip per table)
    or when the session has no checkpoint folder; Parquet under the checkpoint folder on a
    cluster (it survives losing an executor)."""
    master = str(spark.conf.get("spark.master", "") or "")
    local = master == "local" or master.startswith("local[")
    try:
        has_ckpt = bool(spark.sparkContext.getCheckpointDir())
    except Exception:  # Spark Connect has no SparkContext
        has_ckpt = False
    api = _spark_api_class()
    if api.__name__ == "SparkAPI":  # pragma: no cover - another splink
        return "parquet" if has_ckpt else "persist"
    return "parquet" if has_ckpt and not local else "local_checkpoint"


def splink_api(spark: Any) -> Any:
    """splink's Spark API on this session, registered with the similarity functions; lineage
    broken as :func:`lineage_method` says (a caller's session is never given a checkpoint
    folder behind its back)."""
    try:
        SparkAPI = _spark_api_class()
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise BackendUnavailable("Spark linkage needs pyspark: pip install 'dataclean[spark]'") from exc
    jars = spark.conf.get("spark.jars", "") or ""
    if "similarity" not in jars:
        raise ConfigError(
            "this SparkSession lacks splink's similarity jar (jaro_winkler and friends); start it with "
            f"spark.jars={similarity_jar()} (the jar ships in the splink wheel), or let dataclean build the session"
        )
    parts = max(2, int(spark.conf.get("spark.sql.shuffle.partitions", "4") or 4))
    method = lineage_method(spark)
    log.debug("splink on Spark: lineage broken by %s", method)
    return SparkAPI(spark_session=spark, num_partitions_on_repartition=parts, break_lineage_method=method)


def to_spark_sql(sql: str) -> str:
    """Raw splink SQL written for DuckDB (double-quoted names, ``jaro_winkler_similarity``) in
    Spark's dialect. Under Spark a double-quoted name is a string literal, so untranslated
    DuckDB conditions would silently compare constants."""
    import re

    import sqlglot

    if not isinstance(sql, str) or sql.strip().upper() == "ELSE":
        return sql
    try:
        out = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    except Exception:  # leave SQL sqlglot cannot parse to splink, which reports it
        return sql
    return re.sub(r"\bJAROWINKLER_SIMILARITY\s*\(", "jaro_winkler(", out, flags=re.IGNORECASE)


def spark_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of splink settings with every raw SQL string (comparison levels, blocking rules)
    translated by :func:`to_spark_sql`; comparison and rule *objects* (splink's libraries, which
    know their dialect) are left as they are."""
    out = dict(settings)
    if out.get("sql_dialect") not in (None, "spark"):
        out["sql_dialect"] = "spark"
    comps = []
    for comp in out.get("comparisons", []):
        if isinstance(comp, Mapping) and "comparison_levels" in comp:
            levels = []
            for lv in comp["comparison_levels"]:
                if isinstance(lv, Mapping) and isinstance(lv.get("sql_condition"), str):
                    lv = {**lv, "sql_condition": to_spark_sql(lv["sql_condition"])}
                levels.append(lv)
            comp = {**comp, "comparison_levels": levels}
        comps.append(comp)
    if "comparisons" in out:
        out["comparisons"] = comps
    rules = []
    for rule in out.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, str):
            rule = to_spark_sql(rule)
        elif isinstance(rule, Mapping) and isinstance(rule.get("blocking_rule"), str):
            rule = {**rule, "blocking_rule": to_spark_sql(rule["blocking_rule"])}
            rule.pop("sql_dialect", None)
        rules.append(rule)
    if "blocking_rules_to_generate_predictions" in out:
        out["blocking_rules_to_generate_predictions"] = rules
    return out


#: Most prepared records the model is trained on (collected to the driver and trained with
#: DuckDB there). Up to this size the training is the in-memory engine's, on the same records;
#: above it, on a random sample of about this many records (splink's advice: train on a sample,
#: score everything). Training on Spark runs hundreds of small Spark jobs (one per EM
#: iteration per rule, one per u chunk) and costs minutes for any size (docs/spark.md).
TRAINING_SAMPLE_MAX = 100_000


_TRAINING_STEPS = {
    "estimate_probability_two_random_records_match": "train_prior",
    "estimate_u_using_random_sampling": "train_u",
    "estimate_parameters_using_expectation_maximisation": "train_em",
}


class _TimedTraining:
    """``linker.training`` for :func:`dataclean.linkage.api._train`, adding each step's seconds
    to ``timings`` (``train_prior``, ``train_u``, ``train_em``)."""

    def __init__(self, training: Any, timings: dict[str, float]) -> None:
        self._training = training
        self._timings = timings

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._training, name)
        key = _TRAINING_STEPS.get(name)
        if key is None:
            return call

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self._timings[key] = self._timings.get(key, 0.0) + time.perf_counter() - t

        return timed


class _TimedLinker:
    """A splink Linker whose ``training`` is :class:`_TimedTraining` (everything else as is)."""

    def __init__(self, linker: Any, timings: dict[str, float]) -> None:
        self._linker = linker
        self.training = _TimedTraining(linker.training, timings)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._linker, name)


def _copy_parameters(trained: Any, target: Any) -> None:
    """The trained prior and every level's m and u (with their training history, for splink's
    charts) from one Linker to another built from the same settings on another engine."""
    src, dst = trained._settings_obj, target._settings_obj
    dst._probability_two_random_records_match = src._probability_two_random_records_match
    for a, b in zip(src.comparisons, dst.comparisons, strict=True):
        for la, lb in zip(a.comparison_levels, b.comparison_levels, strict=True):
            lb._m_probability, lb._u_probability = la._m_probability, la._u_probability
            lb._trained_m_probabilities = list(la._trained_m_probabilities)
            lb._trained_u_probabilities = list(la._trained_u_probabilities)


def _readable_pairs_spark(predictions: Any, model: Mapping[str, Any]) -> Any:
    from pyspark.sql import functions as F

    cols = [
        F.col("unique_id_l").cast("string").alias("unique_id_l"),
        F.col("unique_id_r").cast("string").alias("unique_id_r"),
        (F.col("source_l") if "source_l" in predictions.columns else F.lit(None).cast("string")).alias("source_l"),
        (F.col("source_r") if "source_r" in predictions.columns else F.lit(None).cast("string")).alias("source_r"),
        F.col("match_probability").cast("double").alias("match_probability"),
        F.col("match_weight").cast("double").alias("match_weight"),
    ]
    from dataclean.linkage.api import level_labels

    for name, labels in level_labels(model, predictions.columns):
        gamma = F.col(f"gamma_{name}")
        label = F.when(gamma == -1, F.lit(labels[-1]))
        for value, text in labels.items():
            label = label.when(gamma == value, F.lit(text))
        cols.append(label.alias(name))
        if f"bf_{name}" in predictions.columns:
            cols.append(F.round(F.col(f"bf_{name}").cast("double"), 4).alias(f"{name}_bayes_factor"))
    return predictions.select(*cols)


def _threshold_grid() -> np.ndarray:
    return np.round(np.arange(0.5, 0.995, 0.01), 2)


def _quality_sums(pairs: Any, thresholds: Sequence[float]) -> tuple[int, float, list[tuple[float, int]]]:
    """(pairs, sum of probabilities, [(sum of probabilities, pairs) at or above each threshold]):
    one aggregation, so the model's own quality estimates need no pairs on the driver."""
    from pyspark.sql import functions as F

    p = F.col("match_probability")
    aggs = [F.count(F.lit(1)).alias("n"), F.sum(p).alias("total")]
    for i, t in enumerate(thresholds):
        aggs += [F.sum(F.when(p >= float(t), p)).alias(f"tp{i}"), F.count(F.when(p >= float(t), 1)).alias(f"f{i}")]
    row = pairs.agg(*aggs).collect()[0]
    return (
        int(row["n"]),
        float(row["total"] or 0.0),
        [(float(row[f"tp{i}"] or 0.0), int(row[f"f{i}"])) for i in range(len(thresholds))],
    )


def _estimate(n: int, total: float, tp: float, found: int) -> dict[str, float]:
    """:func:`dataclean.linkage.api.estimate_quality` from the sums."""
    if not n or total <= 0:
        return {}
    precision = tp / found if found else 1.0
    recall = tp / total
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def estimate_quality_spark(pairs: Any, threshold: float) -> dict[str, float]:
    n, total, sums = _quality_sums(pairs, [threshold])
    return _estimate(n, total, *sums[0])


def choose_threshold_spark(pairs: Any) -> tuple[float, dict[str, float]]:
    """:func:`dataclean.linkage.api.choose_threshold` over a Spark DataFrame of pairs."""
    grid = _threshold_grid()
    n, total, sums = _quality_sums(pairs, grid)
    best, best_f1, best_est = 0.95, -1.0, {}
    for t, (tp, found) in zip(grid, sums):
        est = _estimate(n, total, tp, found)
        if est and est["f1"] > best_f1 + 1e-9:
            best, best_f1, best_est = float(t), est["f1"], est
    return best, best_est


def _boost_spark(predictions: Any, allp: Any, features: set[str], notes: list[str]) -> Any:
    """Hybrid training: pairs that meet a deterministic rule (the same identifier and date of
    birth) are matches whatever the model says, and are added when no blocking rule kept them
    (as :func:`dataclean.linkage.api._boost`)."""
    from pyspark.sql import functions as F

    from dataclean.linkage import presets

    keys = [k for k in presets.deterministic_keys(features) if {k, "dob"} <= set(allp.columns)]
    if not keys:
        notes.append("hybrid: no identifier with date of birth, so no deterministic matches to add")
        return predictions
    found = None
    for key in keys:
        g = allp.filter(F.col(key).isNotNull() & F.col("dob").isNotNull()).select("unique_id", "source", key, "dob")
        left = g.select(*[F.col(c).alias(f"{c}_l") for c in ("unique_id", "source")], key, "dob")
        right = g.select(*[F.col(c).alias(f"{c}_r") for c in ("unique_id", "source")], key, "dob")
        m = left.join(right, [key, "dob"]).filter(F.col("unique_id_l") < F.col("unique_id_r"))
        m = m.select("unique_id_l", "unique_id_r", "source_l", "source_r")
        found = m if found is None else found.unionByName(m)
    det = found.dropDuplicates(["unique_id_l", "unique_id_r"]).withColumn("__dc_det", F.lit(True))
    a, b = F.col("unique_id_l").cast("string"), F.col("unique_id_r").cast("string")
    keyed = predictions.withColumn("__dc_a", F.least(a, b)).withColumn("__dc_b", F.greatest(a, b))
    d = det.select(F.col("unique_id_l").alias("__dc_a"), F.col("unique_id_r").alias("__dc_b"), "__dc_det")
    joined = keyed.join(d, ["__dc_a", "__dc_b"], "left")
    hit = F.coalesce(F.col("__dc_det"), F.lit(False))
    boosted = (
        joined.withColumn("match_probability", F.when(hit, F.lit(1.0)).otherwise(F.col("match_probability")))
        .withColumn(
            "match_weight", F.when(hit, F.greatest(F.col("match_weight"), F.lit(20.0))).otherwise(F.col("match_weight"))
        )
        .drop("__dc_det")
    )
    present = keyed.select("__dc_a", "__dc_b")
    missing = (
        det.join(
            present, (det["unique_id_l"] == present["__dc_a"]) & (det["unique_id_r"] == present["__dc_b"]), "left_anti"
        )
        .drop("__dc_det")
        .withColumn("match_probability", F.lit(1.0))
        .withColumn("match_weight", F.lit(20.0))
    )
    return boosted.drop("__dc_a", "__dc_b").unionByName(missing, allowMissingColumns=True)


@dataclass
class SparkLinkageResult:
    """A linkage run on Spark: the outputs as Spark DataFrames, read back from the Parquet
    datasets in ``paths`` (``clusters.parquet/``, ``pairs.parquet/``, ``golden_records.parquet/``,
    ``review.parquet/``, fraud views, and ``model.json``): the DuckDB engine's names and columns."""

    pairs: Any
    clusters: Any
    golden_records: Any
    review: Any
    config: Any
    model: dict[str, Any]
    persons_in_multiple_claims: Any = None
    persons_with_multiple_properties: Any = None
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    splits: Any = None
    match_threshold: float | None = None
    estimates: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        from pyspark.sql import functions as F

        row = self.clusters.agg(F.count(F.lit(1)).alias("n"), F.countDistinct("cluster_id").alias("c")).collect()[0]
        records, clusters = int(row["n"]), int(row["c"] or 0)
        s: dict[str, Any] = {
            "records": records,
            "clusters": clusters,
            "duplicate_records": records - clusters,
            "duplicate_rate": (records - clusters) / records if records else 0.0,
            "scored_pairs": int(self.pairs.count()),
            "review_pairs": int(self.review.count()),
        }
        if self.persons_in_multiple_claims is not None:
            s["persons_in_multiple_claims"] = int(self.persons_in_multiple_claims.count())
        if self.persons_with_multiple_properties is not None:
            s["persons_with_multiple_properties"] = int(self.persons_with_multiple_properties.count())
        return s

    def write(self, directory: str | Path) -> dict[str, Path]:
        """Copy the datasets and model.json into ``directory`` (Parquet datasets)."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        for name in (
            "clusters",
            "pairs",
            "golden_records",
            "review",
            "persons_in_multiple_claims",
            "persons_with_multiple_properties",
            "splits",
        ):
            frame = getattr(self, name)
            if frame is None:
                continue
            target = out / f"{name}.parquet"
            if name not in self.paths or Path(self.paths[name]).resolve() != target.resolve():
                frame.write.mode("overwrite").parquet(str(target))
            paths[name] = target
        paths["model"] = out / "model.json"
        paths["model"].write_text(json.dumps(self.model, indent=2, default=str), encoding="utf-8")
        return paths


def _as_spark(spark: Any, frame: Any) -> Any:
    return frame if is_spark_dataframe(frame) else from_pandas(spark, frame)


@dataclass
class _Inputs:
    """The frames of one linkage run, prepared: what every later stage needs."""

    spark: Any
    config: Any
    link_type: str
    out_id: str  # the id column of the outputs
    multi: bool  # several sources (unique ids are prefixed with the source name)
    sources: list[str]
    originals: list[Any]
    allp: Any  # every prepared record, persisted
    stats: Any  # per-feature populated counts
    features: set[str]
    n: int


def _prepare_inputs(frames: Mapping[str, Any], config: Any, link_type: str, spark: Any, source_configs: Any) -> _Inputs:
    """Check and prepare each frame on the executors; one aggregation gives the counts."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from dataclean.linkage import api
    from dataclean.linkage.config import LinkageConfig
    from dataclean.linkage.prepare import FEATURES

    frames = {name: _as_spark(spark, f) for name, f in frames.items()}
    config = config or LinkageConfig.infer([str(c) for c in next(iter(frames.values())).columns])
    if not isinstance(config, LinkageConfig):
        config = LinkageConfig.from_dict(config)
    per_source = {name: api._as_config((source_configs or {}).get(name)) or config for name in frames}
    out_id = config.id_column if len({c.id_column for c in per_source.values()}) == 1 else "record_id"
    multi = len(frames) > 1
    prepared, originals = [], []
    for name, sdf in frames.items():
        cfg = per_source[name]
        check_input_spark(sdf, cfg, name=name, partial=multi)
        prepared.append(prepare_spark(sdf, cfg, source=name if multi else None, prefix=name if multi else None))
        id_src = _source_id_column(sdf, cfg)
        ident = _q(id_src).cast("string")
        original = sdf.withColumn("unique_id", F.concat(F.lit(name + ":"), ident) if multi else ident)
        originals.append(original.withColumnRenamed(id_src, out_id) if id_src != out_id else original)
    allp = prepared[0]
    for p in prepared[1:]:
        allp = allp.unionByName(p)
    allp = allp.persist(StorageLevel.MEMORY_AND_DISK)
    stats = allp.agg(
        F.count(F.lit(1)).alias("n"),
        F.countDistinct("unique_id").alias("ids"),
        *[F.count(f).alias(f) for f in (*FEATURES, "claim_id", "property_id")],
    ).collect()[0]
    n = int(stats["n"])
    if link_type != "dedupe_only" and int(stats["ids"]) < n:
        raise ConfigError("two frames share a name; give each a distinct source name")
    features = {f for f in FEATURES if int(stats[f] or 0) > 0}
    return _Inputs(spark, config, link_type, out_id, multi, list(frames), originals, allp, stats, features, n)


def _settings(inputs: _Inputs, table_arg: Any, model_in: Any, notes: list[str]) -> Any:
    """splink settings: a saved model's, deterministic rules, or the trained model's presets
    with blocking rules chosen within the comparison budget."""
    from dataclean.linkage import api, presets

    config, features = inputs.config, inputs.features
    if model_in is not None:
        return spark_settings(api._load_model(model_in))
    if config.training == "deterministic":
        rules = presets.deterministic_rules(features)
        if not rules:
            raise ConfigError(
                "deterministic training needs an identifier (NHS number, NINO or identifier) and a date of birth"
            )
    else:
        rules = api._budget_rules(table_arg, inputs.link_type, features, config, inputs.n, notes)
    return api.settings_creator(inputs.link_type, features, config, rules=rules)


def _training_frames(inputs: _Inputs, keep: list[str], cap: int, notes: list[str]) -> list[pd.DataFrame]:
    """The records to train on, in pandas on the driver: all of them up to ``cap``, else a
    seeded random sample of about ``cap`` (bounded: nothing proportional to the data), one
    frame per source when linking."""
    from pyspark.sql import functions as F

    allp = inputs.allp.select(*keep)
    if inputs.n > cap:
        allp = allp.sample(fraction=cap / inputs.n, seed=1)
    if inputs.link_type == "dedupe_only" or not inputs.multi:
        sources = [allp]
    else:
        sources = [allp.filter(F.col("source") == name) for name in inputs.sources]
    frames = [f.toPandas() for f in sources]
    if inputs.n > cap:
        msg = (
            f"trained on a random sample of {sum(len(f) for f in frames):,} of the {inputs.n:,} records "
            "(TRAINING_SAMPLE_MAX); every record was scored"
        )
        log.info(msg)
        notes.append(msg)
    return frames


def _train_on_driver(
    inputs: _Inputs, linker: Any, settings: Any, frames: list[pd.DataFrame], notes: list[str], timings: dict
) -> None:
    """Train the model as the in-memory engine does (:func:`dataclean.linkage.api._train`, on
    DuckDB), on ``frames``, and give its parameters to the Spark ``linker`` that scores."""
    from splink import Linker

    from dataclean.linkage import api

    duck = api._db_api(None)
    tables = [duck.register(f, dataset_display_name=f"dataclean_train_{i}") for i, f in enumerate(frames)]
    trained = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)
    api._train(_TimedLinker(trained, timings), inputs.n, inputs.features, inputs.config, settings.comparisons, notes)
    _copy_parameters(trained, linker)


def _train_and_predict(
    inputs: _Inputs, db_api: Any, model_in: Any, notes: list[str], timings: dict, training_sample: int
) -> tuple:
    """(scored pairs as readable columns, the model as JSON): training as the in-memory engine
    trains (unsupervised or hybrid; none for deterministic or a saved model) on the driver, on
    at most ``training_sample`` records; then scoring every candidate pair on Spark."""
    from pyspark.sql import functions as F
    from splink import Linker

    t = time.perf_counter()
    config, features = inputs.config, inputs.features
    # only the prepared match columns go to the engine
    keep = ["unique_id", "source", *sorted(features)]
    # each source's records from the persisted union: the preparation (Python) runs once, not
    # once per splink query
    allp = inputs.allp
    if inputs.link_type == "dedupe_only" or not inputs.multi:
        frames = [allp]
    else:
        frames = [allp.filter(F.col("source") == name) for name in inputs.sources]
    run_id = uuid.uuid4().hex[:8]  # registered names are unique within the session
    tables = [
        db_api.register(f.select(*keep), dataset_display_name=f"dataclean_{run_id}_{i}") for i, f in enumerate(frames)
    ]
    table_arg = tables if len(tables) > 1 else tables[0]
    deterministic = config.training == "deterministic"
    train = model_in is None and not deterministic
    local = _training_frames(inputs, keep, training_sample, notes) if train else []
    budget_tables = table_arg
    if train and inputs.n <= training_sample:
        # every record is on the driver: size the blocking rules there too (as the in-memory engine)
        from dataclean.linkage import api

        duck = api._db_api(None)
        regs = [duck.register(f, dataset_display_name=f"dataclean_budget_{i}") for i, f in enumerate(local)]
        budget_tables = regs if len(regs) > 1 else regs[0]
    settings = _settings(inputs, budget_tables, model_in, notes)
    linker = Linker(table_arg, settings, log_level=None)
    if model_in is not None:
        notes.append("parameters loaded from a saved model; not retrained")
    elif train:
        _train_on_driver(inputs, linker, settings, local, notes, timings)
    del local
    timings["train"] = time.perf_counter() - t
    t = time.perf_counter()
    if deterministic:
        predictions = linker.inference.deterministic_link().as_spark_dataframe()
        predictions = predictions.withColumn("match_probability", F.lit(1.0)).withColumn("match_weight", F.lit(20.0))
    else:
        from dataclean.linkage.api import REVIEW_FLOOR

        floor = min(config.review_threshold, REVIEW_FLOOR)
        predictions = linker.inference.predict(threshold_match_probability=floor).as_spark_dataframe()
        if config.training == "hybrid":
            predictions = _boost_spark(predictions, inputs.allp, features, notes)
    model = linker.misc.save_model_to_json()
    model["dataclean"] = {"config": config.to_dict(), "features": sorted(features), "notes": notes, "engine": "spark"}
    timings["predict"] = time.perf_counter() - t
    return _readable_pairs_spark(predictions, model), model


def _score(inputs: _Inputs, db_api: Any, model_in: Any, notes: list[str], timings: dict, training_sample: int) -> tuple:
    """(pairs (persisted), model, match threshold, the model's quality estimates there)."""
    from pyspark import StorageLevel

    from dataclean.linkage import api

    if inputs.n < 2:
        schema = (
            "unique_id_l string, unique_id_r string, source_l string, source_r string, "
            "match_probability double, match_weight double"
        )
        note = {"note": "fewer than two records: nothing to compare", "config": inputs.config.to_dict()}
        return inputs.spark.createDataFrame([], schema), note, 0.95, {}
    pairs, model = _train_and_predict(inputs, db_api, model_in, notes, timings, training_sample)
    pairs = pairs.persist(StorageLevel.MEMORY_AND_DISK)
    t = time.perf_counter()
    threshold = inputs.config.match_threshold
    if threshold is None:
        threshold, estimates = choose_threshold_spark(pairs)
        log.info("match threshold %.2f chosen from the trained model", threshold)
    else:
        estimates = estimate_quality_spark(pairs, threshold)
    model["dataclean"]["match_threshold"] = threshold
    model["dataclean"]["estimates"] = estimates
    # the review band as the in-memory engine draws it (below an automatic threshold too)
    model["dataclean"]["review_threshold"] = api.review_floor(inputs.config, threshold, notes)
    timings["predict"] = timings.get("predict", 0.0) + time.perf_counter() - t
    return pairs, model, threshold, estimates


def _clusters(inputs: _Inputs, scored: tuple, db_api: Any, notes: list[str], timings: dict) -> tuple:
    """(``unique_id`` -> ``cluster_id`` (persisted), the coherence splits or None)."""
    from pyspark import StorageLevel

    from dataclean.linkage import api

    pairs, model, threshold, _ = scored
    t = time.perf_counter()
    by_uid = cluster_spark(inputs.allp.select("unique_id", "nhs"), pairs, threshold, db_api).localCheckpoint()
    timings["cluster"] = time.perf_counter() - t
    splits = None
    if inputs.n >= 2:
        t = time.perf_counter()
        checks = api._coherence_checks(model, notes)
        by_uid, splits = split_incoherent_spark(inputs.allp, pairs, threshold, by_uid, checks)
        by_uid = by_uid.localCheckpoint()
        timings["split"] = time.perf_counter() - t
    return by_uid.persist(StorageLevel.MEMORY_AND_DISK), splits


class _Writer:
    """Writes each output as ``<name>.parquet/`` in one folder and reads it back."""

    def __init__(self, spark: Any, out: Path) -> None:
        self.spark, self.out, self.paths = spark, out, {}

    def save(self, name: str, frame: Any, order: Sequence[Any] | None = None) -> Any:
        if frame is None:
            return None
        target = self.out / f"{name}.parquet"
        (frame.orderBy(*order) if order else frame).write.mode("overwrite").parquet(str(target))
        self.paths[name] = target
        return self.spark.read.parquet(str(target))


def _fraud_views(inputs: _Inputs, by_uid: Any) -> tuple[Any, Any]:
    """Persons with several claims and persons with several properties (None where no column)."""
    stats = inputs.stats
    joined = inputs.allp.join(by_uid, "unique_id")
    claims = props = None
    if int(stats["claim_id"] or 0) > 0:
        claims = _several_spark(joined, "claim_id", "claims", "claim_ids")
    prop_col = "property_id" if int(stats["property_id"] or 0) > 0 else "uprn"
    if int(stats[prop_col] or 0) > 0:
        props = _several_spark(joined, prop_col, "properties", "property_ids")
    return claims, props


def _write_outputs(inputs: _Inputs, scored: tuple, by_uid: Any, splits: Any, writer: _Writer) -> dict[str, Any]:
    """Clusters, pairs, review queue, golden records, fraud views and splits as Parquet datasets
    (the DuckDB engine's names and columns), read back as Spark DataFrames."""
    from pyspark.sql import functions as F

    pairs, model, threshold, _ = scored
    config, out_id = inputs.config, inputs.out_id
    review_from = model.get("dataclean", {}).get("review_threshold", config.review_threshold)
    original_id = F.split(F.col("unique_id"), ":", 2).getItem(1) if inputs.multi else F.col("unique_id")
    cluster_cols = [original_id.alias(out_id), F.col("source"), F.col("cluster_id")]
    if not inputs.multi and "source" not in config.columns:
        del cluster_cols[1]
    clusters = inputs.allp.select("unique_id", "source").join(by_uid, "unique_id").select("unique_id", *cluster_cols)
    union = inputs.originals[0]
    for o in inputs.originals[1:]:
        union = union.unionByName(o, allowMissingColumns=True)
    golden = golden_records_spark(union, inputs.allp, by_uid, replace(config, id_column=out_id))
    claims, props = _fraud_views(inputs, by_uid)
    rename = {"unique_id_l": f"{out_id}_l", "unique_id_r": f"{out_id}_r"}
    p = F.col("match_probability")
    review = pairs.filter((p >= review_from) & (p < threshold)).withColumnsRenamed(rename)
    return {
        "clusters": writer.save("clusters", clusters.orderBy("unique_id").drop("unique_id")),
        "pairs": writer.save("pairs", pairs.withColumnsRenamed(rename)),
        "golden_records": writer.save("golden_records", golden, ["cluster_id"]),
        "review": writer.save("review", review, ["match_probability"]),
        "persons_in_multiple_claims": writer.save(
            "persons_in_multiple_claims", claims, [F.col("claims").desc(), "cluster_id"]
        ),
        "persons_with_multiple_properties": writer.save(
            "persons_with_multiple_properties", props, [F.col("properties").desc(), "cluster_id"]
        ),
        "splits": writer.save("splits", splits),
    }


def run_linkage(
    frames: Mapping[str, Any],
    config: Any,
    link_type: str,
    *,
    spark: Any = None,
    model_in: Any = None,
    source_configs: Mapping[str, Any] | None = None,
    output: str | Path | None = None,
    progress: Any = None,
    training_sample: int = TRAINING_SAMPLE_MAX,
) -> SparkLinkageResult:
    """dedupe / link / link-and-dedupe on Spark (the body of :func:`dataclean.linkage.dedupe`
    and friends when the backend is a SparkSession or the frames are Spark DataFrames).

    The model is trained on the driver on at most ``training_sample`` prepared records (all of
    them when there are fewer: the in-memory engine's training) and every candidate pair is
    scored, clustered and written on Spark."""
    if training_sample < 2:
        raise ConfigError(f"training_sample must be at least 2 records, not {training_sample!r}")
    step = progress or (lambda stage, fraction: None)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    notes: list[str] = []
    first = next(iter(frames.values()))
    spark = get_session(spark if spark is not None else (first.sparkSession if is_spark_dataframe(first) else None))
    out = Path(output) if output is not None else Path(work_dir(spark)) / f"dataclean-linkage-{uuid.uuid4().hex[:12]}"
    out.mkdir(parents=True, exist_ok=True)
    step("preparing records", 0.05)
    inputs = _prepare_inputs(frames, config, link_type, spark, source_configs)
    timings["prepare"] = time.perf_counter() - t0
    db_api = splink_api(spark)
    step("training the model", 0.2)
    scored = _score(inputs, db_api, model_in, notes, timings, training_sample)
    pairs, model, threshold, estimates = scored
    step("clustering", 0.75)
    by_uid, splits = _clusters(inputs, scored, db_api, notes, timings)
    step("golden records", 0.85)
    t = time.perf_counter()
    writer = _Writer(spark, out)
    outputs = _write_outputs(inputs, scored, by_uid, splits, writer)
    writer.paths["model"] = out / "model.json"
    writer.paths["model"].write_text(json.dumps(model, indent=2, default=str), encoding="utf-8")
    timings["golden"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    for frame in (inputs.allp, pairs, by_uid):
        frame.unpersist()
    step("done", 1.0)
    return SparkLinkageResult(
        **outputs,
        config=inputs.config,
        model=model,
        notes=notes,
        timings=timings,
        paths=writer.paths,
        match_threshold=threshold,
        estimates=estimates,
    )


def dedupe(
    sdf: Any,
    config: Any = None,
    *,
    spark: Any = None,
    model: Any = None,
    output: str | Path | None = None,
    progress: Any = None,
    training_sample: int = TRAINING_SAMPLE_MAX,
) -> SparkLinkageResult:
    """Find the same person within one Spark DataFrame (see :func:`run_linkage`)."""
    return run_linkage(
        {"data": sdf},
        config,
        "dedupe_only",
        spark=spark,
        model_in=model,
        output=output,
        progress=progress,
        training_sample=training_sample,
    )
