"""Many rounds closing at once (a shutdown ends every running round) queue for the database
in the service's closing gate, not in the connection pool: none fails on a pool timeout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.quiz.service import QuizService, Started
from tests.quiz.conftest import copy_of
from tests.quiz.test_daily import facts
from tests.quiz.test_round_runner import FakePresenter

ROUNDS = 60
GUILD = 5


@pytest.fixture
async def small_pool(migrated: Path, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Two connections and a short wait for one: as a thousand rounds are to 15 and 30 s."""
    engine = copy_of(migrated, tmp_path, pool_size=2, max_overflow=0, pool_timeout=0.1)
    yield engine
    await engine.dispose()


async def test_rounds_ended_by_a_shutdown_all_end_as_shut_down(small_pool: AsyncEngine,
                                                               caplog: pytest.LogCaptureFixture
                                                               ) -> None:
    await config.save_config(small_pool, GUILD, QuizConfig(time_limit=60, reveal_pictures=False))
    service = QuizService(small_pool, facts, intermission=0, lead_in=0)
    assert service.closing_gate._value == 1  # half the pool
    presenters = [FakePresenter() for _ in range(ROUNDS)]
    # One after another, so that only the ending happens all at once: each round's first
    # question is open and one player answered it.
    for channel, presenter in enumerate(presenters):
        started = await service.start(guild_id=GUILD, channel_id=channel, starter_id=channel,
                                      topic=None, difficulty=None, questions=5,
                                      presenter=lambda info, p=presenter: p)
        assert isinstance(started, Started)
        asked = await asyncio.wait_for(presenter.questions.get(), 30)
        await service.answer(started.info.round_id, asked.index, 1000 + channel, "player", 0)
    await service.shutdown()
    ends = [await asyncio.wait_for(p.finished, 30) for p in presenters]
    assert {reason.value for _board, reason, _by in ends} == {"shutdown"}
    async with small_pool.connect() as conn:
        rows = (await conn.execute(sa.text(
            "SELECT status, end_reason, count(*) FROM quiz_round GROUP BY status, end_reason"
        ))).all()
        revealed = (await conn.execute(sa.text(
            "SELECT count(*) FROM quiz_round_question WHERE revealed"))).scalar_one()
    assert [tuple(r) for r in rows] == [("stopped", "shutdown", ROUNDS)]
    assert revealed == ROUNDS  # each open question was closed and counted
    assert not [r for r in caplog.records if "failed; ending it" in r.getMessage()]
