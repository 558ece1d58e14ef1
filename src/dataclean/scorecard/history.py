"""Quality over time: a series of scorecards of one suite, drawn as a self-contained HTML trend page::

    h = load_history(["runs/"])          # every scorecard JSON under runs/, oldest first
    h.regressions                        # scores that fell since the previous run
    Path("trend.html").write_text(h.to_html(), encoding="utf-8")

Runs are ordered by their ``generated_at`` time (then by file name). For the overall score and
each of the six dimensions the page draws the score per run as an inline SVG line chart with the
threshold in force at each run; a run below its threshold (a *breach*) is drawn as a square and a
fall of more than ``tolerance`` since the previous assessed run (a *regression*) as a downward
triangle, so neither relies on colour alone. No scripts, fonts or network: it opens offline.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dataclean.scorecard.model import DIMENSION_MEANING, DIMENSIONS, Scorecard
from dataclean.scorecard.render import _CSS, _RAG_COLOUR, _axis_floor, _axis_ticks, _pct, _rag

log = logging.getLogger(__name__)

OVERALL = "overall"


@dataclass(frozen=True)
class TrendPoint:
    """One run's score for one series (``overall`` or a dimension)."""

    run: int
    score: float | None
    threshold: float | None
    status: str
    delta: float | None  # change since the previous run that had a score
    breach: bool  # below the threshold in force at this run
    regression: bool  # fell by more than the tolerance since the previous assessed run


@dataclass(frozen=True)
class History:
    """Scorecards of one suite in run order, with breaches and regressions worked out."""

    runs: tuple[Scorecard, ...]
    sources: tuple[str, ...]
    tolerance: float = 0.001

    @property
    def suite(self) -> str:
        return self.runs[0].suite

    def series(self, what: str) -> tuple[TrendPoint, ...]:
        """The points of ``what`` (``"overall"`` or a dimension name) across runs."""
        if what != OVERALL and what not in DIMENSIONS:
            raise KeyError(what)
        points = []
        previous: float | None = None
        for i, card in enumerate(self.runs):
            if what == OVERALL:
                score, threshold, status = card.overall_score, card.overall_threshold, card.status
            else:
                try:
                    d = card.dimension(what)
                    score, threshold, status = d.score, d.threshold, d.status
                except KeyError:
                    score, threshold, status = None, None, "not_assessed"
            delta = None if score is None or previous is None else score - previous
            breach = score is not None and threshold is not None and score < threshold
            points.append(
                TrendPoint(
                    run=i,
                    score=score,
                    threshold=threshold,
                    status=status,
                    delta=delta,
                    breach=breach,
                    regression=delta is not None and delta < -self.tolerance,
                )
            )
            if score is not None:
                previous = score
        return tuple(points)

    @property
    def regressions(self) -> tuple[tuple[int, str, float], ...]:
        """(run index, series, change) for every fall of more than the tolerance."""
        return tuple(
            (p.run, what, p.delta)
            for what in (OVERALL, *DIMENSIONS)
            for p in self.series(what)
            if p.regression and p.delta is not None
        )

    @property
    def breaches(self) -> tuple[tuple[int, str, float], ...]:
        """(run index, series, score) for every score below its threshold."""
        return tuple(
            (p.run, what, p.score)
            for what in (OVERALL, *DIMENSIONS)
            for p in self.series(what)
            if p.breach and p.score is not None
        )

    def labels(self) -> list[str]:
        """A short label per run: the date, with the time when two runs share a date."""
        stamps = [c.generated_at or "" for c in self.runs]
        dates = [s[:10] or f"run {i + 1}" for i, s in enumerate(stamps)]
        if len(set(dates)) == len(dates):
            return dates
        return [f"{d} {s[11:16]}".strip() if len(s) >= 16 else d for d, s in zip(dates, stamps)]

    def summary(self) -> str:
        """One line per series for the console: latest score, change, breaches and regressions."""
        labels = self.labels()
        runs = f"{len(self.runs)} run{'s' if len(self.runs) != 1 else ''}"
        out = [f"{runs} of suite {self.suite!r}, {labels[0]} to {labels[-1]}"]
        for what in (OVERALL, *DIMENSIONS):
            pts = self.series(what)
            last = pts[-1]
            if all(p.score is None for p in pts):
                continue
            change = "" if last.delta is None else f" ({100 * last.delta:+.1f} pts)"
            regs = sum(p.regression for p in pts)
            brs = sum(p.breach for p in pts)
            out.append(f"  {what:<13} {_pct(last.score):>13}{change}; {brs} breach(es), {regs} regression(s)")
        return "\n".join(out)

    def to_html(self) -> str:
        """The self-contained trend page (see the module docstring)."""
        return to_trend_html(self)


