"""The package is layered one way: vocabulary → rules → engine → followup → review/web, reports.

Read with ``ast`` (nothing is imported), every ``import`` in src/compliance is an edge from the
importing file to the file it names; an import inside a function (lazy) counts like one at the
top, because it still ties the two files together. Imports under ``if TYPE_CHECKING:`` are kept
apart: they never run, so they may point "up" for a type hint, but each one that would close a
cycle is listed in ``TYPE_ONLY_EDGES`` with the reason.

A failure prints the offending cycle (``a → b → a``) or module, so the fix is visible at once.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SOURCE / "compliance"
MAX_LINES = 450

# Long because they are tables of data, not logic; splitting them would only scatter the table.
LONG_DATA_TABLES = {
    "compliance.registry.contract": "the exchange-format contract: one entry per table/column",
}

# Being split right now in other branches (followup/sync.py by one helper, the registry
# importer and reader by the lead). TEMPORARY: the lead removes this set after merging them.
PENDING_SPLIT: set[str] = set()  # modules being split elsewhere; empty since they were

# TYPE_CHECKING-only package edges that close a cycle, each with why it is acceptable.
TYPE_ONLY_EDGES = {
    # ImportRefused carries an ImportReport; the annotation names it, nothing is imported at run
    # time, so registry → exceptions stays the only edge that executes.
    ("exceptions", "registry"),
}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    kind: str  # "module", "function" (lazy) or "type" (under TYPE_CHECKING)


@dataclass
class Graph:
    modules: dict[str, Path] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_package(name: str, modules: dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The file an imported dotted name lives in: the longest known module prefix."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    def __init__(self, module: str, modules: dict[str, Path]) -> None:
        self.module = module
        self.modules = modules
        self.edges: list[Edge] = []
        self._function_depth = 0
        self._type_depth = 0

    def _kind(self) -> str:
        if self._type_depth:
            return "type"
        return "function" if self._function_depth else "module"

    def _add(self, name: str, line: int) -> None:
        target = _resolve(name, self.modules)
        if target is not None and target != self.module:
            self.edges.append(Edge(self.module, target, line, self._kind()))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._function_depth += 1
        self.generic_visit(node)
        self._function_depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            self._type_depth += 1
            for child in node.body:
                self.visit(child)
            self._type_depth -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.startswith("compliance"):
                self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            here = self.module.split(".")
            if not _is_package(self.module, self.modules):
                here.pop()
            here = here[: len(here) - (node.level - 1)]
            base = ".".join([*here, base] if base else here)
        if not base.startswith("compliance"):
            return
        for alias in node.names:
            # ``from compliance.engine import partition`` names the submodule, not the package.
            full = f"{base}.{alias.name}"
            self._add(full if full in self.modules else base, node.lineno)


def _graph() -> Graph:
    graph = Graph()
    for path in sorted(PACKAGE.rglob("*.py")):
        graph.modules[_module_name(path)] = path
    for name, path in graph.modules.items():
        visitor = _Imports(name, graph.modules)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        graph.edges.extend(visitor.edges)
    return graph


GRAPH = _graph()


def _package(module: str) -> str:
    """The layer a module belongs to: ``compliance.engine.evaluate`` → ``engine``; a top-level
    module such as ``compliance.cli`` is a layer of its own."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _cycles(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one node (Tarjan), followed
    by the component's other members."""
    successors: dict[str, set[str]] = {node: set() for node in nodes}
    for source, target in edges:
        if source != target:
            successors.setdefault(source, set()).add(target)
            successors.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(successors[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(successors):
        if node not in index:
            connect(node)
    cycles = []
    for component in components:
        cycle = _one_cycle(component, successors)
        cycles.append([*cycle, *sorted(component - set(cycle))])
    return cycles


def _one_cycle(component: set[str], successors: dict[str, set[str]]) -> list[str]:
    """A shortest path from a member of the component back to itself."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(successors[node] & component):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    return sorted(component)


def _explain(cycle: list[str], edges: list[Edge], key: Callable[[Edge], tuple[str, str]]) -> str:
    """The cycle, then every import between members of its component (what to cut)."""
    loop = cycle[: cycle.index(cycle[0], 1) + 1]
    members = set(cycle)
    lines = [
        " → ".join(loop)
        + (f"  (with {', '.join(cycle[len(loop) :])})" if cycle[len(loop) :] else "")
    ]
    seen = set()
    for edge in edges:
        source, target = key(edge)
        if source != target and source in members and target in members:
            text = f"    {edge.source}:{edge.line} imports {edge.target} ({edge.kind})"
            if text not in seen:
                seen.add(text)
                lines.append(text)
    return "\n".join(lines)


def test_the_reader_sees_the_imports() -> None:
    """Guards the guard: a known edge of each kind is found."""
    kinds = {(e.source, e.target): e.kind for e in GRAPH.edges}
    assert kinds[("compliance.cli", "compliance.db")] == "module"
    assert kinds[("compliance.cli", "compliance.registry.importer")] == "function"
    assert kinds[("compliance.exceptions", "compliance.registry.issues")] == "type"


def test_no_cycle_between_packages() -> None:
    """TYPE_CHECKING edges are left out; those in TYPE_ONLY_EDGES are the known ones."""

    def key(e: Edge) -> tuple[str, str]:
        return (_package(e.source), _package(e.target))

    running = [e for e in GRAPH.edges if e.kind != "type"]
    cycles = _cycles({_package(m) for m in GRAPH.modules}, (key(e) for e in running))
    report = "\n".join(_explain(c, running, key) for c in cycles)
    assert not cycles, f"cycles between packages:\n{report}"


def test_type_only_imports_that_close_a_cycle_are_listed() -> None:
    def key(e: Edge) -> tuple[str, str]:
        return (_package(e.source), _package(e.target))

    edges = {key(e) for e in GRAPH.edges if key(e) not in TYPE_ONLY_EDGES}
    cycles = _cycles({_package(m) for m in GRAPH.modules}, edges)
    report = "\n".join(_explain(c, GRAPH.edges, key) for c in cycles)
    assert not cycles, f"a TYPE_CHECKING import closes a cycle; list it or remove it:\n{report}"


def test_no_cycle_between_files() -> None:
    """Lazy (function-level) imports count: they hide a cycle, they do not remove it. So do
    TYPE_CHECKING ones: two files that name each other are one piece, whatever runs first."""

    def key(e: Edge) -> tuple[str, str]:
        return (e.source, e.target)

    cycles = _cycles(GRAPH.modules, (key(e) for e in GRAPH.edges))
    report = "\n".join(_explain(c, GRAPH.edges, key) for c in cycles)
    assert not cycles, f"cycles between files:\n{report}"


def _sys_path_edits(tree: ast.AST) -> list[int]:
    def is_sys_path(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "path"
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
        )

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_sys_path(node.value):
            lines.append(node.lineno)  # sys.path.insert(...), .append, .extend, ...
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                inner = target.value if isinstance(target, ast.Subscript) else target
                if is_sys_path(inner):
                    lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr == "addsitedir":
            lines.append(node.lineno)
    return lines


def test_sys_path_reader_finds_an_edit() -> None:
    assert _sys_path_edits(ast.parse("import sys\nsys.path.insert(0, 'x')\n")) == [2]
    assert _sys_path_edits(ast.parse("import sys\nsys.path[:0] = ['x']\n")) == [2]


def test_nothing_edits_sys_path() -> None:
    """An installed wheel has no repository around it; imports must go through the package."""
    offenders = [
        f"{name}:{line}"
        for name, path in GRAPH.modules.items()
        for line in _sys_path_edits(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not offenders, f"sys.path edited at: {', '.join(offenders)}"


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("allowed", sorted({*LONG_DATA_TABLES, *PENDING_SPLIT}))
def test_the_allowlists_name_real_long_modules(allowed: str) -> None:
    """A listed module that is gone or has become short must leave the list."""
    assert allowed in GRAPH.modules, f"{allowed} is listed but does not exist"
    assert _line_count(GRAPH.modules[allowed]) > MAX_LINES, f"{allowed} is short now: unlist it"


def test_modules_are_small() -> None:
    long = {
        name: _line_count(path)
        for name, path in GRAPH.modules.items()
        if name not in {*LONG_DATA_TABLES, *PENDING_SPLIT}
    }
    offenders = {name: lines for name, lines in long.items() if lines > MAX_LINES}
    assert not offenders, f"modules over {MAX_LINES} lines: {offenders}"
