from __future__ import annotations

import asyncio
import sys

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.db import migrate
from bot.db.engine import create_engine
from bot.db.metadata import all_tables
from bot.db.migrate import alembic_config


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


async def test_an_empty_database_ends_at_head(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert await migrate.current_revision(engine) is None
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        assert {"defector_period", "member_state", "recognition_event"} <= tables
    finally:
        await engine.dispose()


def test_head_names_the_newest_script() -> None:
    assert migrate.head_revision() == migrate.HEAD


async def test_a_start_at_head_leaves_alembic_unloaded(database_url: str) -> None:
    """The usual start (schema already at head) costs one query, not Alembic's modules."""
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    probe = ("import asyncio, sys\n"
             "from bot.db import migrate\n"
             "from bot.db.engine import create_engine\n"
             "async def main():\n"
             "    engine = create_engine(sys.argv[1])\n"
             "    await migrate.upgrade(engine)\n"
             "    print(await migrate.current_revision(engine), 'alembic' in sys.modules)\n"
             "    await engine.dispose()\n"
             "asyncio.run(main())\n")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", probe, database_url, stdout=asyncio.subprocess.PIPE)
    out, _ = await child.communicate()
    assert child.returncode == 0
    assert out.decode().split() == [migrate.HEAD, "False"]


async def test_an_older_schema_upgrades_to_head_and_keeps_its_rows(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        first = _revisions()[0]
        await migrate.upgrade(engine, first)
        async with engine.begin() as conn:
            await conn.execute(sa.text(
                "INSERT INTO dataset_version (name, digest, loaded_at) "
                "VALUES ('facts', 'old', '2024-01-01 00:00:00+00')"))
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as conn:
            digest = (await conn.execute(sa.text("SELECT digest FROM dataset_version"))).scalar()
        assert digest == "old"
        await migrate.upgrade(engine)  # upgrading at head is a no-op
    finally:
        await engine.dispose()


async def test_migrations_build_exactly_the_models(database_url: str) -> None:
    """The hand-written migrations and the SQLModel tables must not drift apart."""
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), all_tables()))
        assert diff == []
    finally:
        await engine.dispose()


async def test_leaderboard_rows_survive_upgrades_to_head(database_url: str) -> None:
    """A server's standings, written under the first schema that had them, read at head."""
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine, "0002")
        async with engine.begin() as conn:
            await conn.execute(sa.text(
                "INSERT INTO quiz_round (id, guild_id, channel_id, starter_id, topic, "
                "question_count, time_limit, seed, status, started_at) VALUES "
                "(1, 42, 7, 5, 'mixed', 5, 20, 1, 'finished', '2025-01-01 00:00:00+00')"))
            await conn.execute(sa.text(
                "INSERT INTO quiz_answer (round_id, question_index, guild_id, user_id, "
                "option_index, correct, points, elapsed_ms, answered_at) VALUES "
                "(1, 0, 42, 5, 1, true, 180, 900, '2025-01-01 00:00:05+00'), "
                "(1, 0, 42, 6, 0, false, 0, 1200, '2025-01-01 00:00:06+00'), "
                "(1, 1, 42, 6, 2, true, 120, 3000, '2025-01-01 00:00:40+00')"))
            await conn.execute(sa.text(
                "INSERT INTO quiz_player (guild_id, user_id, display_name, updated_at) VALUES "
                "(42, 5, 'Ann', '2025-01-01 00:00:05+00'), (42, 6, 'Ben', '2025-01-01 00:00:06+00')"))
            await conn.execute(sa.text(
                "INSERT INTO quiz_mod_action (guild_id, moderator_id, action, detail, created_at) "
                "VALUES (42, 9, 'points.adjust', 'old entry', '2025-01-02 00:00:00+00')"))
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        from bot.quiz.leaderboard import leaderboard

        page = await leaderboard(engine, 42)
        assert [(s.user_id, s.display_name, s.points) for s in page.standings] == [
            (5, "Ann", 180), (6, "Ben", 120)]
        async with engine.connect() as conn:
            audit = (await conn.execute(sa.text(
                "SELECT detail, interaction_id FROM quiz_mod_action"))).all()
        assert audit == [("old entry", None)]
    finally:
        await engine.dispose()


async def test_question_history_table_at_head(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine, "0003")
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            columns = await conn.run_sync(lambda c: {
                col["name"] for col in sa.inspect(c).get_columns("quiz_question_history")})
            keys = await conn.run_sync(lambda c: sa.inspect(c).get_pk_constraint(
                "quiz_question_history")["constrained_columns"])
        assert columns == {"guild_id", "question_id", "asked_at", "subjects"}
        assert keys == ["guild_id", "question_id"]
    finally:
        await engine.dispose()


