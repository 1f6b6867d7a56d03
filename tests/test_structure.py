"""The structure enforces itself: extensions are discovered, command names never clash,
and ``bot/`` has no import cycle."""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.app import extensions
from bot.local.driver import LocalDiscord

BOT = Path(__file__).resolve().parent.parent / "bot"
EXPECTED = ["bot.cogs.about", "bot.cogs.defectors", "bot.cogs.leaderboard", "bot.cogs.quiz",
            "bot.cogs.quizadmin", "bot.cogs.recognition"]


def test_discovery_finds_exactly_the_public_extensions() -> None:
    found = extensions()
    assert found == EXPECTED
    assert not [name for name in found if "._" in name]


def test_discovery_skips_private_modules_and_modules_without_setup(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "fake_cogs"
    (package / "feature").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    setup = "async def setup(bot):\n    pass\n"
    (package / "public.py").write_text(setup)
    (package / "_private.py").write_text(setup)  # a helper: never an extension
    (package / "no_setup.py").write_text("X = 1\n")
    (package / "feature" / "__init__.py").write_text(setup)
    (package / "feature" / "inner.py").write_text(setup)  # set up by its package, not alone
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert extensions("fake_cogs") == ["fake_cogs.feature", "fake_cogs.public"]
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == "fake_cogs"]:
            del sys.modules[name]


async def test_every_command_name_is_unique_across_cogs(discord: LocalDiscord) -> None:
    """python-discord's check: two cogs must never claim one name (a later one would fail to
    load, or a subcommand would shadow another)."""
    bot = discord.bot
    names: Counter[str] = Counter()
    for cog in bot.cogs.values():
        group = cog.app_command
        if group is not None:
            names[group.qualified_name] += 1
        for command in cog.walk_app_commands():
            names[command.qualified_name] += 1
    assert names, "no command found"
    assert [n for n, count in names.items() if count > 1] == []
    # Every command the tree serves belongs to a cog: nothing registered around the cogs.
    top = {n for n in names if " " not in n}
    assert {c.name for c in bot.tree.get_commands()} == top
    assert {"about", "defectors", "leaderboard", "quiz", "quizadmin", "recognition",
            "quiz start", "quizadmin settings show", "recognition country"} <= set(names)


def _module(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The modules of ``bot`` this file imports at run time (``TYPE_CHECKING`` blocks are
    for the type checker only and cannot form a cycle)."""
    name = _module(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return {m for m in found if m in modules and m != name}


def test_bot_has_no_import_cycle() -> None:
    files = {_module(p): p for p in BOT.rglob("*.py")}
    graph = {name: _imports(path, set(files)) for name, path in files.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)
    assert cycles == []
