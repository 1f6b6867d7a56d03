"""Score totals kept up to date (bot.quiz.totals): folded once when answers start to count,
kept consistent by adjustments, resets, removals and forget-me, read by the leaderboard and
``/quiz stats``, and re-checked from the log by ``check-scores``. Each test also asks
``totals.check``: the maintained rows must equal a recount of the log after every step."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot import cli
from bot.db import migrate
from bot.db.engine import create_engine
from bot.quiz import admin, totals
from bot.quiz.admin import Actor
from bot.quiz.leaderboard import leaderboard, player_stats
from bot.quiz.models import Answer, Player, QuizRound, RoundQuestion, RoundStatus, ScoreTotal
from bot.quiz.rounds import EndReason
from tests.quiz.test_round_runner import ALICE, BOB, GUILD, Game, question
from tests.support.databases import fresh_database

G = 42
MOD = Actor(G, 9)
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with fresh_database(tmp_path) as url:
        engine = create_engine(url)
        await migrate.upgrade(engine)
        yield engine
        await engine.dispose()


async def _round(conn: AsyncConnection, status: RoundStatus = RoundStatus.RUNNING,
                 guild: int = G) -> int:
    return int((await conn.execute(QuizRound.__table__.insert().values(  # type: ignore[attr-defined]
        guild_id=guild, channel_id=1, active_channel_id=None, starter_id=1, topic="mixed",
        question_count=5, time_limit=20, seed=1, status=status, started_at=NOW)
        .returning(QuizRound.__table__.c.id))).scalar_one())  # type: ignore[attr-defined]


async def _question(conn: AsyncConnection, round_id: int, index: int) -> None:
    await conn.execute(RoundQuestion.__table__.insert().values(  # type: ignore[attr-defined]
        round_id=round_id, index=index, question_id=f"q{index}", difficulty="easy",
        answer_index=1, payload="{}", message_id=None, asked_at=NOW, deadline=NOW,
        revealed=False))


async def _answer(conn: AsyncConnection, round_id: int, index: int, user: int, points: int,
                  when: dt.datetime = NOW, guild: int = G) -> None:
    await conn.execute(Answer.__table__.insert().values(  # type: ignore[attr-defined]
        round_id=round_id, question_index=index, guild_id=guild, user_id=user,
        option_index=1 if points else 0, correct=points > 0, points=points, elapsed_ms=1000,
        answered_at=when))


async def _name(conn: AsyncConnection, user: int, name: str) -> None:
    await conn.execute(Player.__table__.insert().values(  # type: ignore[attr-defined]
        guild_id=G, user_id=user, display_name=name, updated_at=NOW))


async def _reveal(engine: AsyncEngine, round_id: int, index: int) -> int:
    """What the runner's reveal transaction does."""
    async with engine.begin() as conn:
        await conn.execute(sa.update(RoundQuestion).where(
            RoundQuestion.round_id == round_id, RoundQuestion.index == index)  # type: ignore[arg-type]
            .values(revealed=True))
        return await totals.tally(conn, round_id)


async def _end(engine: AsyncEngine, round_id: int, status: RoundStatus) -> int:
    async with engine.begin() as conn:
        await conn.execute(sa.update(QuizRound).where(QuizRound.id == round_id)  # type: ignore[arg-type]
                           .values(status=status))
        return await totals.tally(conn, round_id)


async def _board(engine: AsyncEngine, period: str = "all-time", page: int = 1
                 ) -> list[tuple[int, int, int]]:
    return [(s.rank, s.user_id, s.points)
            for s in (await leaderboard(engine, G, period, page)).standings]


