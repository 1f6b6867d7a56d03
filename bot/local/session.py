"""Start a bot against a fresh stand-in, in this process, and hand back a driver.

Used by the tests, the playground, ``ask`` and the benchmarks: the same bot, the same cogs,
only the Discord on the other end is local.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import discord

from bot.app import make_bot
from bot.endpoint import point_discord_at
from bot.local.driver import LOCAL_GUILD_ID, LocalDiscord, local_user_id
from bot.local.standin import StandIn
from bot.services import Services

READY_TIMEOUT = 15.0


async def start_bot(bot: discord.Client, token: str) -> asyncio.Task[None]:
    """Log in, connect, and wait until the bot is ready (or fail with its error)."""
    task = asyncio.create_task(bot.start(token), name="bot")
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=READY_TIMEOUT,
                                 return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task.done():
            task.result()  # raises the bot's own error
        raise TimeoutError("the bot did not become ready")
    return task


async def stop_bot(bot: discord.Client, task: asyncio.Task[None] | None) -> None:
    # close() leaves view timeout tasks pending; stop the views first.
    for view in list(getattr(bot, "persistent_views", [])):
        view.stop()
    view_store = getattr(getattr(bot, "_connection", None), "_view_store", None)
    for view in list(getattr(view_store, "_views", {}).values()) if view_store else []:
        with contextlib.suppress(Exception):
            if hasattr(view, "stop"):
                view.stop()
    await bot.close()
    if task is not None:
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def running_bot(
    services: Services,
    *,
    standin: StandIn | None = None,
    sync: bool = True,
    bot_factory: Callable[..., Any] = make_bot,
    guild_id: int = LOCAL_GUILD_ID,
    **bot_options: Any,
) -> AsyncIterator[LocalDiscord]:
    """A bot connected to a stand-in with one server (#general, #quiz) and one member.

    ``guild_id`` picks the local server: the playground, ``ask`` and scripts each have
    their own, so they never see each other's rounds in a shared database."""
    own = standin is None
    standin = standin or StandIn()
    if own:
        await standin.start()
    task = None
    bot = None
    try:
        # Fixed ids: the playground and `ask` keep one server, channels and members across
        # runs, so settings, rounds and the leaderboard persist in the local database.
        guild = next(iter(standin.guilds.values()), None) or standin.add_guild(
            "factquiz playground", channels=("general", "quiz"), guild_id=guild_id)
        user = standin.add_user("player", "Player", local_user_id("player"))
        with point_discord_at(standin.api_url, standin.gateway_url):
            # A short guild_ready_timeout: the stand-in sends every guild at once.
            bot_options.setdefault("guild_ready_timeout", 0.01)
            bot = bot_factory(services, **bot_options)
            task = await start_bot(bot, standin.token)
            if sync:
                await bot.tree.sync()
            yield LocalDiscord(standin, guild, next(iter(guild.channels.values())), user, bot)
    finally:
        if bot is not None:
            with point_discord_at(standin.api_url, standin.gateway_url):
                await stop_bot(bot, task)
        if own:
            await standin.stop()
