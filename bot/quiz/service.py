"""The quiz service: starting and stopping rounds, routing clicks to them, and closing rounds
a restart interrupted. One instance per process; the database keeps processes honest."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, inspect, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.facts.records import Facts
from bot.i18n import _
from bot.metrics import Metrics
from bot.quiz import config as cfg
from bot.quiz import lifelines, totals
from bot.quiz.answers import AnswerWriter
from bot.quiz.clock import SYSTEM_CLOCK, Clock
from bot.quiz.daily import DAILY_OWNER
from bot.quiz.models import QuizRound, RoundQuestion, RoundStatus
from bot.quiz.rounds import (
    PROGRESS_INTERVAL,
    AnswerResult,
    AnswerStatus,
    EditBudget,
    EndReason,
    OpenQuestion,
    Presenter,
    RoundInfo,
    RoundRunner,
    lock_in,
    streak_before,
)
from bot.quiz.selector import Selector

log = logging.getLogger(__name__)

# The stored key as a Core column: the model's ``id`` is ``int | None`` (None until the row
# is inserted), which would make every id read back optional to the type checker.
_ROUND_ID = inspect(QuizRound).c.id
# The heartbeat's statements, built once: built per call, each left a few objects in
# reference cycles every tick, for the collector to find between clicks.
_POLL_STOPS = select(_ROUND_ID, col(QuizRound.status), col(QuizRound.owner),
                     col(QuizRound.stop_requested_at), col(QuizRound.stop_requested_by)
                     ).where(_ROUND_ID.in_(bindparam("ids", expanding=True)))
_RENEW_LEASES = update(QuizRound).where(
    _ROUND_ID.in_(bindparam("ids", expanding=True)), col(QuizRound.owner) == bindparam("b_owner"),
    col(QuizRound.status) == RoundStatus.RUNNING).values(lease_until=bindparam("until"))
# Rounds one member may run at once, across servers and processes (the database counts): a
# round holds a channel and renders a picture per question, and one member started 40.
MAX_ROUNDS_PER_MEMBER = 2
# A process vouches for the rounds it runs for this long and renews that every third of it;
# another process closes a round only once its lease expired (its owner is gone). Processes
# compare their own clocks: keep them in sync (NTP), a few seconds of skew are harmless.
LEASE_SECONDS = 30.0
# How often the owner looks for stop requests written by other processes (one small query).
STOP_POLL_SECONDS = 2.0
# Tries to record a round's end while shutting down: a service manager waits ~20 s at most,
# and a round left running is closed by the next process once its lease expired.
SHUTDOWN_END_DELAYS = (0.5, 1.0, 2.0)


@dataclass(frozen=True)
class Started:
    info: RoundInfo


@dataclass(frozen=True)
class AlreadyRunning:
    round_id: int
    channel_id: int
    start_message_id: int | None


@dataclass(frozen=True)
class Refused:
    reason: str


@dataclass(frozen=True)
class NoRound:
    pass


@dataclass(frozen=True)
class NotAllowed:
    starter_id: int


@dataclass(frozen=True)
class Stopping:
    round_id: int
    here: bool  # this process runs it: ``stop`` it; else the owner stops it at its next poll


@dataclass(frozen=True)
class Interrupted:
    round_id: int
    guild_id: int
    channel_id: int
    open_message_id: int | None  # the question that was on screen


class QuizService:
    def __init__(self, engine: AsyncEngine, facts: Callable[[], Facts], *,
                 metrics: Metrics | None = None, intermission: float | None = None,
                 lead_in: float | None = None, clock: Clock = SYSTEM_CLOCK,
                 progress_interval: float = PROGRESS_INTERVAL, lease: float = LEASE_SECONDS,
                 stop_poll: float = STOP_POLL_SECONDS) -> None:
        self.engine = engine
        # This process's name on the rounds it runs: random, so a restarted process is a new
        # owner and never mistakes its predecessor's rounds for its own.
        self.owner = secrets.token_hex(8)
        self.lease = lease
        self.heartbeat = lease / 3
        self.sweep_interval = lease
        self.stop_poll = min(stop_poll, self.heartbeat)
        # Rounds whose end could not be written (the database was away): kept, with their
        # presenter, until the sweeper has recorded and presented the end.
        self.unended: dict[int, RoundRunner] = {}
        # Called with the rounds the sweeper closed (their owner is gone): the cog says so in
        # their channels.
        self.on_interrupted: Callable[[list[Interrupted]], Awaitable[None]] | None = None
        self._background: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()
        self.clock = clock
        self.facts = facts
        self.metrics = metrics or Metrics()
        self.writer = AnswerWriter(engine, self.metrics)
        # Pacing comes from each server's settings; these override it for every server when
        # set (tests and the load benchmark run rounds without pauses).
        self.intermission = intermission
        self.lead_in = lead_in
        self.progress_interval = progress_interval
        self.progress_budget = EditBudget(self.clock)  # every round of this process
        # Rounds closing a question or themselves at once (a thousand, ended by a shutdown)
        # queue here, not in the connection pool, whose 30 s timeout made failed rounds of
        # them; the other half of the pool stays free for clicks and commands.
        pool_size: int = getattr(engine.pool, "size", lambda: 2)()
        self.closing_gate = asyncio.Semaphore(max(1, pool_size // 2))
        self.runners: dict[int, RoundRunner] = {}
        # Draws every round against the server's question history (no repeats, no
        # give-aways), filtering by measured difficulty (bot.quiz.difficulty).
        self.selector = Selector(engine, facts, clock=clock)
        self._tasks: dict[int, asyncio.Task[EndReason]] = {}
        self.accepting = True  # False while shutting down: no new rounds

    async def start(self, *, guild_id: int, channel_id: int, starter_id: int, topic: str | None,
                    difficulty: str | None, questions: int | None,
                    presenter: Callable[[RoundInfo], Presenter]) -> Started | AlreadyRunning | Refused:
        if not self.accepting:
            # The service's refusals are in the current language: the member's, set by the
            # Discord layer for the interaction that asked (the core never sees discord).
            return Refused(_("The bot is restarting; start the round again in a minute."))
        config = await cfg.get_config(self.engine, guild_id)
        rules = await cfg.channel_rules(self.engine, guild_id)
        if not rules.permits(channel_id):
            where = ", ".join(f"<#{c}>" for c in rules.allowed)
            return Refused(_("Quizzes are not allowed in this channel; try {channels}.",
                             channels=where) if where else
                           _("Quizzes are not allowed in this channel."))
        topic = topic or config.default_topic
        if not config.topic_allowed(topic):
            return Refused(_("This server's moderators allow quiz questions on {topics} only.",
                             topics=cfg.topic_words(config.allowed_topics)))
        async with self.engine.connect() as conn:
            mine = len((await conn.execute(select(_ROUND_ID).where(
                col(QuizRound.starter_id) == starter_id,
                col(QuizRound.status) == RoundStatus.RUNNING))).all())
        if mine >= MAX_ROUNDS_PER_MEMBER:
            return Refused(_("You already have {mine} quiz rounds running (the limit is "
                             "{limit}); let one finish or `/quiz stop` it first.",
                             mine=mine, limit=MAX_ROUNDS_PER_MEMBER))
        count = questions or config.default_questions
        seed = secrets.randbits(62)
        now = self.clock.now()
        row = QuizRound(guild_id=guild_id, channel_id=channel_id, active_channel_id=channel_id,
                        starter_id=starter_id, topic=topic, difficulty=difficulty,
                        question_count=count, time_limit=config.time_limit, seed=seed,
                        status=RoundStatus.RUNNING, started_at=now, owner=self.owner,
                        lease_until=now + dt.timedelta(seconds=self.lease))
        try:
            async with self.engine.begin() as conn:
                result = await conn.execute(insert(QuizRound).values(
                    **row.model_dump(exclude={"id"})).returning(_ROUND_ID))
                round_id = int(result.scalar_one())
        except IntegrityError:
            return await self._running_in(channel_id)
        info = RoundInfo(round_id, guild_id, channel_id, starter_id, topic, difficulty,
                         config.time_limit, count, config.reveal_pictures,
                         fifty_fifty=config.fifty_fifty,
                         fifty_fifty_per_round=config.fifty_fifty_per_round, started_at=now)
        runner = RoundRunner(info, self.engine, self.writer, presenter(info),
                             lambda: self.selector.draw(guild_id=guild_id, count=count,
                                                        seed=seed, topic=topic,
                                                        difficulty=difficulty),
                             intermission=config.reveal_time if self.intermission is None
                             else self.intermission,
                             lead_in=config.lead_in if self.lead_in is None else self.lead_in,
                             clock=self.clock, progress_interval=self.progress_interval,
                             progress_budget=self.progress_budget,
                             closing_gate=self.closing_gate)
        runner.owner = self.owner
        self.runners[round_id] = runner
        self.metrics.active_rounds.set(len(self.runners))
        task = asyncio.create_task(runner.run(), name=f"quiz-round-{round_id}")
        self._tasks[round_id] = task
        task.add_done_callback(lambda _t: self._forget(round_id))
        return Started(info)

    def _forget(self, round_id: int) -> None:
        runner = self.runners.pop(round_id, None)
        if runner is not None and not runner.ended:
            self.unended[round_id] = runner  # the sweeper records its end
        self._tasks.pop(round_id, None)
        self.metrics.active_rounds.set(len(self.runners))

    async def _running_in(self, channel_id: int) -> AlreadyRunning | Refused:
        async with self.engine.connect() as conn:
            row = (await conn.execute(
                select(_ROUND_ID, col(QuizRound.start_message_id)).where(
                    col(QuizRound.active_channel_id) == channel_id))).first()
        if row is None:  # it ended between our insert and this read
            return Refused(_("A round just ended here; start again."))
        return AlreadyRunning(int(row[0]), channel_id, row[1])

    async def set_start_message(self, round_id: int, message_id: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(QuizRound).where(col(QuizRound.id) == round_id)
                               .values(start_message_id=message_id))

    def running_in(self, channel_id: int) -> RoundRunner | None:
        return next((r for r in self.runners.values() if r.info.channel_id == channel_id
                     and not r.finished), None)

    async def answer(self, round_id: int, index: int, user_id: int, display_name: str,
                     option: int) -> AnswerResult:
        runner = self.runners.get(round_id)
        if runner is not None:
            return await runner.answer(user_id, display_name, index, option)
        return await self._answer_elsewhere(round_id, index, user_id, display_name, option)

    async def fifty_fifty(self, round_id: int, index: int, user_id: int
                          ) -> lifelines.LifelineResult:
        runner = self.runners.get(round_id)
        if runner is not None:
            return await runner.fifty_fifty(user_id, index)
        # A round this process does not run (see ``_answer_elsewhere``): the database decides.
        found = await self._open_question(round_id, index)
        if not isinstance(found, tuple):
            status = (lifelines.LifelineStatus.ENDED
                      if found in (AnswerStatus.ENDED, AnswerStatus.INTERRUPTED)
                      else lifelines.LifelineStatus.CLOSED)
            return lifelines.LifelineResult(status)
        question, asked_at = found
        if (self.clock.now() - asked_at).total_seconds() > question.time_limit:
            return lifelines.LifelineResult(lifelines.LifelineStatus.CLOSED)
        config = await cfg.get_config(self.engine, question.guild_id)
        if not question.fifty_fifty_allowed(config.fifty_fifty):
            return lifelines.LifelineResult(lifelines.LifelineStatus.OFF)
        return await lifelines.use_fifty_fifty(
            self.engine, round_id=round_id, guild_id=question.guild_id, index=index,
            user_id=user_id, options=question.options, answer_index=question.answer_index,
            limit=config.fifty_fifty_per_round, now=self.clock.now())

    async def _open_question(self, round_id: int, index: int
                             ) -> tuple[OpenQuestion, dt.datetime] | AnswerStatus:
        async with self.engine.connect() as conn:
            row = (await conn.execute(
                select(col(QuizRound.status), col(QuizRound.guild_id), col(QuizRound.time_limit),
                       col(RoundQuestion.asked_at), col(RoundQuestion.deadline),
                       col(RoundQuestion.revealed), col(RoundQuestion.answer_index),
                       col(RoundQuestion.difficulty), col(RoundQuestion.payload))
                .join(RoundQuestion, col(RoundQuestion.round_id) == col(QuizRound.id))
                .where(col(QuizRound.id) == round_id, col(RoundQuestion.index) == index))
            ).first()
        if row is not None and row.status == RoundStatus.INTERRUPTED and not row.revealed:
            return AnswerStatus.INTERRUPTED
        if row is None or row.status != RoundStatus.RUNNING:
            return AnswerStatus.ENDED
        if row.revealed:
            return AnswerStatus.CLOSED
        return OpenQuestion(round_id, int(row.guild_id), index, row.difficulty,
                            tuple(json.loads(row.payload)["options"]), row.answer_index,
                            row.time_limit), row.asked_at

    async def _answer_elsewhere(self, round_id: int, index: int, user_id: int,
                                display_name: str, option: int) -> AnswerResult:
        """A click for a round this process does not run: normally one that ended before a
        restart; while two processes briefly share a shard, one the other process runs. The
        database decides, and the unique constraint keeps the answer single."""
        found = await self._open_question(round_id, index)
        if not isinstance(found, tuple):
            return AnswerResult(found)
        question, asked_at = found
        async with self.engine.connect() as conn:
            # Across processes the 50/50 and the answer are ordered by the database alone:
            # a use committed before this read halves the answer.
            halved = await lifelines.used_on(conn, round_id, index, user_id)

        async def streak() -> int:  # earlier answers may come from another process: ask the DB
            return await streak_before(self.engine, round_id, user_id, index)

        # The deadline is asked_at + time_limit, so past it means elapsed > time_limit.
        now = self.clock.now()
        return await lock_in(self.writer, question, user_id, display_name, option,
                             elapsed=(now - asked_at).total_seconds(), now=now,
                             streak=streak, halved=halved)

    async def forget_member(self, guild_id: int, user_id: int) -> None:
        """After a member's rows were deleted (a privacy request): the rounds running in
        this process forget them too."""
        for runner in list(self.runners.values()):
            if runner.info.guild_id == guild_id and not runner.finished:
                await runner.forget(user_id)

    async def stop(self, round_id: int, by: int | None, reason: EndReason = EndReason.STOPPED
                   ) -> bool:
        runner = self.runners.get(round_id)
        if runner is None:
            return False
        runner.stop(reason, by)
        task = self._tasks.get(round_id)
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        return True

    async def stop_in(self, channel_id: int, by: int, *, moderator: bool
                      ) -> Stopping | NotAllowed | NoRound:
        """`/quiz stop` in a channel, wherever the round runs. The database says whether a
        round runs there (as it does for `/quiz start`, so the two never disagree); a round
        another process runs gets a stop request in its row, which its owner honours."""
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(_ROUND_ID, col(QuizRound.starter_id)).where(
                col(QuizRound.active_channel_id) == channel_id))).first()
            if row is None:
                return NoRound()
            round_id, starter_id = int(row[0]), int(row[1])
            if by != starter_id and not moderator:
                return NotAllowed(starter_id)
            runner = self.runners.get(round_id)
            if runner is not None and not runner.finished:
                return Stopping(round_id, here=True)
            await conn.execute(update(QuizRound).where(
                col(QuizRound.id) == round_id, col(QuizRound.stop_requested_at).is_(None))
                .values(stop_requested_at=self.clock.now(), stop_requested_by=by))
        return Stopping(round_id, here=False)

    async def poll_stops(self) -> None:
        """Honour stop requests other processes wrote for this process's rounds; stop a
        round whose row says another process closed it (this one's lease had expired)."""
        ids = [i for i, r in self.runners.items() if not r.finished]
        if not ids:
            return
        async with self.engine.connect() as conn:
            rows = (await conn.execute(_POLL_STOPS, {"ids": ids})).all()
        for round_id, status, owner, requested_at, requested_by in rows:
            runner = self.runners.get(int(round_id))
            if runner is None:
                continue
            if status != RoundStatus.RUNNING or owner != self.owner:
                log.warning("round %s was closed by another process; stopping it here",
                            round_id)
                runner.stop(EndReason.INTERRUPTED)
            elif requested_at is not None:
                runner.stop(EndReason.STOPPED,
                            int(requested_by) if requested_by is not None else None)

    async def renew_leases(self) -> None:
        """The heartbeat: this process still runs these rounds (and still owes the end of
        those whose end failed)."""
        ids = [*self.runners, *self.unended]
        if not ids:
            return
        async with self.engine.begin() as conn:
            await conn.execute(_RENEW_LEASES, {
                "ids": ids, "b_owner": self.owner,
                "until": self.clock.now() + dt.timedelta(seconds=self.lease)})

    async def sweep(self, owns: Callable[[int], bool] = lambda _g: True) -> list[Interrupted]:
        """Never a stuck channel: record the ends this process still owes, then close the
        rounds whose owner is gone (its lease expired) in guilds this process serves."""
        for round_id, runner in list(self.unended.items()):
            if await runner.record_end():
                self.unended.pop(round_id, None)
        return await self.close_interrupted(owns)

    async def close_interrupted(self, owns: Callable[[int], bool] = lambda _g: True
                                ) -> list[Interrupted]:
        """Close rounds whose owner is gone: its lease expired (or, from before leases, it
        has none). A round another live process runs is left alone, so a process starting
        during a rolling deploy never interrupts the old one's rounds. Points already
        awarded stay: only the round's status changes."""
        now = self.clock.now()
        # A daily question (bot.quiz.daily) has no lease: its scheduler closes it, not this.
        expired = or_(col(QuizRound.lease_until).is_(None), col(QuizRound.lease_until) < now) \
            & or_(col(QuizRound.owner).is_(None), col(QuizRound.owner) != DAILY_OWNER)
        async with self.engine.begin() as conn:
            rows = (await conn.execute(
                select(_ROUND_ID, col(QuizRound.guild_id), col(QuizRound.channel_id))
                .where(col(QuizRound.status) == RoundStatus.RUNNING, expired))).all()
            mine = [r for r in rows if owns(int(r[1])) and int(r[0]) not in self.runners
                    and int(r[0]) not in self.unended]
            closed = []
            for round_id, guild_id, channel_id in mine:
                open_q = (await conn.execute(select(col(RoundQuestion.message_id)).where(
                    col(RoundQuestion.round_id) == round_id,
                    col(RoundQuestion.revealed).is_(False)))
                ).scalar()
                # Guarded again: another process's sweeper may have closed it meanwhile, and
                # then it posts the notice, not this one.
                done = await conn.execute(update(QuizRound).where(
                    col(QuizRound.id) == round_id, col(QuizRound.status) == RoundStatus.RUNNING,
                    expired).values(
                    status=EndReason.INTERRUPTED.status, active_channel_id=None,
                    ended_at=now, end_reason=EndReason.INTERRUPTED.value, lease_until=None))
                if done.rowcount:
                    await totals.tally(conn, int(round_id))  # its open question counts now
                    closed.append(Interrupted(int(round_id), int(guild_id), int(channel_id),
                                              int(open_q) if open_q else None))
        return closed

    def start_background(self, owns: Callable[[int], bool] = lambda _g: True) -> None:
        """The heartbeat, the stop poll and the sweeper, for as long as this process runs."""
        if self._background is None or self._background.done():
            self._closing.clear()
            self._background = asyncio.create_task(self._maintain(owns), name="quiz-leases")

    async def _maintain(self, owns: Callable[[int], bool]) -> None:
        # Real time, not self.clock: leases are about processes, not a round's fake time.
        renewed = swept = time.monotonic()
        while not self._closing.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.stop_poll)
            if self._closing.is_set():
                return
            now = time.monotonic()
            try:
                await self.poll_stops()
                if now - renewed >= self.heartbeat:
                    await self.renew_leases()
                    renewed = now
                if now - swept >= self.sweep_interval:
                    swept = now
                    closed = await self.sweep(owns)
                    if closed and self.on_interrupted is not None:
                        await self.on_interrupted(closed)
            except Exception as exc:  # the database is away: try again at the next tick
                log.warning("quiz heartbeat failed (%s); retrying", type(exc).__name__)

    async def shutdown(self) -> None:
        """Stop accepting rounds, end the running ones (each posts its ending), write
        everything pending."""
        self.accepting = False
        for round_id in list(self.runners):
            runner = self.runners.get(round_id)
            if runner is not None:
                runner.end_delays = SHUTDOWN_END_DELAYS
                runner.stop(EndReason.SHUTDOWN)
        if self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        # The heartbeat stops last: until the rounds ended, they were still this process's.
        self._closing.set()
        if self._background is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._background
        await self.writer.close()
