"""Round owners, leases and durable ends, on a fake clock and a real SQLite database.

A round's row names the process running it and how long that process vouches for it; other
processes close it only once the lease expired, and a stop reaching them is written into the
row for the owner to honour. A round's end survives a database outage: retried with backoff,
then by the sweeper, and the final board is read from the database."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, cast

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.quiz.models import QuizRound, RoundStatus
from bot.quiz.rounds import AnswerStatus, EndReason, QuestionOutcome, RoundInfo
from bot.quiz.service import NoRound, NotAllowed, QuizService, Stopping
from tests.quiz.test_round_runner import (
    ALICE,
    CHANNEL,
    GUILD,
    STARTER,
    FakePresenter,
    Game,
    question,
)

GONE = "sqlite+aiosqlite:////proc/no-such-dir/gone.db"  # every statement fails


def service_for(game: Game, engine: AsyncEngine) -> QuizService:
    return QuizService(engine, cast("Any", lambda: None), clock=game.clock)


class OutageAtTheEnd(FakePresenter):
    """The database goes away right after the last reveal: the round's end cannot be written."""

    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game
        self.finishes = 0
        self.gone = create_async_engine(GONE)

    async def reveal(self, info: RoundInfo, outcome: QuestionOutcome) -> None:
        await super().reveal(info, outcome)
        self.game.runner.engine = self.gone

    async def finish(self, info: RoundInfo, board: Any, reason: EndReason,
                     stopped_by: int | None) -> None:
        self.finishes += 1
        await super().finish(info, board, reason, stopped_by)


async def _play_to_the_failed_end(engine: AsyncEngine, delays: tuple[float, ...]
                                  ) -> tuple[Game, OutageAtTheEnd]:
    game = Game(engine, [question(0)])
    presenter = game.presenter = OutageAtTheEnd(game)
    presenter.clock = game.clock
    runner = await game.play()
    runner.end_delays = delays
    asked = await presenter.next_question()
    locked = await runner.answer(ALICE, "Alice", 0, 1)
    assert locked.status is AnswerStatus.LOCKED_IN
    assert locked.points > 0
    await game.to_buzzer(asked)
    return game, presenter


async def test_a_failed_end_is_retried_with_backoff(engine: AsyncEngine) -> None:
    game, presenter = await _play_to_the_failed_end(engine, (1.0, 2.0, 4.0))
    await _after_backoff(game, 1.0)  # the second try fails too
    await _after_backoff(game, 0.0)  # (registered its next wait)
    game.runner.engine = engine  # the database is back before the third
    await game.clock.advance(2.0)
    board, reason, _by = await presenter.ending()
    assert reason is EndReason.FINISHED
    assert [(s.user_id, s.points > 0) for s in board] == [(ALICE, True)]  # from the database
    assert await game.result() is EndReason.FINISHED
    assert presenter.finishes == 1
    assert await game.rows("SELECT status, active_channel_id FROM quiz_round") == [
        ("finished", None)]
    await presenter.gone.dispose()


async def test_an_end_that_keeps_failing_is_finished_by_the_sweeper(engine: AsyncEngine) -> None:
    game, presenter = await _play_to_the_failed_end(engine, (1.0, 2.0))
    await _after_backoff(game, 1.0)
    await _after_backoff(game, 2.0)
    assert await game.result() is EndReason.FINISHED  # the runner gave up: its task is done
    assert not presenter.finished.done()  # no board yet, rather than "Nobody scored"
    assert not game.runner.ended
    service = service_for(game, engine)
    service.unended[game.runner.info.round_id] = game.runner  # as the service's done callback
    # Meanwhile the channel is consistently taken: start would be refused, stop is accepted.
    assert await game.rows("SELECT status, active_channel_id FROM quiz_round") == [
        ("running", CHANNEL)]
    assert isinstance(await service.stop_in(CHANNEL, STARTER, moderator=False), Stopping)
    assert await service.sweep() == []  # still failing: nothing changes, nothing is lost
    assert not presenter.finished.done()
    game.runner.engine = engine  # the database is back
    assert await service.sweep() == []  # not "interrupted": its own end, recorded late
    board, reason, _by = await presenter.ending()
    assert reason is EndReason.FINISHED
    assert [s.user_id for s in board] == [ALICE]
    assert board[0].points > 0
    assert service.unended == {}
    assert await game.rows("SELECT status, end_reason, active_channel_id FROM quiz_round") == [
        ("finished", "finished", None)]
    assert isinstance(await service.stop_in(CHANNEL, STARTER, moderator=False), NoRound)
    await service.sweep()
    assert presenter.finishes == 1
    await presenter.gone.dispose()


