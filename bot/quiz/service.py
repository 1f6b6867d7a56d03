"""The quiz service: starting and stopping rounds, routing clicks to them, and closing rounds
a restart interrupted. One instance per process; the database keeps processes honest."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.facts.records import Facts
from bot.metrics import Metrics
from bot.quiz import config as cfg
from bot.quiz import totals
from bot.quiz.answers import AnswerWriter
from bot.quiz.clock import SYSTEM_CLOCK, Clock
from bot.quiz.models import QuizRound, RoundQuestion, RoundStatus
from bot.quiz.rounds import (
    PROGRESS_INTERVAL,
    AnswerResult,
    AnswerStatus,
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
# Rounds one member may run at once, across servers and processes (the database counts): a
# round holds a channel and renders a picture per question, and one member started 40.
MAX_ROUNDS_PER_MEMBER = 2


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
class Interrupted:
    round_id: int
    guild_id: int
    channel_id: int
    open_message_id: int | None  # the question that was on screen


class QuizService:
    def __init__(self, engine: AsyncEngine, facts: Callable[[], Facts], *,
                 metrics: Metrics | None = None, intermission: float | None = None,
                 lead_in: float | None = None, clock: Clock = SYSTEM_CLOCK,
                 progress_interval: float = PROGRESS_INTERVAL) -> None:
        self.engine = engine
        self.clock = clock
        self.facts = facts
        self.metrics = metrics or Metrics()
        self.writer = AnswerWriter(engine, self.metrics)
        # Pacing comes from each server's settings; these override it for every server when
        # set (tests and the load benchmark run rounds without pauses).
        self.intermission = intermission
        self.lead_in = lead_in
        self.progress_interval = progress_interval
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
            return Refused("The bot is restarting; start the round again in a minute.")
        config = await cfg.get_config(self.engine, guild_id)
        rules = await cfg.channel_rules(self.engine, guild_id)
        if not rules.permits(channel_id):
            where = ", ".join(f"<#{c}>" for c in rules.allowed)
            return Refused("Quizzes are not allowed in this channel"
                           + (f"; try {where}." if where else "."))
        topic = topic or config.default_topic
        if not config.topic_allowed(topic):
            allowed = " and ".join(config.allowed_topics)
            return Refused(f"This server's moderators allow quiz questions on {allowed} only.")
        async with self.engine.connect() as conn:
            mine = len((await conn.execute(select(_ROUND_ID).where(
                col(QuizRound.starter_id) == starter_id,
                col(QuizRound.status) == RoundStatus.RUNNING))).all())
        if mine >= MAX_ROUNDS_PER_MEMBER:
            return Refused(f"You already have {mine} quiz rounds running (the limit is "
                           f"{MAX_ROUNDS_PER_MEMBER}); let one finish or `/quiz stop` it first.")
        count = questions or config.default_questions
        seed = secrets.randbits(62)
        now = self.clock.now()
        row = QuizRound(guild_id=guild_id, channel_id=channel_id, active_channel_id=channel_id,
                        starter_id=starter_id, topic=topic, difficulty=difficulty,
                        question_count=count, time_limit=config.time_limit, seed=seed,
                        status=RoundStatus.RUNNING, started_at=now)
        try:
            async with self.engine.begin() as conn:
                result = await conn.execute(insert(QuizRound).values(
                    **row.model_dump(exclude={"id"})).returning(_ROUND_ID))
                round_id = int(result.scalar_one())
        except IntegrityError:
            return await self._running_in(channel_id)
        info = RoundInfo(round_id, guild_id, channel_id, starter_id, topic, difficulty,
                         config.time_limit, count, config.reveal_pictures, started_at=now)
        runner = RoundRunner(info, self.engine, self.writer, presenter(info),
                             lambda: self.selector.draw(guild_id=guild_id, count=count,
                                                        seed=seed, topic=topic,
                                                        difficulty=difficulty),
                             intermission=config.reveal_time if self.intermission is None
                             else self.intermission,
                             lead_in=config.lead_in if self.lead_in is None else self.lead_in,
                             clock=self.clock, progress_interval=self.progress_interval)
        self.runners[round_id] = runner
        self.metrics.active_rounds.set(len(self.runners))
        task = asyncio.create_task(runner.run(), name=f"quiz-round-{round_id}")
        self._tasks[round_id] = task
        task.add_done_callback(lambda _t: self._forget(round_id))
        return Started(info)

    def _forget(self, round_id: int) -> None:
        self.runners.pop(round_id, None)
        self._tasks.pop(round_id, None)
        self.metrics.active_rounds.set(len(self.runners))

    async def _running_in(self, channel_id: int) -> AlreadyRunning | Refused:
        async with self.engine.connect() as conn:
            row = (await conn.execute(
                select(_ROUND_ID, col(QuizRound.start_message_id)).where(
                    col(QuizRound.active_channel_id) == channel_id))).first()
        if row is None:  # it ended between our insert and this read
            return Refused("A round just ended here; start again.")
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

    async def _answer_elsewhere(self, round_id: int, index: int, user_id: int,
                                display_name: str, option: int) -> AnswerResult:
        """A click for a round this process does not run: normally one that ended before a
        restart; while two processes briefly share a shard, one the other process runs. The
        database decides, and the unique constraint keeps the answer single."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(
                select(col(QuizRound.status), col(QuizRound.guild_id), col(QuizRound.time_limit),
                       col(RoundQuestion.asked_at), col(RoundQuestion.deadline),
                       col(RoundQuestion.revealed), col(RoundQuestion.answer_index),
                       col(RoundQuestion.difficulty), col(RoundQuestion.payload))
                .join(RoundQuestion, col(RoundQuestion.round_id) == col(QuizRound.id))
                .where(col(QuizRound.id) == round_id, col(RoundQuestion.index) == index))
            ).first()
        if row is None or row.status != RoundStatus.RUNNING:
            return AnswerResult(AnswerStatus.ENDED)
        if row.revealed:
            return AnswerResult(AnswerStatus.CLOSED)
        question = OpenQuestion(round_id, int(row.guild_id), index, row.difficulty,
                                tuple(json.loads(row.payload)["options"]), row.answer_index,
                                row.time_limit)

        async def streak() -> int:  # earlier answers may come from another process: ask the DB
            return await streak_before(self.engine, round_id, user_id, index)

        # The deadline is asked_at + time_limit, so past it means elapsed > time_limit.
        now = self.clock.now()
        return await lock_in(self.writer, question, user_id, display_name, option,
                             elapsed=(now - row.asked_at).total_seconds(), now=now,
                             streak=streak)

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

    async def close_interrupted(self, owns: Callable[[int], bool] = lambda _g: True
                                ) -> list[Interrupted]:
        """Close rounds left running by a previous process (for guilds this process owns).
        Points already awarded stay: only the round's status changes."""
        async with self.engine.begin() as conn:
            rows = (await conn.execute(
                select(_ROUND_ID, col(QuizRound.guild_id), col(QuizRound.channel_id))
                .where(col(QuizRound.status) == RoundStatus.RUNNING))).all()
            mine = [r for r in rows if owns(int(r[1])) and int(r[0]) not in self.runners]
            closed = []
            for round_id, guild_id, channel_id in mine:
                open_q = (await conn.execute(select(col(RoundQuestion.message_id)).where(
                    col(RoundQuestion.round_id) == round_id,
                    col(RoundQuestion.revealed).is_(False)))
                ).scalar()
                await conn.execute(update(QuizRound).where(col(QuizRound.id) == round_id).values(
                    status=EndReason.INTERRUPTED.status, active_channel_id=None,
                    ended_at=self.clock.now(), end_reason=EndReason.INTERRUPTED.value))
                await totals.tally(conn, int(round_id))  # its open question counts now
                closed.append(Interrupted(int(round_id), int(guild_id), int(channel_id),
                                          int(open_q) if open_q else None))
        return closed

    async def shutdown(self) -> None:
        """Stop accepting rounds, end the running ones (each posts its ending), write
        everything pending."""
        self.accepting = False
        for round_id in list(self.runners):
            runner = self.runners.get(round_id)
            if runner is not None:
                runner.stop(EndReason.SHUTDOWN)
        if self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        await self.writer.close()
