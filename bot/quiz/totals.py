"""Score totals kept up to date, so a leaderboard costs the same on day 1,000 as on day 1.

The answer log (``quiz_answer``) and the point adjustments stay the record. Beside them,
``quiz_score_total`` holds each member's all-time points, answers, right answers and streaks
on a server, and ``quiz_score_period`` their points per ISO week and calendar month (UTC).

An answer is folded in exactly once, when it starts to count (``leaderboard.counted``): in
the transaction that reveals its question, or the one that ends its round. The fold claims
answers by flipping ``quiz_answer.tallied`` (UPDATE … RETURNING), so a second call, or an
answer that arrived late from another process, can neither count twice nor be lost: the next
fold of the round picks it up. Adjustments are added in their own transaction; a reset, a
removal or a forget-me deletes log rows and rebuilds the affected totals from what is left.
``python -m bot check-scores`` recomputes everything from the log and compares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.db.dialect import insert, prepared
from bot.quiz.models import Answer, PointsAdjustment, ScorePeriod, ScoreTotal

PERIODS = ("week", "month")
_CHUNK = 500  # ids per IN list: far below SQLite's and PostgreSQL's parameter limits


def utc(when: dt.datetime | str) -> dt.datetime:
    """SQLite hands datetimes back naive (or, read untyped, as text); stored times are UTC."""
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def bucket(period: str, when: dt.datetime) -> dt.date:
    """The first day of ``when``'s period in UTC: the Monday of its ISO week, or the 1st."""
    day = utc(when).date()
    return day.replace(day=1) if period == "month" else day - dt.timedelta(days=day.weekday())


# An answer as the fold reads it: (guild, user, answered_at, round, question, correct, points).
AnswerRow = tuple[int, int, dt.datetime, int, int, bool, int]
# An adjustment: (guild, user, created_at, amount).
AdjustmentRow = tuple[int, int, dt.datetime, int]
Key = tuple[dt.datetime, int, int]  # the log's order of one member's answers


@dataclass
class Total:
    points: int = 0
    answered: int = 0
    correct: int = 0
    current_streak: int = 0
    best_streak: int = 0
    last: Key | None = None

    def add(self, row: AnswerRow) -> None:
        """One answer, in the log's order (streaks: right answers in a row)."""
        _g, _u, when, round_id, index, correct, points = row
        self.points += int(points)
        self.answered += 1
        self.correct += 1 if correct else 0
        self.current_streak = self.current_streak + 1 if correct else 0
        self.best_streak = max(self.best_streak, self.current_streak)
        self.last = (utc(when), int(round_id), int(index))


@dataclass
class Tally:
    """Totals computed from rows: the all-time row and the period rows of each member."""

    totals: dict[tuple[int, int], Total] = field(default_factory=dict)
    # (guild, period, starts, user) -> [points, answered, correct]
    periods: dict[tuple[int, str, dt.date, int], list[int]] = field(default_factory=dict)

    def answer(self, row: AnswerRow) -> None:
        guild, user, when = int(row[0]), int(row[1]), row[2]
        self.totals.setdefault((guild, user), Total()).add(row)
        for period in PERIODS:
            cell = self.periods.setdefault((guild, period, bucket(period, when), user), [0, 0, 0])
            cell[0] += int(row[6])
            cell[1] += 1
            cell[2] += 1 if row[5] else 0

    def adjustment(self, row: AdjustmentRow) -> None:
        guild, user, when, amount = int(row[0]), int(row[1]), row[2], int(row[3])
        self.totals.setdefault((guild, user), Total()).points += amount
        for period in PERIODS:
            self.periods.setdefault((guild, period, bucket(period, when), user), [0, 0, 0])[0] += amount


def fold(answers: Iterable[AnswerRow], adjustments: Iterable[AdjustmentRow]) -> Tally:
    """Totals from scratch. ``answers`` must come in the log's order per member (any
    interleaving of members): ordered by answered_at, round, question."""
    tally = Tally()
    for row in answers:
        tally.answer(row)
    for adj in adjustments:
        tally.adjustment(adj)
    return tally