async def test_nothing_counts_before_its_reveal_and_a_reveal_folds_once(
        engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        r = await _round(conn)
        await _question(conn, r, 0)
        await _answer(conn, r, 0, 1, 150)
        await _answer(conn, r, 0, 2, 0)
    assert await _board(engine) == []  # the question is open: its answers count nowhere
    assert (await player_stats(engine, G, 1)).answered == 0
    assert await totals.check(engine) == []
    assert await _reveal(engine, r, 0) == 2
    assert await _board(engine) == [(1, 1, 150), (2, 2, 0)]
    async with engine.begin() as conn:
        assert await totals.tally(conn, r) == 0  # a second fold finds nothing
    stats = await player_stats(engine, G, 1)
    assert (stats.answered, stats.correct, stats.points, stats.current_streak,
            stats.best_streak) == (1, 1, 150, 1, 1)
    assert await _board(engine, "week") == [(1, 1, 150), (2, 2, 0)]
    assert await _board(engine, "month") == [(1, 1, 150), (2, 2, 0)]
    assert await totals.check(engine) == []


async def test_a_late_answer_and_an_unrevealed_question_count_when_the_round_ends(
        engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        r = await _round(conn)
        for i in (0, 1):
            await _question(conn, r, i)
        await _answer(conn, r, 0, 1, 100)
    await _reveal(engine, r, 0)
    async with engine.begin() as conn:
        # Another process took a click just before the buzzer; it committed after the reveal.
        await _answer(conn, r, 0, 2, 90, NOW + dt.timedelta(seconds=1))
        await _answer(conn, r, 1, 1, 0, NOW + dt.timedelta(seconds=30))  # q1 still open
    difference = await totals.check(engine)
    assert [d.key for d in difference if d.table == "quiz_score_total"] == [(G, 2)]
    assert await _end(engine, r, RoundStatus.STOPPED) == 2  # stopped with q1 on screen
    assert await _board(engine) == [(1, 1, 100), (2, 2, 90)]
    stats = await player_stats(engine, G, 1)
    assert (stats.answered, stats.correct, stats.current_streak, stats.best_streak) == (2, 1, 0, 1)
    assert await totals.check(engine) == []


async def test_streaks_follow_the_log_order_when_rounds_are_folded_out_of_order(
        engine: AsyncEngine) -> None:
    """Two channels at once: the later answers are folded first, then older ones."""
    async with engine.begin() as conn:
        early, late = await _round(conn), await _round(conn)
        for r in (early, late):
            await _question(conn, r, 0)
            await _question(conn, r, 1)
        await _answer(conn, early, 0, 1, 100, NOW)
        await _answer(conn, early, 1, 1, 100, NOW + dt.timedelta(seconds=20))
        await _answer(conn, late, 0, 1, 0, NOW + dt.timedelta(seconds=10))
        await _answer(conn, late, 1, 1, 100, NOW + dt.timedelta(seconds=30))
    await _reveal(engine, late, 0)
    await _reveal(engine, late, 1)
    await _reveal(engine, early, 0)
    await _reveal(engine, early, 1)
    # Log order: right (0 s), wrong (10 s), right (20 s), right (30 s).
    stats = await player_stats(engine, G, 1)
    assert (stats.answered, stats.correct, stats.points, stats.current_streak,
            stats.best_streak) == (4, 3, 300, 2, 2)
    assert await totals.check(engine) == []


async def test_ties_share_a_rank_and_pages_come_from_the_database(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        r = await _round(conn, RoundStatus.FINISHED)
        points = {user: 250 - 10 * (user - 1) for user in range(1, 26)}
        points[3], points[25] = 240, points[24]  # 250, 240, 240, 220, … 30, 20, 20
        for user, pts in points.items():
            await _answer(conn, r, user, user, pts)
            await _name(conn, user, f"p{user:02d}")
        await totals.tally(conn, r)
    page = await leaderboard(engine, G, "all-time", 1)
    assert (page.players, page.pages) == (25, 3)
    assert [(s.rank, s.display_name, s.points) for s in page.standings[:4]] == [
        (1, "p01", 250), (2, "p02", 240), (2, "p03", 240), (4, "p04", 220)]
    third = await leaderboard(engine, G, "all-time", 3)
    assert [(s.rank, s.user_id) for s in third.standings] == [
        (21, 21), (22, 22), (23, 23), (24, 24), (24, 25)]
    beyond = await leaderboard(engine, G, "all-time", 9)
    assert (beyond.page, beyond.out_of_range, beyond.standings) == (3, True, third.standings)
    assert (await leaderboard(engine, G + 1)).standings == []  # another server's board


async def test_a_tie_across_pages_keeps_its_rank_and_name_order(engine: AsyncEngine) -> None:
    names = {u: n for u, n in zip(range(1, 24), [f"{'Zz' if u % 3 else 'aa'}{u:02d}"
                                                    for u in range(1, 24)], strict=True)}
    async with engine.begin() as conn:
        r = await _round(conn, RoundStatus.FINISHED)
        for user, name in names.items():
            await _answer(conn, r, 0, user, 100 if user == 7 else 50)
            await _name(conn, user, name)
        await totals.tally(conn, r)
    expected = [(1, 7)] + [(2, u) for u in sorted(set(names) - {7},
                                                  key=lambda u: names[u].lower())]
    pages = [await leaderboard(engine, G, "all-time", p) for p in (1, 2, 3)]
    assert [(s.rank, s.user_id) for page in pages for s in page.standings] == expected
    assert [len(page.standings) for page in pages] == [10, 10, 3]


async def test_periods_adjustments_reset_removal_and_forget_stay_consistent(
        engine: AsyncEngine) -> None:
    old = NOW - dt.timedelta(days=400)
    async with engine.begin() as conn:
        r = await _round(conn, RoundStatus.FINISHED)
        await _answer(conn, r, 0, 1, 500, old)
        await _answer(conn, r, 0, 2, 200)
        await totals.tally(conn, r)
        running = await _round(conn)
        await _question(conn, running, 0)
        await _answer(conn, running, 0, 2, 70)
    await _reveal(engine, running, 0)
    assert await _board(engine) == [(1, 1, 500), (2, 2, 270)]
    assert await _board(engine, "month") == [(1, 2, 270)]
    await admin.adjust_points(engine, MOD, 3, 40, "helped")
    await admin.adjust_points(engine, MOD, 1, -100, "cheated")
    assert await _board(engine) == [(1, 1, 400), (2, 2, 270), (3, 3, 40)]
    assert await _board(engine, "week") == [(1, 2, 270), (2, 3, 40), (3, 1, -100)]
    assert (await player_stats(engine, G, 3)).points == 40
    assert await totals.check(engine) == []

    # A reset keeps the running round's answers, which count (their question was revealed).
    await admin.reset_leaderboard(engine, MOD)
    assert await _board(engine) == [(1, 2, 70)]
    assert await totals.check(engine) == []

    async with engine.begin() as conn:
        r2 = await _round(conn, RoundStatus.FINISHED)
        await _answer(conn, r2, 0, 2, 30)
        await _answer(conn, r2, 0, 4, 10)
        await totals.tally(conn, r2)
    assert await _board(engine) == [(1, 2, 100), (2, 4, 10)]
    await admin.remove_member(engine, MOD, 2)  # keeps the running round's answer
    assert await _board(engine) == [(1, 2, 70), (2, 4, 10)]
    assert await totals.check(engine) == []
    await admin.remove_member(engine, MOD, 2, action="privacy.forget", everything=True)
    assert await _board(engine) == [(1, 4, 10)]
    assert (await player_stats(engine, G, 2)).answered == 0
    assert await totals.check(engine) == []
    await admin.forget_guild(engine, G)
    async with engine.connect() as conn:
        assert (await conn.execute(sa.select(sa.func.count()).select_from(ScoreTotal))
                ).scalar() == 0
    assert await totals.check(engine) == []


async def test_a_round_played_through_the_runner_keeps_totals(tmp_path: Path) -> None:
    async with fresh_database(tmp_path) as url:
        engine = create_engine(url)
        try:
            await migrate.upgrade(engine)
            game = Game(engine, [question(1), question(2), question(3)])
            runner = await game.play()
            first = await game.presenter.next_question()
            await runner.answer(ALICE, "Alice", first.index, 1)
            await runner.answer(BOB, "Bob", first.index, 0)
            await game.to_buzzer(first)
            second = await game.presenter.next_question()
            await runner.answer(ALICE, "Alice", second.index, 1)
            await game.to_buzzer(second)
            third = await game.presenter.next_question()
            await runner.answer(BOB, "Bob", third.index, 1)
            runner.stop(EndReason.STOPPED)  # the third question is never revealed
            await game.result()
            board = await leaderboard(engine, GUILD)
            assert [s.display_name for s in board.standings] == ["Alice", "Bob"]
            alice = await player_stats(engine, GUILD, ALICE)
            bob = await player_stats(engine, GUILD, BOB)
            assert (alice.answered, alice.correct, alice.best_streak) == (2, 2, 2)
            assert (bob.answered, bob.correct, bob.current_streak) == (2, 1, 1)
            assert await totals.check(engine) == []
        finally:
            await engine.dispose()


def test_check_scores_finds_a_corrupted_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'scores.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)

    async def seed(corrupt: bool) -> None:
        engine = create_engine(url)
        try:
            if not corrupt:
                await migrate.upgrade(engine)
                async with engine.begin() as conn:
                    r = await _round(conn, RoundStatus.FINISHED)
                    await _answer(conn, r, 0, 1, 120)
                    await _answer(conn, r, 1, 1, 80)
                    await totals.tally(conn, r)
            else:
                async with engine.begin() as conn:
                    await conn.execute(sa.update(ScoreTotal).values(points=ScoreTotal.points + 1))
        finally:
            await engine.dispose()

    asyncio.run(seed(corrupt=False))
    assert cli.main(["check-scores"]) == 0
    assert "every score total matches" in capsys.readouterr().out
    asyncio.run(seed(corrupt=True))
    assert cli.main(["check-scores"]) == 1
    out = capsys.readouterr()
    assert f"quiz_score_total ({G}, 1): stored (201, 2, 2, 2, 2), expected from the log " \
           "(200, 2, 2, 2, 2)" in out.out
    assert "1 score totals differ" in out.err
