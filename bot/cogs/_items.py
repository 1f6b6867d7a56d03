"""The base of every button: one place for the polite failure, the metrics and the log line,
so a broken button never leaves a player with Discord's "This interaction failed"."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.i18n import _
from bot.reply import (
    APOLOGY,
    HookInteraction,
    Interaction,
    guard,
    let_go,
    record_interaction,
    release,
    send_ephemeral,
    speak_to_user,
)

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION = 10062  # Discord's code for an interaction past its 3 s (or unknown)


class Button(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """Subclasses set ``template`` and ``name`` and implement ``handle``; ``check`` may
    refuse a click (it answers the user itself and returns False)."""

    name = "button"

    async def check(self, interaction: Interaction) -> bool:
        return True

    async def handle(self, interaction: Interaction) -> None:
        raise NotImplementedError

    async def interaction_check(self, interaction: HookInteraction, /) -> bool:
        # discord.py drops a click silently when this raises: answer the failure here.
        speak_to_user(interaction)
        try:
            allowed = await self.check(interaction)
        except Exception:
            await self._failed(interaction)
            allowed = False
        else:
            if not allowed:
                record_interaction(interaction, self.name, "refused")
        if not allowed:
            let_go(interaction, self)
        return allowed

    async def callback(self, interaction: HookInteraction) -> None:
        guard(interaction, component=True)
        try:
            await self.handle(interaction)
        except Exception as exc:
            release(interaction)
            if isinstance(exc, discord.NotFound) and exc.code == UNKNOWN_INTERACTION:
                # The click was handled, only its reply came after Discord's 3 s. Under
                # overload this is the common case, so it costs a line, not a traceback and
                # an apology that could not be delivered either.
                log.warning("interaction=%s button=%s: reply too late for Discord (%s)",
                            interaction.id, self.name, exc.text)
                record_interaction(interaction, self.name, "late")
            else:
                await self._failed(interaction)
        else:
            release(interaction)
            record_interaction(interaction, self.name, "ok")
        let_go(interaction, self)

    async def _failed(self, interaction: Interaction) -> None:
        log.exception("interaction=%s button=%s failed", interaction.id, self.name)
        record_interaction(interaction, self.name, "error")
        await send_ephemeral(interaction, _(APOLOGY))