def total_rows(tally: Tally) -> list[dict[str, Any]]:
    return [{"guild_id": g, "user_id": u, "points": t.points, "answered": t.answered,
             "correct": t.correct, "current_streak": t.current_streak,
             "best_streak": t.best_streak,
             "last_answered_at": t.last[0] if t.last else None,
             "last_round_id": t.last[1] if t.last else None,
             "last_question_index": t.last[2] if t.last else None}
            for (g, u), t in tally.totals.items()]


def period_rows(tally: Tally) -> list[dict[str, Any]]:
    return [{"guild_id": g, "period": p, "starts": s, "user_id": u, "points": c[0],
             "answered": c[1], "correct": c[2]} for (g, p, s, u), c in tally.periods.items()]


_ANSWER_COLUMNS = (col(Answer.guild_id), col(Answer.user_id), col(Answer.answered_at),
                   col(Answer.round_id), col(Answer.question_index), col(Answer.correct),
                   col(Answer.points))
_LOG_ORDER = (col(Answer.guild_id), col(Answer.user_id), col(Answer.answered_at),
              col(Answer.round_id), col(Answer.question_index))


def _counted_ids(*where: Any) -> Any:
    from bot.quiz.leaderboard import counted  # leaderboard reads totals: import lazily

    return counted(select(col(Answer.id)).where(*where))


async def _upsert(conn: AsyncConnection, totals: list[dict[str, Any]],
                  periods: list[dict[str, Any]]) -> None:
    """Add counters to the stored rows (created at zero); streak columns are replaced.

    Rows are written in key order, as ``_stored`` locks them: reveals in several channels of
    one server fold the same members at once, and on PostgreSQL two transactions taking the
    same rows in different orders deadlock (bench/quiz_load.py, 1,000 rounds in one server,
    failed 15 rounds that way)."""
    totals = sorted(totals, key=lambda r: (r["guild_id"], r["user_id"]))
    periods = sorted(periods, key=lambda r: (r["guild_id"], r["period"], r["starts"],
                                             r["user_id"]))
    if totals:
        await conn.execute(prepared(conn, _total_upsert), totals)
    if periods:
        await conn.execute(prepared(conn, _period_upsert), periods)


def _total_upsert(dialect_insert: Any) -> Any:
    """Counters added to the member's all-time row, streak columns replaced."""
    stmt = dialect_insert(ScoreTotal)
    table = ScoreTotal.__table__  # type: ignore[attr-defined]
    return stmt.on_conflict_do_update(
        index_elements=["guild_id", "user_id"],
        set_={"points": table.c.points + stmt.excluded.points,
              "answered": table.c.answered + stmt.excluded.answered,
              "correct": table.c.correct + stmt.excluded.correct,
              "current_streak": stmt.excluded.current_streak,
              "best_streak": stmt.excluded.best_streak,
              "last_answered_at": stmt.excluded.last_answered_at,
              "last_round_id": stmt.excluded.last_round_id,
              "last_question_index": stmt.excluded.last_question_index})


def _period_upsert(dialect_insert: Any) -> Any:
    """Counters added to the member's week and month rows."""
    stmt = dialect_insert(ScorePeriod)
    table = ScorePeriod.__table__  # type: ignore[attr-defined]
    return stmt.on_conflict_do_update(
        index_elements=["guild_id", "period", "starts", "user_id"],
        set_={"points": table.c.points + stmt.excluded.points,
              "answered": table.c.answered + stmt.excluded.answered,
              "correct": table.c.correct + stmt.excluded.correct})


async def _stored(conn: AsyncConnection, guild_id: int, users: Sequence[int]
                  ) -> dict[int, Total]:
    """The members' stored streaks, locked on PostgreSQL until the transaction ends, so two
    reveals in two channels cannot both extend the same streak from the same old value."""
    out: dict[int, Total] = {}
    for i in range(0, len(users), _CHUNK):
        rows = (await conn.execute(
            select(col(ScoreTotal.user_id), col(ScoreTotal.current_streak),
                   col(ScoreTotal.best_streak), col(ScoreTotal.last_answered_at),
                   col(ScoreTotal.last_round_id), col(ScoreTotal.last_question_index))
            .where(col(ScoreTotal.guild_id) == guild_id,
                   col(ScoreTotal.user_id).in_(users[i:i + _CHUNK]))
            # Locks are taken in the order rows come: without this, in whatever order the
            # plan scans them (the board index, ix_quiz_score_total_board, would give them by
            # points, which other reveals are changing), and two reveals can deadlock.
            .order_by(col(ScoreTotal.user_id))
            .with_for_update())).all()
        for u, cur, best, at, r, q in rows:
            out[int(u)] = Total(current_streak=int(cur), best_streak=int(best),
                                last=None if at is None else (utc(at), int(r or 0), int(q or 0)))
    return out


