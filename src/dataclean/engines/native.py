"""Row-by-row expectations run on a pandas frame without great-expectations (GX).

GX takes ~3-4 CPU seconds to import and adds its own bookkeeping (pydantic models, metric graphs,
deep copies of configurations) to every validation. The expectations a generated suite holds
(not null, unique, valid ``<kind>``, not a placeholder, plausible date of birth) and dataclean's
other rules (recent, number between, in reference data, chronological pairs) are single
vectorised rules from :mod:`dataclean.checks`: this module evaluates them directly, the way GX's
pandas engine evaluates a map expectation, and returns results with the same shape as GX's
(``expectation_config.meta``, ``result`` with ``element_count``, ``missing_count``,
``unexpected_count``, ``unexpected_index_list``, ``partial_unexpected_list``, ``success``,
``exception_info``), so :func:`dataclean.scorecard.build._score_results` scores both alike.

What GX does, done the same way here (``tests/test_native.py`` compares the two result by
result on the shipped suites and generated data):

* a map expectation skips nulls (``missing_count``) and judges the other rows (``unexpected``
  among them); ``expect_column_values_to_not_be_null`` judges every row and has no
  ``missing_count``; a pair expectation with ``ignore_row_if: either_value_is_missing`` skips the
  rows missing either value and lists failing values as ``(a, b)`` pairs;
* ``unexpected_index_list`` holds the failing row labels in frame order and
  ``partial_unexpected_list`` the first ``partial`` failing values;
* ``success`` is ``(evaluated - unexpected) / evaluated >= mostly`` (true when nothing is
  evaluated); a rule that raises gives an empty result and ``exception_info`` with its message.

An expectation is run here only when :func:`supports` says so: a known type, only the arguments
listed for it, and values of the plain types those arguments take (so nothing GX would refuse is
accepted here). Anything else (GX's other expectation types, ``row_condition``, an odd value) is
left to GX, which also reports bad argument values.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dataclean import registry
from dataclean.checks import (
    KIND_OF_VALID_TYPE,
    chronological_mask,
    in_reference_mask,
    kind_valid_mask,
    number_between_mask,
    placeholder_mask,
    plausible_dob_mask,
    recent_mask,
)

NOT_NULL = "expect_column_values_to_not_be_null"
UNIQUE = "expect_column_values_to_be_unique"
PLACEHOLDER = "expect_column_values_to_not_be_placeholder"
PLAUSIBLE_DOB = "expect_column_values_to_be_plausible_date_of_birth"
RECENT = "expect_column_values_to_be_recent"
NUMBER_BETWEEN = "expect_column_values_to_be_number_between"
IN_REFERENCE = "expect_column_values_to_be_in_reference_data"
CHRONOLOGICAL = "expect_column_pair_values_to_be_chronological"

KIND_OF_TYPE = KIND_OF_VALID_TYPE


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_mostly(v: Any) -> bool:
    return _is_number(v) and 0.0 <= float(v) <= 1.0


def _is_date_text(v: Any) -> bool:
    if v is None:
        return True
    if not isinstance(v, str):
        return False
    try:
        _dt.date.fromisoformat(v[:10])
    except ValueError:
        return False
    return True


def _is_kind(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v in registry.kinds())


def _is_optional_number(v: Any) -> bool:
    return v is None or _is_number(v)


_COLUMN = {"column": lambda v: isinstance(v, str), "mostly": _is_mostly}
#: type -> {argument: check of its value}; an expectation with any other argument goes to GX.
ARGUMENTS: dict[str, dict[str, Callable[[Any], bool]]] = {
    NOT_NULL: dict(_COLUMN),
    UNIQUE: dict(_COLUMN),
    PLACEHOLDER: {**_COLUMN, "kind": _is_kind},
    PLAUSIBLE_DOB: {**_COLUMN, "reference_date": _is_date_text, "max_age_years": _is_int},
    RECENT: {**_COLUMN, "reference_date": _is_date_text, "max_age_days": _is_int},
    NUMBER_BETWEEN: {**_COLUMN, "min_value": _is_optional_number, "max_value": _is_optional_number},
    IN_REFERENCE: {
        **_COLUMN,
        "reference_path": lambda v: isinstance(v, str),
        "reference_column": lambda v: isinstance(v, str),
        "kind": _is_kind,
    },
    CHRONOLOGICAL: {
        "column_A": lambda v: isinstance(v, str),
        "column_B": lambda v: isinstance(v, str),
        "mostly": _is_mostly,
        "or_equal": lambda v: v is None or isinstance(v, bool),
        "ignore_row_if": lambda v: v == "either_value_is_missing",
    },
    **{t: dict(_COLUMN) for t in KIND_OF_TYPE},
}
#: Arguments each type needs (GX refuses the expectation without them).
REQUIRED: dict[str, tuple[str, ...]] = {
    IN_REFERENCE: ("column", "reference_path", "reference_column"),
    CHRONOLOGICAL: ("column_A", "column_B"),
}
#: Types judged one column, one row at a time (GX column-map expectations).
COLUMN_MAP_TYPES = frozenset(t for t in ARGUMENTS if t != CHRONOLOGICAL)
#: Types judged one row at a time over two columns (GX column-pair-map expectations).
PAIR_MAP_TYPES = frozenset({CHRONOLOGICAL})


def supports(expectation_type: str, kwargs: Mapping[str, Any], columns: Any = None) -> bool:
    """True when this module runs the expectation exactly as GX would: a known type, only its
    arguments, plain values (and, given ``columns``, the columns it reads are there)."""
    checks = ARGUMENTS.get(expectation_type)
    if checks is None:
        return False
    required = REQUIRED.get(expectation_type, ("column",))
    if any(k not in kwargs for k in required):
        return False
    if any(k not in checks or not checks[k](v) for k, v in kwargs.items()):
        return False
    if columns is not None:
        return all(kwargs[c] in columns for c in ("column", "column_A", "column_B") if c in kwargs)
    return True


@dataclass(frozen=True)
class NativeConfig:
    """What a result says about its expectation (the fields of GX's ``ExpectationConfiguration``
    that dataclean reads)."""

    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class NativeResult:
    """One expectation's result, shaped like GX's ``ExpectationValidationResult``."""

    expectation_config: NativeConfig
    result: dict[str, Any]
    success: bool
    exception_info: dict[str, Any]


def _condition(expectation_type: str, kwargs: Mapping[str, Any]) -> Callable[..., pd.Series]:
    """The rule (True = the row passes) an expectation type applies to its non-missing rows."""
    if expectation_type in KIND_OF_TYPE:
        kind = KIND_OF_TYPE[expectation_type]
        return lambda s: kind_valid_mask(s, kind)
    if expectation_type == UNIQUE:
        return lambda s: ~s.duplicated(keep=False)
    if expectation_type == PLACEHOLDER:
        return lambda s: ~placeholder_mask(s, kwargs.get("kind"))
    if expectation_type == PLAUSIBLE_DOB:
        return lambda s: plausible_dob_mask(s, kwargs.get("reference_date"), kwargs.get("max_age_years", 125))
    if expectation_type == RECENT:
        return lambda s: recent_mask(s, kwargs.get("max_age_days", 365), kwargs.get("reference_date"))
    if expectation_type == NUMBER_BETWEEN:
        return lambda s: number_between_mask(s, kwargs.get("min_value"), kwargs.get("max_value"))
    if expectation_type == IN_REFERENCE:
        return lambda s: in_reference_mask(s, kwargs["reference_path"], kwargs["reference_column"], kwargs.get("kind"))
    if expectation_type == CHRONOLOGICAL:
        return lambda a, b: chronological_mask(a, b, kwargs.get("or_equal", True))
    raise KeyError(expectation_type)  # pragma: no cover - supports() said no


def _passes(mask: pd.Series | np.ndarray) -> np.ndarray:
    """A rule's verdicts as a plain boolean array (a missing verdict fails, as in GX)."""
    if isinstance(mask, pd.Series):
        if mask.dtype == bool:
            return mask.to_numpy()
        return mask.fillna(False).to_numpy(dtype=bool)
    return np.asarray(mask, dtype=bool)


