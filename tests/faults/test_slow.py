"""A command forced past Discord's 3 seconds is acknowledged in time, then answered; a
receipt that reaches Discord too late anyway costs one line."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import sqlalchemy as sa

from bot import reply
from bot.local.driver import LocalDiscord
from bot.quiz import config, leaderboard
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import is_question
from tests.support.processes import wait_until


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


@pytest.mark.allow_violations
async def test_a_receipt_past_discords_window_is_one_try_and_one_line(
    discord: LocalDiscord, services: Services, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Under overload a receipt can reach Discord after its 3 s (Discord: 10062). The answer
    counts; the bot must not then spend more on it: no traceback, no apology that would be
    refused as well, the same one request."""
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=30, reveal_pictures=False))
    await discord.invoke("/quiz start questions:5")
    question = await discord.wait_for_message(is_question(0), timeout=10)
    # A loop too busy for the watchdog, and a bot whose clock thinks the reply still in time.
    monkeypatch.setattr(reply, "WATCHDOG", 60.0)
    monkeypatch.setattr(reply, "RESPONSE_WINDOW", 60.0)
    real = services.quiz.answer

    async def overloaded(*args: Any, **kwargs: Any) -> Any:
        result = await real(*args, **kwargs)
        await asyncio.sleep(3.2)
        return result

    monkeypatch.setattr(services.quiz, "answer", overloaded)
    click = await discord.click(question, index=0, user=discord.member("bob"), wait=False)
    await wait_until(lambda: services.metrics.interactions.labels("quiz answer", "late")
                     ._value.get() == 1, 15, "the late receipt to be counted")
    await click.quiet(period=0.5)
    assert [r.body["type"] for r in click.requests] == [4]  # the receipt, refused; no retry
    assert [v.rule.split(" (")[0] for v in click.violations] == ["Unknown interaction"]
    assert not click.answered
    assert services.metrics.interactions.labels("quiz answer", "error")._value.get() == 0
    late = [r for r in caplog.records if "reply too late for Discord" in r.getMessage()]
    assert len(late) == 1
    assert late[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR
                and not r.name.startswith("bot.local")]  # the stand-in reports its refusal
    async with services.engine.connect() as conn:  # the click itself counts
        users = (await conn.execute(sa.text("SELECT user_id FROM quiz_answer"))).scalars().all()
    assert users == [discord.member("bob").id]