async def _streaks_from_log(conn: AsyncConnection, guild_id: int, user_id: int) -> Total:
    rows = (await conn.execute(
        select(*_ANSWER_COLUMNS).where(col(Answer.guild_id) == guild_id,
                                       col(Answer.user_id) == user_id,
                                       col(Answer.tallied).is_(True))
        .order_by(*_LOG_ORDER))).all()
    total = Total()
    for row in rows:
        total.add(tuple(row))  # type: ignore[arg-type]
    return total


async def tally(conn: AsyncConnection, round_id: int) -> int:
    """Fold the round's answers that count now and were not folded yet; returns how many.

    Call it in the transaction that makes answers count: after setting a question's
    ``revealed``, or the round's final status. Idempotent: a second call finds nothing."""
    claimed = (await conn.execute(
        update(Answer)
        .where(col(Answer.round_id) == round_id, col(Answer.tallied).is_(False),
               col(Answer.id).in_(_counted_ids(col(Answer.round_id) == round_id)))
        .values(tallied=True)
        .returning(*_ANSWER_COLUMNS))).all()
    if not claimed:
        return 0
    rows: list[AnswerRow] = sorted(
        ((int(g), int(u), utc(t), int(r), int(q), bool(c), int(p))
         for g, u, t, r, q, c, p in claimed), key=lambda a: (a[0], a[1], a[2], a[3], a[4]))
    delta = fold(rows, ())
    members = sorted(delta.totals)
    by_member: dict[tuple[int, int], list[AnswerRow]] = {}
    for a in rows:
        by_member.setdefault((a[0], a[1]), []).append(a)
    stored: dict[tuple[int, int], Total] = {}
    for guild_id in {g for g, _ in members}:  # one, as a round is on one server
        found = await _stored(conn, guild_id, [u for g, u in members if g == guild_id])
        stored.update({(guild_id, u): t for u, t in found.items()})
    totals = []
    for member in members:
        new = delta.totals[member]
        old = stored.get(member, Total())
        mine = by_member[member]
        first: Key = (mine[0][2], mine[0][3], mine[0][4])
        if old.last is not None and first <= old.last:
            # Older than what is folded already (two rounds at once, a round ended after a
            # later one): the streaks are recounted from the member's folded answers.
            streaks = await _streaks_from_log(conn, *member)
        else:
            streaks = Total(current_streak=old.current_streak, best_streak=old.best_streak,
                            last=old.last)
            for a in mine:
                streaks.add(a)
        totals.append({"guild_id": member[0], "user_id": member[1], "points": new.points,
                       "answered": new.answered, "correct": new.correct,
                       "current_streak": streaks.current_streak,
                       "best_streak": streaks.best_streak,
                       "last_answered_at": streaks.last[0] if streaks.last else None,
                       "last_round_id": streaks.last[1] if streaks.last else None,
                       "last_question_index": streaks.last[2] if streaks.last else None})
    await _upsert(conn, totals, period_rows(delta))
    return len(rows)


async def add_adjustment(conn: AsyncConnection, guild_id: int, user_id: int, amount: int,
                         when: dt.datetime) -> None:
    """An adjustment counts at once, all-time and in the periods of ``when``."""
    delta = fold((), [(guild_id, user_id, when, amount)])
    rows = total_rows(delta)
    # No answers: the stored streaks stay (a new member's row starts at zero).
    stmt = insert(conn, ScoreTotal)
    table = ScoreTotal.__table__  # type: ignore[attr-defined]
    await conn.execute(stmt.on_conflict_do_update(
        index_elements=["guild_id", "user_id"],
        set_={"points": table.c.points + stmt.excluded.points}), rows)
    await _upsert(conn, [], period_rows(delta))


def _scope(table: Any, guild_id: int | None, user_id: int | None) -> list[Any]:
    where = []
    if guild_id is not None:
        where.append(table.guild_id == guild_id)
    if user_id is not None:
        where.append(table.user_id == user_id)
    return where


