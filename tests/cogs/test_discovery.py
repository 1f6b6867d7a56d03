"""Extensions are discovered, never listed by hand, and command names never clash.
(Layering and import cycles: tests/test_structure.py.)"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.app import extensions
from bot.local.driver import LocalDiscord

BOT = Path(__file__).resolve().parent.parent / "bot"
EXPECTED = ["bot.cogs.about", "bot.cogs.daily", "bot.cogs.defectors", "bot.cogs.help",
            "bot.cogs.leaderboard", "bot.cogs.quiz",
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

