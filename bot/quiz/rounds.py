"""Quiz rounds: asking, timing, scoring and ending them. No Discord here: a ``Presenter``
(the cog) shows what happens, this module decides it and writes it down."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from sqlalchemy import Integer, cast, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.db.dialect import utcnow
from bot.quiz import scoring
from bot.quiz.answers import AnswerWriter, NewAnswer
from bot.quiz.clock import SYSTEM_CLOCK, Clock
from bot.quiz.difficulty import QuestionStats, record_reveal
from bot.quiz.models import Answer, Player, QuizRound, RoundQuestion, RoundStatus
from bot.quiz.questions.model import Question

log = logging.getLogger(__name__)

_T = TypeVar("_T")

SILENT_LIMIT = 3  # questions in a row with no answer before a round stops itself


class EndReason(enum.StrEnum):
    FINISHED = "finished"
    STOPPED = "stopped"
    IDLE = "idle"
    SHUTDOWN = "shutdown"
    INTERRUPTED = "interrupted"

    @property
    def status(self) -> RoundStatus:
        """The round's status once it ended this way (a shutdown counts as a stop)."""
        return _STATUS_AFTER.get(self, RoundStatus.STOPPED)


_STATUS_AFTER = {EndReason.FINISHED: RoundStatus.FINISHED, EndReason.IDLE: RoundStatus.IDLE,
                 EndReason.INTERRUPTED: RoundStatus.INTERRUPTED}


class AnswerStatus(enum.Enum):
    LOCKED_IN = "locked_in"
    ALREADY = "already"
    CLOSED = "closed"  # that question's time is up
    ENDED = "ended"  # the round is over (or unknown: e.g. before a restart)


@dataclass(frozen=True)
class AnswerResult:
    status: AnswerStatus
    option: str | None = None
    points: int = 0  # what a locked-in answer earned


@dataclass
class AskedQuestion:
    index: int
    question: Question
    asked_at: dt.datetime
    deadline: dt.datetime
    started: float  # monotonic clock, for the speed bonus
    message_id: int | None = None


@dataclass(frozen=True)
class Scored:
    user_id: int
    display_name: str
    points: int
    option_index: int


@dataclass(frozen=True)
class QuestionOutcome:
    asked: AskedQuestion
    correct: tuple[Scored, ...]  # fastest first
    answered: int
    aborted: bool = False
    stats: QuestionStats | None = None  # this question's answers on all servers, this one too


@dataclass(frozen=True)
class ScoreLine:
    user_id: int
    display_name: str
    points: int
    correct: int


@dataclass
class RoundInfo:
    round_id: int
    guild_id: int
    channel_id: int
    starter_id: int
    topic: str
    difficulty: str | None
    time_limit: int
    question_count: int
    reveal_pictures: bool = True
    # Drawn by the runner during the lead-in, so `/quiz start` answers at once.
    questions: list[Question] = field(default_factory=list)
    started_at: dt.datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class OpenQuestion:
    """What judging an answer needs to know about a question, wherever that is known from:
    the runner's memory, or the database for a round this process does not run."""

    round_id: int
    guild_id: int
    index: int
    difficulty: str
    options: tuple[str, ...]
    answer_index: int
    time_limit: int

    def has_option(self, option: int) -> bool:
        return 0 <= option < len(self.options)


async def lock_in(writer: AnswerWriter, question: OpenQuestion, user_id: int, display_name: str,
                  option: int, *, elapsed: float, now: dt.datetime,
                  streak: Callable[[], Awaitable[int]]) -> AnswerResult:
    """The one answer path: closed after the time limit, else scored and written exactly once.

    ``elapsed`` is seconds since the question was asked; ``streak`` gives the right answers in
    a row just before this question, asked for only when the answer is right (the database
    path pays a query for it)."""
    if not question.has_option(option) or elapsed > question.time_limit:
        return AnswerResult(AnswerStatus.CLOSED)
    correct = option == question.answer_index
    # Points follow from the stored milliseconds, so every row can be re-checked later.
    elapsed_ms = int(elapsed * 1000)
    pts = scoring.points(question.difficulty, elapsed_ms / 1000, question.time_limit,
                         await streak()) if correct else 0
    recorded = await writer.submit(NewAnswer(
        question.round_id, question.index, question.guild_id, user_id, display_name, option,
        correct, pts, elapsed_ms, now))
    if not recorded:
        return AnswerResult(AnswerStatus.ALREADY)
    return AnswerResult(AnswerStatus.LOCKED_IN, question.options[option], pts)


class Presenter(Protocol):
    """How a round is shown to people (implemented by the Discord cog)."""

    async def question(self, info: RoundInfo, asked: AskedQuestion) -> int | None: ...

    async def reveal(self, info: RoundInfo, outcome: QuestionOutcome) -> None: ...

    async def finish(self, info: RoundInfo, board: list[ScoreLine], reason: EndReason,
                     stopped_by: int | None) -> None: ...


