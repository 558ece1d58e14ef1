"""The linkage report: one self-contained, offline HTML page per linkage run.

``linkage_report.html`` (written by :meth:`LinkageResult.write`, so by ``dataclean dedupe`` and
``dataclean link``) shows what the model learned (splink's match-weights and m/u parameter charts),
the distribution of match probabilities with the review and match thresholds marked, a waterfall
for each of the first pairs in the review queue, cluster sizes, clusters split for incoherent
evidence and the fraud views. The Vega libraries come from the splink wheel and are inlined once,
so the page opens without a network.

Identifiers never reach the page: the waterfall records are scored from the prepared values and
every value is masked (``94******19``) before splink draws them, and record ids are masked too when
the id column is an identifier (an NHS number, NINO, email or phone). A result without a splink
``Linker`` (fewer than two records, deterministic rules) still gets a report with what it has, and
says what is missing and why.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import logging
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dataclean._core import mask_value
from dataclean.roles import IDENTIFIER_ROLES

if TYPE_CHECKING:  # pragma: no cover
    from dataclean.linkage.api import LinkageResult

log = logging.getLogger(__name__)

REPORT_NAME = "linkage_report.html"
#: waterfalls drawn for the review queue (its first pairs, least likely first)
DEFAULT_WATERFALLS = 10
#: rows shown of each table (the CSV files hold them all)
TABLE_ROWS = 50
#: roles whose column, when it is also the id column, makes record ids identifiers to mask
_IDENTIFIER_ROLES = IDENTIFIER_ROLES
#: columns of a scored pair that are bookkeeping, not record values
_NOT_VALUES = ("unique_id", "source", "tf_")
_LIBRARIES = ("vega", "vega-lite", "vega-embed")
_TITLES = {"match_weights": "match weights", "m_u_parameters": "m and u parameters"}


class VegaLiteChart:
    """A chart dataclean draws itself, with the surface of splink's charts: ``chart_dict`` (the
    Vega-Lite spec), ``to_html()``, ``altair_chart`` and notebook display."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = dict(spec)

    @property
    def chart_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self.spec)

    @property
    def altair_chart(self) -> Any:
        import altair as alt

        kind = alt.LayerChart if "layer" in self.spec else alt.Chart
        return kind.from_dict(self.chart_dict)

    def to_html(self, *, inline: bool = True) -> str:
        """A complete offline HTML page holding this chart (``inline`` is always true here)."""
        return _page("Chart", _chart_block(self.chart_dict, _chart_id()))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": _libraries_html() + _chart_block(self.chart_dict, _chart_id()), "text/plain": repr(self)}

    def __repr__(self) -> str:
        return f"VegaLiteChart({self.spec.get('title', {}).get('text', 'untitled')!r})"


# ---------------------------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------------------------


def charts(result: LinkageResult, *, max_waterfalls: int = DEFAULT_WATERFALLS) -> dict[str, Any]:
    """The report's charts by name: splink's (``match_weights``, ``m_u_parameters``,
    ``waterfall_1`` ... for the first review pairs, masked) and dataclean's
    (``match_probability_distribution``, ``cluster_sizes``). Charts that cannot be drawn for this
    result are left out (the report says why)."""
    found, _ = _collect(result, max_waterfalls)
    return found


