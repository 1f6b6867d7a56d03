"""The quiz core's SQLite database for tests that need many fresh ones quickly."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import migrate
from bot.db.engine import create_engine


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database brought to head by the project's migrations; each test gets a copy
    (migrating afresh for every test would cost more than the tests themselves)."""
    path = tmp_path_factory.mktemp("quiz") / "template.db"

    async def build() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(engine)
        await engine.dispose()

    asyncio.run(build())
    return path


def copy_of(migrated: Path, tmp_path: Path, **options: Any) -> AsyncEngine:
    """An engine on a fresh copy of the migrated template (``options``: the engine's)."""
    copy = tmp_path / "quiz.db"
    shutil.copy(migrated, copy)
    return create_engine(f"sqlite+aiosqlite:///{copy}", **options)


@pytest.fixture
async def engine(migrated: Path, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A copy of the migrated template (modules that test both databases define their own)."""
    engine = copy_of(migrated, tmp_path)
    yield engine
    await engine.dispose()
