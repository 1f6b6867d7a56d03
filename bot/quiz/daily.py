"""The question of the day: one question per server and day, posted at a set UTC time, open
for hours, revealed at its close; and the daily streak (daily questions answered right in a
row). No Discord here: a ``DailyPresenter`` (the cog) posts and reveals.

Exactly once, across restarts and processes:

* **Posting.** A post is claimed by inserting its ``quiz_daily_post`` row *before* posting;
  the (guild, day) unique constraint lets one process win, so a day is posted at most once.
  A process that starts after the time posts that day's question late (saying so) if it
  would still be open; older days are never caught up.
* **Answering.** A daily question is a one-question round (``quiz_round`` with owner
  ``DAILY_OWNER``, no channel lock, a time limit of hours), so answers take the rounds' one
  answer path (``bot.quiz.rounds.lock_in`` via the database): one answer per member,
  points as usual (the speed bonus spreads over the hours it is open).
* **Closing.** The post flips from "open" to "closed" in a guarded UPDATE; the same
  transaction reveals the question, counts its answers in the totals and updates the streaks.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import String, cast, func, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.i18n import _
from bot.quiz import totals
from bot.quiz.admin import Actor, record
from bot.quiz.clock import SYSTEM_CLOCK, Clock
from bot.quiz.difficulty import QuestionStats, record_reveal
from bot.quiz.models import (
    Answer,
    DailyPost,
    DailySchedule,
    DailyStreak,
    ModAction,
    Player,
    QuizRound,
    RoundQuestion,
    RoundStatus,
)
from bot.quiz.questions.model import Question
from bot.quiz.selector import Selector

log = logging.getLogger(__name__)

# ``quiz_round.owner`` of a daily question: it has no lease (no process runs it; the
# scheduler of whichever process comes first closes it), so the rounds' sweeper leaves it be.
DAILY_OWNER = "daily"
BOT_ACTOR = 0  # the moderator id of what the bot does on its own (a schedule it turned off)
DEFAULT_OPEN_HOURS = 20
OPEN_HOURS = (1, 23)  # below a day, so one day's question closes before the next is posted
TOPICS = ("mixed", "defectors", "recognition")
# A post this long after its time says it is late (a restart or deploy held it up).
LATE_AFTER = dt.timedelta(minutes=5)
# The close waits this long past the deadline: an answer judged in time just before it (by
# any process) is written by then, so it is in the reveal and the totals.
CLOSE_GRACE = dt.timedelta(seconds=10)
TICK_SECONDS = 30.0  # how often a process looks for posts and closes that are due

_post_pk = inspect(DailyPost).c.id
_round_pk = inspect(QuizRound).c.id
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Gone(Exception):
    """The channel is gone or the bot may no longer post there (Discord said 403/404)."""


def parse_time(text: str) -> str:
    """"9:05" → "09:05"; ValueError unless a 24-hour UTC time."""
    match = _TIME.match(text.strip())
    if match is None:
        # Shown to the moderator who typed it: in their language (set by the Discord layer).
        raise ValueError(_("{text} is not a time as HH:MM (24-hour, UTC)", text=repr(text)))
    return f"{int(match[1]):02d}:{match[2]}"


@dataclass(frozen=True)
class Schedule:
    guild_id: int
    channel_id: int
    post_time: str
    topic: str
    open_hours: int
    enabled: bool
    since: dt.datetime
    moderator_id: int
    updated_at: dt.datetime
    off_reason: str | None = None

    def slot(self, now: dt.datetime) -> dt.datetime:
        """The latest moment at the set time not after ``now``."""
        hour, minute = (int(p) for p in self.post_time.split(":"))
        today = now.astimezone(dt.UTC).replace(hour=hour, minute=minute, second=0,
                                               microsecond=0)
        return today if today <= now else today - dt.timedelta(days=1)

    def due(self, now: dt.datetime) -> dt.datetime | None:
        """The post time that is due at ``now``, if any: reached, after the schedule was set,
        and its question still open (a process down for a whole day skips that day)."""
        slot = self.slot(now)
        if slot < totals.utc(self.since) or now >= slot + dt.timedelta(hours=self.open_hours):
            return None
        return slot


@dataclass
class DailyQuestion:
    post_id: int
    guild_id: int
    channel_id: int
    day: dt.date
    round_id: int
    question: Question
    due_at: dt.datetime
    asked_at: dt.datetime
    closes_at: dt.datetime
    late: bool
    message_id: int | None = None


@dataclass(frozen=True)
class Right:
    user_id: int
    display_name: str
    points: int
    streak: int  # daily questions right in a row, this one included


@dataclass(frozen=True)
class DailyReveal:
    daily: DailyQuestion
    answered: int
    right: tuple[Right, ...]  # most points (fastest) first
    stats: QuestionStats | None = None


class DailyPresenter(Protocol):
    async def post(self, daily: DailyQuestion) -> int:
        """Post the question; its message id. Raises ``Gone`` for a channel the bot lost."""
        ...

    async def reveal(self, reveal: DailyReveal) -> None:
        """Reply to the question with its answer and disable its buttons."""
        ...


def _question(data: dict[str, Any]) -> Question:
    """A stored question back (its picture and parameters are not stored: the reveal of a
    daily question has no picture)."""
    return Question(id=data["id"], family=data["family"], topic=data["topic"],
                    difficulty=data["difficulty"], text=data["text"],
                    options=tuple(data["options"]), answer_index=int(data["answer_index"]),
                    explanation=data["explanation"], source=data["source"],
                    as_of=dt.date.fromisoformat(data["as_of"]))


def _schedule(row: Any) -> Schedule:
    return Schedule(int(row.guild_id), int(row.channel_id), row.post_time, row.topic,
                    int(row.open_hours), bool(row.enabled), totals.utc(row.since),
                    int(row.moderator_id), totals.utc(row.updated_at), row.off_reason)


_COLUMNS = [col(getattr(DailySchedule, c)) for c in (
    "guild_id", "channel_id", "post_time", "topic", "open_hours", "enabled", "since",
    "moderator_id", "updated_at", "off_reason")]


async def get_schedule(engine: AsyncEngine, guild_id: int) -> Schedule | None:
    async with engine.connect() as conn:
        row = (await conn.execute(select(*_COLUMNS).where(
            col(DailySchedule.guild_id) == guild_id))).first()
    return _schedule(row) if row is not None else None


async def set_schedule(engine: AsyncEngine, actor: Actor, *, channel_id: int, post_time: str,
                       topic: str = "mixed", open_hours: int = DEFAULT_OPEN_HOURS,
                       now: dt.datetime) -> Schedule:
    post_time = parse_time(post_time)
    if not OPEN_HOURS[0] <= open_hours <= OPEN_HOURS[1]:
        raise ValueError(_("open_hours must be {low}–{high}", low=OPEN_HOURS[0],
                           high=OPEN_HOURS[1]))
    if topic not in TOPICS:
        raise ValueError(_("unknown topic {topic}", topic=repr(topic)))
    values = dict(channel_id=channel_id, post_time=post_time, topic=topic,
                  open_hours=open_hours, enabled=True, since=now, moderator_id=actor.user_id,
                  updated_at=now, off_reason=None)
    async with engine.begin() as conn:
        done = await conn.execute(update(DailySchedule).where(
            col(DailySchedule.guild_id) == actor.guild_id).values(**values))
        if not done.rowcount:
            await conn.execute(insert(DailySchedule).values(guild_id=actor.guild_id, **values))
    await record(engine, actor, "daily.set", f"channel={channel_id} time={post_time} "
                                             f"topic={topic} open_hours={open_hours}")
    schedule = await get_schedule(engine, actor.guild_id)
    assert schedule is not None
    return schedule


async def turn_off(engine: AsyncEngine, actor: Actor, reason: str, *,
                   now: dt.datetime, action: str = "daily.off") -> bool:
    """Turn a server's schedule off (kept, with the reason); False if it was not on."""
    async with engine.begin() as conn:
        done = await conn.execute(update(DailySchedule).where(
            col(DailySchedule.guild_id) == actor.guild_id, col(DailySchedule.enabled))
            .values(enabled=False, off_reason=reason[:200], updated_at=now))
    if done.rowcount:
        await record(engine, actor, action, reason[:200])
    return bool(done.rowcount)


