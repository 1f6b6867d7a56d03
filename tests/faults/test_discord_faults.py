"""Discord's own failures, injected by the stand-in, during a quiz round: rate limits, server
errors, a gateway reconnect and a dropped socket, and a database that is gone for a moment."""

from __future__ import annotations

import asyncio
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from bot.local.driver import LocalDiscord, buttons
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import answer_key, is_question, revealed

RATE_LIMITED = {"message": "You are being rate limited.", "retry_after": 0.3, "global": False}
VIA = {"Via": "1.1 google"}  # without it discord.py takes a 429 for a Cloudflare ban


@pytest.fixture
async def game(discord: LocalDiscord, services: Services) -> LocalDiscord:
    services.quiz.intermission = 0
    services.quiz.lead_in = 0
    # Long enough for a question delayed by a retried post to stay answerable under load.
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=4, reveal_pictures=False))
    return discord


async def _answers(services: Services) -> list[tuple[int, int]]:
    async with services.engine.connect() as conn:
        return list((await conn.execute(sa.text(
            "SELECT question_index, user_id FROM quiz_answer ORDER BY question_index"))).all())


async def _play_one(game: LocalDiscord, services: Services, index: int, name: str) -> None:
    """Question ``index`` appears, a player answers it and gets the receipt, it is revealed."""
    question = await game.wait_for_message(is_question(index), timeout=15)
    click = await game.click(question, index=await answer_key(services, question),
                             user=game.member(name), timeout=10)
    assert click.content.startswith("🔒 Locked in"), click.content
    await game.wait_for_message(revealed(question["id"]), timeout=15)


@pytest.mark.parametrize(("method", "path", "what"), [
    ("POST", r"/channels/\d+/messages$", "question post"),
    ("PATCH", r"/channels/\d+/messages/\d+$", "reveal edit"),
    ("POST", r"/interactions/\d+/[^/]+/callback$", "answer receipt"),
])
async def test_a_429_is_waited_out(game: LocalDiscord, services: Services, method: str,
                                   path: str, what: str) -> None:
    await game.invoke("/quiz start questions:5")
    await game.wait_for_message(is_question(0), timeout=10)
    game.standin.inject(method, path, 429, body=RATE_LIMITED, headers=VIA)
    started = time.monotonic()
    await _play_one(game, services, 0 if what != "question post" else 1, "bob")
    assert time.monotonic() - started >= 0.3
    assert game.standin.faults[-1].times == 0  # the 429 was served, and waited out
    assert game.standin.violations == []


@pytest.mark.parametrize("status", [500, 503])
@pytest.mark.parametrize(("method", "path"), [
    ("POST", r"/channels/\d+/messages$"),
    ("PATCH", r"/channels/\d+/messages/\d+$"),
    ("POST", r"/interactions/\d+/[^/]+/callback$"),
])
async def test_server_errors_are_retried(game: LocalDiscord, services: Services, status: int,
                                         method: str, path: str) -> None:
    await game.invoke("/quiz start questions:5")
    await game.wait_for_message(is_question(0), timeout=10)
    game.standin.inject(method, path, status, body={"message": "Service Unavailable", "code": 0})
    # The fault hits the next such request: question 1's post, question 0's reveal, or the
    # receipt of the click below. Every step still happens.
    await _play_one(game, services, 0, "bob")
    await _play_one(game, services, 1, "bob")
    assert game.standin.faults[-1].times == 0
    assert [a[0] for a in await _answers(services)] == [0, 1]


@pytest.mark.parametrize("drop", [False, True], ids=["op7-reconnect", "dropped-socket"])
async def test_the_round_survives_a_gateway_reconnect(game: LocalDiscord, services: Services,
                                                      drop: bool) -> None:
    await game.invoke("/quiz start questions:5")
    await _play_one(game, services, 0, "bob")
    session = game.standin.session_for(game.guild.id)
    await game.standin.reconnect(game.guild.id, drop=drop)
    # A click while the connection is down is queued and delivered once the bot resumes.
    question = await game.wait_for_message(is_question(1), timeout=15)
    click = await game.click(question, index=await answer_key(services, question),
                             user=game.member("bob"), timeout=20)
    assert click.content.startswith("🔒 Locked in")
    await game.wait_for_message(revealed(question["id"]), timeout=15)
    assert session.ws is not None
    assert not session.ws.closed
    frames = [f["t"] for f in session.sent]
    assert "RESUMED" in frames
    assert [a[0] for a in await _answers(services)] == [0, 1]


async def test_the_database_gone_during_an_answer(game: LocalDiscord, services: Services) -> None:
    await game.invoke("/quiz start questions:5")
    question = await game.wait_for_message(is_question(0), timeout=10)
    writer = services.quiz.writer
    healthy = writer.engine
    writer.engine = create_async_engine("sqlite+aiosqlite:////proc/no-such-dir/gone.db")
    try:
        click = await game.click(question, index=await answer_key(services, question),
                                 user=game.member("bob"))
    finally:
        await writer.engine.dispose()
        writer.engine = healthy
    assert click.ephemeral
    assert click.content.startswith("Sorry — your answer could not be recorded")
    assert await _answers(services) == []  # nothing partial
    again = await game.click(question, index=await answer_key(services, question),
                             user=game.member("bob"))
    assert again.content.startswith("🔒 Locked in")  # the round went on; the retry counts
    assert await _answers(services) == [(0, game.member("bob").id)]
    assert services.metrics.database_errors._value.get() == 1


async def test_clicks_while_the_socket_is_down_are_not_lost(game: LocalDiscord,
                                                            services: Services) -> None:
    await game.invoke("/quiz start questions:5")
    question = await game.wait_for_message(is_question(0), timeout=10)
    session = game.standin.session_for(game.guild.id)
    await game.standin.reconnect(game.guild.id, drop=True)
    clicks = [await game.click(question, index=await answer_key(services, question),
                               user=game.member(f"p{i}"), wait=False) for i in range(5)]
    await asyncio.gather(*(c.wait(20) for c in clicks))
    assert all(c.content.startswith("🔒 Locked in") for c in clicks)
    assert len(await _answers(services)) == 5
    assert buttons(question)  # the question was still open when the clicks were sent
    assert session.ws is not None
