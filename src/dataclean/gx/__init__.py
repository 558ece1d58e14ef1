"""The thin great-expectations layer: registration, an ephemeral quiet context, and running suites.

great-expectations takes ~2.7 s to import, so nothing outside this package imports it, and this
package imports it only when a function here is called.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    import great_expectations as gx

log = logging.getLogger(__name__)
_REGISTERED = False


def ensure_registered() -> dict[str, type]:
    """Import GX and register dataclean's expectations (idempotent). Returns them by type name."""
    global _REGISTERED
    from dataclean.gx import expectations

    if not _REGISTERED:
        import great_expectations.execution_engine.pandas_execution_engine as pee

        # GX fingerprints the whole frame (MD5 over every cell) twice per validation, which is
        # ~60 % of run time on 1M rows and serves only its own result caching. Frames at or over
        # HASH_THRESHOLD bytes are never fingerprinted; 0 turns it off. A test guards the constant.
        pee.HASH_THRESHOLD = 0
        _REGISTERED = True
    return expectations.DATACLEAN_EXPECTATIONS


_CONTEXT: Any = None
_BATCH_DEFINITION: Any = None


def quiet_context() -> gx.data_context.AbstractDataContext:
    """An ephemeral (in-memory) GX context with progress bars off and nothing written to disk.

    One per process: each new ephemeral context makes a temporary folder that GX never removes.
    """
    global _CONTEXT
    if _CONTEXT is not None:
        return _CONTEXT
    ensure_registered()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX gives this logger its own INFO level at import, so its INFO lines escape an application's
    # WARNING setting; NOTSET lets it follow the application's configuration like any other logger
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.NOTSET)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    _CONTEXT = context
    return context


def validate_frame(
    df: pd.DataFrame, suite: gx.ExpectationSuite, *, result_format: Any = "SUMMARY"
) -> gx.core.ExpectationSuiteValidationResult:
    """Run a GX suite on a pandas DataFrame through an ephemeral context."""
    global _BATCH_DEFINITION
    if _BATCH_DEFINITION is None:
        _BATCH_DEFINITION = (
            quiet_context()
            .data_sources.add_pandas("dataclean")
            .add_dataframe_asset("frame")
            .add_batch_definition_whole_dataframe("all_rows")
        )
    batch = _BATCH_DEFINITION.get_batch(batch_parameters={"dataframe": df})
    return batch.validate(suite, result_format=result_format)


def validate_frame_by_columns(
    df: pd.DataFrame, suite: gx.ExpectationSuite, *, result_format: Any = "SUMMARY"
) -> list[Any]:
    """Run a GX suite column group by column group; returns the expectation results.

    GX evaluates a column expectation by filtering the *whole* batch frame (every column) to the
    rows it needs, once per metric; on a wide frame that copying is most of the run time. Each
    group of expectations that reads the same columns is therefore validated on a frame holding
    only those columns (same index, so row labels in the results are unchanged). Table-level
    expectations see the whole frame.
    """
    import great_expectations as gx

    groups: dict[tuple[str, ...], list[Any]] = {}
    for expectation in suite.expectations:
        kwargs = expectation.configuration.kwargs
        cols: tuple[str, ...] = ()
        if "column" in kwargs:
            cols = (kwargs["column"],)
        elif "column_A" in kwargs:
            cols = (kwargs["column_A"], kwargs["column_B"])
        elif "column_list" in kwargs:
            cols = tuple(kwargs["column_list"])
        groups.setdefault(cols, []).append(expectation.configuration)
    results: list[Any] = []
    for cols, configs in groups.items():
        frame = df[list(dict.fromkeys(cols))] if cols else df
        part = gx.ExpectationSuite(
            name=f"{suite.name}[{','.join(cols)}]", expectations=[c.to_domain_obj() for c in configs]
        )
        results.extend(validate_frame(frame, part, result_format=result_format).results)
    return results
