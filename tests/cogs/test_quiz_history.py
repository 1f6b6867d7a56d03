"""Consecutive rounds in one channel, through the stand-in: the server's history keeps them
from repeating a question."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from bot.local.driver import LocalDiscord, buttons
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services


def first_question(m: dict[str, Any]) -> bool:
    found = buttons(m)
    return bool(found) and all(not b.get("disabled") for b in found) and \
        found[0]["custom_id"].split(":")[2] == "0"


async def test_two_consecutive_rounds_do_not_repeat_a_question(discord: LocalDiscord,
                                                               services: Services) -> None:
    services.quiz.intermission = 0
    services.quiz.lead_in = 0
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=30, default_questions=5,
                                        reveal_pictures=False))
    alice = discord.member("alice")
    rounds: list[list[str]] = []
    for _ in range(2):
        await discord.invoke("/quiz start questions:5 topic:defectors", user=alice)
        await discord.wait_for_message(first_question, timeout=10)
        runner = services.quiz.running_in(discord.channel.id)
        assert runner is not None
        rounds.append([q.id for q in runner.info.questions])
        stopped = await discord.invoke("/quiz stop", user=alice)
        assert stopped.content == "Stopping the round…"
        await discord.wait_for_message(
            lambda m: bool(m["embeds"]) and m["embeds"][0]["title"].startswith("Round stopped"))
    assert [len(r) for r in rounds] == [5, 5]
    assert not set(rounds[0]) & set(rounds[1])
    async with services.engine.connect() as conn:
        kept = set((await conn.execute(sa.text(
            "SELECT question_id FROM quiz_question_history WHERE guild_id = :g"),
            {"g": discord.guild.id})).scalars())
    assert kept == set(rounds[0]) | set(rounds[1])
