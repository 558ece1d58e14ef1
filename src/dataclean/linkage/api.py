"""Deduplicate one frame or link several, on splink (DuckDB by default, Spark when given a session).

The flow: prepare (standardise, derive features) -> splink settings from the UK presets ->
train (unsupervised by default) -> predict scored pairs -> cluster with a guard against chaining
-> golden records, review queue and fraud views.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dataclean.exceptions import BackendUnavailable, ConfigError
from dataclean.linkage import presets
from dataclean.linkage.config import LinkageConfig
from dataclean.linkage.golden import golden_records
from dataclean.linkage.prepare import available_features, check_input, prepare

log = logging.getLogger(__name__)
ProgressFn = Callable[[str, float], None]
#: Below this many records, parameters are not trained: the presets' starting values are used.
MIN_TRAINING_RECORDS = 500
#: An edge weaker than this may join a lone record to a group, but never two groups.
STRONG_LINK = 0.99


@dataclass
class LinkageResult:
    """Everything a linkage run produces, as DataFrames (see :meth:`write`)."""

    pairs: pd.DataFrame
    clusters: pd.DataFrame
    golden_records: pd.DataFrame
    review: pd.DataFrame
    config: LinkageConfig
    model: dict[str, Any]
    persons_in_multiple_claims: pd.DataFrame | None = None
    persons_with_multiple_properties: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        s = uniqueness_summary(self)
        s.update({"scored_pairs": len(self.pairs), "review_pairs": len(self.review)})
        if self.persons_in_multiple_claims is not None:
            s["persons_in_multiple_claims"] = len(self.persons_in_multiple_claims)
        if self.persons_with_multiple_properties is not None:
            s["persons_with_multiple_properties"] = len(self.persons_with_multiple_properties)
        return s

    def write(self, directory: str | Path) -> dict[str, Path]:
        """clusters.csv, pairs.csv, golden_records.csv, review.csv, fraud views and model.json."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        tables = {
            "clusters": self.clusters,
            "pairs": self.pairs,
            "golden_records": self.golden_records,
            "review": self.review,
        }
        if self.persons_in_multiple_claims is not None:
            tables["persons_in_multiple_claims"] = self.persons_in_multiple_claims
        if self.persons_with_multiple_properties is not None:
            tables["persons_with_multiple_properties"] = self.persons_with_multiple_properties
        paths = {}
        for name, table in tables.items():
            paths[name] = out / f"{name}.csv"
            table.to_csv(paths[name], index=False)
        paths["model"] = out / "model.json"
        paths["model"].write_text(json.dumps(self.model, indent=2, default=str), encoding="utf-8")
        return paths


def uniqueness_summary(result: LinkageResult) -> dict[str, Any]:
    """records, clusters (persons), duplicate_records (records - persons) and duplicate_rate."""
    records = len(result.clusters)
    clusters = int(result.clusters["cluster_id"].nunique()) if records else 0
    return {
        "records": records,
        "clusters": clusters,
        "duplicate_records": records - clusters,
        "duplicate_rate": (records - clusters) / records if records else 0.0,
    }


# ---------------------------------------------------------------------------------------------
# backend seam
# ---------------------------------------------------------------------------------------------


def _db_api(backend: Any) -> Any:
    """DuckDB by default; a SparkSession (or a ready splink DatabaseAPI) when passed."""
    if backend is None or backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if type(backend).__name__ == "SparkSession":
        try:
            from splink import SparkAPI
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise BackendUnavailable("Spark linkage needs pyspark: pip install 'dataclean[spark]'") from exc
        return SparkAPI(spark_session=backend, num_partitions_on_repartition=2)
    if hasattr(backend, "sql_dialect"):
        return backend
    raise ConfigError(f"backend must be None/'duckdb', a SparkSession or a splink DatabaseAPI, not {backend!r}")


# ---------------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------------


def _settings(link_type: str, features: set[str], config: LinkageConfig) -> dict[str, Any]:
    comparisons = presets.uk_person(features)
    if not comparisons:
        raise ConfigError("no usable columns to compare: configure at least two roles with values")
    rules = list(config.blocking) + presets.blocking_rules(features)
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": 1e-4,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [{"blocking_rule": r} for r in rules] or [{"blocking_rule": "1=1"}],
        "retain_intermediate_calculation_columns": False,
        "retain_matching_columns": False,
        "additional_columns_to_retain": ["source"],
    }