class RoundRunner:
    """One running round in this process: the clock, the open question and the streaks."""

    def __init__(self, info: RoundInfo, engine: AsyncEngine, writer: AnswerWriter,
                 presenter: Presenter,
                 draw: Callable[[], list[Question] | Awaitable[list[Question]]], *,
                 intermission: float, lead_in: float, clock: Clock = SYSTEM_CLOCK) -> None:
        self.info = info
        self.clock = clock
        self.draw = draw
        self.engine = engine
        self.writer = writer
        self.presenter = presenter
        self.intermission = intermission
        self.lead_in = lead_in
        self.current: AskedQuestion | None = None
        self.open = False
        self.finished = False
        self._answers: dict[int, dict[int, Scored]] = {}  # question index → user → answer
        self._pending: set[tuple[int, int]] = set()
        self._settled = asyncio.Event()
        self._settled.set()
        self._streaks: dict[int, int] = {}
        self._stop = asyncio.Event()
        self.stop_reason = EndReason.STOPPED
        self.stopped_by: int | None = None

    def stop(self, reason: EndReason, by: int | None = None) -> None:
        if not self._stop.is_set():
            self.stop_reason, self.stopped_by = reason, by
            self._stop.set()

    async def _wait_or_stop(self, seconds: float) -> bool:
        """Sleep, unless the round is stopped first (returns True when stopped)."""
        return await self.clock.wait(self._stop, seconds)

    async def run(self) -> EndReason:
        reason = EndReason.FINISHED
        silent = 0
        try:
            lead_in_ends = self.clock.monotonic() + self.lead_in
            drawn = self.draw()  # the selector reads and writes history: it may await
            self.info.questions = await drawn if inspect.isawaitable(drawn) else drawn
            if await self._wait_or_stop(lead_in_ends - self.clock.monotonic()):
                reason = self.stop_reason
            else:
                for index, question in enumerate(self.info.questions):
                    outcome = await self._ask(index, question)
                    await self._safely(self.presenter.reveal(self.info, outcome))
                    if outcome.aborted:
                        reason = self.stop_reason
                        break
                    silent = silent + 1 if outcome.answered == 0 else 0
                    if silent >= SILENT_LIMIT:
                        reason = EndReason.IDLE
                        break
                    last = index == len(self.info.questions) - 1
                    if not last and await self._wait_or_stop(self.intermission):
                        reason = self.stop_reason
                        break
        except asyncio.CancelledError:
            reason = EndReason.SHUTDOWN
            raise
        except Exception:  # e.g. the database failed mid-round: end it cleanly, say so
            log.exception("round %s failed; ending it", self.info.round_id)
            reason = EndReason.STOPPED
        finally:
            self.finished = True
            self.open = False
            await asyncio.shield(self._end(reason))
        return reason

    async def _ask(self, index: int, question: Question) -> QuestionOutcome:
        asked_at = self.clock.now()
        asked = AskedQuestion(index, question, asked_at,
                              asked_at + dt.timedelta(seconds=self.info.time_limit),
                              self.clock.monotonic())
        async with self.engine.begin() as conn:
            await conn.execute(insert(RoundQuestion).values(
                round_id=self.info.round_id, index=index, question_id=question.id,
                difficulty=question.difficulty, answer_index=question.answer_index,
                payload=json.dumps(question.to_json_dict(), ensure_ascii=False),
                message_id=None, asked_at=asked.asked_at, deadline=asked.deadline,
                revealed=False))
        self.current = asked
        self._answers[index] = {}
        self.open = True
        asked.message_id = await self._safely(self.presenter.question(self.info, asked))
        if asked.message_id is not None:
            async with self.engine.begin() as conn:
                await conn.execute(update(RoundQuestion).where(
                    col(RoundQuestion.round_id) == self.info.round_id,
                    col(RoundQuestion.index) == index
                ).values(message_id=asked.message_id))
        remaining = self.info.time_limit - (self.clock.monotonic() - asked.started)
        aborted = await self._wait_or_stop(remaining)
        self.open = False
        await self._settled.wait()  # answers accepted before the buzzer are all written
        # The database is the record: it also holds answers another process took for this
        # round (two processes briefly on one shard, e.g. during a deploy).
        answers = self._answers[index]
        answers.update(await question_answers(self.engine, self.info.round_id, index))
        correct = tuple(sorted((a for a in answers.values()
                                if a.option_index == question.answer_index),
                               key=lambda a: -a.points))
        for user_id in {*self._streaks, *answers}:
            right = user_id in answers and answers[user_id].option_index == question.answer_index
            self._streaks[user_id] = self._streaks.get(user_id, 0) + 1 if right else 0
        async with self.engine.begin() as conn:
            await conn.execute(update(RoundQuestion).where(
                col(RoundQuestion.round_id) == self.info.round_id,
                col(RoundQuestion.index) == index
            ).values(revealed=True))
            # Same transaction: an answer counts in the all-servers stats iff it was revealed.
            stats = await record_reveal(conn, question.id, len(answers), len(correct))
        return QuestionOutcome(asked, correct, len(answers), aborted, stats)

    async def answer(self, user_id: int, display_name: str, index: int, option: int
                     ) -> AnswerResult:
        asked = self.current
        if self.finished or asked is None:
            return AnswerResult(AnswerStatus.ENDED)
        if index != asked.index or not self.open:
            return AnswerResult(AnswerStatus.CLOSED)
        question = asked.question
        judged = OpenQuestion(self.info.round_id, self.info.guild_id, index, question.difficulty,
                              question.options, question.answer_index, self.info.time_limit)
        if not judged.has_option(option):
            return AnswerResult(AnswerStatus.CLOSED)
        key = (index, user_id)
        if user_id in self._answers[index] or key in self._pending:
            return AnswerResult(AnswerStatus.ALREADY)

        async def streak() -> int:  # this process saw every earlier question of the round
            return self._streaks.get(user_id, 0)

        self._pending.add(key)
        self._settled.clear()
        try:
            result = await lock_in(self.writer, judged, user_id, display_name, option,
                                   elapsed=self.clock.monotonic() - asked.started,
                                   now=self.clock.now(), streak=streak)
        finally:
            self._pending.discard(key)
            if not self._pending:
                self._settled.set()
        if result.status is AnswerStatus.LOCKED_IN:
            self._answers[index][user_id] = Scored(user_id, display_name, result.points, option)
        return result

    async def _end(self, reason: EndReason) -> None:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(update(QuizRound).where(col(QuizRound.id) == self.info.round_id)
                                   .values(status=reason.status, active_channel_id=None,
                                           ended_at=self.clock.now(), end_reason=reason.value))
            board = await scoreboard(self.engine, self.info.round_id)
        except Exception:
            log.exception("round %s: could not record its end", self.info.round_id)
            board = []
        await self._safely(self.presenter.finish(self.info, board, reason, self.stopped_by))

    async def _safely(self, call: Awaitable[_T]) -> _T | None:
        """Presenting may fail (Discord is down, the channel is gone); the round goes on."""
        try:
            return await call
        except Exception:
            log.exception("round %s: presenting failed", self.info.round_id)
            return None


