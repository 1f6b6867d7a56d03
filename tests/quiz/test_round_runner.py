"""RoundRunner on its own: a fake presenter, a fake clock and a real SQLite database.

Time only moves when a test says so, so a 20-second question takes no time at all and the
elapsed time of every answer (hence its speed bonus) is known exactly. The end-to-end tests
in tests/cogs drive the same runner through Discord in real time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.facts.records import Facts
from bot.metrics import Metrics
from bot.quiz import scoring
from bot.quiz.answers import AnswerWriter
from bot.quiz.config import OutOfBounds, QuizConfig
from bot.quiz.models import QuizRound, RoundStatus
from bot.quiz.questions.model import Difficulty, Question
from bot.quiz.rounds import (
    PROGRESS_INTERVAL,
    AnswerStatus,
    AskedQuestion,
    EditBudget,
    EndReason,
    LiveCount,
    QuestionOutcome,
    RoundInfo,
    RoundRunner,
    ScoreLine,
    ranked,
)
from bot.quiz.service import QuizService

TIME_LIMIT = 20
GUILD, CHANNEL, STARTER = 1_000_000_000_000_000_001, 2_000_000_000_000_000_002, 7
ALICE, BOB = 11, 22
STEP = 5.0  # seconds a test may wait for the runner to reach its next step (never reached)


class FakeClock:
    """Monotonic and wall time that move together, only when ``advance`` is called."""

    def __init__(self) -> None:
        self.t = 0.0
        self.epoch = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []
        self._waiting = asyncio.Event()  # set while someone waits on this clock

    def monotonic(self) -> float:
        return self.t

    def now(self) -> dt.datetime:
        return self.epoch + dt.timedelta(seconds=self.t)

    async def wait(self, event: asyncio.Event, seconds: float) -> bool:
        if event.is_set() or seconds <= 0:
            return event.is_set()
        wake = asyncio.get_running_loop().create_future()
        sleeper = (self.t + seconds, wake)
        self._sleepers.append(sleeper)
        self._waiting.set()
        stopped = asyncio.ensure_future(event.wait())
        try:
            await asyncio.wait({wake, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            self._sleepers.remove(sleeper)
            if not self._sleepers:
                self._waiting.clear()
        return event.is_set()

    async def advance(self, seconds: float, *, wake: bool = True) -> None:
        """Move time on once the runner is waiting (it may still be writing to the database),
        so a wait is never measured from a moment the test already left behind. Without
        ``wake`` the waiters sleep on: the moment just after a deadline, before the runner
        has noticed it (what another process answering for the round sees)."""
        await asyncio.wait_for(self._waiting.wait(), STEP)
        self.t += seconds
        if not wake:
            return
        for until, wake in self._sleepers:
            if until <= self.t + 1e-9 and not wake.done():
                wake.set_result(None)


class FakePresenter:
    """Records what a round shows, in order, for the test to await step by step."""

    def __init__(self) -> None:
        self.questions: asyncio.Queue[AskedQuestion] = asyncio.Queue()
        self.reveals: asyncio.Queue[QuestionOutcome] = asyncio.Queue()
        self.counts: list[int] = []  # every "N answered" edit
        self.skips: list[int] = []
        self.post_delay = 0.0
        self.clock: FakeClock | None = None
        self.finished: asyncio.Future[tuple[list[ScoreLine], EndReason, int | None]] = (
            asyncio.get_running_loop().create_future())

    async def question(self, info: RoundInfo, asked: AskedQuestion) -> int | None:
        if self.post_delay and self.clock is not None:
            self.clock.t += self.post_delay  # a rate-limited post: time passes while it waits
        self.questions.put_nowait(asked)
        return 900 + asked.index  # the message id the runner stores

    async def reveal(self, info: RoundInfo, outcome: QuestionOutcome) -> None:
        self.reveals.put_nowait(outcome)

    async def progress(self, info: RoundInfo, asked: AskedQuestion, answered: int) -> None:
        self.counts.append(answered)

    async def skipped(self, info: RoundInfo, asked: AskedQuestion) -> None:
        self.skips.append(asked.index)

    async def finish(self, info: RoundInfo, board: list[ScoreLine], reason: EndReason,
                     stopped_by: int | None) -> None:
        self.finished.set_result((board, reason, stopped_by))

    async def next_question(self) -> AskedQuestion:
        return await asyncio.wait_for(self.questions.get(), STEP)

    async def next_reveal(self) -> QuestionOutcome:
        return await asyncio.wait_for(self.reveals.get(), STEP)

    async def ending(self) -> tuple[list[ScoreLine], EndReason, int | None]:
        return await asyncio.wait_for(asyncio.shield(self.finished), STEP)


def question(n: int, difficulty: Difficulty = "easy", answer_index: int = 1) -> Question:
    return Question(id=f"test:{n}", family="test", topic="defectors", difficulty=difficulty,
                    text=f"Question {n}?", options=("North", "South", "East", "West"),
                    answer_index=answer_index, explanation="Because.", source="Test data",
                    as_of=dt.date(2025, 12, 31))


class Game:
    """A round in the database with its runner, clock and presenter; ``play`` starts it."""

    def __init__(self, engine: AsyncEngine, questions: list[Question], *,
                 intermission: float = 0.0, lead_in: float = 0.0) -> None:
        self.engine = engine
        self.clock = FakeClock()
        self.presenter = FakePresenter()
        self.presenter.clock = self.clock
        self.writer = AnswerWriter(engine, Metrics())
        self.questions = questions
        self.intermission, self.lead_in = intermission, lead_in
        self.task: asyncio.Task[EndReason] | None = None

    async def play(self) -> RoundRunner:
        async with self.engine.begin() as conn:
            round_id = (await conn.execute(QuizRound.__table__.insert().values(
                guild_id=GUILD, channel_id=CHANNEL, active_channel_id=CHANNEL,
                starter_id=STARTER, topic="defectors", difficulty=None,
                question_count=len(self.questions), time_limit=TIME_LIMIT, seed=1,
                status=RoundStatus.RUNNING, started_at=self.clock.now(),
            ).returning(QuizRound.__table__.c.id))).scalar_one()
        info = RoundInfo(int(round_id), GUILD, CHANNEL, STARTER, "defectors", None, TIME_LIMIT,
                         len(self.questions), started_at=self.clock.now())
        self.runner = RoundRunner(info, self.engine, self.writer, self.presenter,
                                  lambda: list(self.questions), intermission=self.intermission,
                                  lead_in=self.lead_in, clock=self.clock)
        self.task = asyncio.create_task(self.runner.run())
        return self.runner

    async def to_buzzer(self, asked: AskedQuestion) -> QuestionOutcome:
        """Let the question's time run out and return its reveal."""
        await self.clock.advance(asked.started + TIME_LIMIT - self.clock.monotonic())
        return await self.presenter.next_reveal()

    async def result(self) -> EndReason:
        assert self.task is not None
        reason = await asyncio.wait_for(self.task, STEP)
        await self.writer.close()
        return reason

    async def rows(self, sql: str) -> list[Any]:
        async with self.engine.connect() as conn:
            return list((await conn.execute(sa.text(sql))).all())


