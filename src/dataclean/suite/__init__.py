"""Declarative expectation suites: YAML files in ``expectations/`` that say what "good" means.

A suite names the dataset's columns and their *roles* (``nhs_number``, ``forename``,
``date_of_birth``...), what to standardise, and the expectations, each scored on one of the six
UK Government Data Quality Framework dimensions. Roles generate the obvious expectations
(validity for identifier roles, completeness for ``required``, uniqueness for ``unique``); the
``expectations:`` list adds any great-expectations built-in or dataclean expectation by type name.

The file format is versioned (``dataclean_suite: 1``) and checked against the published JSON
schema (``dataclean/schemas/suite-v1.json``) and then semantically; every problem is reported at
once in a :class:`~dataclean.exceptions.ConfigError` naming the file, line and key, and the fix.

>>> suite = load_suite("expectations/social_care_person.yml")
>>> suite.name
'social_care_person'
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from dataclean.checks.types import DATE_AWARE_TYPES, expectation_columns, valid_kind_type
from dataclean.exceptions import ConfigError
from dataclean.roles import SUITE_ROLES
from dataclean.suite.linkage import LinkageConfig
from dataclean.suite.vocabulary import argument_problems, expectation_types

if TYPE_CHECKING:  # pragma: no cover
    import great_expectations as gx

SCHEMA_VERSION = 1
DIMENSIONS: tuple[str, ...] = (
    "completeness",
    "uniqueness",
    "consistency",
    "timeliness",
    "validity",
    "accuracy",
)

#: Column roles a suite may give, and the field kind (``dataclean.registry``) that validates and
#: standardises each (None: no standardiser). Defined once, with the linkage roles, in
#: :mod:`dataclean.roles`.
ROLES = SUITE_ROLES

_DIMENSION_BY_TYPE_PREFIX: tuple[tuple[str, str], ...] = (
    ("expect_column_values_to_not_be_null", "completeness"),
    ("expect_column_values_to_not_be_placeholder", "completeness"),
    ("expect_column_to_exist", "completeness"),
    ("expect_table_row_count", "completeness"),
    ("expect_table_columns", "completeness"),
    ("expect_column_values_to_be_recent", "timeliness"),
    ("expect_column_values_to_be_in_reference_data", "accuracy"),
    ("expect_column_pair_", "consistency"),
    ("expect_multicolumn_sum", "consistency"),
    ("expect_column_values_to_be_unique", "uniqueness"),
    ("expect_compound_columns_to_be_unique", "uniqueness"),
    ("expect_select_column_values_to_be_unique", "uniqueness"),
    ("expect_column_unique_value_count", "uniqueness"),
    ("expect_column_proportion_of_unique", "uniqueness"),
)


def infer_dimension(expectation_type: str) -> str:
    """The GDQF dimension an expectation type scores by default (validity unless listed)."""
    for prefix, dim in _DIMENSION_BY_TYPE_PREFIX:
        if expectation_type.startswith(prefix):
            return dim
    return "validity"


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    role: str | None = None
    required: bool = False
    unique: bool = False
    mostly: float = 1.0
    severity: str = "critical"
    allowed_values: tuple[Any, ...] | None = None
    standardise: bool | None = None
    weight: float = 1.0
    description: str | None = None

    @property
    def kind(self) -> str | None:
        return ROLES.get(self.role) if self.role else None


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation of a suite, with dataclean's scoring metadata."""

    key: str
    type: str
    kwargs: Mapping[str, Any]
    dimension: str
    severity: str = "critical"
    weight: float = 1.0
    description: str | None = None
    generated: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return expectation_columns(self.kwargs)


