"""The async engine: one per process, SQLite or PostgreSQL chosen by ``DATABASE_URL``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

log = logging.getLogger(__name__)

# pg_advisory_lock key for start-up (migrations + fact load): any fixed 64-bit number that no
# other application on the same server uses; this is "factquiz" in ASCII, truncated.
STARTUP_LOCK_KEY = 0x66616374717569


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    # Logged statements (errors, echo) must not carry member ids or display names.
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Writers wait for each other instead of failing with "database is locked".
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers run beside the single writer; foreign keys are off by default in SQLite.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


@contextlib.asynccontextmanager
async def startup_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """One process at a time through start-up (migrate, then load the facts).

    Two processes starting at once (a sharded layout, a rolling deploy) otherwise both run
    ``CREATE TABLE`` on a fresh database (``pg_type_typname_nsp_index``) or both replace the
    fact tables (``member_state_pkey``). PostgreSQL: a session advisory lock held on its own
    connection, released when it closes even if the process dies. SQLite: an exclusive
    ``flock`` on a file beside the database (DDL runs outside SQLite's transactions there);
    the kernel drops it with the process too.
    """
    url = engine.url
    if url.get_backend_name() == "postgresql":
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": STARTUP_LOCK_KEY})
            await conn.commit()  # nothing else runs on this connection: no open transaction
            try:
                yield
            finally:
                await conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"),
                                   {"k": STARTUP_LOCK_KEY})
                await conn.commit()
        return
    if not url.database or url.database == ":memory:":
        yield  # one process owns an in-memory database
        return
    import fcntl

    path = Path(url.database).with_name(Path(url.database).name + ".startup-lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        await asyncio.to_thread(fcntl.flock, fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class DatabaseUnreachable(RuntimeError):
    """The database did not answer at start; the message names the host, never the password."""


async def wait_for_database(engine: AsyncEngine, where: str, attempts: int,
                            first_delay: float = 1.0) -> None:
    """``SELECT 1`` until it answers: ``attempts`` tries, 1, 2, 4 … s apart (a database that
    starts beside the bot, as in compose, needs a moment). Then one line, no traceback."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            async with asyncio.timeout(10), engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
            return
        except (OSError, TimeoutError, sa.exc.DBAPIError, sa.exc.InterfaceError) as exc:
            reason = _reason(exc)
            if attempt == attempts:
                raise DatabaseUnreachable(
                    f"the database at {where} did not answer after {attempts} "
                    f"{'try' if attempts == 1 else 'tries'} ({reason})") from None
            log.warning("database at %s not answering (%s); retrying in %.0f s", where, reason,
                        delay)
            await asyncio.sleep(delay)
            delay *= 2


def _reason(exc: BaseException) -> str:
    """A short cause: the driver's own error, first line, without the SQL or parameters."""
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()[0] if str(inner).strip() else ""
    return f"{type(inner).__name__}: {text}"[:200] if text else type(inner).__name__
