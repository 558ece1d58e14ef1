"""Import direction (issue 12): layers import one way, as a ratchet.

``fields -> checks -> suite -> engines -> scorecard -> jobs -> cli``: a module may import its own
layer or any layer to its left, never one to its right. The imports of every module under
``src/dataclean`` are read with :mod:`ast` (also imports inside functions, which are still
dependencies; not ``if TYPE_CHECKING:`` blocks, which never run). Today's code breaks the rule in
a few known places, listed below with the reason and the move that will fix each one. The test
fails on a NEW violation (fix the import or move the code; do not add to the lists) and also when
a listed one disappears (delete it from the list, so the lists only shrink). The same holds for
import cycles. docs/architecture.md explains the layers.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "dataclean"

#: Layers, lowest first. ``base`` holds what every layer may use: errors, text and date helpers, malloc tuning,
#: file reading, reference data. A module belongs to the layer of the longest matching prefix.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("dataclean.exceptions", "dataclean._core", "dataclean._malloc", "dataclean.io", "dataclean.refdata")),
    ("fields", ("dataclean.fields", "dataclean._codes", "dataclean.registry", "dataclean.roles")),
    ("checks", ("dataclean.checks", "dataclean.profile")),
    ("suite", ("dataclean.suite",)),
    ("engines", ("dataclean.engines", "dataclean.gx", "dataclean.linkage")),
    ("scorecard", ("dataclean.scorecard",)),
    (
        "jobs",
        (
            "dataclean.jobs",
            "dataclean.pipeline",
            "dataclean.chunked",
            "dataclean.pseudonymise",
            "dataclean.testing",
            "dataclean.synth",
        ),
    ),
    # entry points: the command line, the pytest plugin, the pandas accessor and the package facade
    ("cli", ("dataclean.cli", "dataclean.pytest_plugin", "dataclean.accessor", "dataclean")),
)

#: Imports across layers beyond the one-way rule, in neither direction (importer prefix, imported
#: prefixes, why): the scorecard is plain data, built from results that jobs obtain from engines.
SEPARATE: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("dataclean.scorecard", ("dataclean.gx", "dataclean.linkage", "dataclean.engines"), "scorecard runs no engine"),
)

#: Known violations today: (importer, imported). Each is to be removed by the move named.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {
    # Suite.to_gx / to_gx_json (public API) are one-line lazy calls into the GX adapter's
    # suite_to_gx; loading a suite imports no GX (tests/test_suite.py checks it in a fresh process)
    ("dataclean.suite", "dataclean.gx"): "Suite.to_gx: a lazy one-line call to gx.suite_to_gx",
}

#: Known import cycles today, each named by the import that closes it (importer, imported).
#: With these edges taken out the import graph has no cycle; each must still close a cycle.
KNOWN_CYCLE_EDGES: dict[tuple[str, str], str] = {
    # Scorecard.__str__ and _repr_html_ (notebook display) import the renderers inside the method,
    # and the renderers take a Scorecard: a deliberate convenience, kept lazy
    ("dataclean.scorecard.model", "dataclean.scorecard.render"): "display methods on the data class",
    # the linkage API hands a Spark DataFrame to engines.spark (a lazy import in the dispatch), and
    # the Spark linkage reuses the API's stages: split api's stages from its dispatch
    ("dataclean.linkage.api", "dataclean.engines.spark"): "Spark dispatch inside dedupe/link",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _owning_module(name: str) -> str | None:
    """The dataclean module an imported name lives in (``dataclean.scorecard.render.diff`` ->
    ``dataclean.scorecard.render``), or None for other packages."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imported_names(source: str, package: str) -> set[str]:
    """Every name imported anywhere in ``source`` at run time (relative imports resolved against
    ``package``), skipping ``if TYPE_CHECKING:`` blocks."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                visit(ast.Module(body=child.orelse, type_ignores=[]))
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*parts, *([child.module] if child.module else [])])
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    found.add(full if full in MODULES else base)
            visit(child)

    visit(ast.parse(source))
    return found


def imports_of(module: str) -> set[str]:
    """The dataclean modules ``module`` imports anywhere at run time."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    owners = {_owning_module(name) for name in imported_names(path.read_text(encoding="utf-8"), package)}
    return {m for m in owners if m and m != module}


GRAPH: dict[str, set[str]] = {m: imports_of(m) for m in MODULES}


