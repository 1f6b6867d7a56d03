"""Retrying what Discord failed to do on a bad moment (a 5xx, a dropped connection).

discord.py already retries 429s and some 5xx answers itself; a 503, or a 500 that persists,
reaches us as an exception. A quiz question that failed to post must not silently vanish
from a round, so round messages are tried a few more times before giving up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
import discord

log = logging.getLogger(__name__)

T = TypeVar("T")
TRANSIENT = (discord.DiscordServerError, aiohttp.ClientError, OSError, asyncio.TimeoutError)


async def with_retries(call: Callable[[], Awaitable[T]], *, attempts: int = 3,
                       pause: float = 0.5) -> T:
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except TRANSIENT as exc:
            if attempt == attempts:
                raise
            log.warning("Discord failed (%s); retrying in %.1f s", exc, pause * attempt)
            await asyncio.sleep(pause * attempt)
    raise AssertionError("unreachable")
