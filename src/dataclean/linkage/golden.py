"""Golden records: one row per person (cluster) by survivorship rules, with lineage.

Rules per field (``survivorship:`` in the config; ``default`` applies to fields not named):

* ``most_frequent`` - the value most records agree on (ties: the survivor's value);
* ``most_recent`` - the value from the most recently updated record (needs ``last_updated``);
* ``most_complete`` - the survivor's value (the survivor is the most complete record);
* ``source_priority`` - the value from the highest-priority source (``source_priority:``).

The *survivor* of a cluster is its most complete record (most non-empty fields), then the most
recently updated, then the highest-priority source, then the smallest id. For each field a
``<field>__from`` column names the record that supplied the value (lineage).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataclean.linkage.config import LinkageConfig


def golden_records(
    originals: pd.DataFrame, prepared: pd.DataFrame, cluster_ids: np.ndarray, config: LinkageConfig
) -> pd.DataFrame:
    """One row per cluster: ``cluster_id``, ``survivor_id``, ``records``, each field and its lineage."""
    id_col = config.id_column
    fields = [c for c in originals.columns if c != id_col]
    cluster_ids = np.asarray(cluster_ids)
    sizes = pd.Series(cluster_ids).map(pd.Series(cluster_ids).value_counts()).to_numpy()
    single = sizes == 1
    if single.any():
        # a one-record cluster's golden record is the record itself: no survivorship to work out
        lone = originals.reset_index(drop=True)[single]
        lone_out = pd.DataFrame(
            {"cluster_id": cluster_ids[single], "survivor_id": lone[id_col].astype(str).to_numpy(), "records": 1}
        )
        lone_out.insert(2, id_col, lone_out["survivor_id"])
        for f in fields:
            lone_out[f] = lone[f].to_numpy()
            lone_out[f"{f}__from"] = np.where(lone[f].notna().to_numpy(), lone_out["survivor_id"].to_numpy(), None)
        if single.all():
            return lone_out
        multi = golden_records(
            originals.reset_index(drop=True)[~single],
            prepared.reset_index(drop=True)[~single],
            cluster_ids[~single],
            config,
        )
        return pd.concat([multi, lone_out], ignore_index=True).sort_values("cluster_id", ignore_index=True)
    frame = originals.reset_index(drop=True).copy()
    frame["_id"] = originals[id_col].astype(str).to_numpy()
    frame["_cluster"] = cluster_ids
    frame["_source"] = prepared["source"].to_numpy()
    frame["_complete"] = originals[fields].notna().sum(axis=1).to_numpy()
    updated_col = config.columns.get("last_updated")
    frame["_updated"] = originals[updated_col].astype(str).to_numpy() if updated_col else ""
    priority = {s: i for i, s in enumerate(config.source_priority)}
    frame["_priority"] = frame["_source"].map(priority).fillna(len(priority)).to_numpy()
    # survivor: most complete, most recent, highest priority, smallest id
    ranked = frame.sort_values(
        ["_cluster", "_complete", "_updated", "_priority", "_id"], ascending=[True, False, False, True, True]
    )
    survivor = ranked.drop_duplicates("_cluster").set_index("_cluster")
    out = pd.DataFrame(
        {
            "cluster_id": survivor.index,
            "survivor_id": survivor["_id"].to_numpy(),
            "records": frame.groupby("_cluster").size().reindex(survivor.index).to_numpy(),
        }
    )
    is_survivor = frame["_id"].isin(set(survivor["_id"])).to_numpy()
    keys = _Keys(frame, is_survivor)
    for f in fields:
        rule = config.survivorship.get(f, config.survivorship.get("default", "most_frequent"))
        values, lineage = keys.pick(frame[f], rule)
        out[f] = values.reindex(survivor.index).to_numpy()
        out[f"{f}__from"] = lineage.reindex(survivor.index).to_numpy()
    out.insert(2, id_col, out["survivor_id"])
    return out


class _Keys:
    """Integer sort keys shared by every field, so each survivorship choice is one numpy lexsort
    (no string sorting per field)."""

    def __init__(self, frame: pd.DataFrame, is_survivor: np.ndarray) -> None:
        self.cluster_code, self.clusters = pd.factorize(frame["_cluster"])
        self.ids = frame["_id"].to_numpy(dtype=object)
        self.id_rank = pd.Series(self.ids).rank(method="dense").to_numpy()
        self.updated_rank = pd.Series(frame["_updated"].to_numpy(dtype=object)).rank(method="dense").to_numpy()
        self.priority = frame["_priority"].to_numpy(dtype=float)
        self.surv = is_survivor.astype(int)

    def pick(self, column: pd.Series, rule: str) -> tuple[pd.Series, pd.Series]:
        """The chosen value per cluster (by cluster label) and the id of the record that gave it."""
        idx = np.flatnonzero(column.notna().to_numpy())
        values = column.to_numpy(dtype=object)[idx]
        cl = self.cluster_code[idx]
        id_rank, upd, surv = self.id_rank[idx], self.updated_rank[idx], self.surv[idx]
        if rule == "most_frequent":
            codes, uniques = pd.factorize(values)
            key = cl.astype(np.int64) * (len(uniques) + 1) + codes
            _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
            order = np.lexsort((id_rank, -upd, -surv, -counts[inverse], cl))
        elif rule == "most_recent":
            order = np.lexsort((id_rank, -surv, -upd, cl))
        elif rule == "source_priority":
            order = np.lexsort((id_rank, -surv, self.priority[idx], cl))
        else:  # most_complete: the survivor's value, else the next most complete record's
            order = np.lexsort((id_rank, -surv, cl))
        sorted_cl = cl[order]
        first = order[np.r_[True, sorted_cl[1:] != sorted_cl[:-1]]] if len(order) else order
        labels = self.clusters[cl[first]]
        return pd.Series(values[first], index=labels), pd.Series(self.ids[idx][first], index=labels)
