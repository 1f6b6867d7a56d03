"""The question of the day on its own: a controllable clock, a recording presenter, the real
selector and answer path, and a real SQLite database (a copy of one migrated to head).

Time is a value the test sets, so a day of posts, answers and closes takes milliseconds."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.facts.files import read_facts
from bot.facts.records import Facts
from bot.quiz import daily
from bot.quiz.admin import Actor
from bot.quiz.leaderboard import leaderboard
from bot.quiz.rounds import AnswerStatus
from bot.quiz.selector import Selector
from bot.quiz.service import QuizService

GUILD, CHANNEL, MOD = 1_000_000_000_000_000_001, 2_000_000_000_000_000_002, 5
ALICE, BOB, CAROL = 11, 22, 33
DAY1 = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)  # a Monday, midnight UTC

_FACTS: list[Facts] = []


def facts() -> Facts:
    if not _FACTS:
        _FACTS.append(read_facts())
    return _FACTS[0]


class ManualClock:
    """Wall time the test sets (``at``); waits are real but short, so a scheduler's loop
    spins against the set time instead of sleeping for its interval."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def monotonic(self) -> float:
        return (self.at - DAY1).total_seconds()

    def set(self, day: int, hh_mm: str, seconds: int = 0) -> None:
        hour, minute = (int(p) for p in hh_mm.split(":"))
        self.at = DAY1 + dt.timedelta(days=day - 1, hours=hour, minutes=minute,
                                      seconds=seconds)

    async def wait(self, event: asyncio.Event, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), min(max(seconds, 0.0), 0.01))
        return event.is_set()


class Recorder:
    """The presenter: what was posted and revealed; ``gone`` makes every post fail 404."""

    def __init__(self) -> None:
        self.posts: list[daily.DailyQuestion] = []
        self.reveals: list[daily.DailyReveal] = []
        self.gone = False

    async def post(self, question: daily.DailyQuestion) -> int:
        await asyncio.sleep(0)  # let a second scheduler interleave
        if self.gone:
            raise daily.Gone("404 Unknown Channel")
        self.posts.append(question)
        return 9000 + len(self.posts)

    async def reveal(self, reveal: daily.DailyReveal) -> None:
        self.reveals.append(reveal)


class Bot:
    """One process: a scheduler and the quiz service that takes the answers."""

    def __init__(self, engine: AsyncEngine, clock: ManualClock, recorder: Recorder | None = None,
                 name: str = "a") -> None:
        self.recorder = recorder or Recorder()
        self.service = QuizService(engine, facts, clock=clock)
        self.scheduler = daily.DailyScheduler(
            engine, Selector(engine, facts, clock=clock), self.recorder, clock=clock,
            owner=name)

    async def answer(self, question: daily.DailyQuestion, user: int, right: bool = True
                     ) -> AnswerStatus:
        option = question.question.answer_index if right else \
            (question.question.answer_index + 1) % len(question.question.options)
        result = await self.service.answer(question.round_id, 0, user, f"user{user}", option)
        return result.status

    async def close(self) -> None:
        await self.service.writer.close()


async def schedule(engine: AsyncEngine, clock: ManualClock, time: str = "09:00",
                   open_hours: int = 20) -> daily.Schedule:
    return await daily.set_schedule(engine, Actor(GUILD, MOD), channel_id=CHANNEL,
                                    post_time=time, topic="mixed", open_hours=open_hours,
                                    now=clock.now())


async def count(engine: AsyncEngine, sql: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text(sql))).scalar_one())


@pytest.fixture
async def clock() -> ManualClock:
    clock = ManualClock(DAY1)
    clock.set(1, "08:00")
    return clock


