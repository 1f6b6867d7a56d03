"""The login sequence of the pinned discord.py, as the stand-in sees it. An upgrade that
changes endpoints, payload keys or intents fails here first, loudly."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import discord
import pytest

from bot.app import FactQuizBot
from bot.local.driver import LocalDiscord
from bot.local.session import running_bot
from bot.local.standin import StandIn
from bot.services import Services
from tests.support.processes import bot_env, bot_process, wait_for_bot


def test_the_pinned_discord_py_version() -> None:
    assert discord.__version__ == "2.7.1"


async def test_login_sequence_rest_then_gateway(discord: LocalDiscord) -> None:
    standin = discord.standin
    first = [(r.method, r.path) for r in standin.requests[:3]]
    # Login asks who we are and which application we are, then the tree syncs.
    assert first == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
        ("PUT", f"/applications/{standin.application_id}/commands"),
    ]
    (session,) = standin.sessions.values()
    assert session.shard == (0, 1)
    assert session.intents == discord.bot.intents.value == discord_intents_default()
    sent = [frame["t"] for frame in session.sent]
    assert sent[:2] == ["READY", "GUILD_CREATE"]
    assert discord.bot.is_ready()
    assert [g.id for g in discord.bot.guilds] == [discord.guild.id]
    assert discord.bot.user is not None
    assert discord.bot.user.id == standin.application_id
    assert discord.bot.application_id == standin.application_id


def discord_intents_default() -> int:
    return discord.Intents.default().value


async def test_the_synced_commands_are_what_the_tree_holds(discord: LocalDiscord) -> None:
    synced = {c["name"] for c in discord.standin.global_commands}
    assert synced == {c.name for c in discord.bot.tree.get_commands()}
    assert "about" in synced
    for command in discord.standin.global_commands:
        assert {"id", "application_id", "version"} <= set(command)
    json.dumps(discord.standin.global_commands)  # plain JSON, as Discord stores it


async def test_privileged_intents_are_refused_with_4014(services: Services) -> None:
    intents = discord.Intents.default()
    intents.members = True  # privileged: this application has not enabled it
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with running_bot(services, intents=intents, sync=False):
            pass


async def test_a_wrong_token_is_refused(services: Services) -> None:
    standin = StandIn(token="the-right-token")
    await standin.start()
    try:
        bot = FactQuizBot(services)
        from bot.endpoint import point_discord_at

        with point_discord_at(standin.api_url, standin.gateway_url), \
                pytest.raises(discord.LoginFailure):
            await bot.login("a-wrong-token")
        await bot.close()
    finally:
        await standin.stop()


async def test_a_bot_process_measures_its_gateway_latency_as_a_round_trip(
        services: Services, tmp_path: Path) -> None:
    # discord.py's heartbeat thread records a send only once the loop has sent it. An ACK that
    # beats it, as one from another process on 127.0.0.1 did every time, makes the latency a
    # whole interval: 41 s with Discord's, shown by /about, "Can't keep up" at every heartbeat.
    standin = StandIn()
    standin.heartbeat_interval = 1.0
    await standin.start()
    try:
        guild = standin.add_guild("latency", channels=("general",))
        env = bot_env(standin, services.settings.database_url, tmp_path, DEV_GUILD_ID=str(guild.id))
        async with bot_process(env, tmp_path / "bot.log"):
            await wait_for_bot(standin, guild.id)
            local = LocalDiscord(standin, guild, next(iter(guild.channels.values())),
                                 standin.add_user("alice"))
            await asyncio.sleep(2.5)  # two heartbeats from the bot's thread
            about = await local.invoke("/about")
    finally:
        await standin.stop()
    shown = {f["name"]: f["value"] for f in about.embed["fields"]}["Gateway latency"]
    assert shown.endswith(" ms"), shown
    assert int(shown.removesuffix(" ms").replace(",", "")) < 500, shown