def _collect(result: LinkageResult, max_waterfalls: int) -> tuple[dict[str, Any], dict[str, str]]:
    found: dict[str, Any] = {}
    missing: dict[str, str] = {}
    linker = result.linker
    deterministic = getattr(result.config, "training", None) == "deterministic"
    if linker is None:
        why = (
            "this result holds no splink model (fewer than two records to compare, or a result "
            "rebuilt without its Linker), so the model's charts cannot be drawn"
        )
        missing["match_weights"] = missing["m_u_parameters"] = why
    elif deterministic:
        why = (
            "deterministic training: pairs were matched by rules, not scored by a trained model, so "
            "there are no learned match weights to chart"
        )
        missing["match_weights"] = missing["m_u_parameters"] = why
    else:
        for name, draw in (
            ("match_weights", lambda: linker.visualisations.match_weights_chart()),
            ("m_u_parameters", lambda: linker.visualisations.m_u_parameters_chart()),
        ):
            try:
                found[name] = draw()
            except Exception as exc:  # splink raises several types for models it cannot chart
                log.info("splink could not draw %s: %s", name, exc)
                missing[name] = f"splink could not draw this chart ({exc.__class__.__name__}: {exc})"
    found["match_probability_distribution"] = probability_chart(result)
    found["cluster_sizes"] = cluster_size_chart(result)
    waterfalls, why = _waterfalls(result, max_waterfalls)
    found.update(waterfalls)
    if why:
        missing["waterfalls"] = why
    return found, missing


def probability_chart(result: LinkageResult) -> VegaLiteChart:
    """Histogram of the scored pairs' match probabilities (log-like scale) with the review and
    match thresholds drawn as rules."""
    p = result.pairs["match_probability"].to_numpy(dtype=float) if len(result.pairs) else np.array([])
    edges = np.round(np.linspace(0.0, 1.0, 51), 2)
    counts, _ = np.histogram(p[np.isfinite(p)], bins=edges)
    bars = [{"from": float(a), "to": float(b), "pairs": int(c)} for a, b, c in zip(edges[:-1], edges[1:], counts) if c]
    match_t = result.match_threshold if result.match_threshold is not None else 0.95
    review_t = _review_threshold(result)
    rules = [
        {"threshold": review_t, "label": f"review from {review_t:.2f}"},
        {"threshold": float(match_t), "label": f"match from {match_t:.2f}"},
    ]
    spec = {
        "title": {"text": "Match probability of the scored pairs", "anchor": "start"},
        "width": 640,
        "height": 220,
        "layer": [
            {
                "data": {"values": bars},
                "mark": {"type": "bar", "color": "#4c78a8", "binSpacing": 1},
                "encoding": {
                    "x": {
                        "field": "from",
                        "type": "quantitative",
                        "bin": {"binned": True, "step": 0.02},
                        "scale": {"domain": [0, 1]},
                        "title": "match probability",
                    },
                    "x2": {"field": "to"},
                    "y": {
                        "field": "pairs",
                        "type": "quantitative",
                        "scale": {"type": "symlog"},
                        "axis": {"values": _log_ticks(max((b["pairs"] for b in bars), default=1))},
                        "title": "scored pairs (symlog scale)",
                    },
                    "tooltip": [
                        {"field": "from", "title": "from", "format": ".2f"},
                        {"field": "to", "title": "to", "format": ".2f"},
                        {"field": "pairs", "title": "pairs"},
                    ],
                },
            },
            {
                "data": {"values": rules},
                "mark": {"type": "rule", "strokeWidth": 2, "strokeDash": [6, 3]},
                "encoding": {
                    "x": {"field": "threshold", "type": "quantitative"},
                    "color": {
                        "field": "label",
                        "type": "nominal",
                        "scale": {"domain": [r["label"] for r in rules], "range": ["#f58518", "#e45756"]},
                        "legend": {"title": None, "orient": "top", "direction": "horizontal"},
                    },
                    "tooltip": [{"field": "label", "title": "threshold"}],
                },
            },
        ],
    }
    return VegaLiteChart(spec)


