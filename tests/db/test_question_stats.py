"""The all-servers question stats: revision 0005, the adding upsert, the one-query loader.
SQLite by default; PostgreSQL when TEST_DATABASE_URL names a server."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import migrate
from bot.db.engine import create_engine
from bot.quiz.difficulty import QuestionStats, load_difficulty_of, load_stats, record_reveal
from bot.quiz.models import QuizRound, RoundQuestion, RoundStatus
from bot.quiz.questions.model import Question

T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    yield engine
    await engine.dispose()


async def tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))


async def test_revision_0005_adds_the_table_and_is_head(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine, "0003")
        assert "quiz_question_stats" not in await tables(engine)
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        assert "quiz_question_stats" in await tables(engine)
        async with engine.begin() as conn:
            await record_reveal(conn, "peak_year", 3, 2)
        assert await load_stats(engine, ["peak_year"]) == {"peak_year": QuestionStats(3, 2)}
        await migrate.upgrade(engine)  # at head: a no-op that keeps the rows
        assert await load_stats(engine, ["peak_year"]) == {"peak_year": QuestionStats(3, 2)}
    finally:
        await engine.dispose()


async def test_the_upsert_adds_and_returns_the_totals(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        assert await record_reveal(conn, "q:1", 4, 1) == QuestionStats(4, 1)
    async with engine.begin() as conn:
        assert await record_reveal(conn, "q:1", 6, 5) == QuestionStats(10, 6)
        # Nobody answered: nothing added, no row made, the totals still come back.
        assert await record_reveal(conn, "q:1", 0, 0) == QuestionStats(10, 6)
        assert await record_reveal(conn, "q:unanswered", 0, 0) == QuestionStats(0, 0)
    assert await load_stats(engine, ["q:1", "q:unanswered"]) == {"q:1": QuestionStats(10, 6)}


async def test_a_rolled_back_reveal_counts_nothing(engine: AsyncEngine) -> None:
    async def failing_reveal() -> None:
        async with engine.begin() as conn:
            await record_reveal(conn, "q:1", 4, 1)
            raise RuntimeError("the reveal's transaction failed")

    with pytest.raises(RuntimeError):
        await failing_reveal()
    assert await load_stats(engine, ["q:1"]) == {}


async def _round(engine: AsyncEngine, guild_id: int, question_id: str) -> int:
    async with engine.begin() as conn:
        round_id = (await conn.execute(QuizRound.__table__.insert().values(
            guild_id=guild_id, channel_id=guild_id + 1, active_channel_id=guild_id + 1,
            starter_id=7, topic="defectors", difficulty=None, question_count=1, time_limit=20,
            seed=1, status=RoundStatus.RUNNING, started_at=T0,
        ).returning(QuizRound.__table__.c.id))).scalar_one()
        await conn.execute(RoundQuestion.__table__.insert().values(
            round_id=round_id, index=0, question_id=question_id, difficulty="easy",
            answer_index=0, payload="{}", message_id=None, asked_at=T0,
            deadline=T0 + dt.timedelta(seconds=20), revealed=False))
    return int(round_id)


async def test_reveals_of_one_question_in_many_guilds_at_once_all_count(
        engine: AsyncEngine) -> None:
    """Each reveal marks its round's question revealed and adds its counts in one
    transaction, all at the same moment; the first ones race to create the row."""
    guilds = [10_000 * (i + 1) for i in range(8)]
    rounds = [await _round(engine, g, "peak_year") for g in guilds]
    gate = asyncio.Event()

    async def reveal(round_id: int, answered: int, correct: int) -> QuestionStats:
        await gate.wait()
        async with engine.begin() as conn:
            await conn.execute(sa.update(RoundQuestion).where(
                RoundQuestion.round_id == round_id, RoundQuestion.index == 0
            ).values(revealed=True))
            return await record_reveal(conn, "peak_year", answered, correct)

    tasks = [asyncio.create_task(reveal(r, i + 1, i)) for i, r in enumerate(rounds)]
    await asyncio.sleep(0)
    gate.set()
    totals = await asyncio.gather(*tasks)
    expected = QuestionStats(sum(range(1, 9)), sum(range(8)))
    assert await load_stats(engine, ["peak_year"]) == {"peak_year": expected}
    # Every reveal saw the totals up to and including itself; the last saw them all.
    assert max(t.answered for t in totals) == expected.answered
    assert len({t.answered for t in totals}) == len(totals)


async def test_many_questions_load_in_one_query(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for n in range(50):
            await record_reveal(conn, f"q:{n}", n + 1, n // 2)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        ids = [f"q:{n}" for n in range(0, 100, 2)]  # half of them have no row
        stats = await load_stats(engine, ids)
        judge = await load_difficulty_of(engine, [_question("q:48")])
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert len([s for s in statements if "quiz_question_stats" in s]) == 2  # one per load
    assert set(stats) == {f"q:{n}" for n in range(0, 50, 2)}
    assert stats["q:48"] == QuestionStats(49, 24)
    assert judge(_question("q:48")) == "medium"  # 24 of 49 right: near half, medium


def _question(qid: str) -> Question:
    return Question(id=qid, family="recognizes_israel_tf", topic="recognition",
                    difficulty="easy", text="True or false?", options=("True", "False"),
                    answer_index=0, explanation="Because.", source="Test data",
                    as_of=dt.date(2025, 12, 9))
