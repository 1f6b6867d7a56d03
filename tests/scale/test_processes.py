"""Bots as separate processes on one database: shutdown, sharding, and two processes briefly
serving the same shard (a deploy) without a second round or a second answer."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.local.driver import LocalDiscord, buttons
from bot.local.standin import StandIn
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import answer_key, is_question, revealed
from tests.support.processes import ROOT, bot_env, bot_process, ready_sessions, wait_for_bot, wait_until


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    server = StandIn()
    await server.start()
    yield server
    await server.stop()


async def _rows(services: Services, sql: str) -> list[Any]:
    async with services.engine.connect() as conn:
        return list((await conn.execute(sa.text(sql))).all())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_ends_rounds_keeps_answers_and_exits_in_time(
    standin: StandIn, services: Services, tmp_path: Path, sig: signal.Signals
) -> None:
    guild = standin.add_guild("deploys", channels=("general",))
    channel = next(iter(guild.channels.values()))
    await config.save_config(services.engine, guild.id,
                             QuizConfig(time_limit=60, reveal_pictures=False))
    env = bot_env(standin, services.settings.database_url, tmp_path, DEV_GUILD_ID=str(guild.id))
    async with bot_process(env, tmp_path / "bot.log") as proc:
        await wait_for_bot(standin, guild.id)
        players = LocalDiscord(standin, guild, channel, standin.add_user("alice"))
        bob = players.member("bob")
        await players.invoke("/quiz start questions:5")
        q0 = await players.wait_for_message(is_question(0), timeout=20)
        click = await players.click(q0, index=await answer_key(services, q0), user=bob)
        assert click.content.startswith("🔒 Locked in")
        started = time.monotonic()
        proc.send_signal(sig)
        code = await asyncio.wait_for(proc.wait(), 15)
        took = time.monotonic() - started
    assert code == 0
    assert took < 10, f"shutdown took {took:.1f} s"
    ending = [m for m in players.channel_messages() if m["embeds"] and
              m["embeds"][0]["title"] == "Round ended: the bot is shutting down"]
    assert len(ending) == 1
    assert ending[0]["embeds"][0]["description"].startswith(f"**1.** <@{bob.id}>")
    assert all(b.get("disabled") for b in buttons(standin.messages[int(q0["id"])]))
    assert await _rows(services, "SELECT status, end_reason, active_channel_id FROM quiz_round") \
        == [("stopped", "shutdown", None)]
    assert await _rows(services, "SELECT user_id FROM quiz_answer") == [(bob.id,)]
    logged = (tmp_path / "bot.log").read_text()
    assert "Traceback" not in logged
    # Start-up's objects were frozen out of garbage collection before the gateway connected.
    frozen = re.search(r"garbage collector: (\d+) start-up objects frozen", logged)
    assert frozen is not None
    assert int(frozen[1]) > 100_000  # the facts, the question pools, the modules


async def test_two_processes_on_one_shard_make_one_round_and_one_answer_each(
    standin: StandIn, services: Services, tmp_path: Path
) -> None:
    """During a deploy the old and the new process can both be connected as the same shard;
    Discord then delivers an interaction to either. The database keeps the rules."""
    guild = standin.add_guild("overlap", channels=("general",))
    channel = next(iter(guild.channels.values()))
    await config.save_config(services.engine, guild.id,
                             QuizConfig(time_limit=8, reveal_pictures=False))
    env = bot_env(standin, services.settings.database_url, tmp_path, DEV_GUILD_ID=str(guild.id))
    async with bot_process(env, tmp_path / "a.log"), bot_process(env, tmp_path / "b.log"):
        await wait_until(lambda: len(ready_sessions(standin)) == 2 and
                         standin.guild_commands.get(guild.id), 60, "both bots to connect")
        a, b = (s.session_id for s in ready_sessions(standin))
        players = LocalDiscord(standin, guild, channel, standin.add_user("alice"))
        starts = [await players.invoke("/quiz start questions:5", user=players.member(name),
                                       wait=False, via=via)
                  for name, via in (("alice", a), ("bob", b))]
        await asyncio.gather(*(s.wait(10) for s in starts))
        assert sorted(s.ephemeral for s in starts) == [False, True]
        refused = next(s for s in starts if s.ephemeral)
        assert refused.content.startswith("A round is already running in this channel")
        assert await _rows(services, "SELECT count(*) FROM quiz_round") == [(1,)]
        q0 = await players.wait_for_message(is_question(0), timeout=20)
        key = await answer_key(services, q0)
        members = [players.member(f"p{i}") for i in range(20)]
        clicks = [await players.click(q0, index=key if i % 2 else (key + 1) % 2, user=m,
                                      wait=False, via=via)
                  for i, m in enumerate(members) for via in (a, b)]
        await asyncio.gather(*(c.wait(10) for c in clicks))
        for m in members:
            replies = [c.content for c in clicks if c.interaction.user_id == m.id]
            assert sum(r.startswith("🔒 Locked in") for r in replies) == 1, replies
            assert sum(r == "You already answered this question." for r in replies) == 1, replies
        rows = await _rows(services, "SELECT user_id, count(*) FROM quiz_answer GROUP BY user_id")
        assert sorted(rows) == sorted((m.id, 1) for m in members)
        reveal = await players.wait_for_message(revealed(q0["id"]), timeout=20)
        fields = {f["name"]: f["value"] for f in reveal["embeds"][0]["fields"]}
        assert fields["Answers"] == "20 answered, 10 right"  # from both processes
        assert not standin.violations


def _guild_on_shard(standin: StandIn, shard: int, name: str) -> Any:
    gid = ((400_000_000_000 + shard) << 22) | 1  # Discord's rule: (id >> 22) % 2 == shard
    return standin.add_guild(name, channels=("general",), guild_id=gid)


async def test_shards_split_guilds_between_processes(standin: StandIn, services: Services,
                                                     tmp_path: Path) -> None:
    standin.shard_count = 2
    guilds = [_guild_on_shard(standin, shard, f"shard-{shard}") for shard in (0, 1)]
    base = bot_env(standin, services.settings.database_url, tmp_path, SHARD_COUNT="2")
    # The stand-in answers from this event loop: the CLI must run without blocking it.
    sync = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "sync", cwd=ROOT,
                                                env=base, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(sync.communicate(), 120)
    assert sync.returncode == 0, err.decode()
    assert "synced" in out.decode()
    assert standin.global_commands
    async with bot_process({**base, "SHARD_IDS": "0"}, tmp_path / "s0.log"), \
            bot_process({**base, "SHARD_IDS": "1"}, tmp_path / "s1.log"):
        await wait_until(lambda: {s.shard for s in ready_sessions(standin)} == {(0, 2), (1, 2)},
                         60, "both shards to connect")
        for shard, guild in enumerate(guilds):
            session = standin.session_for(guild.id)
            assert session.shard == (shard, 2)
            ready = next(f for f in session.sent if f["t"] == "READY")["d"]
            assert [g["id"] for g in ready["guilds"]] == [str(guild.id)]  # only its own guild
            local = LocalDiscord(standin, guild, next(iter(guild.channels.values())),
                                 standin.add_user(f"user{shard}"))
            about = await local.invoke("/about", timeout=10)
            assert about.embed["title"].startswith("factquiz")
            start = await local.invoke("/quiz start", timeout=10)
            assert not start.ephemeral
    rounds = await _rows(services, "SELECT guild_id, status FROM quiz_round ORDER BY guild_id")
    assert rounds == [(guilds[0].id, "stopped"), (guilds[1].id, "stopped")]