# ---------------------------------------------------------------------------------------- loading
def _scorecard_files(paths: Iterable[str | Path]) -> list[tuple[Path, bool]]:
    files: list[tuple[Path, bool]] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(path.rglob("*.json"))
            files += [(f, False) for f in found]
        elif path.exists():
            files.append((path, True))
        else:
            from dataclean.exceptions import ConfigError

            raise ConfigError("no such scorecard file or folder", source=str(path))
    return files


def load_history(
    paths: Iterable[str | Path], *, suite: str | None = None, tolerance: float = 0.001
) -> History:
    """Read scorecard JSON files (``scorecard.json`` from ``dataclean validate --format json``).

    ``paths`` are files or folders; folders are searched recursively for ``*.json`` and JSON
    that is not a scorecard is skipped (logged). A named file that is not a scorecard is an
    error. When the scorecards are of more than one suite, ``suite`` picks one.
    """
    from dataclean.exceptions import ConfigError

    paths = list(paths)
    cards: list[tuple[str, str, Scorecard]] = []
    for path, named in _scorecard_files(paths):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            card = Scorecard.from_dict(data)
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            if named:
                raise ConfigError(
                    f"not a dataclean scorecard.json ({exc.__class__.__name__}: {exc})", source=str(path)
                ) from exc
            log.info("skipping %s: not a scorecard (%s)", path, exc.__class__.__name__)
            continue
        cards.append((card.generated_at or "", str(path), card))
    if not cards:
        raise ConfigError(
            "no scorecard JSON found in " + ", ".join(str(p) for p in paths)
            + "; write them with `dataclean validate --format json --output DIR`"
        )
    suites = sorted({c.suite for _, _, c in cards})
    if suite is not None:
        cards = [t for t in cards if t[2].suite == suite]
        if not cards:
            raise ConfigError(f"no scorecard of suite {suite!r}; found suites: {', '.join(suites)}")
    elif len(suites) > 1:
        raise ConfigError(f"the scorecards are of {len(suites)} suites ({', '.join(suites)}); choose one with --suite")
    cards.sort(key=lambda t: (t[0], t[1]))
    return History(tuple(c for _, _, c in cards), tuple(s for _, s, _ in cards), tolerance)


def history_from_scorecards(cards: Sequence[Scorecard], *, tolerance: float = 0.001) -> History:
    """A :class:`History` of scorecards already in memory, in the order given."""
    from dataclean.exceptions import ConfigError

    if not cards:
        raise ConfigError("a history needs at least one scorecard")
    if len({c.suite for c in cards}) > 1:
        raise ConfigError("the scorecards are of more than one suite")
    return History(tuple(cards), tuple("" for _ in cards), tolerance)


# ------------------------------------------------------------------------------------------ SVG
_BREACH = _RAG_COLOUR["red"]
_LINE = "#1d70b8"
_THRESHOLD = "#505a5f"


def _marker(x: float, y: float, point: TrendPoint, title: str, size: float = 1.0) -> str:
    """A run's point: a circle, a square below the threshold, a downward triangle when it fell.
    ``size`` scales it down when runs are close together."""
    colour = _BREACH if point.breach else _RAG_COLOUR.get(point.status, _LINE)
    tip = f"<title>{html.escape(title)}</title>"
    if point.regression:
        w, h = 7 * size, 6 * size
        pts = f"{x - w:.1f},{y - h:.1f} {x + w:.1f},{y - h:.1f} {x:.1f},{y + h:.1f}"
        return (
            f'<polygon class="mk reg" points="{pts}" fill="{colour}" stroke="#0b0c0c" stroke-width="1">'
            f"{tip}</polygon>"
        )
    if point.breach:
        half = 5 * size
        return (
            f'<rect class="mk breach" x="{x - half:.1f}" y="{y - half:.1f}" width="{2 * half:.1f}" '
            f'height="{2 * half:.1f}" fill="{colour}" stroke="#0b0c0c" stroke-width="1">{tip}</rect>'
        )
    return f'<circle class="mk" cx="{x:.1f}" cy="{y:.1f}" r="{4.5 * size:.1f}" fill="{colour}">{tip}</circle>'