async def test_asks_each_question_and_records_it(engine: AsyncEngine) -> None:
    game = Game(engine, [question(1), question(2)])
    runner = await game.play()
    first = await game.presenter.next_question()
    assert (first.index, first.question.id) == (0, "test:1")
    assert first.asked_at == game.clock.now()
    assert first.deadline - first.asked_at == dt.timedelta(seconds=TIME_LIMIT)
    assert runner.open
    assert runner.current is first
    assert (await game.to_buzzer(first)).answered == 0
    second = await game.presenter.next_question()
    assert second.index == 1
    await game.to_buzzer(second)
    assert await game.result() is EndReason.FINISHED
    assert await game.rows("SELECT \"index\", question_id, message_id, revealed "
                           "FROM quiz_round_question ORDER BY \"index\"") == [
        (0, "test:1", 900, 1), (1, "test:2", 901, 1)]


async def test_locking_in_scores_the_speed_bonus_at_a_known_time(engine: AsyncEngine) -> None:
    game = Game(engine, [question(1, "medium")])
    runner = await game.play()
    asked = await game.presenter.next_question()
    await game.clock.advance(5.0)  # 15 of 20 seconds left: three quarters of the speed bonus
    result = await runner.answer(ALICE, "Alice", asked.index, 1)
    assert (result.status, result.option) == (AnswerStatus.LOCKED_IN, "South")
    assert result.points == 150 + round(75 * 0.75) == scoring.points("medium", 5.0, 20, 0)
    wrong = await runner.answer(BOB, "Bob", asked.index, 0)
    assert (wrong.status, wrong.option, wrong.points) == (AnswerStatus.LOCKED_IN, "North", 0)
    outcome = await game.to_buzzer(asked)
    assert outcome.answered == 2
    assert [(s.user_id, s.points) for s in outcome.correct] == [(ALICE, 206)]
    await game.result()
    assert await game.rows("SELECT user_id, option_index, correct, points, elapsed_ms "
                           "FROM quiz_answer ORDER BY user_id") == [
        (ALICE, 1, 1, 206, 5000), (BOB, 0, 0, 0, 5000)]


