"""The reveal states how every server did on the question, once enough answers exist."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from bot.local.driver import LocalDiscord
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import TIME_LIMIT, answer_key, is_question, revealed, rows


@pytest.fixture
async def quick(discord: LocalDiscord, services: Services) -> LocalDiscord:
    services.quiz.intermission = 0
    services.quiz.lead_in = 0
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=TIME_LIMIT, default_questions=5,
                                        reveal_pictures=False))
    return discord


async def seed(services: Services, index: int, answered: int, correct: int) -> str:
    """Earlier answers on other servers to the question just asked at ``index``."""
    async with services.engine.begin() as conn:
        question_id = (await conn.execute(sa.text(
            "SELECT question_id FROM quiz_round_question WHERE \"index\" = :i"),
            {"i": index})).scalar_one()
        await conn.execute(sa.text(
            "INSERT INTO quiz_question_stats (question_id, answered, correct, updated_at) "
            "VALUES (:q, :a, :c, '2025-01-01 00:00:00+00')"),
            {"q": question_id, "a": answered, "c": correct})
    return str(question_id)


def fields(message: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}


async def test_the_reveal_says_how_all_servers_did(quick: LocalDiscord,
                                                   services: Services) -> None:
    bob = quick.member("bob")
    await quick.invoke("/quiz start questions:5", user=bob)
    q0 = await quick.wait_for_message(is_question(0))
    first = await seed(services, 0, 211, 86)
    await quick.click(q0, index=await answer_key(services, q0), user=bob)
    shown = fields(await quick.wait_for_message(revealed(q0["id"]), timeout=5))
    # 86 + Bob's right answer = 87 of 212: 41.04 %.
    assert shown["All servers"] == "41 % of 212 players got this right"
    assert shown["Answers"] == "1 answered, 1 right"  # this round's own count is unchanged
    # The next question has 8 earlier answers: with Bob's, 9 — too few to state a share.
    q1 = await quick.wait_for_message(is_question(1), timeout=5)
    second = await seed(services, 1, 8, 2)
    key1 = await answer_key(services, q1)
    await quick.click(q1, index=(key1 + 1) % 2, user=bob)
    assert "All servers" not in fields(await quick.wait_for_message(revealed(q1["id"]),
                                                                   timeout=5))
    assert sorted(await rows(services, "SELECT question_id, answered, correct "
                                       "FROM quiz_question_stats")) == sorted(
        [(first, 212, 87), (second, 9, 2)])
    await quick.invoke("/quiz stop", user=bob)