def cluster_size_chart(result: LinkageResult) -> VegaLiteChart:
    """How many persons (clusters) have 1, 2, 3 ... records."""
    sizes = _cluster_sizes(result.clusters)
    values = [{"records": int(k), "persons": int(v)} for k, v in sizes.items()]
    spec = {
        "title": {"text": "Records per person (cluster sizes)", "anchor": "start"},
        "width": 640,
        "height": 200,
        "data": {"values": values},
        "mark": {"type": "bar", "color": "#54a24b", "width": {"band": 0.7}},
        "encoding": {
            "x": {"field": "records", "type": "ordinal", "title": "records in the cluster", "axis": {"labelAngle": 0}},
            "y": {
                "field": "persons",
                "type": "quantitative",
                "scale": {"type": "symlog"},
                "axis": {"values": _log_ticks(max((v["persons"] for v in values), default=1))},
                "title": "persons (symlog scale)",
            },
            "tooltip": [{"field": "records", "title": "records"}, {"field": "persons", "title": "persons"}],
        },
    }
    return VegaLiteChart(spec)


def _log_ticks(top: int) -> list[int]:
    """0, 1, 2, 5, 10, 20, 50 ... up to ``top``: readable ticks on a symlog axis."""
    ticks, step = [0, 1], 0
    while True:
        value = (2, 5, 10)[step % 3] * 10 ** (step // 3)
        if value > top:
            return ticks
        ticks.append(value)
        step += 1


def _cluster_sizes(clusters: pd.DataFrame) -> pd.Series:
    if not len(clusters):
        return pd.Series(dtype="int64")
    return clusters.groupby("cluster_id", sort=False).size().value_counts().sort_index()


def _id_masker(result: LinkageResult) -> Any:
    """``mask_value`` when the id column is an identifier role's column, else ``str``."""
    config = result.config
    idcols = {c for role in _IDENTIFIER_ROLES for c in config.role_columns(role)}
    return mask_value if config.id_column in idcols else str


def _waterfalls(result: LinkageResult, limit: int) -> tuple[dict[str, Any], str]:
    """One splink waterfall per review pair (the first ``limit``), scored again from the prepared
    records with every record value masked before splink sees it."""
    review = result.review
    if limit <= 0:
        return {}, ""
    if not len(review):
        return {}, "the review queue is empty: no pair scored between the review and match thresholds"
    linker = result.linker
    if linker is None:
        return {}, "this result holds no splink model, so the review pairs cannot be explained"
    first = review.head(limit)
    id_l, id_r = first.columns[0], first.columns[1]
    try:
        records = _input_records(linker, pd.unique(pd.concat([first[id_l], first[id_r]]).astype(str)))
        wanted = [
            (a, b) for a, b in zip(first[id_l].astype(str), first[id_r].astype(str)) if a in records and b in records
        ]
        scored = [_mask_record(row, _id_masker(result)) for row in _score(linker, records, wanted)]
        charts = {f"waterfall_{i + 1}": _waterfall_chart(linker, [rec]) for i, rec in enumerate(scored)}
    except Exception as exc:  # splink raises several types when a saved model does not fit the input
        log.info("waterfalls not drawn: %s", exc)
        return {}, f"splink could not score the review pairs again ({exc.__class__.__name__}: {exc})"
    note = ""
    if len(review) > limit:
        note = f"waterfalls drawn for the first {limit} of {len(review):,} review pairs (see review.csv for all)"
    return charts, note


def _score(linker: Any, records: dict[str, dict[str, Any]], wanted: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The wanted pairs scored in one splink query (every left record against every right one,
    then the wanted pairs kept, in order): term frequencies are looked up once, not per pair."""
    if not wanted:
        return []
    lefts = list(dict.fromkeys(a for a, _ in wanted))
    rights = list(dict.fromkeys(b for _, b in wanted))
    table = linker.inference.score_pairs([records[i] for i in lefts], [records[i] for i in rights])
    rows = {(str(r["unique_id_l"]), str(r["unique_id_r"])): r for r in table.as_record_list()}
    return [rows[pair] for pair in wanted if pair in rows]


def _input_records(linker: Any, ids: np.ndarray) -> dict[str, dict[str, Any]]:
    """The prepared input records with these unique ids, from the linker's own tables."""
    tables = [t.physical_name for t in getattr(linker, "_input_tables_dict", {}).values()]
    if not tables:
        return {}
    quoted = ", ".join("'" + str(i).replace("'", "''") + "'" for i in ids)
    sql = " union all ".join(f"select * from {t} where unique_id in ({quoted})" for t in tables)
    frame = linker.misc.query_sql(sql, output_type="pandas")
    frame = frame.astype(object).where(frame.notna(), None)
    return {str(r["unique_id"]): r for r in frame.to_dict("records")}


def _mask_record(row: Mapping[str, Any], mask_id: Any) -> dict[str, Any]:
    """Every record value of a scored pair masked; weights, gammas and term frequencies kept."""
    out = {}
    for key, value in row.items():
        is_value = key.endswith(("_l", "_r")) and not key.startswith(_NOT_VALUES)
        if is_value:
            out[key] = "–" if value is None else _short_mask(value)
        elif key.startswith("unique_id") and value is not None:
            out[key] = mask_id(value)
        else:
            out[key] = value.item() if isinstance(value, np.generic) else value
    return out


def _short_mask(value: Any) -> str:
    """:func:`mask_value` with runs of stars cut to three, so neither the length of a value nor a
    long row of stars reaches the chart's labels (``78 BRIDGE WAY`` -> ``78***AY``)."""
    return re.sub(r"\*{4,}", "***", mask_value(value))


def _waterfall_chart(linker: Any, records: list[dict[str, Any]]) -> Any:
    """splink's waterfall: it insists the run kept intermediate columns; the scored records here
    hold them (``score_pair`` keeps them), so the flags are set for the call and restored, as
    splink's own ``score_pairs`` does."""
    settings = linker._settings_obj
    kept = settings._retain_intermediate_calculation_columns, settings._retain_matching_columns
    settings._retain_intermediate_calculation_columns = settings._retain_matching_columns = True
    try:
        return linker.visualisations.waterfall_chart(records, filter_nulls=True)
    finally:
        settings._retain_intermediate_calculation_columns, settings._retain_matching_columns = kept


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 0;
       color: #1f2933; background: #f5f7fa; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 32px 0 8px; border-bottom: 2px solid #d9e2ec; padding-bottom: 4px; }
h3 { font-size: 1rem; margin: 20px 0 6px; }
p.meta, p.caption { color: #52606d; font-size: .9rem; margin: 4px 0 10px; }
p.missing { background: #fff8e1; border-left: 4px solid #f0b429; padding: 8px 12px; font-size: .92rem; }
section.card { background: #fff; border-radius: 8px; padding: 4px 20px 16px; margin-top: 16px;
               box-shadow: 0 1px 3px rgba(0,0,0,.08); }
table { border-collapse: collapse; font-size: .88rem; margin: 8px 0; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.kpis { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0 4px; }
.kpi { background: #fff; border-radius: 8px; padding: 10px 16px; min-width: 120px;
       box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.kpi b { display: block; font-size: 1.35rem; }
.kpi span { color: #52606d; font-size: .8rem; }
.chart { margin: 8px 0 4px; overflow-x: auto; }
ul.notes { font-size: .9rem; color: #334e68; }
"""


def to_html(result: LinkageResult, *, max_waterfalls: int = DEFAULT_WATERFALLS, title: str = "Linkage report") -> str:
    """The full report as one offline HTML page."""
    found, missing = _collect(result, max_waterfalls)
    mask_id = _id_masker(result)
    parts = [f"<h1>{_e(title)}</h1>", f'<p class="meta">{_e(_meta(result))}</p>', _kpis(result)]

    parts.append(_section("Summary", _summary_table(result) + _notes(result)))

    model = _chart_or_missing(found, missing, "match_weights")
    model += _chart_or_missing(found, missing, "m_u_parameters")
    if any(n.startswith("only ") and "not trained" in n for n in result.notes):
        model = (
            '<p class="caption">Too few records to train: these are dataclean\'s starting values, '
            "not learned from this data.</p>" + model
        )
    parts.append(_section("What the model learned", model))

    parts.append(
        _section(
            "Match probabilities",
            '<p class="caption">Pairs at or above the match threshold are linked; pairs between the '
            "review and match thresholds go to the review queue.</p>"
            + _chart_html(found["match_probability_distribution"]),
        )
    )
    parts.append(_section("Review queue", _review_html(result, found, missing, mask_id)))
    sizes = _cluster_sizes(result.clusters)
    size_table = pd.DataFrame({"records in the cluster": sizes.index, "persons": sizes.to_numpy()})
    parts.append(
        _section("Cluster sizes", _chart_html(found["cluster_sizes"]) + _table(size_table, numeric={"persons"}))
    )
    parts.append(_section("Clusters split for incoherent evidence", _splits_html(result, mask_id)))
    parts.append(_section("Fraud views", _fraud_html(result, mask_id)))
    return _page(title, "\n".join(parts))


def write(result: LinkageResult, directory: str | Path, *, max_waterfalls: int = DEFAULT_WATERFALLS) -> Path:
    """Write ``linkage_report.html`` into ``directory`` and return its path."""
    path = Path(directory) / REPORT_NAME
    path.write_text(to_html(result, max_waterfalls=max_waterfalls), encoding="utf-8")
    return path


def notebook_html(result: LinkageResult, *, max_waterfalls: int = 3) -> str:
    """A compact notebook view: the headline figures and the charts (offline, like the report)."""
    found, missing = _collect(result, max_waterfalls)
    body = [_kpis(result)]
    for name in ("match_weights", "match_probability_distribution", "cluster_sizes"):
        body.append(_chart_or_missing(found, missing, name))
    for name in sorted(n for n in found if n.startswith("waterfall_")):
        body.append(_chart_html(found[name]))
    if "waterfalls" in missing:
        body.append(f'<p class="missing">{_e(missing["waterfalls"])}</p>')
    body.append(
        '<p class="caption">All figures and tables: <code>result.write(directory)</code> '
        "writes linkage_report.html; the charts are in <code>result.charts</code>.</p>"
    )
    return f'<div class="dataclean-linkage"><style>{_scoped_css()}</style>{_libraries_html()}{"".join(body)}</div>'


def _scoped_css() -> str:
    return (
        ".dataclean-linkage .kpis{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}"
        ".dataclean-linkage .kpi{border:1px solid #d9e2ec;border-radius:6px;padding:6px 12px}"
        ".dataclean-linkage .kpi b{display:block;font-size:1.2rem}"
        ".dataclean-linkage .kpi span{color:#52606d;font-size:.8rem}"
        ".dataclean-linkage p.missing{background:#fff8e1;padding:6px 10px}"
    )


def _meta(result: LinkageResult) -> str:
    link_type = result.model.get("link_type", "no model")
    training = getattr(result.config, "training", "")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{link_type} · training: {training} · written {stamp} · identifiers masked"


def _kpis(result: LinkageResult) -> str:
    s = result.summary()
    items = [
        (f"{s['records']:,}", "records"),
        (f"{s['clusters']:,}", "persons"),
        (f"{s['duplicate_rate']:.1%}", "duplicate rate"),
        (f"{s['scored_pairs']:,}", "scored pairs"),
        (f"{s['review_pairs']:,}", "pairs to review"),
    ]
    if result.match_threshold is not None:
        items.append((f"{result.match_threshold:.2f}", "match threshold"))
    cells = "".join(f'<div class="kpi"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for v, k in items)
    return f'<div class="kpis">{cells}</div>'


def _summary_table(result: LinkageResult) -> str:
    rows = []
    for key, value in result.summary().items():
        if isinstance(value, float):
            value = f"{value:.4f}" if abs(value) < 1 else f"{value:,.2f}"
        elif isinstance(value, int):
            value = f"{value:,}"
        rows.append({"figure": key.replace("_", " "), "value": value})
    rows.append({"figure": "review threshold", "value": f"{_review_threshold(result):.2f}"})
    table = _table(pd.DataFrame(rows), numeric={"value"})
    if result.estimates:
        table += (
            '<p class="caption">Estimated precision, recall and F1 come from the model\'s own match '
            "probabilities, not from known truth.</p>"
        )
    return table


def _notes(result: LinkageResult) -> str:
    if not result.notes:
        return ""
    items = "".join(f"<li>{_e(n)}</li>" for n in result.notes)
    return f'<h3>Notes from the run</h3><ul class="notes">{items}</ul>'


def _review_html(result: LinkageResult, found: dict[str, Any], missing: dict[str, str], mask_id: Any) -> str:
    review = result.review
    if not len(review):
        return f'<p class="missing">{_e(missing.get("waterfalls", "the review queue is empty"))}</p>'
    id_l, id_r = review.columns[0], review.columns[1]
    shown = review.head(TABLE_ROWS)
    keep = [c for c in shown.columns if c not in ("source_l", "source_r") or shown[c].nunique() > 1]
    table = shown[keep].copy()
    for col in (id_l, id_r):
        table[col] = table[col].astype(str).map(mask_id)
    parts = [
        '<p class="caption">Pairs scored between the review and match thresholds, least likely '
        f"first ({len(review):,} in all; review.csv holds every one).</p>",
        _table(table, numeric={"match_probability", "match_weight"}),
    ]
    if missing.get("waterfalls"):
        parts.append(f'<p class="missing">{_e(missing["waterfalls"])}</p>')
    waterfalls = [n for n in found if n.startswith("waterfall_")]
    for name in sorted(waterfalls, key=lambda n: int(n.rsplit("_", 1)[1])):
        i = int(name.rsplit("_", 1)[1]) - 1
        row = review.iloc[i]
        parts.append(
            f"<h3>Pair {i + 1}: {_e(mask_id(row[id_l]))} and {_e(mask_id(row[id_r]))} "
            f"(match probability {float(row['match_probability']):.3f})</h3>"
            '<p class="caption">How each comparison moved the match weight; record values are masked.</p>'
            + _chart_html(found[name])
        )
    return "\n".join(parts)


def _splits_html(result: LinkageResult, mask_id: Any) -> str:
    splits = result.splits
    if splits is None or not len(splits):
        return '<p class="caption">No cluster held incompatible evidence: none was split.</p>'
    table = splits.copy()
    for col in ("record", "cluster_id_before", "cluster_id"):
        if col in table:
            table[col] = table[col].astype(str).map(mask_id)
    n = splits["cluster_id_before"].nunique()
    return (
        f'<p class="caption">{n:,} clusters were split on their weakest links because two of their '
        "records could not be one person; one row per record moved.</p>"
        + _table(table.head(TABLE_ROWS))
        + _more(len(splits), "splits.csv")
    )


def _fraud_html(result: LinkageResult, mask_id: Any) -> str:
    parts = []
    views = (
        ("Persons in more than one claim", result.persons_in_multiple_claims, "persons_in_multiple_claims.csv"),
        (
            "Persons linked to more than one property",
            result.persons_with_multiple_properties,
            "persons_with_multiple_properties.csv",
        ),
    )
    for title, frame, file in views:
        if frame is None:
            parts.append(f'<h3>{_e(title)}</h3><p class="caption">Not available: the data has no such column.</p>')
            continue
        if not len(frame):
            parts.append(f'<h3>{_e(title)}</h3><p class="caption">None found.</p>')
            continue
        table = frame.head(TABLE_ROWS).copy()
        if "cluster_id" in table:
            table["cluster_id"] = table["cluster_id"].astype(str).map(mask_id)
        parts.append(
            f"<h3>{_e(title)} ({len(frame):,})</h3>"
            + _table(table, numeric={"claims", "properties", "records"})
            + _more(len(frame), file)
        )
    return "\n".join(parts)


def _more(total: int, file: str) -> str:
    if total <= TABLE_ROWS:
        return ""
    return f'<p class="caption">First {TABLE_ROWS} of {total:,} rows; {_e(file)} holds them all.</p>'


def _table(frame: pd.DataFrame, numeric: set[str] | frozenset[str] = frozenset()) -> str:
    head = "".join(f"<th>{_e(str(c).replace('_', ' '))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):  # display rows only (at most TABLE_ROWS)
        cells = []
        for col, value in zip(frame.columns, row):
            text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else value
            if isinstance(text, float):
                text = f"{text:.4f}"
            cls = ' class="num"' if col in numeric else ""
            cells.append(f"<td{cls}>{_e(str(text))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _section(title: str, body: str) -> str:
    return f'<section class="card"><h2>{_e(title)}</h2>{body}</section>'


def _chart_or_missing(found: dict[str, Any], missing: dict[str, str], name: str) -> str:
    if name in found:
        return _chart_html(found[name])
    label = _TITLES.get(name, name.replace("_", " "))
    return f'<p class="missing">No {_e(label)} chart: {_e(missing.get(name, "not available for this result"))}.</p>'


def _chart_html(chart: Any) -> str:
    spec = chart.chart_dict
    for param in spec.get("params", []):
        if param.get("name") == "record_number":  # one pair per waterfall here: no record slider
            param.pop("bind", None)
    return _chart_block(spec, _chart_id())


def _chart_id() -> str:
    return "dc-chart-" + uuid.uuid4().hex[:12]


def _chart_block(spec: dict[str, Any], div_id: str) -> str:
    spec.setdefault("config", {}).setdefault("view", {}).setdefault("continuousWidth", 300)
    text = _json_for_script(spec)
    return (
        f'<div class="chart" id="{div_id}"></div>'
        f"<script>vegaEmbed('#{div_id}', {text}, {{actions: false, renderer: 'svg'}})"
        f".catch(function (err) {{ var el = document.getElementById('{div_id}');"
        " el.textContent = 'chart not drawn: ' + err.message; console.error(err); });</script>"
    )


def _json_for_script(value: Any) -> str:
    def default(obj: Any) -> Any:
        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, dt.date | dt.datetime | pd.Timestamp):
            return obj.isoformat()
        return str(obj)

    text = json.dumps(value, default=default)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _libraries_html() -> str:
    """vega, vega-lite and vega-embed from the splink wheel, inlined once; AMD loaders (Jupyter's
    RequireJS) are hidden while they load so the libraries set their globals."""
    sources = _library_sources()
    tags = [
        "<script>window.__dataclean_define = window.define; window.define = undefined;</script>",
        *(
            f'<script class="dataclean-vendor" data-library="{_e(name)}">{source}</script>'
            for name, source in sources.items()
        ),
        "<script>window.define = window.__dataclean_define;</script>",
    ]
    return "\n".join(tags)


def _library_sources() -> dict[str, str]:
    """The Vega libraries bundled in the splink wheel (``internals/files/external_js/NAME@VERSION``),
    by file name, in load order."""
    from importlib.resources import files

    folder = files("splink") / "internals" / "files" / "external_js"
    names = {entry.name.split("@")[0]: entry for entry in folder.iterdir() if "@" in entry.name}
    lost = [name for name in _LIBRARIES if name not in names]
    if lost:
        raise RuntimeError(f"the installed splink does not bundle {', '.join(lost)}; reinstall splink>=4")
    return {names[n].name: names[n].read_text(encoding="utf-8") for n in _LIBRARIES}


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style>\n{_libraries_html()}\n</head>"
        f"<body><main>\n{body}\n</main></body></html>\n"
    )


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _review_threshold(result: LinkageResult) -> float:
    """The review band's lower bound the run used (older results: the configured one)."""
    used = getattr(result, "review_threshold", None)
    return float(result.config.review_threshold if used is None else used)