async def test_a_second_answer_is_refused(engine: AsyncEngine) -> None:
    game = Game(engine, [question(1)])
    runner = await game.play()
    asked = await game.presenter.next_question()
    assert (await runner.answer(ALICE, "Alice", 0, 1)).status is AnswerStatus.LOCKED_IN
    assert (await runner.answer(ALICE, "Alice", 0, 1)).status is AnswerStatus.ALREADY
    assert (await runner.answer(ALICE, "Alice", 0, 2)).status is AnswerStatus.ALREADY
    # Two clicks at once: the second finds the first still being written.
    both = await asyncio.gather(runner.answer(BOB, "Bob", 0, 2), runner.answer(BOB, "Bob", 0, 1))
    assert sorted(r.status.value for r in both) == ["already", "locked_in"]
    await game.to_buzzer(asked)
    await game.result()
    assert await game.rows("SELECT user_id, option_index FROM quiz_answer ORDER BY user_id") == [
        (ALICE, 1), (BOB, 2)]


async def test_answers_after_the_deadline_are_closed(engine: AsyncEngine) -> None:
    game = Game(engine, [question(1), question(2)])
    runner = await game.play()
    await game.presenter.next_question()
    assert (await runner.answer(ALICE, "Alice", 0, 7)).status is AnswerStatus.CLOSED  # no option 7
    assert (await runner.answer(ALICE, "Alice", 1, 1)).status is AnswerStatus.CLOSED  # not asked
    await game.clock.advance(TIME_LIMIT + 0.001)  # past the buzzer, before the runner has revealed
    assert (await runner.answer(ALICE, "Alice", 0, 1)).status is AnswerStatus.CLOSED
    await game.presenter.next_reveal()
    second = await game.presenter.next_question()
    assert (await runner.answer(BOB, "Bob", 0, 1)).status is AnswerStatus.CLOSED  # revealed
    await game.to_buzzer(second)
    await game.result()
    assert (await runner.answer(BOB, "Bob", 1, 1)).status is AnswerStatus.ENDED
    assert await game.rows("SELECT count(*) FROM quiz_answer") == [(0,)]


async def test_the_streak_bonus_grows_and_a_wrong_answer_ends_it(engine: AsyncEngine) -> None:
    game = Game(engine, [question(n) for n in range(1, 6)])
    runner = await game.play()
    points = []
    for option in (1, 1, 1, 0, 1):  # right, right, right, wrong, right
        asked = await game.presenter.next_question()
        await game.clock.advance(10.0)  # half the time left: half the speed bonus (25 for easy)
        points.append((await runner.answer(ALICE, "Alice", asked.index, option)).points)
        await game.to_buzzer(asked)
    assert points == [125, 135, 145, 0, 125]
    board, reason, _ = await game.presenter.ending()
    assert reason is EndReason.FINISHED
    assert board == [ScoreLine(ALICE, "Alice", 530, 4)]
    await game.result()