async def test_score_totals_are_back_filled_and_keep_every_board(database_url: str) -> None:
    """Revision 0008 builds the totals from the log: answers written under 0006 (counted ones
    only: revealed, or their round over) and adjustments give the same boards and stats."""
    import datetime as dt

    from bot.quiz import totals
    from bot.quiz.leaderboard import leaderboard, player_stats

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    long_ago = now - dt.timedelta(days=400)
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine, "0006")
        async with engine.begin() as conn:
            await conn.execute(sa.text(
                "INSERT INTO quiz_round (id, guild_id, channel_id, starter_id, topic, "
                "question_count, time_limit, seed, status, started_at) VALUES "
                "(1, 42, 7, 5, 'mixed', 5, 20, 1, 'finished', :old), "
                "(2, 42, 8, 5, 'mixed', 5, 20, 2, 'running', :now), "
                "(3, 43, 9, 5, 'mixed', 5, 20, 3, 'stopped', :now)"), {"old": long_ago, "now": now})
            await conn.execute(sa.text(
                'INSERT INTO quiz_round_question (round_id, "index", question_id, difficulty, '
                "answer_index, payload, asked_at, deadline, revealed) VALUES "
                "(2, 0, 'q', 'easy', 1, '{}', :now, :now, true), "
                "(2, 1, 'q', 'easy', 1, '{}', :now, :now, false)"), {"now": now})
            answers = [  # round, question, guild, user, correct, points, when
                (1, 0, 42, 5, True, 180, long_ago), (1, 1, 42, 5, True, 120, long_ago),
                (1, 2, 42, 5, False, 0, long_ago), (1, 0, 42, 6, False, 0, long_ago),
                (2, 0, 42, 5, True, 100, now), (2, 0, 42, 6, True, 150, now),
                (2, 1, 42, 6, True, 999, now),  # open question of a running round: not counted
                (3, 0, 43, 5, True, 77, now)]
            await conn.execute(sa.text(
                "INSERT INTO quiz_answer (round_id, question_index, guild_id, user_id, "
                "option_index, correct, points, elapsed_ms, answered_at) VALUES "
                "(:r, :q, :g, :u, 1, :c, :p, 900, :t)"),
                [dict(zip("rqgucpt", a, strict=True)) for a in answers])
            await conn.execute(sa.text(
                "INSERT INTO quiz_player (guild_id, user_id, display_name, updated_at) VALUES "
                "(42, 5, 'Ann', :now), (42, 6, 'Ben', :now)"), {"now": now})
            await conn.execute(sa.text(
                "INSERT INTO quiz_points_adjustment (guild_id, user_id, amount, reason, "
                "moderator_id, created_at) VALUES (42, 6, 40, 'bonus', 9, :now), "
                "(42, 7, -5, 'spam', 9, :old)"), {"now": now, "old": long_ago})
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()

        async def board(guild: int, period: str) -> list[tuple[int, str, int]]:
            page = await leaderboard(engine, guild, period)
            return [(s.rank, s.display_name, s.points) for s in page.standings]

        # What the 0006 code computed from the log for the same rows (summed by hand here).
        assert await board(42, "all-time") == [(1, "Ann", 400), (2, "Ben", 190), (3, "7", -5)]
        assert await board(42, "month") == [(1, "Ben", 190), (2, "Ann", 100)]
        assert await board(42, "week") == [(1, "Ben", 190), (2, "Ann", 100)]
        assert await board(43, "all-time") == [(1, "5", 77)]
        ann, ben = await player_stats(engine, 42, 5), await player_stats(engine, 42, 6)
        assert (ann.answered, ann.correct, ann.points, ann.current_streak, ann.best_streak) == (
            4, 3, 400, 1, 2)
        assert (ben.answered, ben.correct, ben.points, ben.current_streak, ben.best_streak) == (
            2, 1, 190, 1, 1)
        assert [a.amount for a in ben.adjustments] == [40]
        assert await totals.check(engine) == []
        # The open question's answer is folded when its round ends, not before.
        async with engine.connect() as conn:
            tallied = (await conn.execute(sa.text(
                "SELECT round_id, question_index, user_id FROM quiz_answer "
                "WHERE NOT tallied"))).all()
        assert tallied == [(2, 1, 6)]
    finally:
        await engine.dispose()