def _matches(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> int:
    best: tuple[int, int] | None = None  # (prefix length, layer index)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if _matches(module, prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    if best is None:
        raise AssertionError(f"{module} has no layer: add it to LAYERS in {__file__}")
    return best[1]


def violations(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    found = set()
    for importer, targets in graph.items():
        for target in targets:
            if layer_of(target) > layer_of(importer):
                found.add((importer, target))
            for source, forbidden, _ in SEPARATE:
                if _matches(importer, source) and any(_matches(target, f) for f in forbidden):
                    found.add((importer, target))
    return found


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: set[frozenset[str]] = set()

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.add(frozenset(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return groups


def _layer_name(module: str) -> str:
    return LAYERS[layer_of(module)][0]


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def test_no_new_upward_imports():
    new = violations(GRAPH) - KNOWN_VIOLATIONS.keys()
    assert not new, "imports against the layer order (fix the import or move the code):\n" + "\n".join(
        f"  {a} ({_layer_name(a)}) imports {b} ({_layer_name(b)})" for a, b in sorted(new)
    )


def test_known_violations_are_still_there():
    gone = KNOWN_VIOLATIONS.keys() - violations(GRAPH)
    assert not gone, "fixed, well done: delete from KNOWN_VIOLATIONS:\n" + "\n".join(
        f"  {a} -> {b}" for a, b in sorted(gone)
    )


def _without_known_cycle_edges(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {m: {t for t in targets if (m, t) not in KNOWN_CYCLE_EDGES} for m, targets in graph.items()}


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        m = todo.pop()
        if m == goal:
            return True
        if m not in seen:
            seen.add(m)
            todo.extend(graph.get(m, ()))
    return False


def test_no_new_import_cycles():
    new = cycles(_without_known_cycle_edges(GRAPH))
    assert not new, "new import cycles (break them; do not add to KNOWN_CYCLE_EDGES):\n" + "\n".join(
        f"  {sorted(c)}" for c in new
    )


def test_known_cycles_are_still_there():
    gone = [(a, b) for a, b in KNOWN_CYCLE_EDGES if b not in GRAPH[a] or not _reaches(GRAPH, b, a)]
    assert not gone, "cycle broken, well done: delete from KNOWN_CYCLE_EDGES:\n" + "\n".join(
        f"  {a} -> {b}" for a, b in gone
    )


# ------------------------------------------------------------------ the checker itself can fail
def test_checker_sees_an_upward_and_a_hidden_import():
    graph = {"dataclean.fields.gender": {"dataclean.scorecard.model"}, "dataclean.scorecard.model": set()}
    assert violations(graph) == {("dataclean.fields.gender", "dataclean.scorecard.model")}
    assert violations({"dataclean.scorecard.io": {"dataclean.linkage.api"}}) == {
        ("dataclean.scorecard.io", "dataclean.linkage.api")
    }
    assert violations({"dataclean.cli": {"dataclean.fields.gender", "dataclean.scorecard"}}) == set()


def test_checker_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == {frozenset({"a", "b", "c"})}


def test_imports_inside_functions_count_and_type_checking_ones_do_not():
    source = """
from typing import TYPE_CHECKING
from dataclean.exceptions import ConfigError
from . import _codes
if TYPE_CHECKING:
    from dataclean.scorecard import Scorecard
else:
    import dataclean.io
def f():
    from dataclean.scorecard.render import to_text
    from .phone import compact
"""
    names = imported_names(source, "dataclean.fields")
    assert {_owning_module(n) for n in names} >= {
        "dataclean.exceptions",
        "dataclean.fields",
        "dataclean.io",
        "dataclean.scorecard.render",
        "dataclean.fields.phone",
    }
    assert "dataclean.scorecard.Scorecard" not in names and "dataclean.scorecard" not in names


@pytest.mark.parametrize("module", ["dataclean.scorecard.diff", "dataclean.scorecard.io", "dataclean.scorecard.model"])
def test_scorecard_data_and_diff_do_not_need_the_renderers_at_import(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    top_level = {node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}
    assert "dataclean.scorecard.render" not in top_level


# ------------------------------------------------------------------ one vocabulary
def test_dimensions_defined_once():
    from dataclean import suite
    from dataclean.scorecard import model

    assert model.DIMENSIONS is suite.DIMENSIONS
    assert set(model.DIMENSION_MEANING) == set(suite.DIMENSIONS)
    owners = []
    for module, path in MODULES.items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
            if any(isinstance(t, ast.Name) and t.id == "DIMENSIONS" for t in targets):
                owners.append(module)
    assert owners == ["dataclean.suite"]


def test_moved_scorecard_names_still_import_from_render():
    from dataclean.scorecard import diff, io, render

    assert render.diff is diff.diff
    assert render.ScorecardDiff is diff.ScorecardDiff
    assert render.ScoreChange is diff.ScoreChange
    assert render.diff_to_html is diff.diff_to_html
    assert render.load_scorecard is io.load_scorecard


def test_diff_and_load_do_not_load_the_renderers():
    code = (
        "import sys\n"
        "import dataclean.scorecard.diff, dataclean.scorecard.io, dataclean.scorecard.history\n"
        "assert 'dataclean.scorecard.render' not in sys.modules, 'render was imported'\n"
        "print('checked')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "checked", "the check did not run to its end"
