"""The thin great-expectations layer: registration, an ephemeral quiet context, and running suites.

great-expectations takes ~2.7 s to import, so nothing outside this package imports it, and this
package imports it only when a function here is called.

dataclean leaves the host process's GX settings alone: registering the expectations changes no
GX module setting, and the one private setting dataclean relies on for speed (no whole-frame
fingerprint, see :func:`no_fingerprint`) is switched only while dataclean's own context runs.
Users can use the expectations in their own GX project: see ``docs/great-expectations.md``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    import great_expectations as gx

    from dataclean.suite import ExpectationSpec, Suite

log = logging.getLogger(__name__)
_REGISTERED = False


def ensure_registered() -> dict[str, type]:
    """Import GX and register dataclean's expectations (idempotent). Returns them by type name."""
    global _REGISTERED
    from dataclean.gx import expectations

    _REGISTERED = True
    return expectations.DATACLEAN_EXPECTATIONS


_FINGERPRINT_LOCK = threading.RLock()
_FINGERPRINT_DEPTH = 0
_FINGERPRINT_SAVED: Any = None


@contextlib.contextmanager
def no_fingerprint() -> Iterator[None]:
    """Within this block GX does not fingerprint pandas frames; the setting is restored after.

    GX hashes the whole frame (MD5 over every cell) twice per validation, which is ~60 % of run
    time on 1M rows and serves only its own result caching. Frames at or over the private module
    constant ``HASH_THRESHOLD`` bytes are never fingerprinted, so 0 turns it off. The constant is
    process-wide, so dataclean sets it only around its own ``get_batch`` and ``validate`` calls
    and puts the host's value back afterwards (nested and concurrent dataclean runs share one
    save/restore). A host GX validation running *in another thread at the same moment* would
    also skip its fingerprint, which changes only GX's ``batch_markers``, never a result.
    """
    global _FINGERPRINT_DEPTH, _FINGERPRINT_SAVED
    import great_expectations.execution_engine.pandas_execution_engine as pee

    with _FINGERPRINT_LOCK:
        if _FINGERPRINT_DEPTH == 0:
            _FINGERPRINT_SAVED = pee.HASH_THRESHOLD
            pee.HASH_THRESHOLD = 0
        _FINGERPRINT_DEPTH += 1
    try:
        yield
    finally:
        with _FINGERPRINT_LOCK:
            _FINGERPRINT_DEPTH -= 1
            if _FINGERPRINT_DEPTH == 0:
                pee.HASH_THRESHOLD = _FINGERPRINT_SAVED
                _FINGERPRINT_SAVED = None


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

    # GX gives this logger its own INFO level at import, so its one INFO line (the ephemeral
    # context's temporary docs folder) escapes an application's WARNING setting. NOTSET lets it
    # follow the application's configuration while dataclean makes its context; the host's level
    # is put back afterwards.
    config_logger = logging.getLogger("great_expectations.data_context.types.base")
    level = config_logger.level
    config_logger.setLevel(logging.NOTSET)
    try:
        context = gx.get_context(mode="ephemeral")
    finally:
        config_logger.setLevel(level)
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
    with no_fingerprint():
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

    from dataclean.checks.types import expectation_columns

    groups: dict[tuple[str, ...], list[Any]] = {}
    for expectation in suite.expectations:
        cols = expectation_columns(expectation.configuration.kwargs)
        groups.setdefault(cols, []).append(expectation.configuration)
    results: list[Any] = []
    for cols, configs in groups.items():
        frame = df[list(dict.fromkeys(cols))] if cols else df
        part = gx.ExpectationSuite(
            name=f"{suite.name}[{','.join(cols)}]", expectations=[c.to_domain_obj() for c in configs]
        )
        results.extend(validate_frame(frame, part, result_format=result_format).results)
    return results


def expectation_to_gx(spec: ExpectationSpec) -> Any:
    """One suite expectation as a GX expectation (dataclean's key, dimension and weight in ``meta``).

    Raises :class:`dataclean.exceptions.ConfigError` when GX's model refuses the argument values
    (a suite checks only argument *names* when it loads, without GX)."""
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    meta = {"dataclean_key": spec.key, "dimension": spec.dimension, "weight": spec.weight}
    config = ExpectationConfiguration(
        type=spec.type, kwargs=dict(spec.kwargs), meta=meta, severity=spec.severity, description=spec.description
    )
    try:
        return config.to_domain_obj()
    except Exception as exc:  # GX raises pydantic errors of several kinds for bad values
        from dataclean.exceptions import ConfigError

        lines = str(exc).splitlines()
        detail = "; ".join(m.strip() for m in lines[1:4] if m.strip()) or str(exc)
        raise ConfigError(f"expectation {spec.key}: invalid arguments for {spec.type}: {detail}") from exc


def suite_to_gx(suite: Suite) -> gx.ExpectationSuite:
    """Compile a :class:`dataclean.suite.Suite` to a real GX ``ExpectationSuite`` (dataclean's
    metadata in ``meta``). ``Suite.to_gx()`` calls this. Every expectation whose argument values
    GX refuses is listed in one :class:`~dataclean.exceptions.ConfigError` naming the suite file."""
    ensure_registered()
    import great_expectations as gx

    from dataclean.exceptions import ConfigError

    expectations, problems = [], []
    for spec in suite.expectations:
        try:
            expectations.append(expectation_to_gx(spec))
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems, source=suite.path)
    return gx.ExpectationSuite(
        name=suite.name, expectations=expectations, meta={"dataclean_suite": suite.schema_version, "source": suite.path}
    )


def gx_suite_from_json(data: Mapping[str, Any] | str | Path, *, name: str | None = None) -> gx.ExpectationSuite:
    """A GX ``ExpectationSuite`` from compiled suite JSON (``dataclean suite compile`` output).

    ``data`` is the parsed JSON, or a path to the file. Registers dataclean's expectations first
    and, unlike ``gx.ExpectationSuite(**json)`` (which drops an unknown expectation type with
    only a logged error), raises :class:`dataclean.exceptions.ConfigError` naming any expectation
    that did not load. ``name`` renames the suite (GX suite names are unique per context). The
    suite is not added to any context: pass it to ``context.suites.add_or_update``.
    """
    from dataclean.exceptions import ConfigError

    source = None
    if not isinstance(data, Mapping):
        source = str(data)
        try:
            data = json.loads(Path(data).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError("compiled suite file not found", source=source) from exc
        except json.JSONDecodeError as exc:
            raise ConfigError(f"not JSON: {exc}; write it with `dataclean suite compile`", source=source) from exc
    if not isinstance(data, Mapping) or "expectations" not in data:
        raise ConfigError("not a compiled suite: no 'expectations' list", source=source)
    ensure_registered()
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    wanted = [e.get("type") for e in data["expectations"]]
    unknown = []
    for i, kind in enumerate(wanted):
        try:
            get_expectation_impl(kind)
        except Exception:
            unknown.append(f"expectations[{i}] type {kind!r}")
    if unknown:
        raise ConfigError(
            "unknown expectation type(s): " + "; ".join(unknown) + " (is the dataclean version the same as the "
            "one that compiled the suite?)",
            source=source,
        )
    fields = {k: v for k, v in data.items() if k in ("name", "expectations", "meta", "notes", "id")}
    if name is not None:
        fields["name"] = name
    fields.pop("id", None)
    suite = gx.ExpectationSuite(**fields)
    if len(suite.expectations) != len(wanted):  # pragma: no cover - GX dropped one we checked
        raise ConfigError(f"GX loaded {len(suite.expectations)} of {len(wanted)} expectations", source=source)
    return suite
