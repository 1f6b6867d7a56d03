"""Apply Alembic migrations from inside the running process (at start and in tests).

Alembic is imported only when there is something to migrate. Its modules are about 12 MB of
the bot's resident memory (measured by importing them after SQLAlchemy), kept for the life of
the process once loaded; a start whose schema is already at ``HEAD`` (every start but the
first after an upgrade) reads the stored revision with one query and leaves Alembic unloaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions; tests/db/test_migrations.py checks it against
# Alembic's own reading of the scripts, so a new migration cannot be forgotten here.
HEAD = "0011"
VERSION_TABLE = "alembic_version"  # Alembic's default


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; an empty database and an older one both work."""
    if revision in ("head", HEAD) and await current_revision(engine) == HEAD:
        return

    def run(conn: Connection) -> None:
        from alembic import command

        cfg = alembic_config()
        cfg.attributes["connection"] = conn  # env.py uses this connection instead of a URL
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision stored in the database (None for one Alembic never touched)."""

    def read(conn: Connection) -> str | None:
        if not sa.inspect(conn).has_table(VERSION_TABLE):
            return None
        return conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()

    async with engine.connect() as conn:
        return await conn.run_sync(read)
