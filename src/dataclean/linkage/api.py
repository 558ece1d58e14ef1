"""Deduplicate one frame or link several, on splink (DuckDB by default, Spark when given a session).

The flow: prepare (standardise, derive features) -> splink settings from the UK presets ->
train (unsupervised by default) -> predict scored pairs -> cluster with a guard against chaining
-> golden records, review queue and fraud views.
"""

from __future__ import annotations

import json
import logging
import os
import time
import warnings
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
from dataclean.linkage.prepare import available_features, check_input, prepare, resolve_column

log = logging.getLogger(__name__)
ProgressFn = Callable[[str, float], None]
#: Below this many records, parameters are not trained: the presets' starting values are used.
MIN_TRAINING_RECORDS = 500
#: An edge weaker than this may join a lone record to a group, but never two groups.
STRONG_LINK = 0.99
#: the lowest match probability scored: pairs below it are not kept, and an automatic match
#: threshold with no room under it for review sends pairs from here up to it to review
REVIEW_FLOOR = 0.3


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
    #: clusters split for incoherent evidence: one row per record moved out of its first cluster
    splits: pd.DataFrame | None = None
    #: the match threshold used (the suite's, or the one chosen from the trained model)
    match_threshold: float | None = None
    #: the review band's lower bound used (the suite's, or :data:`REVIEW_FLOOR` when an automatic
    #: match threshold left no band above the suite's)
    review_threshold: float | None = None
    #: precision / recall / F1 the model's own probabilities predict at the threshold (estimates)
    estimates: dict[str, float] = field(default_factory=dict)
    #: the splink Linker (for its charts: ``linker.visualisations``) and its predictions table;
    #: kept in memory only, never written
    linker: Any = field(default=None, repr=False, compare=False)
    predictions: Any = field(default=None, repr=False, compare=False)

    def summary(self) -> dict[str, Any]:
        s = uniqueness_summary(self)
        s.update({"scored_pairs": len(self.pairs), "review_pairs": len(self.review)})
        if self.match_threshold is not None:
            s["match_threshold"] = self.match_threshold
        if self.review_threshold is not None:
            s["review_threshold"] = self.review_threshold
        for k, v in self.estimates.items():
            # the model's own estimate from its match probabilities, not measured against truth
            s[f"estimated_{k} (from the model's probabilities)"] = v
        if self.splits is not None and len(self.splits):
            s["clusters_split"] = int(self.splits["cluster_id_before"].nunique())
        if self.persons_in_multiple_claims is not None:
            s["persons_in_multiple_claims"] = len(self.persons_in_multiple_claims)
        if self.persons_with_multiple_properties is not None:
            s["persons_with_multiple_properties"] = len(self.persons_with_multiple_properties)
        return s

    def write(self, directory: str | Path) -> dict[str, Path]:
        """clusters.csv, pairs.csv, golden_records.csv, review.csv, fraud views, model.json and
        linkage_report.html (charts and tables, identifiers masked; see :mod:`.report`)."""
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
        if self.splits is not None and len(self.splits):
            tables["splits"] = self.splits
        paths = {}
        for name, table in tables.items():
            paths[name] = out / f"{name}.csv"
            write_csv(table, paths[name])
        paths["model"] = out / "model.json"
        paths["model"].write_text(json.dumps(self.model, indent=2, default=str), encoding="utf-8")
        from dataclean.linkage import report

        paths["report"] = report.write(self, out)
        return paths

    @property
    def charts(self) -> dict[str, Any]:
        """The report's charts (splink's and dataclean's Vega-Lite charts; record values masked)."""
        from dataclean.linkage import report

        return report.charts(self)

    def _repr_html_(self) -> str:
        from dataclean.linkage import report

        return report.notebook_html(self)


def write_csv(table: pd.DataFrame, path: str | Path) -> None:
    """``table.to_csv(path, index=False)``, written by DuckDB: multithreaded, straight from the
    frame's columns (no Python object per value), the same text pandas writes (floats in their
    shortest exact form, quotes only where needed). Tables with a boolean column (DuckDB writes
    ``true``, pandas ``True``) or that DuckDB cannot read go through pandas."""
    if any(pd.api.types.is_bool_dtype(t) for t in table.dtypes) or table.columns.duplicated().any():
        table.to_csv(path, index=False)
        return
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.register("dataclean_table", table)
        target = str(path).replace("'", "''")
        con.execute(f"COPY dataclean_table TO '{target}' (FORMAT csv, HEADER)")
    except duckdb.Error as exc:  # a column of mixed Python objects: pandas writes it as text
        log.debug("DuckDB could not write %s (%s); writing with pandas", path, exc)
        table.to_csv(path, index=False)
    finally:
        con.close()


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
        import duckdb
        from splink import DuckDBAPI

        # spill to disk rather than fail, and leave memory for the prepared frames in Python
        config: dict[str, Any] = {"preserve_insertion_order": False}
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
            config["memory_limit"] = f"{max(int(total * 0.5) // 2**20, 512)}MB"
        except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX
            pass
        return DuckDBAPI(connection=duckdb.connect(":memory:", config=config))
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