def _train(linker: Any, n_records: int, features: set[str], config: LinkageConfig, notes: list[str]) -> None:
    from splink import block_on

    if n_records < MIN_TRAINING_RECORDS:
        msg = (
            f"only {n_records} records: parameters were not trained; dataclean's UK starting values "
            "(m and u per comparison level) were used"
        )
        log.warning(msg)
        notes.append(msg)
        return
    deterministic = presets.deterministic_rules(features)
    try:
        if deterministic:
            linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
        linker.training.estimate_u_using_random_sampling(max_pairs=config.max_pairs_for_u, seed=1)
        # EM only on blocks made of personal fields: blocking on a household field (postcode,
        # address) would hand EM a sample dominated by relatives, and it would learn "same
        # household" as "same person". Same NHS number trains the name, date and address levels;
        # same date of birth and forename (twins differ in forename) trains the NHS number levels.
        em_rules = []
        if "nhs" in features:
            em_rules.append(block_on("nhs"))
        if {"dob", "fn"} <= features:
            em_rules.append(block_on("dob", "fn"))
        for rule in em_rules:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, fix_u_probabilities=True)
    except Exception as exc:  # splink raises several types when EM cannot converge on odd data
        msg = f"training did not complete ({exc.__class__.__name__}); starting values were used where needed"
        log.warning("%s: %s", msg, exc)
        notes.append(msg)


def _readable_pairs(predictions: pd.DataFrame, model: dict[str, Any]) -> pd.DataFrame:
    """Keep ids, probability and weight, and turn each gamma into its level label."""
    out = pd.DataFrame(
        {
            "unique_id_l": predictions["unique_id_l"].astype(str),
            "unique_id_r": predictions["unique_id_r"].astype(str),
            "source_l": predictions.get("source_l"),
            "source_r": predictions.get("source_r"),
            "match_probability": predictions["match_probability"].astype(float),
            "match_weight": predictions["match_weight"].astype(float),
        }
    )
    for comp in model["comparisons"]:
        name = comp["output_column_name"]
        gamma = f"gamma_{name}"
        if gamma not in predictions.columns:
            continue
        non_null = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        labels = {len(non_null) - 1 - i: lv.get("label_for_charts", "") for i, lv in enumerate(non_null)}
        labels[-1] = "null"
        out[name] = predictions[gamma].map(labels)
        if f"bf_{name}" in predictions.columns:
            out[f"{name}_bayes_factor"] = predictions[f"bf_{name}"].astype(float).round(4)
    return out


