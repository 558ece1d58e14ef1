"""Compare two scorecards of the same suite: what rose, what fell, and whether that is a regression.

:func:`diff` returns a :class:`ScorecardDiff` (plain data) which shows itself as Markdown, text or
self-contained HTML (:func:`diff_to_html`), in the scorecard's style. Read saved scorecards with
:func:`dataclean.scorecard.io.load_scorecard`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from dataclean.scorecard._style import CSS, RAG_COLOUR, axis_floor, axis_ticks, pct, rag
from dataclean.scorecard.model import Scorecard


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
            f"Overall {pct(self.before.overall_score)} -> {pct(self.after.overall_score)}; "
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
            lines.append(f"| {c.what} | {pct(c.before)} | {pct(c.after)} | {delta}{mark} |")
        return "\n".join(lines) + "\n"

    def to_html(self, *, standalone: bool = True) -> str:
        """Self-contained HTML in the scorecard's style (see :func:`diff_to_html`)."""
        return diff_to_html(self, standalone=standalone)

    def _repr_html_(self) -> str:
        return diff_to_html(self, standalone=False)

    def to_text(self) -> str:
        regs = self.regressions
        head = f"{len(regs)} regression(s)" if regs else "no regressions"
        rows = [f"{c.what}: {pct(c.before)} -> {pct(c.after)}" for c in regs]
        return "\n".join([head, *rows])


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


# ------------------------------------------------------------------------------------------ HTML
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
    low = axis_floor([*before.values(), *(v[0] for v in after.values()), *(v[1] for v in after.values())])

    def sx(v: float) -> float:
        return label_w + bar_w * (max(v, low) - low) / (1.0 - low)

    rows = []
    bottom = top + len(names) * row_h
    for t in axis_ticks(low):
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
                f"<title>threshold {pct(thr)}</title></line>"
            )
        if a is not None and b is not None and abs(sx(a) - sx(b)) >= 14:
            bx, ax = sx(b), sx(a)
            direction = -1 if bx > ax else 1
            tip = ax - direction * 7
            colour = RAG_COLOUR["red"] if name in regressed else "#505a5f"
            rows.append(f'<line x1="{bx:.1f}" x2="{tip:.1f}" y1="{cy}" y2="{cy}" stroke="{colour}" stroke-width="2"/>')
            rows.append(
                f'<polygon points="{tip - direction * 6:.1f},{cy - 5} {tip - direction * 6:.1f},{cy + 5} '
                f'{tip:.1f},{cy}" fill="{colour}"/>'
            )
        if b is not None:
            rows.append(
                f'<circle class="before" cx="{sx(b):.1f}" cy="{cy}" r="6" fill="#fff" '
                f'stroke="#505a5f" stroke-width="2"><title>{html.escape(name)} before: {pct(b)}</title></circle>'
            )
        if a is not None:
            rows.append(
                f'<circle class="after" cx="{sx(a):.1f}" cy="{cy}" r="6" fill="{RAG_COLOUR[status]}">'
                f"<title>{html.escape(name)} after: {pct(a)}</title></circle>"
            )
        if a is None and b is None:
            text = "not assessed"
        elif a is None or b is None:
            text = f"{pct(b)} \u2192 {pct(a)}"
        elif abs(a - b) < 5e-7:
            text = f"{pct(a)}, no change"
        else:
            text = f"{pct(b)} \u2192 {pct(a)} ({100 * (a - b):+.1f} pts)"
        mark = " \u25bc regression" if name in regressed else ""
        fill = f' style="fill:{RAG_COLOUR["red"]}"' if mark else ""
        rows.append(f'<text x="{label_w + bar_w + 14}" y="{y + 15}" class="val"{fill}>{text}{mark}</text>')
    legend_y = bottom + 18
    rows.append(
        f'<circle cx="{label_w + 6}" cy="{legend_y - 4}" r="5" fill="#fff" stroke="#505a5f" stroke-width="2"/>'
        f'<text x="{label_w + 16}" y="{legend_y}" class="ax">baseline</text>'
        f'<circle cx="{label_w + 86}" cy="{legend_y - 4}" r="5" fill="{RAG_COLOUR["green"]}"/>'
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
        f'<p class="verdict">{verdict}: overall {pct(b.overall_score)} &rarr; {pct(a.overall_score)}</p>',
        f"<p>Baseline {e(b.dataset)} {rag(b.status)} {'PASSED' if b.passed else 'FAILED'}, "
        f"{b.row_count:,} rows, generated {e(b.generated_at)}.<br>"
        f"Now {e(a.dataset)} {rag(a.status)} {'PASSED' if a.passed else 'FAILED'}, {a.row_count:,} rows, "
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
            f'<tr class="{cls}"><td>{e(c.what)}</td><td class=num>{pct(c.before)}</td>'
            f"<td class=num>{pct(c.after)}</td><td class=num>{delta}</td><td>{tag}</td></tr>"
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
        return f"<style>{CSS}{_DIFF_CSS}</style>{body}"
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>Scorecard change {e(a.dataset)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}{_DIFF_CSS}</style></head><body>{body}</body></html>\n"
    )