def trend_svg(history: History, what: str, *, width: int = 520, height: int = 210) -> str:
    """An inline SVG line chart of one series with its threshold line and marked points."""
    points = history.series(what)
    labels = history.labels()
    values = [p.score for p in points if p.score is not None] + [p.threshold for p in points if p.threshold]
    lo, hi = _axis_floor(values), 1.0
    left, right, top, bottom = 52, 40, 14, 46
    pw, ph = width - left - right, height - top - bottom
    n = len(points)

    def px(i: int) -> float:
        return left + (pw / 2 if n == 1 else pw * i / (n - 1))

    def py(v: float) -> float:
        return top + ph * (hi - v) / (hi - lo)

    size = 1.0 if n < 2 else min(1.0, max(0.45, pw / (n - 1) / 16))  # smaller points when runs are close
    parts = [f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fff" stroke="#b1b4b6"/>']
    for v in _axis_ticks(lo):
        y = py(v)
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e6e7"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" class="ax" text-anchor="end">{100 * v:.0f}%</text>')
    every = max(1, -(-n // max(2, pw // 76)))  # labels at least ~76 px apart
    for i, label in enumerate(labels):
        if i != n - 1 and (i % every or n - 1 - i < every):
            continue
        x = px(i)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + ph}" y2="{top + ph + 4}" stroke="#505a5f"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{top + ph + 16}" class="ax" text-anchor="middle">{html.escape(label[:10])}</text>'
        )
        if len(label) > 10:
            parts.append(
                f'<text x="{x:.1f}" y="{top + ph + 29}" class="ax" text-anchor="middle">'
                f"{html.escape(label[11:])}</text>"
            )
    # threshold in force at each run: a dashed step line
    steps = []
    for i, p in enumerate(points):
        if p.threshold is None:
            continue
        x0 = px(i) - (0 if i == 0 or n == 1 else pw / (n - 1) / 2)
        x1 = px(i) + (0 if i == n - 1 or n == 1 else pw / (n - 1) / 2)
        if n == 1:
            x0, x1 = left, left + pw
        steps.append(f"M{x0:.1f},{py(p.threshold):.1f}H{x1:.1f}")
    if steps:
        parts.append(
            f'<path class="thr" d="{"".join(steps)}" fill="none" stroke="{_THRESHOLD}" stroke-width="1.5" '
            f'stroke-dasharray="5 4"/>'
        )
    # the score line, broken where a run did not assess this series
    path, pen = [], False
    for i, p in enumerate(points):
        if p.score is None:
            pen = False
            continue
        path.append(f"{'L' if pen else 'M'}{px(i):.1f},{py(p.score):.1f}")
        pen = True
    if path:
        parts.append(f'<path class="line" d="{"".join(path)}" fill="none" stroke="{_LINE}" stroke-width="2.5"/>')
    for i, p in enumerate(points):
        if p.score is None:
            parts.append(
                f'<text x="{px(i):.1f}" y="{top + ph - 6}" class="ax na" text-anchor="middle">n/a'
                f"<title>{html.escape(labels[i])}: not assessed</title></text>"
            )
            continue
        title = f"{labels[i]}: {_pct(p.score)}"
        if p.threshold is not None:
            title += f" (threshold {_pct(p.threshold)})"
        if p.delta is not None:
            title += f", {100 * p.delta:+.1f} pts"
        if p.breach:
            title += ", below threshold"
        if p.regression:
            title += ", regression"
        parts.append(_marker(px(i), py(p.score), p, title, size))
    name = "overall score" if what == OVERALL else f"{what} score"
    return (
        f'<svg class="trend" role="img" aria-label="{html.escape(name)} over {n} runs" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"{''.join(parts)}</svg>"
    )


_LEGEND = (
    '<svg class="legend" width="620" height="22" viewBox="0 0 620 22" xmlns="http://www.w3.org/2000/svg">'
    f'<line x1="2" x2="30" y1="11" y2="11" stroke="{_LINE}" stroke-width="2.5"/>'
    f'<circle cx="16" cy="11" r="4.5" fill="{_RAG_COLOUR["green"]}"/>'
    '<text x="36" y="15" class="ax">score (colour: status)</text>'
    f'<line x1="190" x2="218" y1="11" y2="11" stroke="{_THRESHOLD}" stroke-width="1.5" stroke-dasharray="5 4"/>'
    '<text x="224" y="15" class="ax">threshold</text>'
    f'<rect x="298" y="6" width="10" height="10" fill="{_BREACH}" stroke="#0b0c0c"/>'
    '<text x="314" y="15" class="ax">below threshold</text>'
    '<polygon points="424,6 438,6 431,18" fill="#fff" stroke="#0b0c0c"/>'
    '<text x="444" y="15" class="ax">fell since the previous run</text></svg>'
)

_TREND_CSS = """
.dc-card .charts{display:flex;flex-wrap:wrap;gap:8px 24px}.dc-card .charts .chart{width:520px}
.dc-card td:nth-child(-n+2),.dc-card td.num{white-space:nowrap}
.dc-card table{font-size:0.92em}.dc-card th,.dc-card td{padding:4px 6px}
.dc-card .chart h3{margin:0.6em 0 0.1em;font-size:1em}.dc-card .chart p{margin:0;color:#505a5f;font-size:0.85em}
.dc-card svg .ax{font:11px Arial,sans-serif;fill:#0b0c0c}.dc-card svg .na{fill:#505a5f}
.dc-card svg{max-width:100%;height:auto}
.dc-card td.breach{color:#d4351c;font-weight:bold}.dc-card .reg{color:#d4351c}
"""


def to_trend_html(history: History) -> str:
    """The trend page: overall and per-dimension charts, then a table of runs."""
    e = html.escape
    labels = history.labels()
    latest = history.runs[-1]
    regs, brs = history.regressions, history.breaches
    parts = [
        f'<div class="dc-card"><h1>Data quality over time: {e(history.suite)}</h1>',
        f"<p>{len(history.runs)} run{'s' if len(history.runs) != 1 else ''}, {e(labels[0])} to {e(labels[-1])}. "
        f"Latest: {e(latest.dataset)} "
        f"{_rag(latest.status)} overall {_pct(latest.overall_score)} (threshold {_pct(latest.overall_threshold)}), "
        f"{'PASSED' if latest.passed else 'FAILED'}.</p>",
        f"<p>{len(brs)} score(s) below threshold and {len(regs)} regression(s) of more than "
        f"{100 * history.tolerance:.1f} pts across all runs.</p>",
        _LEGEND,
        '<div class="chart"><h3>Overall</h3>',
        trend_svg(history, OVERALL, width=1060, height=250),
        "</div><h2>By dimension</h2><div class=\"charts\">",
    ]
    for name in DIMENSIONS:
        pts = history.series(name)
        assessed = any(p.score is not None for p in pts)
        parts.append(f'<div class="chart"><h3>{e(name.capitalize())}</h3><p>{e(DIMENSION_MEANING[name])}</p>')
        if assessed:
            parts.append(trend_svg(history, name))
        else:
            parts.append("<p><em>not assessed in any run</em></p>")
        parts.append("</div>")
    parts.append("</div><h2>Runs</h2><table><thead><tr><th>Run</th><th>Dataset</th><th class=num>Rows</th>")
    parts.append("<th class=num>Overall</th>" + "".join(f"<th class=num>{e(d)}</th>" for d in DIMENSIONS))
    parts.append("<th>Result</th></tr></thead><tbody>")
    series = {what: history.series(what) for what in (OVERALL, *DIMENSIONS)}
    for i, card in enumerate(history.runs):
        cells = []
        for what in (OVERALL, *DIMENSIONS):
            p = series[what][i]
            mark = ""
            if p.regression and p.delta is not None:
                mark = f' <span class="reg" title="regression">&#9660;{100 * abs(p.delta):.1f}</span>'
            cls = "num breach" if p.breach else "num"
            cells.append(f'<td class="{cls}">{_pct(p.score) if p.score is not None else "-"}{mark}</td>')
        parts.append(
            f"<tr><td>{e(labels[i])}</td><td>{e(card.dataset)}</td><td class=num>{card.row_count:,}</td>"
            f"{''.join(cells)}<td>{_rag(card.status)} {'passed' if card.passed else 'failed'}</td></tr>"
        )
    parts.append("</tbody></table></div>")
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>Quality over time: {e(history.suite)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}{_TREND_CSS}</style></head><body>{''.join(parts)}</body></html>\n"
    )