async def test_posts_at_the_time_once(engine: AsyncEngine, clock: ManualClock) -> None:
    bot = Bot(engine, clock)
    await schedule(engine, clock)
    clock.set(1, "08:59", 59)
    assert await bot.scheduler.tick() == ([], [])
    clock.set(1, "09:00")
    posted, _ = await bot.scheduler.tick()
    assert len(posted) == 1
    assert not posted[0].late
    assert posted[0].closes_at == DAY1 + dt.timedelta(hours=29)  # 09:00 + 20 h
    clock.set(1, "09:00", 30)
    assert await bot.scheduler.tick() == ([], [])
    assert len(bot.recorder.posts) == 1
    assert await count(engine, "SELECT count(*) FROM quiz_daily_post WHERE status='open'") == 1
    await bot.close()


async def test_a_schedule_set_after_the_time_starts_the_next_day(
        engine: AsyncEngine, clock: ManualClock) -> None:
    bot = Bot(engine, clock)
    clock.set(1, "10:00")
    await schedule(engine, clock)
    assert await bot.scheduler.tick() == ([], [])
    clock.set(2, "09:00")
    assert len((await bot.scheduler.tick())[0]) == 1
    await bot.close()


async def test_a_restart_just_before_the_time_posts_on_time(
        engine: AsyncEngine, clock: ManualClock) -> None:
    old = Bot(engine, clock, name="old")
    await schedule(engine, clock)
    clock.set(1, "08:59", 50)
    assert await old.scheduler.tick() == ([], [])
    await old.close()  # the deploy: the old process goes, a new one starts at 09:00:20
    new = Bot(engine, clock, name="new")
    clock.set(1, "09:00", 20)
    posted, _ = await new.scheduler.tick()
    assert len(posted) == 1
    assert not posted[0].late
    await new.close()


async def test_a_restart_just_after_the_time_never_posts_twice(
        engine: AsyncEngine, clock: ManualClock) -> None:
    old = Bot(engine, clock, name="old")
    await schedule(engine, clock)
    clock.set(1, "09:00")
    assert len((await old.scheduler.tick())[0]) == 1
    await old.close()
    new = Bot(engine, clock, name="new")
    clock.set(1, "09:00", 40)
    assert await new.scheduler.tick() == ([], [])
    clock.set(1, "13:00")
    assert await new.scheduler.tick() == ([], [])
    assert len(old.recorder.posts) + len(new.recorder.posts) == 1
    await new.close()


async def test_a_missed_time_is_posted_late_once_and_says_so(
        engine: AsyncEngine, clock: ManualClock) -> None:
    await schedule(engine, clock)
    # Down from 08:30 to 11:15: the new process posts the day's question, late.
    new = Bot(engine, clock, name="new")
    clock.set(1, "11:15")
    posted, _ = await new.scheduler.tick()
    assert len(posted) == 1
    assert posted[0].late
    assert posted[0].due_at == DAY1 + dt.timedelta(hours=9)
    # It closes on the day's rhythm (09:00 + 20 h), not 20 h after the late post.
    assert posted[0].closes_at == DAY1 + dt.timedelta(hours=29)
    again = Bot(engine, clock, name="again")
    clock.set(1, "11:16")
    assert await again.scheduler.tick() == ([], [])
    await new.close()
    await again.close()


async def test_a_day_missed_entirely_is_not_caught_up(
        engine: AsyncEngine, clock: ManualClock) -> None:
    await schedule(engine, clock)
    bot = Bot(engine, clock)
    clock.set(2, "06:00")  # day 1's question would have closed at 05:00: too late for it
    assert await bot.scheduler.tick() == ([], [])
    clock.set(2, "09:00")
    posted, _ = await bot.scheduler.tick()
    assert [p.day for p in posted] == [dt.date(2026, 3, 3)]
    assert not posted[0].late
    await bot.close()


async def test_two_processes_claim_the_same_day_one_posts(
        engine: AsyncEngine, clock: ManualClock) -> None:
    a, b = Bot(engine, clock, name="a"), Bot(engine, clock, name="b")
    await schedule(engine, clock)
    clock.set(1, "09:00")
    results = await asyncio.gather(*(s.scheduler.tick() for s in (a, b, a, b)))
    assert sum(len(posted) for posted, _ in results) == 1
    assert len(a.recorder.posts) + len(b.recorder.posts) == 1
    assert await count(engine, "SELECT count(*) FROM quiz_daily_post") == 1
    assert await count(engine, "SELECT count(*) FROM quiz_round") == 1
    # The close too: both look at 05:00 + grace, one reveals.
    clock.set(2, "05:00", 11)
    results = await asyncio.gather(a.scheduler.tick(), b.scheduler.tick())
    assert sum(len(closed) for _, closed in results) == 1
    assert len(a.recorder.reveals) + len(b.recorder.reveals) == 1
    await a.close()
    await b.close()


