"""Per-server leaderboards and player statistics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.db.dialect import utcnow
from bot.quiz.models import Answer, Player, PointsAdjustment, QuizRound, RoundQuestion, RoundStatus

PER_PAGE = 10

_S = TypeVar("_S", bound=Select)


def counted(stmt: _S) -> _S:
    """Only answers everyone may know about: their question was revealed, or their round
    ended (a stopped or interrupted round never reveals its open question). An answer to an
    open question counts nowhere, or a second account could click A, run /quiz stats or
    /leaderboard and read off whether A was right while the question is still open."""
    # An outer join: the round's status alone decides for an answer without its question row.
    return (stmt.join(RoundQuestion, (col(RoundQuestion.round_id) == col(Answer.round_id))
                      & (col(RoundQuestion.index) == col(Answer.question_index)), isouter=True)
            .join(QuizRound, col(QuizRound.id) == col(Answer.round_id))
            .where(or_(col(RoundQuestion.revealed).is_(True),
                       col(QuizRound.status) != RoundStatus.RUNNING)))


def period_start(period: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Calendar periods in UTC: this month from its 1st, this week from Monday."""
    now = now or utcnow()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "month":
        return midnight.replace(day=1)
    if period == "week":
        return midnight - dt.timedelta(days=midnight.weekday())
    return None


@dataclass(frozen=True)
class Standing:
    rank: int
    user_id: int
    display_name: str
    points: int


@dataclass(frozen=True)
class LeaderboardPage:
    period: str
    standings: list[Standing]
    page: int  # 1-based
    pages: int
    players: int
    asked: int = 1  # the page asked for; differs from ``page`` when it does not exist

    @property
    def out_of_range(self) -> bool:
        return self.asked != self.page


async def leaderboard(engine: AsyncEngine, guild_id: int, period: str = "all-time",
                      page: int = 1, *, now: dt.datetime | None = None) -> LeaderboardPage:
    since = period_start(period, now)
    answers = counted(select(col(Answer.user_id), func.sum(col(Answer.points))).where(
        col(Answer.guild_id) == guild_id))
    adjustments = select(col(PointsAdjustment.user_id),
                         func.sum(col(PointsAdjustment.amount))).where(
        col(PointsAdjustment.guild_id) == guild_id)
    if since is not None:
        answers = answers.where(col(Answer.answered_at) >= since)
        adjustments = adjustments.where(col(PointsAdjustment.created_at) >= since)
    async with engine.connect() as conn:
        totals: dict[int, int] = {}
        for stmt in (answers.group_by(col(Answer.user_id)),
                     adjustments.group_by(col(PointsAdjustment.user_id))):
            for user_id, points in (await conn.execute(stmt)).all():
                totals[int(user_id)] = totals.get(int(user_id), 0) + int(points or 0)
        names: dict[int, str] = dict((await conn.execute(
            select(col(Player.user_id), col(Player.display_name)).where(
                col(Player.guild_id) == guild_id))).all())
    ordered = sorted(totals.items(), key=lambda t: (-t[1], str(names.get(t[0], t[0])).casefold()))
    standings, rank = [], 0
    for position, (user_id, points) in enumerate(ordered, 1):
        if position == 1 or points != ordered[position - 2][1]:
            rank = position  # ties share a rank
        standings.append(Standing(rank, user_id, names.get(user_id, str(user_id)), points))
    pages = max(1, -(-len(standings) // PER_PAGE))
    asked, page = page, min(max(page, 1), pages)
    return LeaderboardPage(period, standings[(page - 1) * PER_PAGE:page * PER_PAGE], page, pages,
                           len(standings), asked)


@dataclass(frozen=True)
class Adjustment:
    amount: int
    reason: str
    moderator_id: int
    created_at: dt.datetime


@dataclass(frozen=True)
class PlayerStats:
    user_id: int
    display_name: str | None
    answered: int
    correct: int
    points: int
    current_streak: int
    best_streak: int
    adjustments: list[Adjustment]

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


async def player_stats(engine: AsyncEngine, guild_id: int, user_id: int) -> PlayerStats:
    """Streaks count consecutive correct answers among the player's answers, oldest first."""
    async with engine.connect() as conn:
        rows = (await conn.execute(
            counted(select(col(Answer.correct), col(Answer.points))
                    .where(col(Answer.guild_id) == guild_id, col(Answer.user_id) == user_id))
            .order_by(col(Answer.answered_at), col(Answer.round_id),
                      col(Answer.question_index)))).all()
        adjustments = [Adjustment(int(a), r, int(m), t) for a, r, m, t in (await conn.execute(
            select(col(PointsAdjustment.amount), col(PointsAdjustment.reason),
                   col(PointsAdjustment.moderator_id), col(PointsAdjustment.created_at))
            .where(col(PointsAdjustment.guild_id) == guild_id,
                   col(PointsAdjustment.user_id) == user_id)
            .order_by(col(PointsAdjustment.created_at).desc()))).all()]
        name = (await conn.execute(select(col(Player.display_name)).where(
            col(Player.guild_id) == guild_id, col(Player.user_id) == user_id))).scalar()
    best = current = 0
    for correct, _ in rows:
        current = current + 1 if correct else 0
        best = max(best, current)
    points = sum(int(p) for _, p in rows) + sum(a.amount for a in adjustments)
    return PlayerStats(user_id, name, len(rows), sum(1 for c, _ in rows if c), points, current,
                       best, adjustments)
