"""What a clean run produces, with no dependency on how it runs: the result type, the audit and
quarantine columns, record ids and masking. The in-memory, chunked and Spark runners all use it
(it imports no runner, so :mod:`dataclean.jobs.spark` can use it without an import cycle).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dataclean._core import WHITESPACE, arrow_text
from dataclean.scorecard.model import Scorecard
from dataclean.suite import Suite

AUDIT_COLUMNS = ("row", "record_id", "column", "rule", "before", "after")
#: Dimensions whose critical failures send a row to quarantine.
QUARANTINE_DIMENSIONS = frozenset({"completeness", "validity", "consistency", "accuracy"})


@dataclass
class CleanResult:
    clean: pd.DataFrame
    quarantine: pd.DataFrame
    audit: pd.DataFrame
    before: Scorecard
    after: Scorecard
    merged: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["record_id", "survivor_id"]))
    rows_in: int = 0
    timings: Mapping[str, float] = field(default_factory=dict)
    linkage: Any = None
    #: Row counts when the frames are not held in memory (chunked runs write them to disk).
    counts: Mapping[str, int] | None = None
    #: Notes about the input that are not errors (trimmed headers...), for logs and summaries.
    notes: list[str] = field(default_factory=list)
    #: Files written by :func:`dataclean.jobs.clean.clean_file` (final names, after the commit).
    outputs: list[Path] = field(default_factory=list)

    def _counts(self) -> Mapping[str, int]:
        return self.counts or {
            "rows_clean": len(self.clean),
            "rows_quarantined": len(self.quarantine),
            "rows_merged": len(self.merged),
            "cells_changed": len(self.audit),
        }

    @property
    def accounted(self) -> bool:
        c = self._counts()
        return self.rows_in == c["rows_clean"] + c["rows_quarantined"] + c["rows_merged"]

    def summary(self) -> dict[str, Any]:
        return {
            "rows_in": self.rows_in,
            **self._counts(),
            "score_before": self.before.overall_score,
            "score_after": self.after.overall_score,
            "passed": self.after.passed,
        }

    def summary_text(self) -> str:
        s = self.summary()
        before = "n/a" if s["score_before"] is None else f"{100 * s['score_before']:.1f}%"
        after = "n/a" if s["score_after"] is None else f"{100 * s['score_after']:.1f}%"
        return (
            f"{s['rows_in']:,} rows in: {s['rows_clean']:,} clean, {s['rows_quarantined']:,} quarantined, "
            f"{s['rows_merged']:,} merged into a survivor; {s['cells_changed']:,} cells standardised; "
            f"score {before} -> {after}"
        )

    def _repr_html_(self) -> str:
        from html import escape

        return (
            f"<p><b>dataclean.clean</b>: {escape(self.summary_text())}</p>"
            f"<h4>After cleansing</h4>{self.after._repr_html_()}"
        )


def ids(df: pd.DataFrame, suite: Suite) -> pd.Series:
    """Record ids (the suite's id column as text), or the row labels when there is none."""
    if suite.id_column and suite.id_column in df.columns:
        return df[suite.id_column].astype("string")
    return pd.Series(df.index.astype(str), index=df.index, dtype="string")


def _masked(values: pd.Series | np.ndarray, show_values: bool) -> np.ndarray:
    """Values as text (object array, None for missing when shown), masked unless shown."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        text = values.reset_index(drop=True)  # already text: no round trip through Python objects
    else:
        text = pd.Series(values).astype("string")
    if show_values:
        return text.to_numpy(dtype=object, na_value=None)
    return mask_texts(text)


def mask_texts(text: pd.Series) -> np.ndarray:
    """:func:`dataclean._core.mask_value` of every value of a ``string`` Series, computed in Arrow
    once per distinct value (an object array): missing and blank values give ``<missing>``, values
    of up to six characters are all stars, longer ones keep two characters at each end."""
    codes, masked = _mask_distinct(text)
    table = masked.to_numpy(zero_copy_only=False).astype(object)
    return table[np.where(codes < 0, len(masked) - 1, codes)]


def _mask_distinct(text: pd.Series) -> tuple[np.ndarray, Any]:
    """(codes, masked): ``text`` factorised, and the masked form of each distinct value as a
    pyarrow ``string`` array with ``<missing>`` appended (where code -1, a missing value, points)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    distinct = arrow_text(uniques)
    length = pc.utf8_length(distinct)
    blank = pc.equal(pc.utf8_trim(distinct, WHITESPACE), "")
    middle = pc.binary_repeat("*", pc.max_element_wise(pc.subtract(length, 4), 0))
    ends = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(distinct, 0, 2), middle, pc.utf8_slice_codeunits(distinct, -2), ""
    )
    masked = pc.if_else(blank, "<missing>", pc.if_else(pc.less_equal(length, 6), pc.binary_repeat("*", length), ends))
    return codes, pa.concat_arrays([masked.cast(pa.string()), pa.array(["<missing>"], type=pa.string())])


def empty_audit() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="string") for c in AUDIT_COLUMNS})


