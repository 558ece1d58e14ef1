"""Quality scorecards on the six UK Government Data Quality Framework dimensions."""

import importlib
from typing import Any

from dataclean.scorecard.build import ValidationReport, build_scorecard
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


def __getattr__(name: str) -> Any:
    # ``from dataclean.scorecard import validate`` (in docs and user code) predates the move of
    # validate to the jobs layer (dataclean.jobs.validate). The scorecard layer imports no job, so
    # the old name is an alias resolved at first use through the package facade, dataclean.validate.
    if name == "validate":
        return importlib.import_module("dataclean").validate
    raise AttributeError(f"module 'dataclean.scorecard' has no attribute {name!r}")