@dataclass(frozen=True)
class Thresholds:
    overall: float = 0.9
    amber_margin: float = 0.05
    dimensions: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Suite:
    """A loaded, checked suite. Build with :func:`load_suite` or :meth:`Suite.from_dict`."""

    name: str
    columns: Mapping[str, ColumnSpec]
    expectations: tuple[ExpectationSpec, ...]
    description: str | None = None
    id_column: str | None = None
    source: str | None = None
    reference_date: _dt.date | None = None
    standardise: tuple[str, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)
    dimension_weights: Mapping[str, float] = field(default_factory=dict)
    dedupe: Mapping[str, Any] | None = None
    link: Mapping[str, Any] | None = None
    path: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    #: the suite file format this dataclean reads and writes
    schema_version: ClassVar[int] = SCHEMA_VERSION

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, lines: Mapping[tuple, int] | None = None
    ) -> Suite:
        """Check ``data`` (a parsed suite file) and build a Suite; ConfigError lists every problem."""
        return _build(data, source=source, lines=lines or {})

    def with_reference_date(self, when: _dt.date | str | None) -> Suite:
        """A copy evaluated as of ``when`` (timeliness and date-of-birth checks)."""
        if isinstance(when, str):
            when = _dt.date.fromisoformat(when)
        rebuilt = dict(self.raw)
        rebuilt["reference_date"] = when.isoformat() if when else None
        return replace(_build(rebuilt, source=self.path, lines={}), path=self.path)

    # ---------------------------------------------------------------- views
    @property
    def required_columns(self) -> tuple[str, ...]:
        """Every column the suite refers to (declared or named by an expectation)."""
        seen: dict[str, None] = dict.fromkeys(self.columns)
        for e in self.expectations:
            for c in e.columns:
                seen.setdefault(c, None)
        return tuple(seen)

    def column_kinds(self) -> dict[str, str]:
        """Column -> field kind for every declared column whose role has one."""
        return {name: spec.kind for name, spec in self.columns.items() if spec.kind}

    def expectation(self, key: str) -> ExpectationSpec:
        for e in self.expectations:
            if e.key == key:
                return e
        raise KeyError(key)

    # ---------------------------------------------------------------- great-expectations
    def to_gx(self) -> gx.ExpectationSuite:
        """Compile to a real great-expectations ``ExpectationSuite`` (dataclean metadata in
        ``meta``); the translation lives in the GX adapter, :func:`dataclean.gx.suite_to_gx`."""
        from dataclean.gx import suite_to_gx

        return suite_to_gx(self)

    def to_gx_json(self) -> dict[str, Any]:
        """The GX JSON form of the compiled suite (loadable by ``gx.ExpectationSuite(**json)``)."""
        return self.to_gx().to_json_dict()


# -------------------------------------------------------------------------------------------------
# loading
# -------------------------------------------------------------------------------------------------


def builtin_suites() -> dict[str, Path]:
    """Suites shipped inside the package (copies of ``expectations/*.yml``), by name."""
    base = resources.files("dataclean") / "suites"
    return {Path(str(p)).stem: Path(str(p)) for p in base.iterdir() if str(p).endswith((".yml", ".yaml"))}


def resolve_suite_path(name_or_path: str | Path) -> Path:
    """A suite file path; a bare name (``social_care_person``) finds the bundled suite."""
    p = Path(name_or_path)
    if p.exists():
        return p
    bundled = builtin_suites()
    if str(name_or_path) in bundled:
        return bundled[str(name_or_path)]
    close = difflib.get_close_matches(str(name_or_path), list(bundled), n=1)
    hint = f" Did you mean the bundled suite {close[0]!r}?" if close else ""
    raise ConfigError(
        f"suite file not found.{hint} Pass a path to a .yml suite or one of: {', '.join(sorted(bundled))}",
        source=str(name_or_path),
    )


def resolve_data_path(path: str, suite_source: str | None) -> str:
    """Resolve a data path named in a suite: ``package:NAME`` is a file bundled in
    ``dataclean/data``; a relative path is relative to the suite file's folder."""
    if path.startswith("package:"):
        return str(Path(str(resources.files("dataclean") / "data")) / path.removeprefix("package:"))
    p = Path(path)
    if not p.is_absolute() and suite_source:
        p = Path(suite_source).parent / p
    return str(p)


def load_linkage_block(path: str | Path, block: str) -> tuple[str, Mapping[str, Any] | None, str]:
    """(suite name, the ``dedupe:``/``link:`` block or None, file) without compiling the suite.

    ``dedupe`` and ``link`` need only the block: reading it this way skips loading
    great-expectations (seconds and hundreds of MB). ``link`` falls back to the ``dedupe`` block."""
    import yaml

    p = resolve_suite_path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the suite file ({exc.__class__.__name__}: {exc})", source=str(p)) from exc
    if not isinstance(data, dict):
        raise ConfigError("the file must hold a mapping with 'dataclean_suite', 'name' and 'columns'.", source=str(p))
    raw = (data.get("link") or data.get("dedupe")) if block == "link" else data.get(block)
    return str(data.get("name", p.stem)), raw, str(p)