async def test_a_round_stops_itself_after_three_silent_questions(engine: AsyncEngine) -> None:
    game = Game(engine, [question(n) for n in range(1, 6)], intermission=4.0)
    runner = await game.play()
    first = await game.presenter.next_question()
    await runner.answer(ALICE, "Alice", 0, 1)  # an answer resets the count of silent questions
    await game.to_buzzer(first)
    for _ in range(3):
        await game.clock.advance(4.0)  # the pause between questions
        asked = await game.presenter.next_question()
        assert (await game.to_buzzer(asked)).answered == 0
    assert await game.result() is EndReason.IDLE
    assert game.presenter.questions.empty()  # questions 5 was never asked
    _, reason, stopped_by = await game.presenter.ending()
    assert (reason, stopped_by) == (EndReason.IDLE, None)
    assert await game.rows("SELECT status, end_reason, active_channel_id FROM quiz_round") == [
        ("idle", "idle", None)]


async def test_stop_ends_the_round_at_once(engine: AsyncEngine) -> None:
    game = Game(engine, [question(1), question(2)])
    runner = await game.play()
    asked = await game.presenter.next_question()
    await runner.answer(ALICE, "Alice", asked.index, 1)
    runner.stop(EndReason.STOPPED, by=STARTER)
    runner.stop(EndReason.SHUTDOWN)  # a second stop changes nothing
    outcome = await game.presenter.next_reveal()
    assert outcome.aborted
    assert outcome.answered == 1
    assert await game.result() is EndReason.STOPPED
    board, reason, stopped_by = await game.presenter.ending()
    assert (reason, stopped_by) == (EndReason.STOPPED, STARTER)
    assert [line.user_id for line in board] == [ALICE]
    assert game.clock.t == 0.0  # no time passed: the stop did not wait for the buzzer
    assert await game.rows("SELECT status, end_reason, active_channel_id FROM quiz_round") == [
        ("stopped", "stopped", None)]


async def test_a_stop_during_the_lead_in_asks_nothing(engine: AsyncEngine) -> None:
    game = Game(engine, [question(1)], lead_in=3.0)
    runner = await game.play()
    await asyncio.sleep(0)
    runner.stop(EndReason.SHUTDOWN)
    assert await game.result() is EndReason.SHUTDOWN
    assert game.presenter.questions.empty()
    assert await game.rows("SELECT status, end_reason FROM quiz_round") == [
        ("stopped", "shutdown")]


async def test_the_final_board_ranks_points_then_right_answers(engine: AsyncEngine) -> None:
    carol = 33
    game = Game(engine, [question(1, "hard"), question(2, "easy", answer_index=3)])
    runner = await game.play()
    asked = await game.presenter.next_question()
    await game.clock.advance(10.0)  # half the time left: 200 + 50 for a hard question
    await runner.answer(BOB, "Bob", 0, 1)
    await runner.answer(ALICE, "alice", 0, 1)
    await game.to_buzzer(asked)
    asked = await game.presenter.next_question()
    await runner.answer(carol, "Carol", 1, 3)  # instant: 100 + 50 speed
    await runner.answer(BOB, "Bob", 1, 0)
    await game.to_buzzer(asked)
    board, reason, _ = await game.presenter.ending()
    assert reason is EndReason.FINISHED
    # Alice and Bob tie on points and right answers: names decide, ignoring case.
    assert board == [ScoreLine(ALICE, "alice", 250, 1), ScoreLine(BOB, "Bob", 250, 1),
                     ScoreLine(carol, "Carol", 150, 1)]
    await game.result()
    assert await game.rows("SELECT status, end_reason FROM quiz_round") == [
        ("finished", "finished")]


