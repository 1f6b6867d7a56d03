"""Per-server leaderboards and player statistics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.db.dialect import utcnow
from bot.quiz.models import (
    Answer,
    DailyStreak,
    Player,
    PointsAdjustment,
    QuizRound,
    RoundQuestion,
    RoundStatus,
    ScorePeriod,
    ScoreTotal,
)

PER_PAGE = 10
DAILY_STREAK = "daily-streak"  # the board of daily-question streaks (bot.quiz.daily)

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
    """One page of a server's board, read from the maintained totals (``bot.quiz.totals``):
    the database sorts, ranks and pages on its (guild, points) index, so the cost follows
    the page, not the answer log nor the number of players."""
    since = period_start(period, now)
    table: Any = ScoreTotal if since is None else ScorePeriod
    where = [table.guild_id == guild_id]
    if since is not None:
        where += [table.period == period, table.starts == since.date()]
    score: Any = table.points
    if period == DAILY_STREAK:
        # Daily questions answered right in a row (bot.quiz.daily); the "points" of this
        # board are days. A broken streak (0) is not on the board.
        table, score = DailyStreak, col(DailyStreak.current)
        where = [col(DailyStreak.guild_id) == guild_id, score > 0]
    async with engine.connect() as conn:
        players = int((await conn.execute(
            select(func.count()).select_from(table).where(*where))).scalar_one())
        pages = max(1, -(-players // PER_PAGE))
        asked, page = page, min(max(page, 1), pages)
        offset = (page - 1) * PER_PAGE
        # The page's points range, read off the index; then every member in that range
        # (the page plus whoever ties with its first or last line), ranked: RANK() over the
        # range plus the members above it is the rank over the whole board. Sorting by name
        # within a tie then needs the names of that range only, not of the whole server.
        span = (select(score.label("points")).where(*where)
                .order_by(score.desc()).limit(PER_PAGE).offset(offset).cte("span"))
        top = select(func.max(span.c.points)).scalar_subquery()
        bottom = select(func.min(span.c.points)).scalar_subquery()
        above = select(func.count()).select_from(table).where(
            *where, score > top).scalar_subquery()
        name = func.coalesce(col(Player.display_name), cast(table.user_id, String))
        rows = (await conn.execute(
            select((above + func.rank().over(order_by=score.desc())).label("rank"),
                   table.user_id, name, score, above.label("above"))
            .select_from(table)
            .join(Player, (col(Player.guild_id) == table.guild_id)
                  & (col(Player.user_id) == table.user_id), isouter=True)
            .where(*where, score.between(bottom, top))
            # Ties share a rank; within one, by name as the board always listed them.
            .order_by(score.desc(), func.lower(name), table.user_id))).all()
    skip = offset - int(rows[0].above) if rows else 0
    standings = [Standing(int(r), int(u), str(n), int(p))
                 for r, u, n, p, _ in rows[skip:skip + PER_PAGE]]
    return LeaderboardPage(period, standings, page, pages, players, asked)


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
    """One row of the maintained totals; streaks count consecutive correct answers among the
    member's counted answers, oldest first (kept by ``bot.quiz.totals``)."""
    async with engine.connect() as conn:
        total = (await conn.execute(
            select(col(ScoreTotal.answered), col(ScoreTotal.correct), col(ScoreTotal.points),
                   col(ScoreTotal.current_streak), col(ScoreTotal.best_streak))
            .where(col(ScoreTotal.guild_id) == guild_id,
                   col(ScoreTotal.user_id) == user_id))).first()
        adjustments = [Adjustment(int(a), r, int(m), t) for a, r, m, t in (await conn.execute(
            select(col(PointsAdjustment.amount), col(PointsAdjustment.reason),
                   col(PointsAdjustment.moderator_id), col(PointsAdjustment.created_at))
            .where(col(PointsAdjustment.guild_id) == guild_id,
                   col(PointsAdjustment.user_id) == user_id)
            .order_by(col(PointsAdjustment.created_at).desc()))).all()]
        name = (await conn.execute(select(col(Player.display_name)).where(
            col(Player.guild_id) == guild_id, col(Player.user_id) == user_id))).scalar()
    answered, correct, points, current, best = (int(v) for v in total) if total else (0,) * 5
    return PlayerStats(user_id, name, answered, correct, points, current, best, adjustments)