def run_expectation(
    frame: pd.DataFrame, expectation_type: str, kwargs: Mapping[str, Any], meta: Mapping[str, Any], *, partial: int
) -> NativeResult:
    """Evaluate one supported expectation on ``frame`` (see the module docstring)."""
    config = NativeConfig(expectation_type, dict(kwargs), dict(meta))
    try:
        result = _evaluate(frame, expectation_type, kwargs, partial)
    except Exception as exc:  # a rule that raises is a failed expectation with its message, as in GX
        message = f"{type(exc).__name__}: {exc}"
        info = {"raised_exception": True, "exception_traceback": None, "exception_message": message}
        return NativeResult(config, {}, False, info)
    evaluated = result["element_count"] - result.get("missing_count", 0)
    mostly = kwargs.get("mostly", 1.0)
    success = evaluated <= 0 or (evaluated - result["unexpected_count"]) / evaluated >= mostly
    info = {"raised_exception": False, "exception_traceback": None, "exception_message": None}
    return NativeResult(config, result, bool(success), info)


def _evaluate(frame: pd.DataFrame, expectation_type: str, kwargs: Mapping[str, Any], partial: int) -> dict[str, Any]:
    n = len(frame)
    if expectation_type in PAIR_MAP_TYPES:
        a, b = frame[kwargs["column_A"]], frame[kwargs["column_B"]]
        present = ~(a.isna().to_numpy(dtype=bool) | b.isna().to_numpy(dtype=bool))
        ok = _passes(_condition(expectation_type, kwargs)(a[present], b[present]))
        failing = np.flatnonzero(present)[~ok]
        labels = frame.index[failing]
        first = failing[:partial]
        values = list(zip(a.iloc[first].tolist(), b.iloc[first].tolist(), strict=True))
        return _result(n, int(n - present.sum()), labels, values)
    column = frame[kwargs["column"]]
    null = column.isna().to_numpy(dtype=bool)
    if expectation_type == NOT_NULL:
        failing = np.flatnonzero(null)
        labels = frame.index[failing]
        return _result(n, None, labels, column.iloc[failing[:partial]].tolist())
    present = ~null
    if expectation_type == UNIQUE or present.all():  # uniqueness is judged among the present values
        subset = column if present.all() else column[present]
        ok = _passes(_condition(expectation_type, kwargs)(subset))
        failing = np.flatnonzero(present)[~ok]
    else:  # a row-wise rule: judged on the whole column (no copy), read on the present rows
        ok = _passes(_condition(expectation_type, kwargs)(column))
        failing = np.flatnonzero(present & ~ok)
    return _result(n, int(null.sum()), frame.index[failing], column.iloc[failing[:partial]].tolist())


