"""Quiz rounds: asking, timing, scoring and ending them. No Discord here: a ``Presenter``
(the cog) shows what happens, this module decides it and writes it down."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import inspect
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from sqlalchemy import Integer, cast, delete, func, insert, select, true, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.db.dialect import utcnow
from bot.quiz import lifelines, scoring, totals
from bot.quiz.answers import AnswerWriter, NewAnswer
from bot.quiz.clock import SYSTEM_CLOCK, Clock
from bot.quiz.difficulty import QuestionStats, record_reveal
from bot.quiz.models import Answer, Player, QuizRound, RoundQuestion, RoundStatus
from bot.quiz.questions.model import Question

log = logging.getLogger(__name__)

_T = TypeVar("_T")

SILENT_LIMIT = 3  # questions in a row with no answer before a round stops itself
# "N answered" on an open question: at most one edit per message this often. Discord allows
# about 5 edits per 5 seconds per channel; a slower pace leaves room for the round's own posts.
PROGRESS_INTERVAL = 3.0
# …and at most this many such edits a second for all the rounds of a process together.
# Discord lets a bot make about 50 requests a second in all (interaction responses aside):
# 1,000 rounds at one edit every 3 s would be 333 a second, and the count is cosmetic, so it
# is what gives way, never a question, a reveal or a receipt. Each edit also costs the bot
# about a millisecond (the embed, the request, discord.py reading the edited message back),
# which with ten players a round was half of what a click cost.
PROGRESS_EDITS_PER_SECOND = 20.0
STANDINGS_SHOWN = 5  # running standings after each reveal
# Waits between tries to record a round's end (a database restart takes seconds): about 30 s
# in all, then the sweeper takes over. Short enough that a shutdown is not held up for long.
END_RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)


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
    # The round was cut off by a crash while this question was open and its message id may
    # never have been stored, so nobody took its buttons away: the click's handler does.
    INTERRUPTED = "interrupted"


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
    # The clock starts when people can see the question: when its post returned. Before
    # that ``asked_at``/``deadline``/``started`` are provisional (the moment the post began).
    visible: bool = False


@dataclass(frozen=True)
class Scored:
    user_id: int
    display_name: str
    points: int
    option_index: int


@dataclass(frozen=True)
class ScoreLine:
    user_id: int
    display_name: str
    points: int
    correct: int


def ranked(board: list[ScoreLine]) -> list[tuple[int, ScoreLine]]:
    """Board positions with shared ranks: equal points and equal right answers (the board's
    own order) share a rank, and the next rank skips ("1, 2, 2, 4")."""
    out: list[tuple[int, ScoreLine]] = []
    for position, line in enumerate(board, 1):
        previous = out[-1] if out else None
        tied = previous is not None and (previous[1].points, previous[1].correct) == (
            line.points, line.correct)
        out.append((previous[0] if tied and previous else position, line))
    return out


@dataclass(frozen=True)
class QuestionOutcome:
    asked: AskedQuestion
    correct: tuple[Scored, ...]  # fastest first
    answered: int
    aborted: bool = False
    # Nobody saw it in time (the post failed or took longer than the time limit): not
    # revealed, not counted as unanswered, no streak change.
    skipped: bool = False
    standings: tuple[ScoreLine, ...] = ()  # the round's board right after this reveal
    stats: QuestionStats | None = None  # this question's answers on all servers, this one too
    lifelines: tuple[tuple[int, str], ...] = ()  # (member, name) who used the 50/50 on it


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
    fifty_fifty: bool = True  # the server's setting (the question must have 4+ options too)
    fifty_fifty_per_round: int = 1
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

    def fifty_fifty_allowed(self, enabled: bool) -> bool:
        return enabled and len(self.options) >= lifelines.MIN_OPTIONS


async def lock_in(writer: AnswerWriter, question: OpenQuestion, user_id: int, display_name: str,
                  option: int, *, elapsed: float, now: dt.datetime,
                  streak: Callable[[], Awaitable[int]], halved: bool = False) -> AnswerResult:
    """The one answer path: closed after the time limit, else scored and written exactly once.

    ``elapsed`` is seconds since the question was asked; ``streak`` gives the right answers in
    a row just before this question, asked for only when the answer is right (the database
    path pays a query for it); ``halved``: the member used the 50/50 on this question."""
    if not question.has_option(option) or elapsed > question.time_limit:
        return AnswerResult(AnswerStatus.CLOSED)
    correct = option == question.answer_index
    # Points follow from the stored milliseconds, so every row can be re-checked later.
    elapsed_ms = int(elapsed * 1000)
    pts = scoring.points(question.difficulty, elapsed_ms / 1000, question.time_limit,
                         await streak(), halved=halved) if correct else 0
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

    async def progress(self, info: RoundInfo, asked: AskedQuestion, answered: int) -> None:
        """Show how many have answered the open question (and its deadline, which moves
        when the post was slow). Called at most every ``PROGRESS_INTERVAL`` seconds."""
        ...

    async def skipped(self, info: RoundInfo, asked: AskedQuestion) -> None:
        """The question could not be shown in time: take its buttons away, say so."""
        ...

    async def finish(self, info: RoundInfo, board: list[ScoreLine], reason: EndReason,
                     stopped_by: int | None) -> None: ...


class EditBudget:
    """A token bucket shared by every live count of a process (see
    ``PROGRESS_EDITS_PER_SECOND``). A count that finds it empty queues for the next token,
    first come first served, instead of polling: with R rounds' counts waiting, polling every
    ``PROGRESS_INTERVAL`` woke R / 3 timers a second whatever the budget (333 at 1,000
    rounds, each a task and a timer on the event loop the clicks need); the queue wakes one
    task per token. ``refused`` counts the counts that had to queue."""

    def __init__(self, clock: Clock, per_second: float = PROGRESS_EDITS_PER_SECOND) -> None:
        self.clock, self.rate = clock, per_second
        self.tokens = per_second  # a second's worth may go at once
        self._stamp = clock.monotonic()
        self.refused = 0
        self._queue: deque[asyncio.Future[bool]] = deque()
        self._dealer: asyncio.Task[None] | None = None
        self._never = asyncio.Event()  # the dealer's waits are timed only

    def _refill(self) -> None:
        now = self.clock.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def turn(self) -> asyncio.Future[bool]:
        """Resolves True when this count may edit: at once if a token is free, else in turn.
        Resolving it False (``LiveCount.close``) gives the place up."""
        turn: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._refill()
        if not self._queue and self.tokens >= 1:
            self.tokens -= 1
            turn.set_result(True)
            return turn
        self.refused += 1
        self._queue.append(turn)
        if self._dealer is None:
            self._dealer = asyncio.create_task(self._deal())
        return turn

    async def _deal(self) -> None:
        try:
            while self._queue:
                if self._queue[0].done():  # given up meanwhile
                    self._queue.popleft()
                    continue
                self._refill()
                if self.tokens >= 1:
                    self.tokens -= 1
                    self._queue.popleft().set_result(True)
                    continue
                await self.clock.wait(self._never, (1 - self.tokens) / self.rate)
        finally:
            self._dealer = None


class LiveCount:
    """The "N answered" edits of one open question, within Discord's limits: one edit in
    flight at a time, at most one every ``interval`` seconds, and every count that arrives
    meanwhile coalesced into the next edit (a burst of 500 clicks costs a couple of edits)."""

    def __init__(self, show: Callable[[int], Awaitable[None]], clock: Clock,
                 interval: float, budget: EditBudget | None = None) -> None:
        self._show, self.clock, self.interval, self.budget = show, clock, interval, budget
        self.count = 0
        self._shown = 0
        self._last = float("-inf")
        self._task: asyncio.Task[None] | None = None
        self._turn: asyncio.Future[bool] | None = None
        self._closed = asyncio.Event()
        self.edits = 0

    def bump(self, count: int, *, force: bool = False) -> None:
        """A new count (``force``: edit even if the count is unchanged)."""
        self.count = count
        if force:
            self._shown = -1
        if self._closed.is_set() or self._task is not None:
            return  # the running task picks the new count up after its edit
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            while not self._closed.is_set() and self.count != self._shown:
                wait = self._last + self.interval - self.clock.monotonic()
                if wait > 0 and await self.clock.wait(self._closed, wait):
                    return
                if self.budget is not None:
                    # At the process's edit budget this waits its turn; the counts that
                    # arrive meanwhile coalesce into the edit it then makes.
                    self._turn = self.budget.turn()
                    if not await self._turn or self._closed.is_set():
                        return  # given up, or dealt a turn just as the round closed
                self._last = self.clock.monotonic()
                count = self.count
                self.edits += 1
                try:
                    await self._show(count)
                except Exception:  # a lost progress edit is harmless; the next one fixes it
                    log.warning("could not show the answer count", exc_info=True)
                self._shown = count
        finally:
            self._task = None

    async def close(self, grace: float = 10.0) -> None:
        """No more edits; wait for the one in flight, so it cannot land after (and undo)
        the reveal's edit of the same message."""
        self._closed.set()
        if self._turn is not None and not self._turn.done():
            self._turn.set_result(False)  # its place in the budget's queue goes to the next
        task = self._task
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), grace)
            except TimeoutError:
                task.cancel()