@dataclass(frozen=True)
class PostSummary:
    day: dt.date
    status: str
    late: bool
    message_id: int | None
    channel_id: int


async def recent_posts(engine: AsyncEngine, guild_id: int, limit: int = 3
                       ) -> list[PostSummary]:
    async with engine.connect() as conn:
        rows = (await conn.execute(
            select(col(DailyPost.day), col(DailyPost.status), col(DailyPost.late),
                   col(DailyPost.message_id), col(DailyPost.channel_id))
            .where(col(DailyPost.guild_id) == guild_id)
            .order_by(col(DailyPost.day).desc()).limit(limit))).all()
    return [PostSummary(d if isinstance(d, dt.date) else dt.date.fromisoformat(d), s,
                        bool(late), int(m) if m else None, int(c)) for d, s, late, m, c in rows]


async def last_audit(engine: AsyncEngine, guild_id: int) -> tuple[dt.datetime, str, str] | None:
    """The newest daily-question entry of the audit log: (when, action, detail)."""
    async with engine.connect() as conn:
        row = (await conn.execute(
            select(col(ModAction.created_at), col(ModAction.action), col(ModAction.detail))
            .where(col(ModAction.guild_id) == guild_id,
                   col(ModAction.action).like("daily.%"))
            .order_by(col(ModAction.created_at).desc(), col(ModAction.id).desc()).limit(1))
        ).first()
    return (totals.utc(row[0]), row[1], row[2]) if row is not None else None