# The answerer's last seen name. An outer join: a moderator's removal deletes the name but
# keeps the member's answers in a round still running.
_ANSWERER = ((col(Player.guild_id) == col(Answer.guild_id))
             & (col(Player.user_id) == col(Answer.user_id)))


async def question_answers(engine: AsyncEngine, round_id: int, index: int) -> dict[int, Scored]:
    async with engine.connect() as conn:
        rows = (await conn.execute(
            select(col(Answer.user_id), col(Player.display_name), col(Answer.points),
                   col(Answer.option_index))
            .select_from(Answer)
            .join(Player, _ANSWERER, isouter=True)
            .where(col(Answer.round_id) == round_id, col(Answer.question_index) == index)
            .order_by(col(Answer.elapsed_ms)))).all()
    return {int(u): Scored(int(u), name or str(u), int(p), int(o)) for u, name, p, o in rows}


async def streak_before(engine: AsyncEngine, round_id: int, user_id: int, index: int) -> int:
    """Right answers in a row by ``user_id`` on the questions just before ``index``."""
    async with engine.connect() as conn:
        rows: dict[int, bool] = dict((await conn.execute(
            select(col(Answer.question_index), col(Answer.correct))
            .where(col(Answer.round_id) == round_id, col(Answer.user_id) == user_id,
                   col(Answer.question_index) < index))).all())
    streak = 0
    while rows.get(index - 1 - streak):
        streak += 1
    return streak


async def scoreboard(engine: AsyncEngine, round_id: int) -> list[ScoreLine]:
    async with engine.connect() as conn:
        rows = (await conn.execute(
            select(col(Answer.user_id), func.sum(col(Answer.points)),
                   func.sum(cast(col(Answer.correct), Integer)),
                   func.max(col(Player.display_name)))
            .select_from(Answer)
            .join(Player, _ANSWERER, isouter=True)
            .where(col(Answer.round_id) == round_id)
            .group_by(col(Answer.user_id)))).all()
    lines = [ScoreLine(int(u), name or str(u), int(p or 0), int(c or 0)) for u, p, c, name in rows]
    return sorted(lines, key=lambda s: (-s.points, -s.correct, s.display_name.casefold()))