class RoundRunner:
    """One running round in this process: the clock, the open question and the streaks."""

    def __init__(self, info: RoundInfo, engine: AsyncEngine, writer: AnswerWriter,
                 presenter: Presenter,
                 draw: Callable[[], list[Question] | Awaitable[list[Question]]], *,
                 intermission: float, lead_in: float, clock: Clock = SYSTEM_CLOCK,
                 progress_interval: float = PROGRESS_INTERVAL,
                 progress_budget: EditBudget | None = None,
                 closing_gate: asyncio.Semaphore | None = None) -> None:
        self.info = info
        # Shared by a process's rounds (the service's): how many may close a question or a
        # round in the database at once.
        self.closing_gate = closing_gate or asyncio.Semaphore(1)
        self.clock = clock
        self.draw = draw
        self.engine = engine
        self.writer = writer
        self.presenter = presenter
        self.intermission = intermission
        self.lead_in = lead_in
        self.progress_interval = progress_interval
        self.progress_budget = progress_budget
        self.current: AskedQuestion | None = None
        self._counter: LiveCount | None = None
        self.open = False
        self.finished = False
        self._answers: dict[int, dict[int, Scored]] = {}  # question index → user → answer
        self._pending: set[tuple[int, int]] = set()
        # 50/50s being written, and who used one on which question: an answer of the same
        # member to the same question waits for the write, then scores halved; a 50/50 is
        # refused while that member's answer is pending or in (never shown after answering).
        self._lifeline_pending: dict[tuple[int, int], asyncio.Future[None]] = {}
        self._lifelines: dict[int, set[int]] = {}  # question index → members
        self._settled = asyncio.Event()
        self._settled.set()
        self._streaks: dict[int, int] = {}
        # Answers being written when their member asked to be forgotten: undone once written.
        self._forget_after_write: set[tuple[int, int]] = set()
        self._stop = asyncio.Event()
        self.stop_reason = EndReason.STOPPED
        self.stopped_by: int | None = None
        # Ending is durable: the end (status + final board) is retried with backoff; once
        # this gives up, the service's sweeper keeps retrying (``record_end``).
        self.end_delays = END_RETRY_DELAYS
        self.end_reason: EndReason | None = None  # decided, maybe not yet written
        self.ended = False  # written to the database and the final board presented
        # Set by the service: which process this is, so an end never overwrites a round
        # another process closed after this one's lease expired.
        self.owner: str | None = None

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
                    if outcome.skipped:
                        await self._safely(self.presenter.skipped(self.info, outcome.asked))
                        if self._stop.is_set():
                            reason = self.stop_reason
                            break
                        continue  # nobody saw it: neither silent nor answered
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
        provisional = self.clock.now()
        asked = AskedQuestion(index, question, provisional,
                              provisional + dt.timedelta(seconds=self.info.time_limit),
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
        self.open = True  # a click racing the post's reply is taken, as an instant answer
        posting = self.clock.monotonic()
        asked.message_id = await self._safely(self.presenter.question(self.info, asked))
        took = self.clock.monotonic() - posting
        if asked.message_id is None or took > self.info.time_limit:
            log.warning("round %s: question %s skipped (posted=%s after %.1f s)",
                        self.info.round_id, index, asked.message_id is not None, took)
            return await self._skip(asked)
        # The clock starts now, when people can see the question (a rate-limited post may
        # have waited seconds): the deadline and the speed bonus count from here.
        asked.started = self.clock.monotonic()
        asked.asked_at = self.clock.now()
        asked.deadline = asked.asked_at + dt.timedelta(seconds=self.info.time_limit)
        asked.visible = True
        async with self.engine.begin() as conn:
            await conn.execute(update(RoundQuestion).where(
                col(RoundQuestion.round_id) == self.info.round_id,
                col(RoundQuestion.index) == index
            ).values(message_id=asked.message_id, asked_at=asked.asked_at,
                     deadline=asked.deadline))

        async def show(count: int) -> None:
            await self.presenter.progress(self.info, asked, count)

        counter = self._counter = LiveCount(show, self.clock, self.progress_interval,
                                            self.progress_budget)
        if took >= 1.0 or self._answers[index]:
            # The message shows the provisional deadline (or misses early answers): fix it.
            counter.bump(len(self._answers[index]), force=True)
        remaining = self.info.time_limit - (self.clock.monotonic() - asked.started)
        aborted = await self._wait_or_stop(remaining)
        self.open = False
        await self._settled.wait()  # answers accepted before the buzzer are all written
        await counter.close()
        # The database is the record: it also holds answers another process took for this
        # round (two processes briefly on one shard, e.g. during a deploy).
        async with self.closing_gate:
            answers = self._answers[index]
            answers.update(await question_answers(self.engine, self.info.round_id, index))
            correct = tuple(sorted((a for a in answers.values()
                                    if a.option_index == question.answer_index),
                                   key=lambda a: -a.points))
            for user_id in {*self._streaks, *answers}:
                right = user_id in answers and \
                    answers[user_id].option_index == question.answer_index
                self._streaks[user_id] = self._streaks.get(user_id, 0) + 1 if right else 0
            async with self.engine.begin() as conn:
                await conn.execute(update(RoundQuestion).where(
                    col(RoundQuestion.round_id) == self.info.round_id,
                    col(RoundQuestion.index) == index
                ).values(revealed=True))
                # Same transaction: an answer counts in the all-servers stats iff revealed.
                stats = await record_reveal(conn, question.id, len(answers), len(correct))
                await totals.tally(conn, self.info.round_id)  # they count now: fold them in
            standings = tuple(await scoreboard(self.engine, self.info.round_id))
            used = await lifelines.used_lifelines(self.engine, self.info.round_id, index)
        return QuestionOutcome(asked, correct, len(answers), aborted, standings=standings,
                               stats=stats, lifelines=used)

    async def _skip(self, asked: AskedQuestion) -> QuestionOutcome:
        """Close a question nobody could see in time; a click that raced the late post is
        undone, so the question leaves no trace in anyone's points or stats."""
        self.open = False
        await self._settled.wait()
        self._answers[asked.index] = {}
        async with self.engine.begin() as conn:
            await conn.execute(delete(Answer).where(
                col(Answer.round_id) == self.info.round_id,
                col(Answer.question_index) == asked.index))
            await conn.execute(update(RoundQuestion).where(
                col(RoundQuestion.round_id) == self.info.round_id,
                col(RoundQuestion.index) == asked.index).values(revealed=True))
        return QuestionOutcome(asked, (), 0, self._stop.is_set(), skipped=True)

    async def forget(self, user_id: int) -> None:
        """A member asked to be forgotten mid-round (their rows are already deleted): drop
        them from this runner's memory too, so no reveal, streak or board brings them back."""
        for answers in self._answers.values():
            answers.pop(user_id, None)
        self._streaks.pop(user_id, None)
        self._forget_after_write |= {key for key in self._pending if key[1] == user_id}
        if self.open and self.current is not None and self._counter is not None:
            self._counter.bump(len(self._answers.get(self.current.index, {})))

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

        self._pending.add(key)  # from here a 50/50 of this member on this question is refused
        self._settled.clear()
        try:
            lifeline = self._lifeline_pending.get(key)
            if lifeline is not None:  # pressed just before: it counts, this answer is halved
                await asyncio.shield(lifeline)
            halved = user_id in self._lifelines.get(index, ())
            elapsed = self.clock.monotonic() - asked.started if asked.visible else 0.0
            result = await lock_in(self.writer, judged, user_id, display_name, option,
                                   elapsed=elapsed, now=self.clock.now(), streak=streak,
                                   halved=halved)
            if key in self._forget_after_write:  # forgotten while this was being written
                self._forget_after_write.discard(key)
                async with self.engine.begin() as conn:
                    await conn.execute(delete(Answer).where(
                        col(Answer.round_id) == self.info.round_id,
                        col(Answer.question_index) == index, col(Answer.user_id) == user_id))
                return result
        finally:
            self._pending.discard(key)
            if not self._pending:
                self._settled.set()
        if result.status is AnswerStatus.LOCKED_IN:
            self._answers[index][user_id] = Scored(user_id, display_name, result.points, option)
            if self._counter is not None and self.current is asked:
                self._counter.bump(len(self._answers[index]))
        return result

    async def fifty_fifty(self, user_id: int, index: int) -> lifelines.LifelineResult:
        """The 50/50 for this member on the open question: the pair to show them, or why not.
        No await between the checks and marking the use as pending, so an answer click that
        arrives meanwhile sees it (and waits for it) and one that came first refuses it."""
        Status = lifelines.LifelineStatus
        asked = self.current
        if self.finished or asked is None:
            return lifelines.LifelineResult(Status.ENDED)
        if index != asked.index or not self.open:
            return lifelines.LifelineResult(Status.CLOSED)
        question = asked.question
        judged = OpenQuestion(self.info.round_id, self.info.guild_id, index, question.difficulty,
                              question.options, question.answer_index, self.info.time_limit)
        if not judged.fifty_fifty_allowed(self.info.fifty_fifty):
            return lifelines.LifelineResult(Status.OFF)
        key = (index, user_id)
        if user_id in self._answers[index] or key in self._pending:
            return lifelines.LifelineResult(Status.ANSWERED, limit=self.info.fifty_fifty_per_round)
        running = self._lifeline_pending.get(key)
        if running is not None:  # a double press: the first one's write decides
            await asyncio.shield(running)
            return await self.fifty_fifty(user_id, index)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._lifeline_pending[key] = done
        try:
            result = await lifelines.use_fifty_fifty(
                self.engine, round_id=self.info.round_id, guild_id=self.info.guild_id,
                index=index, user_id=user_id, options=question.options,
                answer_index=question.answer_index, limit=self.info.fifty_fifty_per_round,
                now=self.clock.now())
            if result.status is Status.SHOWN:
                self._lifelines.setdefault(index, set()).add(user_id)
        finally:
            del self._lifeline_pending[key]
            done.set_result(None)
        return result

    async def _end(self, reason: EndReason) -> None:
        if self._counter is not None:
            await self._counter.close()
        self.end_reason = reason
        never = asyncio.Event()
        for delay in (*self.end_delays, None):
            if await self.record_end():
                return
            if delay is None:
                break
            await self.clock.wait(never, delay)
        log.error("round %s: its end could not be recorded after %d tries; the sweeper "
                  "retries it", self.info.round_id, len(self.end_delays) + 1)

    async def record_end(self) -> bool:
        """Write the round's end, read the final board from the database (which holds every
        answer, also those another process took) and present it, once. False if the
        database failed: nothing was presented, and calling again is safe."""
        if self.ended:
            return True
        reason = self.end_reason or EndReason.STOPPED
        try:
            async with self.closing_gate:
                async with self.engine.begin() as conn:
                    mine = (col(QuizRound.owner) == self.owner) if self.owner is not None \
                        else true()
                    await conn.execute(update(QuizRound).where(
                        col(QuizRound.id) == self.info.round_id,
                        col(QuizRound.status) == RoundStatus.RUNNING, mine)
                        .values(status=reason.status, active_channel_id=None,
                                ended_at=self.clock.now(), end_reason=reason.value,
                                lease_until=None))
                    await totals.tally(conn, self.info.round_id)  # unrevealed ones count now
                board = await scoreboard(self.engine, self.info.round_id)
        except Exception as exc:
            log.warning("round %s: could not record its end (%s: %s)", self.info.round_id,
                        type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
            return False
        self.ended = True
        await self._safely(self.presenter.finish(self.info, board, reason, self.stopped_by))
        return True

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