async def test_answers_once_and_the_reveal_at_close(
        engine: AsyncEngine, clock: ManualClock) -> None:
    bot = Bot(engine, clock)
    await schedule(engine, clock)
    clock.set(1, "09:00")
    (question,), _ = await bot.scheduler.tick()
    clock.set(1, "10:00")
    assert await bot.answer(question, ALICE) is AnswerStatus.LOCKED_IN
    assert await bot.answer(question, ALICE, right=False) is AnswerStatus.ALREADY
    assert await bot.answer(question, BOB, right=False) is AnswerStatus.LOCKED_IN
    clock.set(2, "04:59")
    assert await bot.scheduler.tick() == ([], [])  # still open
    clock.set(2, "05:00", 1)
    assert await bot.answer(question, CAROL) is AnswerStatus.CLOSED  # past the deadline
    assert await bot.scheduler.tick() == ([], [])  # the grace for answers in flight
    clock.set(2, "05:00", 11)
    _, (reveal,) = await bot.scheduler.tick()
    assert reveal.daily.message_id == 9001
    assert reveal.answered == 2
    assert [(r.user_id, r.streak) for r in reveal.right] == [(ALICE, 1)]
    assert reveal.right[0].points > 0
    assert await bot.answer(question, CAROL) is AnswerStatus.ENDED
    # Counted on the boards like any revealed answer.
    board = await leaderboard(engine, GUILD)
    assert [s.user_id for s in board.standings] == [ALICE, BOB]
    assert board.standings[0].points == reveal.right[0].points
    streaks = await leaderboard(engine, GUILD, "daily-streak")
    assert [(s.user_id, s.points) for s in streaks.standings] == [(ALICE, 1)]
    assert await count(engine, "SELECT count(*) FROM quiz_round WHERE status='finished'") == 1
    await bot.close()


async def test_the_rounds_sweeper_leaves_an_open_daily_question_alone(
        engine: AsyncEngine, clock: ManualClock) -> None:
    bot = Bot(engine, clock)
    await schedule(engine, clock)
    clock.set(1, "09:00")
    await bot.scheduler.tick()
    clock.set(1, "12:00")
    assert await bot.service.close_interrupted() == []
    assert await count(engine, "SELECT count(*) FROM quiz_round WHERE status='running'") == 1
    await bot.close()


async def test_streaks_across_days_and_broken_by_a_missed_day(
        engine: AsyncEngine, clock: ManualClock) -> None:
    bot = Bot(engine, clock)
    await schedule(engine, clock)
    # Alice: right on days 1–4. Bob: right on 1 and 2, misses day 3, right on 4.
    # Carol: right on day 1, wrong on day 2.
    plan = {1: {ALICE: True, BOB: True, CAROL: True}, 2: {ALICE: True, BOB: True, CAROL: False},
            3: {ALICE: True}, 4: {ALICE: True, BOB: True}}
    for day, answers in plan.items():
        clock.set(day, "09:00")
        (question,), _ = await bot.scheduler.tick()
        clock.set(day, "12:00")
        for user, right in answers.items():
            assert await bot.answer(question, user, right) is AnswerStatus.LOCKED_IN
        clock.set(day + 1, "05:01")
        await bot.scheduler.tick()
    board = await leaderboard(engine, GUILD, "daily-streak")
    assert [(s.user_id, s.points) for s in board.standings] == [(ALICE, 4), (BOB, 1)]
    rows = {u: (c, b) for u, _, c, b in await daily.streak_board(engine, GUILD)}
    assert rows == {ALICE: (4, 4), BOB: (1, 2), CAROL: (0, 1)}
    assert sorted((r.user_id, r.streak) for r in bot.recorder.reveals[-1].right) == [
        (ALICE, 4), (BOB, 1)]
    await bot.close()