async def _after_backoff(game: Game, seconds: float) -> None:
    """Let the runner's next backoff wait (registered after the last try failed) run out."""
    clock = game.clock
    for _ in range(500):
        if any(until > clock.t + 1e-9 for until, _wake in clock._sleepers):
            break
        await asyncio.sleep(0.01)
    await clock.advance(seconds)


async def _orphan(engine: AsyncEngine, *, owner: str | None, lease_until: dt.datetime | None,
                  channel: int = CHANNEL) -> int:
    async with engine.begin() as conn:
        return int((await conn.execute(QuizRound.__table__.insert().values(
            guild_id=GUILD, channel_id=channel, active_channel_id=channel, starter_id=STARTER,
            topic="defectors", difficulty=None, question_count=5, time_limit=20, seed=1,
            status=RoundStatus.RUNNING, started_at=lease_until or dt.datetime.now(dt.UTC),
            owner=owner, lease_until=lease_until,
        ).returning(QuizRound.__table__.c.id))).scalar_one())


async def test_recovery_closes_only_rounds_whose_lease_expired(engine: AsyncEngine) -> None:
    game = Game(engine, [])
    service, other = service_for(game, engine), service_for(game, engine)
    assert service.owner != other.owner
    now = game.clock.now()
    live = await _orphan(engine, owner=other.owner, lease_until=now + dt.timedelta(seconds=30))
    legacy = await _orphan(engine, owner=None, lease_until=None, channel=CHANNEL + 1)
    closed = await service.close_interrupted()
    assert [c.round_id for c in closed] == [legacy]  # from before leases: its owner is gone
    game.clock.t += 29
    assert await service.close_interrupted() == []  # the other process still vouches for it
    game.clock.t += 2
    assert [c.round_id for c in await service.close_interrupted()] == [live]
    assert await other.close_interrupted() == []  # closed once, announced once
    assert await game.rows("SELECT id, status, active_channel_id FROM quiz_round ORDER BY id"
                           ) == [(live, "interrupted", None), (legacy, "interrupted", None)]


async def test_the_heartbeat_keeps_a_round_alive(engine: AsyncEngine) -> None:
    game = Game(engine, [question(0)])
    service, other = service_for(game, engine), service_for(game, engine)
    runner = await game.play()
    await game.presenter.next_question()
    round_id = runner.info.round_id
    runner.owner = service.owner
    service.runners[round_id] = runner
    async with engine.begin() as conn:
        await conn.execute(sa.update(QuizRound).where(QuizRound.__table__.c.id == round_id)
                           .values(owner=service.owner,
                                   lease_until=game.clock.now() + dt.timedelta(seconds=30)))
    for _ in range(4):  # two minutes of heartbeats
        game.clock.t += 25
        await service.renew_leases()
        assert await other.sweep() == []
    runner.stop(EndReason.STOPPED)
    await game.presenter.ending()
    await game.result()


async def test_a_stop_through_the_database_is_honoured_by_the_owner(engine: AsyncEngine) -> None:
    game = Game(engine, [question(0), question(1)])
    owner, elsewhere = service_for(game, engine), service_for(game, engine)
    runner = await game.play()
    await game.presenter.next_question()
    round_id = runner.info.round_id
    runner.owner = owner.owner
    owner.runners[round_id] = runner
    async with engine.begin() as conn:
        await conn.execute(sa.update(QuizRound).where(QuizRound.__table__.c.id == round_id)
                           .values(owner=owner.owner,
                                   lease_until=game.clock.now() + dt.timedelta(seconds=30)))
    assert isinstance(await elsewhere.stop_in(CHANNEL, ALICE, moderator=False), NotAllowed)
    assert await elsewhere.stop_in(CHANNEL, ALICE, moderator=True) == Stopping(round_id,
                                                                               here=False)
    assert await owner.stop_in(CHANNEL, STARTER, moderator=False) == Stopping(round_id,
                                                                              here=True)
    await owner.poll_stops()
    _board, reason, by = await game.presenter.ending()
    assert (reason, by) == (EndReason.STOPPED, ALICE)
    assert await game.result() is EndReason.STOPPED
    assert await game.rows("SELECT status, stop_requested_by, active_channel_id FROM quiz_round"
                           ) == [("stopped", ALICE, None)]


def test_the_lease_is_a_bounded_setting() -> None:
    from bot.settings import Settings, SettingsError

    assert Settings.from_mapping({}).round_lease == 30
    assert Settings.from_mapping({"ROUND_LEASE_SECONDS": "10"}).round_lease == 10
    for bad in ("2", "601", "soon"):
        with pytest.raises(SettingsError, match="ROUND_LEASE_SECONDS"):
            Settings.from_mapping({"ROUND_LEASE_SECONDS": bad})