def settings_creator(
    link_type: str, features: set[str], config: LinkageConfig, rules: Sequence[Any] | None = None
) -> Any:
    """The splink ``SettingsCreator`` for the features present: engine-neutral (build the dict for
    an engine with ``.create_settings_dict("duckdb")`` or ``("spark")``)."""
    from splink import SettingsCreator
    from splink.blocking_rule_library import CustomRule

    comparisons = presets.uk_person(features)
    if not comparisons:
        raise ConfigError("no usable columns to compare: configure at least two roles with values")
    if rules is None:
        rules = [CustomRule(r, sql_dialect="duckdb") for r in config.blocking] + presets.blocking_rules(features)
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1e-4,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=list(rules) or [CustomRule("1=1")],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=["source"],
    )


def _budget_rules(
    tables: Any, link_type: str, features: set[str], config: LinkageConfig, n: int, notes: list[str]
) -> list[Any]:
    """Prediction rules from the roles present, as a union, trimmed to the comparison budget
    (counted with splink's ``count_comparisons_from_blocking_rules`` before predicting)."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules
    from splink.blocking_rule_library import CustomRule

    user = [(CustomRule(r, sql_dialect="duckdb"), f"suite rule {r!r}") for r in config.blocking]
    candidates = user + presets.blocking_rule_candidates(features)
    if not candidates:
        return []
    budget = config.max_comparisons or max(2_000_000, 10 * n)
    with warnings.catch_warnings():
        # sampled counts of small blocks are rough; they only size the budget, so splink's
        # "estimate may be unstable" warnings would be noise on the console
        warnings.simplefilter("ignore", UserWarning)
        counts = count_comparisons_from_blocking_rules(
            tables,
            blocking_rules=[r for r, _ in candidates],
            link_type=link_type,
            record_sample_proportion=1.0 if n <= 20_000 else max(0.05, 20_000 / n),
        )
    kept, total = [], 0
    for (rule, why), record in zip(candidates, counts):
        marginal = int(record["marginal_comparison_count"])
        if kept and total + marginal > budget:
            msg = f"blocking rule '{why}' left out: {marginal:,} more comparisons would exceed the budget of {budget:,}"
            log.info(msg)
            notes.append(msg)
            continue
        kept.append(rule)
        total += marginal
    log.info("%d blocking rules, about %s comparisons", len(kept), f"{total:,}")
    return kept


def _train(
    linker: Any, n_records: int, features: set[str], config: LinkageConfig, comparisons: list[Any], notes: list[str]
) -> None:
    from splink import block_on

    if n_records < MIN_TRAINING_RECORDS:
        msg = (
            f"only {n_records} records: parameters were not trained; dataclean's starting values "
            "(m and u per comparison level) were used"
        )
        log.warning(msg)
        notes.append(msg)
        return
    training = linker.training
    prior, recall = presets.prior_rules(features)
    if prior:
        try:
            training.estimate_probability_two_random_records_match(prior, recall=recall)
        except Exception as exc:  # no pair meets the rules: keep the starting prior
            notes.append(f"the prior could not be estimated ({exc.__class__.__name__}); a starting value was used")
    else:
        notes.append("no identifier or name with date of birth to estimate the prior from: a starting value was used")
    try:
        # a sample that grows with the file (5 pairs per record, at least 250,000) up to the cap.
        # splink estimates u one comparison at a time; in chunks, a comparison whose every level
        # is seen often enough in a first probe (1% of the pairs) stops there, so only the
        # comparisons with rare levels (names transposed) pay for the whole sample. splink's own
        # chunking default is used (an engine where a chunk is costly, Spark, sets its own)
        max_pairs = min(config.max_pairs_for_u, max(250_000, 5 * n_records))
        training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=1)
    except Exception as exc:  # pragma: no cover - splink only fails here on broken input
        notes.append(f"u probabilities not estimated ({exc.__class__.__name__}); starting values were used")
    plan = presets.em_rule_plan(features, presets.comparison_columns(comparisons))
    for cols in plan:
        try:
            training.estimate_parameters_using_expectation_maximisation(block_on(*cols), fix_u_probabilities=True)
        except Exception as exc:  # splink raises several types when a block is empty or EM cannot converge
            log.info("EM on %s did not run: %s", cols, exc)
    untrained = _untrained_levels(linker)
    if untrained:
        shown = ", ".join(untrained[:8]) + (f" and {len(untrained) - 8} more" if len(untrained) > 8 else "")
        msg = f"m probabilities not trained (starting values used) for: {shown}"
        log.info(msg)
        notes.append(msg)


def _untrained_levels(linker: Any) -> list[str]:
    """'comparison: level' for every non-null level whose m probability no EM session estimated."""
    out = []
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level or level._trained_m_probabilities:
                continue
            out.append(f"{comparison.output_column_name}: {level.label_for_charts}")
    return out


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
    for name, labels in level_labels(model, predictions.columns):
        out[name] = predictions[f"gamma_{name}"].map(labels)
        if f"bf_{name}" in predictions.columns:
            out[f"{name}_bayes_factor"] = predictions[f"bf_{name}"].astype(float).round(4)
    return out


def level_labels(model: Mapping[str, Any], columns: Any) -> list[tuple[str, dict[int, str]]]:
    """Per comparison scored in ``columns`` (a ``gamma_<name>`` column is present): its name and
    the label of each gamma value (``-1`` is ``null``), for the readable pairs of every engine."""
    found = []
    for comp in model["comparisons"]:
        name = comp["output_column_name"]
        if f"gamma_{name}" not in columns:
            continue
        non_null = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        labels = {len(non_null) - 1 - i: lv.get("label_for_charts", "") for i, lv in enumerate(non_null)}
        found.append((name, {**labels, -1: "null"}))
    return found


def cluster(ids: Sequence[str], pairs: pd.DataFrame, threshold: float, nhs: pd.Series | None = None) -> pd.Series:
    """Connected components over links at or above ``threshold``, with two guards against chaining:

    * a pair whose two records hold valid NHS numbers more than one typo or transposition apart
      is never linked;
    * a link weaker than :data:`STRONG_LINK` may attach a lone record to a group but may never
      merge two groups (one weak link must not join two families' records); weak links are
      replayed strongest first, equal ones by their record ids (as the Spark engine orders
      them), so the clusters do not depend on the order the pairs arrive in.

    Returns the cluster id (the smallest record id in the cluster) per record id.
    """
    ids = pd.Index(pd.Series(ids, dtype=str))
    pos = pd.Series(np.arange(len(ids)), index=ids)
    id_array = np.asarray(ids, dtype=object)
    by_id = np.argsort(id_array, kind="stable")
    rank = np.empty(len(by_id), dtype=np.int64)  # each record's place in record id order
    rank[by_id] = np.arange(len(by_id))
    edges = pairs[pairs["match_probability"] >= threshold]
    if nhs is not None and len(edges):
        nhs_of = pd.Series(nhs.astype("string").fillna("").to_numpy(dtype=object), index=ids)
        a = nhs_of.reindex(edges["unique_id_l"]).fillna("").to_numpy(dtype=object)
        b = nhs_of.reindex(edges["unique_id_r"]).fillna("").to_numpy(dtype=object)
        conflict = (a != "") & (b != "") & (a != b)
        if conflict.any():
            # numbers one typo or transposition apart may be one person's number mistyped: the
            # model scored the pair on the rest of the evidence, and the coherence check
            # (:func:`split_incoherent`) splits it when the date of birth or forename disagree
            idx = np.flatnonzero(conflict)
            conflict[idx[_within_edits(a[idx], b[idx], 1)]] = False
        edges = edges[~conflict]
    strong = edges[edges["match_probability"] >= STRONG_LINK]
    weak = edges[edges["match_probability"] < STRONG_LINK]
    labels = _components(len(ids), pos[strong["unique_id_l"]].to_numpy(), pos[strong["unique_id_r"]].to_numpy())
    if len(weak):
        # strongest first; equal probabilities by the pair's record ids
        wl, wr = pos[weak["unique_id_l"]].to_numpy(), pos[weak["unique_id_r"]].to_numpy()
        lo, hi = np.minimum(rank[wl], rank[wr]), np.maximum(rank[wl], rank[wr])
        order = np.lexsort((hi, lo, -weak["match_probability"].to_numpy(dtype=float)))
        labels = _attach_weak(labels, wl[order].tolist(), wr[order].tolist())
    # the smallest record id of each cluster, by integer ranks (no string groupby)
    best = np.full(len(ids), len(ids), dtype=np.int64)
    np.minimum.at(best, labels, rank)
    return pd.Series(id_array[by_id[best[labels]]], index=ids, name="cluster_id")


def _attach_weak(labels: np.ndarray, left: list[int], right: list[int]) -> np.ndarray:
    """Replay weak links (strongest first) over component ``labels``: a link joins its two
    components only when one of them is a lone record. Union-find over component labels, so each
    link costs O(1) whatever the number of records (relabelling every record per merge did not)."""
    size = np.bincount(labels, minlength=len(labels)).tolist()
    parent = list(range(len(labels)))

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    lab = labels.tolist()
    for l_pos, r_pos in zip(left, right):
        a, b = root(lab[l_pos]), root(lab[r_pos])
        if a == b or (size[a] > 1 and size[b] > 1):
            continue
        keep, drop = (a, b) if size[a] >= size[b] else (b, a)
        parent[drop] = keep
        size[keep] += size[drop]
        size[drop] = 0
    roots = np.asarray(parent)
    while True:  # pointer jumping to every label's root, vectorised
        nxt = roots[roots]
        if np.array_equal(nxt, roots):
            return roots[labels]
        roots = nxt


#: clusters larger than this are not checked pair by pair for incoherent evidence
MAX_CHECKED_CLUSTER = 500


def _eq(x: pd.Series, y: pd.Series) -> np.ndarray:
    return x.notna().to_numpy(dtype=bool) & (x.fillna("").to_numpy(dtype=object) == y.fillna("").to_numpy(dtype=object))


def _conflicts(a: pd.DataFrame, b: pd.DataFrame) -> pd.Series:
    """Why two records cannot be one person ('' when they can): different NHS numbers or NINOs,
    dates of birth years apart (not a typo), or different forenames on the same date of birth at
    the same address (twins). Row-aligned frames of prepared records; vectorised."""
    n = len(a)
    reason = np.full(n, "", dtype=object)

    def both(col: str) -> np.ndarray:
        return (a[col].notna() & b[col].notna()).to_numpy(dtype=bool)

    def same(col: str) -> np.ndarray:
        return both(col) & (a[col].fillna("").to_numpy(dtype=object) == b[col].fillna("").to_numpy(dtype=object))

    def differ(col: str) -> np.ndarray:
        return both(col) & ~same(col)

    # the same person's record: the same date of birth and the same forename (or its nickname)
    agree = same("dob") & (same("fn") | same("fn_nick"))
    for col, why in (("nhs", "different NHS numbers"), ("nino", "different NINOs")):
        d = differ(col)
        idx = np.flatnonzero(d & agree)
        if len(idx):
            # valid numbers one typo or transposition apart (the comparison's "one typo or
            # transposition" level): one person's number mistyped when the date of birth and
            # forename agree, two people otherwise
            d[idx[_within_edits(a[col].to_numpy(dtype=object)[idx], b[col].to_numpy(dtype=object)[idx], 1)]] = False
        reason[(reason == "") & d] = why
    # the same identifier (NHS number, NINO, another identifier) outweighs a changed date or name
    shared_id = same("nhs") | same("nino") | same("ident") | same("ident2")
    has = both("dob") & ~shared_id
    if has.any():
        da = a["dob"].fillna("0000-00-00").to_numpy(dtype="U10")
        db = b["dob"].fillna("0000-00-00").to_numpy(dtype="U10")
        ca = da.view(np.int32).reshape(n, 10)
        cb = db.view(np.int32).reshape(n, 10)
        mismatch = ca != cb
        hamming = mismatch.sum(axis=1)
        swapped_digits = (
            (hamming == 2)
            & (mismatch[:, :-1] & mismatch[:, 1:]).any(axis=1)
            & ((ca[:, :-1] == cb[:, 1:]) & (ca[:, 1:] == cb[:, :-1])).any(axis=1)
        )
        ya = pd.to_numeric(a["dob"].str.slice(0, 4), errors="coerce").to_numpy(dtype=float)
        yb = pd.to_numeric(b["dob"].str.slice(0, 4), errors="coerce").to_numpy(dtype=float)
        apart = has & (np.abs(ya - yb) >= 2) & (hamming >= 2) & ~swapped_digits
        reason[(reason == "") & apart] = "dates of birth years apart"
        same_home = same("addr") | same("pc")
        twin = (
            (reason == "")
            & has
            & (hamming == 0)
            & same_home
            & differ("fn")
            & ~same("fn_nick")
            & ~(both("sn") & (_eq(a["fn"], b["sn"]) | _eq(a["sn"], b["fn"])))  # names transposed, not twins
        )
        if twin.any():
            import jellyfish

            idx = np.flatnonzero(twin)
            combos = pd.DataFrame({"x": a["fn"].to_numpy(dtype=object)[idx], "y": b["fn"].to_numpy(dtype=object)[idx]})
            distinct = combos.drop_duplicates()
            far = {
                (x, y): jellyfish.damerau_levenshtein_distance(x, y) >= 2 and not (x.startswith(y) or y.startswith(x))
                for x, y in zip(distinct["x"], distinct["y"])
            }
            hit = np.array([far[(x, y)] for x, y in zip(combos["x"], combos["y"])], dtype=bool)
            reason[idx[hit]] = "different forenames on the same date of birth at the same address (twins)"
    soft = np.flatnonzero((reason != "") & ~np.isin(reason, ["different NHS numbers", "different NINOs"]))
    if len(soft):
        # an identifier one or two keystrokes apart (a typo) also outweighs a changed date or name
        near = np.zeros(len(soft), dtype=bool)
        for col in ("nhs", "nino", "ident", "ident2"):
            x = a[col].to_numpy(dtype=object)[soft]
            y = b[col].to_numpy(dtype=object)[soft]
            near |= _within_edits(x, y, 2)
        reason[soft[near]] = ""
    return pd.Series(reason, index=a.index)


def _within_edits(x: np.ndarray, y: np.ndarray, edits: int) -> np.ndarray:
    """True where both identifiers are present and at most ``edits`` Damerau-Levenshtein edits
    apart (a typo or a transposition is one); computed once per distinct pair."""
    import jellyfish

    ok = np.array([isinstance(u, str) and isinstance(v, str) for u, v in zip(x, y)], dtype=bool)
    out = np.zeros(len(x), dtype=bool)
    if ok.any():
        combos = pd.DataFrame({"x": x[ok], "y": y[ok]})
        distinct = combos.drop_duplicates()
        dist = {
            (u, v): jellyfish.damerau_levenshtein_distance(u, v) <= edits for u, v in zip(distinct["x"], distinct["y"])
        }
        out[ok] = [dist[(u, v)] for u, v in zip(combos["x"], combos["y"])]
    return out


#: a change the trained model says happens between records of one person more often than this
#: (its m probability) is not evidence of two people, so it does not split clusters
RARE_CHANGE = 0.05
_CHECKS = {
    "dates of birth years apart": ("date_of_birth", "date of birth"),
    "different forenames on the same date of birth at the same address (twins)": ("forename", "forename"),
}


def _coherence_checks(model: Mapping[str, Any], notes: list[str]) -> set[str]:
    """The soft coherence checks the trained model supports: a different forename (or date of
    birth) splits clusters only where the model learned that records of one person rarely differ
    in it (m probability of its 'different' level below :data:`RARE_CHANGE`)."""
    m_of = {}
    for comp in model.get("comparisons", []):
        for level in comp.get("comparison_levels", []):
            if level.get("label_for_charts") == "different":
                m_of[comp.get("output_column_name")] = level.get("m_probability")
    checks = set()
    for reason, (name, label) in _CHECKS.items():
        m = m_of.get(name)
        if isinstance(m, int | float) and m >= RARE_CHANGE:
            notes.append(
                f"the model learned that records of one person often have a different {label} here "
                f"(m = {m:.2f}), so that is not used to split clusters"
            )
        else:
            checks.add(reason)
    return checks


def _conflict_pairs(
    cluster_ids: pd.Series, prepared: pd.DataFrame, checks: set[str] | None
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Record pairs inside one checked cluster (2..MAX_CHECKED_CLUSTER records) that cannot be one
    person, as positions ``a``/``b`` with ``why`` and cluster ``c``, and the checked members
    (``pos``, ``c``); ``None`` when there is none."""
    labels = cluster_ids.to_numpy(dtype=object)
    size = pd.Series(labels).map(pd.Series(labels).value_counts()).to_numpy()
    members = np.flatnonzero((size > 1) & (size <= MAX_CHECKED_CLUSTER))
    if not len(members):
        return None
    frame = pd.DataFrame({"pos": members, "c": labels[members]})
    m = frame.merge(frame, on="c", suffixes=("_a", "_b"))
    m = m[m["pos_a"] < m["pos_b"]]
    pa, pb = m["pos_a"].to_numpy(), m["pos_b"].to_numpy()
    cols = ["nhs", "nino", "ident", "ident2", "dob", "fn", "fn_nick", "sn", "addr", "pc"]
    why = _conflicts(prepared[cols].iloc[pa].reset_index(drop=True), prepared[cols].iloc[pb].reset_index(drop=True))
    if checks is not None:
        why = why.where(~why.isin(set(_CHECKS) - set(checks)), "")
    bad = why.to_numpy() != ""
    if not bad.any():
        return None
    conflict_pairs = pd.DataFrame({"a": pa[bad], "b": pb[bad], "why": why.to_numpy()[bad], "c": m["c"].to_numpy()[bad]})
    return conflict_pairs, frame


def _links_strongest_first(
    ids: pd.Series, pairs: pd.DataFrame, threshold: float, labels: np.ndarray, conflicted: set[Any]
) -> pd.DataFrame:
    """The links (positions ``l``/``r``, probability ``p``, cluster ``c``) inside the clusters that
    hold a conflict, strongest first; equal probabilities by the pair's record ids (not the
    engine's row order)."""
    pos_of = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    edges = pairs[pairs["match_probability"] >= threshold]
    el = pos_of.reindex(edges["unique_id_l"].astype(str)).to_numpy()
    er = pos_of.reindex(edges["unique_id_r"].astype(str)).to_numpy()
    edge_frame = pd.DataFrame({"l": el, "r": er, "p": edges["match_probability"].to_numpy(dtype=float)}).dropna()
    edge_frame = edge_frame.astype({"l": np.int64, "r": np.int64})
    edge_frame["c"] = labels[edge_frame["l"].to_numpy()]
    edge_frame = edge_frame[
        (labels[edge_frame["r"].to_numpy()] == edge_frame["c"].to_numpy()) & edge_frame["c"].isin(conflicted).to_numpy()
    ]
    ends = np.concatenate([edge_frame["l"].to_numpy(), edge_frame["r"].to_numpy()])
    id_rank = pd.factorize(ids.to_numpy(dtype=object)[ends], sort=True)[0].reshape(2, -1)
    lo, hi = id_rank.min(axis=0), id_rank.max(axis=0)
    return edge_frame.iloc[np.lexsort((hi, lo, -edge_frame["p"].to_numpy()))]


def _by_cluster(codes: np.ndarray, n: int, *columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """``columns`` sorted by cluster code (stable) and the slice bounds of clusters 0..n-1."""
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(n + 1))
    return (starts, *(c[order] for c in columns))


def _replay(nodes: np.ndarray, left: np.ndarray, right: np.ndarray, cannot: set[tuple[int, int]]) -> list[set[int]]:
    """Add the links (strongest first) back between ``nodes``, skipping any that would join two
    records in ``cannot``; returns the resulting groups of positions."""
    parent = {int(v): int(v) for v in nodes}
    comp = {int(v): {int(v)} for v in nodes}

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for a, b in zip(left, right):
        ra, rb = find(int(a)), find(int(b))
        if ra == rb or any((x, y) in cannot for x in comp[ra] for y in comp[rb]):
            continue
        if len(comp[ra]) < len(comp[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        comp[ra] |= comp.pop(rb)
    return [comp[root] for root in {find(int(v)) for v in nodes}]


def split_incoherent(
    ids: pd.Series,
    pairs: pd.DataFrame,
    threshold: float,
    cluster_ids: pd.Series,
    prepared: pd.DataFrame,
    *,
    checks: set[str] | None = None,
) -> tuple[pd.Series, pd.DataFrame]:
    """Split clusters holding incompatible strong evidence (see :func:`_conflicts`) on their weakest
    links: the cluster's links are added back strongest first, skipping any that would join two
    records that cannot be one person. ``checks`` limits the soft reasons used (different NHS
    numbers or NINOs always count). Returns the new cluster ids and one row per record moved
    (``record``, ``cluster_id_before``, ``cluster_id``, ``reason``)."""
    empty = pd.DataFrame(columns=["record", "cluster_id_before", "cluster_id", "reason"])
    found = _conflict_pairs(cluster_ids, prepared, checks)
    if found is None:
        return cluster_ids, empty
    conflict_pairs, frame = found
    labels = cluster_ids.to_numpy(dtype=object)
    strongest = _links_strongest_first(ids, pairs, threshold, labels, set(conflict_pairs["c"]))
    # each conflicting cluster (in order of its first conflict) gets its conflicts, records and
    # links as slices of arrays sorted by cluster: no pandas object per cluster
    cp_code, conflicted = pd.factorize(conflict_pairs["c"])
    lookup, n = pd.Index(conflicted), len(conflicted)
    cp_starts, ca, cb, cwhy = _by_cluster(
        cp_code, n, conflict_pairs["a"].to_numpy(), conflict_pairs["b"].to_numpy(), conflict_pairs["why"].to_numpy()
    )
    e_starts, el, er = _by_cluster(
        lookup.get_indexer(strongest["c"]), n, strongest["l"].to_numpy(), strongest["r"].to_numpy()
    )
    in_conflict = frame[frame["c"].isin(lookup)]
    n_code, n_pos = lookup.get_indexer(in_conflict["c"]), in_conflict["pos"].to_numpy()
    n_order = np.lexsort((n_pos, n_code))
    n_starts, n_sorted = np.searchsorted(n_code[n_order], np.arange(n + 1)), n_pos[n_order]
    new_labels, moved = labels.copy(), []
    ids_arr = ids.to_numpy(dtype=object)
    for j, c in enumerate(conflicted):
        lo, hi = cp_starts[j], cp_starts[j + 1]
        cannot = {(int(x), int(y)) for x, y in zip(ca[lo:hi], cb[lo:hi])}
        cannot |= {(y, x) for x, y in cannot}
        edges = slice(e_starts[j], e_starts[j + 1])
        groups = _replay(n_sorted[n_starts[j] : n_starts[j + 1]], el[edges], er[edges], cannot)
        reason = "; ".join(sorted(set(cwhy[lo:hi])))
        for group in groups:
            part = sorted(group, key=lambda v: ids_arr[v])
            new_id = min(ids_arr[v] for v in part)
            for v in part:
                new_labels[v] = new_id
                if new_id != c:
                    moved.append((ids_arr[v], c, new_id, reason))
    splits = pd.DataFrame(moved, columns=["record", "cluster_id_before", "cluster_id", "reason"]) if moved else empty
    return pd.Series(new_labels, index=cluster_ids.index, name="cluster_id"), splits


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


@dataclass
class _Prepared:
    """The preparation stage's output: one prepared frame per source and their union."""

    config: LinkageConfig
    per_source: dict[str, LinkageConfig]
    out_id: str
    prepared: list[pd.DataFrame]
    allp: pd.DataFrame
    features: set[str]


@dataclass
class _Scored:
    """The scoring stage's output: readable pairs, the model and the match threshold."""

    pairs: pd.DataFrame
    model: dict[str, Any]
    threshold: float | None
    estimates: dict[str, float] = field(default_factory=dict)
    linker: Any = None
    predictions: Any = None


_EMPTY_PAIRS = ["unique_id_l", "unique_id_r", "source_l", "source_r", "match_probability", "match_weight"]


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
    """prepare -> train and score -> cluster (with coherence splits) -> golden records."""
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
    step("preparing records", 0.05)
    prep = _prepare_stage(frames, config, source_configs, link_type)
    timings["prepare"] = time.perf_counter() - t0
    scored = _score_stage(prep, link_type, backend, model_in, notes, step, timings)
    step("clustering", 0.75)
    t = time.perf_counter()
    threshold = 0.95 if scored.threshold is None else scored.threshold
    ids = prep.allp["unique_id"].astype(str)
    review_from = review_floor(prep.config, threshold, notes)
    clusters, cluster_ids, splits, review = _cluster_stage(
        prep, ids, scored, threshold, review_from, len(frames), notes
    )
    timings["cluster"] = time.perf_counter() - t
    step("golden records", 0.85)
    t = time.perf_counter()
    golden, claims, props = _golden_stage(frames, prep, cluster_ids)
    timings["golden"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    step("done", 1.0)
    rename = {"unique_id_l": f"{prep.out_id}_l", "unique_id_r": f"{prep.out_id}_r"}
    return LinkageResult(
        pairs=scored.pairs.rename(columns=rename),
        clusters=clusters,
        golden_records=golden,
        review=review.rename(columns=rename),
        config=prep.config,
        model=scored.model,
        persons_in_multiple_claims=claims,
        persons_with_multiple_properties=props,
        notes=notes,
        timings=timings,
        splits=splits,
        match_threshold=threshold,
        review_threshold=review_from,
        estimates=scored.estimates,
        linker=scored.linker,
        predictions=scored.predictions,
    )


def _prepare_stage(
    frames: Mapping[str, pd.DataFrame],
    config: LinkageConfig | None,
    source_configs: Mapping[str, LinkageConfig | Mapping[str, Any]] | None,
    link_type: str,
) -> _Prepared:
    """Check and prepare every source (ids prefixed with the source name when linking)."""
    first = next(iter(frames.values()))
    config = config or LinkageConfig.infer([str(c) for c in first.columns])
    if not isinstance(config, LinkageConfig):
        config = LinkageConfig.from_dict(config)
    per_source = {name: _as_config((source_configs or {}).get(name)) or config for name in frames}
    id_names = {c.id_column for c in per_source.values()}
    out_id = config.id_column if len(id_names) == 1 else "record_id"
    prepared = []
    for name, df in frames.items():
        check_input(df, per_source[name], name=name, partial=len(frames) > 1)
        p = prepare(df, per_source[name], source=name if len(frames) > 1 else None)
        if len(frames) > 1:
            p["unique_id"] = name + ":" + p["unique_id"]
        prepared.append(p)
    allp = pd.concat(prepared, ignore_index=True) if len(prepared) > 1 else prepared[0]
    if link_type != "dedupe_only" and allp["unique_id"].duplicated().any():
        raise ConfigError("two frames share a name; give each a distinct source name")
    return _Prepared(config, per_source, out_id, prepared, allp, available_features(allp))


def _settings(
    prep: _Prepared, table_arg: Any, link_type: str, model_in: Any, deterministic: bool, notes: list[str]
) -> Any:
    """The model's settings: a saved model, deterministic rules, or rules within the budget."""
    features, config = prep.features, prep.config
    if model_in is not None:
        return _load_model(model_in)
    if deterministic:
        rules = presets.deterministic_rules(features)
        if not rules:
            raise ConfigError(
                "deterministic training needs an identifier (NHS number, NINO or identifier) and a date of birth"
            )
        return settings_creator(link_type, features, config, rules=rules)
    rules = _budget_rules(table_arg, link_type, features, config, len(prep.allp), notes)
    return settings_creator(link_type, features, config, rules=rules)


def _score_stage(
    prep: _Prepared,
    link_type: str,
    backend: Any,
    model_in: Any,
    notes: list[str],
    step: ProgressFn,
    timings: dict[str, float],
) -> _Scored:
    """Train the model (or load it) and score the candidate pairs; choose the match threshold."""
    config, allp, features = prep.config, prep.allp, prep.features
    if len(allp) < 2:
        model = {"note": "fewer than two records: nothing to compare", "config": config.to_dict()}
        return _Scored(pd.DataFrame(columns=_EMPTY_PAIRS), model, config.match_threshold)
    from splink import Linker

    step("training the model", 0.2)
    t = time.perf_counter()
    db_api = _db_api(backend)
    # only the prepared match columns go to the engine; drop what no comparison or rule reads
    keep = ["unique_id", "source", *sorted(features)]
    inputs = [f[keep] for f in prep.prepared] if link_type != "dedupe_only" else [allp[keep]]
    tables = [db_api.register(frame, dataset_display_name=f"dataclean_{i}") for i, frame in enumerate(inputs)]
    del inputs
    table_arg = tables if len(tables) > 1 else tables[0]
    deterministic = config.training == "deterministic"
    settings = _settings(prep, table_arg, link_type, model_in, deterministic, notes)
    # log_level=None: splink leaves logging alone (the application configures it)
    linker = Linker(table_arg, settings, log_level=None)
    if model_in is not None:
        notes.append("parameters loaded from a saved model; not retrained")
    elif not deterministic:
        _train(linker, len(allp), features, config, settings.comparisons, notes)
    timings["train"] = time.perf_counter() - t
    step("scoring candidate pairs", 0.5)
    t = time.perf_counter()
    predictions_table, predictions = _predict(linker, allp, features, config, deterministic, notes)
    model = linker.misc.save_model_to_json()
    model["dataclean"] = {"config": config.to_dict(), "features": sorted(features), "notes": notes}
    timings["predict"] = time.perf_counter() - t
    pairs = _readable_pairs(predictions, model)
    del predictions
    threshold = config.match_threshold
    if threshold is None:
        threshold, estimates = choose_threshold(pairs["match_probability"].to_numpy(dtype=float))
        log.info("match threshold %.2f chosen from the trained model", threshold)
    else:
        estimates = estimate_quality(pairs["match_probability"].to_numpy(dtype=float), threshold)
    model["dataclean"]["match_threshold"] = threshold
    model["dataclean"]["estimates"] = estimates
    return _Scored(pairs, model, threshold, estimates, linker, predictions_table)


def _predict(
    linker: Any, allp: pd.DataFrame, features: set[str], config: LinkageConfig, deterministic: bool, notes: list[str]
) -> tuple[Any, pd.DataFrame]:
    """The engine's predictions table and its rows in pandas (hybrid: deterministic matches added)."""
    if deterministic:
        table = linker.inference.deterministic_link()
        predictions = table.as_pandas_dataframe()
        predictions["match_probability"], predictions["match_weight"] = 1.0, 20.0
        return table, predictions
    floor = min(config.review_threshold, REVIEW_FLOOR)
    table = linker.inference.predict(threshold_match_probability=floor)
    predictions = table.as_pandas_dataframe()
    if config.training == "hybrid":
        det = _deterministic_pairs(allp, features)
        if det.empty:
            notes.append("hybrid: no identifier with date of birth, so no deterministic matches to add")
        predictions = _boost(predictions, det)
    return table, predictions


def review_floor(config: LinkageConfig, threshold: float, notes: list[str]) -> float:
    """The review band's lower bound: the suite's review threshold, unless the match threshold was
    chosen automatically at or below it; then the model is uncertain about the pairs scored from
    :data:`REVIEW_FLOOR` up to the match threshold, and those go to review (said in ``notes``)."""
    review = float(config.review_threshold)
    if review < threshold:  # always so for a threshold the suite sets (the config checks it)
        return review
    review = min(REVIEW_FLOOR, threshold)
    msg = (
        f"the match threshold chosen from the model ({threshold:.2f}) leaves no room above the review "
        f"threshold ({config.review_threshold:.2f}): pairs from {review:.2f} up to it go to review"
    )
    log.info(msg)
    notes.append(msg)
    return review


def _cluster_stage(
    prep: _Prepared,
    ids: pd.Series,
    scored: _Scored,
    threshold: float,
    review_from: float,
    n_frames: int,
    notes: list[str],
) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, pd.DataFrame]:
    """Clusters (chaining guard, then coherence splits), the clusters table and the review queue."""
    allp, config, pairs = prep.allp, prep.config, scored.pairs
    cluster_ids = cluster(ids, pairs, threshold, nhs=allp["nhs"])
    checks = _coherence_checks(scored.model, notes)
    cluster_ids, splits = split_incoherent(ids, pairs, threshold, cluster_ids, allp, checks=checks)
    if len(splits):
        log.info("%d clusters split on their weakest links", splits["cluster_id_before"].nunique())
    original_id = ids.str.split(":", n=1).str[-1] if n_frames > 1 else ids
    clusters = pd.DataFrame(
        {
            prep.out_id: original_id.to_numpy(),
            "source": allp["source"].to_numpy(),
            "cluster_id": cluster_ids.to_numpy(),
        }
    )
    if n_frames == 1 and "source" not in config.columns:
        clusters = clusters.drop(columns=["source"])
    review = pairs[(pairs["match_probability"] >= review_from) & (pairs["match_probability"] < threshold)].sort_values(
        "match_probability"
    )
    return clusters, cluster_ids, splits, review


def _golden_stage(
    frames: Mapping[str, pd.DataFrame], prep: _Prepared, cluster_ids: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None]:
    """Golden records from the original rows, and the fraud views."""
    out_id = prep.out_id
    renamed = {n: resolve_column(f, prep.per_source[n].id_column) for n, f in frames.items()}
    if len(frames) == 1 and next(iter(renamed.values())) == out_id:
        # golden records read the columns by position: the caller's frame, not a copy of it
        originals = next(iter(frames.values()))
    else:
        originals = pd.concat(
            [f.reset_index(drop=True).rename(columns={renamed[n]: out_id}) for n, f in frames.items()],
            ignore_index=True,
        )
    golden = golden_records(originals, prep.allp, cluster_ids.to_numpy(), replace(prep.config, id_column=out_id))
    claims, props = _fraud_views(pd.DataFrame({"cluster_id": cluster_ids.to_numpy()}), prep.allp)
    return golden, claims, props


def choose_threshold(probabilities: np.ndarray) -> tuple[float, dict[str, float]]:
    """The match threshold from the trained model: the one (0.5 to 0.99) that maximises the F1 the
    model's own match probabilities predict, and the precision / recall it predicts there.

    Taking each scored pair's probability at its word, the expected true matches above a
    threshold are the sum of their probabilities, the expected false matches the sum of one minus
    them, and the expected true matches in all scored pairs the sum of every probability. These
    are estimates: they are only as good as the model's calibration.
    """
    grid = np.round(np.arange(0.5, 0.995, 0.01), 2)
    best, best_f1, best_est = 0.95, -1.0, {}
    for t in grid:
        est = estimate_quality(probabilities, float(t))
        if est and est["f1"] > best_f1 + 1e-9:
            best, best_f1, best_est = float(t), est["f1"], est
    return best, best_est


def estimate_quality(probabilities: np.ndarray, threshold: float) -> dict[str, float]:
    """Precision, recall and F1 the model's probabilities predict at ``threshold`` (estimates)."""
    p = np.asarray(probabilities, dtype=float)
    total = float(p.sum())
    if not len(p) or total <= 0:
        return {}
    above = p >= threshold
    tp = float(p[above].sum())
    found = int(above.sum())
    precision = tp / found if found else 1.0
    recall = tp / total
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _deterministic_pairs(allp: pd.DataFrame, features: set[str]) -> pd.DataFrame:
    """Pairs (unique_id_l < unique_id_r) meeting a deterministic rule: same identifier and DOB."""
    found = []
    for key in presets.deterministic_keys(features):
        g = allp.dropna(subset=[key, "dob"])[["unique_id", "source", key, "dob"]]
        g = g[g.duplicated([key, "dob"], keep=False)]
        m = g.merge(g, on=[key, "dob"], suffixes=("_l", "_r"))
        m = m[m["unique_id_l"] < m["unique_id_r"]]
        found.append(m[["unique_id_l", "unique_id_r", "source_l", "source_r"]])
    if not found:
        return pd.DataFrame(columns=["unique_id_l", "unique_id_r", "source_l", "source_r"])
    return pd.concat(found, ignore_index=True).drop_duplicates(["unique_id_l", "unique_id_r"])


def _boost(predictions: pd.DataFrame, det: pd.DataFrame) -> pd.DataFrame:
    """Hybrid: pairs that meet a deterministic rule are matches whatever the model says, and are
    added when no prediction blocking rule or threshold kept them."""
    if det.empty:
        return predictions
    predictions = predictions.copy()
    a = predictions["unique_id_l"].astype(str)
    b = predictions["unique_id_r"].astype(str)
    key = a.where(a < b, b) + "\x1f" + b.where(a < b, a)
    det_key = det["unique_id_l"].astype(str) + "\x1f" + det["unique_id_r"].astype(str)
    hit = key.isin(set(det_key)).to_numpy()
    predictions.loc[hit, "match_probability"] = 1.0
    predictions.loc[hit, "match_weight"] = np.maximum(predictions.loc[hit, "match_weight"].astype(float), 20.0)
    missing = det[~det_key.isin(set(key))]
    if len(missing):
        extra = missing.assign(match_probability=1.0, match_weight=20.0)
        predictions = pd.concat([predictions, extra], ignore_index=True)
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
