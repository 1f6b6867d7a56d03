"""The tree's shape, checked rather than hoped for.

* the core (facts, quiz, pictures, db) never imports discord;
* no module imports another package's private ``_module`` (a leading underscore means "only
  inside my package");
* no import cycle inside ``bot/`` (imports under ``TYPE_CHECKING`` excepted: they never run).

The checks read the source with :mod:`ast`, so they see every import, including ones inside
functions (the kind that hides a cycle), and they need nothing imported to run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bot"
CORE = ("bot.facts", "bot.quiz", "bot.pictures", "bot.db")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_imports(module: str) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import that can run, resolving relative imports and
    ``from package import submodule``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(node: ast.AST) -> Iterator[tuple[str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                yield from (item for stmt in child.orelse for item in visit_stmt(stmt))
                continue
            yield from visit_stmt(child)

    def visit_stmt(node: ast.AST) -> Iterator[tuple[str, int]]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
            # ``from my_package import sibling`` needs nothing from the package's __init__ (an
            # ancestor is always imported first), so only the sibling is an edge; importing a
            # *name* from an ancestor's __init__ is an edge to it, and can close a cycle.
            ancestor = module.startswith(base + ".")
            if not (ancestor and len(submodules) == len(node.names)):
                yield base, node.lineno
            for target in submodules:
                yield target, node.lineno
        else:
            yield from visit(node)

    yield from visit(tree)


def _internal_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for target, _ in _runtime_imports(module):
            if target in MODULES and target != module:
                graph[module].add(target)
    return graph


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith(CORE)])
def test_core_never_imports_discord(module: str) -> None:
    bad = [f"line {line}: {name}" for name, line in _runtime_imports(module)
           if name == "discord" or name.startswith("discord.")]
    assert not bad, f"{module} is core code and imports discord: {bad}"


def test_no_module_imports_another_packages_private_module() -> None:
    offences = []
    for module in MODULES:
        own_package = module.rpartition(".")[0] if MODULES[module].name != "__init__.py" \
            else module
        for target, line in _runtime_imports(module):
            if target not in MODULES:
                continue
            owner, _, leaf = target.rpartition(".")
            private = leaf.startswith("_") and not leaf.startswith("__")
            # A private module is usable inside its own package and that package's children.
            if private and not (own_package == owner or own_package.startswith(owner + ".")):
                offences.append(f"{module}:{line} imports {target}")
    assert not offences, "private modules used outside their package:\n" + "\n".join(offences)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strongconnect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return found


def test_no_import_cycles_inside_bot() -> None:
    cycles = _cycles(_internal_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle() -> None:
    # The check above can only pass for the right reason if it can fail.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
