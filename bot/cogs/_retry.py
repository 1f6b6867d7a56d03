"""Retrying what Discord failed to do on a bad moment (a 5xx, a dropped connection).

discord.py already retries 429s and some 5xx answers itself; a 503, or a 500 that persists,
reaches us as an exception. A quiz question that failed to post must not silently vanish
from a round, so round messages are tried a few more times before giving up.

A failed *send* is the dangerous one: Discord may have created the message and only the
answer was lost (a 503 from the edge, a timeout). Sending again with a new nonce would post
the question twice, so :func:`send_with_retries` picks one nonce per logical message and
reuses it on every attempt; discord.py sends it with ``enforce_nonce``, and Discord then
returns the message it already created instead of creating another (within a few minutes)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import discord

log = logging.getLogger(__name__)

T = TypeVar("T")
TRANSIENT = (discord.DiscordServerError, aiohttp.ClientError, OSError, asyncio.TimeoutError)


async def with_retries(call: Callable[[], Awaitable[T]], *, attempts: int = 3,
                       pause: float = 0.5) -> T:
    """Retry ``call`` on transient failures. Safe for idempotent calls (edits); for a send
    use :func:`send_with_retries`, which makes the repeat idempotent."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except TRANSIENT as exc:
            if attempt == attempts:
                raise
            log.warning("Discord failed (%s); retrying in %.1f s", exc, pause * attempt)
            await asyncio.sleep(pause * attempt)
    raise AssertionError("unreachable")


def new_nonce() -> str:
    # Discord accepts an integer or a string of up to 25 characters; 64 random bits as a
    # decimal string (at most 20 digits) never collide in the few minutes Discord remembers.
    return str(secrets.randbits(64))


async def send_with_retries(channel: discord.abc.Messageable, *, attempts: int = 3,
                            pause: float = 0.5, **kwargs: Any) -> discord.Message:
    """``channel.send(**kwargs)``, retried with one nonce across every attempt, so a retry
    after a lost answer returns the message Discord already created (posted once)."""
    nonce = new_nonce()

    def send() -> Awaitable[discord.Message]:
        # discord.py sends ``enforce_nonce: true`` with every explicit nonce (≥ 2.5).
        return channel.send(nonce=nonce, **kwargs)

    return await with_retries(send, attempts=attempts, pause=pause)
