"""A command forced past Discord's 3 seconds is acknowledged in time, then answered."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.local.driver import LocalDiscord
from bot.quiz import leaderboard


async def test_a_slow_command_is_deferred_in_time_and_still_answers(
    discord: LocalDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = leaderboard.leaderboard

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(3.5)  # a database having a very bad moment
        return await real(*args, **kwargs)

    monkeypatch.setattr(leaderboard, "leaderboard", slow)
    exchange = await discord.invoke("/leaderboard", timeout=10)
    first = exchange.bodies[0]
    assert first["type"] == 5  # "thinking…", sent by the watchdog before the 3 s
    assert exchange.latency is not None
    assert exchange.latency < 3.0
    assert exchange.embed["title"] == "Leaderboard · All time"
    assert exchange.violations == []


async def test_a_slow_ephemeral_answer_stays_private(discord: LocalDiscord,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.quiz import config

    real = config.get_config

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(3.5)
        return await real(*args, **kwargs)

    monkeypatch.setattr(config, "get_config", slow)
    exchange = await discord.invoke("/quizadmin settings show",
                                    user=discord.member("mod", moderator=True), timeout=10)
    await exchange.quiet()
    assert exchange.interaction.response_type == 5
    assert exchange.message is None  # the public "thinking…" message was removed
    (answer,) = exchange.followups
    assert answer["flags"] & 64
    assert answer["embeds"][0]["title"] == "Quiz settings"
