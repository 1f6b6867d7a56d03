"""The runner records every server's answers at reveal: two rounds in two guilds revealing the
same question at the same moment both count, and each outcome carries the totals."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import migrate
from bot.db.engine import create_engine
from bot.metrics import Metrics
from bot.quiz.answers import AnswerWriter
from bot.quiz.difficulty import QuestionStats, load_stats
from bot.quiz.models import QuizRound, RoundStatus
from bot.quiz.questions.model import Question
from bot.quiz.rounds import AnswerStatus, EndReason, RoundInfo, RoundRunner
from tests.quiz.test_round_runner import STEP, TIME_LIMIT, FakeClock, FakePresenter, question


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    yield engine
    await engine.dispose()


class GuildRound:
    """One round of ``questions`` in its own guild and channel, with its own fake clock."""

    def __init__(self, engine: AsyncEngine, guild_id: int, questions: list[Question]) -> None:
        self.engine, self.guild_id, self.questions = engine, guild_id, questions
        self.clock = FakeClock()
        self.presenter = FakePresenter()
        self.writer = AnswerWriter(engine, Metrics())

    async def play(self) -> RoundRunner:
        channel = self.guild_id + 1
        async with self.engine.begin() as conn:
            round_id = (await conn.execute(QuizRound.__table__.insert().values(
                guild_id=self.guild_id, channel_id=channel, active_channel_id=channel,
                starter_id=7, topic="defectors", difficulty=None,
                question_count=len(self.questions), time_limit=TIME_LIMIT, seed=1,
                status=RoundStatus.RUNNING, started_at=self.clock.now(),
            ).returning(QuizRound.__table__.c.id))).scalar_one()
        info = RoundInfo(int(round_id), self.guild_id, channel, 7, "defectors", None,
                         TIME_LIMIT, len(self.questions), started_at=self.clock.now())
        self.runner = RoundRunner(info, self.engine, self.writer, self.presenter,
                                  lambda: list(self.questions), intermission=0.0, lead_in=0.0,
                                  clock=self.clock)
        self.task = asyncio.create_task(self.runner.run())
        return self.runner

    async def answer(self, user_id: int, option: int) -> None:
        result = await self.runner.answer(user_id, f"user{user_id}", 0, option)
        assert result.status is AnswerStatus.LOCKED_IN

    async def end(self) -> EndReason:
        reason = await asyncio.wait_for(self.task, STEP)
        await self.writer.close()
        return reason


async def test_two_guilds_revealing_one_question_at_once_both_count(engine: AsyncEngine) -> None:
    same = question(1, answer_index=1)
    north, south = GuildRound(engine, 1_000_001, [same]), GuildRound(engine, 2_000_002, [same])
    await asyncio.gather(north.play(), south.play())
    asked = await asyncio.gather(north.presenter.next_question(),
                                 south.presenter.next_question())
    await north.answer(11, 1)
    await north.answer(12, 0)
    for user in (21, 22, 23):
        await south.answer(user, 1)
    # Both buzzers go at the same moment: the two reveals write at once.
    await asyncio.gather(*(g.clock.advance(a.started + TIME_LIMIT - g.clock.monotonic())
                           for g, a in zip((north, south), asked, strict=True)))
    outcomes = await asyncio.gather(north.presenter.next_reveal(),
                                    south.presenter.next_reveal())
    assert [o.answered for o in outcomes] == [2, 3]
    stats = [o.stats for o in outcomes]
    assert all(s is not None for s in stats)
    # Each reveal saw the totals including itself; whichever came last saw both rounds.
    assert sorted(s.answered for s in stats if s) in ([2, 5], [3, 5])
    assert max(stats, key=lambda s: s.answered if s else 0) == QuestionStats(5, 4)
    assert await load_stats(engine, [same.id]) == {same.id: QuestionStats(5, 4)}
    assert await asyncio.gather(north.end(), south.end()) == [EndReason.FINISHED] * 2


async def test_a_question_nobody_answered_adds_nothing(engine: AsyncEngine) -> None:
    game = GuildRound(engine, 3_000_003, [question(1), question(2)])
    await game.play()
    first = await game.presenter.next_question()
    await game.answer(31, 1)
    await game.clock.advance(first.started + TIME_LIMIT - game.clock.monotonic())
    assert (await game.presenter.next_reveal()).stats == QuestionStats(1, 1)
    second = await game.presenter.next_question()
    await game.clock.advance(second.started + TIME_LIMIT - game.clock.monotonic())
    assert (await game.presenter.next_reveal()).stats == QuestionStats(0, 0)
    await game.end()
    assert await load_stats(engine, ["test:1", "test:2"]) == {"test:1": QuestionStats(1, 1)}
