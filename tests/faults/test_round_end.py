"""The database away when a round ends: the end is retried, the channel never looks both busy
and free, and the final board (read from the database) is posted once the database is back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from bot.local.driver import LocalDiscord
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import answer_key, is_question, revealed
from tests.support.processes import wait_until

STOPPED = "Round stopped — scores so far"


@pytest.fixture
async def game(discord: LocalDiscord, services: Services) -> LocalDiscord:
    services.quiz.intermission = 0
    services.quiz.lead_in = 0
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=4, reveal_pictures=False))
    return discord


async def test_an_end_the_database_refused_is_finished_by_the_sweeper(
    game: LocalDiscord, services: Services
) -> None:
    await game.invoke("/quiz start questions:5")
    q0 = await game.wait_for_message(is_question(0), timeout=15)
    bob = game.member("bob")
    click = await game.click(q0, index=await answer_key(services, q0), user=bob)
    assert click.content.startswith("🔒 Locked in")
    await game.wait_for_message(revealed(q0["id"]), timeout=15)
    quiz = services.quiz
    (runner,) = quiz.runners.values()
    healthy = runner.engine
    runner.engine = create_async_engine("sqlite+aiosqlite:////proc/no-such-dir/gone.db")
    runner.end_delays = (0.1, 0.1)  # the retry window runs out while the database is away
    try:
        stop = await game.invoke("/quiz stop")
        assert stop.content == "Stopping the round…"
        # The runner tries three times, gives up and leaves the end to the sweeper.
        await wait_until(lambda: quiz.unended, 10, "the runner to give up")
        assert not runner.ended
        assert list(quiz.unended) == [runner.info.round_id]
        # Neither command may say the channel is free while the round's row says it is not.
        again = await game.invoke("/quiz start", user=game.member("carol"))
        assert again.content.startswith("A round is already running in this channel")
        stop_again = await game.invoke("/quiz stop")
        assert stop_again.content == "Stopping the round…"
        assert not [m for m in game.channel_messages()
                    if m["embeds"] and m["embeds"][0].get("title") == STOPPED]
    finally:
        await runner.engine.dispose()
        runner.engine = healthy
    quiz.sweep_interval = quiz.stop_poll = 0.2  # the next sweep, without waiting 30 s
    final = await game.wait_for_message(
        lambda m: bool(m["embeds"]) and m["embeds"][0].get("title") == STOPPED, timeout=10)
    board = final["embeds"][0]["description"]
    assert board.startswith(f"**1.** <@{bob.id}>")  # from the database: never "Nobody scored"
    await wait_until(lambda: not quiz.unended, 5, "the sweeper to forget the round")
    async with services.engine.connect() as conn:
        assert (await conn.execute(sa.text(
            "SELECT status, active_channel_id FROM quiz_round"))).all() == [("stopped", None)]
    fresh = await game.invoke("/quiz start", user=game.member("carol"))
    assert not fresh.ephemeral  # the channel is free again