def empty_merged() -> pd.DataFrame:
    return pd.DataFrame({"record_id": pd.Series(dtype="string"), "survivor_id": pd.Series(dtype="string")})


def audit(
    df: pd.DataFrame,
    suite: Suite,
    standardised: Mapping[str, Any],
    ids: pd.Series,
    *,
    show_values: bool = False,
) -> pd.DataFrame:
    """One row per changed cell (:data:`AUDIT_COLUMNS`), values masked unless ``show_values``.

    Built column by column in Arrow (Arrow-backed ``string`` columns): on realistic data nearly
    every phone, address and identifier changes, so a 250,000-row chunk gives about a million
    audit rows; as Python strings they took some 400 MB, a quarter of a chunked run's peak."""
    import pyarrow as pa

    parts = []
    for col, res in standardised.items():
        changed = res.changed.to_numpy(dtype=bool)
        if not changed.any():
            continue
        n = int(changed.sum())
        kind = suite.columns[col].kind
        parts.append(
            pa.table(
                {
                    "row": _label_text(df.index[changed]),
                    "record_id": arrow_text(pd.Series(ids[changed]).astype("string")),
                    "column": pa.repeat(pa.scalar(str(col), pa.string()), n),
                    "rule": pa.repeat(pa.scalar(f"standardise:{kind}", pa.string()), n),
                    "before": _masked_arrow(df[col][changed], show_values),
                    "after": _masked_arrow(res.value[changed], show_values),
                }
            )
        )
    if not parts:
        return empty_audit()
    table = pa.concat_tables(parts)
    dtype = pd.StringDtype("pyarrow")
    return table.to_pandas(types_mapper={pa.string(): dtype}.get, self_destruct=True)


def _label_text(labels: pd.Index) -> Any:
    """Row labels as a pyarrow ``string`` array (``str`` of each label)."""
    import pyarrow as pa

    if pd.api.types.is_integer_dtype(labels.dtype):
        return pa.array(labels.to_numpy()).cast(pa.string())
    return arrow_text(labels.astype(str))


def _masked_arrow(values: pd.Series, show_values: bool) -> Any:
    """:func:`_masked` as a pyarrow ``string`` array (nulls where a shown value is missing)."""
    import pyarrow as pa

    text = values if isinstance(values.dtype, pd.StringDtype) else values.astype("string")
    if show_values:
        return arrow_text(text)
    codes, distinct = _mask_distinct(text)
    return distinct.take(pa.array(np.where(codes < 0, len(distinct) - 1, codes)))


def quarantine_mask(failures: pd.DataFrame, index: pd.Index) -> tuple[np.ndarray, pd.Series]:
    """Which rows of ``index`` have a critical failure in a quarantine dimension, and their
    reasons (``column:reason; ...``, each once, in order of first appearance) by row label."""
    crit = failures[(failures["severity"] == "critical") & failures["dimension"].isin(QUARANTINE_DIMENSIONS)]
    if crit.empty:
        return np.zeros(len(index), dtype=bool), pd.Series(dtype="string")
    import pyarrow as pa
    import pyarrow.compute as pc

    # (row, label) pairs as codes, each pair once, in order of first appearance
    row_codes, rows = pd.factorize(crit["row"].astype(str).to_numpy(dtype=object))
    label = crit["column"] + ":" + crit["reason"].fillna(crit["expectation"])
    label_codes, label_names = pd.factorize(label.to_numpy(dtype=object))
    pair = row_codes.astype(np.int64) * len(label_names) + label_codes
    first = np.sort(np.unique(pair, return_index=True)[1])
    row_codes, label_codes = row_codes[first], label_codes[first]
    # each row's labels, in order of first appearance, joined once per distinct combination of
    # labels (a file with many failing rows has few combinations): no Python per row
    order = np.argsort(row_codes, kind="stable")
    by_row, label_of = row_codes[order], label_codes[order]
    starts = np.flatnonzero(np.r_[True, by_row[1:] != by_row[:-1]])
    counts = np.diff(np.r_[starts, len(by_row)])
    combos = np.full((len(starts), int(counts.max())), -1, dtype=np.int64)
    combos[by_row, np.arange(len(by_row)) - np.repeat(starts, counts)] = label_of
    combo = np.zeros(len(combos), dtype=np.int64)  # a dense id per combination, column by column
    for j in range(combos.shape[1]):
        combo = pd.factorize(combo * (len(label_names) + 1) + combos[:, j] + 1)[0].astype(np.int64)
    first_of = np.unique(combo, return_index=True)[1]
    texts = np.array(
        ["; ".join(str(label_names[c]) for c in combos[i] if c >= 0) for i in first_of], dtype=object
    )
    reasons = pd.Series(texts[combo], index=pd.Index(rows, dtype=object))
    # which rows of ``index`` have one: Arrow's hash lookup (pandas' on ``str`` indexes is slow)
    labels_in = pa.array(index.astype(str).to_numpy(dtype=object), type=pa.string())
    mask = pc.is_in(labels_in, value_set=pa.array(rows, type=pa.string()))
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool), reasons
