"""Moderator and privacy actions on a server's quiz data. Every change is written to the
audit table and the log: who did it, in which interaction, what changed."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.db.dialect import utcnow
from bot.i18n import _
from bot.quiz import totals
from bot.quiz.models import (
    Answer,
    ChannelRule,
    DailyPost,
    DailySchedule,
    DailyStreak,
    GuildSettings,
    Lifeline,
    ModAction,
    Player,
    PointsAdjustment,
    QuestionHistory,
    QuizRound,
    RoleAward,
    RoleReward,
    RoundQuestion,
    RoundStatus,
)

log = logging.getLogger(__name__)

# The largest adjustment either way. Bounded so that no sum of points can overflow a 64-bit
# integer (SQLite raises "integer overflow" on SUM and the whole leaderboard fails): even a
# million adjustments at the limit stay below 2**63 by a factor of 10**8.
ADJUST_LIMIT = 100_000


@dataclass(frozen=True)
class Actor:
    """Who acts, where, and through which interaction."""

    guild_id: int
    user_id: int
    interaction_id: int | None = None


async def _audit(conn: AsyncConnection, actor: Actor, action: str, detail: str) -> None:
    await conn.execute(insert(ModAction).values(
        guild_id=actor.guild_id, moderator_id=actor.user_id, action=action, detail=detail,
        created_at=utcnow(), interaction_id=actor.interaction_id))
    log.info("interaction=%s moderator action guild=%s moderator=%s action=%s %s",
             actor.interaction_id, actor.guild_id, actor.user_id, action, detail)


async def record(engine: AsyncEngine, actor: Actor, action: str, detail: str) -> None:
    async with engine.begin() as conn:
        await _audit(conn, actor, action, detail)


def _finished_rounds(guild_id: int) -> Select[int | None]:
    # Answers of a running round stay until it ends: deleting them would let a player
    # answer the open question a second time.
    return select(col(QuizRound.id)).where(col(QuizRound.guild_id) == guild_id,
                                           col(QuizRound.status) != RoundStatus.RUNNING)


async def reset_leaderboard(engine: AsyncEngine, actor: Actor) -> int:
    async with engine.begin() as conn:
        result = await conn.execute(delete(Answer).where(
            col(Answer.guild_id) == actor.guild_id,
            col(Answer.round_id).in_(_finished_rounds(actor.guild_id))))
        await conn.execute(delete(PointsAdjustment).where(
            col(PointsAdjustment.guild_id) == actor.guild_id))
        # Daily streaks are leaderboard standings too (the daily-streak board).
        await conn.execute(delete(DailyStreak).where(col(DailyStreak.guild_id) == actor.guild_id))
        # What is left (a running round's revealed questions) is the new board.
        await totals.rebuild(conn, actor.guild_id)
        await _audit(conn, actor, "leaderboard.reset",
                     f"deleted {result.rowcount} answers and all point adjustments")
    return int(result.rowcount or 0)


async def remove_member(engine: AsyncEngine, actor: Actor, user_id: int, *,
                        action: str = "leaderboard.remove", everything: bool = False) -> int:
    """Delete a member's answers, adjustments and name snapshot on a server.

    A moderator's removal keeps answers of a round still running (see ``_finished_rounds``);
    a privacy request (``everything``) deletes those too: being forgotten outweighs a second
    answer to the question on screen."""
    async with engine.begin() as conn:
        answers = delete(Answer).where(col(Answer.guild_id) == actor.guild_id,
                                       col(Answer.user_id) == user_id)
        if not everything:
            answers = answers.where(col(Answer.round_id).in_(_finished_rounds(actor.guild_id)))
        result = await conn.execute(answers)
        await conn.execute(delete(PointsAdjustment).where(
            col(PointsAdjustment.guild_id) == actor.guild_id,
            col(PointsAdjustment.user_id) == user_id))
        await conn.execute(delete(Player).where(col(Player.guild_id) == actor.guild_id,
                                                col(Player.user_id) == user_id))
        if everything:  # a privacy request: the lifelines they used, the roles they earned
            for table in (Lifeline, RoleAward):
                await conn.execute(delete(table).where(col(table.guild_id) == actor.guild_id,
                                                       col(table.user_id) == user_id))
        await conn.execute(delete(DailyStreak).where(col(DailyStreak.guild_id) == actor.guild_id,
                                                     col(DailyStreak.user_id) == user_id))
        await totals.rebuild(conn, actor.guild_id, user_id)
        await _audit(conn, actor, action, f"member={user_id} deleted {result.rowcount} answers")
    return int(result.rowcount or 0)


async def adjust_points(engine: AsyncEngine, actor: Actor, user_id: int, amount: int,
                        reason: str) -> None:
    if not -ADJUST_LIMIT <= amount <= ADJUST_LIMIT:
        # The command declares this range, and re-checks it; the core keeps it for any caller.
        raise ValueError(_("an adjustment is at most ±{limit} points (got {amount})",
                           limit=f"{ADJUST_LIMIT:,}", amount=amount))
    now = utcnow()
    async with engine.begin() as conn:
        await conn.execute(insert(PointsAdjustment).values(
            guild_id=actor.guild_id, user_id=user_id, amount=amount, reason=reason[:200],
            moderator_id=actor.user_id, created_at=now))
        await totals.add_adjustment(conn, actor.guild_id, user_id, amount, now)
        await _audit(conn, actor, "points.adjust",
                     f"member={user_id} amount={amount:+d} reason={reason[:200]!r}")


async def forget_guild(engine: AsyncEngine, guild_id: int) -> None:
    """Everything the quiz stored for a server (the bot was removed from it)."""
    async with engine.begin() as conn:
        rounds = select(col(QuizRound.id)).where(col(QuizRound.guild_id) == guild_id)
        await conn.execute(delete(Answer).where(col(Answer.guild_id) == guild_id))
        await conn.execute(delete(RoundQuestion).where(col(RoundQuestion.round_id).in_(rounds)))
        await conn.execute(delete(Lifeline).where(col(Lifeline.guild_id) == guild_id))
        await totals.forget(conn, guild_id)
        for table in (QuizRound, Player, PointsAdjustment, ModAction, ChannelRule,
                      GuildSettings, QuestionHistory, RoleReward, RoleAward, DailySchedule,
                      DailyPost, DailyStreak):
            await conn.execute(delete(table).where(col(table.guild_id) == guild_id))
    log.info("deleted all quiz data of guild=%s (the bot left it)", guild_id)