def _result(element: int, missing: int | None, labels: pd.Index, values: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"element_count": element, "unexpected_count": len(labels)}
    if missing is not None:
        out["missing_count"] = missing
    out["partial_unexpected_list"] = values
    out["unexpected_index_list"] = labels.tolist()
    return out


#: failing values kept per expectation (GX's ``partial_unexpected_count``)
PARTIAL_UNEXPECTED = 20


def run_suite(frame: pd.DataFrame, suite: Any, standardised: Mapping[str, Any]) -> list[Any]:
    """Run the suite's checks on ``frame``; kind rules reuse ``standardised`` (no second pass).

    Expectations are taken in groups that read the same columns (the order GX's results come in,
    :func:`dataclean.gx.validate_frame_by_columns`). A group whose every expectation the native
    engine runs exactly as GX would (:func:`dataclean.engines.native.supports`) runs there, with
    no GX import; any other group is compiled for GX and run by it (bad argument values raise one
    :class:`~dataclean.exceptions.ConfigError` before anything runs). The results have GX's
    shape either way."""
    from dataclean.checks import precomputed

    groups: dict[tuple[str, ...], list[Any]] = {}
    for spec in suite.expectations:
        groups.setdefault(spec.columns, []).append(spec)
    on_gx = [g for g, specs in groups.items() if not all(supports(s.type, s.kwargs, frame.columns) for s in specs)]
    compiled: dict[str, Any] = {}
    if on_gx:
        from dataclean.gx import suite_to_gx

        gx_specs = tuple(s for g in on_gx for s in groups[g])
        gx_suite = suite_to_gx(dataclasses.replace(suite, expectations=gx_specs))
        compiled = {e.meta["dataclean_key"]: e for e in gx_suite.expectations}
    cache = {col: (suite.columns[col].kind, res) for col, res in standardised.items() if col in suite.columns}
    results: list[Any] = []
    with precomputed(cache):
        for cols, specs in groups.items():
            if cols in on_gx:
                results.extend(_run_on_gx(frame, suite.name, [compiled[s.key] for s in specs]))
                continue
            for s in specs:
                meta = {"dataclean_key": s.key, "dimension": s.dimension, "weight": s.weight}
                results.append(run_expectation(frame, s.type, s.kwargs, meta, partial=PARTIAL_UNEXPECTED))
    return results


def _run_on_gx(frame: pd.DataFrame, name: str, expectations: list[Any]) -> list[Any]:
    """GX's results for one column group of compiled expectations."""
    import great_expectations as gx

    from dataclean.gx import validate_frame_by_columns

    return validate_frame_by_columns(
        frame,
        gx.ExpectationSuite(name=name, expectations=expectations),
        # every failing row label, but not GX's query string that lists them all again
        result_format={
            "result_format": "COMPLETE",
            "partial_unexpected_count": PARTIAL_UNEXPECTED,
            "return_unexpected_index_query": False,
        },
    )
