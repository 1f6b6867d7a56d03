"""Running against the real Discord: start, stop on a signal, and sync commands on demand."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal

import discord

from bot.app import AnyBot, make_bot
from bot.endpoint import endpoints
from bot.services import Services

log = logging.getLogger(__name__)

# CPython collects its youngest generation every 700 net allocations of container objects.
# A busy bot allocates that many in well under a millisecond (every gateway event becomes
# dicts, an Interaction, a Message and its components); every tenth young collection walks
# the middle generation, and every hundredth everything alive. With 1,000 rounds running
# (bench/quiz_load.py, 1,000 rounds x 10 players, collector time from gc.callbacks) that was
# 17.2 s of the bot's CPU in one run, 12.5 s of it in 46 full collections. What lives from
# start to stop (the facts, the question pools, the modules) is frozen out of collection
# once loaded (9.7 s), and the collector runs 30 times less often (1.6 s in all).
GC_THRESHOLDS = (20_000, 20, 50)


def event_loop_name() -> str:
    """Which event loop runs the bot: uvloop (the ``speed`` extra) or asyncio's own."""
    loop = asyncio.get_running_loop()
    module = type(loop).__module__.split(".")[0]
    if module == "uvloop":
        import uvloop

        return f"uvloop {uvloop.__version__}"
    return f"asyncio ({type(loop).__name__})"


async def run_discord(services: Services) -> int:
    token = services.settings.discord_token
    assert token is not None
    log.info("event loop: %s", event_loop_name())
    bot = make_bot(services)
    services.metrics.gateway_connected = lambda: gateway_connected(bot)
    services.warm_up_pictures()
    await services.warm_up_questions()
    tune_collector()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    with endpoints(services.settings.discord_api_url):
        return await _run(bot, token, stop)


def tune_collector() -> None:
    """Freeze what start-up built (it lives as long as the process) and collect less often,
    as large Python services do (``gc.freeze`` exists for this); see ``GC_THRESHOLDS``."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    log.info("garbage collector: %d start-up objects frozen, thresholds %s",
             gc.get_freeze_count(), GC_THRESHOLDS)


def gateway_connected(bot: AnyBot) -> bool:
    """For /healthz: READY received and every websocket this process runs is open (a shard
    reconnecting counts as not connected). Called from the metrics thread: reads only."""
    if bot.is_closed() or not bot.is_ready():
        return False
    if isinstance(bot, discord.AutoShardedClient):
        return bool(bot.shards) and all(not s.is_closed() for s in bot.shards.values())
    ws = bot.ws
    return ws is not None and ws.open


async def _run(bot: AnyBot, token: str, stop: asyncio.Event) -> int:
    async with bot:
        runner = asyncio.create_task(bot.start(token))
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            stopper.cancel()
            try:
                runner.result()
            except discord.LoginFailure:
                log.error("Discord refused the token (DISCORD_TOKEN): check it in the portal")
                return 2
            except discord.PrivilegedIntentsRequired:
                log.error("Discord refused a privileged intent this bot never asks for")
                return 2
            return 0
        log.info("stopping on signal")
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
    return 0


async def sync_commands(services: Services, guild_id: int | None) -> int:
    token = services.settings.discord_token
    assert token is not None
    bot = make_bot(services)
    with endpoints(services.settings.discord_api_url):
        async with bot:
            await bot.login(token)  # HTTP only: runs setup_hook (cogs) without the gateway
            if guild_id is not None:
                guild = discord.Object(guild_id)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
                print(f"synced {len(synced)} commands to server {guild_id}")
            else:
                synced = await bot.tree.sync()
                print(f"synced {len(synced)} commands globally "
                      "(Discord may take a moment to show them)")
    return 0
