"""A bot process dies mid-round; a new one on the same database takes over."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.local.driver import LocalDiscord, buttons
from bot.local.session import running_bot
from bot.local.standin import StandIn
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import answer_key, is_question, rows
from tests.support.processes import bot_env, bot_process, wait_until


@pytest.mark.parametrize("id_stored", [True, False], ids=["id-stored", "id-lost"])
async def test_a_restart_mid_round_keeps_points_and_ends_old_buttons(
    services: Services, tmp_path: Path, id_stored: bool
) -> None:
    standin = StandIn()
    await standin.start()
    try:
        guild = standin.add_guild("crashy", channels=("general",))
        channel = next(iter(guild.channels.values()))
        await config.save_config(services.engine, guild.id,
                                 QuizConfig(time_limit=60, reveal_pictures=False))
        # A short lease: the crashed process's round counts as orphaned 3 s after its last
        # heartbeat (30 s in production), and the new process sweeps every tick.
        env = bot_env(standin, services.settings.database_url, tmp_path,
                      DEV_GUILD_ID=str(guild.id), ROUND_LEASE_SECONDS="3")
        services.quiz.sweep_interval = services.quiz.stop_poll = 0.5
        async with bot_process(env, tmp_path / "bot-a.log") as proc:
            await wait_until(lambda: standin.guild_commands.get(guild.id), 60,
                             "the first bot to sync its commands")
            await wait_until(lambda: any(s.ready.is_set() for s in standin.sessions.values()),
                             30, "the first bot to connect")
            players = LocalDiscord(standin, guild, channel, standin.add_user("alice"))
            bob, carol = players.member("bob"), players.member("carol")
            await players.invoke("/quiz start questions:5", user=players.user)
            q0 = await players.wait_for_message(is_question(0), timeout=20)
            key = await answer_key(services, q0)
            locked = await players.click(q0, index=key, user=bob)
            assert locked.content.startswith("🔒 Locked in")
            # The crash comes once the question's message id is stored: a process killed
            # between posting a question and storing its id leaves buttons nobody can find.
            for _ in range(100):
                if (await rows(services, "SELECT message_id FROM quiz_round_question "
                               "WHERE message_id = :m", m=int(q0["id"]))):
                    break
                await asyncio.sleep(0.1)
            proc.kill()  # a crash: no goodbye, no clean-up
            await proc.wait()
        if not id_stored:
            # The other crash: after the question was posted, before its id was stored
            # (RoundRunner._ask), which leaves the same rows as this.
            async with services.engine.begin() as conn:
                await conn.execute(sa.text("UPDATE quiz_round_question SET message_id = NULL"))
        async with running_bot(services, standin=standin) as local:
            notice = await local.wait_for_message(
                lambda m: bool(m["embeds"]) and
                m["embeds"][0]["title"] == "Round interrupted by a restart", timeout=10)
            assert "Points already awarded stay" in notice["embeds"][0]["description"]
            if id_stored:
                assert buttons(local.standin.messages[int(q0["id"])]) == []  # buttons removed
            else:  # nobody knows which message holds them until someone clicks one
                assert buttons(local.standin.messages[int(q0["id"])]) != []
            # Carol's client still shows the old question: her click reaches the new bot.
            late = await local.click(q0, index=key, user=carol, as_seen=id_stored)
            assert late.ephemeral
            assert late.content == "This round has ended."
            await wait_until(lambda: buttons(local.standin.messages[int(q0["id"])]) == [], 10,
                             "the stale buttons to be removed")
            board = (await local.invoke("/leaderboard")).embed
            assert board["description"].startswith(f"**1.** <@{bob.id}> — ")
            again = await local.invoke("/quiz start", user=carol, channel=channel)
            assert not again.ephemeral  # the channel is free again
            await services.quiz.stop(services.quiz.running_in(channel.id).info.round_id, None)
        async with services.engine.connect() as conn:
            statuses = (await conn.execute(sa.text(
                "SELECT status FROM quiz_round ORDER BY id"))).scalars().all()
            answers = (await conn.execute(sa.text("SELECT user_id FROM quiz_answer"))).all()
        assert statuses == ["interrupted", "stopped"]
        assert answers == [(bob.id,)]
    finally:
        await standin.stop()