def no_facts() -> Facts:
    raise AssertionError("answering a question needs no facts")


async def test_an_answer_through_the_database_takes_the_same_path(engine: AsyncEngine) -> None:
    """A click this process does not run the round for (another process does): the service
    judges it from the database, with the same points the runner would give."""
    game = Game(engine, [question(1), question(2)])
    runner = await game.play()
    elsewhere = QuizService(engine, no_facts, clock=game.clock)
    asked = await game.presenter.next_question()
    await game.clock.advance(10.0)
    result = await elsewhere.answer(runner.info.round_id, 0, ALICE, "Alice", 1)
    assert (result.status, result.option, result.points) == (AnswerStatus.LOCKED_IN, "South", 125)
    assert (await elsewhere.answer(runner.info.round_id, 0, ALICE, "Alice", 1)).status \
        is AnswerStatus.ALREADY
    outcome = await game.to_buzzer(asked)  # the runner reads the other process's answer
    assert [(s.user_id, s.points) for s in outcome.correct] == [(ALICE, 125)]
    asked = await game.presenter.next_question()
    assert (await elsewhere.answer(runner.info.round_id, 0, BOB, "Bob", 1)).status \
        is AnswerStatus.CLOSED  # that question is revealed
    await game.clock.advance(10.0)
    streaked = await elsewhere.answer(runner.info.round_id, 1, ALICE, "Alice", 1)
    assert streaked.points == 135  # the streak read back from the database
    await game.clock.advance(10.001, wake=False)
    assert (await elsewhere.answer(runner.info.round_id, 1, BOB, "Bob", 1)).status \
        is AnswerStatus.CLOSED  # past the deadline, not yet revealed
    await game.clock.advance(0)
    await game.presenter.next_reveal()
    await game.result()
    await elsewhere.writer.close()
    assert (await elsewhere.answer(runner.info.round_id, 1, BOB, "Bob", 1)).status \
        is AnswerStatus.ENDED


# Issue 13: the clock from the visible post, skipped questions, forget mid-round, live count.

async def test_the_clock_starts_when_the_post_returned(engine: AsyncEngine) -> None:
    game = Game(engine, [question(1, "medium")])
    game.presenter.post_delay = 6.0  # the post waited 6 s of a 20 s limit
    runner = await game.play()
    asked = await game.presenter.next_question()
    await asyncio.sleep(0.05)  # the runner stores the real times once the post returned
    assert asked.visible
    assert asked.asked_at == game.clock.epoch + dt.timedelta(seconds=6)
    assert asked.deadline - asked.asked_at == dt.timedelta(seconds=TIME_LIMIT)
    result = await runner.answer(ALICE, "Alice", 0, 1)  # at once: the full speed bonus
    assert result.points == scoring.points("medium", 0.0, TIME_LIMIT, 0) == 225
    await game.clock.advance(TIME_LIMIT - 0.5)  # 19.5 s after it appeared: still open
    assert (await runner.answer(BOB, "Bob", 0, 1)).status is AnswerStatus.LOCKED_IN
    outcome = await game.to_buzzer(asked)
    assert outcome.answered == 2
    assert game.presenter.counts[0] == 0  # the slow post's deadline was corrected at once
    await game.result()
    rows = await game.rows("SELECT asked_at, deadline FROM quiz_round_question")
    assert len(rows) == 1


async def test_a_question_posted_too_late_is_skipped(engine: AsyncEngine) -> None:
    game = Game(engine, [question(n) for n in range(1, 6)])
    game.presenter.post_delay = TIME_LIMIT + 1.0
    await game.play()
    for _ in range(5):
        await game.presenter.next_question()
    assert await game.result() is EndReason.FINISHED  # not IDLE: skipped is not silent
    assert game.presenter.skips == [0, 1, 2, 3, 4]
    assert game.presenter.reveals.empty()
    assert await game.rows("SELECT count(*) FROM quiz_round_question WHERE revealed") == [(5,)]


