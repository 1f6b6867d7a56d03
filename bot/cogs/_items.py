"""The base of every button: one place for the polite failure, the metrics and the log line,
so a broken button never leaves a player with Discord's "This interaction failed"."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.app import APOLOGY, record_interaction
from bot.reply import guard, release, send_ephemeral

log = logging.getLogger(__name__)


class Button(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """Subclasses set ``template`` and ``name`` and implement ``handle``."""

    name = "button"

    async def handle(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction) -> None:
        guard(interaction, component=True)
        try:
            await self.handle(interaction)
        except Exception:
            release(interaction)
            log.exception("interaction=%s button=%s failed", interaction.id, self.name)
            record_interaction(interaction, self.name, "error")
            await send_ephemeral(interaction, APOLOGY)
        else:
            release(interaction)
            record_interaction(interaction, self.name, "ok")
