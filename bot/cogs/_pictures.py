"""Replies that carry a chart or map: answered at once when the picture is cached, and
deferred ("thinking…") when it must be drawn, so no reply misses Discord's 3-second limit."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable
from typing import Any

import discord

from bot.pictures.renderer import Picture
from bot.reply import defer, respond

log = logging.getLogger(__name__)

DEFER_AFTER = 1.0  # seconds to wait for a picture before acknowledging the interaction


def attach(embed: discord.Embed, picture: Picture) -> tuple[discord.Embed, discord.File]:
    """A copy of ``embed`` showing ``picture``, and the file to upload with it."""
    embed = embed.copy()  # embeds may come from a cache: never modify the shared one
    embed.set_image(url=f"attachment://{picture.filename}")
    return embed, discord.File(io.BytesIO(picture.data), filename=picture.filename)


async def reply_with_picture(interaction: discord.Interaction, embed: discord.Embed,
                             render: Awaitable[Picture], **kwargs: Any) -> None:
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
        embed.add_field(name="Picture", value="The picture could not be drawn this time.",
                        inline=False)
    await respond(interaction, embed=embed, **kwargs)
