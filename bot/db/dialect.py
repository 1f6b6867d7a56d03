"""The few SQL constructs whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


def insert(bind: AsyncConnection | AsyncSession, table: Any) -> Any:
    """An INSERT that supports ``on_conflict_do_nothing/do_update`` on either database."""
    name = (bind.get_bind() if isinstance(bind, AsyncSession) else bind).dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(table)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
