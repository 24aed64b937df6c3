"""The import graph of scanner/: no cycles, and no import upward across the
layers of docs/architecture.md.

The graph is read from the sources with ``ast``, so an import inside a
function or under ``if TYPE_CHECKING:`` counts like any other: a cycle hidden
in a function still ties the two modules together.  ``from . import x``
is an edge to the submodule ``x`` when there is one, else to the package's
``__init__`` that defines ``x``.
"""
from __future__ import annotations

import ast
from pathlib import Path

SCANNER = Path(__file__).resolve().parents[2] / "scanner"

# lowest first; a module may import its own layer and the layers below.
# The names are scanner's top-level modules and packages ("scanner" is
# scanner/__init__.py, the public scan_bytes/scan_paths).
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("foundation", frozenset({"types", "errors", "lang", "rulebook", "levels", "names", "config", "budget", "native", "plugins",
                              "gate", "keyedfiles"})),
    ("reading and matching", frozenset({"walk", "extract", "cache", "normalize", "match", "validate"})),
    ("detection", frozenset({"detect", "detectors", "rules", "score", "ruleset", "engine"})),
    ("one item", frozenset({"pipeline"})),
    ("many items", frozenset({"run", "scanner"})),
    ("products", frozenset({"report", "redact", "review"})),
    ("service", frozenset({"service", "client"})),
    ("commands", frozenset({"cli", "__main__"})),
)

Edges = dict[str, dict[str, list[int]]]  # module -> imported module -> lines

# Known debt: cycles and upward imports tolerated while being broken up; each
# must leave its list once it is gone.  Issue 17 paid all of it off.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()
KNOWN_UPWARD: frozenset[tuple[str, str]] = frozenset()


def modules(root: Path) -> dict[str, Path]:
    """Dotted name -> source file, for every module and package under root."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def import_graph(root: Path) -> Edges:
    """Every import between modules under root, at any depth of the code."""
    names = modules(root)
    graph: Edges = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        out: dict[str, list[int]] = {}
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in names else source for a in node.names]
            else:
                continue
            for target in targets:
                lines = out.setdefault(target, []) if target in names and target != name else []
                if node.lineno not in lines:
                    lines.append(node.lineno)
        graph[name] = out
    return graph


def cycles(graph: Edges) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _group(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _layer(module: str) -> int:
    group = _group(module)
    return next(i for i, (_, members) in enumerate(LAYERS) if group in members)


def _where(graph: Edges, source: str, target: str) -> str:
    path = modules(SCANNER)[source].relative_to(SCANNER.parent)
    return f"{path}:{','.join(map(str, graph[source][target]))} imports {target}"


def test_the_reader_sees_function_level_and_type_only_imports(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .a import f\n")
    (package / "a.py").write_text("def f():\n    from .sub import helper\n    return helper\n")
    (package / "sub" / "__init__.py").write_text("from .. import b as _b\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import f\nimport pkg.sub\n")
    graph = import_graph(package)
    assert graph == {"pkg": {"pkg.a": [1]}, "pkg.a": {"pkg.sub": [2]}, "pkg.sub": {"pkg.b": [1]},
                     "pkg.b": {"pkg.a": [3], "pkg.sub": [4]}}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub"]]


def test_no_import_cycle_in_scanner() -> None:
    graph = import_graph(SCANNER)
    assert graph["scanner.cli.entry"]  # the reader found the imports
    components = cycles(graph)
    found = [
        "cycle " + " <-> ".join(component) + ":\n    " + "\n    ".join(
            _where(graph, source, target) for source in component for target in component if target in graph[source])
        for component in components if frozenset(component) not in KNOWN_CYCLES
    ]
    assert not found, "\n".join(found)
    # the known list only shrinks: a cycle broken must leave it
    gone = KNOWN_CYCLES - {frozenset(component) for component in components}
    assert not gone, f"no longer cycles, remove them from KNOWN_CYCLES: {[sorted(c) for c in gone]}"


def test_every_top_level_module_has_a_layer() -> None:
    placed = set().union(*(members for _, members in LAYERS))
    missing = sorted({_group(m) for m in modules(SCANNER)} - placed)
    assert not missing, f"give these a layer in LAYERS and docs/architecture.md: {missing}"


def test_imports_go_down_the_layers_only() -> None:
    graph = import_graph(SCANNER)
    upward = [
        f"{_where(graph, source, target)} ({LAYERS[_layer(source)][0]} -> {LAYERS[_layer(target)][0]})"
        for source in sorted(graph) for target in sorted(graph[source])
        if _layer(target) > _layer(source) and (source, target) not in KNOWN_UPWARD
    ]
    assert not upward, "\n".join(upward)
    gone = {(s, t) for s, t in KNOWN_UPWARD if t not in graph.get(s, {})}
    assert not gone, f"no longer imported, remove them from KNOWN_UPWARD: {sorted(gone)}"
