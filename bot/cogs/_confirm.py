"""Confirmations that only the member who asked can press, until they expire. Generic: the
cogs that own an action (leaderboard reset, forget-me) register it here with
:func:`register`; this module knows no action itself. Stateless: the custom_id holds action,
server, member and expiry, so a confirmation survives a restart."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.cogs._items import Button
from bot.facts.format import num
from bot.i18n import _
from bot.reply import HookInteraction, Interaction, respond, send_ephemeral, update

if TYPE_CHECKING:
    from bot.app import FactQuiz

CONFIRM_SECONDS = 60

Run = Callable[[Interaction], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class Action:
    """What a confirmed click does; ``run`` returns the text that replaces the question."""

    run: Run
    moderator: bool = False  # Manage Server is checked again at the click


ACTIONS: dict[str, Action] = {}


def register(bot: FactQuiz, name: str, run: Run, *, moderator: bool = False) -> None:
    """Make ``name`` confirmable (called from the owning cog's ``setup``; idempotent)."""
    if not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(f"confirmation action names are lowercase words: {name!r}")
    ACTIONS[name] = Action(run, moderator)
    bot.add_dynamic_items(ConfirmButton)  # the same pattern twice is one entry


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
    async def from_custom_id(cls, interaction: HookInteraction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ConfirmButton:
        assert isinstance(item, discord.ui.Button)  # the template matches buttons only
        return cls(match["action"], match["answer"], int(match["guild"]), int(match["user"]),
                   int(match["until"]), item.label or "", item.style)

    async def check(self, interaction: Interaction) -> bool:
        """Who may press, and when: the caller only, within the time, and for a moderator
        action only while they still have Manage Server (it may have been taken away)."""
        if interaction.user.id != self.user_id or interaction.guild_id != self.guild_id:
            await send_ephemeral(interaction, _("Only the member who asked can confirm this."))
            return False
        if dt.datetime.now(dt.UTC).timestamp() > self.until:
            await update(interaction, content=_("This confirmation expired; run the command "
                                                "again."), view=None)
            return False
        action = ACTIONS.get(self.action)
        if (self.answer == "yes" and action is not None and action.moderator
                and not interaction.permissions.manage_guild):
            await update(interaction, content=_("You no longer have the Manage Server "
                                                "permission; nothing changed."), view=None)
            return False
        return True

    async def handle(self, interaction: Interaction) -> None:
        if self.answer == "no":
            await update(interaction, content=_("Cancelled. Nothing changed."), view=None)
            return
        done = await ACTIONS[self.action].run(interaction)
        await update(interaction, content=done, view=None)


async def ask_to_confirm(interaction: Interaction, action: str, question: str,
                         yes_label: str) -> None:
    """A private question with a danger button only the asking member can press;
    ``question`` and ``yes_label`` come already in the member's language."""
    assert interaction.guild_id is not None
    assert action in ACTIONS, f"confirmation action {action!r} was never registered"
    await respond(interaction, _("{question} This cannot be undone. (Expires in {seconds} s.)",
                                 question=question, seconds=num(CONFIRM_SECONDS)),
                  view=confirmation(action, interaction.guild_id, interaction.user.id, yes_label),
                  ephemeral=True)


def confirmation(action: str, guild_id: int, user_id: int, yes_label: str) -> discord.ui.View:
    until = int(dt.datetime.now(dt.UTC).timestamp()) + CONFIRM_SECONDS
    view = discord.ui.View(timeout=None)
    view.add_item(ConfirmButton(action, "yes", guild_id, user_id, until, yes_label,
                                discord.ButtonStyle.danger))
    view.add_item(ConfirmButton(action, "no", guild_id, user_id, until, _("Cancel"),
                                discord.ButtonStyle.secondary))
    return view