async def test_a_deleted_channel_turns_the_schedule_off_with_an_audit_entry(
        engine: AsyncEngine, clock: ManualClock) -> None:
    bot = Bot(engine, clock)
    await schedule(engine, clock)
    bot.recorder.gone = True
    clock.set(1, "09:00")
    assert await bot.scheduler.tick() == ([], [])
    saved = await daily.get_schedule(engine, GUILD)
    assert saved is not None
    assert not saved.enabled
    assert saved.off_reason is not None
    assert "404 Unknown Channel" in saved.off_reason
    audit = await daily.last_audit(engine, GUILD)
    assert audit is not None
    assert audit[1] == "daily.off.lost_channel"
    posts = await daily.recent_posts(engine, GUILD)
    assert [p.status for p in posts] == ["failed"]
    # Off stays off: no post the next day, and the failed day's round is not left running.
    clock.set(2, "09:00")
    assert await bot.scheduler.tick() == ([], [])
    assert await count(engine, "SELECT count(*) FROM quiz_round WHERE status='running'") == 0
    await bot.close()


async def test_schedule_validation_and_off(engine: AsyncEngine, clock: ManualClock) -> None:
    assert daily.parse_time("9:05") == "09:05"
    for bad in ("24:00", "9", "09:60", "nine"):
        with pytest.raises(ValueError, match="not a time"):
            daily.parse_time(bad)
    with pytest.raises(ValueError, match="open_hours"):
        await schedule(engine, clock, open_hours=24)
    await schedule(engine, clock)
    assert await daily.turn_off(engine, Actor(GUILD, MOD), "turned off by <@5>",
                                now=clock.now())
    assert not await daily.turn_off(engine, Actor(GUILD, MOD), "again", now=clock.now())
    bot = Bot(engine, clock)
    clock.set(1, "09:00")
    assert await bot.scheduler.tick() == ([], [])
    await bot.close()


async def test_no_repeats_over_a_week(engine: AsyncEngine, clock: ManualClock) -> None:
    bot = Bot(engine, clock)
    await schedule(engine, clock)
    for day in range(1, 8):
        clock.set(day, "09:00")
        await bot.scheduler.tick()
        clock.set(day + 1, "05:01")
        await bot.scheduler.tick()
    ids = [p.question.id for p in bot.recorder.posts]
    assert len(ids) == 7
    assert len(set(ids)) == 7
    assert len(bot.recorder.reveals) == 7
    await bot.close()


async def test_a_simulated_week() -> None:
    from tests.quiz.daily_week import week

    out: list[str] = []
    board = await week(out)
    assert sum(" POST" in line for line in out) == 7
    assert sum("LATE" in line for line in out) == 1  # Friday, after the restart
    assert sum("REVEAL" in line for line in out) == 7
    assert board == {ALICE: (7, 7), BOB: (3, 3), CAROL: (5, 5)}


async def test_a_reset_or_a_removal_clears_daily_streaks(
        engine: AsyncEngine, clock: ManualClock) -> None:
    from bot.quiz import admin

    bot = Bot(engine, clock)
    await schedule(engine, clock)
    clock.set(1, "09:00")
    (question,), _ = await bot.scheduler.tick()
    for user in (ALICE, BOB):
        await bot.answer(question, user)
    clock.set(2, "05:01")
    await bot.scheduler.tick()
    await admin.remove_member(engine, Actor(GUILD, MOD), BOB)
    assert [u for u, *_ in await daily.streak_board(engine, GUILD)] == [ALICE]
    await admin.reset_leaderboard(engine, Actor(GUILD, MOD))
    assert await daily.streak_board(engine, GUILD) == []
    await admin.forget_guild(engine, GUILD)
    assert await daily.get_schedule(engine, GUILD) is None
    await bot.close()
