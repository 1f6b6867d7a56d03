"""The base of every button: a handler that breaks still gives the member an answer."""

from __future__ import annotations

import gc
from collections import Counter
from typing import Any

import pytest

from bot.cogs.quiz import views
from bot.local.driver import LocalDiscord
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import answer_buttons, is_question


async def test_a_button_that_breaks_apologises_privately(discord: LocalDiscord,
                                                         services: Services,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture
                                                         ) -> None:
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=30, reveal_pictures=False))
    await discord.invoke("/quiz start questions:5")
    question = await discord.wait_for_message(is_question(0), timeout=10)

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug in the receipt")

    # By name: loading the cogs as extensions executes their modules afresh, so the module
    # the bot runs is the one sys.modules holds now, not the one imported above.
    monkeypatch.setattr(f"{views.__name__}.shown", broken)  # after the answer was taken
    click = await discord.click(question, index=0, user=discord.member("bob"))
    assert click.ephemeral
    assert click.content == "Something went wrong — it has been logged."
    assert services.metrics.interactions.labels("quiz answer", "error")._value.get() == 1
    assert any(r.exc_info and "a bug in the receipt" in str(r.exc_info[1])
               for r in caplog.records)


async def test_answered_clicks_leave_nothing_for_the_garbage_collector(discord: LocalDiscord,
                                                                     services: Services
                                                                     ) -> None:
    """Reference counting frees a click once it is answered (``bot.reply.let_go``, the
    writer's prepared statements): what is left in reference cycles, the collector has to
    find, and at 1,000 clicks a second its pauses were the receipts' slowest tail."""
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=30, reveal_pictures=False))
    await discord.invoke("/quiz start questions:5")
    question = await discord.wait_for_message(is_question(0), timeout=10)
    options = len(answer_buttons(question))
    await discord.click(question, index=0, user=discord.member("first"))  # warms the caches
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept in gc.garbage
    try:
        for n in range(10):
            click = await discord.click(question, index=n % options,
                                        user=discord.member(f"player{n}"))
            assert click.content.startswith("🔒 Locked in"), click.content
        again = await discord.click(question, index=0, user=discord.member("player0"))
        assert again.content == "You already answered this question."
        gc.collect()
        left = Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage
                       if type(o).__module__.partition(".")[0] in ("bot", "discord",
                                                                   "sqlalchemy"))
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not left, left.most_common(10)
