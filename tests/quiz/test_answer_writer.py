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
from bot.quiz.models import Answer, QuizRound, RoundStatus

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


async def test_a_batch_keeps_the_first_answer_and_the_latest_name(engine: AsyncEngine) -> None:
    writer = AnswerWriter(engine, Metrics())
    assert await writer.submit(answer(1))  # stored before the batch
    later = STARTED + dt.timedelta(seconds=5)
    second_question = NewAnswer(round_id=1, question_index=1, guild_id=7, user_id=2,
                                display_name="renamed 2", option_index=3, correct=False,
                                points=0, elapsed_ms=2000, answered_at=later)
    # Submitted together, so written in as few batches as the writer likes (most likely one):
    # a repeat of a stored answer, a repeat within the batch, and one member answering two
    # questions under two names.
    batch = [answer(1, option=2), answer(2), answer(3), answer(3, option=1), second_question]
    recorded = await asyncio.gather(*(writer.submit(item) for item in batch))
    await writer.close()
    assert recorded == [False, True, True, False, True]
    async with engine.connect() as conn:
        table = Answer.__table__.c  # type: ignore[attr-defined]
        stored = (await conn.execute(sa.select(
            table.user_id, table.question_index, table.option_index, table.points,
            table.answered_at).order_by(table.user_id, table.question_index))).all()
        names = dict((await conn.execute(sa.text(
            "SELECT user_id, display_name FROM quiz_player WHERE guild_id = 7"))).all())
    assert [tuple(row[:4]) for row in stored] == [(1, 0, 0, 100), (2, 0, 0, 100),
                                                  (2, 1, 3, 0), (3, 0, 0, 100)]
    assert stored[2][4].replace(tzinfo=None) == later.replace(tzinfo=None)  # SQLite: naive
    assert names == {1: "player 1", 2: "renamed 2", 3: "player 3"}


async def cut_connections(engine: AsyncEngine) -> None:
    """A database restart or failover: every connection of the bot's is dead, the server is
    back at once."""
    admin = create_engine(engine.url.render_as_string(hide_password=False))
    try:
        async with admin.connect() as conn:
            cut = (await conn.execute(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"))).scalar()
    finally:
        await admin.dispose()
    assert cut is not None
    assert cut >= 1


async def stored_users(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as conn:
        return list((await conn.execute(sa.text(
            "SELECT user_id FROM quiz_answer ORDER BY user_id"))).scalars().all())


@pytest.mark.parametrize("streaming", [True, False], ids=["mid-stream", "after-a-pause"])
async def test_a_click_after_the_database_cut_its_connections_is_recorded(
        engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, streaming: bool) -> None:
    """Mid-stream the writer still holds the connection it wrote the last batch with; after
    a pause it has given it back and takes a checked one from the pool."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to cut connections")
    monkeypatch.setattr(answers, "BUSY", 600.0 if streaming else 0.05)
    writer = AnswerWriter(engine, Metrics())
    assert await writer.submit(answer(1))
    if not streaming:
        await asyncio.sleep(0.3)
    await cut_connections(engine)
    assert await writer.submit(answer(2))
    assert await writer.submit(answer(3))
    await writer.close()
    assert await stored_users(engine) == [1, 2, 3]
    assert writer.retries == (1 if streaming else 0)


async def test_an_answer_the_dead_connection_did_store_counts_once(
        engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database stored a batch, then the connection died before saying so: sent again,
    the member's own answer is reported recorded (not "already answered"), stored once,
    while a real second click in the same batch is still refused."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to cut connections")
    monkeypatch.setattr(answers, "BUSY", 600.0)
    writer = AnswerWriter(engine, Metrics())
    assert await writer.submit(answer(1))  # the writer now holds its connection
    lost = answer(2)
    async with engine.begin() as conn:  # what the lost attempt wrote
        await conn.execute(sa.insert(Answer).values(
            round_id=1, question_index=0, guild_id=7, user_id=2, option_index=0, correct=True,
            points=100, elapsed_ms=1000, answered_at=lost.answered_at))
    await cut_connections(engine)
    again = answer(1, option=2)  # player 1 clicks once more, on another option
    assert await asyncio.gather(writer.submit(lost), writer.submit(again)) == [True, False]
    await writer.close()
    assert writer.retries == 1
    assert await stored_users(engine) == [1, 2]
