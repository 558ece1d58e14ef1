"""The scorecards' shared look: status colours and labels, CSS, percentages and chart axes.

Used by :mod:`dataclean.scorecard.render`, :mod:`dataclean.scorecard.diff` and
:mod:`dataclean.scorecard.history`, so the three pages look alike; no scores are computed here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

RAG_COLOUR = {"green": "#00703c", "amber": "#f47738", "red": "#d4351c", "not_assessed": "#505a5f"}
RAG_LABEL = {"green": "GREEN", "amber": "AMBER", "red": "RED", "not_assessed": "not assessed"}


def pct(x: float | None) -> str:
    return "not assessed" if x is None else f"{100 * x:.1f}%"


CSS = """
.dc-card{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;max-width:1100px}
.dc-card h1{font-size:1.5em}.dc-card table{border-collapse:collapse;margin:0.5em 0 1.5em}
.dc-card th,.dc-card td{border-bottom:1px solid #b1b4b6;padding:4px 10px;text-align:left;vertical-align:top}
.dc-card .rag{color:#fff;padding:2px 8px;border-radius:3px;font-weight:bold;font-size:0.85em;white-space:nowrap}
.dc-card .num{text-align:right}.dc-card code{background:#f3f2f1;padding:0 3px}
.dc-card svg .lbl,.dc-card svg .val{font:13px Arial,sans-serif;fill:#0b0c0c}
.dc-card .verdict{font-size:1.2em;font-weight:bold}
"""


def rag(status: str) -> str:
    return f'<span class="rag" style="background:{RAG_COLOUR[status]}">{RAG_LABEL[status]}</span>'


def axis_floor(values: Iterable[float | None]) -> float:
    """Bottom of a score axis that ends at 100 %: a round step a little below the lowest value,
    at most 90 %, so that changes between 90 % and 100 % are visible."""
    low = min((v for v in values if v is not None), default=1.0)
    step = 0.05 if low > 0.5 else 0.1
    return min(0.9, max(0.0, math.floor((low - 0.02) / step) * step))


def axis_ticks(low: float) -> list[float]:
    """Round tick values from ``low`` to 100 % (at most seven)."""
    span = 1.0 - low
    step = next(s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25) if span / s <= 6 + 1e-9)
    first = math.ceil(low / step - 1e-9)
    return [round(k * step, 6) for k in range(first, round(1 / step) + 1)]
