from __future__ import annotations

from pathlib import Path

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


async def test_an_empty_database_ends_at_head(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        assert await migrate.current_revision(engine) is None
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        assert {"defector_period", "member_state", "recognition_event"} <= tables
    finally:
        await engine.dispose()


async def test_an_older_schema_upgrades_to_head_and_keeps_its_rows(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        first = _revisions()[0]
        await migrate.upgrade(engine, first)
        async with engine.begin() as conn:
            await conn.execute(sa.text(
                "INSERT INTO dataset_version (name, digest, loaded_at) "
                "VALUES ('facts', 'old', '2024-01-01 00:00:00')"))
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as conn:
            digest = (await conn.execute(sa.text("SELECT digest FROM dataset_version"))).scalar()
        assert digest == "old"
        await migrate.upgrade(engine)  # upgrading at head is a no-op
    finally:
        await engine.dispose()


async def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    """The hand-written migrations and the SQLModel tables must not drift apart."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'cmp.db'}")
    try:
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), all_tables()))
        assert diff == []
    finally:
        await engine.dispose()
