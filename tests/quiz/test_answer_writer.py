"""The answer writer's group commit under a stream of clicks: full batches, exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import migrate
from bot.db.engine import create_engine
from bot.metrics import Metrics
from bot.quiz import answers
from bot.quiz.answers import AnswerWriter, NewAnswer
from bot.quiz.models import QuizRound, RoundStatus

STARTED = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """SQLite, or PostgreSQL in CI: the batch insert's conflict handling is the dialect's."""
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    async with engine.begin() as conn:  # the round the answers belong to (a foreign key)
        await conn.execute(QuizRound.__table__.insert().values(
            id=1, guild_id=7, channel_id=1, active_channel_id=1, starter_id=1,
            topic="defectors", difficulty=None, question_count=1, time_limit=30, seed=1,
            status=RoundStatus.RUNNING, started_at=STARTED))
    yield engine
    await engine.dispose()


def answer(user: int, option: int = 0) -> NewAnswer:
    return NewAnswer(round_id=1, question_index=0, guild_id=7, user_id=user,
                     display_name=f"player {user}", option_index=option, correct=option == 0,
                     points=100 if option == 0 else 0, elapsed_ms=1000,
                     answered_at=STARTED)


async def stream(writer: AnswerWriter, items: list[NewAnswer], gap: float) -> list[bool]:
    """One click every ``gap`` seconds, as players' clicks arrive: not a single burst."""
    tasks = []
    for item in items:
        tasks.append(asyncio.create_task(writer.submit(item)))
        await asyncio.sleep(gap)
    return list(await asyncio.gather(*tasks))


async def test_a_stream_of_clicks_is_written_in_full_batches(engine: AsyncEngine) -> None:
    writer = AnswerWriter(engine, Metrics())
    clicks = [answer(user) for user in range(150)]
    # A second click of player 5 and of player 80, in the middle of the stream.
    clicks.insert(40, answer(5, option=2))
    clicks.insert(100, answer(80, option=1))
    recorded = await stream(writer, clicks, gap=answers.LINGER / 5)
    await writer.close()
    assert recorded.count(True) == 150
    assert [n for n, ok in enumerate(recorded) if not ok] == [40, 100]  # the first click counts
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.text(
            "SELECT user_id, option_index FROM quiz_answer ORDER BY user_id"))).all()
    assert len(rows) == 150
    assert (dict(rows)[5], dict(rows)[80]) == (0, 0)
    # Five clicks arrive per linger: batches of several rows, not one transaction per click.
    assert writer.batches <= len(clicks) // 3, writer.batches


async def test_a_click_after_a_quiet_spell_is_written_at_once(engine: AsyncEngine) -> None:
    writer = AnswerWriter(engine, Metrics())
    assert await writer.submit(answer(1))
    await asyncio.sleep(answers.BUSY * 1.5)  # quiet: the next click does not linger
    assert await writer.submit(answer(2))
    assert writer.lingered == 0
    # Right after it the writer counts as busy: the next click waits to share a batch.
    assert await writer.submit(answer(3))
    assert writer.lingered == 1
    await writer.close()
    assert (writer.batches, writer.rows) == (3, 3)


async def test_a_full_batch_does_not_wait_out_the_linger(engine: AsyncEngine,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # A linger no test could sit through: only a full batch lets the busy writer go on.
    monkeypatch.setattr(answers, "LINGER", 600.0)
    monkeypatch.setattr(answers, "FULL", 10)
    writer = AnswerWriter(engine, Metrics())
    assert await writer.submit(answer(0))  # written at once; from now on the writer is busy
    burst = [asyncio.create_task(writer.submit(answer(1)))]
    await asyncio.sleep(0.01)  # the writer holds that click and lingers for company
    burst += [asyncio.create_task(writer.submit(answer(user))) for user in range(2, 11)]
    recorded = await asyncio.wait_for(asyncio.gather(*burst), timeout=30)
    assert recorded == [True] * 10
    assert (writer.lingered, writer.batches) == (1, 2)  # the ten clicks in one transaction
    await writer.close()
