"""Clustering, coherence splits and golden records on Spark: the in-memory engine's answers
computed with joins, window functions and splink's Spark connected components."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from dataclean.engines.spark.frames import _q

log = logging.getLogger(__name__)


def _usable_edges(nodes: Any, pairs: Any, threshold: float) -> Any:
    """Links at or above ``threshold``, without those between valid NHS numbers more than one edit
    apart (numbers one typo or swap apart go on to the coherence check, as in memory)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    nhs = nodes.select(F.col("unique_id").alias("id"), F.coalesce(F.col("nhs"), F.lit("")).alias("nhs"))
    return (
        pairs.filter(F.col("match_probability") >= threshold)
        .select("unique_id_l", "unique_id_r", "match_probability")
        .join(nhs.withColumnRenamed("id", "unique_id_l").withColumnRenamed("nhs", "nhs_l"), "unique_id_l", "left")
        .join(nhs.withColumnRenamed("id", "unique_id_r").withColumnRenamed("nhs", "nhs_r"), "unique_id_r", "left")
        .filter(
            ~(
                (F.col("nhs_l") != "")
                & (F.col("nhs_r") != "")
                & (F.col("nhs_l") != F.col("nhs_r"))
                & ~_one_edit_apart("nhs_l", "nhs_r")
            )
        )
        .select("unique_id_l", "unique_id_r", "match_probability")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )


def _one_edit_apart(a: str, b: str) -> Any:
    """Spark: ``a`` and ``b`` at most one Damerau-Levenshtein edit apart (one typo, or two
    neighbouring characters swapped), the in-memory engine's rule (``linkage.api._within_edits``)
    for numbers that may be one person's number mistyped; the coherence check decides those.
    Spark's ``levenshtein`` counts a swap as two edits, so swaps are tested directly."""
    from pyspark.sql import functions as F

    swapped = F.expr(
        f"exists(sequence(1, greatest(length({a}) - 1, 1)), i -> concat(substr({a}, 1, i - 1), "
        f"substr({a}, i + 1, 1), substr({a}, i, 1), substr({a}, i + 2)) = {b})"
    )
    return (F.levenshtein(F.col(a), F.col(b)) <= 1) | swapped