async def compute(conn: AsyncConnection, guild_id: int | None = None,
                  user_id: int | None = None) -> Tally:
    """Totals recomputed from the log: counted answers and every adjustment, in scope."""
    from bot.quiz.leaderboard import counted

    answers = await conn.stream(
        counted(select(*_ANSWER_COLUMNS).where(*_scope(Answer, guild_id, user_id)))
        .order_by(*_LOG_ORDER).execution_options(yield_per=10_000))
    tally = Tally()
    async for part in answers.partitions(10_000):
        for g, u, t, r, q, c, p in part:
            tally.answer((int(g), int(u), t, int(r), int(q), bool(c), int(p)))
    adjustments = await conn.execute(
        select(col(PointsAdjustment.guild_id), col(PointsAdjustment.user_id),
               col(PointsAdjustment.created_at), col(PointsAdjustment.amount))
        .where(*_scope(PointsAdjustment, guild_id, user_id)))
    for g, u, t, a in adjustments:
        tally.adjustment((int(g), int(u), t, int(a)))
    return tally


async def rebuild(conn: AsyncConnection, guild_id: int, user_id: int | None = None) -> None:
    """Replace a server's (or one member's) totals by what the log now holds: after log rows
    were deleted (a reset keeps a running round's answers; a removal keeps the member's
    answers in it). Marks what it counted as folded, so no later fold adds it again."""
    await forget(conn, guild_id, user_id)
    where = _scope(Answer, guild_id, user_id)
    await conn.execute(update(Answer).where(
        *where, col(Answer.tallied).is_(False), col(Answer.id).in_(_counted_ids(*where)))
        .values(tallied=True))
    tally = await compute(conn, guild_id, user_id)
    await _upsert(conn, total_rows(tally), period_rows(tally))


async def forget(conn: AsyncConnection, guild_id: int, user_id: int | None = None) -> None:
    for table in (ScoreTotal, ScorePeriod):
        await conn.execute(delete(table).where(*_scope(table, guild_id, user_id)))


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple[Any, ...]
    stored: tuple[int, ...] | None
    expected: tuple[int, ...] | None

    def __str__(self) -> str:
        return f"{self.table} {self.key}: stored {self.stored}, expected from the log {self.expected}"


async def check(engine: AsyncEngine, guild_id: int | None = None) -> list[Difference]:
    """Every stored total against a recount from the log (``python -m bot check-scores``)."""
    async with engine.connect() as conn:
        tally = await compute(conn, guild_id)
        stored_totals = {(int(r[0]), int(r[1])): tuple(int(v) for v in r[2:]) for r in (
            await conn.execute(select(
                col(ScoreTotal.guild_id), col(ScoreTotal.user_id), col(ScoreTotal.points),
                col(ScoreTotal.answered), col(ScoreTotal.correct),
                col(ScoreTotal.current_streak), col(ScoreTotal.best_streak))
                .where(*_scope(ScoreTotal, guild_id, None)))).all()}
        stored_periods = {(int(r[0]), str(r[1]), _date(r[2]), int(r[3])):
                          tuple(int(v) for v in r[4:]) for r in (await conn.execute(select(
                              col(ScorePeriod.guild_id), col(ScorePeriod.period),
                              col(ScorePeriod.starts), col(ScorePeriod.user_id),
                              col(ScorePeriod.points), col(ScorePeriod.answered),
                              col(ScorePeriod.correct))
                              .where(*_scope(ScorePeriod, guild_id, None)))).all()}
    expected_totals = {k: (t.points, t.answered, t.correct, t.current_streak, t.best_streak)
                       for k, t in tally.totals.items()}
    expected_periods = {k: tuple(v) for k, v in tally.periods.items()}
    out: list[Difference] = []
    pairs: list[tuple[str, dict[Any, tuple[int, ...]], dict[Any, tuple[int, ...]]]] = [
        ("quiz_score_total", dict(stored_totals), dict(expected_totals)),
        ("quiz_score_period", dict(stored_periods), dict(expected_periods))]
    for name, stored, expected in pairs:
        for key in sorted(stored.keys() | expected.keys(), key=str):
            if stored.get(key) != expected.get(key):
                out.append(Difference(name, key, stored.get(key), expected.get(key)))
    return out


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


