from __future__ import annotations

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