async def test_forget_mid_round_clears_the_runners_memory(engine: AsyncEngine) -> None:
    game = Game(engine, [question(1), question(2)])
    runner = await game.play()
    asked = await game.presenter.next_question()
    await runner.answer(ALICE, "Alice", 0, 1)
    await runner.answer(BOB, "Bob", 0, 1)
    async with engine.begin() as conn:  # what /quiz forget-me deletes first
        await conn.execute(sa.text(f"DELETE FROM quiz_answer WHERE user_id = {ALICE}"))
    await runner.forget(ALICE)
    outcome = await game.to_buzzer(asked)
    assert [s.user_id for s in outcome.correct] == [BOB]
    assert [s.user_id for s in outcome.standings] == [BOB]
    asked = await game.presenter.next_question()
    again = await runner.answer(ALICE, "Alice", 1, 1)  # playing on is a fresh start
    assert again.points == scoring.points("easy", 0.0, TIME_LIMIT, 0)  # no streak kept
    await game.to_buzzer(asked)
    board, _, _ = await game.presenter.ending()
    # Alice's forgotten answer to question 1 is gone; her new one counts.
    assert {(line.user_id, line.correct) for line in board} == {(ALICE, 1), (BOB, 1)}
    await game.result()


async def test_the_live_count_coalesces_edits(engine: AsyncEngine) -> None:
    game = Game(engine, [question(1)])
    runner = await game.play()
    asked = await game.presenter.next_question()
    for user in range(100, 150):  # a burst of 50 answers
        await runner.answer(user, f"u{user}", 0, 1)
    await asyncio.sleep(0.01)
    assert game.presenter.counts == [1]  # the first at once, the rest wait for the interval
    await game.clock.advance(PROGRESS_INTERVAL)
    await asyncio.sleep(0.01)
    assert game.presenter.counts == [1, 50]  # 49 answers, one edit
    await game.to_buzzer(asked)
    assert game.presenter.counts == [1, 50]  # nothing new: no edit
    await game.result()


async def test_live_count_one_edit_in_flight() -> None:
    clock = FakeClock()
    started, release = asyncio.Event(), asyncio.Event()
    shown: list[int] = []

    async def show(count: int) -> None:
        shown.append(count)
        started.set()
        await release.wait()  # a slow edit

    counter = LiveCount(show, clock, 3.0)
    counter.bump(1)
    await started.wait()
    counter.bump(2)
    counter.bump(3)
    await asyncio.sleep(0.01)
    assert shown == [1]  # still in flight: nothing else sent
    release.set()
    await clock.advance(3.0)
    await asyncio.sleep(0.01)
    assert shown == [1, 3]
    await counter.close()
    counter.bump(4)
    await asyncio.sleep(0.01)
    assert shown == [1, 3]  # closed before the reveal: no edit can undo it


async def test_live_counts_share_the_process_edit_budget() -> None:
    """Many rounds' counts together stay within the process's edits per second: the count
    gives way (and coalesces), a round's own posts never queue behind it."""
    clock = FakeClock()
    budget = EditBudget(clock, per_second=2)
    shown: dict[int, list[int]] = {n: [] for n in range(5)}

    def show_for(n: int) -> Any:
        async def show(count: int) -> None:
            shown[n].append(count)
        return show

    counters = [LiveCount(show_for(n), clock, 3.0, budget) for n in range(5)]
    for counter in counters:
        counter.bump(1)
    await asyncio.sleep(0.01)
    assert sum(len(v) for v in shown.values()) == 2  # a second's worth, not five edits
    for counter in counters:
        counter.bump(2)  # clicks keep coming while the others wait their turn
    steps = 0
    while not all(v and v[-1] == 2 for v in shown.values()) and steps < 10:
        await clock.advance(3.0)
        await asyncio.sleep(0.01)
        steps += 1
    # Every count ended up shown (coalesced), within the budget: 2 + 2 per second.
    assert all(v and v[-1] == 2 for v in shown.values()), shown
    assert sum(len(v) for v in shown.values()) <= 2 + 2 * 3 * steps
    assert budget.refused >= 3
    for counter in counters:
        await counter.close()