def cluster(ids: Sequence[str], pairs: pd.DataFrame, threshold: float, nhs: pd.Series | None = None) -> pd.Series:
    """Connected components over links at or above ``threshold``, with two guards against chaining:

    * a pair whose two records hold different valid NHS numbers is never linked;
    * a link weaker than :data:`STRONG_LINK` may attach a lone record to a group but may never
      merge two groups (one weak link must not join two families' records).

    Returns the cluster id (the smallest record id in the cluster) per record id.
    """
    ids = pd.Index(pd.Series(ids, dtype=str))
    pos = pd.Series(np.arange(len(ids)), index=ids)
    edges = pairs[pairs["match_probability"] >= threshold]
    if nhs is not None and len(edges):
        nhs_of = pd.Series(nhs.astype("string").fillna("").to_numpy(dtype=object), index=ids)
        a = nhs_of.reindex(edges["unique_id_l"]).fillna("").to_numpy(dtype=object)
        b = nhs_of.reindex(edges["unique_id_r"]).fillna("").to_numpy(dtype=object)
        conflict = (a != "") & (b != "") & (a != b)
        edges = edges[~conflict]
    strong = edges[edges["match_probability"] >= STRONG_LINK]
    weak = edges[edges["match_probability"] < STRONG_LINK].sort_values("match_probability", ascending=False)
    labels = _components(len(ids), pos[strong["unique_id_l"]].to_numpy(), pos[strong["unique_id_r"]].to_numpy())
    if len(weak):
        size = np.bincount(labels, minlength=len(ids))
        for left, right in zip(pos[weak["unique_id_l"]].to_numpy(), pos[weak["unique_id_r"]].to_numpy()):
            a, b = labels[left], labels[right]
            if a == b or (size[a] > 1 and size[b] > 1):
                continue
            keep, drop = (a, b) if size[a] >= size[b] else (b, a)
            labels[labels == drop] = keep
            size[keep] += size[drop]
            size[drop] = 0
    smallest = pd.Series(ids, dtype=str).groupby(labels).transform("min")
    return pd.Series(smallest.to_numpy(), index=ids, name="cluster_id")


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component labels by repeated min-label propagation (vectorised numpy)."""
    labels = np.arange(n)
    if len(left) == 0:
        return labels
    while True:
        m = np.minimum(labels[left], labels[right])
        new = labels.copy()
        np.minimum.at(new, left, m)
        np.minimum.at(new, right, m)
        new = new[new]  # pointer jumping
        if np.array_equal(new, labels):
            return labels
        labels = new


def _fraud_views(clusters: pd.DataFrame, prepared: pd.DataFrame) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    joined = prepared.assign(cluster_id=clusters["cluster_id"].to_numpy())
    claims = props = None
    if "claim_id" in joined and joined["claim_id"].notna().any():
        claims = _several(joined, "claim_id", "claims", "claim_ids")
    prop_col = "property_id" if "property_id" in joined and joined["property_id"].notna().any() else "uprn"
    if joined[prop_col].notna().any():
        props = _several(joined, prop_col, "properties", "property_ids")
    return claims, props


def _several(joined: pd.DataFrame, column: str, count_name: str, list_name: str) -> pd.DataFrame:
    """Persons (clusters) with more than one distinct ``column`` value, with the values listed.

    Counting is vectorised; the lists are built only for the flagged persons.
    """
    rows = joined.dropna(subset=[column])
    counts = rows.groupby("cluster_id")[column].nunique()
    flagged = rows[rows["cluster_id"].isin(counts[counts > 1].index)]
    g = flagged.groupby("cluster_id")
    out = g.agg(
        **{
            count_name: (column, "nunique"),
            list_name: (column, lambda s: "; ".join(sorted(set(s)))),
            "sources": ("source", lambda s: "; ".join(sorted(set(s)))),
            "records": ("unique_id", "count"),
        }
    )
    return out.reset_index().sort_values(count_name, ascending=False, ignore_index=True)


def _load_model(model: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """A saved model (``model.json`` from :meth:`LinkageResult.write`, or its dict) as settings."""
    data = json.loads(Path(model).read_text(encoding="utf-8")) if isinstance(model, str | Path) else dict(model)
    data.pop("dataclean", None)
    if "comparisons" not in data:
        raise ConfigError("not a saved linkage model (no 'comparisons'); pass the model.json a run wrote")
    return data


def _run(
    frames: Mapping[str, pd.DataFrame],
    config: LinkageConfig | None,
    link_type: str,
    *,
    backend: Any = None,
    progress: ProgressFn | None = None,
    model_in: str | Path | Mapping[str, Any] | None = None,
    source_configs: Mapping[str, LinkageConfig | Mapping[str, Any]] | None = None,
) -> LinkageResult:
    from dataclean.engines import is_spark_dataframe, is_spark_session

    if is_spark_session(backend) or any(is_spark_dataframe(f) for f in frames.values()):
        # the Spark engine: same steps on the cluster, outputs as Parquet datasets
        from dataclean.engines.spark import run_linkage

        return run_linkage(  # type: ignore[return-value]
            frames,
            config,
            link_type,
            spark=backend if is_spark_session(backend) else None,
            model_in=model_in,
            source_configs=source_configs,
            progress=progress,
        )
    step = progress or (lambda stage, fraction: None)
    timings: dict[str, float] = {}
    notes: list[str] = []
    t0 = time.perf_counter()
    first = next(iter(frames.values()))
    config = config or LinkageConfig.infer([str(c) for c in first.columns])
    if not isinstance(config, LinkageConfig):
        config = LinkageConfig.from_dict(config)
    per_source = {name: _as_config((source_configs or {}).get(name)) or config for name in frames}
    id_names = {c.id_column for c in per_source.values()}
    out_id = config.id_column if len(id_names) == 1 else "record_id"
    step("preparing records", 0.05)
    prepared = []
    for name, df in frames.items():
        check_input(df, per_source[name], name=name, partial=len(frames) > 1)
        p = prepare(df, per_source[name], source=name if len(frames) > 1 else None)
        if len(frames) > 1:
            p["unique_id"] = name + ":" + p["unique_id"]
        prepared.append(p)
    allp = pd.concat(prepared, ignore_index=True)
    if link_type != "dedupe_only" and allp["unique_id"].duplicated().any():
        raise ConfigError("two frames share a name; give each a distinct source name")
    features = available_features(allp)
    timings["prepare"] = time.perf_counter() - t0
    n = len(allp)
    ids = allp["unique_id"].astype(str)

    if n < 2:
        pairs = pd.DataFrame(
            columns=["unique_id_l", "unique_id_r", "source_l", "source_r", "match_probability", "match_weight"]
        )
        model: dict[str, Any] = {"note": "fewer than two records: nothing to compare", "config": config.to_dict()}
    else:
        from splink import Linker

        step("training the model", 0.2)
        t = time.perf_counter()
        settings = _settings(link_type, features, config) if model_in is None else _load_model(model_in)
        db_api = _db_api(backend)
        inputs = prepared if link_type != "dedupe_only" else [allp]
        tables = [db_api.register(frame, dataset_display_name=f"dataclean_{i}") for i, frame in enumerate(inputs)]
        # log_level=None: splink leaves logging alone (the application configures it)
        linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)
        if model_in is not None:
            notes.append("parameters loaded from a saved model; not retrained")
        elif config.training in ("unsupervised", "hybrid"):
            _train(linker, n, features, config, notes)
        timings["train"] = time.perf_counter() - t
        step("scoring candidate pairs", 0.5)
        t = time.perf_counter()
        threshold = min(config.review_threshold, 0.5)
        if config.training == "deterministic":
            rules = presets.deterministic_rules(features)
            if not rules:
                raise ConfigError("deterministic training needs NHS number or NINO with date of birth")
            predictions = linker.inference.deterministic_link().as_pandas_dataframe()
            predictions["match_probability"], predictions["match_weight"] = 1.0, 20.0
        else:
            predictions = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
            if config.training == "hybrid" and presets.deterministic_rules(features):
                det = _deterministic_pairs(allp, features)
                predictions = _boost(predictions, det)
        model = linker.misc.save_model_to_json()
        model["dataclean"] = {"config": config.to_dict(), "features": sorted(features), "notes": notes}
        timings["predict"] = time.perf_counter() - t
        pairs = _readable_pairs(predictions, model)
    step("clustering", 0.75)
    t = time.perf_counter()
    cluster_ids = cluster(ids, pairs, config.match_threshold, nhs=allp["nhs"])
    original_id = ids.str.split(":", n=1).str[-1] if len(frames) > 1 else ids
    clusters = pd.DataFrame(
        {
            out_id: original_id.to_numpy(),
            "source": allp["source"].to_numpy(),
            "cluster_id": cluster_ids.to_numpy(),
        }
    )
    if len(frames) == 1 and "source" not in config.columns:
        clusters = clusters.drop(columns=["source"])
    review = pairs[
        (pairs["match_probability"] >= config.review_threshold) & (pairs["match_probability"] < config.match_threshold)
    ].sort_values("match_probability")
    timings["cluster"] = time.perf_counter() - t
    step("golden records", 0.85)
    t = time.perf_counter()
    originals = pd.concat(
        [f.reset_index(drop=True).rename(columns={per_source[n].id_column: out_id}) for n, f in frames.items()],
        ignore_index=True,
    )
    golden = golden_records(originals, allp, cluster_ids.to_numpy(), replace(config, id_column=out_id))
    claims, props = _fraud_views(pd.DataFrame({"cluster_id": cluster_ids.to_numpy()}), allp)
    timings["golden"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    step("done", 1.0)
    return LinkageResult(
        pairs=pairs.rename(columns={"unique_id_l": f"{out_id}_l", "unique_id_r": f"{out_id}_r"}),
        clusters=clusters,
        golden_records=golden,
        review=review,
        config=config,
        model=model,
        persons_in_multiple_claims=claims,
        persons_with_multiple_properties=props,
        notes=notes,
        timings=timings,
    )


def _deterministic_pairs(allp: pd.DataFrame, features: set[str]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for keys in (["nhs", "dob"], ["nino", "dob"]):
        if set(keys) <= features:
            g = allp.dropna(subset=keys)[["unique_id", *keys]]
            m = g.merge(g, on=keys)
            m = m[m["unique_id_x"] < m["unique_id_y"]]
            found |= set(zip(m["unique_id_x"], m["unique_id_y"]))
    return found


def _boost(predictions: pd.DataFrame, det: set[tuple[str, str]]) -> pd.DataFrame:
    """Hybrid: pairs that meet a deterministic rule are matches whatever the model says."""
    if not det:
        return predictions
    key = list(zip(predictions["unique_id_l"].astype(str), predictions["unique_id_r"].astype(str)))
    hit = np.array([k in det or (k[1], k[0]) in det for k in key], dtype=bool)
    predictions.loc[hit, "match_probability"] = 1.0
    return predictions


def dedupe(
    df: pd.DataFrame,
    config: LinkageConfig | Mapping[str, Any] | None = None,
    *,
    backend: Any = None,
    progress: ProgressFn | None = None,
    model: str | Path | Mapping[str, Any] | None = None,
) -> LinkageResult:
    """Find the same person within one frame. ``df`` is not modified.

    ``model`` reuses a saved model (the ``model.json`` a run wrote) instead of training anew.
    """
    return _run({"data": df}, _as_config(config), "dedupe_only", backend=backend, progress=progress, model_in=model)


def link(
    frames: Mapping[str, pd.DataFrame] | Sequence[pd.DataFrame],
    config: LinkageConfig | Mapping | None = None,
    *,
    backend: Any = None,
    progress: ProgressFn | None = None,
    source_configs: Mapping[str, LinkageConfig | Mapping[str, Any]] | None = None,
) -> LinkageResult:
    """Find the same person across two or more frames (not within each).

    ``source_configs`` gives a frame its own id column and role mapping when the files differ
    (a claims file keyed by ``claim_id``, an accounts file by ``account_id``); ``config`` holds
    the thresholds and training. The outputs then use a common ``record_id`` column.
    """
    named = _named(frames)
    return _run(
        named, _as_config(config), "link_only", backend=backend, progress=progress, source_configs=source_configs
    )


def link_and_dedupe(
    frames: Mapping[str, pd.DataFrame] | Sequence[pd.DataFrame],
    config: LinkageConfig | Mapping | None = None,
    *,
    backend: Any = None,
    progress: ProgressFn | None = None,
    source_configs: Mapping[str, LinkageConfig | Mapping[str, Any]] | None = None,
) -> LinkageResult:
    """Find the same person within and across frames (see :func:`link` for ``source_configs``)."""
    return _run(
        _named(frames),
        _as_config(config),
        "link_and_dedupe",
        backend=backend,
        progress=progress,
        source_configs=source_configs,
    )


def _named(frames: Mapping[str, pd.DataFrame] | Sequence[pd.DataFrame]) -> dict[str, pd.DataFrame]:
    named = dict(frames) if isinstance(frames, Mapping) else {f"source_{i + 1}": f for i, f in enumerate(frames)}
    if len(named) < 2:
        raise ConfigError("linking needs at least two frames; use dedupe for one")
    return named


def _as_config(config: LinkageConfig | Mapping[str, Any] | None) -> LinkageConfig | None:
    if config is None or isinstance(config, LinkageConfig):
        return config
    return LinkageConfig.from_dict(config)


def pairwise_scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    """Precision, recall and F1 of predicted same-person pairs against the truth."""
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": len(truth), "found_pairs": len(found)}


def cluster_pairs(clusters: pd.DataFrame, id_column: str) -> set[tuple[str, str]]:
    """Every unordered pair of record ids that share a cluster."""
    c = clusters[[id_column, "cluster_id"]].astype(str)
    m = c.merge(c, on="cluster_id")
    m = m[m[f"{id_column}_x"] < m[f"{id_column}_y"]]
    return set(zip(m[f"{id_column}_x"], m[f"{id_column}_y"]))
