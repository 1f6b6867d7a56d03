"""A rolling deploy with real processes: the old process A runs a round, the new process B
starts beside it on the same database. B must leave A's round alone (A's lease is alive),
serve what reaches it through the database, and A's stop must end the round cleanly."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.local.driver import LocalDiscord, buttons
from bot.local.standin import StandIn
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import answer_key, is_question
from tests.support.processes import bot_env, bot_process, ready_sessions, wait_for_bot, wait_until

# A short lease (30 s in production): B's sweeper runs every 3 s and A renews every 1 s, so a
# few seconds of overlap are several sweeps that must all leave A's round alone.
LEASE = "3"
INTERRUPTED = "Round interrupted by a restart"


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    server = StandIn()
    await server.start()
    yield server
    await server.stop()


async def _rows(services: Services, sql: str) -> list[Any]:
    async with services.engine.connect() as conn:
        return list((await conn.execute(sa.text(sql))).all())


def titled(players: LocalDiscord, title: str) -> list[dict[str, Any]]:
    return [m for m in players.channel_messages()
            if m["embeds"] and m["embeds"][0].get("title") == title]


async def _a_running_b_joining(standin: StandIn, services: Services, tmp_path: Path,
                               stack: Any) -> tuple[Any, str, str, LocalDiscord, dict[str, Any]]:
    guild = standin.add_guild("deploy", channels=("general",))
    channel = next(iter(guild.channels.values()))
    await config.save_config(services.engine, guild.id,
                             QuizConfig(time_limit=60, reveal_pictures=False))
    env = bot_env(standin, services.settings.database_url, tmp_path, DEV_GUILD_ID=str(guild.id),
                  ROUND_LEASE_SECONDS=LEASE)
    proc_a = await stack.enter_async_context(bot_process(env, tmp_path / "a.log"))
    await wait_for_bot(standin, guild.id, "A to connect")
    (session_a,) = (s.session_id for s in ready_sessions(standin))
    players = LocalDiscord(standin, guild, channel, standin.add_user("alice"))
    start = await players.invoke("/quiz start questions:5", via=session_a, timeout=10)
    assert not start.ephemeral
    q0 = await players.wait_for_message(is_question(0), timeout=20)
    bob = players.member("bob")
    locked = await players.click(q0, index=await answer_key(services, q0), user=bob,
                                 via=session_a)
    assert locked.content.startswith("🔒 Locked in")
    await stack.enter_async_context(bot_process(env, tmp_path / "b.log"))
    await wait_until(lambda: len(ready_sessions(standin)) == 2, 60, "B to connect")
    session_b = next(s.session_id for s in ready_sessions(standin) if s.session_id != session_a)
    # B's start-up recovery ran, and then two leases' worth of its sweeps.
    await asyncio.sleep(2 * float(LEASE) + 1)
    return proc_a, session_a, session_b, players, q0


async def test_a_new_process_leaves_the_old_ones_round_alone_until_it_stops(
    standin: StandIn, services: Services, tmp_path: Path
) -> None:
    async with AsyncExitStack() as stack:
        proc_a, _a, b, players, q0 = await _a_running_b_joining(standin, services, tmp_path,
                                                                stack)
        assert titled(players, INTERRUPTED) == []
        assert buttons(standin.messages[int(q0["id"])])  # the question is still live
        assert await _rows(services, "SELECT status FROM quiz_round") == [("running",)]
        # One round per channel, whoever receives the second start.
        again = await players.invoke("/quiz start", user=players.member("dave"), via=b,
                                     timeout=10)
        assert again.ephemeral
        assert again.content.startswith("A round is already running in this channel")
        # Clicks reaching B are recorded (through the database) and count once.
        key = await answer_key(services, q0)
        carol = players.member("carol")
        via_b = await players.click(q0, index=key, user=carol, via=b)
        assert via_b.content.startswith("🔒 Locked in")
        twice = await players.click(q0, index=key, user=carol, via=b)
        assert twice.content == "You already answered this question."
        # A is stopped by its service manager: its round ends cleanly, with every answer.
        proc_a.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc_a.wait(), 15) == 0
        ending = titled(players, "Round ended: the bot is shutting down")
        assert len(ending) == 1
        board = ending[0]["embeds"][0]["description"]
        assert f"<@{players.member('bob').id}>" in board
        assert f"<@{carol.id}>" in board
        assert await _rows(services, "SELECT status, end_reason, active_channel_id "
                                     "FROM quiz_round") == [("stopped", "shutdown", None)]
        assert sorted(await _rows(services, "SELECT user_id FROM quiz_answer")) == sorted(
            [(players.member("bob").id,), (carol.id,)])
        # B never interrupts a round that ended properly, and the channel is free again.
        await asyncio.sleep(float(LEASE) + 1)
        assert titled(players, INTERRUPTED) == []
        fresh = await players.invoke("/quiz start questions:5", via=b, timeout=10)
        assert not fresh.ephemeral
        assert await _rows(services, "SELECT count(*) FROM quiz_round WHERE status='running'") \
            == [(1,)]
    assert not standin.violations


async def test_a_stop_reaching_the_new_process_stops_the_old_ones_round(
    standin: StandIn, services: Services, tmp_path: Path
) -> None:
    async with AsyncExitStack() as stack:
        _proc, _a, b, players, q0 = await _a_running_b_joining(standin, services, tmp_path,
                                                               stack)
        outsider = await players.invoke("/quiz stop", user=players.member("mallory"), via=b,
                                        timeout=10)
        assert outsider.content.startswith("Only the member who started this round")
        stop = await players.invoke("/quiz stop", via=b, timeout=10)  # alice started it
        assert stop.ephemeral
        assert stop.content == "Stopping the round…"
        final = await players.wait_for_message(
            lambda m: bool(m["embeds"]) and
            m["embeds"][0].get("title") == "Round stopped — scores so far", timeout=10)
        embed = final["embeds"][0]
        assert embed["description"].startswith(f"**1.** <@{players.member('bob').id}>")
        assert {f["name"]: f["value"] for f in embed["fields"]}["Stopped by"] == \
            f"<@{players.user.id}>"
        assert all(btn.get("disabled") for btn in buttons(standin.messages[int(q0["id"])]))
        assert await _rows(services, "SELECT status, end_reason FROM quiz_round") == \
            [("stopped", "stopped")]
        none = await players.invoke("/quiz stop", via=b, timeout=10)
        assert none.content == "No quiz round is running in this channel."
        assert titled(players, INTERRUPTED) == []
    assert not standin.violations
