"""A fresh, empty database per test: a SQLite file, or (with ``TEST_DATABASE_URL`` set to a
PostgreSQL server) a database created on that server and dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy.engine import make_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@contextlib.asynccontextmanager
async def fresh_database(tmp_path: Path) -> AsyncIterator[str]:
    if not TEST_DATABASE_URL:
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    import asyncpg

    server = make_url(TEST_DATABASE_URL)
    name = f"fq_{uuid.uuid4().hex[:16]}"
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
