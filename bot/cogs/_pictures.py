"""Replies that carry a chart or map: answered at once when the picture is cached, and
deferred ("thinking…") when it must be drawn, so no reply misses Discord's 3-second limit.

Pictures are the bot's heavy work, so each member has a cooldown on them, shared by the
picture commands and the Chart button (20 presses used to post 20 public copies): past it,
an ephemeral "Slow down — try again in N s", the Discord convention."""

from __future__ import annotations

import asyncio
import inspect
import io
import logging
import math
import time
import weakref
from collections.abc import Awaitable
from typing import Any

import discord
from discord import app_commands

from bot import i18n
from bot.pictures.renderer import Picture
from bot.reply import defer, respond, send_ephemeral, server_lang

log = logging.getLogger(__name__)

DEFER_AFTER = 1.0  # seconds to wait for a picture before acknowledging the interaction
PICTURE_RATE, PICTURE_PER = 3, 20.0  # pictures per member per 20 s (commands and buttons)


class PictureCooldowns:
    """discord.py's :class:`app_commands.Cooldown` per (server, member), shared by every
    picture reply of one bot; commands and buttons both pass here, which a per-command
    ``checks.cooldown`` could not do."""

    def __init__(self, rate: int = PICTURE_RATE, per: float = PICTURE_PER) -> None:
        self.rate, self.per = rate, per
        self._buckets: dict[tuple[int | None, int], app_commands.Cooldown] = {}

    def retry_after(self, interaction: discord.Interaction) -> float | None:
        """Count one picture for the member; seconds to wait when over the rate, else None."""
        now = time.monotonic()
        if len(self._buckets) > 10_000:  # forget idle members so the table stays small
            self._buckets = {k: b for k, b in self._buckets.items()
                             if now - b._last < self.per}
        key = (interaction.guild_id, interaction.user.id)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = app_commands.Cooldown(self.rate, self.per)
        return bucket.update_rate_limit(now)


# One table per bot (tests each start their own), dropped with the bot.
_COOLDOWNS: weakref.WeakKeyDictionary[discord.Client, PictureCooldowns] = (
    weakref.WeakKeyDictionary())


def cooldowns(client: discord.Client) -> PictureCooldowns:
    """The bot's cooldowns (one table per bot: tests each start their own)."""
    found = _COOLDOWNS.get(client)
    if found is None:
        found = _COOLDOWNS[client] = PictureCooldowns()
    return found


def slow_down(retry_after: float) -> str:
    return i18n._("Slow down — try again in {seconds} s.",
                  seconds=max(1, math.ceil(retry_after)))


def attach(embed: discord.Embed, picture: Picture) -> tuple[discord.Embed, discord.File]:
    """A copy of ``embed`` showing ``picture``, and the file to upload with it."""
    embed = embed.copy()  # embeds may come from a cache: never modify the shared one
    embed.set_image(url=f"attachment://{picture.filename}")
    return embed, discord.File(io.BytesIO(picture.data), filename=picture.filename)


async def reply_with_picture(interaction: discord.Interaction, embed: discord.Embed,
                             render: Awaitable[Picture], **kwargs: Any) -> None:
    wait = cooldowns(interaction.client).retry_after(interaction)
    if wait is not None:
        if inspect.iscoroutine(render):
            render.close()  # never started: nothing was queued for the worker
        await send_ephemeral(interaction, slow_down(wait))
        return
    task = asyncio.ensure_future(render)
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
    if not done:
        await defer(interaction)
    try:
        embed, file = attach(embed, await task)
        kwargs["file"] = file
    except Exception:
        # The facts still go out; only the picture is missing.
        log.exception("interaction %s: picture failed", interaction.id)
        embed = embed.copy()
        with i18n.speaking(server_lang(interaction)):  # beside a public answer
            embed.add_field(name=i18n._("Picture"),
                            value=i18n._("The picture could not be drawn this time."),
                            inline=False)
    await respond(interaction, embed=embed, **kwargs)
