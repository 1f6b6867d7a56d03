"""Moderator actions on a server's quiz data. Every action is written to the audit table and
the log, with who did it."""

from __future__ import annotations

import logging

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.db._dialect import utcnow
from bot.quiz.models import Answer, ModAction, Player, PointsAdjustment, QuizRound

log = logging.getLogger(__name__)

ADJUST_LIMIT = 100_000


async def _audit(conn: AsyncConnection, guild_id: int, moderator_id: int, action: str,
                 detail: str) -> None:
    await conn.execute(ModAction.__table__.insert().values(
        guild_id=guild_id, moderator_id=moderator_id, action=action, detail=detail,
        created_at=utcnow()))
    log.info("moderator action guild=%s moderator=%s action=%s %s", guild_id, moderator_id,
             action, detail)


async def record(engine: AsyncEngine, guild_id: int, moderator_id: int, action: str,
                 detail: str) -> None:
    async with engine.begin() as conn:
        await _audit(conn, guild_id, moderator_id, action, detail)


def _finished_rounds(guild_id: int):  # type: ignore[no-untyped-def]
    # Answers of a running round stay until it ends: deleting them would let a player
    # answer the open question a second time.
    return select(QuizRound.id).where(QuizRound.guild_id == guild_id,
                                      QuizRound.status != "running")


async def reset_leaderboard(engine: AsyncEngine, guild_id: int, moderator_id: int) -> int:
    async with engine.begin() as conn:
        result = await conn.execute(delete(Answer).where(
            Answer.guild_id == guild_id, Answer.round_id.in_(_finished_rounds(guild_id))))
        await conn.execute(delete(PointsAdjustment).where(PointsAdjustment.guild_id == guild_id))
        await _audit(conn, guild_id, moderator_id, "leaderboard.reset",
                     f"deleted {result.rowcount} answers and all point adjustments")
    return int(result.rowcount or 0)


async def remove_member(engine: AsyncEngine, guild_id: int, user_id: int, moderator_id: int,
                        *, action: str = "leaderboard.remove") -> int:
    """Delete a member's answers (finished rounds), adjustments and name snapshot."""
    async with engine.begin() as conn:
        result = await conn.execute(delete(Answer).where(
            Answer.guild_id == guild_id, Answer.user_id == user_id,
            Answer.round_id.in_(_finished_rounds(guild_id))))
        await conn.execute(delete(PointsAdjustment).where(
            PointsAdjustment.guild_id == guild_id, PointsAdjustment.user_id == user_id))
        await conn.execute(delete(Player).where(Player.guild_id == guild_id,
                                                Player.user_id == user_id))
        await _audit(conn, guild_id, moderator_id, action,
                     f"member={user_id} deleted {result.rowcount} answers")
    return int(result.rowcount or 0)


async def adjust_points(engine: AsyncEngine, guild_id: int, user_id: int, amount: int,
                        reason: str, moderator_id: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(PointsAdjustment.__table__.insert().values(
            guild_id=guild_id, user_id=user_id, amount=amount, reason=reason[:200],
            moderator_id=moderator_id, created_at=utcnow()))
        await _audit(conn, guild_id, moderator_id, "points.adjust",
                     f"member={user_id} amount={amount:+d} reason={reason[:200]!r}")