def load_suite(path: str | Path) -> Suite:
    """Load and check a suite file (YAML or JSON). Raises ConfigError naming file, line and key."""
    import yaml

    p = resolve_suite_path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the suite file ({exc.__class__.__name__}: {exc})", source=str(p)) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        lines = _line_index(node, source=str(p))  # before safe_load: refuses self-referring aliases
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}not valid YAML ({problem}). Check indentation and quoting.", source=str(p)) from exc
    if not isinstance(data, dict):
        raise ConfigError(
            "the file must hold a mapping with at least 'dataclean_suite', 'name' and 'columns'.",
            source=str(p),
        )
    suite = Suite.from_dict(data, source=str(p), lines=lines)
    return suite


def _line_index(node: Any, path: tuple = (), *, source: str | None = None) -> dict[tuple, int]:
    """Map key paths to 1-based line numbers in the YAML source.

    Walks the composed node graph without recursion. An alias that refers to a node containing
    it (``columns: &c {nhs_number: [*c]}``) would make the graph infinite: that is a
    :class:`ConfigError` naming the file and the anchor's line, not a RecursionError.
    """
    import yaml

    out: dict[tuple, int] = {}
    if node is None:
        return out
    # (node, path, record this node's own line, ids of the nodes above it)
    stack: list[tuple[Any, tuple, bool, frozenset[int]]] = [(node, path, True, frozenset())]
    while stack:
        current, where, own_line, above = stack.pop()
        if id(current) in above:
            line = current.start_mark.line + 1
            raise ConfigError(
                f"line {line}: the YAML anchor defined here is used (by an alias '*name') inside itself, "
                "so the suite would be infinitely deep; replace that alias with the values it should hold.",
                source=source,
            )
        if own_line:
            out[where] = current.start_mark.line + 1
        inside = above | {id(current)}
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                key = k.value
                out[(*where, key)] = k.start_mark.line + 1
                stack.append((v, (*where, key), False, inside))
        elif isinstance(current, yaml.SequenceNode):
            for i, v in enumerate(current.value):
                stack.append((v, (*where, i), True, inside))
    return out


def _schema() -> dict[str, Any]:
    return json.loads((resources.files("dataclean") / "schemas" / "suite-v1.json").read_text(encoding="utf-8"))


class _Problems:
    def __init__(self, lines: Mapping[tuple, int]) -> None:
        self.lines = lines
        self.items: list[str] = []

    def add(self, path: tuple, message: str) -> None:
        line = None
        p = tuple(path)
        while p and line is None:
            line = self.lines.get(p)
            p = p[:-1]
        where = ".".join(str(x) for x in path) or "<top level>"
        prefix = f"line {line}: " if line else ""
        self.items.append(f"{prefix}{where}: {message}")


def _did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def _build(data: Mapping[str, Any], *, source: str | None, lines: Mapping[tuple, int]) -> Suite:
    """Check a parsed suite file and build the :class:`Suite`, in named stages; every problem of
    every stage is collected and raised at once (the JSON-schema stage first, alone: the later
    stages assume the shapes it checks)."""
    problems = _Problems(lines)
    data = dict(data)
    if isinstance(data.get("reference_date"), _dt.date):  # YAML reads 2026-01-01 as a date
        data["reference_date"] = data["reference_date"].isoformat()
    _check_schema(data, problems)
    if problems.items:
        raise ConfigError(problems.items, source=source)

    columns = _columns(data, problems)
    dataset = data.get("dataset") or {}
    id_column = _id_column(dataset, columns, problems)
    reference_date = _reference_date(data, problems)
    standardise = _standardised_columns(data.get("standardise", True), columns, problems)
    ref_iso = reference_date.isoformat() if reference_date else None
    expectations = _generated_expectations(columns, ref_iso)
    expectations += _declared_expectations(data.get("expectations") or [], columns, ref_iso, source, problems)
    expectations += _timeliness_expectation(data.get("timeliness"), columns, ref_iso, problems)
    _check_linkage_blocks(data, source, problems)

    if problems.items:
        raise ConfigError(problems.items, source=source)
    return Suite(
        name=data["name"],
        columns=columns,
        expectations=tuple(expectations),
        description=data.get("description"),
        id_column=id_column,
        source=dataset.get("source"),
        reference_date=reference_date,
        standardise=standardise,
        thresholds=_thresholds(data.get("thresholds") or {}),
        dimension_weights={k: float(v) for k, v in ((data.get("weights") or {}).get("dimensions") or {}).items()},
        dedupe=data.get("dedupe"),
        link=data.get("link"),
        path=source,
        raw=dict(data),
    )


