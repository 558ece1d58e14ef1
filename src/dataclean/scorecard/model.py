"""The scorecard as plain data: frozen dataclasses with ``to_dict`` / ``from_dict``.

Scoring is on the six dimensions of the UK Government Data Quality Framework. A dimension with
no expectations is *not assessed*: its score is ``None`` (``null`` in JSON), never 100.
The dimension names are :data:`dataclean.suite.DIMENSIONS` (one list: suites declare them,
scorecards score them). Renderers (JSON, Markdown, HTML, JUnit, console) live in
:mod:`dataclean.scorecard.render`; this module imports them only inside the display methods.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dataclean.suite import DIMENSIONS

__all__ = [
    "DIMENSIONS",
    "DIMENSION_MEANING",
    "SCORECARD_SCHEMA_VERSION",
    "ColumnScore",
    "DimensionScore",
    "ExpectationScore",
    "Scorecard",
]

SCORECARD_SCHEMA_VERSION = "1.0"

DIMENSION_MEANING: dict[str, str] = {
    "completeness": "the data needed is present: non-null and not a placeholder",
    "uniqueness": "each real thing is recorded once: no duplicate identifiers or persons",
    "consistency": "values agree across fields and datasets",
    "timeliness": "records are recent enough for their use",
    "validity": "values conform to format, checksum, code list and range",
    "accuracy": "values agree with reference data or a trusted source",
}


@dataclass(frozen=True)
class ExpectationScore:
    """How one expectation fared. ``score`` = 1 - unexpected / evaluated (nulls are not evaluated)."""

    key: str
    type: str
    columns: tuple[str, ...]
    dimension: str
    severity: str
    weight: float
    element_count: int
    missing_count: int
    unexpected_count: int
    score: float | None
    success: bool
    mostly: float | None = None
    examples: tuple[str, ...] = ()
    reasons: Mapping[str, int] = field(default_factory=dict)
    error: str | None = None
    description: str | None = None

    @property
    def evaluated_count(self) -> int:
        return max(self.element_count - self.missing_count, 0)

    @property
    def column(self) -> str | None:
        return self.columns[0] if len(self.columns) == 1 else None


@dataclass(frozen=True)
class DimensionScore:
    name: str
    score: float | None
    threshold: float | None
    status: str  # green / amber / red / not_assessed
    expectations: int
    failed_expectations: int
    weight: float = 1.0

    @property
    def assessed(self) -> bool:
        return self.score is not None

    @property
    def passed(self) -> bool:
        return self.status != "red"


@dataclass(frozen=True)
class ColumnScore:
    column: str
    role: str | None
    score: float | None
    dimensions: Mapping[str, float | None]


@dataclass(frozen=True)
class Scorecard:
    """A dataset's quality scorecard. Plain data; render with :mod:`dataclean.scorecard.render`."""

    suite: str
    dataset: str
    row_count: int
    overall_score: float | None
    overall_threshold: float
    status: str
    passed: bool
    dimensions: tuple[DimensionScore, ...]
    columns: tuple[ColumnScore, ...]
    expectations: tuple[ExpectationScore, ...]
    failure_reasons: tuple[str, ...] = ()
    generated_at: str = ""
    reference_date: str | None = None
    stage: str | None = None
    duplicates: Mapping[str, Any] | None = None
    timings: Mapping[str, float] = field(default_factory=dict)
    schema_version: str = SCORECARD_SCHEMA_VERSION

    def dimension(self, name: str) -> DimensionScore:
        for d in self.dimensions:
            if d.name == name:
                return d
        raise KeyError(name)

    def expectation(self, key: str) -> ExpectationScore:
        for e in self.expectations:
            if e.key == key:
                return e
        raise KeyError(key)

    @property
    def failed_expectations(self) -> tuple[ExpectationScore, ...]:
        return tuple(e for e in self.expectations if not e.success)

    # ------------------------------------------------------------------ serialisation
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict following ``dataclean/schemas/scorecard-v1.json``."""
        return {
            "schema_version": self.schema_version,
            "suite": self.suite,
            "dataset": self.dataset,
            "stage": self.stage,
            "generated_at": self.generated_at,
            "reference_date": self.reference_date,
            "row_count": self.row_count,
            "overall": {
                "score": _r(self.overall_score),
                "threshold": self.overall_threshold,
                "status": self.status,
                "passed": self.passed,
                "failure_reasons": list(self.failure_reasons),
            },
            "dimensions": {
                d.name: {
                    "score": _r(d.score),
                    "threshold": d.threshold,
                    "status": d.status,
                    "assessed": d.assessed,
                    "expectations": d.expectations,
                    "failed_expectations": d.failed_expectations,
                    "weight": d.weight,
                }
                for d in self.dimensions
            },
            "columns": [
                {
                    "column": c.column,
                    "role": c.role,
                    "score": _r(c.score),
                    "dimensions": {k: _r(v) for k, v in c.dimensions.items()},
                }
                for c in self.columns
            ],
            "expectations": [
                {
                    "key": e.key,
                    "type": e.type,
                    "column": e.column,
                    "columns": list(e.columns),
                    "dimension": e.dimension,
                    "severity": e.severity,
                    "weight": e.weight,
                    "element_count": e.element_count,
                    "missing_count": e.missing_count,
                    "unexpected_count": e.unexpected_count,
                    "score": _r(e.score),
                    "success": e.success,
                    "mostly": e.mostly,
                    "examples": list(e.examples),
                    "reasons": dict(e.reasons),
                    "error": e.error,
                    "description": e.description,
                }
                for e in self.expectations
            ],
            "duplicates": dict(self.duplicates) if self.duplicates is not None else None,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Scorecard:
        """Rebuild from :meth:`to_dict` output (for ``dataclean scorecard diff``)."""
        dims = tuple(
            DimensionScore(
                name=name,
                score=v["score"],
                threshold=v.get("threshold"),
                status=v["status"],
                expectations=v.get("expectations", 0),
                failed_expectations=v.get("failed_expectations", 0),
                weight=v.get("weight", 1.0),
            )
            for name, v in d["dimensions"].items()
        )
        cols = tuple(
            ColumnScore(c["column"], c.get("role"), c.get("score"), c.get("dimensions", {}))
            for c in d.get("columns", [])
        )
        exps = tuple(
            ExpectationScore(
                key=e["key"],
                type=e["type"],
                columns=tuple(e.get("columns") or ([e["column"]] if e.get("column") else [])),
                dimension=e["dimension"],
                severity=e.get("severity", "critical"),
                weight=e.get("weight", 1.0),
                element_count=e["element_count"],
                missing_count=e.get("missing_count", 0),
                unexpected_count=e["unexpected_count"],
                score=e.get("score"),
                success=e["success"],
                mostly=e.get("mostly"),
                examples=tuple(e.get("examples", ())),
                reasons=e.get("reasons", {}),
                error=e.get("error"),
                description=e.get("description"),
            )
            for e in d.get("expectations", [])
        )
        o = d["overall"]
        return cls(
            suite=d["suite"],
            dataset=d["dataset"],
            row_count=d["row_count"],
            overall_score=o["score"],
            overall_threshold=o["threshold"],
            status=o["status"],
            passed=o["passed"],
            dimensions=dims,
            columns=cols,
            expectations=exps,
            failure_reasons=tuple(o.get("failure_reasons", ())),
            generated_at=d.get("generated_at", ""),
            reference_date=d.get("reference_date"),
            stage=d.get("stage"),
            duplicates=d.get("duplicates"),
            timings=d.get("timings", {}),
            schema_version=d.get("schema_version", "1.0"),
        )

    # ------------------------------------------------------------------ notebook display
    def _repr_html_(self) -> str:
        from dataclean.scorecard.render import to_html

        return to_html(self, standalone=False)

    def __str__(self) -> str:
        from dataclean.scorecard.render import to_text

        return to_text(self)


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)