class CountingClock(FakeClock):
    """A fake clock that counts the timed waits: each is a task and a timer on a real loop."""

    def __init__(self) -> None:
        super().__init__()
        self.waits = 0

    async def wait(self, event: asyncio.Event, seconds: float) -> bool:
        if seconds > 0 and not event.is_set():
            self.waits += 1
        return await super().wait(event, seconds)


async def test_counts_past_the_edit_budget_queue_in_turn_and_never_poll() -> None:
    """Fifty rounds' counts against a budget of 2 edits a second: the ones that find it
    empty are shown in the order they asked, within the budget, and while they wait nothing
    wakes but the budget's own timer (polling woke every waiting count every 3 s). A round
    that closes while queued gives its place up and never edits."""
    clock = CountingClock()
    budget = EditBudget(clock, per_second=2)
    order: list[int] = []

    def show_for(n: int) -> Any:
        async def show(count: int) -> None:
            order.append(n)
        return show

    counters = [LiveCount(show_for(n), clock, 3.0, budget) for n in range(50)]
    for counter in counters:
        counter.bump(1)
    await asyncio.sleep(0.01)
    assert order == [0, 1]  # a second's worth at once, the rest queued
    await counters[2].close()  # its round revealed while it waited
    seconds = 0
    while len(order) < 49 and seconds < 60:
        await clock.advance(1.0)
        await asyncio.sleep(0.01)
        seconds += 1
        assert len(order) <= 2 + 2 * seconds  # within the budget
    assert order == [0, 1, *range(3, 50)]  # first come, first served; 2 never edited
    assert budget.refused == 48
    # The budget's timer, about once per token handed out; polling would have woken each
    # waiting count every 3 s: hundreds of waits.
    assert clock.waits <= 48 + 2, clock.waits
    for counter in counters:
        await counter.close()


async def test_a_count_dealt_its_turn_as_its_round_closes_does_not_edit() -> None:
    """Two queued counts are dealt their turns at the same moment, and the first one's edit
    is where the second's round reveals (any task of that loop turn could be): the second
    must not spend an edit, and a place in the budget, on a message its reveal replaces."""
    clock = FakeClock()
    budget = EditBudget(clock, per_second=2)
    shown: list[str] = []

    async def fill(count: int) -> None:
        shown.append("filler")

    async def show_first(count: int) -> None:
        shown.append("first")
        await late.close()

    async def show_late(count: int) -> None:
        shown.append("late")

    fillers = [LiveCount(fill, clock, 3.0, budget) for _ in range(2)]
    first = LiveCount(show_first, clock, 3.0, budget)
    late = LiveCount(show_late, clock, 3.0, budget)
    for counter in (*fillers, first, late):
        counter.bump(1)
    await asyncio.sleep(0.01)
    assert shown == ["filler", "filler"]  # the budget is spent; first and late queue
    await clock.advance(1.0)  # two tokens: both are dealt their turn in one go
    await asyncio.sleep(0.01)
    assert shown == ["filler", "filler", "first"]
    assert late.edits == 0
    for counter in (*fillers, first):
        await counter.close()


def test_ties_share_a_rank() -> None:
    board = [ScoreLine(1, "a", 300, 2), ScoreLine(2, "b", 250, 1), ScoreLine(3, "c", 250, 1),
             ScoreLine(4, "d", 250, 2), ScoreLine(5, "e", 0, 0), ScoreLine(6, "f", 0, 0)]
    assert [rank for rank, _ in ranked(board)] == [1, 2, 2, 4, 5, 5]


def test_pacing_settings_are_bounded_on_our_side() -> None:
    QuizConfig(reveal_time=2, lead_in=0).check()
    for bad in (QuizConfig(reveal_time=1), QuizConfig(lead_in=31), QuizConfig(time_limit=5)):
        with pytest.raises(OutOfBounds):
            bad.check()
