"""Giving and taking reward roles on Discord (the decisions are ``bot.quiz.rewards``'s).

By member id over HTTP: the bot has no members intent and needs none. What Discord refuses
(Manage Roles taken away, the role deleted or moved above the bot's) goes to the server's
audit log; a round never fails for it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.quiz import rewards
from bot.quiz.rewards import Change

if TYPE_CHECKING:
    from bot.app import FactQuiz

log = logging.getLogger(__name__)


def _why(exc: discord.HTTPException) -> str:
    if isinstance(exc, discord.NotFound):
        return "the role no longer exists"
    if isinstance(exc, discord.Forbidden):
        return "missing permission (Manage Roles, or the role is above the bot's own)"
    return f"Discord error {exc.status}"


async def grant(bot: FactQuiz, guild_id: int, changes: tuple[Change, ...]) -> list[Change]:
    """Give the roles; returns those given. A refused one is reported and its award undone,
    so the next round tries again."""
    given = []
    for change in changes:
        try:
            await bot.http.add_role(guild_id, change.user_id, change.role_id,
                                    reason="quiz reward reached")
        except discord.HTTPException as exc:
            log.warning("guild=%s: could not give role %s to %s: %s", guild_id,
                        change.role_id, change.user_id, exc)
            await rewards.undo(bot.services.engine, guild_id, change)
            await rewards.report(bot.services.engine, guild_id,
                                 f"could not give role={change.role_id} to "
                                 f"member={change.user_id}: {_why(exc)}")
            continue
        given.append(change)
    return given


async def take(bot: FactQuiz, guild_id: int, changes: list[Change] | tuple[Change, ...],
               why: str) -> None:
    for change in changes:
        try:
            await bot.http.remove_role(guild_id, change.user_id, change.role_id, reason=why)
        except discord.HTTPException as exc:
            await rewards.report(bot.services.engine, guild_id,
                                 f"could not take role={change.role_id} from "
                                 f"member={change.user_id}: {_why(exc)}")
