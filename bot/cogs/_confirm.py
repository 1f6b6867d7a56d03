"""Confirmations that only the member who asked can press, until they expire (leaderboard
reset, forget-me). Stateless: the custom_id holds action, server, member and expiry."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import discord

from bot.app import AnyBot
from bot.cogs._embeds import plural
from bot.cogs._items import Button
from bot.quiz import admin
from bot.reply import respond, send_ephemeral, update

CONFIRM_SECONDS = 60


class ConfirmButton(Button,
                    template=r"confirm:(?P<action>[a-z_]+):(?P<answer>yes|no):(?P<guild>\d+):"
                             r"(?P<user>\d+):(?P<until>\d+)"):
    """A confirmation that only the member who asked can press, until it expires."""

    name = "confirmation"

    def __init__(self, action: str, answer: str, guild_id: int, user_id: int, until: int,
                 label: str, style: discord.ButtonStyle) -> None:
        super().__init__(discord.ui.Button(
            label=label, style=style,
            custom_id=f"confirm:{action}:{answer}:{guild_id}:{user_id}:{until}"))
        self.action, self.answer = action, answer
        self.guild_id, self.user_id, self.until = guild_id, user_id, until

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button[Any],
                             match: re.Match[str]) -> ConfirmButton:
        return cls(match["action"], match["answer"], int(match["guild"]), int(match["user"]),
                   int(match["until"]), item.label or "", item.style)

    async def handle(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id or interaction.guild_id != self.guild_id:
            await send_ephemeral(interaction, "Only the member who asked can confirm this.")
            return
        if dt.datetime.now(dt.UTC).timestamp() > self.until:
            await update(interaction, content="This confirmation expired; run the command again.",
                         view=None)
            return
        if self.answer == "no":
            await update(interaction, content="Cancelled. Nothing changed.", view=None)
            return
        if self.action in MODERATOR_ACTIONS and not interaction.permissions.manage_guild:
            # Checked again at the click: the permission may have been taken away meanwhile.
            await update(interaction, content="You no longer have the Manage Server "
                                              "permission; nothing changed.", view=None)
            return
        bot: AnyBot = interaction.client  # type: ignore[assignment]
        done = await CONFIRMED[self.action](bot, interaction)
        await update(interaction, content=done, view=None)


def actor(interaction: discord.Interaction) -> admin.Actor:
    assert interaction.guild_id is not None
    return admin.Actor(interaction.guild_id, interaction.user.id, interaction.id)


async def _reset(bot: AnyBot, interaction: discord.Interaction) -> str:
    removed = await admin.reset_leaderboard(bot.services.engine, actor(interaction))
    return (f"The leaderboard was reset: {plural(removed, 'answer')} and all point adjustments "
            "were removed. (Answers in a round still running count when it ends.)")


async def _forget_me(bot: AnyBot, interaction: discord.Interaction) -> str:
    removed = await admin.remove_member(bot.services.engine, actor(interaction),
                                        interaction.user.id, action="privacy.forget_me",
                                        everything=True)
    return (f"Done: your quiz data on this server ({plural(removed, 'answer')}, your points and "
            "stats) was deleted.")


CONFIRMED = {"reset": _reset, "forgetme": _forget_me}
MODERATOR_ACTIONS = {"reset"}


async def ask_to_confirm(interaction: discord.Interaction, action: str, question: str,
                         yes_label: str) -> None:
    """A private question with a danger button only the asking member can press."""
    assert interaction.guild_id is not None
    await respond(interaction, f"{question} This cannot be undone. (Expires in "
                               f"{CONFIRM_SECONDS} s.)",
                  view=confirmation(action, interaction.guild_id, interaction.user.id, yes_label),
                  ephemeral=True)


def confirmation(action: str, guild_id: int, user_id: int, yes_label: str) -> discord.ui.View:
    until = int(dt.datetime.now(dt.UTC).timestamp()) + CONFIRM_SECONDS
    view = discord.ui.View(timeout=None)
    view.add_item(ConfirmButton(action, "yes", guild_id, user_id, until, yes_label,
                                discord.ButtonStyle.danger))
    view.add_item(ConfirmButton(action, "no", guild_id, user_id, until, "Cancel",
                                discord.ButtonStyle.secondary))
    return view