def _check_schema(data: Mapping[str, Any], problems: _Problems) -> None:
    """Stage 1: the published JSON schema (keys, types, the format version)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    for err in sorted(validator.iter_errors(dict(data)), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties":
            extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
            allowed = list(err.schema.get("properties", {}))
            for k in extra:
                problems.add((*path, k), f"unknown key {k!r}.{_did_you_mean(k, allowed)} Allowed: {', '.join(allowed)}")
        elif err.validator == "const" and path == ("dataclean_suite",):
            problems.add(path, f"unsupported schema version {err.instance!r}; this dataclean reads version 1.")
        elif err.validator == "required":
            problems.add(path, f"{err.message}; add it.")
        else:
            problems.add(path, err.message)


def _columns(data: Mapping[str, Any], problems: _Problems) -> dict[str, ColumnSpec]:
    """Stage 2: the declared columns and their roles."""
    columns: dict[str, ColumnSpec] = {}
    for name, spec in (data.get("columns") or {}).items():
        role = spec.get("role")
        if role is not None and role not in ROLES:
            problems.add(("columns", name, "role"), f"unknown role {role!r}.{_did_you_mean(role, list(ROLES))}")
            role = None
        allowed = spec.get("allowed_values")
        columns[name] = ColumnSpec(
            name=name,
            role=role,
            required=bool(spec.get("required", False)),
            unique=bool(spec.get("unique", False)),
            mostly=float(spec.get("mostly", 1.0)),
            severity=spec.get("severity", "critical"),
            allowed_values=tuple(allowed) if allowed is not None else None,
            standardise=spec.get("standardise"),
            weight=float(spec.get("weight", 1.0)),
            description=spec.get("description"),
        )
    return columns


def _id_column(dataset: Mapping[str, Any], columns: Mapping[str, ColumnSpec], problems: _Problems) -> str | None:
    id_column = dataset.get("id_column")
    if id_column and id_column not in columns:
        problems.add(
            ("dataset", "id_column"),
            f"{id_column!r} is not declared under 'columns'.{_did_you_mean(id_column, list(columns))}",
        )
    return id_column


def _reference_date(data: Mapping[str, Any], problems: _Problems) -> _dt.date | None:
    ref = data.get("reference_date")
    if ref is None:
        return None
    try:
        return ref if isinstance(ref, _dt.date) else _dt.date.fromisoformat(str(ref))
    except ValueError:
        problems.add(("reference_date",), f"{ref!r} is not an ISO date (YYYY-MM-DD).")
        return None


def _standardised_columns(std: Any, columns: Mapping[str, ColumnSpec], problems: _Problems) -> tuple[str, ...]:
    """Stage 3: which columns are standardised (``standardise: true | false | [columns]``)."""
    if std is True:
        return tuple(c for c, s in columns.items() if s.kind and s.standardise is not False)
    if std is False:
        return tuple(c for c, s in columns.items() if s.kind and s.standardise is True)
    standardise = tuple(std)
    for i, c in enumerate(standardise):
        if c not in columns:
            problems.add(
                ("standardise", i),
                f"column {c!r} is not declared under 'columns'.{_did_you_mean(c, list(columns))}",
            )
        elif not columns[c].kind:
            problems.add(("standardise", i), f"column {c!r} has no role with a standardiser (role: {columns[c].role}).")
    return standardise


_SPEC_KEYS = ("type", "kwargs", "dimension", "severity", "weight", "description")


def _declared_expectations(
    raws: list[Mapping[str, Any]],
    columns: Mapping[str, ColumnSpec],
    ref_iso: str | None,
    source: str | None,
    problems: _Problems,
) -> list[ExpectationSpec]:
    """Stage 4: the ``expectations:`` list: known type, argument names, declared columns."""
    known = expectation_types()
    out: list[ExpectationSpec] = []
    for i, raw in enumerate(raws):
        etype = raw["type"]
        if etype not in known:
            problems.add(
                ("expectations", i, "type"),
                f"unknown expectation type {etype!r}.{_did_you_mean(etype, sorted(known))}",
            )
            continue
        kwargs = dict(raw.get("kwargs") or {})
        kwargs.update({k: v for k, v in raw.items() if k not in _SPEC_KEYS})
        if isinstance(kwargs.get("reference_path"), str):
            kwargs["reference_path"] = resolve_data_path(kwargs["reference_path"], source)
        if etype in DATE_AWARE_TYPES and ref_iso and "reference_date" not in kwargs:
            kwargs["reference_date"] = ref_iso
        for ck in ("column", "column_A", "column_B"):
            if ck in kwargs and kwargs[ck] not in columns:
                problems.add(
                    ("expectations", i, ck),
                    f"column {kwargs[ck]!r} is not declared under 'columns'.{_did_you_mean(kwargs[ck], list(columns))}",
                )
        wrong = argument_problems(etype, kwargs)
        if wrong:
            problems.add(("expectations", i), f"invalid arguments for {etype}: {'; '.join(wrong)}")
            continue
        out.append(
            ExpectationSpec(
                key=f"x{i + 1:02d}_{etype.removeprefix('expect_')}"
                + "".join(f"__{kwargs[c]}" for c in ("column", "column_A", "column_B") if c in kwargs),
                type=etype,
                kwargs=kwargs,
                dimension=raw.get("dimension") or infer_dimension(etype),
                severity=raw.get("severity", "critical"),
                weight=float(raw.get("weight", 1.0)),
                description=raw.get("description"),
            )
        )
    return out


def _timeliness_expectation(
    tl: Mapping[str, Any] | None, columns: Mapping[str, ColumnSpec], ref_iso: str | None, problems: _Problems
) -> list[ExpectationSpec]:
    """Stage 5: the ``timeliness:`` shorthand (one recency expectation)."""
    if not tl:
        return []
    if tl["column"] not in columns:
        problems.add(("timeliness", "column"), f"column {tl['column']!r} is not declared under 'columns'.")
    kwargs = {"column": tl["column"], "max_age_days": tl["max_age_days"], "mostly": tl.get("mostly", 1.0)}
    if ref_iso:
        kwargs["reference_date"] = ref_iso
    return [
        ExpectationSpec(
            key=f"g_recent__{tl['column']}",
            type="expect_column_values_to_be_recent",
            kwargs=kwargs,
            dimension="timeliness",
            severity=tl.get("severity", "warning"),
            generated=True,
        )
    ]


def _thresholds(th: Mapping[str, Any]) -> Thresholds:
    return Thresholds(
        overall=float(th.get("overall", 0.9)),
        amber_margin=float(th.get("amber_margin", 0.05)),
        dimensions={k: float(v) for k, v in (th.get("dimensions") or {}).items()},
    )


def _check_linkage_blocks(data: Mapping[str, Any], source: str | None, problems: _Problems) -> None:
    """Stage 6: the ``dedupe:`` and ``link:`` blocks parse as linkage configs."""
    for block_name in ("dedupe", "link"):
        block = data.get(block_name)
        if block is None:
            continue
        try:
            LinkageConfig.from_dict(block, source=source)
        except ConfigError as exc:
            for p in exc.problems:
                problems.add((block_name,), p)


def _known_expectation_types(dataclean_types: Mapping[str, type] | None = None) -> set[str]:
    """Every expectation type a suite may name (the stored vocabulary), plus ``dataclean_types``."""
    return set(expectation_types()) | set(dataclean_types or ())


def _generated_expectations(columns: Mapping[str, ColumnSpec], ref_iso: str | None) -> list[ExpectationSpec]:
    """The expectations the columns' roles and flags imply, column by column: not null and not a
    placeholder (``required``), plausible date of birth or valid kind (the role's kind), in the
    allowed set (``allowed_values``), unique (``unique``)."""
    out: list[ExpectationSpec] = []
    for name, c in columns.items():

        def gen(key: str, etype: str, kwargs: dict[str, Any], dimension: str, *, c: ColumnSpec = c) -> None:
            out.append(ExpectationSpec(key, etype, kwargs, dimension, c.severity, c.weight, generated=True))

        if c.required:
            gen(f"g_not_null__{name}", "expect_column_values_to_not_be_null", {"column": name}, "completeness")
            kind_kw = {"kind": c.kind} if c.kind else {}
            gen(
                f"g_not_placeholder__{name}",
                "expect_column_values_to_not_be_placeholder",
                {"column": name, **kind_kw},
                "completeness",
            )
        if c.kind == "date_of_birth":
            ref_kw = {"reference_date": ref_iso} if ref_iso else {}
            gen(
                f"g_plausible_dob__{name}",
                "expect_column_values_to_be_plausible_date_of_birth",
                {"column": name, "mostly": c.mostly, **ref_kw},
                "validity",
            )
        elif c.kind:
            gen(f"g_valid_{c.kind}__{name}", valid_kind_type(c.kind), {"column": name, "mostly": c.mostly}, "validity")
        if c.allowed_values is not None:
            gen(
                f"g_in_set__{name}",
                "expect_column_values_to_be_in_set",
                {"column": name, "value_set": list(c.allowed_values), "mostly": c.mostly},
                "validity",
            )
        if c.unique:
            gen(f"g_unique__{name}", "expect_column_values_to_be_unique", {"column": name}, "uniqueness")
    return out
