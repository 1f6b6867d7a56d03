"""The few SQL constructs whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

Build = Callable[[Callable[[Any], Any]], Any]


def _dialect(bind: AsyncConnection | AsyncSession) -> str:
    return (bind.get_bind() if isinstance(bind, AsyncSession) else bind).dialect.name


def _insert_of(dialect: str) -> Callable[[Any], Any]:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def insert(bind: AsyncConnection | AsyncSession, table: Any) -> Any:
    """An INSERT that supports ``on_conflict_do_nothing/do_update`` on either database."""
    return _insert_of(_dialect(bind))(table)


def prepared(bind: AsyncConnection | AsyncSession, build: Build) -> Any:
    """The statement ``build(insert)`` returns, built once per database and then executed
    with fresh parameters. For the upserts of every click and reveal: naming ``excluded``
    copies each column of the table into an alias, reference cycles that only the garbage
    collector frees (about 50 objects a statement), and the collector's pauses were the
    click receipts' slowest tail (README, "Clicks")."""
    return _built(build, _dialect(bind))


@functools.cache
def _built(build: Build, dialect: str) -> Any:
    return build(_insert_of(dialect))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
