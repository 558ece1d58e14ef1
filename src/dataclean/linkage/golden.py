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

from typing import Any

import numpy as np
import pandas as pd

from dataclean.linkage.config import LinkageConfig

_TEXT = pd.StringDtype("pyarrow")


def golden_records(
    originals: pd.DataFrame, prepared: pd.DataFrame, cluster_ids: np.ndarray, config: LinkageConfig
) -> pd.DataFrame:
    """One row per cluster: ``cluster_id``, ``survivor_id``, ``records``, each field and its lineage.

    Rows are ordered by ``cluster_id``. Every choice is made on integer positions and each output
    column is one ``take`` from the input column, so text stays in its own storage (Arrow strings
    are not turned into a Python object per value) and nothing is copied per cluster."""
    id_col = config.id_column
    fields = [c for c in originals.columns if c != id_col]
    cluster_ids = np.asarray(cluster_ids)
    codes, uniques = pd.factorize(cluster_ids)
    uniques = np.asarray(uniques, dtype=object)
    sizes = np.bincount(codes, minlength=len(uniques))
    # ids as text (Arrow strings): the output's id and lineage columns are takes from them
    ids = originals[id_col].astype(str).astype(_TEXT).array
    # one output row per cluster, in cluster_id order; every position below is a row of originals
    out_order = np.argsort(uniques, kind="stable")
    out_code = np.empty(len(uniques), dtype=np.int64)
    out_code[out_order] = np.arange(len(uniques))
    single = sizes[codes] == 1
    lone = np.flatnonzero(single)
    multi = np.flatnonzero(~single)
    survivor = np.full(len(uniques), -1, dtype=np.int64)
    survivor[out_code[codes[lone]]] = lone
    chooser = _Keys(originals, prepared, multi, codes, ids, fields, config) if len(multi) else None
    if chooser is not None:
        survivor[out_code[chooser.survivor_codes]] = chooser.survivor_rows
    out = pd.DataFrame(
        {
            "cluster_id": uniques[out_order],
            "survivor_id": ids.take(survivor),
            id_col: ids.take(survivor),
            "records": sizes[out_order],
        }
    )
    for f in fields:
        column = originals[f]
        picked = np.full(len(uniques), -1, dtype=np.int64)
        picked[out_code[codes[lone]]] = lone  # a one-record cluster's value is the record's own
        if chooser is not None:
            rule = config.survivorship.get(f, config.survivorship.get("default", "most_frequent"))
            cl, rows = chooser.pick(column, rule)
            picked[out_code[cl]] = rows
        # Arrow (or other extension) storage taken as it is; plain numpy columns as numpy arrays
        stored = column.array if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) else column.to_numpy()
        values = pd.api.extensions.take(stored, picked, allow_fill=True)
        has = picked >= 0
        has[has] = column.notna().to_numpy(dtype=bool)[picked[has]]
        out[f] = values
        out[f"{f}__from"] = ids.take(np.where(has, picked, -1), allow_fill=True)
    return out


class _Keys:
    """Integer sort keys over the records of multi-record clusters, shared by every field, so
    each survivorship choice is one numpy lexsort (no string sorting per field).

    The *survivor* of a cluster is its most complete record (most non-empty fields), then the
    most recently updated, then the highest-priority source, then the smallest id."""

    def __init__(
        self,
        originals: pd.DataFrame,
        prepared: pd.DataFrame,
        rows: np.ndarray,
        codes: np.ndarray,
        ids: Any,
        fields: list[str],
        config: LinkageConfig,
    ) -> None:
        self.rows = rows
        self.cl = codes[rows]
        self.ids = pd.Series(ids.take(rows))
        self.id_rank = pd.factorize(self.ids, sort=True)[0]  # dense rank of the ids
        updated_col = config.columns.get("last_updated")
        updated = originals[updated_col].iloc[rows].astype(str).to_numpy(dtype=object) if updated_col else None
        self.updated_rank = (
            pd.Series(updated).rank(method="dense").to_numpy() if updated is not None else np.ones(len(rows))
        )
        priority = {s: i for i, s in enumerate(config.source_priority)}
        sources = pd.Series(prepared["source"].to_numpy()[rows])
        self.priority = sources.map(priority).fillna(len(priority)).to_numpy(dtype=float)
        complete = np.zeros(len(rows), dtype=np.int64)
        for f in fields:
            complete += originals[f].notna().to_numpy(dtype=bool)[rows]
        order = np.lexsort((self.id_rank, self.priority, -self.updated_rank, -complete, self.cl))
        first = self._firsts(order)
        self.survivor_codes, self.survivor_rows = self.cl[first], rows[first]
        # a record counts as a survivor when its id is a survivor's id (ids are unique per file)
        self.surv = self.ids.isin(self.ids.iloc[first]).to_numpy(dtype=int)

    def _firsts(self, order: np.ndarray) -> np.ndarray:
        """The first position of each cluster in ``order`` (sorted by cluster first)."""
        sorted_cl = self.cl[order]
        return order[np.r_[True, sorted_cl[1:] != sorted_cl[:-1]]] if len(order) else order

    def pick(self, column: pd.Series, rule: str) -> tuple[np.ndarray, np.ndarray]:
        """For each cluster with a value: its code and the row (of originals) that gives it."""
        idx = np.flatnonzero(column.notna().to_numpy(dtype=bool)[self.rows])
        cl = self.cl[idx]
        id_rank, upd, surv = self.id_rank[idx], self.updated_rank[idx], self.surv[idx]
        if rule == "most_frequent":
            values = column.iloc[self.rows[idx]]
            vcodes, uniques = pd.factorize(values)
            key = cl.astype(np.int64) * (len(uniques) + 1) + vcodes
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
        return cl[first], self.rows[idx][first]
