"""Quality scorecards on the six UK Government Data Quality Framework dimensions."""

from dataclean.scorecard.build import ValidationReport, build_scorecard, validate
from dataclean.scorecard.model import (
    DIMENSIONS,
    ColumnScore,
    DimensionScore,
    ExpectationScore,
    Scorecard,
)

__all__ = [
    "DIMENSIONS",
    "ColumnScore",
    "DimensionScore",
    "ExpectationScore",
    "Scorecard",
    "ValidationReport",
    "build_scorecard",
    "validate",
]
