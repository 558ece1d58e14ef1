"""Renderers for a :class:`Scorecard`: JSON, Markdown, self-contained HTML, JUnit XML and text.

All renderers take the scorecard (plain data) and return text; none computes scores. Examples of
failing values are whatever the scorecard holds, which is masked unless the caller asked otherwise.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from dataclean.scorecard.model import DIMENSION_MEANING, Scorecard

FORMATS = {
    "json": "scorecard.json",
    "md": "scorecard.md",
    "html": "scorecard.html",
    "junit": "junit.xml",
    "txt": "scorecard.txt",
}
_RAG_COLOUR = {"green": "#00703c", "amber": "#f47738", "red": "#d4351c", "not_assessed": "#505a5f"}
_RAG_LABEL = {"green": "GREEN", "amber": "AMBER", "red": "RED", "not_assessed": "not assessed"}


def _pct(x: float | None) -> str:
    return "not assessed" if x is None else f"{100 * x:.1f}%"


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
        f"Overall score **{_pct(card.overall_score)}** (threshold {_pct(card.overall_threshold)}), "
        f"{card.row_count:,} rows, reference date {card.reference_date}.",
        "",
        "| Dimension | Score | Threshold | Status | Expectations (failed) |",
        "|---|---:|---:|---|---:|",
    ]
    for d in card.dimensions:
        lines.append(
            f"| {d.name} | {_pct(d.score)} | {_pct(d.threshold) if d.threshold is not None else '-'} | "
            f"{_RAG_LABEL[d.status]} | {d.expectations} ({d.failed_expectations}) |"
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
                f"{e.unexpected_count:,} / {e.evaluated_count:,} | {_pct(e.score)} | {ex} |"
            )
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------ text
def to_text(card: Scorecard) -> str:
    """A plain console table (the CLI prints it with colour through rich when on a terminal)."""
    verdict = "PASSED" if card.passed else "FAILED"
    out = [
        f"Scorecard {card.dataset} [{card.suite}]: {verdict}  overall {_pct(card.overall_score)} "
        f"(threshold {_pct(card.overall_threshold)}), {card.row_count:,} rows",
        f"{'dimension':<14}{'score':>14}{'threshold':>12}  status",
    ]
    for d in card.dimensions:
        thr = _pct(d.threshold) if d.threshold is not None else "-"
        out.append(f"{d.name:<14}{_pct(d.score):>14}{thr:>12}  {_RAG_LABEL[d.status]}")
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
        colour = _RAG_COLOUR[d.status]
        score_w = 0 if d.score is None else bar_w * d.score
        rows.append(f'<text x="0" y="{y + 15}" class="lbl">{html.escape(d.name)}</text>')
        rows.append(f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="20" fill="#f3f2f1"/>')
        rows.append(
            f'<rect x="{label_w}" y="{y}" width="{score_w:.1f}" height="20" fill="{colour}">'
            f"<title>{html.escape(d.name)}: {_pct(d.score)}</title></rect>"
        )
        if d.threshold is not None:
            tx = label_w + bar_w * d.threshold
            rows.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y - 2}" y2="{y + 22}" stroke="#0b0c0c" stroke-width="2"/>'
            )
        rows.append(f'<text x="{label_w + bar_w + 8}" y="{y + 15}" class="val">{_pct(d.score)}</text>')
    height = 20 + len(card.dimensions) * row_h
    return (
        f'<svg role="img" aria-label="Dimension scores" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>'
    )


_CSS = """
.dc-card{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;max-width:1100px}
.dc-card h1{font-size:1.5em}.dc-card table{border-collapse:collapse;margin:0.5em 0 1.5em}
.dc-card th,.dc-card td{border-bottom:1px solid #b1b4b6;padding:4px 10px;text-align:left;vertical-align:top}
.dc-card .rag{color:#fff;padding:2px 8px;border-radius:3px;font-weight:bold;font-size:0.85em;white-space:nowrap}
.dc-card .num{text-align:right}.dc-card code{background:#f3f2f1;padding:0 3px}
.dc-card svg .lbl,.dc-card svg .val{font:13px Arial,sans-serif;fill:#0b0c0c}
.dc-card .verdict{font-size:1.2em;font-weight:bold}
"""


def _rag(status: str) -> str:
    return f'<span class="rag" style="background:{_RAG_COLOUR[status]}">{_RAG_LABEL[status]}</span>'


def to_html(card: Scorecard, *, standalone: bool = True) -> str:
    """Self-contained HTML (inline CSS and SVG chart; no scripts, fonts or network)."""
    e = html.escape
    verdict = "PASSED" if card.passed else "FAILED"
    parts = [
        f'<div class="dc-card"><h1>Data quality scorecard: {e(card.dataset)}</h1>',
        f'<p class="verdict">{verdict} {_rag(card.status)} overall {_pct(card.overall_score)} '
        f"(threshold {_pct(card.overall_threshold)})</p>",
        f"<p>Suite <code>{e(card.suite)}</code>, {card.row_count:,} rows, reference date "
        f"{e(str(card.reference_date))}, generated {e(card.generated_at)}.</p>",
        _bar_chart(card),
        "<h2>Dimensions</h2><table><thead><tr><th>Dimension</th><th>Meaning</th><th class=num>Score</th>"
        "<th class=num>Threshold</th><th>Status</th><th class=num>Expectations</th><th class=num>Failed</th>"
        "</tr></thead><tbody>",
    ]
    for d in card.dimensions:
        parts.append(
            f"<tr><td>{e(d.name)}</td><td>{e(DIMENSION_MEANING[d.name])}</td><td class=num>{_pct(d.score)}</td>"
            f"<td class=num>{_pct(d.threshold) if d.threshold is not None else '-'}</td><td>{_rag(d.status)}</td>"
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
        dims = ", ".join(f"{k} {_pct(v)}" for k, v in c.dimensions.items())
        parts.append(
            f"<tr><td>{e(c.column)}</td><td>{e(c.role or '-')}</td><td class=num>{_pct(c.score)}</td>"
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
            f"<td class=num>{_pct(x.score)}</td><td>{result}</td><td>{e(reasons)}</td><td>{ex}</td></tr>"
        )
    parts.append("</tbody></table></div>")
    body = "".join(parts)
    if not standalone:
        return f"<style>{_CSS}</style>{body}"
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>Scorecard {e(card.dataset)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}</style></head><body>{body}</body></html>\n"
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
            msg = f"{x.unexpected_count} of {x.evaluated_count} rows failed ({_pct(x.score)})"
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


# ------------------------------------------------------------------------------------------ diff
@dataclass(frozen=True)
class ScoreChange:
    what: str  # "overall", "dimension:<name>", "expectation:<key>"
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class ScorecardDiff:
    """Baseline vs now. ``regressions`` are scores that fell by more than ``tolerance``."""

    before: Scorecard
    after: Scorecard
    changes: tuple[ScoreChange, ...]
    tolerance: float

    @property
    def regressions(self) -> tuple[ScoreChange, ...]:
        """Scores that fell by more than the tolerance, and an overall score that can no longer be
        worked out. A dimension or expectation with nothing left to evaluate is shown in the
        table as "not assessed" but is not a regression: the data, not its quality, changed."""
        return tuple(
            c
            for c in self.changes
            if (c.delta is not None and c.delta < -self.tolerance)
            or (c.what == "overall" and c.before is not None and c.after is None)
        )

    @property
    def improvements(self) -> tuple[ScoreChange, ...]:
        return tuple(c for c in self.changes if c.delta is not None and c.delta > self.tolerance)

    def to_markdown(self) -> str:
        lines = [
            f"## Scorecard change: {self.after.dataset}",
            "",
            f"Overall {_pct(self.before.overall_score)} -> {_pct(self.after.overall_score)}; "
            f"{'PASSED' if self.after.passed else 'FAILED'} (was {'PASSED' if self.before.passed else 'FAILED'}).",
            "",
            "| What | Before | After | Change |",
            "|---|---:|---:|---:|",
        ]
        for c in self.changes:
            if c.delta is None and c.before == c.after:
                continue
            mark = " **regression**" if c in self.regressions else ""
            delta = "-" if c.delta is None else f"{100 * c.delta:+.1f} pts"
            lines.append(f"| {c.what} | {_pct(c.before)} | {_pct(c.after)} | {delta}{mark} |")
        return "\n".join(lines) + "\n"

    def to_html(self, *, standalone: bool = True) -> str:
        """Self-contained HTML in the scorecard's style (see :func:`diff_to_html`)."""
        return diff_to_html(self, standalone=standalone)

    def _repr_html_(self) -> str:
        return diff_to_html(self, standalone=False)

    def to_text(self) -> str:
        regs = self.regressions
        head = f"{len(regs)} regression(s)" if regs else "no regressions"
        rows = [f"{c.what}: {_pct(c.before)} -> {_pct(c.after)}" for c in regs]
        return "\n".join([head, *rows])


def _axis_floor(values: Iterable[float | None]) -> float:
    """Bottom of a score axis that ends at 100 %: a round step a little below the lowest value,
    at most 90 %, so that changes between 90 % and 100 % are visible."""
    low = min((v for v in values if v is not None), default=1.0)
    step = 0.05 if low > 0.5 else 0.1
    return min(0.9, max(0.0, math.floor((low - 0.02) / step) * step))


def _axis_ticks(low: float) -> list[float]:
    """Round tick values from ``low`` to 100 % (at most seven)."""
    span = 1.0 - low
    step = next(s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25) if span / s <= 6 + 1e-9)
    first = math.ceil(low / step - 1e-9)
    return [round(k * step, 6) for k in range(first, round(1 / step) + 1)]


def _change_chart(d: ScorecardDiff) -> str:
    """Inline SVG: per dimension and overall, the baseline (hollow) and new (filled, status colour)
    score joined by an arrow, with the new threshold as a tick, on an axis zoomed to the scores
    (ticks along the top). No scripts, no CDN."""
    width, row_h, label_w, bar_w, top = 940, 32, 130, 440, 30
    names = ["overall", *(x.name for x in d.after.dimensions)]
    before = {"overall": d.before.overall_score, **{x.name: x.score for x in d.before.dimensions}}
    after = {"overall": (d.after.overall_score, d.after.overall_threshold, d.after.status)}
    after.update({x.name: (x.score, x.threshold, x.status) for x in d.after.dimensions})
    regressed = {c.what.removeprefix("dimension:") for c in d.regressions}
    low = _axis_floor([*before.values(), *(v[0] for v in after.values()), *(v[1] for v in after.values())])

    def sx(v: float) -> float:
        return label_w + bar_w * (max(v, low) - low) / (1.0 - low)

    rows = []
    bottom = top + len(names) * row_h
    for t in _axis_ticks(low):
        x = sx(t)
        rows.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{bottom}" stroke="#e5e6e7"/>')
        rows.append(f'<text x="{x:.1f}" y="{top - 8}" class="ax" text-anchor="middle">{100 * t:.0f}%</text>')
    for i, name in enumerate(names):
        y = top + 4 + i * row_h
        cy = y + 10
        b = before.get(name)
        a, thr, status = after[name]
        weight = ' font-weight="bold"' if name == "overall" else ""
        rows.append(f'<text x="0" y="{y + 15}" class="lbl"{weight}>{html.escape(name)}</text>')
        rows.append(f'<rect x="{label_w}" y="{y + 6}" width="{bar_w}" height="8" fill="#f3f2f1"/>')
        if thr is not None:
            tx = sx(thr)
            rows.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y}" y2="{y + 20}" stroke="#0b0c0c" stroke-width="2">'
                f"<title>threshold {_pct(thr)}</title></line>"
            )
        if a is not None and b is not None and abs(sx(a) - sx(b)) >= 14:
            bx, ax = sx(b), sx(a)
            direction = -1 if bx > ax else 1
            tip = ax - direction * 7
            colour = _RAG_COLOUR["red"] if name in regressed else "#505a5f"
            rows.append(f'<line x1="{bx:.1f}" x2="{tip:.1f}" y1="{cy}" y2="{cy}" stroke="{colour}" stroke-width="2"/>')
            rows.append(
                f'<polygon points="{tip - direction * 6:.1f},{cy - 5} {tip - direction * 6:.1f},{cy + 5} '
                f'{tip:.1f},{cy}" fill="{colour}"/>'
            )
        if b is not None:
            rows.append(
                f'<circle class="before" cx="{sx(b):.1f}" cy="{cy}" r="6" fill="#fff" '
                f'stroke="#505a5f" stroke-width="2"><title>{html.escape(name)} before: {_pct(b)}</title></circle>'
            )
        if a is not None:
            rows.append(
                f'<circle class="after" cx="{sx(a):.1f}" cy="{cy}" r="6" fill="{_RAG_COLOUR[status]}">'
                f"<title>{html.escape(name)} after: {_pct(a)}</title></circle>"
            )
        if a is None and b is None:
            text = "not assessed"
        elif a is None or b is None:
            text = f"{_pct(b)} \u2192 {_pct(a)}"
        elif abs(a - b) < 5e-7:
            text = f"{_pct(a)}, no change"
        else:
            text = f"{_pct(b)} \u2192 {_pct(a)} ({100 * (a - b):+.1f} pts)"
        mark = " \u25bc regression" if name in regressed else ""
        fill = f' style="fill:{_RAG_COLOUR["red"]}"' if mark else ""
        rows.append(f'<text x="{label_w + bar_w + 14}" y="{y + 15}" class="val"{fill}>{text}{mark}</text>')
    legend_y = bottom + 18
    rows.append(
        f'<circle cx="{label_w + 6}" cy="{legend_y - 4}" r="5" fill="#fff" stroke="#505a5f" stroke-width="2"/>'
        f'<text x="{label_w + 16}" y="{legend_y}" class="ax">baseline</text>'
        f'<circle cx="{label_w + 86}" cy="{legend_y - 4}" r="5" fill="{_RAG_COLOUR["green"]}"/>'
        f'<text x="{label_w + 96}" y="{legend_y}" class="ax">now (colour: status)</text>'
        f'<line x1="{label_w + 226}" x2="{label_w + 226}" y1="{legend_y - 12}" y2="{legend_y + 4}" '
        f'stroke="#0b0c0c" stroke-width="2"/><text x="{label_w + 234}" y="{legend_y}" class="ax">threshold</text>'
    )
    height = legend_y + 10
    return (
        f'<svg class="change" role="img" aria-label="Score changes" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>'
    )


_DIFF_CSS = """
.dc-card .regression td{background:#fbe9e7}.dc-card .improvement td{background:#e8f3ec}
.dc-card .tag{font-weight:bold;font-size:0.85em}.dc-card .tag.bad{color:#d4351c}.dc-card .tag.good{color:#00703c}
.dc-card svg{max-width:100%;height:auto}.dc-card svg .ax{font:11px Arial,sans-serif;fill:#0b0c0c}
"""


def diff_to_html(d: ScorecardDiff, *, standalone: bool = True) -> str:
    """Baseline vs new as self-contained HTML in the scorecard's style: verdicts, a chart of each
    dimension's change against its threshold, and a table of every score that changed."""
    e = html.escape
    b, a = d.before, d.after
    regs = set(d.regressions)
    imps = set(d.improvements)
    verdict = f"{len(regs)} regression(s)" if regs else "no regressions"
    parts = [
        f'<div class="dc-card"><h1>Scorecard change: {e(a.dataset)}</h1>',
        f'<p class="verdict">{verdict}: overall {_pct(b.overall_score)} &rarr; {_pct(a.overall_score)}</p>',
        f"<p>Baseline {e(b.dataset)} {_rag(b.status)} {'PASSED' if b.passed else 'FAILED'}, "
        f"{b.row_count:,} rows, generated {e(b.generated_at)}.<br>"
        f"Now {e(a.dataset)} {_rag(a.status)} {'PASSED' if a.passed else 'FAILED'}, {a.row_count:,} rows, "
        f"generated {e(a.generated_at)}. Suite <code>{e(a.suite)}</code>; a fall of more than "
        f"{100 * d.tolerance:.1f} pts is a regression.</p>",
        _change_chart(d),
        "<h2>What changed</h2><table><thead><tr><th>What</th><th class=num>Before</th><th class=num>After</th>"
        "<th class=num>Change</th><th></th></tr></thead><tbody>",
    ]
    shown = 0
    for c in d.changes:
        if c.before == c.after:
            continue
        shown += 1
        if c in regs:
            cls, tag = "regression", '<span class="tag bad">&#9660; regression</span>'
        elif c in imps:
            cls, tag = "improvement", '<span class="tag good">&#9650; improvement</span>'
        else:
            cls, tag = "", ""
        delta = "-" if c.delta is None else f"{100 * c.delta:+.1f} pts"
        parts.append(
            f'<tr class="{cls}"><td>{e(c.what)}</td><td class=num>{_pct(c.before)}</td>'
            f"<td class=num>{_pct(c.after)}</td><td class=num>{delta}</td><td>{tag}</td></tr>"
        )
    if not shown:
        parts.append('<tr><td colspan="5">no score changed</td></tr>')
    parts.append("</tbody></table>")
    if a.failure_reasons:
        parts.append(
            "<h2>Why the new run failed</h2><ul>" + "".join(f"<li>{e(r)}</li>" for r in a.failure_reasons) + "</ul>"
        )
    parts.append("</div>")
    body = "".join(parts)
    if not standalone:
        return f"<style>{_CSS}{_DIFF_CSS}</style>{body}"
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>Scorecard change {e(a.dataset)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}{_DIFF_CSS}</style></head><body>{body}</body></html>\n"
    )