def _strong_components(nodes: Any, edges: Any, db_api: Any) -> Any:
    """``unique_id`` -> component ``c`` from splink's Spark connected components on strong links."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    from dataclean.linkage.api import STRONG_LINK

    strong = edges.filter(F.col("match_probability") >= STRONG_LINK)
    cc = cluster_pairwise_predictions_at_threshold(
        nodes.select("unique_id"),
        strong,
        db_api,
        node_id_column_name="unique_id",
        threshold_match_probability=STRONG_LINK,
    ).as_spark_dataframe()
    comp = cc.select(
        F.col("unique_id").cast("string").alias("unique_id"), F.col("cluster_id").cast("string").alias("c")
    )
    return comp.persist(StorageLevel.MEMORY_AND_DISK)


def _with_sizes(links: Any, sizes: Any) -> Any:
    """Links between components ``a`` and ``b`` that may still be taken (one end a lone record)."""
    from pyspark.sql import functions as F

    return (
        links.join(sizes.withColumnRenamed("c", "a").withColumnRenamed("size", "sa"), "a")
        .join(sizes.withColumnRenamed("c", "b").withColumnRenamed("size", "sb"), "b")
        .filter((F.col("sa") == 1) | (F.col("sb") == 1))
        .select("a", "b", "p", "t1", "t2")
    )


def _pending_links(edges: Any, comp: Any) -> Any:
    """Weak links between two components (component ids, the pair's record ids as tie-break)."""
    from pyspark.sql import functions as F

    from dataclean.linkage.api import STRONG_LINK

    weak = edges.filter(F.col("match_probability") < STRONG_LINK)
    return (
        weak.join(comp.withColumnRenamed("unique_id", "unique_id_l").withColumnRenamed("c", "a"), "unique_id_l")
        .join(comp.withColumnRenamed("unique_id", "unique_id_r").withColumnRenamed("c", "b"), "unique_id_r")
        .filter(F.col("a") != F.col("b"))
        .select(
            F.least("a", "b").alias("a"),
            F.greatest("a", "b").alias("b"),
            F.col("match_probability").alias("p"),
            F.least("unique_id_l", "unique_id_r").alias("t1"),
            F.greatest("unique_id_l", "unique_id_r").alias("t2"),
        )
        .localCheckpoint()
    )


def _decide_round(pending: Any, sizes: Any) -> Any:
    """The links settled this round: each is the strongest pending link of both its components
    (nothing stronger can change either first); ``take`` where one end is a lone record."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    order = [F.col("p").desc(), F.col("t1"), F.col("t2")]  # a total order: stronger first
    ends = pending.select(F.col("a").alias("c"), "a", "b", "p", "t1", "t2").unionByName(
        pending.select(F.col("b").alias("c"), "a", "b", "p", "t1", "t2")
    )
    rank = F.row_number().over(Window.partitionBy("c").orderBy(*order))
    best = ends.withColumn("rank", rank).filter(F.col("rank") == 1)
    mutual = best.groupBy("a", "b", "p", "t1", "t2").agg(F.count(F.lit(1)).alias("k")).filter(F.col("k") == 2)
    return (
        mutual.join(sizes.withColumnRenamed("c", "a").withColumnRenamed("size", "sa"), "a")
        .join(sizes.withColumnRenamed("c", "b").withColumnRenamed("size", "sb"), "b")
        .withColumn("take", (F.col("sa") == 1) | (F.col("sb") == 1))
        .localCheckpoint()
    )


def _relabel(df: Any, col: str, renamed: Any) -> Any:
    from pyspark.sql import functions as F

    r = renamed.select(F.col("c").alias(col), F.col("m").alias(f"{col}_m"))
    return df.join(r, col, "left").withColumn(col, F.coalesce(F.col(f"{col}_m"), F.col(col))).drop(f"{col}_m")


def _weak_rounds(pending: Any, sizes: Any, max_rounds: int) -> Any:
    """Component -> the component it was merged into, after settling the weak links in rounds."""
    from pyspark.sql import functions as F

    mapping = pending.sparkSession.createDataFrame([], "c string, m string")
    for _ in range(max_rounds):
        if pending.limit(1).count() == 0:
            return mapping
        decided = _decide_round(pending, sizes)
        renamed = decided.filter("take").select(F.greatest("a", "b").alias("c"), F.least("a", "b").alias("m"))
        mapping = (
            mapping.join(renamed.select(F.col("c").alias("m"), F.col("m").alias("m2")), "m", "left")
            .select("c", F.coalesce("m2", "m").alias("m"))
            .unionByName(renamed)
            .localCheckpoint()
        )
        sizes = _relabel(sizes, "c", renamed).groupBy("c").agg(F.sum("size").alias("size")).localCheckpoint()
        settled = decided.select("a", "b", "t1", "t2")
        # links now inside one component are dropped; one between two groups never can be taken
        moved = _relabel(
            _relabel(pending.join(settled, ["a", "b", "t1", "t2"], "left_anti"), "a", renamed), "b", renamed
        )
        moved = moved.filter(F.col("a") != F.col("b")).select(
            F.least("a", "b").alias("a"), F.greatest("a", "b").alias("b"), "p", "t1", "t2"
        )
        pending = _with_sizes(moved, sizes).localCheckpoint()
    log.warning("clustering: weak links still pending after %d rounds were not used", max_rounds)
    return mapping


def cluster_spark(nodes: Any, pairs: Any, threshold: float, db_api: Any, *, max_rounds: int = 100) -> Any:
    """:func:`dataclean.linkage.api.cluster` distributed: ``unique_id``, ``cluster_id``.

    * pairs whose records hold different valid NHS numbers are dropped (a join and a filter);
    * links at or above :data:`~dataclean.linkage.api.STRONG_LINK` are clustered with splink's
      Spark connected components;
    * weaker links are decided in rounds, as the in-memory greedy pass would decide them in
      order of strength: in each round every group's strongest pending link is settled where it
      is also the strongest for the group at its other end (nothing stronger can change either
      group first). A link joining a lone record is taken; one joining two groups never is.

    The cluster id is the smallest record id in the cluster. ``nodes`` has ``unique_id`` and
    ``nhs``.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    edges = _usable_edges(nodes, pairs, threshold)
    comp = _strong_components(nodes, edges, db_api)
    sizes = comp.groupBy("c").agg(F.count(F.lit(1)).alias("size")).localCheckpoint()
    pending = _with_sizes(_pending_links(edges, comp), sizes)
    mapping = _weak_rounds(pending, sizes, max_rounds)
    final = (
        comp.join(mapping, "c", "left")
        .select("unique_id", F.coalesce("m", "c").alias("c"))
        .withColumn("cluster_id", F.min("unique_id").over(Window.partitionBy("c")))
        .select("unique_id", "cluster_id")
    )
    edges.unpersist()
    return final


def _field_picks(frame: Any, fields: list[str], config: Any) -> tuple[Any, list[Any]]:
    """Per field, the aggregation choosing its value (and source record) by the field's
    survivorship rule; missing values lose, then the rule's keys, then the record id."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    picks = []
    default = config.survivorship.get("default", "most_frequent")
    for i, f in enumerate(fields):
        rule = config.survivorship.get(f, default)
        if rule == "most_frequent":
            frame = frame.withColumn(f"_n{i}", F.count(F.lit(1)).over(Window.partitionBy("_cluster", _q(f))))
            keys = [-F.col(f"_n{i}"), -F.col("_surv"), -F.col("_upd_rank")]
        elif rule == "most_recent":
            keys = [-F.col("_upd_rank"), -F.col("_surv")]
        elif rule == "source_priority":
            keys = [F.col("_priority"), -F.col("_surv")]
        else:  # most_complete: the survivor's value, else the next most complete record's
            keys = [-F.col("_surv")]
        key = F.struct(_q(f).isNull().alias("k0"), *[k.alias(f"k{j + 1}") for j, k in enumerate(keys)], F.col("_id"))
        chosen = F.min_by(F.struct(_q(f).alias("v"), F.col("_id").alias("src")), key)
        picks.append(chosen.alias(f"_pick{i}"))
    return frame, picks


def golden_records_spark(originals: Any, prepared: Any, clusters: Any, config: Any) -> Any:
    """:func:`dataclean.linkage.golden.golden_records` with window functions and one aggregation.

    ``originals`` has the id column (``config.id_column``) and the fields; ``prepared`` has
    ``unique_id`` and ``source``; ``clusters`` maps ``unique_id`` to ``cluster_id``. Same
    survivor and per-field choices (and ``<field>__from`` lineage) as the in-memory version."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    id_col = config.id_column
    fields = [c for c in originals.columns if c not in (id_col, "unique_id")]
    updated_col = config.columns.get("last_updated")
    priority = {s: i for i, s in enumerate(config.source_priority)}
    prio_expr = F.lit(len(priority)).cast("double")
    for s_, i in reversed(list(priority.items())):
        prio_expr = F.when(F.col("_source") == s_, F.lit(float(i))).otherwise(prio_expr)
    complete = sum((F.when(_q(f).isNotNull(), 1).otherwise(0) for f in fields), F.lit(0))
    frame = (
        originals.join(prepared.select("unique_id", F.col("source").alias("_source")), "unique_id")
        .join(clusters.select("unique_id", F.col("cluster_id").alias("_cluster")), "unique_id")
        .withColumn("_id", _q(id_col).cast("string"))
        .withColumn("_complete", complete)
        .withColumn(
            "_updated",
            F.coalesce(_q(updated_col).cast("string"), F.lit("<NA>")) if updated_col else F.lit(""),
        )
        .withColumn("_priority", prio_expr)
    )
    by_cluster = Window.partitionBy("_cluster")
    survivor_order = Window.partitionBy("_cluster").orderBy(
        F.col("_complete").desc(), F.col("_updated").desc(), F.col("_priority").asc(), F.col("_id").asc()
    )
    frame = (
        frame.withColumn("_surv", (F.row_number().over(survivor_order) == 1).cast("int"))
        .withColumn("_records", F.count(F.lit(1)).over(by_cluster))
        .withColumn("_upd_rank", F.dense_rank().over(Window.partitionBy("_cluster").orderBy("_updated")))
    )
    aggs = [
        F.max(F.when(F.col("_surv") == 1, F.col("_id"))).alias("survivor_id"),
        F.first("_records").alias("records"),
    ]
    frame, picks = _field_picks(frame, fields, config)
    aggs += picks
    grouped = frame.groupBy(F.col("_cluster").alias("cluster_id")).agg(*aggs)
    cols = [F.col("cluster_id"), F.col("survivor_id"), F.col("survivor_id").alias(id_col), F.col("records")]
    for i, f in enumerate(fields):
        cols.append(F.col(f"_pick{i}.v").alias(f))
        cols.append(F.when(F.col(f"_pick{i}.v").isNotNull(), F.col(f"_pick{i}.src")).alias(f"{f}__from"))
    return grouped.select(*cols)


def _several_spark(joined: Any, column: str, count_name: str, list_name: str) -> Any:
    from pyspark.sql import functions as F

    rows = joined.filter(F.col(column).isNotNull())
    out = rows.groupBy("cluster_id").agg(
        F.countDistinct(column).alias(count_name),
        F.concat_ws("; ", F.array_sort(F.collect_set(column))).alias(list_name),
        F.concat_ws("; ", F.array_sort(F.collect_set("source"))).alias("sources"),
        F.count("unique_id").alias("records"),
    )
    return out.filter(F.col(count_name) > 1)


_CHECKED = ("nhs", "nino", "ident", "ident2", "dob", "fn", "fn_nick", "sn", "addr", "pc")


def _split_clusters(
    recs: pd.DataFrame, edges: pd.DataFrame, cols: list[str], threshold: float, checks: Any
) -> pd.DataFrame:
    """The in-memory :func:`~dataclean.linkage.api.split_incoherent` on the records and links of
    a bucket of whole clusters (a ``cogroup`` group: one Python call per bucket, not per cluster)."""
    from dataclean.linkage import api

    if recs.empty:
        return pd.DataFrame(columns=["unique_id", "cluster_id", "cluster_id_before", "reason"])
    recs = recs.sort_values("unique_id", kind="stable").reset_index(drop=True)
    edges = edges.sort_values(["unique_id_l", "unique_id_r"], kind="stable").reset_index(drop=True)
    ids = recs["unique_id"].astype(str)
    prepared = recs[cols].astype("string")
    for c in _CHECKED:
        if c not in prepared:
            prepared[c] = pd.Series(pd.NA, index=prepared.index, dtype="string")
    before = pd.Series(recs["cluster_id"].astype(object).to_numpy(), name="cluster_id")
    new, moved = api.split_incoherent(ids, edges, threshold, before, prepared, checks=checks)
    reason = pd.Series(moved["reason"].to_numpy(), index=moved["record"].astype(str).to_numpy())
    return pd.DataFrame(
        {
            "unique_id": ids.to_numpy(),
            "cluster_id": pd.Series(new).astype(str).to_numpy(),
            "cluster_id_before": before.astype(str).to_numpy(),
            "reason": ids.map(reason).astype(object).where(ids.isin(reason.index), None).to_numpy(),
        }
    )


def split_incoherent_spark(allp: Any, pairs: Any, threshold: float, clusters: Any, checks: Any) -> tuple[Any, Any]:
    """:func:`dataclean.linkage.api.split_incoherent` cluster by cluster on the executors
    (``cogroup`` of each cluster's prepared records with its links, the in-memory function on
    each). Returns the new ``unique_id`` -> ``cluster_id`` and the moved records."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from dataclean.linkage import api

    limit = int(api.MAX_CHECKED_CLUSTER)
    cols = [c for c in _CHECKED if c in allp.columns]
    sized = clusters.withColumn("__dc_size", F.count(F.lit(1)).over(Window.partitionBy("cluster_id")))
    checked = (
        sized.filter((F.col("__dc_size") > 1) & (F.col("__dc_size") <= limit))
        .select("unique_id", "cluster_id")
        .localCheckpoint()
    )
    # fresh column identities on each side (the same DataFrame is joined several times)
    records = checked.select(F.col("unique_id").alias("unique_id"), F.col("cluster_id").alias("cluster_id")).join(
        allp.select("unique_id", *cols), "unique_id"
    )
    cl = checked.select(F.col("unique_id").alias("unique_id_l"), F.col("cluster_id").alias("cluster_id"))
    cr = checked.select(F.col("unique_id").alias("unique_id_r"), F.col("cluster_id").alias("cluster_r"))
    links = (
        pairs.filter(F.col("match_probability") >= threshold)
        .select("unique_id_l", "unique_id_r", "match_probability")
        .join(cl, "unique_id_l")
        .join(cr, "unique_id_r")
        .filter(F.col("cluster_id") == F.col("cluster_r"))
        .drop("cluster_r")
    )
    out_schema = "unique_id string, cluster_id string, cluster_id_before string, reason string"
    # whole clusters in a few buckets: the in-memory function splits each cluster on its own
    buckets = max(2, int(allp.sparkSession.conf.get("spark.sql.shuffle.partitions", "4") or 4))
    bucket = F.pmod(F.xxhash64("cluster_id"), F.lit(buckets)).alias("__dc_bucket")
    result = (
        records.select("*", bucket)
        .groupBy("__dc_bucket")
        .cogroup(links.select("*", bucket).groupBy("__dc_bucket"))
        .applyInPandas(
            lambda r, e: _split_clusters(r.drop(columns="__dc_bucket"), e, cols, threshold, checks), out_schema
        )
    ).localCheckpoint()
    new_ids = clusters.join(
        result.select(F.col("unique_id").alias("unique_id"), F.col("cluster_id").alias("__dc_new")), "unique_id", "left"
    )
    updated = new_ids.select("unique_id", F.coalesce("__dc_new", "cluster_id").alias("cluster_id"))
    moved = result.filter(F.col("cluster_id") != F.col("cluster_id_before")).select(
        F.col("unique_id").alias("record"), "cluster_id_before", "cluster_id", "reason"
    )
    return updated, moved
