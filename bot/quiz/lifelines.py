"""The 50/50 lifeline: which two options a member is shown, and the use written down once.

The database is the referee: ``quiz_lifeline`` is unique per (round, question, member) and per
(round, member, n-th use), and a use is refused once the member's answer to the question is
in ``quiz_answer``. In the process running the round, the runner also orders a 50/50 and an
answer of one member on one question (see ``RoundRunner``), so an answer never slips in
between the check and the write."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass

from sqlalchemy import exists, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.db.dialect import insert
from bot.quiz.models import Answer, Lifeline, Player

FIFTY_FIFTY = "fifty_fifty"
MIN_OPTIONS = 4  # fewer options: one wrong one out of two or three gives too much away


class LifelineStatus(enum.Enum):
    SHOWN = "shown"
    ANSWERED = "answered"  # the member's answer is already locked in: nothing to show
    LIMIT = "limit"  # the member used every 50/50 this round allows
    OFF = "off"  # the server turned it off, or the question has too few options
    CLOSED = "closed"
    ENDED = "ended"


@dataclass(frozen=True)
class LifelineResult:
    status: LifelineStatus
    shown: tuple[int, ...] = ()  # option indexes, in the question's order
    options: tuple[str, ...] = ()  # the question's options (the shown ones are labelled)
    limit: int = 0


def fifty_fifty_pair(round_id: int, index: int, user_id: int, options: int,
                     answer_index: int) -> tuple[int, int]:
    """The right option and one wrong one, the same for this member on this question in
    every process and on every press (a hash, not Python's salted ``hash``), in the order
    the question lists them (so the right one is not always first)."""
    wrong = [i for i in range(options) if i != answer_index]
    digest = hashlib.sha256(f"{round_id}:{index}:{user_id}".encode()).digest()
    other = wrong[int.from_bytes(digest[:8], "big") % len(wrong)]
    low, high = sorted((answer_index, other))
    return low, high


async def used_on(conn: AsyncConnection, round_id: int, index: int, user_id: int) -> bool:
    return bool((await conn.execute(select(exists().where(
        col(Lifeline.round_id) == round_id, col(Lifeline.question_index) == index,
        col(Lifeline.user_id) == user_id)))).scalar())


async def use_fifty_fifty(engine: AsyncEngine, *, round_id: int, guild_id: int, index: int,
                          user_id: int, options: tuple[str, ...], answer_index: int,
                          limit: int, now: dt.datetime) -> LifelineResult:
    """Record a 50/50 and say what to show; a second press on the same question shows the
    same pair again and costs nothing."""
    pair = fifty_fifty_pair(round_id, index, user_id, len(options), answer_index)
    shown = LifelineResult(LifelineStatus.SHOWN, pair, options, limit)
    answered = exists().where(col(Answer.round_id) == round_id,
                              col(Answer.question_index) == index,
                              col(Answer.user_id) == user_id)
    async with engine.begin() as conn:
        for _ in range(2):  # a second look after losing a race on a constraint
            used = set((await conn.execute(select(col(Lifeline.question_index)).where(
                col(Lifeline.round_id) == round_id, col(Lifeline.user_id) == user_id,
                col(Lifeline.kind) == FIFTY_FIFTY))).scalars())
            if index in used:
                return shown
            if (await conn.execute(select(answered))).scalar():
                return LifelineResult(LifelineStatus.ANSWERED, limit=limit)
            if len(used) >= limit:
                return LifelineResult(LifelineStatus.LIMIT, limit=limit)
            # Written only if no answer is in: one statement, so the check and the write
            # cannot be split by an answer committed in between (on SQLite, writes serialise).
            values = select(*(literal(v) for v in (
                round_id, index, guild_id, user_id, FIFTY_FIFTY, len(used),
                ",".join(map(str, pair)), now))).where(~answered)
            stmt = insert(conn, Lifeline).from_select(
                ["round_id", "question_index", "guild_id", "user_id", "kind", "slot", "shown",
                 "used_at"], values).on_conflict_do_nothing()
            if (await conn.execute(stmt)).rowcount:
                return shown
    return LifelineResult(LifelineStatus.LIMIT, limit=limit)


async def used_lifelines(engine: AsyncEngine, round_id: int, index: int
                         ) -> tuple[tuple[int, str], ...]:
    """Who used a lifeline on this question (member id, last seen name), first user first."""
    async with engine.connect() as conn:
        rows = (await conn.execute(
            select(col(Lifeline.user_id), col(Player.display_name))
            .select_from(Lifeline)
            .join(Player, (col(Player.guild_id) == col(Lifeline.guild_id))
                  & (col(Player.user_id) == col(Lifeline.user_id)), isouter=True)
            .where(col(Lifeline.round_id) == round_id, col(Lifeline.question_index) == index)
            .order_by(col(Lifeline.used_at), col(Lifeline.id)))).all()
    return tuple((int(u), name or str(u)) for u, name in rows)
