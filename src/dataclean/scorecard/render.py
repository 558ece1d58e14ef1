"""Renderers for a :class:`Scorecard`: JSON, Markdown, self-contained HTML, JUnit XML and text.

All renderers take the scorecard (plain data) and return text; none computes scores. Examples of
failing values are whatever the scorecard holds, which is masked unless the caller asked otherwise.

Comparing two scorecards lives in :mod:`dataclean.scorecard.diff` and reading a saved one in
:mod:`dataclean.scorecard.io`; their names are re-exported here so older imports keep working.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from dataclean.scorecard._style import CSS, RAG_COLOUR, RAG_LABEL, pct, rag
from dataclean.scorecard.diff import ScorecardDiff as ScorecardDiff
from dataclean.scorecard.diff import ScoreChange as ScoreChange
from dataclean.scorecard.diff import diff as diff
from dataclean.scorecard.diff import diff_to_html as diff_to_html
from dataclean.scorecard.io import load_scorecard as load_scorecard
from dataclean.scorecard.model import DIMENSION_MEANING, Scorecard

FORMATS = {
    "json": "scorecard.json",
    "md": "scorecard.md",
    "html": "scorecard.html",
    "junit": "junit.xml",
    "txt": "scorecard.txt",
}


# ------------------------------------------------------------------------------------------ JSON
def to_json(card: Scorecard, *, indent: int = 2) -> str:
    """The stable JSON form (schema: ``dataclean/schemas/scorecard-v1.json``)."""
    return json.dumps(card.to_dict(), indent=indent, ensure_ascii=False)


def json_schema() -> dict[str, Any]:
    """The published JSON schema of :func:`to_json` output."""
    from importlib import resources

    return json.loads((resources.files("dataclean") / "schemas" / "scorecard-v1.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------- Markdown
def to_markdown(card: Scorecard) -> str:
    """Markdown for a pull-request comment."""
    verdict = "PASSED" if card.passed else "FAILED"
    lines = [
        f"## Data quality scorecard: {card.dataset} ({card.suite}) - {verdict}",
        "",
        f"Overall score **{pct(card.overall_score)}** (threshold {pct(card.overall_threshold)}), "
        f"{card.row_count:,} rows, reference date {card.reference_date}.",
        "",
        "| Dimension | Score | Threshold | Status | Expectations (failed) |",
        "|---|---:|---:|---|---:|",
    ]
    for d in card.dimensions:
        lines.append(
            f"| {d.name} | {pct(d.score)} | {pct(d.threshold) if d.threshold is not None else '-'} | "
            f"{RAG_LABEL[d.status]} | {d.expectations} ({d.failed_expectations}) |"
        )
    if card.failure_reasons:
        lines += ["", "**Why it failed**", ""] + [f"- {r}" for r in card.failure_reasons]
    failed = card.failed_expectations
    if failed:
        lines += [
            "",
            "<details><summary>Failed expectations</summary>",
            "",
            "| Expectation | Column | Dimension | Severity | Failing rows | Score | Examples (masked) |",
            "|---|---|---|---|---:|---:|---|",
        ]
        for e in failed:
            ex = ", ".join(f"`{x}`" for x in e.examples) or "-"
            lines.append(
                f"| {e.key} | {', '.join(e.columns) or '-'} | {e.dimension} | {e.severity} | "
                f"{e.unexpected_count:,} / {e.evaluated_count:,} | {pct(e.score)} | {ex} |"
            )
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------ text
def to_text(card: Scorecard) -> str:
    """A plain console table (the CLI prints it with colour through rich when on a terminal)."""
    verdict = "PASSED" if card.passed else "FAILED"
    out = [
        f"Scorecard {card.dataset} [{card.suite}]: {verdict}  overall {pct(card.overall_score)} "
        f"(threshold {pct(card.overall_threshold)}), {card.row_count:,} rows",
        f"{'dimension':<14}{'score':>14}{'threshold':>12}  status",
    ]
    for d in card.dimensions:
        thr = pct(d.threshold) if d.threshold is not None else "-"
        out.append(f"{d.name:<14}{pct(d.score):>14}{thr:>12}  {RAG_LABEL[d.status]}")
    for r in card.failure_reasons:
        out.append(f"  - {r}")
    return "\n".join(out)


# ------------------------------------------------------------------------------------------ HTML
def _bar_chart(card: Scorecard) -> str:
    """An inline SVG bar chart of dimension scores with threshold ticks (no scripts, no CDN)."""
    width, row_h, label_w, bar_w = 640, 30, 130, 360
    rows = []
    for i, d in enumerate(card.dimensions):
        y = 10 + i * row_h
        colour = RAG_COLOUR[d.status]
        score_w = 0 if d.score is None else bar_w * d.score
        rows.append(f'<text x="0" y="{y + 15}" class="lbl">{html.escape(d.name)}</text>')
        rows.append(f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="20" fill="#f3f2f1"/>')
        rows.append(
            f'<rect x="{label_w}" y="{y}" width="{score_w:.1f}" height="20" fill="{colour}">'
            f"<title>{html.escape(d.name)}: {pct(d.score)}</title></rect>"
        )
        if d.threshold is not None:
            tx = label_w + bar_w * d.threshold
            rows.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y - 2}" y2="{y + 22}" stroke="#0b0c0c" stroke-width="2"/>'
            )
        rows.append(f'<text x="{label_w + bar_w + 8}" y="{y + 15}" class="val">{pct(d.score)}</text>')
    height = 20 + len(card.dimensions) * row_h
    return (
        f'<svg role="img" aria-label="Dimension scores" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>'
    )


def to_html(card: Scorecard, *, standalone: bool = True) -> str:
    """Self-contained HTML (inline CSS and SVG chart; no scripts, fonts or network)."""
    e = html.escape
    verdict = "PASSED" if card.passed else "FAILED"
    parts = [
        f'<div class="dc-card"><h1>Data quality scorecard: {e(card.dataset)}</h1>',
        f'<p class="verdict">{verdict} {rag(card.status)} overall {pct(card.overall_score)} '
        f"(threshold {pct(card.overall_threshold)})</p>",
        f"<p>Suite <code>{e(card.suite)}</code>, {card.row_count:,} rows, reference date "
        f"{e(str(card.reference_date))}, generated {e(card.generated_at)}.</p>",
        _bar_chart(card),
        "<h2>Dimensions</h2><table><thead><tr><th>Dimension</th><th>Meaning</th><th class=num>Score</th>"
        "<th class=num>Threshold</th><th>Status</th><th class=num>Expectations</th><th class=num>Failed</th>"
        "</tr></thead><tbody>",
    ]
    for d in card.dimensions:
        parts.append(
            f"<tr><td>{e(d.name)}</td><td>{e(DIMENSION_MEANING[d.name])}</td><td class=num>{pct(d.score)}</td>"
            f"<td class=num>{pct(d.threshold) if d.threshold is not None else '-'}</td><td>{rag(d.status)}</td>"
            f"<td class=num>{d.expectations}</td><td class=num>{d.failed_expectations}</td></tr>"
        )
    parts.append("</tbody></table>")
    if card.failure_reasons:
        parts.append("<h2>Why it failed</h2><ul>" + "".join(f"<li>{e(r)}</li>" for r in card.failure_reasons) + "</ul>")
    parts.append(
        "<h2>Columns</h2><table><thead><tr><th>Column</th><th>Role</th><th class=num>Score</th>"
        "<th>By dimension</th></tr></thead><tbody>"
    )
    for c in card.columns:
        dims = ", ".join(f"{k} {pct(v)}" for k, v in c.dimensions.items())
        parts.append(
            f"<tr><td>{e(c.column)}</td><td>{e(c.role or '-')}</td><td class=num>{pct(c.score)}</td>"
            f"<td>{e(dims)}</td></tr>"
        )
    parts.append(
        "</tbody></table><h2>Expectations</h2><table><thead><tr><th>Expectation</th><th>Column</th>"
        "<th>Dimension</th><th>Severity</th><th class=num>Failing rows</th><th class=num>Score</th>"
        "<th>Result</th><th>Reasons</th><th>Examples (masked)</th></tr></thead><tbody>"
    )
    for x in card.expectations:
        reasons = ", ".join(f"{k}: {v}" for k, v in x.reasons.items())
        ex = ", ".join(f"<code>{e(v)}</code>" for v in x.examples)
        result = "pass" if x.success else ("error: " + e(x.error) if x.error else "fail")
        parts.append(
            f"<tr><td>{e(x.key)}</td><td>{e(', '.join(x.columns) or '-')}</td><td>{e(x.dimension)}</td>"
            f"<td>{e(x.severity)}</td><td class=num>{x.unexpected_count:,} / {x.evaluated_count:,}</td>"
            f"<td class=num>{pct(x.score)}</td><td>{result}</td><td>{e(reasons)}</td><td>{ex}</td></tr>"
        )
    parts.append("</tbody></table></div>")
    body = "".join(parts)
    if not standalone:
        return f"<style>{CSS}</style>{body}"
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>Scorecard {e(card.dataset)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>{body}</body></html>\n"
    )


# ----------------------------------------------------------------------------------------- JUnit
def to_junit(card: Scorecard) -> str:
    """JUnit XML: one test suite per dimension, one test case per expectation.

    A failing *critical* expectation is a ``<failure>``; a failing warning/info expectation is
    reported as ``<skipped>`` with the reason, so CI dashboards show it without failing the build;
    an expectation that raised is an ``<error>``. A final ``quality_gate`` case carries the verdict.
    """
    root = ET.Element("testsuites", name=f"dataclean {card.suite}")
    total = failures = errors = skipped = 0
    for d in card.dimensions:
        members = [x for x in card.expectations if x.dimension == d.name]
        ts = ET.SubElement(root, "testsuite", name=f"{card.dataset}.{d.name}")
        t_f = t_e = t_s = 0
        for x in members:
            tc = ET.SubElement(ts, "testcase", classname=f"{card.dataset}.{d.name}", name=x.key, time="0")
            msg = f"{x.unexpected_count} of {x.evaluated_count} rows failed ({pct(x.score)})"
            if x.error:
                ET.SubElement(tc, "error", message=x.error, type="ExpectationError").text = x.error
                t_e += 1
            elif not x.success and x.severity == "critical":
                el = ET.SubElement(tc, "failure", message=msg, type=x.type)
                el.text = msg + (
                    "; reasons: " + ", ".join(f"{k}={v}" for k, v in x.reasons.items()) if x.reasons else ""
                )
                t_f += 1
            elif not x.success:
                ET.SubElement(tc, "skipped", message=f"{x.severity}: {msg}")
                t_s += 1
        ts.set("tests", str(len(members)))
        ts.set("failures", str(t_f))
        ts.set("errors", str(t_e))
        ts.set("skipped", str(t_s))
        ts.set("time", "0")
        total += len(members)
        failures += t_f
        errors += t_e
        skipped += t_s
    gate = ET.SubElement(
        root,
        "testsuite",
        name=f"{card.dataset}.gate",
        tests="1",
        failures="0" if card.passed else "1",
        errors="0",
        skipped="0",
        time="0",
    )
    tc = ET.SubElement(gate, "testcase", classname=f"{card.dataset}.gate", name="quality_gate", time="0")
    if not card.passed:
        reason = "; ".join(card.failure_reasons)
        ET.SubElement(tc, "failure", message=reason, type="QualityGate").text = reason
        failures += 1
    root.set("tests", str(total + 1))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    root.set("skipped", str(skipped))
    root.set("time", f"{card.timings.get('total', 0.0):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# ----------------------------------------------------------------------------------------- write
RENDERERS = {"json": to_json, "md": to_markdown, "html": to_html, "junit": to_junit, "txt": to_text}


def write_scorecard(
    card: Scorecard, directory: str | Path, formats: Iterable[str] = ("json",), *, prefix: str = ""
) -> dict[str, Path]:
    """Write the scorecard in each format into ``directory``; returns the paths by format."""
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for fmt in formats:
        if fmt not in RENDERERS:
            from dataclean.exceptions import ConfigError

            raise ConfigError(f"unknown scorecard format {fmt!r}; choose from {', '.join(RENDERERS)}")
        path = out_dir / (prefix + FORMATS[fmt])
        path.write_text(RENDERERS[fmt](card), encoding="utf-8")
        paths[fmt] = path
    return paths