class DailyScheduler:
    """Posts and closes the daily questions of the servers this process serves. Any number
    of processes may run one on a database: the claims decide who posts and who closes."""

    def __init__(self, engine: AsyncEngine, selector: Selector, presenter: DailyPresenter, *,
                 clock: Clock = SYSTEM_CLOCK, owner: str = "daily",
                 owns: Callable[[int], bool] = lambda _g: True,
                 interval: float = TICK_SECONDS) -> None:
        self.engine = engine
        self.selector = selector
        self.presenter = presenter
        self.clock = clock
        self.owner = owner[:32]
        self.owns = owns
        self.interval = interval
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # -- the loop ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._stop.clear()
            self._task = asyncio.create_task(self._run(), name="quiz-daily")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.tick()
            except Exception as exc:  # the database is away: try again at the next tick
                log.warning("daily questions: tick failed (%s); retrying",
                            type(exc).__name__, exc_info=True)
            await self.clock.wait(self._stop, self.interval)

    async def tick(self) -> tuple[list[DailyQuestion], list[DailyReveal]]:
        """Close what is due, then post what is due (a close first: with ``open_hours`` up to
        23 the previous day's question is gone before the next one appears)."""
        closed = await self.close_due()
        posted = await self.post_due()
        return posted, closed

    # -- posting ----------------------------------------------------------------------------

    async def post_due(self) -> list[DailyQuestion]:
        now = self.clock.now()
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(*_COLUMNS).where(
                col(DailySchedule.enabled)))).all()
            schedules = [_schedule(r) for r in rows if self.owns(int(r.guild_id))]
            due = [(s, slot) for s in schedules if (slot := s.due(now)) is not None]
            if not due:
                return []
            taken = {(int(g), d if isinstance(d, dt.date) else dt.date.fromisoformat(d))
                     for g, d in (await conn.execute(
                         select(col(DailyPost.guild_id), col(DailyPost.day)).where(
                             col(DailyPost.guild_id).in_([s.guild_id for s, _ in due]),
                             col(DailyPost.day).in_({slot.date() for _, slot in due})))).all()}
        posted = []
        for schedule, slot in due:
            if (schedule.guild_id, slot.date()) in taken:
                continue  # the cheap check; the claim below is the one that decides
            daily = await self._post(schedule, slot)
            if daily is not None:
                posted.append(daily)
        return posted

    async def _claim(self, schedule: Schedule, slot: dt.datetime, now: dt.datetime
                     ) -> int | None:
        try:
            async with self.engine.begin() as conn:
                result = await conn.execute(insert(DailyPost).values(
                    guild_id=schedule.guild_id, day=slot.date(),
                    channel_id=schedule.channel_id, owner=self.owner, status="claimed",
                    due_at=slot, late=now - slot >= LATE_AFTER, claimed_at=now)
                    .returning(_post_pk))
                return int(result.scalar_one())
        except IntegrityError:
            return None  # another process (or this one, earlier) has this day

    async def _post(self, schedule: Schedule, slot: dt.datetime) -> DailyQuestion | None:
        now = self.clock.now()
        post_id = await self._claim(schedule, slot, now)
        if post_id is None:
            return None
        guild_id = schedule.guild_id
        try:
            drawn = await self.selector.draw(guild_id=guild_id, count=1,
                                             seed=secrets.randbits(62), topic=schedule.topic,
                                             now=now)
        except Exception:
            log.exception("daily question guild=%s day=%s: no question drawn", guild_id,
                          slot.date())
            drawn = []
        if not drawn:
            await self._set_post(post_id, status="failed")
            return None
        question = drawn[0]
        # Late or not, it closes on the day's rhythm: the next day's post time stays free.
        closes_at = slot + dt.timedelta(hours=schedule.open_hours)
        limit = max(1, int((closes_at - now).total_seconds()))
        async with self.engine.begin() as conn:
            round_id = int((await conn.execute(insert(QuizRound).values(
                guild_id=guild_id, channel_id=schedule.channel_id, active_channel_id=None,
                starter_id=BOT_ACTOR, topic=schedule.topic, difficulty=None, question_count=1,
                time_limit=limit, seed=0, status=RoundStatus.RUNNING, started_at=now,
                owner=DAILY_OWNER, lease_until=None).returning(_round_pk))).scalar_one())
            await conn.execute(insert(RoundQuestion).values(
                round_id=round_id, index=0, question_id=question.id,
                difficulty=question.difficulty, answer_index=question.answer_index,
                payload=json.dumps(question.to_json_dict(), ensure_ascii=False),
                message_id=None, asked_at=now, deadline=closes_at, revealed=False))
            await conn.execute(update(DailyPost).where(_post_pk == post_id).values(
                round_id=round_id, closes_at=closes_at))
        daily = DailyQuestion(post_id, guild_id, schedule.channel_id, slot.date(), round_id,
                              question, slot, now, closes_at, now - slot >= LATE_AFTER)
        try:
            daily.message_id = await self.presenter.post(daily)
        except Gone as exc:
            await self._abandon(daily, "channel gone")
            await turn_off(self.engine, Actor(guild_id, BOT_ACTOR),
                           f"the bot could not post in <#{schedule.channel_id}> ({exc}); "
                           "set the schedule again with /quizadmin daily set",
                           now=self.clock.now(), action="daily.off.lost_channel")
            log.warning("daily question guild=%s: channel %s gone (%s); schedule off",
                        guild_id, schedule.channel_id, exc)
            return None
        except Exception:
            # Discord is away: this day is given up (never posted twice), tomorrow tries again.
            log.exception("daily question guild=%s day=%s: post failed", guild_id, daily.day)
            await self._abandon(daily, "post failed")
            return None
        async with self.engine.begin() as conn:
            await conn.execute(update(DailyPost).where(_post_pk == post_id).values(
                status="open", message_id=daily.message_id, posted_at=self.clock.now()))
            await conn.execute(update(RoundQuestion).where(
                col(RoundQuestion.round_id) == round_id, col(RoundQuestion.index) == 0)
                .values(message_id=daily.message_id))
        log.info("daily question guild=%s day=%s posted%s (round %s)", guild_id, daily.day,
                 " late" if daily.late else "", round_id)
        return daily

    async def _set_post(self, post_id: int, **values: Any) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(DailyPost).where(_post_pk == post_id).values(**values))

    async def _abandon(self, daily: DailyQuestion, reason: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(DailyPost).where(_post_pk == daily.post_id)
                               .values(status="failed"))
            await conn.execute(update(QuizRound).where(_round_pk == daily.round_id).values(
                status=RoundStatus.STOPPED, ended_at=self.clock.now(), end_reason=reason))
            await conn.execute(update(RoundQuestion).where(
                col(RoundQuestion.round_id) == daily.round_id).values(revealed=True))

    # -- closing ----------------------------------------------------------------------------

    async def close_due(self) -> list[DailyReveal]:
        now = self.clock.now()
        async with self.engine.connect() as conn:
            rows = (await conn.execute(
                select(_post_pk, col(DailyPost.guild_id)).where(
                    col(DailyPost.status) == "open",
                    col(DailyPost.closes_at) <= now - CLOSE_GRACE)
                .order_by(col(DailyPost.closes_at)))).all()
        reveals = []
        for post_id, guild_id in rows:
            if not self.owns(int(guild_id)):
                continue
            reveal = await self._close(int(post_id), now)
            if reveal is None:
                continue
            reveals.append(reveal)
            try:
                await self.presenter.reveal(reveal)
            except Gone as exc:
                await turn_off(self.engine, Actor(int(guild_id), BOT_ACTOR),
                               f"the bot could not reveal in <#{reveal.daily.channel_id}> "
                               f"({exc}); set the schedule again with /quizadmin daily set",
                               now=self.clock.now(), action="daily.off.lost_channel")
            except Exception:
                log.exception("daily question post=%s: reveal failed", post_id)
        return reveals

    async def _close(self, post_id: int, now: dt.datetime) -> DailyReveal | None:
        async with self.engine.begin() as conn:
            claimed = await conn.execute(update(DailyPost).where(
                _post_pk == post_id, col(DailyPost.status) == "open").values(status="closed"))
            if not claimed.rowcount:
                return None  # another process closed it first
            post = (await conn.execute(select(
                col(DailyPost.guild_id), col(DailyPost.channel_id), col(DailyPost.day),
                col(DailyPost.round_id), col(DailyPost.message_id), col(DailyPost.due_at),
                col(DailyPost.posted_at), col(DailyPost.closes_at), col(DailyPost.late))
                .where(_post_pk == post_id))).one()
            round_id = int(post.round_id)
            guild_id = int(post.guild_id)
            day = post.day if isinstance(post.day, dt.date) else dt.date.fromisoformat(post.day)
            payload = (await conn.execute(select(col(RoundQuestion.payload)).where(
                col(RoundQuestion.round_id) == round_id, col(RoundQuestion.index) == 0))
            ).scalar_one()
            question = _question(json.loads(payload))
            answers = (await conn.execute(
                select(col(Answer.user_id), col(Player.display_name), col(Answer.points),
                       col(Answer.correct))
                .select_from(Answer)
                .join(Player, (col(Player.guild_id) == col(Answer.guild_id))
                      & (col(Player.user_id) == col(Answer.user_id)), isouter=True)
                .where(col(Answer.round_id) == round_id)
                .order_by(col(Answer.points).desc(), col(Answer.elapsed_ms)))).all()
            right = [(int(u), name or str(u), int(p)) for u, name, p, ok in answers if ok]
            await conn.execute(update(RoundQuestion).where(
                col(RoundQuestion.round_id) == round_id).values(revealed=True))
            stats = await record_reveal(conn, question.id, len(answers), len(right))
            await conn.execute(update(QuizRound).where(_round_pk == round_id).values(
                status=RoundStatus.FINISHED, ended_at=now, end_reason="finished"))
            await totals.tally(conn, round_id)
            streaks = await self._streaks(conn, guild_id, day, [u for u, _right, _points in right])
        daily = DailyQuestion(post_id, guild_id, int(post.channel_id), day, round_id, question,
                              totals.utc(post.due_at), totals.utc(post.posted_at or post.due_at),
                              totals.utc(post.closes_at), bool(post.late),
                              int(post.message_id) if post.message_id else None)
        return DailyReveal(daily, len(answers),
                           tuple(Right(u, n, p, streaks[u]) for u, n, p in right), stats)

    @staticmethod
    async def _streaks(conn: AsyncConnection, guild_id: int, day: dt.date,
                       right: list[int]) -> dict[int, int]:
        """One daily question's effect: a right answer extends the member's run, anyone
        else's run (a wrong answer or none: a missed day) ends. Days without a question
        (the schedule was off) break nothing."""
        stored = {int(u): (int(c), int(b)) for u, c, b in (await conn.execute(
            select(col(DailyStreak.user_id), col(DailyStreak.current), col(DailyStreak.best))
            .where(col(DailyStreak.guild_id) == guild_id))).all()}
        await conn.execute(update(DailyStreak).where(
            col(DailyStreak.guild_id) == guild_id, col(DailyStreak.current) > 0,
            col(DailyStreak.user_id).not_in(right)).values(current=0))
        out = {}
        for user_id in right:
            current, best = stored.get(user_id, (0, 0))
            current += 1
            out[user_id] = current
            if user_id in stored:
                await conn.execute(update(DailyStreak).where(
                    col(DailyStreak.guild_id) == guild_id, col(DailyStreak.user_id) == user_id)
                    .values(current=current, best=max(best, current), last_day=day))
            else:
                await conn.execute(insert(DailyStreak).values(
                    guild_id=guild_id, user_id=user_id, current=1, best=1, last_day=day))
        return out


async def streak_board(engine: AsyncEngine, guild_id: int) -> list[tuple[int, str, int, int]]:
    """(user, name, current, best) of every member with a streak, longest current first."""
    async with engine.connect() as conn:
        rows = (await conn.execute(
            select(col(DailyStreak.user_id),
                   func.coalesce(col(Player.display_name), cast(col(DailyStreak.user_id),
                                                                 String)),
                   col(DailyStreak.current), col(DailyStreak.best))
            .join(Player, (col(Player.guild_id) == col(DailyStreak.guild_id))
                  & (col(Player.user_id) == col(DailyStreak.user_id)), isouter=True)
            .where(col(DailyStreak.guild_id) == guild_id)
            .order_by(col(DailyStreak.current).desc(), col(DailyStreak.best).desc()))).all()
    return [(int(u), str(n), int(c), int(b)) for u, n, c, b in rows]