def diff(before: Scorecard, after: Scorecard, *, tolerance: float = 0.001) -> ScorecardDiff:
    """Compare two scorecards of the same suite; see :class:`ScorecardDiff`."""
    changes = [ScoreChange("overall", before.overall_score, after.overall_score)]
    b_dims = {d.name: d.score for d in before.dimensions}
    for d in after.dimensions:
        changes.append(ScoreChange(f"dimension:{d.name}", b_dims.get(d.name), d.score))
    b_exp = {x.key: x.score for x in before.expectations}
    for x in after.expectations:
        changes.append(ScoreChange(f"expectation:{x.key}", b_exp.get(x.key), x.score))
    for key in b_exp.keys() - {x.key for x in after.expectations}:
        changes.append(ScoreChange(f"expectation:{key}", b_exp[key], None))
    return ScorecardDiff(before, after, tuple(changes), tolerance)


def load_scorecard(path: str | Path) -> Scorecard:
    """Read a ``scorecard.json`` written by :func:`to_json`."""
    from dataclean.exceptions import ConfigError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Scorecard.from_dict(data)
    except FileNotFoundError as exc:
        raise ConfigError("scorecard file not found", source=str(path)) from exc
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"not a dataclean scorecard.json ({exc.__class__.__name__}: {exc})", source=str(path)
        ) from exc
